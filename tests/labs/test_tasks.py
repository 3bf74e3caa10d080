from datetime import timedelta

import pytest
from django.utils import timezone

from labs import tasks
from labs.models import Message
from tests.labs.conftest import LAB_URL, make_conversation

pytestmark = pytest.mark.django_db


QUESTION = "What does Haiku 4.5 cost at 1,000 requests a day, 500 input and 200 output tokens?"


def pending_reply(user, lab, question=QUESTION):
    conversation = make_conversation(user, lab)
    Message.objects.create(conversation=conversation, role="user", text=question)
    return Message.objects.create(conversation=conversation, role="assistant", status="queued")


def test_a_duplicate_delivery_is_claimed_once(learner, lab):
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    tasks.reply(message.pk)
    message.refresh_from_db()
    assert message.status == "done"
    assert message.attempts == 1
    assert message.calculations.count() >= 1


def test_a_failing_reply_is_marked_failed_with_a_safe_message_and_retry_works(
    client, learner, lab, monkeypatch, django_capture_on_commit_callbacks
):
    import labs.conversation

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(labs.conversation, "tutor_answer", broken)
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    message.refresh_from_db()
    assert message.status == "failed"
    assert "press Retry" in message.error
    assert "secret internal detail" not in message.error
    assert "secret internal detail" in message.error_detail
    assert message.conversation.messages.filter(role="user").exists()

    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{message.conversation_id}/").content.decode()
    assert "Retry" in page
    assert "secret internal detail" not in page
    monkeypatch.undo()
    client.post(f"/labs/messages/{message.pk}/retry/")
    message.refresh_from_db()
    assert message.status == "done"
    assert message.attempts == 2


def test_retry_only_applies_to_failed_replies(client, learner, lab):
    message = pending_reply(learner, lab)
    Message.objects.filter(pk=message.pk).update(status="done", text="kept")
    client.force_login(learner)
    client.post(f"/labs/messages/{message.pk}/retry/")
    message.refresh_from_db()
    assert (message.status, message.text) == ("done", "kept")


def test_the_history_given_to_the_tutor_excludes_the_new_question(learner, lab, monkeypatch):
    import labs.conversation

    seen = {}

    def spy(engine, text, history, table=None):
        seen.update(engine=engine, text=text, history=history)
        from labs.tutor import TutorReply

        return TutorReply(text="fine")

    monkeypatch.setattr(labs.conversation, "tutor_answer", spy)
    conversation = make_conversation(learner, lab, "earlier question")
    Message.objects.create(conversation=conversation, role="user", text="new question")
    message = Message.objects.create(conversation=conversation, role="assistant", status="queued")
    tasks.reply(message.pk)
    assert seen["engine"] == "cost-estimator"
    assert seen["text"] == "new question"
    assert [(t.role, t.text) for t in seen["history"]] == [
        ("user", "earlier question"),
        ("assistant", "ok"),
    ]


def test_when_the_broker_is_down_the_message_is_kept_and_the_learner_told(
    client, learner, lab, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.reply, "delay", down)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LAB_URL + "send/", {"text": "Cost of Opus 5.5?"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert "Your message is saved" in response.content.decode()
    assert Message.objects.get(role="user").text == "Cost of Opus 5.5?"
    assert Message.objects.get(role="assistant").status == "queued"


def test_the_sweep_requeues_undelivered_and_stuck_replies_and_fails_hopeless_ones(
    learner, lab, settings
):
    old = timezone.now() - timedelta(minutes=10)
    undelivered = pending_reply(learner, lab)
    Message.objects.filter(pk=undelivered.pk).update(updated_at=old)
    stuck = pending_reply(learner, lab)
    Message.objects.filter(pk=stuck.pk).update(status="running", started_at=old, attempts=1)
    hopeless = pending_reply(learner, lab)
    Message.objects.filter(pk=hopeless.pk).update(status="running", started_at=old, attempts=3)
    fresh = pending_reply(learner, lab)

    tasks.sweep()  # eager in tests: re-queued replies are answered at once

    statuses = dict(Message.objects.filter(role="assistant").values_list("pk", "status"))
    assert statuses[undelivered.pk] == "done"
    assert statuses[stuck.pk] == "done"
    assert statuses[hopeless.pk] == "failed"
    assert statuses[fresh.pk] == "queued"  # sent moments ago: not the sweep's business yet


def test_a_published_price_change_reaches_the_lab_answers(learner, lab):
    from authoring.models import PRICES_ID, Kind, Revision
    from labs.calculator import load_price_table

    data = load_price_table().to_data()
    for model in data["models"]:
        if model["id"] == "claude-haiku-4-5-20251001":
            model["prices"]["input"] = "7"
    Revision.objects.create(kind=Kind.PRICES, object_id=PRICES_ID, number=1, data=data,
                            source=Revision.Source.APP)  # fmt: skip
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    calc = message.calculations.first()
    assert calc is not None
    assert "$7.00" in message.__class__.objects.get(pk=message.pk).text


def test_the_sweep_requeues_a_running_reply_whose_heartbeat_went_stale_long_before_the_time_limit(
    learner, lab, settings
):
    settings.LAB_HEARTBEAT_TIMEOUT_SECONDS = 20
    now = timezone.now()
    dead = pending_reply(learner, lab)  # its worker stopped beating 25 s ago
    Message.objects.filter(pk=dead.pk).update(
        status="running", attempts=1, started_at=now - timedelta(seconds=40),
        heartbeat_at=now - timedelta(seconds=25),
    )  # fmt: skip
    alive = pending_reply(learner, lab)  # started as long ago, but its worker beat just now
    Message.objects.filter(pk=alive.pk).update(
        status="running", attempts=1, started_at=now - timedelta(seconds=40),
        heartbeat_at=now - timedelta(seconds=2),
    )  # fmt: skip

    assert tasks.sweep() == 1  # eager in tests: the re-queued reply is answered at once

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.attempts) == ("done", 2)
    assert alive.status == "running"


def test_a_claim_stamps_the_heartbeat(learner, lab, monkeypatch):
    seen = {}
    real_answer = tasks.answer

    def spy(message_id, attempt):
        seen["heartbeat_at"] = Message.objects.get(pk=message_id).heartbeat_at
        real_answer(message_id, attempt)

    monkeypatch.setattr(tasks, "answer", spy)
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    assert seen["heartbeat_at"] is not None


def test_a_reply_whose_every_claim_fails_stays_queued_and_the_sweep_sends_it_again(
    learner, lab, monkeypatch
):
    from django.db import OperationalError

    def locked(message_id):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tasks, "claim", locked)
    monkeypatch.setattr(tasks, "TASK_RETRY_SECONDS", 0)
    message = pending_reply(learner, lab)
    tasks.reply.delay(message.pk)  # eager: Celery's retries run at once, and all fail
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)

    monkeypatch.undo()
    Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    assert tasks.sweep() == 1
    message.refresh_from_db()
    assert message.status == "done"
