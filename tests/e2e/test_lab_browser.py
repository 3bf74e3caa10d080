"""A learner asks a lab its try-asking prompt in the real browser and sees the answer appear."""

import pytest

from labs.models import Message
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAB = "/modules/cost-optimization/lessons/token-economics/lab/"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_the_try_asking_prompt_gets_a_calculated_answer_in_place(page, course, artifacts_dir):
    make_user("labber")
    log_in(page, "labber")
    page.goto(LAB)
    page.click("text=Put it in the message box")
    assert page.input_value("#lab-text").strip()
    page.evaluate("window.stillHere = true")  # gone if the page reloads
    page.click("#lab-form button[type=submit]")
    reply = page.locator(".bubble.assistant.status-done").last
    reply.wait_for()
    assert "Offline tutor: answers computed by the course calculator" in reply.inner_text()
    assert reply.locator(".calc-card").count() >= 1
    assert "$" in reply.inner_text()
    assert page.evaluate("window.stillHere === true")  # htmx swapped it in; no page load
    assert "/lab/c/" in page.url  # and pushed the conversation's address
    page.screenshot(path=artifacts_dir / "lab-answer.png", full_page=True)
    assert Message.objects.filter(role="assistant", status="done").count() == 1


def pending_conversation(username: str, status: str, **reply: object) -> tuple[int, int]:
    from labs.models import Conversation, Lab

    user = make_user(username)
    lab = Lab.objects.get(slug="cost-estimator")
    conversation = Conversation.objects.create(user=user, lab=lab, title="stuck")
    Message.objects.create(conversation=conversation, role="user", text=lab.try_asking)
    message = Message.objects.create(
        conversation=conversation, role="assistant", status=status, **reply
    )
    return conversation.pk, message.pk


def record_failures(page) -> list[str]:
    failures: list[str] = []
    page.on(
        "response",
        lambda r: (
            failures.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None
        ),
    )
    return failures


def test_stop_on_a_reply_that_never_comes_ends_it_and_the_learner_can_send_again(page, course):
    # Nothing will ever answer this reply (as when its worker died): only Stop can end it.
    conversation, message = pending_conversation("stopper", "running", text="Half an ans")
    log_in(page, "stopper")
    failures = record_failures(page)
    page.goto(f"{LAB}c/{conversation}/")
    page.evaluate("window.stillHere = true")
    bubble = page.locator(f"#message-{message}")
    bubble.locator("button:has-text('Stop')").click()
    page.locator(f"#message-{message}.status-stopped").wait_for()
    assert "Stopped" in bubble.inner_text()
    assert bubble.locator("button:has-text('Stop')").count() == 0
    assert Message.objects.get(pk=message).status == "stopped"

    page.fill("#lab-text", "And at 2,000 requests a day?")
    page.click("#lab-form button[type=submit]")
    page.locator(".bubble.assistant.status-done").last.wait_for()
    assert page.evaluate("window.stillHere === true")  # all in place, no page load
    assert failures == []
    assert Message.objects.filter(role="user", text="And at 2,000 requests a day?").exists()


def test_retry_on_a_failed_reply_answers_it_in_place(page, course):
    conversation, message = pending_conversation(
        "retrier", "failed", error="The assistant could not answer this time."
    )
    log_in(page, "retrier")
    failures = record_failures(page)
    page.goto(f"{LAB}c/{conversation}/")
    page.evaluate("window.stillHere = true")
    page.locator(f"#message-{message} button:has-text('Retry')").click()
    done = page.locator(f"#message-{message}.status-done")
    done.wait_for()
    assert "$" in done.inner_text()
    assert page.evaluate("window.stillHere === true")
    assert failures == []
    assert Message.objects.get(pk=message).status == "done"


@pytest.mark.parametrize("failure", ["server-error", "unreachable"])
def test_a_failed_send_says_so_keeps_the_text_and_can_be_dismissed(page, course, failure):
    make_user("unlucky")
    log_in(page, "unlucky")
    page.goto(LAB)
    if failure == "server-error":
        page.route("**/lab/send/", lambda route: route.fulfill(status=500, body="Server Error"))
    else:
        page.route("**/lab/send/", lambda route: route.abort())
    page.fill("#lab-text", "What does Opus 5.5 cost at 500 requests a day?")
    page.click("#lab-form button[type=submit]")
    alert = page.locator("#request-error[role=alert]")
    alert.wait_for()
    wanted = "error 500" if failure == "server-error" else "could not be reached"
    assert wanted in alert.inner_text()
    assert page.input_value("#lab-text") == "What does Opus 5.5 cost at 500 requests a day?"
    assert page.locator("#lab-form button[type=submit]").is_enabled()
    alert.locator("button:has-text('Dismiss')").click()
    alert.wait_for(state="detached")
    assert not Message.objects.exists()
