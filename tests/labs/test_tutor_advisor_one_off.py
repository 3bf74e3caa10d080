"""The architecture advisor prices a one-off without a daily volume: a runaway agent loop (its
counted iterations, once) with the controls that stop one, and single long messages with the
price band they fall in and an input cap. A number it cannot place is asked about, not priced.

Figures worked by hand from content/pricing.yaml: Sonnet 5.5 $2 in / $10 out; Opus 5.5 $4 /
$20; Haiku 5.5 $0.10 / $0.50, and $0.50 / $2.50 on every token once the prompt passes 100,000."""

from decimal import Decimal

from tests.labs.tutor_helpers import make_ask

ask = make_ask("architecture-advisor")


def totals(reply, tool: str, key: str = "total_usd") -> list[Decimal]:
    return [Decimal(c.output[key]) for c in reply.calculations if c.tool == tool]


def test_a_runaway_loop_is_priced_once_for_its_iterations_with_the_controls_that_stop_it():
    # 20,000 x $2 + 500 x $10 = 40,000 + 5,000 per million = $0.045 an iteration;
    # x 1,200 iterations = $54.00 in all (not a day, not a month).
    reply = ask(
        "a summarizer agent spun in a loop: ~1,200 calls, each resending about 20k tokens of "
        "context plus ~500 out, sonnet 5.5. how much did that burn and how do we prevent it?"
    )
    assert totals(reply, "workload_cost", "per_day_usd") == [Decimal("54")]
    assert "**The runaway cost $54.00**" in reply.text and "$0.045 an iteration" in reply.text
    assert "a month" not in reply.text
    for control in ("max_iterations", "rate limit", "anomaly alert", "spend limit"):
        assert control in reply.text


def test_a_loop_without_an_output_size_is_priced_as_its_input_and_says_so():
    # 600 x 40,000 x $4 per million = $96.00 of input.
    reply = ask("it looped all night: ~600 iterations of 40k tokens on opus 5.5. what did it cost?")
    assert "**The runaway cost $96.00**" in reply.text
    assert "that is the input alone" in reply.text


def test_a_loop_with_a_number_the_reader_cannot_place_asks_instead_of_pricing():
    reply = ask(
        "our agent got stuck on opus 5.5: 300 retries at 12k tokens each, 400 out, "
        "17 of them. cost?"
    )
    assert reply.asked_follow_up and not reply.calculations
    assert '"17"' in reply.text


def test_one_long_message_over_haiku_5_5s_band_is_priced_at_the_band_on_every_token():
    # 120,000 x $0.50 + 1,000 x $2.50 = 60,000 + 2,500 per million = $0.0625. Only the 20,000
    # tokens above the line at the band would be 100,000 x 0.10 + 20,000 x 0.50 + 1,000 x 0.50
    # = $0.0205.
    reply = ask(
        "someone pasted a 120k-token contract into one haiku 5.5 request, ~1,000 out. what "
        "did that message cost?"
    )
    assert totals(reply, "estimate_cost") == [Decimal("0.0625")]
    assert "**$0.0625**" in reply.text and "$0.0205" not in reply.text
    assert "every token of the request, output included" in reply.text
    assert "Cap the input below 100,000 tokens" in reply.text


def test_two_requests_of_different_sizes_are_each_priced():
    # 40,000 x $4 + 2,000 x $20 = $0.20; 60,000 x $4 + 2,000 x $20 = $0.28.
    reply = ask(
        "opus 5.5: one call had a 40k prompt, the other 60k, each ~2k out. what does each cost?"
    )
    assert totals(reply, "estimate_cost") == [Decimal("0.2"), Decimal("0.28")]
    assert "no size band for Claude Opus 5.5" in reply.text


def test_a_workload_that_mentions_retries_is_planned_not_priced_as_a_runaway():
    reply = ask(
        "support agent on sonnet 5.5, 20k requests a day, a user waiting, 3k tokens in and 300 "
        "out; it retries failed tool calls twice. what do you recommend?"
    )
    assert any(c.tool == "plan_architecture" for c in reply.calculations)
    assert "runaway" not in reply.text.lower()
