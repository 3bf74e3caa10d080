"""The architecture advisor compares its plan with a spend cap named in the message (what a
reached cap does: a 429 until the next month) and answers a yearly question per year; a pasted
Message Batches results line is priced at the batch price and scaled by the count in the same
message.

Figures are worked out with Decimal from content/pricing.yaml (tests/labs/pricing_by_hand.py)."""

from decimal import Decimal

import pytest

from .pricing_by_hand import dollars, per_request
from .tutor_helpers import make_ask

advise = make_ask("architecture-advisor")
estimate = make_ask("cost-estimator")
SONNET, HAIKU = "claude-sonnet-5-5", "claude-haiku-5-5"


@pytest.mark.parametrize(
    ("message", "cap", "before_verdict", "after_verdict"),
    [
        ("support bot on sonnet 5.5, 20k req/day, user waiting, 2k sys + 200 q, 300 out. plan? "
         "is the $5k/mo cap going to bite?", "$5,000.00", "stays under", "stays under"),
        ("support bot on sonnet 5.5, 20k req/day, user waiting, 2k sys + 200 q, 300 out. our "
         "spend limit is $1k/month", "$1,000.00", "exceeds", "exceeds"),
        ("support bot on sonnet 5.5, 20k req/day, user waiting, 2k sys + 200 q, 300 out; "
         "budget of $3k a month", "$3,000.00", "exceeds", "stays under"),
    ],
)  # fmt: skip
def test_the_plan_is_compared_with_the_spend_cap_in_the_message(
    message, cap, before_verdict, after_verdict
):
    reply = advise(message)

    # Before any step: 20,000 a day on Sonnet 5.5 in real time, 30 days.
    before = per_request(SONNET, 2200, 300) * 20_000 * 30
    after = next(c for c in reply.calculations if c.tool == "plan_architecture").output[
        "total_after_monthly_usd"
    ]
    assert f"Against your cap of {cap} a month: support bot, as it runs today costs " in reply.text
    assert f"{dollars(before)} a month (**{before_verdict} the cap**" in reply.text
    assert f"{dollars(Decimal(after))} a month (**{after_verdict} the cap**" in reply.text
    assert "HTTP 429" in reply.text and "enforced_spend_limit_reached" in reply.text
    assert "until the limit resets at 00:00 UTC on the first day of the next month" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "nightly job on sonnet 5.5: 30k docs per night, 3k in 200 out, needed by morning. $/yr?",
        "Nightly job, Sonnet 5.5, 30k docs/night, 3k in / 200 out, ready by 9am. per yr?",
        "nightly summaries on sonnet 5.5 w/ 30k docs each night, 3k in 200 out, needed by the "
        "morning. what's that per year?",
    ],
)
def test_a_yearly_question_gets_the_plan_per_year(message):
    reply = advise(message)

    year = per_request(SONNET, 3000, 200) * 30_000 * 365
    opening = reply.text.split("Here is a plan")[0]
    assert "| Option | Per year (365 days) |" in opening
    assert f"as it runs today | {dollars(year)} |" in opening
    assert f"with the plan | {dollars(year / 2)} |" in opening


@pytest.mark.parametrize(
    ("line", "count_text", "count"),
    [
        ('{"custom_id": "r-17", "result": {"type": "succeeded", "message": {"usage": '
         '{"input_tokens": 1200, "output_tokens": 90}}}}', "we run ~50k lines like this per "
         "night", 50_000),
        ('{"custom_id":"doc-9","result":{"type":"succeeded","message":{"usage":{"input_tokens":'
         '1200,"output_tokens":90}}}}', "about 20k of these a day", 20_000),
        ("{'custom_id': 'a1', 'result': {'type': 'succeeded', 'message': {'usage': "
         "{'input_tokens': 1200, 'output_tokens': 90}}}}", "~8k of those p/day", 8_000),
    ],
)  # fmt: skip
def test_a_batch_results_line_is_priced_at_the_batch_price_and_scaled_by_the_count(
    line, count_text, count
):
    reply = estimate(f"{line} haiku 5.5. {count_text}. cost per day?")

    day = per_request(HAIKU, 1200, 90) / 2 * count  # batch_discount 0.5 on every token
    assert "Message Batches results file" in reply.text
    assert f"**{dollars(day)} a day**" in reply.text, reply.text
