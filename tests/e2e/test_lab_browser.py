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
