from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml

from labs.calculator.errors import CalculatorError
from labs.calculator.plan import plan_architecture, plan_workload
from labs.calculator.workload_specs import load_workloads, parse_workloads

CHAT = {
    "name": "Support chat",
    "requests_per_day": 20_000,
    "latency": "interactive",
    "task": "support",
    "current_model": "claude-opus-5-5",
    "users": 2000,
    "prompt": {"tools": 800, "system": 1500, "examples": 600, "history": 2000, "user": 150},
    "output": 300,
}
TAGGING = {
    "name": "Nightly tagging",
    "requests_per_day": 50_000,
    "latency": "overnight",
    "task": "classification",
    "prompt": {"system": 900, "user": 400},
    "output": 20,
    "repeat_rate": 0.1,
}


def plan_one(table, raw):
    return plan_workload(parse_workloads([raw])[0], table)


def test_an_interactive_workload_gets_real_time_streaming(table):
    result = plan_one(table, CHAT).as_dict()
    assert result["api_pattern"] == "realtime_streaming"
    batch_step = next(s for s in result["steps"] if s["step"] == "batch")
    assert batch_step["applied"] is False and batch_step["saving_usd"] == 0


def test_an_overnight_workload_goes_to_the_batch_api(table):
    result = plan_one(table, TAGGING).as_dict()
    assert result["api_pattern"] == "batch"
    steps = {s["step"]: s for s in result["steps"]}
    assert steps["batch"]["monthly_usd"] * 2 == steps["caching"]["monthly_usd"]


def test_the_tier_follows_the_task(table):
    assert plan_one(table, TAGGING).model.id == "claude-haiku-5-5"
    assert plan_one(table, CHAT).model.id == "claude-sonnet-5-5"
    assert plan_one(table, CHAT | {"task": "reasoning"}).model.id == "claude-opus-5-5"
    assert plan_one(table, CHAT | {"tier": "haiku"}).model.id == "claude-haiku-5-5"
    assert plan_one(table, CHAT | {"model": "Haiku 4.5"}).model.id == "claude-haiku-4-5-20251001"


def test_the_baseline_defaults_to_the_newest_sonnet(table):
    assert plan_one(table, TAGGING).baseline.id == "claude-sonnet-5-5"


def test_each_step_saves_against_the_step_before(table):
    plan = plan_one(table, TAGGING)
    costs = [s.monthly_usd for s in plan.steps]
    for previous, step in zip(plan.steps, plan.steps[1:], strict=False):
        assert step.saving_usd == previous.monthly_usd - step.monthly_usd
    assert plan.before_usd == costs[0] and plan.after_usd == costs[-1]
    assert [s.step for s in plan.steps] == [
        "baseline",
        "model",
        "caching",
        "batch",
        "response_cache",
    ]


def test_the_response_cache_removes_the_repeated_share(table):
    plan = plan_one(table, TAGGING)
    before_cache, after_cache = plan.steps[-2].monthly_usd, plan.steps[-1].monthly_usd
    assert after_cache == before_cache * Decimal("0.9")


def test_real_time_caching_keeps_the_cheaper_ttl_under_poisson_traffic(table):
    caching = plan_one(table, CHAT).caching
    assert caching["used"] and caching["traffic"] == "poisson"
    assert caching["prefix_tokens"] == 800 + 1500 + 600
    assert [b["after"] for b in caching["breakpoints"]] == ["tools", "system", "history"]


def test_caching_is_skipped_below_the_model_minimum(table):
    raw = CHAT | {"model": "claude-haiku-4-5", "prompt": {"system": 1000, "user": 100}}
    caching = plan_one(table, raw).caching
    assert not caching["used"] and "below" in caching["reason"]


def test_caching_is_skipped_when_traffic_is_too_sparse_to_pay(table):
    raw = CHAT | {"requests_per_day": 3, "prompt": {"system": 3000, "user": 100}}
    caching = plan_one(table, raw).caching
    assert not caching["used"] and "cost more" in caching["reason"]


def test_the_controls_cover_limits_alerts_and_caps(table):
    plan = plan_one(table, CHAT)
    kinds = [c["kind"] for c in plan.controls]
    assert kinds == [
        "per_user_rate_limit",
        "budget_alert",
        "hourly_anomaly_alert",
        "input_size_cap",
        "max_tokens",
    ]
    controls = {c["kind"]: c for c in plan.controls}
    assert controls["per_user_rate_limit"]["limit"] == 30
    assert controls["budget_alert"]["threshold_usd"] == plan.after_usd * Decimal("1.2")
    assert controls["hourly_anomaly_alert"]["threshold_usd"] == plan.after_usd / 30 / 24 * 3
    assert controls["max_tokens"]["threshold_tokens"] == 450


def test_a_response_cache_is_suggested_where_requests_repeat(table):
    kinds = [c["kind"] for c in plan_one(table, TAGGING).controls]
    assert "response_cache" in kinds and "per_user_rate_limit" not in kinds


def test_the_architecture_plan_totals_every_workload(table):
    plan = plan_architecture(parse_workloads([CHAT, TAGGING]), table)
    result = plan.as_dict()
    assert result["total_before_monthly_usd"] == sum(w.before_usd for w in plan.workloads)
    assert result["total_after_monthly_usd"] == sum(w.after_usd for w in plan.workloads)
    assert len(result["workloads"]) == 2


def test_workloads_load_from_yaml_and_json(tmp_path):
    (tmp_path / "w.yaml").write_text(yaml.safe_dump([CHAT]))
    (tmp_path / "w.json").write_text(json.dumps({"workloads": [TAGGING]}))
    assert load_workloads(tmp_path / "w.yaml")[0].name == "Support chat"
    assert load_workloads(tmp_path / "w.json")[0].repeat_rate == Decimal("0.1")


def test_unreadable_or_invalid_workload_files_raise(tmp_path):
    with pytest.raises(CalculatorError, match="cannot read"):
        load_workloads(tmp_path / "missing.yaml")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(CalculatorError, match="not valid"):
        load_workloads(tmp_path / "bad.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requests_per_day": 0}, "workload 'Support chat': requests_per_day"),
        ({"latency": "soonish"}, "workload 'Support chat': latency: expected one of"),
        ({"task": "poetry"}, "workload 'Support chat': task"),
        ({"tier": "giant"}, "workload 'Support chat': tier"),
        ({"prompt": {"system": -1}}, "workload 'Support chat': prompt.system"),
        ({"prompt": {"preamble": 10}}, "workload 'Support chat': prompt: expected parts"),
        ({"repeat_rate": 1.5}, "workload 'Support chat': repeat_rate"),
        ({"colour": "red"}, "workload 'Support chat': colour: unknown field"),
        ({"output": None}, "workload 'Support chat': output: missing"),
        ({"name": ""}, "workload #1: name: missing"),
    ],
)
def test_workload_errors_name_the_workload_and_the_field(change, message):
    with pytest.raises(CalculatorError, match=message):
        parse_workloads([CHAT | change])


def test_an_empty_workload_list_is_refused(table):
    with pytest.raises(CalculatorError):
        parse_workloads([])
    with pytest.raises(CalculatorError):
        plan_architecture([], table)


def test_an_unknown_current_model_is_reported(table):
    with pytest.raises(CalculatorError, match="unknown model"):
        plan_one(table, CHAT | {"current_model": "claude-nope"})
