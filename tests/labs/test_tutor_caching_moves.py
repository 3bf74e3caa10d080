"""The caching strategist on a breakpoint placed before a stable part ("then 4k of docs (not
cached)") and the what-if that moves the part into the cached prefix. Figures worked by hand from
content/pricing.yaml: Opus 5.5 at $4 input, $5 5-minute write, $0.20 cache read."""

from tests.labs.tutor_helpers import make_ask, make_converse

ENGINE = "caching-strategist"
ask = make_ask(ENGINE)
converse = make_converse(ENGINE)
FIRST = (
    "opus 5.5, 12,000 requests a day: a 1,500-token system prompt with cache_control, then "
    "4,000 tokens of product docs (not cached), then the user question. what does caching save "
    "a day?"
)


def test_a_stable_part_after_the_breakpoint_is_not_priced_as_cached():
    reply = ask(FIRST)
    plans = [c for c in reply.calculations if c.tool == "caching_plan"]
    assert plans and all(c.input["prefix_tokens"] == 1500 for c in plans)
    # 12,000 x 1,500 x $4 / 1e6 = $72.00 without; $0.0075 write + 11,999 x $0.0003 reads with.
    assert "$68.39 a day" in reply.text
    assert "4,000 tokens of documents come after the breakpoint" in reply.text


def test_moving_a_part_into_the_cached_prefix_states_the_signed_difference():
    reply = converse(FIRST, "and if we put the docs in the cached prefix as well?")
    change = next(c for c in reply.calculations if c.tool == "workload_change")
    assert change.input["cache_prefix_tokens"] == 1500
    assert change.input["changes"] == {"cache_prefix_tokens": 5500}
    assert change.output["direction"] == "less"
    # Before: $3.6072 cached + 12,000 x 4,000 x $4 / 1e6 = $192 uncached docs = $195.6072.
    # After: $0.0275 write + 11,999 x 5,500 x $0.20 / 1e6 = $13.2264. Difference -$182.3808.
    assert change.output["difference_per_day_usd"] == "-182.380800"
    assert "saves $182.38 more a day" in reply.text
    assert "$68.39" in reply.text and "$250.77" in reply.text
    assert "costs more" not in reply.text


def test_asking_for_the_uncached_cost_does_not_mark_the_prefix_as_uncached():
    reply = ask(
        "haiku 5.5 with a 6,000-token shared prefix, 2,000 requests a day. what does the prefix "
        "cost per day uncached and with a 5m cache?"
    )
    plans = [c for c in reply.calculations if c.tool == "caching_plan"]
    assert plans and all(c.input["prefix_tokens"] == 6000 for c in plans)
    assert "come after the breakpoint" not in reply.text
