"""Every journey done with the keyboard alone (issue 19): sign up, read a lesson, answer a quiz,
take and submit the test, ask a lab and stop a reply, edit and publish as an instructor, grant a
retake as an admin. The tests move only with keyboard.press and keyboard.type (page.goto stands
for typing an address); each stop on the way must show a focus ring, and after an htmx swap the
focus must be on the new content, not lost on the page's body."""

import pytest

from accounts.roles import make_instructor
from courses.models import LessonProgress
from labs.models import Message
from quizzes.models import Attempt, Choice, RetakeGrant
from tests.conftest import PASSWORD, make_user
from tests.e2e.test_lab_browser import pending_conversation
from tests.quizzes.helpers import attempt_token, make_attempt, module_test

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "/modules/cost-optimization"
LESSON = f"{MODULE}/lessons/token-economics"

ACTIVE = """() => {
  const e = document.activeElement;
  return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' +
    (e.innerText || e.value || '').trim().slice(0, 40) + '" outline ' +
    getComputedStyle(e).outline : 'nothing';
}"""
RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const label = e.closest('label');
  const own = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const around = label && getComputedStyle(label).outlineStyle !== 'none';
  return own || around || s.boxShadow !== 'none';
}"""


def focused(page, selector: str, text: str = "") -> bool:
    return page.evaluate(
        "([sel, text]) => { const e = document.activeElement;"
        " return !!e && e.matches(sel) && (e.innerText || e.value || '').includes(text); }",
        [selector, text],
    )


def tab_to(page, selector: str, text: str = "", limit: int = 250) -> None:
    """Press Tab until the element matching `selector` (and holding `text`) has focus, checking
    that every stop on the way shows a focus ring."""
    if focused(page, selector, text):  # already there (a form field with autofocus)
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # past the last stop: the browser's own controls, then round again
        assert page.evaluate(RING), f"no visible focus ring on {page.evaluate(ACTIVE)}"
        if focused(page, selector, text):
            return
    raise AssertionError(f"Tab never reached {selector} {text!r}; ended on {page.evaluate(ACTIVE)}")


def keyboard_log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, "the keyboard log-in did not go through"


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(page, course):
    make_user("keys_skip")
    keyboard_log_in(page, "keys_skip")
    page.goto(f"{LESSON}/")
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link", "Skip to content")
    assert page.locator("a.skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert focused(page, "main#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_new_learner_signs_up_with_the_keyboard(page):
    page.goto("/accounts/signup/")
    tab_to(page, "#id_username")
    page.keyboard.type("keys_kim")
    tab_to(page, "#id_email")
    page.keyboard.type("kim@example.com")
    tab_to(page, "#id_password1")
    page.keyboard.type("keyboard-only-pass-19")
    tab_to(page, "#id_password2")
    page.keyboard.type("keyboard-only-pass-19")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Welcome, keys_kim" in page.content()


def test_a_learner_reads_a_lesson_and_marks_it_read_with_the_keyboard(page, course):
    user = make_user("keys_lee")
    keyboard_log_in(page, "keys_lee")
    page.goto(f"{LESSON}/")
    tab_to(page, "button", "Mark this lesson as read")
    page.keyboard.press("Enter")
    page.get_by_text("You have marked this lesson as read").wait_for()
    assert LessonProgress.objects.filter(user=user, lesson__slug="token-economics").exists()


def test_a_learner_answers_a_quiz_question_and_focus_moves_to_the_feedback(page, course):
    make_user("keys_quinn")
    keyboard_log_in(page, "keys_quinn")
    page.goto(f"{LESSON}/quiz/")
    tab_to(page, "input[name=choice]")
    page.keyboard.press("ArrowDown")  # moves to, and picks, the second option
    tab_to(page, "button", "Check answer")
    page.keyboard.press("Enter")
    page.locator(".feedback").first.wait_for()
    assert focused(page, ".feedback[role=status]"), page.evaluate(ACTIVE)
    verdict = page.locator(".feedback-verdict").first.inner_text()
    assert "Right" in verdict or "You picked" in verdict  # said in words, not only colour


def test_a_learner_takes_and_submits_the_test_with_the_keyboard(page, course):
    make_user("keys_tao")
    keyboard_log_in(page, "keys_tao")
    page.goto(f"{MODULE}/test/")
    tab_to(page, "button", "Start the test")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempts/**")
    attempt = Attempt.objects.get(user__username="keys_tao")
    right = {attempt_token(attempt, c) for c in Choice.objects.filter(
        question__quiz__kind="test", is_correct=True)}  # fmt: skip
    for number in range(1, 16):
        page.locator("#tq-title", has_text=f"Question {number} ").wait_for()
        if number > 1:  # after the swap (htmx settles, then focuses) focus is on the heading
            page.wait_for_function(
                "n => document.activeElement && document.activeElement.id === 'tq-title'"
                " && document.activeElement.textContent.includes('Question ' + n + ' ')",
                arg=number,
                timeout=5_000,
            )
        tab_to(page, "input[name=choice]")
        for _ in range(6):  # arrow through the options to the right one
            if page.evaluate("document.activeElement.value") in right:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        tab_to(page, "#test-question button[type=submit]")
        page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    tab_to(page, "button", "Submit the test")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (15, True)
    assert "Passed" in page.locator(".result-verdict").text_content()  # in words


def test_a_learner_asks_a_lab_and_focus_returns_to_the_message_box(page, course):
    make_user("keys_lou")
    keyboard_log_in(page, "keys_lou")
    page.goto(f"{LESSON}/lab/")
    tab_to(page, "#lab-text")
    page.keyboard.type("What does Sonnet 5.5 cost at 2,000 requests a day?")
    tab_to(page, "#lab-form button[type=submit]", "Send")
    page.keyboard.press("Enter")
    page.locator(".bubble.assistant.status-done").last.wait_for()
    assert focused(page, "#lab-text"), page.evaluate(ACTIVE)
    assert Message.objects.filter(role="assistant", status="done").count() == 1


def test_a_learner_stops_a_reply_with_the_keyboard_while_it_polls(page, course):
    conversation, message = pending_conversation("keys_sam", "running", text="Half an ans")
    keyboard_log_in(page, "keys_sam")
    page.goto(f"{LESSON}/lab/c/{conversation}/")
    tab_to(page, f"#message-{message} button", "Stop")
    page.wait_for_timeout(1600)  # two polls replace the reply; the Stop button keeps focus
    assert focused(page, f"#message-{message} button", "Stop"), page.evaluate(ACTIVE)
    page.keyboard.press("Enter")
    page.locator(f"#message-{message}.status-stopped").wait_for()
    assert Message.objects.get(pk=message).status == "stopped"
    assert focused(page, "#lab-text"), page.evaluate(ACTIVE)


def test_an_instructor_edits_and_publishes_a_lesson_with_the_keyboard(page, course):
    make_instructor(make_user("keys_ines"))
    keyboard_log_in(page, "keys_ines")
    page.goto("/author/")
    tab_to(page, "a", "Token economics")
    page.keyboard.press("Enter")
    page.wait_for_url("**/author/lessons/**")
    tab_to(page, "#id_body_markdown")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nA sentence typed with the keyboard alone.\n")
    page.locator("#preview").get_by_text("A sentence typed with the keyboard alone.").wait_for()
    tab_to(page, "button", "Save and publish")
    page.keyboard.press("Enter")
    # Publishing asks first, on its own page, with an optional change note.
    page.wait_for_url("**/publish/")
    tab_to(page, "#id_note")
    page.keyboard.type("One sentence added, by keyboard.")
    tab_to(page, "button", "Publish now")
    page.keyboard.press("Enter")
    page.get_by_text("Published version").wait_for()
    page.goto(f"{LESSON}/")
    assert "A sentence typed with the keyboard alone." in page.content()


def test_an_admin_grants_a_retake_with_the_keyboard(page, course):
    learner = make_user("keys_lena")
    make_attempt(learner, module_test(), 9)
    make_user("keys_ada", is_staff=True, is_superuser=True)
    keyboard_log_in(page, "keys_ada")
    page.goto("/reports/")
    tab_to(page, "a", "keys_lena")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reports/learners/{learner.pk}/")
    tab_to(page, "#retakes input[type=radio]")
    page.keyboard.press("Space")
    tab_to(page, "#retakes textarea, #retakes input[type=text]")
    page.keyboard.type("Power cut during the test")
    tab_to(page, "#retakes button", "Record")
    page.keyboard.press("Enter")
    page.get_by_text("Power cut during the test").last.wait_for()
    assert RetakeGrant.objects.filter(user=learner, reason="Power cut during the test").exists()
