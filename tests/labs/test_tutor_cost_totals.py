"""The cost estimator compares the bill with a spend cap named in the message, names the price
band a huge prompt crosses (with the band's prices), and prices token totals over a period
("~40M output tokens/day") as a month's bill rather than as one request's size.

Figures are worked out with Decimal from content/pricing.yaml (tests/labs/pricing_by_hand.py)."""

from decimal import Decimal

import pytest

from .pricing_by_hand import MILLION, band, dollars, per_request, prices
from .tutor_helpers import make_ask

estimate = make_ask("cost-estimator")
HAIKU, SONNET = "claude-haiku-5-5", "claude-sonnet-5-5"


# -- K: budgets and caps -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "cap", "month", "exceeded"),
    [
        ("sonnet 5.5, 20k req/day, 3k in 400 out. is the $1k/mo cap going to bite?", "$1,000.00",
         per_request(SONNET, 3000, 400) * 20_000 * 30, True),
        ("our spend limit is $500/month. haiku 5.5, 100k calls/day, 1k in 200 out", "$500.00",
         per_request(HAIKU, 1000, 200) * 100_000 * 30, True),
        ("haiku 5.5 w/ 2k in / 100 out, 10k req/day; budget of $2k a month ok?", "$2,000.00",
         per_request(HAIKU, 2000, 100) * 10_000 * 30, False),
    ],
)  # fmt: skip
def test_the_monthly_cost_is_compared_with_the_cap_and_a_reached_limit_explained(
    message, cap, month, exceeded
):
    reply = estimate(message)

    assert f"Against your cap of {cap} a month: Claude " in reply.text
    assert f"costs {dollars(month)} a month (**" in reply.text
    assert ("**exceeds the cap**" in reply.text) is exceeded
    assert "HTTP 429" in reply.text and "enforced_spend_limit_reached" in reply.text
    assert "until the limit resets at 00:00 UTC on the first day of the next month" in reply.text


# -- L: one huge prompt --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "prompt", "output", "count"),
    [
        ("users paste ~300k tok books into haiku 5.5, ~50 of those a day, 1k out", 300_000,
         1000, 50),
        ("Haiku 5.5: 20 requests/day w/ a 150k-token contract + 2k out", 150_000, 2000, 20),
        ("one message with a 250k-token doc on haiku 5.5, 500 out. cost?", 250_000, 500, None),
    ],
)  # fmt: skip
def test_a_huge_prompt_is_priced_at_the_band_it_crosses_and_the_band_is_named(
    message, prompt, output, count
):
    reply = estimate(message)

    edge, banded = band(HAIKU)
    assert prompt > edge
    one = (prompt * banded["input"] + output * banded["output"]) / MILLION
    expected = one * count if count else one
    assert dollars(expected) in reply.text, reply.text
    assert "billed at the band above 100,000 prompt tokens" in reply.text
    assert "That band's prices are $0.50 input and $2.50 output" in reply.text


# -- token totals per period ---------------------------------------------------------------------
def _month(model: str, input_total: int, output_total: int) -> Decimal:
    p = prices(model)
    return (input_total * p["input"] + output_total * p["output"]) / MILLION


@pytest.mark.parametrize(
    ("message", "input_month", "output_month"),
    [
        ("we burn ~40M output tokens/day and 2B input tok a month on sonnet 5.5. cost/mo?",
         2_000_000_000, 40_000_000 * 30),
        ("sonnet 5.5: ~40M output tokens/day, 600M input tok/day. $/mo?", 600_000_000 * 30,
         40_000_000 * 30),
        ("Sonnet 5.5 usage last month: 3B input tokens a month, 150M output tokens a month",
         3_000_000_000, 150_000_000),
    ],
)  # fmt: skip
def test_token_totals_over_a_period_are_priced_as_a_months_bill(message, input_month, output_month):
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    assert f"**{dollars(_month(SONNET, input_month, output_month))} a month**" in reply.text


def test_token_totals_compared_across_models_give_each_bill_and_the_saving():
    reply = estimate(
        "back of envelope: ~2B input tok + 400M output tok a month on sonnet 5.5 (prompts are "
        "~3k tok each). monthly bill? and if it all moved to haiku 5.5?"
    )

    sonnet = _month(SONNET, 2_000_000_000, 400_000_000)
    haiku = _month(HAIKU, 2_000_000_000, 400_000_000)  # ~3k-token prompts: below the band
    assert f"**{dollars(sonnet)} a month**" in reply.text
    assert f"**{dollars(haiku)} a month**" in reply.text
    assert f"**{dollars(sonnet - haiku)} a month**" in reply.text
    assert "3,000 tokens per request are below any long-prompt band" in reply.text
