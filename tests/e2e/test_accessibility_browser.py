"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) over every page a learner, an instructor and
an admin sees, at a phone's and a desktop's width, in the states that matter: a quiz after an
answer, a test question, the review, the result, a lab with a long reply and its cards, the
authoring editor with a preview, the reports (issue 19). A serious or critical violation fails
the test and is listed with the elements it was found on.

axe reads only what a machine can see; the keyboard journeys and live regions have their own
tests (test_keyboard_browser.py, test_live_regions_browser.py).
"""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.roles import make_instructor
from courses.models import Lesson
from quizzes.models import Attempt, Quiz
from tests.conftest import PASSWORD, make_user
from tests.e2e.test_lab_widths_browser import LONG_PROMPT
from tests.quizzes.helpers import make_attempt, module_test

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "/modules/cost-optimization"
LESSON = f"{MODULE}/lessons/token-economics"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def serious_violations(page) -> list[str]:
    """What axe finds that is serious or critical, one readable line per rule and element."""
    page.evaluate(AXE.axe_script)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:6]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:200]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    ... and {len(violation['nodes']) - 6} more elements")
    return lines


# Each state: log in as its role (or stay anonymous) and bring the page to that state.


def anonymous(path: str) -> Callable:
    def reach(page) -> None:
        page.goto(path)

    return reach


def as_learner(path: str) -> Callable:
    def reach(page) -> None:
        make_user("lena")
        log_in(page, "lena")
        page.goto(path)

    return reach


def signup_with_errors(page) -> None:
    page.goto("/accounts/signup/")
    page.fill("#id_username", "x")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "other")
    page.click("button[type=submit]")
    page.locator(".error").first.wait_for()


def quiz_after_an_answer(page) -> None:
    as_learner(f"{LESSON}/quiz/")(page)
    first = page.locator(".quiz-question").first
    first.locator("input[name=choice]").nth(1).check()
    first.locator("button:has-text('Check answer')").click()
    page.locator(".feedback").first.wait_for()


def start_test(page) -> None:
    as_learner(f"{MODULE}/test/")(page)
    page.click("button:has-text('the test')")
    page.wait_for_url("**/attempts/**")
    page.locator("#tq-title").wait_for()


def question_with_an_error(page) -> None:
    start_test(page)
    page.evaluate(
        "document.querySelectorAll('input[name=choice]').forEach(r => r.required = false)"
    )
    page.click("#test-question button[type=submit]")
    page.locator("#tq-error").wait_for()


def review(page) -> None:
    start_test(page)
    page.locator("input[name=choice]").first.check()
    page.click("#test-question button[type=submit]")
    page.locator("#tq-title", has_text="Question 2 ").wait_for()
    page.click("text=Review and submit")
    page.wait_for_url("**/review/")


def result(page) -> None:
    user = make_user("lena")
    attempt = make_attempt(user, module_test(), 11)
    log_in(page, "lena")
    page.goto(f"{MODULE}/test/attempts/{attempt.pk}/result/")


def module_test_after_an_attempt(page) -> None:
    make_attempt(make_user("lena"), module_test(), 13)
    log_in(page, "lena")
    page.goto(f"{MODULE}/test/")


def lab_with_a_long_reply(lesson: str, text: str) -> Callable:
    def reach(page) -> None:
        as_learner(f"{MODULE}/lessons/{lesson}/lab/")(page)
        page.fill("#lab-text", text)
        page.click("#lab-form button[type=submit]")
        page.locator(".bubble.assistant.status-done").last.wait_for()

    return reach


def lab_with_an_error(page) -> None:
    as_learner(f"{LESSON}/lab/")(page)
    page.evaluate("document.getElementById('lab-text').removeAttribute('maxlength')")
    page.fill("#lab-text", "x" * 4100)
    page.click("#lab-form button[type=submit]")
    page.locator("#lab-error").wait_for()


def as_instructor(path: str | Callable) -> Callable:
    def reach(page) -> None:
        make_instructor(make_user("ines"))
        log_in(page, "ines")
        page.goto(path() if callable(path) else path)

    return reach


def lesson_pk() -> int:
    return Lesson.objects.get(slug="token-economics").pk


def quiz_pk() -> int:
    return Quiz.objects.get(lesson__slug="token-economics").pk


def lesson_editor_with_a_preview(page) -> None:
    as_instructor(lambda: f"/author/lessons/{lesson_pk()}/")(page)
    body = page.locator("#id_body_markdown")
    body.fill(body.input_value() + "\n\nA sentence the accessibility check added.\n")
    page.locator("#preview").get_by_text("A sentence the accessibility check added.").wait_for()


def lab_editor_after_a_try(page) -> None:
    as_instructor(lambda: "/author/labs/cost-estimator/")(page)
    page.fill("#try-message", "What does Sonnet 5.5 cost at 10,000 requests a day?")
    page.click("button:has-text('Ask the lab')")
    page.locator("#tried .bubble.assistant").first.wait_for()


def question_editor(page) -> None:
    as_instructor(lambda: f"/author/quizzes/{quiz_pk()}/")(page)
    page.locator(".author-question a:has-text('Edit')").first.click()
    page.wait_for_url("**/questions/**")


def history(page) -> None:
    as_instructor(lambda: f"/author/history/lesson/{lesson_pk()}/")(page)


def as_admin(path: str | Callable) -> Callable:
    def reach(page) -> None:
        lena = make_user("lena")
        make_attempt(lena, module_test(), 10)
        make_attempt(lena, Quiz.objects.get(lesson__slug="token-economics"), 2)
        make_user("ada", is_staff=True, is_superuser=True)
        log_in(page, "ada")
        page.goto(path() if callable(path) else path)

    return reach


def learner_report() -> str:
    return f"/reports/learners/{Attempt.objects.filter(user__username='lena').first().user_id}/"


STATES: dict[str, Callable] = {
    "signup": anonymous("/accounts/signup/"),
    "signup-with-errors": signup_with_errors,
    "login": anonymous("/accounts/login/"),
    "password-reset": anonymous("/accounts/password/reset/"),
    "not-found": anonymous("/modules/no-such-module/"),
    "dashboard": as_learner("/"),
    "module": as_learner(f"{MODULE}/"),
    "lesson": as_learner(f"{LESSON}/"),
    "quiz": as_learner(f"{LESSON}/quiz/"),
    "quiz-after-an-answer": quiz_after_an_answer,
    "test": as_learner(f"{MODULE}/test/"),
    "test-after-an-attempt": module_test_after_an_attempt,
    "test-question": start_test,
    "test-question-with-an-error": question_with_an_error,
    "test-review": review,
    "test-result": result,
    "lab": as_learner(f"{LESSON}/lab/"),
    "lab-long-reply-estimator": lab_with_a_long_reply(
        "token-economics",
        "sonnet 5.5, 25k calls/day, ~1,200 in / 300 out. daily + monthly cost, "
        "and compare haiku 5.5 and opus 5.5?",
    ),
    "lab-long-reply-caching": lab_with_a_long_reply(
        "prompt-caching", "haiku 5.5, 4k-token system prompt, 200k requests a day, 5m vs 1h ttl?"
    ),
    "lab-long-reply-auditor": lab_with_a_long_reply("model-selection", LONG_PROMPT),
    "lab-with-an-error": lab_with_an_error,
    "password-change": as_learner("/accounts/password/"),
    "author-dashboard": as_instructor("/author/"),
    "author-lesson-editor-preview": lesson_editor_with_a_preview,
    "author-lesson-as-learner": as_instructor(lambda: f"/author/lessons/{lesson_pk()}/as-learner/"),
    "author-quiz-editor": as_instructor(lambda: f"/author/quizzes/{quiz_pk()}/"),
    "author-question-editor": question_editor,
    "author-quiz-as-learner": as_instructor(lambda: f"/author/quizzes/{quiz_pk()}/as-learner/"),
    "author-lab-editor-tried": lab_editor_after_a_try,
    "author-prices": as_instructor("/author/prices/"),
    "author-history": history,
    "question-stats": as_instructor("/reports/questions/"),
    "lab-evaluations": as_instructor("/labs/evaluations/"),
    "reports": as_admin("/reports/"),
    "reports-attempts": as_admin("/reports/attempts/"),
    "reports-learner": as_admin(learner_report),
    "lab-spend": as_admin("/labs/spend/"),
}


@pytest.mark.parametrize(
    ("width", "scheme"),
    [(390, "light"), (1280, "light"), (1280, "dark")],
    ids=["390px", "1280px", "1280px-dark"],
)
@pytest.mark.parametrize("state", list(STATES))
def test_axe_finds_no_serious_violation(page, course, state, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    STATES[state](page)
    violations = serious_violations(page)
    assert not violations, f"{state} at {width} px ({scheme}):\n" + "\n".join(violations)
