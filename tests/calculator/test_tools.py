from __future__ import annotations

import json

import pytest

from labs.calculator.cli import run_command
from labs.calculator.errors import CalculatorError
from labs.calculator.tools import TOOLS, call_tool

TOOL_NAMES = {
    "estimate_cost",
    "workload_cost",
    "workload_change",
    "compare_models",
    "caching_plan",
    "batch_savings",
    "routing_savings",
    "history_growth",
    "stack_savings",
    "audit_prompt",
    "plan_architecture",
    "list_models",
}
WORKLOAD = {
    "requests": 1000,
    "per": "day",
    "system_tokens": 2000,
    "user_tokens": 200,
    "output_tokens": 500,
}
WORKLOAD_ARGS = [
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


def test_every_calculator_tool_is_defined_once():
    assert [t["name"] for t in TOOLS] == sorted(TOOL_NAMES, key=[t["name"] for t in TOOLS].index)
    assert {t["name"] for t in TOOLS} == TOOL_NAMES


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t["name"])
def test_each_tool_has_a_short_description_and_an_object_schema(tool):
    assert set(tool) == {"name", "description", "input_schema"}
    assert 20 < len(tool["description"]) < 300
    schema = tool["input_schema"]
    assert schema["type"] == "object"
    assert set(schema["required"]) <= set(schema["properties"])
    for prop in schema["properties"].values():
        assert prop.get("description") or prop.get("type") == "object"
    json.dumps(tool)


@pytest.mark.parametrize(
    ("name", "tool_input", "argv"),
    [
        ("list_models", {}, ["models"]),
        ("list_models", {"include_retired": True}, ["models", "--all"]),
        (
            "estimate_cost",
            {
                "model": "sonnet-5-5",
                "input_tokens": 2000,
                "output_tokens": 500,
                "cache_read_tokens": 10,
                "batch": True,
            },
            [
                "cost",
                "--model",
                "sonnet-5-5",
                "--input",
                "2000",
                "--output",
                "500",
                "--cache-read",
                "10",
                "--batch",
            ],
        ),
        (
            "workload_cost",
            {"model": "sonnet-4-6", **WORKLOAD, "cache_prefix_tokens": 2000, "ttl": "1h"},
            [
                "workload",
                "--model",
                "sonnet-4-6",
                *WORKLOAD_ARGS,
                "--cache-prefix",
                "2000",
                "--ttl",
                "1h",
            ],
        ),
        (
            "compare_models",
            {"models": ["sonnet-4-6", "haiku-4-5"], **WORKLOAD},
            ["compare", "--models", "sonnet-4-6,haiku-4-5", *WORKLOAD_ARGS],
        ),
        (
            "caching_plan",
            {"model": "sonnet-4-6", "prefix_tokens": 25000, "requests": 10, "per": "day"},
            [
                "cache",
                "--model",
                "sonnet-4-6",
                "--prefix",
                "25000",
                "--requests",
                "10",
                "--per",
                "day",
            ],
        ),
        (
            "batch_savings",
            {"model": "opus-5-5", **WORKLOAD},
            ["batch", "--model", "opus-5-5", *WORKLOAD_ARGS],
        ),
        (
            "routing_savings",
            {
                "mix": {"easy": 0.7, "hard": 0.3},
                "models": {"easy": "haiku-5-5", "hard": "opus-5-5"},
                "baseline": "opus-5-5",
                "requests": 1000,
                "per": "day",
                "input_tokens": 800,
                "output_tokens": 200,
            },
            [
                "routing",
                "--mix",
                "easy=0.7,hard=0.3",
                "--models",
                "easy=haiku-5-5,hard=opus-5-5",
                "--baseline",
                "opus-5-5",
                "--requests",
                "1000",
                "--per",
                "day",
                "--input",
                "800",
                "--output",
                "200",
            ],
        ),
        (
            "history_growth",
            {"turns": 10, "turn_tokens": 200, "window": 4, "summary_tokens": 100},
            [
                "history",
                "--turns",
                "10",
                "--turn-tokens",
                "200",
                "--window",
                "4",
                "--summary",
                "100",
            ],
        ),
        (
            "stack_savings",
            {
                "from_model": "opus-4-1",
                "to_model": "sonnet-4-6",
                **WORKLOAD,
                "cache_prefix_tokens": 2000,
                "batch": True,
            },
            [
                "stack",
                "--from",
                "opus-4-1",
                "--to",
                "sonnet-4-6",
                *WORKLOAD_ARGS,
                "--cache-prefix",
                "2000",
                "--batch",
            ],
        ),
        (
            "audit_prompt",
            {
                "prompt": "You are a brilliant writer. Be thorough.",
                "model": "sonnet-5-5",
                "requests": 100,
            },
            [
                "audit",
                "--text",
                "You are a brilliant writer. Be thorough.",
                "--model",
                "sonnet-5-5",
                "--requests",
                "100",
            ],
        ),
    ],
)
def test_a_tool_answers_exactly_like_its_command(name, tool_input, argv):
    assert call_tool(name, tool_input) == run_command(argv)


def test_the_prompt_may_start_with_a_dash():
    result = call_tool("audit_prompt", {"prompt": "-Be thorough."})
    assert any(f["kind"] == "length_inviting_words" for f in result["findings"])


def test_plan_architecture_takes_the_workloads_inline():
    workloads = [
        {
            "name": "Chat",
            "requests_per_day": 5000,
            "latency": "realtime",
            "task": "chat",
            "prompt": {"system": 2000, "user": 100},
            "output": 200,
        }
    ]
    result = call_tool("plan_architecture", {"workloads": workloads})
    assert result["workloads"][0]["api_pattern"] == "realtime_streaming"
    assert result["total_before_monthly_usd"].count(".") == 1
    json.dumps(result)


