import pytest

from quizzes.grading import AnswerRefused, parse_id, passes, record_lesson_answer
from quizzes.models import Answer, Attempt
from quizzes.retakes import describe_wait, start_test_attempt
from tests.quizzes.helpers import lesson_quiz, module_test, questions_of, quiz_token, right_choice


@pytest.mark.parametrize(
    ("score", "total", "expected"),
    [(12, 15, True), (11, 15, False), (15, 15, True), (0, 15, False), (3, 3, True),
     (2, 3, False), (0, 0, False)],
)  # fmt: skip
def test_the_pass_mark_is_compared_in_whole_numbers(score, total, expected):
    assert passes(score, total, 80) is expected


@pytest.mark.parametrize("raw", ["", None, "  ", "abc", "1.5", "-3", "١٢", "9" * 30, "0x10"])
def test_ids_that_are_not_plain_numbers_are_refused(raw):
    with pytest.raises(AnswerRefused):
        parse_id(raw, "missing")


def test_plain_numbers_are_ids():
    assert parse_id(" 42 ", "missing") == 42


def test_describing_a_wait_never_promises_too_early():
    assert describe_wait(0) == "now"
    assert describe_wait(1) == "in 1 second"
    assert describe_wait(61) == "in 2 minutes"
    assert describe_wait(600) == "in 10 minutes"


@pytest.mark.django_db
def test_a_refused_answer_starts_no_attempt(learner, course):
    question = questions_of(lesson_quiz())[0]
    with pytest.raises(AnswerRefused):
        record_lesson_answer(learner, lesson_quiz(), question.pk, "")
    assert not Attempt.objects.exists()
    attempt, answer = record_lesson_answer(
        learner, lesson_quiz(), question.pk, quiz_token(learner, right_choice(question))
    )
    assert answer.is_correct and attempt.submitted_at is None
    assert Answer.objects.count() == 1


@pytest.mark.django_db
def test_starting_the_test_twice_resumes_one_attempt(learner, course):
    first, created = start_test_attempt(learner, module_test())
    again, created_again = start_test_attempt(learner, module_test())
    assert created and not created_again and first.pk == again.pk
    assert first.total == 15
