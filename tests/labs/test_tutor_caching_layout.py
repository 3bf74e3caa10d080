"""The caching strategist on a quoted claim (answered as a concept, its numbers not priced) and
on a pasted request whose cached block starts with something that changes on every call.
Figures worked by hand from content/pricing.yaml: Sonnet 5.5 at $2 input, $2.50 5-minute
write, $0.10 cache read."""

from tests.labs.tutor_helpers import make_ask

ask = make_ask("caching-strategist")


def test_a_quoted_claim_about_tokens_saved_is_answered_as_a_concept_and_not_priced():
    reply = ask(
        "our vendor claims their caching layer will save us 90 million tokens a month on a 3k "
        "prompt at 1,000 requests a day. is that how caching works?"
    )
    assert reply.kind == "concept"
    assert reply.calculations == []
    assert "still sent and billed" in reply.text
    assert "/modules/cost-optimization/lessons/prompt-caching/" in reply.text


def test_a_date_at_the_top_of_the_cached_system_block_is_named_and_moved():
    reply = ask(
        'sonnet 5.5, 8,000 requests a day. system=[{"type": "text", "text": "Today is '
        '{{today}}. You answer billing questions... (roughly 2,500 tokens of instructions)", '
        '"cache_control": {"type": "ephemeral"}}] -- why do we never get cache hits?'
    )
    assert "starts with today's date" in reply.text
    assert "into the user message" in reply.text
    assert "/modules/cost-optimization/lessons/prompt-caching/" in reply.text
    plan = next(c for c in reply.calculations if c.tool == "caching_plan")
    assert plan.input["prefix_tokens"] == 2500
    # Fixed: $0.00625 write + 7,999 x 2,500 x $0.10 / 1e6 = $1.99975 -> $2.006 a day, against
    # 8,000 x 2,500 x $2 / 1e6 = $40.00 uncached.
    assert plan.output["with_cache_usd"] == "2.006000"
    assert "$2.01 a day" in reply.text and "$40.00 uncached" in reply.text


def test_a_pasted_layout_with_a_stable_top_is_planned_as_usual():
    reply = ask(
        'sonnet 5.5, 8,000 requests a day. system=[{"type": "text", "text": "You answer billing '
        'questions... (roughly 2,500 tokens of instructions)", "cache_control": {"type": '
        '"ephemeral"}}] where does the breakpoint go?'
    )
    assert "What breaks the cache" not in reply.text
    assert "**Breakpoints**" in reply.text