def test_null_optional_fields_are_ignored():
    with_none = call_tool(
        "estimate_cost", {"model": "opus-5-5", "input_tokens": 1, "output_tokens": 1, "batch": None}
    )
    assert with_none == call_tool(
        "estimate_cost", {"model": "opus-5-5", "input_tokens": 1, "output_tokens": 1}
    )


@pytest.mark.parametrize(
    ("name", "tool_input", "message"),
    [
        ("make_coffee", {}, "unknown tool 'make_coffee'"),
        (
            "estimate_cost",
            {"model": "opus-5-5", "output_tokens": 1},
            "missing required field 'input_tokens'",
        ),
        (
            "estimate_cost",
            {"model": "opus-5-5", "input_tokens": -1, "output_tokens": 1},
            "input_tokens: must be at least 0",
        ),
        (
            "estimate_cost",
            {"model": "opus-5-5", "input_tokens": "many", "output_tokens": 1},
            "input_tokens: expected integer",
        ),
        (
            "estimate_cost",
            {"model": "opus-5-5", "input_tokens": 1, "output_tokens": 1, "colour": 1},
            "unknown field 'colour'",
        ),
        (
            "estimate_cost",
            {"model": "gpt-9", "input_tokens": 1, "output_tokens": 1},
            "unknown model 'gpt-9'",
        ),
        ("workload_cost", {"model": "opus-5-5", **WORKLOAD, "per": "week"}, "per: expected one of"),
        ("compare_models", {"models": ["opus-5-5", 7], **WORKLOAD}, "models[1]: expected string"),
        (
            "routing_savings",
            {
                "mix": {"a": "lots"},
                "models": {"a": "opus-5-5"},
                "baseline": "opus-5-5",
                "requests": 1,
                "per": "day",
                "input_tokens": 1,
                "output_tokens": 1,
            },
            "mix.a: expected number",
        ),
        (
            "plan_architecture",
            {"workloads": [{"name": "x"}]},
            "workload 'x': requests_per_day: missing",
        ),
    ],
)
def test_bad_tool_input_raises_a_one_line_calculator_error(name, tool_input, message):
    with pytest.raises(CalculatorError) as info:
        call_tool(name, tool_input)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_tool_input_must_be_an_object():
    with pytest.raises(CalculatorError, match="expected an object"):
        call_tool("list_models", ["--all"])  # type: ignore[arg-type]


def test_a_what_if_reports_before_after_and_the_signed_difference():
    # Sonnet 5.5 at $2 in / $10 out: 10,000 a day x (2,000 x 2 + 800 x 10) / 1e6 = $120.00 a day;
    # halving the output to 400 makes it $80.00: $40.00 a day, $1,200.00 a month less.
    answer = call_tool("workload_change", {
        "model": "claude-sonnet-5-5", "requests": 10_000, "per": "day", "system_tokens": 2000,
        "output_tokens": 800, "changes": {"output_tokens": 400},
    })  # fmt: skip
    assert answer["before"]["per_day_usd"] == "120.000000"
    assert answer["after"]["per_day_usd"] == "80.000000"
    assert answer["difference_per_month_usd"] == "-1200.000000"
    assert answer["direction"] == "less"
    assert answer["changed"] == ["output_tokens"]


def test_a_what_if_that_costs_more_says_so():
    # Moving the same cached workload from Sonnet 5.5 to Opus 5.5 costs more, and says so.
    answer = call_tool("workload_change", {
        "model": "claude-sonnet-5-5", "requests": 100_000, "per": "day", "system_tokens": 4000,
        "output_tokens": 100, "cache_prefix_tokens": 4000, "changes": {"model": "claude-opus-5-5"},
    })  # fmt: skip
    assert answer["direction"] == "more"
    assert not answer["difference_per_day_usd"].startswith("-")


def test_a_what_if_refuses_a_field_the_workload_has_not():
    with pytest.raises(CalculatorError, match="not a field of the workload"):
        call_tool("workload_change", {
            "model": "claude-sonnet-5-5", "requests": 1, "per": "day", "output_tokens": 1,
            "changes": {"colour": "red"},
        })  # fmt: skip


def test_the_what_if_command_line_matches_the_tool():
    assert run_command([
        "change", "--model", "claude-sonnet-5-5", "--requests", "10000", "--per", "day",
        "--system", "2000", "--output", "800", "--set", "output=400", "--json",
    ]) == call_tool("workload_change", {
        "model": "claude-sonnet-5-5", "requests": 10_000, "per": "day", "system_tokens": 2000,
        "output_tokens": 800, "changes": {"output_tokens": 400},
    })  # fmt: skip


def test_history_growth_takes_the_answer_size_for_a_per_request_view():
    out = call_tool(
        "history_growth",
        {"turns": 6, "turn_tokens": 150, "reply_tokens": 250, "system_tokens": 800},
    )
    assert out["per_turn"][-1] == 2950


def test_caching_plan_takes_a_fixed_interval_between_requests():
    base = {"model": "claude-opus-5-5", "prefix_tokens": 10_000, "requests": 16, "per": "day"}
    out = call_tool("caching_plan", {**base, "traffic": "interval", "interval_minutes": 30})
    assert (out["writes"], out["reads"]) == (16, 0)
    schema = next(t for t in TOOLS if t["name"] == "caching_plan")["input_schema"]
    assert schema["properties"]["interval_minutes"]["maximum"] == 43_200
