from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.caching import (
    break_even_hits,
    break_even_ratio,
    cache_traffic,
    is_cacheable,
    miss_probability,
    plan_breakpoints,
    plan_cache,
)
from labs.calculator.errors import CalculatorError
from tests.calculator.conftest import make_model, make_prices


def test_break_even_is_one_hit_for_the_5_minute_ttl(table):
    model = table.get("claude-sonnet-4-6")
    assert break_even_ratio(model, "5m").quantize(Decimal("0.01")) == Decimal("0.28")
    assert break_even_hits(model, "5m") == 1


def test_break_even_is_two_hits_for_the_1_hour_ttl(table):
    model = table.get("claude-sonnet-4-6")
    assert break_even_ratio(model, "1h").quantize(Decimal("0.01")) == Decimal("1.11")
    assert break_even_hits(model, "1h") == 2


@pytest.mark.parametrize("name", ["claude-opus-5-5", "claude-sonnet-5-5", "claude-fable-5-1"])
def test_break_even_holds_at_lower_read_prices(table, name):
    model = table.get(name)
    assert (break_even_hits(model, "5m"), break_even_hits(model, "1h")) == (1, 2)


def test_break_even_is_none_when_a_hit_saves_nothing():
    model = make_model(prices=make_prices("1", cache_read="1"))
    assert break_even_ratio(model, "5m") is None and break_even_hits(model, "5m") is None


def test_break_even_rounds_an_exact_ratio_to_itself():
    model = make_model(prices=make_prices("1", cache_write_1h="2.8", cache_read="0.1"))
    assert break_even_ratio(model, "1h") == 2 and break_even_hits(model, "1h") == 2


def test_miss_probability_is_exp_of_minus_rate_times_ttl():
    # 288 requests a day = one every 5 minutes: P(miss) at a 5-minute TTL is exp(-1).
    assert miss_probability(288, "day", "5m") == Decimal(-1).exp()
    assert miss_probability(1440, "month", "1h") == Decimal(-2).exp()


def test_steady_traffic_writes_once_and_hits_the_rest():
    flow = cache_traffic(10, "day", "5m", "steady")
    assert (flow.writes, flow.reads, flow.miss_probability) == (1, 9, None)
    assert flow.hit_rate_pct == 90


def test_poisson_traffic_writes_on_every_expected_miss():
    flow = cache_traffic(288, "day", "5m", "poisson")
    expected = 1 + 287 * Decimal(-1).exp()  # 106.58...
    assert flow.writes == 106 + (expected % 1 >= Decimal("0.5"))
    assert flow.writes + flow.reads == 288


def test_poisson_traffic_at_high_rates_approaches_steady_state():
    flow = cache_traffic(1_000_000, "day", "5m", "poisson")
    assert flow.writes == 1 and flow.reads == 999_999


def test_sparse_traffic_is_flagged_as_exceeding_the_ttl():
    assert cache_traffic(10, "day", "5m").gap_exceeds_ttl
    assert not cache_traffic(100_000, "day", "5m").gap_exceeds_ttl


def test_zero_requests_write_nothing():
    flow = cache_traffic(0, "day")
    assert (flow.writes, flow.reads, flow.hit_rate_pct) == (0, 0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, "week", "5m", "steady"), "per must be one of"),
        ((10, "day", "10m", "steady"), "ttl must be one of"),
        ((10, "day", "5m", "bursty"), "traffic must be one of"),
        ((-1, "day", "5m", "steady"), "must not be negative"),
    ],
)
def test_cache_traffic_refuses_bad_input(args, message):
    with pytest.raises(CalculatorError, match=message):
        cache_traffic(*args)


def test_is_cacheable_compares_the_prefix_with_the_model_minimum(table):
    haiku = table.get("claude-haiku-4-5")
    assert is_cacheable(haiku, 4095) is False
    assert is_cacheable(haiku, 4096) is True
    assert is_cacheable(table.get("claude-haiku-5-5"), 10) is None
    assert is_cacheable(haiku, 0) is False


def test_plan_cache_costs_writes_and_reads_of_the_prefix(table):
    plan = plan_cache(table.get("claude-sonnet-4-6"), 25_000, 10, "day")
    assert plan.without_cache_usd == Decimal("0.75")
    assert plan.with_cache_usd == Decimal("0.16125")
    assert (plan.writes, plan.reads) == (1, 9)
    assert plan.saving_pct == Decimal("78.5")


