"""The offline tutor prices a pasted `usage` object: each field at its own rate, the cache split
honoured, and a volume given with it scaled (a count with no period is a total).

Figures are worked by hand from content/pricing.yaml: Sonnet 5.5 $2 in / $10 out / $2.50 5m
write / $4 1h write / $0.10 read; Opus 5.5 $4 / $20 / $5 / $8 / $0.20; Haiku 4.5 $1 / $5 and a
4,096-token minimum."""

from decimal import Decimal

import pytest

from labs.tutor.reading import extract_facts
from tests.labs.tutor_helpers import TABLE, make_ask, usd

ask_estimator = make_ask("cost-estimator")
ask_caching = make_ask("caching-strategist")


def totals(reply, tool: str) -> list[Decimal]:
    return [Decimal(c.output["total_usd"]) for c in reply.calculations if c.tool == tool]


def test_the_numbers_of_a_usage_object_fill_no_prompt_slot():
    facts = extract_facts(
        "Usage(input_tokens=2500, output_tokens=600, cache_read_input_tokens=0) on sonnet 5.5",
        TABLE,
    )
    assert len(facts.usages) == 1
    assert facts.usages[0].input == 2500 and facts.usages[0].output == 600
    assert facts.prompt_parts() == {} and facts.output is None
    assert facts.requests is None


@pytest.mark.parametrize("engine_ask", [ask_estimator, ask_caching])
def test_an_sdk_usage_repr_is_priced_field_by_field_in_either_lab(engine_ask):
    # 2,500 x $2 + 600 x $10 = 5,000 + 6,000 per million = $0.011
    reply = engine_ask(
        "sonnet 5.5 gave me Usage(input_tokens=2500, output_tokens=600, "
        "cache_creation_input_tokens=0, cache_read_input_tokens=0). how much was that?"
    )
    assert totals(reply, "estimate_cost")[0] == Decimal("0.011")
    assert "$0.011" in reply.text


def test_a_one_hour_write_in_the_cache_creation_split_is_priced_at_the_one_hour_rate():
    # 300 x $4 + 8,000 x $8 + 400 x $20 = 1,200 + 64,000 + 8,000 per million = $0.0732
    reply = ask_caching(
        'claude-opus-5-5 call: {"input_tokens": 300, "cache_creation_input_tokens": 8000, '
        '"cache_read_input_tokens": 0, "output_tokens": 400, "cache_creation": '
        '{"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 8000}} cost?'
    )
    assert totals(reply, "estimate_cost") == [Decimal("0.0732")]
    assert "$0.0732" in reply.text
    # Priced as a 5-minute write it would be 1,200 + 40,000 + 8,000 = $0.0492.
    assert "$0.0492" not in reply.text


def test_a_hit_counts_the_read_apart_from_input_tokens_and_gives_the_whole_prompt():
    # 40 uncached + 6,400 read = 6,440 prompt tokens; 40 x $2 + 6,400 x $0.10 + 250 x $10 =
    # 80 + 640 + 2,500 per million = $0.00322 (all 6,440 at $2 would be $0.01538).
    reply = ask_caching(
        'sonnet 5.5: "usage": {"input_tokens": 40, "cache_creation_input_tokens": 0, '
        '"cache_read_input_tokens": 6400, "output_tokens": 250} did that hit?'
    )
    assert totals(reply, "estimate_cost") == [Decimal("0.00322")]
    assert "6,440 tokens" in reply.text and "hit" in reply.text.lower()
    assert "$0.01538" not in reply.text


def test_a_count_of_calls_without_a_period_is_a_total_not_a_daily_rate():
    # $0.004 a call (1,000 x $2 + 200 x $10 = 4,000 per million) x 5,000 = $20.00 in all
    reply = ask_estimator(
        '{"input_tokens": 1000, "output_tokens": 200} on sonnet 5.5. what would 5,000 calls '
        "like this cost?"
    )
    assert "**5,000 such calls cost $20.00** in all" in reply.text
    assert "a month" not in reply.text and "$600.00" not in reply.text


def test_a_usage_object_with_a_daily_volume_is_scaled_to_the_day_and_month():
    # $0.004 a call x 2,000 a day = $8.00 a day, $240.00 a 30-day month
    reply = ask_estimator(
        '{"input_tokens": 1000, "output_tokens": 200} from sonnet 5.5, we make ~2k of these a day'
    )
    assert f"**{usd('8')} a day**" in reply.text
    assert f"**{usd('240')} a month**" in reply.text


def test_a_cached_call_at_a_volume_writes_once_and_reads_after_stated_as_steady_traffic():
    # 1,000 a day: one write 5,000 x $2.50 = $0.0125, 999 reads x 5,000 x $0.10 = $0.4995,
    # input 1,000 x 100 x $2 = $0.20, output 1,000 x 300 x $10 = $3.00 -> $3.712 a day.
    reply = ask_estimator(
        '{"input_tokens": 100, "cache_read_input_tokens": 5000, "output_tokens": 300} on '
        "sonnet 5.5, and we send 1,000 of these per day"
    )
    workload = [c for c in reply.calculations if c.tool == "workload_cost"]
    assert Decimal(workload[0].output["per_day_usd"]) == Decimal("3.712")
    assert usd("3.712") in reply.text and "steady traffic" in reply.text


def test_both_cache_counters_at_zero_below_the_minimum_names_the_minimum():
    reply = ask_caching(
        "cache_control is on our system prompt (claude-haiku-4-5) but nothing caches: "
        '{"input_tokens": 2900, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, '
        '"output_tokens": 150}'
    )
    assert "4,096" in reply.text and "below" in reply.text
    assert "/modules/cost-optimization/lessons/prompt-caching/" in reply.text


def test_calls_that_all_write_are_explained_as_a_prefix_that_changes():
    reply = ask_caching(
        "sonnet 5.5, two calls one second apart:\n"
        '{"input_tokens": 60, "cache_creation_input_tokens": 3000, "cache_read_input_tokens": 0, '
        '"output_tokens": 100}\n'
        '{"input_tokens": 70, "cache_creation_input_tokens": 3000, "cache_read_input_tokens": 0, '
        '"output_tokens": 120}\nwhy no reads?'
    )
    # The two calls, one write, one read, and the last call whole as written and as a hit.
    assert len(totals(reply, "estimate_cost")) == 6
    assert "not identical" in reply.text and "prefix" in reply.text


def test_a_usage_object_without_output_tokens_asks_for_them_instead_of_pricing():
    reply = ask_estimator('sonnet 5.5 usage: "input_tokens": 1200, "cache_read_input_tokens": 0')
    assert reply.asked_follow_up and not reply.calculations
