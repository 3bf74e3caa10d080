"""The worker writes a reply's text into its row as it arrives, for the page's stream to read."""

import itertools

import pytest

from labs import tasks
from labs.models import Calculation, Message
from tests.labs.fake_claude import FakeClaude, PacedClaude, text_reply
from tests.labs.test_tasks import pending_reply

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection


@pytest.fixture
def claude(settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False


@pytest.fixture
def rows(monkeypatch) -> list[dict]:
    """The reply's row as the stream would read it, each time the worker has new text."""
    seen: list[dict] = []
    still_running = tasks._still_running

    def record(message_id: int, attempt: int) -> bool:
        row = Message.objects.values("status", "text", "html", "updated_at").get(pk=message_id)
        row["cards"] = Calculation.objects.filter(message_id=message_id).count()
        seen.append(row)
        return still_running(message_id, attempt)

    monkeypatch.setattr(tasks, "_still_running", record)
    return seen


def test_the_first_text_is_saved_at_once_and_marks_the_row_changed(
    learner, lab, claude, monkeypatch, rows
):
    FakeClaude([text_reply("The first words, then the rest of the reply.", chunks=8)]).install(
        monkeypatch
    )
    message = pending_reply(learner, lab)
    before = message.updated_at
    tasks.reply(message.pk)
    first = rows[0]
    assert first["status"] == "running"
    assert first["text"] and "The first words, then the rest of the reply.".startswith(
        first["text"]
    )
    assert first["html"] == f"<p>{first['text']}</p>"
    # The stream notices a change by the row's updated_at; a partial save must move it.
    assert first["updated_at"] > before
    message.refresh_from_db()
    assert (
        message.status == "done" and message.text == "The first words, then the rest of the reply."
    )


def test_later_text_is_saved_at_most_every_100_ms(learner, lab, claude, monkeypatch, rows):
    # Ten pieces 40 ms apart: about 0.36 s of text, so three or four saves, not ten.
    PacedClaude([f"piece {i}. " for i in range(10)], pause=0.04).install(monkeypatch)
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    saves = sorted({row["updated_at"] for row in rows if row["text"]})
    assert 2 <= len(saves) < 10, [row["text"] for row in rows]  # during the reply, not per piece
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(saves)]
    assert min(gaps) >= 0.095, gaps
    message.refresh_from_db()
    assert message.text == "".join(f"piece {i}. " for i in range(10)).strip()


def test_partial_text_is_sanitized_like_the_finished_reply(learner, lab, claude, monkeypatch, rows):
    raw = '**Bold** <img src=x onerror="alert(1)"><script>alert(2)</script> and the rest follows.'
    PacedClaude([raw[:50], raw[50:]], pause=0.15).install(monkeypatch)
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    partial = [row for row in rows if row["status"] == "running" and row["text"]]
    assert partial, rows
    for row in partial:
        assert "<strong>Bold</strong>" in row["html"]
        assert "onerror" not in row["html"] and "<script" not in row["html"]
    message.refresh_from_db()
    assert "onerror" not in message.html and "<script" not in message.html


def test_the_offline_tutor_publishes_its_text_before_the_cards_are_stored(learner, lab, rows):
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    message.refresh_from_db()
    assert message.status == "done" and message.calculations.count() >= 1
    assert rows, "the offline tutor never published its text"
    assert rows[0]["status"] == "running"
    assert rows[0]["text"] == message.text
    assert rows[0]["html"] == message.html
    assert rows[0]["cards"] == 0


def test_stop_pressed_while_the_offline_tutor_writes_keeps_the_reply_stopped(
    learner, lab, monkeypatch
):
    def stop_now(message_id: int, attempt: int) -> bool:
        Message.objects.filter(pk=message_id).update(status="stopped")
        return False

    monkeypatch.setattr(tasks, "_still_running", stop_now)
    message = pending_reply(learner, lab)
    tasks.reply(message.pk)
    message.refresh_from_db()
    assert message.status == "stopped"
    assert message.text  # what arrived is kept