def test_a_prefix_below_the_minimum_is_processed_without_caching(table):
    plan = plan_cache(table.get("claude-haiku-4-5"), 2_000, 1000, "day")
    assert not plan.eligible
    assert (plan.writes, plan.reads) == (0, 0)
    assert plan.with_cache_usd == plan.without_cache_usd
    assert any("below" in w and "no error" in w for w in plan.warnings())


def test_an_unknown_minimum_is_assumed_cacheable_and_flagged(table):
    plan = plan_cache(table.get("claude-haiku-5-5"), 2_000, 1000, "day")
    assert plan.eligible and not plan.eligibility_known
    assert any("not known" in w for w in plan.warnings())


def test_the_1_hour_write_costs_twice_the_input_price(table):
    plan = plan_cache(table.get("claude-sonnet-4-6"), 1_000_000, 1, "day", "1h")
    assert plan.with_cache_usd == Decimal(6) == 2 * plan.without_cache_usd


def test_plan_cache_as_dict_carries_the_cli_fields(table):
    result = plan_cache(table.get("claude-sonnet-4-6"), 2000, 100, "day", "1h", "poisson").as_dict()
    for key in (
        "eligible",
        "min_cacheable_tokens",
        "writes",
        "reads",
        "without_cache_usd",
        "with_cache_usd",
        "saving_usd",
        "saving_pct",
        "break_even_hits",
    ):
        assert key in result
    assert result["break_even_hits"] == 2
    assert any("exp(-rate x TTL)" in a for a in result["assumptions"])


def test_batch_caching_warns_that_5_minutes_may_be_too_short(table):
    plan = plan_cache(table.get("claude-sonnet-4-6"), 2000, 100_000, "day", batch=True)
    assert any("1h TTL" in w for w in plan.warnings())
    assert plan.saving_input_token_equivalents > 0


def test_breakpoints_follow_tools_system_documents_history(table):
    parts = {
        "tools": 800,
        "system": 1500,
        "examples": 500,
        "documents": 3000,
        "history": 2000,
        "user": 90,
    }
    plan = plan_breakpoints(parts, table.get("claude-sonnet-4-6"))
    assert [b.after for b in plan] == ["tools", "system", "documents", "history"]
    assert [b.prefix_tokens for b in plan] == [800, 2800, 5800, 7800]
    assert [b.cacheable for b in plan] == [False, True, True, True]
    assert plan[1].parts == ("system", "examples")


def test_breakpoints_skip_empty_parts_and_never_exceed_four(table):
    plan = plan_breakpoints({"system": 600, "user": 50}, table.get("claude-opus-5-5"))
    assert [b.as_dict() for b in plan] == [
        {"after": "system", "parts": ["system"], "prefix_tokens": 600, "cacheable": True}
    ]
    assert plan_breakpoints({}, table.get("claude-opus-5-5")) == ()


def test_a_fixed_gap_longer_than_the_ttl_writes_on_every_request(table):
    plan = plan_cache(
        table.get("claude-opus-5-5"), 10_000, 16, "day", "5m", "interval", interval_minutes=30
    )
    # 16 writes x 10,000 x $5 / 1e6 = $0.80, dearer than 16 x $0.04 uncached = $0.64.
    assert (plan.writes, plan.reads) == (16, 0)
    assert plan.with_cache_usd == Decimal("0.80") and plan.without_cache_usd == Decimal("0.64")
    assert plan.saving_usd < 0


def test_a_fixed_gap_within_the_ttl_writes_once_then_reads(table):
    plan = plan_cache(
        table.get("claude-opus-5-5"), 10_000, 16, "day", "1h", "interval", interval_minutes=30
    )
    # $0.08 for the 1-hour write + 15 x 10,000 x $0.20 / 1e6 = $0.03.
    assert (plan.writes, plan.reads) == (1, 15)
    assert plan.with_cache_usd == Decimal("0.11")
    assert "every 30 minutes, within the 1h TTL" in plan.as_dict()["assumptions"][1]


@pytest.mark.parametrize(
    ("requests", "interval", "message"),
    [
        (49, 30, "do not fit in a day"),
        (10, None, "needs the minutes between requests"),
        (10, 0, "at least 1"),
    ],
)
def test_interval_traffic_refuses_gaps_that_cannot_be(requests, interval, message):
    with pytest.raises(CalculatorError, match=message):
        cache_traffic(requests, "day", "5m", "interval", interval)


def test_interval_minutes_without_the_interval_model_are_refused():
    with pytest.raises(CalculatorError, match="interval traffic model"):
        cache_traffic(10, "day", "5m", "steady", 10)
