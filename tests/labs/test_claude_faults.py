"""Each fault the API can throw ends in a clear state for the learner, with exact usage logged.

Through the real worker path (labs.tasks.reply), the real anthropic SDK and the simulated API
on loopback (labs/testing/simulated_api.py), which bills like the real one.
"""

import time
from decimal import Decimal

import pytest
from django.db.models import Sum

from authoring.pricing import current_price_table
from labs import claude, tasks
from labs.calculator import cost_of_api_usage
from labs.models import ApiCall, Message
from labs.testing import simulated_api as sim
from labs.testing.conversation_bill import pointed_at
from tests.labs.conftest import LAB_URL, make_conversation

pytestmark = pytest.mark.django_db

QUESTION = "What does Sonnet 5.5 cost at 10,000 requests a day, 2,000 input and 300 output tokens?"
WORKLOAD = {"model": "claude-sonnet-5-5", "requests": 10000, "per": "day", "user_tokens": 2000,
            "output_tokens": 300}  # fmt: skip


@pytest.fixture
def api(course):
    simulated = sim.SimulatedAPI(current_price_table(), clock=sim.Clock())
    with simulated, pointed_at(simulated):
        yield simulated


def ask(user, lab, question=QUESTION):
    conversation = make_conversation(user, lab)
    Message.objects.create(conversation=conversation, role="user", text=question)
    message = Message.objects.create(conversation=conversation, role="assistant", status="queued")
    tasks.reply(message.pk)
    message.refresh_from_db()
    return message


def assert_logged_exactly(api, message):
    """Every billed response is logged once, with the cost the calculator gives its usage."""
    table = current_price_table()
    billed = sum(
        (cost_of_api_usage(table.get(b["model"]), b["usage"]).total_usd for b in api.ledger),
        Decimal(0),
    )
    logged = ApiCall.objects.filter(message=message)
    assert logged.count() == len(api.ledger)
    assert (logged.aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)) == billed
    assert sorted(logged.values_list("request_id", flat=True)) == sorted(
        b["request_id"] for b in api.ledger
    )


@pytest.mark.parametrize("fault", [sim.rate_limited(retry_after=1), sim.overloaded(),
                                   sim.server_error()], ids=["429", "529", "500"])  # fmt: skip
def test_a_transient_error_is_retried_by_the_sdk_and_the_reply_arrives(api, learner, lab, fault):
    api.script = [fault, sim.text("Recovered: the figures are in the card.")]
    started = time.monotonic()
    message = ask(learner, lab)
    assert message.status == "done", message.error_detail
    assert message.text == "Recovered: the figures are in the card."
    assert len(api.requests) == 2
    if fault.status == 429:
        assert time.monotonic() - started >= 1  # the SDK waited as retry-after asked
    assert_logged_exactly(api, message)


def test_claude_overloaded_on_every_try_fails_with_retry_and_bills_nothing(api, learner, lab):
    api.script = [sim.overloaded()] * 3
    message = ask(learner, lab)
    assert len(api.requests) == 3  # CLAUDE_MAX_RETRIES=2
    assert message.status == "failed"
    assert "press Retry" in message.error
    assert_logged_exactly(api, message)
    assert not ApiCall.objects.exists()


def test_a_dropped_stream_fails_with_retry_logs_what_was_billed_and_retry_answers(
    api, client, learner, lab
):
    api.script = [sim.dropped_stream("Let me work that out")]
    message = ask(learner, lab)
    assert message.status == "failed"
    assert message.error == claude.DROPPED_MESSAGE
    assert "RemoteProtocolError" in message.error_detail
    assert_logged_exactly(api, message)  # the prompt was billed: message_start said so
    assert ApiCall.objects.get().cache_write_5m_tokens > 0

    client.force_login(learner)
    assert "Retry" in client.get(f"{LAB_URL}c/{message.conversation_id}/").content.decode()
    api.script = [sim.text("Here it is after all.")]
    client.post(f"/labs/messages/{message.pk}/retry/")
    message.refresh_from_db()
    assert message.status == "done"
    assert message.text == "Here it is after all."
    assert_logged_exactly(api, message)


def test_a_tool_call_cut_off_by_max_tokens_is_asked_again_once_and_then_computed(api, learner, lab):
    api.script = [
        sim.truncated_tool_call("workload_cost", WORKLOAD, text="Let me compute that."),
        sim.tool_call("workload_cost", WORKLOAD, text="Let me compute that."),
        sim.text("It comes to the figure in the card."),
    ]
    message = ask(learner, lab)
    assert message.status == "done", message.error_detail
    assert message.text == "Let me compute that.\n\nIt comes to the figure in the card."
    (calc,) = message.calculations.all()
    assert calc.input == WORKLOAD and not calc.is_error
    # The half call was never sent back: the re-ask is the same request again.
    assert api.requests[1]["messages"] == api.requests[0]["messages"]
    assert_logged_exactly(api, message)
    assert ApiCall.objects.count() == 3


def test_a_tool_call_cut_off_twice_ends_with_a_clear_note_and_no_calculation(api, learner, lab):
    api.script = [sim.truncated_tool_call("workload_cost", WORKLOAD)] * 2
    message = ask(learner, lab)
    assert message.status == "done"
    assert message.text == claude.TRUNCATED_TOOL_NOTE
    assert not message.calculations.exists()
    assert len(api.requests) == 2
    assert_logged_exactly(api, message)


def test_a_text_reply_cut_off_by_max_tokens_says_so(api, learner, lab, settings):
    settings.LAB_MAX_TOKENS = 20
    api.script = [sim.text("A long explanation of caching " * 20)]
    message = ask(learner, lab)
    assert message.status == "done"
    assert message.text.endswith(claude.MAX_TOKENS_NOTE)
    assert_logged_exactly(api, message)


def test_a_refusal_tells_the_learner_claude_declined(api, learner, lab):
    api.script = [sim.refusal()]
    message = ask(learner, lab)
    assert message.status == "done"
    assert message.text == claude.REFUSAL_NOTE
    assert "stopped" not in message.text
    assert_logged_exactly(api, message)


def test_a_paused_turn_is_sent_back_and_carries_on_to_the_answer(api, learner, lab):
    api.script = [sim.pause_turn("Working through the options."), sim.text("Here is the answer.")]
    message = ask(learner, lab)
    assert message.status == "done"
    assert message.text == "Working through the options.\n\nHere is the answer."
    resumed = api.requests[1]["messages"][-1]
    assert resumed["role"] == "assistant"
    assert resumed["content"] == [{"type": "text", "text": "Working through the options."}]
    assert_logged_exactly(api, message)
