from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from labs.calculator.cli import main, run_command
from labs.calculator.errors import CalculatorError

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = [
    "--requests",
    "1000",
    "--per",
    "day",
    "--system",
    "2000",
    "--user",
    "200",
    "--output",
    "500",
]


def run_json(capsys, argv: list[str]) -> dict:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result == run_command(argv)
    return result


def run_error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def money_fields(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from money_fields(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from money_fields(v, key)
    elif key.endswith("_usd") and value is not None:
        yield value


def assert_money_is_six_place_strings(result: dict) -> None:
    values = list(money_fields(result))
    assert values
    for value in values:
        assert isinstance(value, str)
        assert len(value.split(".")[1]) >= 6, value
        Decimal(value)


def test_models_lists_the_models_the_api_serves(capsys):
    result = run_json(capsys, ["models"])
    ids = [m["id"] for m in result["models"]]
    assert "claude-sonnet-5-5" in ids and "claude-3-haiku-20240307" not in ids
    assert result["unit"] == "USD per million tokens"
    assert_money_is_six_place_strings(result)


def test_models_all_adds_retired_ones(capsys):
    ids = [m["id"] for m in run_json(capsys, ["models", "--all"])["models"]]
    assert "claude-3-haiku-20240307" in ids and len(ids) == 26


def test_models_without_json_prints_an_aligned_table(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "claude-haiku-5-5" in out and "$0.125" in out and "[UNCONFIRMED]" in out


def test_cost_returns_each_line_item_and_the_total(capsys):
    result = run_json(
        capsys,
        [
            "cost",
            "--model",
            "claude-sonnet-5-5",
            "--input",
            "2000",
            "--output",
            "500",
            "--cache-read",
            "1000",
        ],
    )
    assert result["input_usd"] == "0.004000"
    assert result["output_usd"] == "0.005000"
    assert result["cache_read_usd"] == "0.000100"
    assert result["total_usd"] == "0.009100"
    assert result["input_tokens"] == 2000 and isinstance(result["prompt_tokens"], int)


def test_cost_with_batch_is_half(capsys):
    argv = ["cost", "--model", "opus-5-5", "--input", "1000", "--output", "1000"]
    plain = Decimal(run_json(capsys, argv)["total_usd"])
    assert Decimal(run_json(capsys, [*argv, "--batch"])["total_usd"]) * 2 == plain


def test_workload_returns_per_request_day_month_and_year(capsys):
    result = run_json(capsys, ["workload", "--model", "claude-sonnet-4-6", *WORKLOAD])
    per_request = Decimal(result["per_request_usd"])
    assert per_request == Decimal("0.0141")
    assert Decimal(result["per_day_usd"]) == per_request * 1000
    assert result["per_month_usd"] == "423.000000"
    assert Decimal(result["per_year_usd"]) == per_request * 1000 * 365
    assert "A month is 30 days and a year 365 days." in result["assumptions"]
    assert_money_is_six_place_strings(result)


def test_workload_with_a_cache_prefix_and_ttl(capsys):
    argv = [
        "workload",
        "--model",
        "claude-sonnet-4-6",
        *WORKLOAD,
        "--cache-prefix",
        "2000",
        "--ttl",
        "1h",
    ]
    result = run_json(capsys, argv)
    assert (result["cache_writes"], result["cache_reads"]) == (1, 999)
    assert result["ttl"] == "1h"


def test_a_large_workload_keeps_six_places(capsys):
    argv = ["workload", "--model", "sonnet-5-5", "--requests", "1000000", "--per", "day"]
    result = run_json(capsys, [*argv, "--user", "200", "--output", "500"])
    assert result["per_day_usd"] == "5400.000000"
    assert result["per_month_usd"] == "162000.000000"


def test_compare_lists_each_model_with_its_saving(capsys):
    argv = ["compare", "--models", "claude-sonnet-4-6,claude-haiku-4-5", *WORKLOAD]
    result = run_json(capsys, argv)
    assert [r["model"] for r in result["results"]] == [
        "claude-sonnet-4-6",
        "claude-haiku-4-5-20251001",
    ]
    assert result["results"][0]["saving_vs_first_usd"] == "0.000000"
    assert result["results"][1]["saving_vs_first_pct"] == "66.6667"
    assert "per_month_usd" in result["results"][1]


def test_cache_reports_eligibility_writes_reads_and_break_even(capsys):
    argv = ["cache", "--model", "claude-sonnet-4-6", "--prefix", "3000", "--requests", "500"]
    result = run_json(capsys, [*argv, "--per", "day", "--ttl", "1h", "--traffic", "poisson"])
    assert result["eligible"] is True and result["min_cacheable_tokens"] == 1024
    assert result["writes"] + result["reads"] == 500
    assert result["break_even_hits"] == 2
    for key in ("without_cache_usd", "with_cache_usd", "saving_usd", "saving_pct"):
        assert key in result


def test_batch_returns_standard_and_batch_cost_per_month(capsys):
    result = run_json(capsys, ["batch", "--model", "claude-opus-5-5", *WORKLOAD])
    assert Decimal(result["batch_usd"]) * 2 == Decimal(result["standard_usd"])
    assert result["saving_usd"] == result["batch_usd"]


def test_routing_returns_baseline_routed_and_saving(capsys):
    argv = [
        "routing",
        "--mix",
        "simple=0.7,medium=0.2,hard=0.1",
        "--models",
        "simple=claude-haiku-4-5,medium=claude-sonnet-4-6,hard=claude-opus-4-6",
        "--baseline",
        "claude-sonnet-4-6",
        "--requests",
        "100000",
        "--per",
        "day",
        "--input",
        "1000",
        "--output",
        "200",
        "--classifier",
        "claude-haiku-4-5",
        "--classifier-input",
        "300",
        "--classifier-output",
        "5",
    ]
    result = run_json(capsys, argv)
    assert result["baseline_usd"] == "600.000000"
    assert result["routed_usd"] == "392.500000"
    assert result["saving_usd"] == "207.500000"
    assert result["saving_pct"] == "34.5833"


def test_history_returns_per_turn_and_cumulative_tokens(capsys):
    argv = ["history", "--turns", "10", "--turn-tokens", "200", "--system", "100"]
    result = run_json(capsys, [*argv, "--window", "3", "--summary", "50"])
    assert result["per_turn"][0] == 300 and len(result["per_turn"]) == 10
    assert result["cumulative_tokens"] == 12_000
    assert result["window_per_turn"][-1] == 100 + 600 + 50
    assert result["window_cumulative_tokens"] == sum(result["window_per_turn"])


def test_history_with_a_model_and_caching_prices_the_input(capsys):
    argv = ["history", "--turns", "5", "--turn-tokens", "400", "--system", "600"]
    result = run_json(capsys, [*argv, "--model", "opus-5-5", "--cache", "--ttl", "1h"])
    assert Decimal(result["full_cached_usd"]) < Decimal(result["full_usd"])


def test_stack_returns_each_step_and_the_total_reduction(capsys):
    argv = ["stack", "--from", "claude-opus-4-1", "--to", "claude-sonnet-4-6", *WORKLOAD]
    result = run_json(capsys, [*argv, "--cache-prefix", "2000", "--ttl", "1h", "--batch"])
    assert [s["step"] for s in result["steps"]] == ["baseline", "switch_model", "caching", "batch"]
    reduction = Decimal(result["before_monthly_usd"]) - Decimal(result["after_monthly_usd"])
    assert Decimal(result["total_reduction_usd"]) == reduction


def test_audit_reads_a_file(capsys, tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("You are an incredibly helpful assistant. Be thorough.")
    argv = [
        "audit",
        "--file",
        str(prompt),
        "--model",
        "sonnet-5-5",
        "--requests",
        "1000",
        "--per",
        "day",
    ]
    result = run_json(capsys, argv)
    assert {f["kind"] for f in result["findings"]} >= {"empty_preamble", "length_inviting_words"}
    assert result["rewrite"] == "Be concise."
    assert Decimal(result["saving_usd"]) > 0 and result["tokens_saved"] > 0


def test_audit_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Summarize the text. Be comprehensive."))
    assert main(["audit", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tokens_estimate"] == 10 and result["saving_usd"] is None


def test_plan_reads_workloads_from_a_file(capsys, tmp_path):
    path = tmp_path / "workloads.yaml"
    workloads = [
        {
            "name": "Nightly tagging",
            "requests_per_day": 50000,
            "latency": "overnight",
            "task": "classification",
            "prompt": {"system": 900, "user": 400},
            "output": 20,
        }
    ]
    path.write_text(yaml.safe_dump(workloads))
    result = run_json(capsys, ["plan", "--file", str(path)])
    plan = result["workloads"][0]
    assert plan["api_pattern"] == "batch" and plan["model"] == "claude-haiku-5-5"
    assert Decimal(plan["after_monthly_usd"]) < Decimal(plan["before_monthly_usd"])
    assert_money_is_six_place_strings(result)


@pytest.mark.parametrize(
    "argv",
    [
        ["cost", "--model", "claude-sonnet-5-5", "--input", "2000", "--output", "500"],
        ["workload", "--model", "claude-sonnet-4-6", *WORKLOAD],
        ["cache", "--model", "sonnet-4-6", "--prefix", "3000", "--requests", "50", "--per", "day"],
        ["history", "--turns", "4", "--turn-tokens", "100", "--window", "2", "--summary", "30"],
        ["batch", "--model", "claude-opus-5-5", *WORKLOAD],
    ],
)
def test_every_command_prints_a_readable_table_without_json(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == argv[0]
    assert "$" in out or "tokens" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["cost", "--model", "claude-nope-9", "--input", "1", "--output", "1"],
            "unknown model 'claude-nope-9'",
        ),
        (["cost", "--model", "Haiku", "--input", "1", "--output", "1"], "name a version"),
        (
            ["cost", "--model", "opus-5-5", "--input", "-5", "--output", "1"],
            "--input: must not be negative",
        ),
        (
            ["cost", "--model", "opus-5-5", "--input", "1.5", "--output", "1"],
            "--input: expected a whole number",
        ),
        (
            ["cost", "--model", "opus-5-5", "--input", "lots", "--output", "1"],
            "--input: not a number",
        ),
        (
            ["cost", "--model", "opus-5-5", "--input", "1"],
            "the following arguments are required: --output",
        ),
        (
            ["workload", "--model", "opus-5-5", "--per", "day", "--output", "1"],
            "required: --requests",
        ),
        (
            ["workload", "--model", "opus-5-5", "--requests", "0", "--per", "day", "--output", "1"],
            "--requests: must not be below 1",
        ),
        (
            [
                "workload",
                "--model",
                "opus-5-5",
                "--requests",
                "5",
                "--per",
                "week",
                "--output",
                "1",
            ],
            "--per: invalid choice",
        ),
        (
            ["workload", "--model", "opus-5-5", *WORKLOAD, "--cache-prefix", "9000"],
            "longer than the prompt",
        ),
        (["compare", "--models", "opus-5-5,gpt-9", *WORKLOAD], "unknown model 'gpt-9'"),
        (
            ["cache", "--model", "opus-5-5", "--prefix", "-1", "--requests", "5", "--per", "day"],
            "--prefix: must not be negative",
        ),
        (
            [
                "routing",
                "--mix",
                "a=0.5,b=0.4",
                "--models",
                "a=opus-5-5,b=sonnet-5-5",
                "--baseline",
                "opus-5-5",
                "--requests",
                "5",
                "--per",
                "day",
                "--input",
                "1",
                "--output",
                "1",
            ],
            "add up to 1",
        ),
        (
            [
                "routing",
                "--mix",
                "a=x",
                "--models",
                "a=opus-5-5",
                "--baseline",
                "opus-5-5",
                "--requests",
                "5",
                "--per",
                "day",
                "--input",
                "1",
                "--output",
                "1",
            ],
            "not a number",
        ),
        (
            [
                "routing",
                "--mix",
                "a=1",
                "--models",
                "a=opus-5-5",
                "--baseline",
                "opus-5-5",
                "--requests",
                "5",
                "--per",
                "day",
                "--input",
                "1",
                "--output",
                "1",
                "--classifier",
                "haiku-5-5",
            ],
            "--classifier needs --classifier-input",
        ),
        (
            [
                "routing",
                "--mix",
                "a1",
                "--models",
                "a=opus-5-5",
                "--baseline",
                "opus-5-5",
                "--requests",
                "5",
                "--per",
                "day",
                "--input",
                "1",
                "--output",
                "1",
            ],
            "name=value",
        ),
        (
            ["history", "--turns", "3", "--turn-tokens", "10", "--summary", "5"],
            "--summary needs --window",
        ),
        (["history", "--turns", "3", "--turn-tokens", "10", "--cache"], "needs a model"),
        (
            ["stack", "--from", "opus-4-1", "--to", "sonnet-4-6", *WORKLOAD],
            "required: --cache-prefix",
        ),
        (["audit", "--text", "Hi.", "--model", "opus-5-5"], "--model needs --requests"),
        (["audit", "--file", "/nonexistent/prompt.txt"], "cannot read"),
        (["plan", "--file", "/nonexistent/plan.yaml"], "cannot read"),
        (["frobnicate"], "invalid choice"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_problem(capsys, argv, fragment):
    line = run_error(capsys, argv)
    assert line.startswith("python -m labs.calculator: error: ")
    assert fragment in line


def test_run_command_raises_calculator_errors_instead_of_exiting():
    with pytest.raises(CalculatorError, match="required"):
        run_command(["cost"])


def test_the_module_runs_from_the_repository_root():
    argv = ["-m", "labs.calculator", "cost", "--model", "claude-sonnet-5-5"]
    done = subprocess.run(
        [sys.executable, *argv, "--input", "2000", "--output", "500", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_usd"] == "0.009000"
    assert "django" not in done.stderr.lower()


def test_the_module_exits_2_with_one_stderr_line_on_an_unknown_model():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "labs.calculator",
            "cost",
            "--model",
            "nope",
            "--input",
            "1",
            "--output",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "unknown model 'nope'" in done.stderr


def test_history_with_reply_tokens_gives_each_request_its_own_size(capsys):
    argv = ["history", "--turns", "6", "--turn-tokens", "150", "--reply", "250"]
    result = run_json(capsys, [*argv, "--system", "800"])
    assert result["per_turn"][-1] == 2950 and result["cumulative_tokens"] == 11_700


def test_cache_with_a_cron_interval_prices_every_write(capsys):
    argv = ["cache", "--model", "opus-5-5", "--prefix", "10000", "--requests", "16"]
    result = run_json(capsys, [*argv, "--per", "day", "--traffic", "interval",
                               "--interval-minutes", "30"])  # fmt: skip
    assert (result["writes"], result["with_cache_usd"]) == (16, "0.800000")
    assert result["interval_minutes"] == 30


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--traffic", "interval"], "--traffic interval needs --interval-minutes"),
        (["--interval-minutes", "10"], "--interval-minutes needs --traffic interval"),
    ],
)
def test_cache_interval_options_come_together(capsys, extra, message):
    argv = ["cache", "--model", "opus-5-5", "--prefix", "10000", "--requests", "16", "--per", "day"]
    with pytest.raises(CalculatorError, match=message):
        run_command([*argv, *extra])
