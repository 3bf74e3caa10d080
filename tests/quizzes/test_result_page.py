"""The test result says what its review shows this learner now, under the review policy, and
when and how they may retake."""

from datetime import UTC, timedelta

import pytest

from quizzes.models import Attempt
from quizzes.retakes import grant_retake
from tests.quizzes.helpers import TEST_URL, answer_test, attempt_url, module_test, submit

pytestmark = pytest.mark.django_db


def result_after(client, right: int) -> str:
    client.post(TEST_URL + "start/")
    attempt = Attempt.objects.filter(quiz__kind="test").latest("started_at")
    answer_test(client, attempt, right)
    submit(client, attempt)
    return client.get(attempt_url(attempt, "result/")).content.decode()


def next_section(html: str) -> str:
    return html.split('class="card result-next"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("policy", "right", "says"),
    [
        ("after-passing", 5, "does not show the right answers yet"),
        ("after-passing", 13, "now that you have passed the test"),
        ("always", 5, "shows the right answer to every question you missed, and why."),
        (
            "never",
            13,
            "does not show the right answers to the questions you missed, now or after passing",
        ),
    ],
)
def test_the_result_says_what_its_review_shows_this_learner_now(
    client, learner, course, settings, policy, right, says
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = policy
    client.force_login(learner)
    assert says in next_section(result_after(client, right))


def test_the_result_says_when_a_retake_opens_and_why(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 3600
    client.force_login(learner)
    section = next_section(result_after(client, 5))
    attempt = Attempt.objects.get()
    opens = (attempt.submitted_at + timedelta(hours=1)).astimezone(UTC)
    assert "You can retake the test in 60 minutes" in section
    assert f"(from {opens:%H:%M} UTC): there is a 60 minutes wait after each attempt" in section
    assert "A retake draws questions you have not seen" in section


def test_the_result_says_a_retake_is_open_now_without_a_cooldown_or_with_a_grant(
    client, learner, admin_user, course, settings
):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    assert "You can retake the test now, from the" in next_section(result_after(client, 13))

    settings.TEST_RETAKE_COOLDOWN_SECONDS = 3600
    attempt = Attempt.objects.get()
    grant_retake(learner, module_test(), "grant", "network failed", admin_user)
    html = client.get(attempt_url(attempt, "result/")).content.decode()
    section = next_section(html)
    assert "with the extra attempt an administrator granted you" in section
    assert "a retake is optional and your best score still counts" in section
