"""Invariants of the cost math, checked with hypothesis across the real price table."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from labs.calculator.caching import break_even_hits, plan_cache
from labs.calculator.calls import USAGE_FIELDS, Usage, cost_of_call
from labs.calculator.costs import PromptParts, Workload, cost_of_workload
from labs.calculator.pricing import load_price_table

TABLE = load_price_table()
MODELS = st.sampled_from(TABLE.models)
CACHEABLE = st.sampled_from([m for m in TABLE.models if m.min_cacheable_tokens is not None])
TOKENS = st.integers(min_value=0, max_value=2_000_000)
USAGES = st.builds(Usage, TOKENS, TOKENS, TOKENS, TOKENS, TOKENS)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(MODELS, USAGES)
def test_batch_is_exactly_half_price(model, usage):
    plain, batch = cost_of_call(model, usage), cost_of_call(model, usage, batch=True)
    assert batch.total_usd * 2 == plain.total_usd
    assert batch.output_usd * 2 == plain.output_usd
    assert batch.band == plain.band


@FAST
@given(MODELS, USAGES, st.sampled_from(USAGE_FIELDS), st.integers(min_value=1, max_value=500_000))
def test_cost_strictly_grows_with_every_token_count(model, usage, field, extra):
    more = replace(usage, **{field: getattr(usage, field) + extra})
    assert cost_of_call(model, more).total_usd > cost_of_call(model, usage).total_usd


@FAST
@given(
    CACHEABLE,
    st.integers(min_value=0, max_value=300_000),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["5m", "1h"]),
    st.booleans(),
)
def test_caching_never_costs_more_once_the_prefix_is_hit_again_within_its_ttl(
    model, extra_prefix, extra_hits, ttl, batch
):
    prefix = model.min_cacheable_tokens + extra_prefix
    hits = break_even_hits(model, ttl) + extra_hits
    plan = plan_cache(model, prefix, 1 + hits, "day", ttl, "steady", batch=batch)
    assert plan.eligible
    assert plan.with_cache_usd <= plan.without_cache_usd


@FAST
@given(MODELS)
def test_one_hit_repays_a_5_minute_write_and_two_a_1_hour_write(model):
    assert break_even_hits(model, "5m") == 1
    assert break_even_hits(model, "1h") == 2


@FAST
@given(
    MODELS,
    st.integers(min_value=1, max_value=100_000),
    st.sampled_from(["day", "month"]),
    st.sampled_from(["tools", "system", "examples", "documents", "history", "user"]),
    st.integers(min_value=0, max_value=50_000),
    st.integers(min_value=1, max_value=5_000),
)
def test_a_workload_costs_more_with_every_extra_prompt_or_output_token(
    model, requests, per, part, size, extra
):
    parts = PromptParts(**{part: size})
    base = Workload(requests, per, parts, output_tokens=100)
    bigger_prompt = replace(base, parts=replace(parts, **{part: size + extra}))
    more_output = replace(base, output_tokens=100 + extra)
    more_requests = replace(base, requests=requests + extra)
    cost = cost_of_workload(model, base).per_month_usd
    assert cost_of_workload(model, bigger_prompt).per_month_usd > cost
    assert cost_of_workload(model, more_output).per_month_usd > cost
    assert cost_of_workload(model, more_requests).per_month_usd > cost


@FAST
@given(
    st.integers(min_value=1, max_value=10_000_000),
    st.sampled_from(["day", "month"]),
    st.sampled_from(["5m", "1h"]),
)
def test_poisson_writes_stay_between_one_and_every_request(requests, per, ttl):
    model = TABLE.get("claude-sonnet-4-6")
    plan = plan_cache(model, 5000, requests, per, ttl, "poisson")
    assert 1 <= plan.writes <= requests
    assert plan.writes + plan.reads == requests
    assert plan.traffic.miss_probability is not None
    assert Decimal(0) <= plan.traffic.miss_probability <= 1
