"""A lab reply streams into the page in the real browser while the worker is still writing it."""

import threading

import pytest
from django.db import connections

from labs import tasks
from labs.models import Message
from tests.conftest import make_user
from tests.e2e.test_lab_browser import LAB, log_in, record_failures
from tests.labs.fake_claude import PacedClaude

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "The first sentence arrives at once."
LAST = "The last one comes later."


@pytest.fixture
def worker_thread(monkeypatch):
    """Run each enqueued reply in a thread, as a worker would, outside the request that sent it.
    The test database lives in memory, so the thread uses the connection the live server
    shares."""
    shared = connections["default"]
    threads: list[threading.Thread] = []

    def work(message_id: int) -> None:
        shared.inc_thread_sharing()
        connections["default"] = shared
        try:
            tasks.reply(message_id)
        finally:
            shared.dec_thread_sharing()

    def deliver(message_id: int) -> None:
        thread = threading.Thread(target=work, args=(message_id,), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr("labs.views.reply.delay", deliver)
    yield threads
    for thread in threads:
        thread.join(timeout=10)


def test_the_text_appears_as_it_is_written_and_the_meter_updates_when_done(
    page, course, settings, monkeypatch, worker_thread
):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    PacedClaude([FIRST, " The middle one. ", LAST], pause=1.5).install(monkeypatch)
    make_user("streamer")
    log_in(page, "streamer")
    failures = record_failures(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(LAB)
    meter_before = page.locator("#cost-meter").inner_text()
    page.fill("#lab-text", "What does Haiku 5.5 cost at 1,000 requests a day?")
    page.click("#lab-form button[type=submit]")

    bubble = page.locator(".bubble.assistant[id^=message-]").last
    bubble.locator(".reply-text .prose", has_text=FIRST).wait_for(timeout=10_000)
    # Seen while the worker is still writing: the rest has not arrived, the reply runs on.
    assert LAST not in bubble.inner_text()
    assert "status-done" not in (bubble.get_attribute("class") or "")
    reply = Message.objects.filter(role="assistant").latest("id")
    assert Message.objects.get(pk=reply.pk).status == "running"

    done = page.locator(f"#message-{reply.pk}.status-done")
    done.wait_for(timeout=15_000)
    assert LAST in done.inner_text()
    meter_after = page.locator("#cost-meter").inner_text()
    assert meter_after != meter_before and "$0.000000 in" not in meter_after
    assert failures == []
    # One stream carried the whole reply; the page did not poll the reply's fragment.
    assert sum(f"/labs/messages/{reply.pk}/stream/" in url for url in requests) == 1
    assert not any(url.endswith(f"/labs/messages/{reply.pk}/") for url in requests)


def test_a_reply_longer_than_the_stream_cap_reconnects_and_arrives_whole(
    page, course, settings, monkeypatch, worker_thread
):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    settings.LAB_STREAM_SECONDS = 1  # each stream ends after a second; the reply takes three
    PacedClaude([FIRST, " The middle one. ", LAST], pause=1.5).install(monkeypatch)
    make_user("reconnector")
    log_in(page, "reconnector")
    failures = record_failures(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(LAB)
    page.fill("#lab-text", "What does Haiku 5.5 cost at 1,000 requests a day?")
    page.click("#lab-form button[type=submit]")
    page.locator(".bubble.assistant[id^=message-] .prose", has_text="The middle one.").wait_for()
    reply = Message.objects.filter(role="assistant").latest("id")
    done = page.locator(f"#message-{reply.pk}.status-done")
    done.wait_for(timeout=15_000)
    assert FIRST in done.inner_text() and LAST in done.inner_text()
    assert sum(f"/labs/messages/{reply.pk}/stream/" in url for url in requests) >= 2
    assert failures == []
