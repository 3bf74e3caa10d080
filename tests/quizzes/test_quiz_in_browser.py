"""A learner takes a lesson quiz in the real browser: feedback appears in place."""

import pytest

from quizzes.models import Answer, Attempt
from tests.conftest import PASSWORD, make_user
from tests.quizzes.helpers import (
    QUIZ_URL,
    lesson_quiz,
    questions_of,
    quiz_token,
    right_choice,
    wrong_choice,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_answers_a_lesson_quiz_and_sees_feedback_without_a_reload(
    page, artifacts_dir, course
):
    from playwright.sync_api import expect

    user = make_user("quiz_bea")
    page.goto("/accounts/login/")
    page.fill("#id_username", "quiz_bea")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")

    page.goto(QUIZ_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Token economics quiz")
    # A marker on the window survives htmx swaps but not a page load.
    page.evaluate("window.stillTheSamePage = true")
    questions = questions_of(lesson_quiz())
    picks = [right_choice(questions[0]), wrong_choice(questions[1]), right_choice(questions[2])]
    for question, choice in zip(questions, picks, strict=True):
        section = page.locator(f"#q-{question.key}")
        expect(section.locator(".feedback")).to_have_count(0)
        section.locator(f"input[name=choice][value='{quiz_token(user, choice)}']").check()
        section.get_by_role("button", name="Check answer").click()
        feedback = page.locator(f"#q-{question.key} .feedback")
        expect(feedback).to_be_visible()
        expect(feedback).to_be_focused()
        if choice.is_correct:
            expect(feedback).to_contain_text("✓ Right")
        else:
            expect(feedback).to_contain_text("Why it is tempting, and why it is wrong")
            expect(feedback).to_contain_text("The right answer is")
        if question is questions[0]:
            page.screenshot(path=artifacts_dir / "quiz-first-feedback.png", full_page=True)

    summary = page.locator("#quiz-summary")
    expect(summary).to_contain_text("You scored 2 out of 3")
    expect(summary.get_by_role("button", name="Take the quiz again")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    page.screenshot(path=artifacts_dir / "quiz-complete.png", full_page=True)

    attempt = Attempt.objects.get(user=user)
    assert (attempt.score, attempt.total) == (2, 3) and attempt.submitted_at is not None
    assert Answer.objects.filter(attempt=attempt).count() == 3

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=artifacts_dir / "quiz-complete-mobile.png", full_page=True)
