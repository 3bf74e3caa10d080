"""The reply's event stream (`labs:stream`): what it sends, to whom, and for how long."""

import time

import pytest
from django.utils import timezone

from labs.models import Message
from tests.labs.conftest import make_conversation

pytestmark = pytest.mark.django_db


def stream_url(message: Message) -> str:
    return f"/labs/messages/{message.pk}/stream/"


def running_reply(user, lab, **fields) -> Message:
    conversation = make_conversation(user, lab)
    Message.objects.create(conversation=conversation, role="user", text="Cost of Haiku 5.5?")
    return Message.objects.create(
        conversation=conversation, role="assistant", status=fields.pop("status", "running"),
        **fields,
    )  # fmt: skip


def events(chunks) -> list[tuple[str, str]]:
    """(event name, data) pairs from an iterator of text/event-stream chunks."""
    found = []
    for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        name, data = "", []
        for line in text.splitlines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        if name:
            found.append((name, "\n".join(data)))
    return found


def write_partial(message: Message, text: str, html: str) -> None:
    """What the worker's partial save does (labs.tasks.answer's on_text)."""
    Message.objects.filter(pk=message.pk).update(text=text, html=html, updated_at=timezone.now())


def test_anonymous_visitors_are_sent_to_login(client, learner, lab):
    message = running_reply(learner, lab)
    response = client.get(stream_url(message))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_learners_reply_is_404(client, learner, other_learner, lab):
    message = running_reply(learner, lab)
    client.force_login(other_learner)
    assert client.get(stream_url(message)).status_code == 404


def test_a_learners_own_message_or_a_missing_one_is_404(client, learner, lab):
    message = running_reply(learner, lab)
    mine = message.conversation.messages.get(role="user")
    client.force_login(learner)
    assert client.get(stream_url(mine)).status_code == 404
    assert client.get("/labs/messages/999999/stream/").status_code == 404


def test_only_get_is_allowed(client, learner, lab):
    message = running_reply(learner, lab)
    client.force_login(learner)
    assert client.post(stream_url(message)).status_code == 405


def test_it_sends_the_text_as_the_worker_writes_it_then_the_finished_bubble(client, learner, lab):
    message = running_reply(learner, lab)
    client.force_login(learner)
    response = client.get(stream_url(message))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    chunks = iter(response.streaming_content)
    assert next(chunks).decode().startswith("retry: ")  # reconnect quickly after the cap
    ((name, data),) = events([next(chunks)])
    assert name == "text" and "Thinking" in data  # where the reply is now
    write_partial(message, "Half of the", "<p>Half of the</p>")
    ((name, data),) = events([next(chunks)])
    assert name == "text"
    assert "<p>Half of the</p>" in data
    assert "Thinking" not in data

    Message.objects.filter(pk=message.pk).update(
        status="done", text="Half of the answer.", html="<p>Half of the answer.</p>"
    )
    ((name, data),) = events([next(chunks)])
    assert name == "done"
    assert f'id="message-{message.pk}"' in data and "status-done" in data
    assert "<p>Half of the answer.</p>" in data
    assert "sse-connect" not in data  # the finished bubble does not stream again
    assert 'id="cost-meter"' in data and 'hx-swap-oob="innerHTML"' in data  # the meter refreshes
    assert list(chunks) == []  # and the stream ends


def test_the_first_event_is_the_current_state_and_nothing_repeats_while_nothing_changes(
    client, learner, lab, settings
):
    settings.LAB_STREAM_SECONDS = 1
    message = running_reply(learner, lab, text="Already here", html="<p>Already here</p>")
    client.force_login(learner)
    started = time.monotonic()
    found = events(client.get(stream_url(message)).streaming_content)
    elapsed = time.monotonic() - started
    assert len(found) == 1
    assert found[0][0] == "text" and "<p>Already here</p>" in found[0][1]
    # Bounded: it ends after LAB_STREAM_SECONDS although the reply is still running.
    assert 0.9 <= elapsed < 5
    assert Message.objects.get(pk=message.pk).status == "running"


def test_a_queued_reply_says_so_and_the_stream_never_claims_it(client, learner, lab, settings):
    settings.LAB_STREAM_SECONDS = 0
    message = running_reply(learner, lab, status="queued")
    client.force_login(learner)
    found = events(client.get(stream_url(message)).streaming_content)
    assert [name for name, _ in found] == ["text"]
    assert "Queued" in found[0][1]
    message.refresh_from_db()
    # The stream reads; answering is the worker's job.
    assert message.status == "queued" and message.attempts == 0 and message.text == ""


@pytest.mark.parametrize("status", ["stopped", "failed", "done"])
def test_a_finished_reply_gets_its_bubble_at_once(client, learner, lab, status):
    message = running_reply(learner, lab, status=status, error="Could not answer.")
    client.force_login(learner)
    found = events(client.get(stream_url(message)).streaming_content)
    assert [name for name, _ in found] == ["done"]
    assert f"status-{status}" in found[0][1]
    if status != "done":
        assert "Retry" in found[0][1]


def test_multi_line_html_arrives_whole(client, learner, lab, settings):
    settings.LAB_STREAM_SECONDS = 0
    html = "<p>One</p>\n<ul>\n<li>two</li>\n</ul>"
    message = running_reply(learner, lab, text="One\n\n- two", html=html)
    client.force_login(learner)
    ((name, data),) = events(client.get(stream_url(message)).streaming_content)
    assert name == "text"
    assert html in data


def test_a_reply_the_sweep_requeues_shows_as_queued_again_on_the_open_stream(
    client, learner, lab, settings, monkeypatch
):
    from datetime import timedelta

    from labs import tasks

    message = running_reply(learner, lab, attempts=1)
    client.force_login(learner)
    chunks = iter(client.get(stream_url(message)).streaming_content)
    next(chunks)  # retry
    assert "Thinking" in events([next(chunks)])[0][1]
    # Its worker died: the heartbeat went stale, and the sweep puts the reply back in the queue.
    stale = timezone.now() - timedelta(seconds=settings.LAB_HEARTBEAT_TIMEOUT_SECONDS + 1)
    Message.objects.filter(pk=message.pk).update(heartbeat_at=stale, started_at=stale)
    sent = []
    monkeypatch.setattr(tasks.reply, "delay", sent.append)  # what the worker would get
    assert tasks.sweep() == 1
    assert sent == [message.pk]
    ((name, data),) = events([next(chunks)])
    assert name == "text" and "Queued" in data


def test_without_javascript_a_pending_reply_offers_a_reload(client, learner, lab):
    message = running_reply(learner, lab, status="queued")
    client.force_login(learner)
    url = f"/modules/cost-optimization/lessons/token-economics/lab/c/{message.conversation_id}/"
    html = client.get(url).content.decode()
    assert '<noscript><p class="muted"><a href="">Reload the page</a>' in html
    Message.objects.filter(pk=message.pk).update(status="done", text="Done.", html="<p>Done.</p>")
    html = client.get(url).content.decode()
    assert "Reload the page" not in html and "<p>Done.</p>" in html
