import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from labs.models import Calculation, Conversation, Message
from tests.labs.conftest import LAB_URL, make_conversation

pytestmark = pytest.mark.django_db

TRY = "What does Sonnet 5.5 cost at 50,000 requests a day with a 1,200-token system prompt, a 300-token user message and 400 output tokens?"  # noqa: E501


def send(client, text, **extra):
    return client.post(LAB_URL + "send/", {"text": text, **extra}, **{})


def test_anonymous_visitors_are_sent_to_login(client, lab):
    response = client.get(LAB_URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post(LAB_URL + "send/", {"text": "hi"}).status_code == 302
    assert not Message.objects.exists()


def test_the_lab_page_shows_the_task_try_asking_and_greeting(client, learner, lab):
    client.force_login(learner)
    html = client.get(LAB_URL).content.decode()
    assert lab.title in html
    assert lab.try_asking[:40].replace("'", "&#x27;") in html or lab.try_asking[:40] in html
    assert "Offline tutor: answers computed by the course calculator" in html
    assert "What this conversation cost" in html


def test_try_asking_puts_the_prompt_in_the_message_box(client, learner, lab):
    client.force_login(learner)
    html = client.get(LAB_URL + "?ask=1").content.decode()
    textarea = html[html.index('<textarea id="lab-text"') :].split("</textarea>")[0]
    assert lab.try_asking[:30] in textarea.replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def enqueued(monkeypatch):
    """Record the reply tasks sent instead of running them."""
    from labs import views

    sent = []
    monkeypatch.setattr(views.reply, "delay", sent.append)
    return sent


def test_sending_saves_the_message_and_a_pending_reply_then_enqueues_it(
    client, learner, lab, enqueued
):
    client.force_login(learner)
    response = send(client, "What does Haiku 4.5 cost at 1,000 requests a day?")
    conversation = Conversation.objects.get(user=learner, lab=lab)
    assert response.status_code == 302
    assert response.url == f"{LAB_URL}c/{conversation.pk}/"
    roles = list(conversation.messages.values_list("role", "status"))
    assert roles == [("user", "done"), ("assistant", "queued")]
    assert enqueued == [conversation.messages.get(role="assistant").pk]


def test_the_worker_answers_with_text_and_calculation_cards(
    client, learner, lab, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, lab.try_asking)
    reply = Message.objects.get(role="assistant")
    assert reply.status == "done", reply.error_detail
    assert reply.engine == "offline"
    assert reply.text
    assert "$" in reply.text
    calcs = list(Calculation.objects.filter(message=reply))
    assert calcs
    assert all("calc-card" in c.html for c in calcs)
    page = client.get(f"{LAB_URL}c/{reply.conversation_id}/").content.decode()
    assert "calc-card" in page
    assert "$0.00" in page  # the offline tutor's meter says it cost nothing


def test_sending_with_htmx_returns_the_conversation_fragment_and_pushes_the_url(
    client, learner, lab, enqueued
):
    client.force_login(learner)
    response = client.post(
        LAB_URL + "send/", {"text": "Cost of Opus 5.5?"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="lab-conversation"' in html
    assert "Queued" in html
    assert "sse-connect=" in html  # the pending reply streams in
    conversation = Conversation.objects.get()
    assert response["HX-Push-Url"] == f"{LAB_URL}c/{conversation.pk}/"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "the message is empty"), ("   \n ", "the message is empty"),
     ("x" * 4001, "the limit is 4,000")],
)  # fmt: skip
def test_bad_messages_are_refused_clearly_and_nothing_is_stored(
    client, learner, lab, text, message
):
    client.force_login(learner)
    response = client.post(LAB_URL + "send/", {"text": text}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_a_refused_message_keeps_what_the_learner_typed(client, learner, lab, settings):
    settings.LAB_MAX_MESSAGE_CHARS = 10
    client.force_login(learner)
    response = client.post(
        LAB_URL + "send/", {"text": "a long draft"}, headers={"HX-Request": "true"}
    )
    assert "a long draft</textarea>" in response.content.decode()


def test_the_hourly_rate_limit_says_when_the_learner_may_send_again(
    client, learner, lab, settings, django_capture_on_commit_callbacks
):
    settings.LAB_MESSAGES_PER_HOUR = 2
    client.force_login(learner)
    make_conversation(learner, lab, "one", "two")
    response = client.post(LAB_URL + "send/", {"text": "three"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "the limit. You can send again at" in response.content.decode()
    assert Message.objects.filter(role="user").count() == 2


def test_a_second_message_waits_for_the_pending_reply(client, learner, lab):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    Message.objects.create(conversation=conversation, role="user", text="first")
    Message.objects.create(conversation=conversation, role="assistant", status="queued")
    response = client.post(
        LAB_URL + "send/", {"text": "second", "conversation": conversation.pk},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "still answering your last message" in response.content.decode()
    assert not Message.objects.filter(text="second").exists()


def test_a_refused_message_without_htmx_redirects_with_a_flash(client, learner, lab):
    client.force_login(learner)
    response = client.post(LAB_URL + "send/", {"text": ""}, follow=True)
    assert "the message is empty" in response.content.decode()


def test_other_learners_conversations_are_404(client, learner, other_learner, lab):
    theirs = make_conversation(other_learner, lab, "secret question")
    reply = theirs.messages.get(role="assistant")
    client.force_login(learner)
    assert client.get(f"{LAB_URL}c/{theirs.pk}/").status_code == 404
    assert (
        client.post(LAB_URL + "send/", {"text": "x", "conversation": theirs.pk}).status_code == 404
    )
    assert (
        client.get(f"/labs/messages/{reply.pk}/", headers={"HX-Request": "true"}).status_code == 404
    )
    assert client.post(f"/labs/messages/{reply.pk}/stop/").status_code == 404
    assert client.post(f"/labs/messages/{reply.pk}/retry/").status_code == 404
    assert theirs.messages.count() == 2
    assert "secret question" not in client.get(LAB_URL).content.decode()


def test_a_non_numeric_conversation_id_is_a_400_that_keeps_the_text(client, learner, lab):
    client.force_login(learner)
    response = client.post(LAB_URL + "send/", {"text": "my question", "conversation": "abc"})
    assert response.status_code == 400
    assert "my question" in response.content.decode()


def test_a_pending_reply_fragment_streams_and_a_done_one_does_not(client, learner, lab):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    pending = Message.objects.create(conversation=conversation, role="assistant", status="running")
    html = client.get(
        f"/labs/messages/{pending.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert f'sse-connect="/labs/messages/{pending.pk}/stream/"' in html
    assert "Stop" in html
    Message.objects.filter(pk=pending.pk).update(
        status="done", text="All set", html="<p>All set</p>"
    )
    html = client.get(
        f"/labs/messages/{pending.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "sse-connect" not in html
    assert "All set" in html
    assert 'hx-swap-oob="innerHTML"' in html  # the cost meter refreshes (and is announced) with it


def test_stop_ends_a_pending_reply_and_the_worker_then_does_nothing(client, learner, lab):
    from labs.tasks import reply

    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    Message.objects.create(conversation=conversation, role="user", text="Cost of Haiku 5.5?")
    pending = Message.objects.create(conversation=conversation, role="assistant", status="queued")
    client.post(f"/labs/messages/{pending.pk}/stop/")
    pending.refresh_from_db()
    assert pending.status == "stopped"
    reply(pending.pk)
    pending.refresh_from_db()
    assert pending.status == "stopped"
    assert pending.attempts == 0


def test_the_lab_page_uses_a_fixed_number_of_queries(client, learner, lab):
    client.force_login(learner)
    conversation = make_conversation(learner, lab, *[f"q{i}" for i in range(8)])
    url = f"{LAB_URL}c/{conversation.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    make_conversation(learner, lab, *[f"r{i}" for i in range(3)])
    for message in conversation.messages.filter(role="assistant"):
        Calculation.objects.create(
            message=message, order=1, tool="t", input={}, output={}, html="x"
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    assert len(large) <= 14


def test_polling_a_reply_costs_a_fixed_handful_of_queries(client, learner, lab):
    conversation = make_conversation(learner, lab)
    reply = Message.objects.create(conversation=conversation, role="assistant", status="done",
                                   text="x", html="<p>x</p>")  # fmt: skip
    for order in range(1, 4):
        Calculation.objects.create(message=reply, order=order, tool="t", input={}, output={})
    client.force_login(learner)
    url = f"/labs/messages/{reply.pk}/"
    client.get(url, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    # session, user, the message with its lab, its cards, the conversation's cost totals
    assert len(queries) == 5, [q["sql"][:90] for q in queries]


def test_stop_with_htmx_answers_the_stopped_bubble_not_405(client, learner, lab):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    pending = Message.objects.create(conversation=conversation, role="assistant", status="running")
    response = client.post(f"/labs/messages/{pending.pk}/stop/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="message-{pending.pk}"' in html
    assert "status-stopped" in html
    assert "sse-connect" not in html  # the stream ends
    assert Message.objects.get(pk=pending.pk).status == "stopped"


def test_after_stop_the_learner_can_send_again(client, learner, lab, enqueued):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    pending = Message.objects.create(conversation=conversation, role="assistant", status="running")
    client.post(f"/labs/messages/{pending.pk}/stop/", headers={"HX-Request": "true"})
    response = client.post(
        LAB_URL + "send/", {"text": "next question", "conversation": conversation.pk},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert Message.objects.filter(text="next question").exists()


def test_retry_with_htmx_requeues_a_stopped_reply_and_answers_its_bubble(
    client, learner, lab, enqueued
):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    stopped = Message.objects.create(conversation=conversation, role="assistant",
                                     status="stopped", text="half")  # fmt: skip
    response = client.post(f"/labs/messages/{stopped.pk}/retry/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Queued" in response.content.decode()
    stopped.refresh_from_db()
    assert (stopped.status, stopped.text) == ("queued", "")
    assert enqueued == [stopped.pk]


def test_retry_is_refused_clearly_while_another_reply_is_pending(client, learner, lab, enqueued):
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    failed = Message.objects.create(conversation=conversation, role="assistant", status="failed")
    Message.objects.create(conversation=conversation, role="user", text="later")
    Message.objects.create(conversation=conversation, role="assistant", status="queued")
    response = client.post(f"/labs/messages/{failed.pk}/retry/", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "still answering your last message" in response.content.decode()
    assert Message.objects.get(pk=failed.pk).status == "failed"
    assert enqueued == []


def test_stop_then_retry_cannot_get_round_the_hourly_limit(
    client, learner, lab, enqueued, settings
):
    # A retry makes no new learner message, so it has its own hourly budget.
    settings.LAB_MESSAGES_PER_HOUR = 3
    client.force_login(learner)
    conversation = make_conversation(learner, lab)
    reply = Message.objects.create(conversation=conversation, role="assistant", status="stopped")
    for _ in range(3):
        response = client.post(f"/labs/messages/{reply.pk}/retry/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        Message.objects.filter(pk=reply.pk).update(status="stopped")
    response = client.post(f"/labs/messages/{reply.pk}/retry/", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "retried 3 replies this hour" in response.content.decode()
    assert Message.objects.get(pk=reply.pk).status == "stopped"
    assert len(enqueued) == 3
