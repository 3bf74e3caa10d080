from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.costs import (
    PromptParts,
    Workload,
    batch_savings,
    compare_models,
    cost_of_workload,
    stack_savings,
)
from labs.calculator.errors import CalculatorError


def workload(**overrides) -> Workload:
    fields = {
        "requests": 1000,
        "per": "day",
        "parts": PromptParts(system=2000, user=200),
        "output_tokens": 500,
    }
    fields |= overrides
    return Workload(**fields)


def test_prompt_parts_add_up():
    parts = PromptParts(tools=1, system=2, examples=3, documents=4, history=5, user=6)
    assert parts.total == 21
    assert parts.as_dict()["documents"] == 4


def test_a_workload_costs_per_request_day_month_and_year(table):
    cost = cost_of_workload(table.get("claude-sonnet-4-6"), workload())
    per_request = Decimal(2200) * 3 / 1_000_000 + Decimal(500) * 15 / 1_000_000
    assert cost.per_request_usd == per_request
    assert cost.per_day_usd == per_request * 1000
    assert cost.per_month_usd == per_request * 1000 * 30
    assert cost.per_year_usd == per_request * 1000 * 365


def test_a_monthly_workload_divides_by_30_days(table):
    cost = cost_of_workload(table.get("claude-sonnet-4-6"), workload(requests=30_000, per="month"))
    daily = cost_of_workload(table.get("claude-sonnet-4-6"), workload(requests=1000))
    assert cost.per_day_usd == daily.per_day_usd
    assert cost.per_year_usd == daily.per_year_usd


def test_a_cached_prefix_is_written_once_and_read_by_later_requests(table):
    model = table.get("claude-sonnet-4-6")
    cost = cost_of_workload(model, workload(cache_prefix_tokens=2000))
    assert (cost.writes, cost.reads, cost.plain) == (1, 999, 0)
    write = Decimal(2000) * Decimal("3.75") + Decimal(200) * 3 + Decimal(500) * 15
    read = Decimal(2000) * Decimal("0.30") + Decimal(200) * 3 + Decimal(500) * 15
    assert cost.per_day_usd == (write + 999 * read) / 1_000_000
    items = cost.line_items()
    assert items["cache_write_usd"] == Decimal(2000) * Decimal("3.75") / 1_000_000
    assert sum(items.values()) == cost.per_period_usd


def test_a_prefix_below_the_minimum_costs_as_if_uncached(table):
    model = table.get("claude-haiku-4-5")
    cached = cost_of_workload(model, workload(cache_prefix_tokens=2000))
    plain = cost_of_workload(model, workload())
    assert cached.per_day_usd == plain.per_day_usd
    assert cached.as_dict()["cache_eligible"] is False


def test_batch_stacks_with_caching(table):
    model = table.get("claude-sonnet-4-6")
    cached = cost_of_workload(model, workload(cache_prefix_tokens=2000, ttl="1h"))
    both = cost_of_workload(model, workload(cache_prefix_tokens=2000, ttl="1h", batch=True))
    assert both.per_month_usd * 2 == cached.per_month_usd


def test_the_haiku_5_5_band_applies_to_the_whole_prompt(table):
    model = table.get("claude-haiku-5-5")
    big = cost_of_workload(model, workload(parts=PromptParts(documents=100_000, user=1)))
    assert big.band == "above 100,000 prompt tokens"
    assert (
        big.per_request_usd
        == (Decimal(100_001) * Decimal("0.50") + 500 * Decimal("2.50")) / 1_000_000
    )


def test_workload_output_says_a_month_is_30_days(table):
    result = cost_of_workload(table.get("claude-opus-5-5"), workload()).as_dict()
    assert "A month is 30 days and a year 365 days." in result["assumptions"]
    assert result["per_period"]["total_usd"] == result["per_day_usd"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"requests": 0}, "at least 1"),
        ({"per": "week"}, "per must be one of"),
        ({"ttl": "2h"}, "ttl must be one of"),
        ({"output_tokens": -1}, "must not be negative"),
        ({"cache_prefix_tokens": 5000}, "longer than the prompt"),
    ],
)
def test_a_workload_refuses_bad_input(overrides, message):
    with pytest.raises(CalculatorError, match=message):
        workload(**overrides)


def test_prompt_parts_refuse_negative_counts():
    with pytest.raises(CalculatorError, match="system tokens must not be negative"):
        PromptParts(system=-3)


def test_compare_reports_each_saving_against_the_first_model(table):
    models = [table.get("claude-sonnet-4-6"), table.get("claude-haiku-4-5")]
    result = compare_models(models, workload()).as_dict()
    first, second = result["results"]
    assert first["saving_vs_first_usd"] == 0 and first["saving_vs_first_pct"] == 0
    assert second["saving_vs_first_usd"] == first["per_day_usd"] - second["per_day_usd"]
    assert (
        second["saving_vs_first_pct"] == second["saving_vs_first_usd"] * 100 / first["per_day_usd"]
    )
    assert second["saving_vs_first_per_month_usd"] == second["saving_vs_first_usd"] * 30


def test_compare_needs_a_model():
    with pytest.raises(CalculatorError):
        compare_models([], workload())


def test_batch_savings_are_half_the_monthly_cost(table):
    result = batch_savings(table.get("claude-opus-5-5"), workload()).as_dict()
    assert result["batch_usd"] * 2 == result["standard_usd"]
    assert result["saving_usd"] == result["batch_usd"]
    assert result["saving_pct"] == 50


def test_the_stack_applies_model_switch_then_caching_then_batch(table):
    stack = stack_savings(
        table.get("claude-opus-4-1"),
        table.get("claude-sonnet-4-6"),
        workload(cache_prefix_tokens=2000),
    )
    names = [s.step for s in stack.steps]
    assert names == ["baseline", "switch_model", "caching", "batch"]
    monthly = [s.cost.per_month_usd for s in stack.steps]
    assert monthly == sorted(monthly, reverse=True)
    assert sum(s.saving_usd for s in stack.steps) == stack.reduction_usd
    result = stack.as_dict()
    assert sum(s["share_pct"] for s in result["steps"]) == 100
    assert result["total_reduction_usd"] == monthly[0] - monthly[-1]


def test_the_stack_can_leave_out_batch_and_needs_a_prefix(table):
    stack = stack_savings(
        table.get("claude-opus-4-1"),
        table.get("claude-sonnet-4-6"),
        workload(cache_prefix_tokens=2000),
        include_batch=False,
    )
    assert [s.step for s in stack.steps][-1] == "caching"
    with pytest.raises(CalculatorError, match="cache prefix"):
        stack_savings(table.get("claude-opus-4-1"), table.get("claude-sonnet-4-6"), workload())
