"""Whole journeys through the real browser, with screenshots of the key pages.

1. A new learner signs up, reads lesson 1, answers its quiz, asks the cost estimator, reads the
   other lessons, passes the module test with 12/15 and sees the module complete.
2. A learner fails with 11/15, waits out the (shortened) cooldown and retakes.
3. An instructor edits and publishes a lesson; an admin opens the reports and downloads the CSV.
"""

import time

import pytest

from accounts.roles import make_instructor
from quizzes.models import Attempt, Choice, Quiz
from tests.conftest import PASSWORD, make_user
from tests.quizzes.helpers import attempt_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "/modules/cost-optimization"
LESSONS = ["token-economics", "prompt-caching", "model-selection", "production-controls"]


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def take_test(page, right: int, shots, name: str) -> None:
    """Start the test and answer `right` of the 15 questions correctly, then submit."""
    page.goto(f"{MODULE}/test/")
    page.click("button:has-text('the test')")
    page.wait_for_url("**/attempts/**")
    attempt = Attempt.objects.filter(quiz__kind="test", submitted_at=None).latest("started_at")
    # The radios carry the attempt's option tokens; the test knows which are right.
    correct = {attempt_token(attempt, c) for c in Choice.objects.filter(
        question__quiz__kind="test", is_correct=True)}  # fmt: skip
    for number in range(1, 16):
        page.locator("#tq-title", has_text=f"Question {number} ").wait_for()
        radios = page.locator("input[name=choice]")
        values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
        good = [v for v in values if v in correct]
        bad = [v for v in values if v not in correct]
        pick = good[0] if number <= right else bad[0]
        page.check(f"input[name=choice][value='{pick}']")
        page.click("#test-question button[type=submit]")
    page.wait_for_url("**/review/")
    shots(f"{name}-review")
    page.click("button:has-text('Submit the test')")
    page.wait_for_url("**/result/")
    shots(f"{name}-result")


@pytest.fixture
def shots(page, artifacts_dir):
    def take(name: str) -> None:
        page.screenshot(path=artifacts_dir / f"journey-{name}.png", full_page=True)

    return take


def test_a_new_learner_completes_the_module(page, course, shots):
    page.goto("/accounts/signup/")
    page.fill("#id_username", "journey_jo")
    page.fill("#id_email", "jo@example.com")
    page.fill("#id_password1", "journey-pass-2026!")
    page.fill("#id_password2", "journey-pass-2026!")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    shots("1-dashboard-new")

    page.goto(f"{MODULE}/lessons/token-economics/")
    shots("1-lesson")
    page.click("button:has-text('Mark this lesson as read')")
    page.get_by_text("You have marked this lesson as read").wait_for()

    page.goto(f"{MODULE}/lessons/token-economics/quiz/")
    first = page.locator(".quiz-question").first
    first.locator("input[name=choice]").first.check()
    first.locator("button:has-text('Check answer')").click()
    page.locator(".feedback-verdict").first.wait_for()
    shots("1-quiz-feedback")

    page.goto(f"{MODULE}/lessons/token-economics/lab/")
    page.click("text=Put it in the message box")
    page.click("#lab-form button[type=submit]")
    reply = page.locator(".bubble.assistant.status-done").last
    reply.wait_for()
    assert reply.locator(".calc-card").count() >= 1
    shots("1-lab-answer")

    for slug in LESSONS[1:]:
        page.goto(f"{MODULE}/lessons/{slug}/")
        page.click("button:has-text('Mark this lesson as read')")
        page.get_by_text("You have marked this lesson as read").wait_for()

    take_test(page, 12, shots, "1-test")
    assert "✓ Passed" in page.content()
    assert "12/15" in page.content()

    page.goto("/")
    assert "Module 7 is complete" in page.content()
    shots("1-dashboard-complete")
    attempt = Attempt.objects.get(user__username="journey_jo", quiz__kind=Quiz.Kind.TEST)
    assert (attempt.score, attempt.passed) == (12, True)


def test_a_learner_fails_waits_out_the_cooldown_and_retakes(page, course, shots, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 3
    make_user("retry_rae")
    log_in(page, "retry_rae")
    take_test(page, 11, shots, "2-fail")
    assert "Not passed" in page.content() and "11/15" in page.content()
    page.goto(f"{MODULE}/test/")
    assert page.locator("button:has-text('Retake the test')").is_disabled()
    shots("2-cooldown")
    time.sleep(3.2)
    take_test(page, 13, shots, "2-retake")
    assert "✓ Passed" in page.content()
    scores = sorted(
        Attempt.objects.filter(user__username="retry_rae").values_list("score", flat=True)
    )
    assert scores == [11, 13]


def test_an_instructor_publishes_and_an_admin_exports_scores(
    page, browser, live_server, course, shots, artifacts_dir
):
    teacher = make_user("teach_tess")
    make_instructor(teacher)
    log_in(page, "teach_tess")
    page.click("nav >> text=Author")
    shots("3-author-dashboard")
    page.click("text=L1 Token economics")
    body = page.locator("#id_body_markdown")
    body.fill(body.input_value() + "\n\nA sentence added by the journey test.\n")
    page.locator("#preview").get_by_text("A sentence added by the journey test.").wait_for()
    shots("3-author-preview")
    page.click("button:has-text('Save and publish')")
    page.click("button:has-text('Publish now')")  # the confirmation step
    page.get_by_text("Published version").wait_for()
    page.goto(f"{MODULE}/lessons/token-economics/")
    assert "A sentence added by the journey test." in page.content()

    make_user("admin_ada", is_staff=True, is_superuser=True)
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    admin = context.new_page()
    log_in(admin, "admin_ada")
    admin.click("nav >> text=Reports")
    admin.screenshot(path=artifacts_dir / "journey-3-reports.png", full_page=True)
    with admin.expect_download() as download:
        admin.locator("a[href*='attempts.csv']").first.click()
    with open(download.value.path(), encoding="utf-8") as csv_file:
        header = csv_file.readline().lower()
    assert "username" in header or "learner" in header
    context.close()
