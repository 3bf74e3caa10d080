"""The architecture advisor reads lettered or numbered workload lists ("(a) ... (b) ...") as one
workload per item, and a counted job with no rate ("a one-off backfill of 1.2M tickets") as one
job priced once, not as a daily volume. The cost estimator prices such a job once too.

Figures are worked out with Decimal from content/pricing.yaml (tests/labs/pricing_by_hand.py)."""

import pytest

from .pricing_by_hand import dollars, per_request
from .tutor_helpers import make_ask

advise = make_ask("architecture-advisor")
estimate = make_ask("cost-estimator")
SONNET, HAIKU, OPUS = "claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5"


@pytest.mark.parametrize(
    "message",
    [
        "(a) support chat, 30k req/day, user waiting, 2k sys + 200 in, 300 out, sonnet 5.5 "
        "(b) nightly summaries, 150k/day, needed by 8am, 3k in, 200 out, sonnet 5.5. plan?",
        "(a) support chat, 30k req/day, user waiting. sys 2k, 200 in, 300 out, sonnet 5.5 "
        "(b) nightly summaries, 150k/day, needed by 8am. 3k in, 200 out, sonnet 5.5",
        "a) support chat w/ 30k req/day, live, 2k sys + 200 q, 300 out on sonnet 5.5 b) nightly "
        "summaries 150k/day by the morning, 3k in / 200 out, sonnet 5.5. $/mo each?",
    ],
)
def test_a_lettered_list_is_one_workload_per_item_each_with_its_own_figures(message):
    reply = advise(message)

    plan = next(c for c in reply.calculations if c.tool == "plan_architecture")
    chat, nightly = plan.input["workloads"]
    assert chat["name"] == "support chat" and nightly["name"] == "nightly summaries"
    assert (chat["requests_per_day"], chat["output"]) == (30_000, 300)
    assert chat["prompt"] == {"system": 2000, "user": 200}
    assert (nightly["requests_per_day"], nightly["output"]) == (150_000, 200)
    assert nightly["prompt"] == {"user": 3000}
    # Before any step, each on Sonnet 5.5 in real time: 30 days of each workload.
    chat_month = per_request(SONNET, 2200, 300) * 30_000 * 30
    nightly_month = per_request(SONNET, 3000, 200) * 150_000 * 30
    assert dollars(chat_month) in reply.text and dollars(nightly_month) in reply.text


@pytest.mark.parametrize(
    ("message", "model", "count", "prompt", "output"),
    [
        ("a one-off backfill of 1.2M tickets on haiku 5.5, 600 in 50 out, nobody waits. cost?",
         HAIKU, 1_200_000, 600, 50),
        ("we need to re-tag our 300k archived docs once w/ sonnet 5.5, ~2k in / 20 out", SONNET,
         300_000, 2000, 20),
        ("one-time migration: 50k contracts through opus 5.5, 8k in 500 out. total?", OPUS,
         50_000, 8000, 500),
    ],
)  # fmt: skip
def test_a_counted_job_with_no_rate_is_priced_once_in_both_labs(
    message, model, count, prompt, output
):
    once = per_request(model, prompt, output) * count
    batched = once / 2  # the Batches API halves every token (batch_discount 0.5)

    for reply in (advise(message), estimate(message)):
        assert f"**{dollars(once)} once**" in reply.text, reply.text
        assert dollars(batched) in reply.text
        assert dollars(once * 30) not in reply.text  # never a month of daily backfills
