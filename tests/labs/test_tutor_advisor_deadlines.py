"""The architecture advisor reads a deadline of minutes ("within a minute", "route within ~5
min") or a person watching the page as too soon for a batch (results within 24 hours): it says
so, suggests the standard API behind a queue, and links the production controls lesson.

Figures are worked out with Decimal from content/pricing.yaml (tests/labs/pricing_by_hand.py)."""

import pytest

from .pricing_by_hand import dollars, per_request
from .tutor_helpers import make_ask

ask = make_ask("architecture-advisor")
LESSON = "/modules/cost-optimization/lessons/production-controls/"


@pytest.mark.parametrize(
    ("message", "latency"),
    [
        ("webhook classifier: 40k events/day, answer needed within a minute. haiku 5.5, 300 tok "
         "sys + 200 tok event, 10 tok label out. which pattern + $/mo?", "minutes"),
        ("ticket router on haiku 5.5: 40k tickets/day, must route within ~5 min, 300 tok sys + "
         "200 tok ticket, 10 tok out. batch?", "minutes"),
        ("report builder, haiku 5.5, 40k/day, the user sits on the page watching until it "
         "finishes, 300 sys + 200 in / 10 out. batch ok?", "realtime"),
    ],
)  # fmt: skip
def test_a_deadline_shorter_than_a_batch_is_planned_in_real_time_behind_a_queue(message, latency):
    reply = ask(message)

    plan = next(c for c in reply.calculations if c.tool == "plan_architecture")
    assert plan.input["workloads"][0]["latency"] == latency
    assert plan.output["workloads"][0]["api_pattern"] != "batch"
    assert "within 24 hours" in reply.text and "queue" in reply.text
    assert LESSON in reply.text
    # 40,000 a day x (500 in x $0.10 + 10 out x $0.50 per million) x 30 days, before any step.
    assert dollars(per_request("claude-haiku-5-5", 500, 10) * 40_000 * 30) in reply.text


def test_a_batch_question_for_work_due_in_minutes_is_answered_before_the_missing_sizes_are_asked():
    reply = ask("ticket auto-triage has to route each ticket within ~5 min, ~40k tickets/day. "
                "can we push it through batches for the half price?")  # fmt: skip

    assert reply.text.startswith("Why not a batch for **ticket auto-triage**")
    assert "within 24 hours" in reply.text and "queue" in reply.text and LESSON in reply.text
    assert reply.asked_follow_up and not reply.calculations


def test_an_average_rate_with_a_peak_is_priced_at_the_average():
    reply = ask(
        "webhook classifier: avg ~5 events/s (peaks ~20/s), answer needed within a minute. "
        "haiku 5.5, 300 tok sys + 200 tok event, 10 tok label out. $/mo?"
    )

    plan = next(c for c in reply.calculations if c.tool == "plan_architecture")
    assert plan.input["workloads"][0]["requests_per_day"] == 5 * 86_400
    assert dollars(per_request("claude-haiku-5-5", 500, 10) * 5 * 86_400 * 30) in reply.text
    assert "The peak of 20 a second" in reply.text
