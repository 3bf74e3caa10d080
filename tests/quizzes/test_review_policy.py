"""The module test's review policy: the right option of a question missed is shown only once the
learner has passed (TEST_REVIEW_RIGHT_ANSWERS, default "after-passing")."""

import re

import pytest

from quizzes.items import choice_as_shown, draw_of
from quizzes.models import Attempt, Choice, Question
from quizzes.retakes import grant_retake
from quizzes.templatetags.quiz_format import inline_html
from tests.quizzes.helpers import (
    TEST_URL,
    answer_test,
    attempt_url,
    module_test,
    ordered_question_ids,
    right_choice,
    submit,
)
from tests.security.test_deploy_settings import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cooldown(settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0


def start(client) -> Attempt:
    client.post(TEST_URL + "start/")
    return Attempt.objects.filter(quiz__kind="test").latest("started_at")


def submitted(client, right: int | None) -> Attempt:
    """A submitted attempt with `right` questions right and the rest wrong; None: all blank."""
    attempt = start(client)
    if right is not None:
        answer_test(client, attempt, right)
    submit(client, attempt)
    attempt.refresh_from_db()
    return attempt


def sections(html: str) -> dict[str, str]:
    """Each question's part of the result page, by question key."""
    return dict(re.findall(r'<section id="q-([\w-]+)".*?>(.*?)</section>', html, re.S))


def as_shown(attempt: Attempt, choice: Choice) -> tuple[str, str]:
    """The option's text and feedback with the figures this attempt drew for it."""
    return choice_as_shown(attempt, choice, draw_of(attempt, choice.question_id))


def option_html(choice: Choice, attempt: Attempt) -> str:
    text, _ = as_shown(attempt, choice)
    return f'<span class="option-text">{inline_html(text)}</span>'


def right_option_shown(section: str, question: Question, attempt: Attempt) -> bool:
    right = right_choice(question)
    return option_html(right, attempt) in section or as_shown(attempt, right)[1] in section


def result_of(client, attempt: Attempt) -> str:
    response = client.get(attempt_url(attempt, "result/"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_blank_attempts_result_shows_no_right_option_of_any_question(client, learner, course):
    client.force_login(learner)
    attempt = submitted(client, right=None)
    html = result_of(client, attempt)
    parts = sections(html)
    assert len(parts) == 15
    for question in Question.objects.filter(pk__in=ordered_question_ids(attempt)):
        section = parts[question.key]
        assert not right_option_shown(section, question, attempt), question.key
        assert "Not answered" in section
        assert "The right answer is not shown here" in section
    assert "The right answer is " not in html.replace("The right answer is not", "")
    assert "Right answer" not in html
    assert "is shown once you have passed the test" in html  # the policy, said on the page


def test_a_failed_attempt_shows_right_and_wrong_and_the_feedback_on_the_chosen_option(
    client, learner, course
):
    client.force_login(learner)
    attempt = submitted(client, right=11)  # 11/15: not passed; the last four are wrong
    html = result_of(client, attempt)
    parts = sections(html)
    ids = ordered_question_ids(attempt)
    for number, question_id in enumerate(ids, start=1):
        question = Question.objects.get(pk=question_id)
        section = parts[question.key]
        answer = attempt.answers.get(question=question)
        assert (
            as_shown(attempt, answer.choice)[1] in section
        )  # why the chosen option is right or wrong
        if number <= 11:
            assert "✓ Right" in section and option_html(right_choice(question), attempt) in section
        else:
            assert "✗ Wrong" in section and "You picked" in section
            assert not right_option_shown(section, question, attempt), question.key
    assert html.count('<span class="badge bad">✗ Wrong</span>') == 4


def test_after_passing_every_result_shows_the_right_option_of_each_question_missed(
    client, learner, course
):
    client.force_login(learner)
    blank = submitted(client, right=None)
    passed = submitted(client, right=12)
    assert passed.passed
    for attempt, missed in ((passed, 3), (blank, 15)):
        html = result_of(client, attempt)
        assert html.count("The right answer is ") == missed
        parts = sections(html)
        for question in Question.objects.filter(pk__in=ordered_question_ids(attempt)):
            assert right_option_shown(parts[question.key], question, attempt), question.key


def test_an_admin_reset_of_the_passing_attempt_hides_the_right_options_again(
    client, learner, admin_user, course
):
    client.force_login(learner)
    submitted(client, right=15)
    grant_retake(learner, module_test(), "reset", "Took the test for someone else", admin_user)
    blank = submitted(client, right=None)
    html = result_of(client, blank)
    assert "The right answer is not shown here" in html
    assert "Right answer" not in html


def test_the_always_policy_shows_the_right_options_after_any_attempt(
    client, learner, course, settings
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    client.force_login(learner)
    html = result_of(client, submitted(client, right=None))
    assert html.count("The right answer is ") == 15
    assert (
        "and the right answer to every question you missed" in client.get(TEST_URL).content.decode()
    )


def test_the_never_policy_hides_the_right_options_even_after_passing(
    client, learner, course, settings
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "never"
    client.force_login(learner)
    attempt = submitted(client, right=12)
    assert attempt.passed
    html = result_of(client, attempt)
    assert "The right answer is not shown here" in html
    parts = sections(html)
    for number, question_id in enumerate(ordered_question_ids(attempt), start=1):
        question = Question.objects.get(pk=question_id)
        if number > 12:
            assert not right_option_shown(parts[question.key], question, attempt)


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ("after-passing", "is shown once you have passed the test"),
        ("always", "and the right answer to every question you missed"),
        ("never", "The right answer to a question you missed is not shown"),
    ],
)
def test_the_test_page_states_the_review_policy_in_plain_words(
    client, learner, course, settings, policy, words
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = policy
    client.force_login(learner)
    html = client.get(TEST_URL).content.decode()
    assert "You will see which answers were right and which were wrong" in html
    assert words in html
    review = client.get(attempt_url(start(client), "review/")).content.decode()
    assert words in review  # and again just before submitting


def test_a_bad_review_policy_setting_stops_start_up_naming_the_variable():
    result = run_manage("check", **{**PRODUCTION, "TEST_REVIEW_RIGHT_ANSWERS": "sometimes"})
    assert result.returncode != 0
    assert "TEST_REVIEW_RIGHT_ANSWERS must be after-passing, always or never" in result.stderr
