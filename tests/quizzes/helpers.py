"""Small builders shared by the quiz tests (the personas and `course` live in tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from quizzes.pools import in_slot_order
from quizzes.tokens import option_token, quiz_scope, test_scope

MODULE = "cost-optimization"
LESSON = "token-economics"
QUIZ_URL = f"/modules/{MODULE}/lessons/{LESSON}/quiz/"
TEST_URL = f"/modules/{MODULE}/test/"
HTMX = {"HX-Request": "true"}


def lesson_quiz(slug: str = LESSON) -> Quiz:
    return Quiz.objects.get(lesson__slug=slug)


def module_test() -> Quiz:
    return Quiz.objects.get(kind=Quiz.Kind.TEST, module__slug=MODULE)


def questions_of(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.filter(is_active=True).order_by("order"))


def one_per_slot(quiz: Quiz) -> list[Question]:
    """A test form: the first active item (in file order) of each slot, in slot order."""
    form: dict[int | None, Question] = {}
    for question in quiz.questions.filter(is_active=True).order_by("slot", "order"):
        form.setdefault(question.slot, question)
    return list(form.values())


def right_choice(question: Question) -> Choice:
    return question.choices.get(is_correct=True)


def wrong_choice(question: Question) -> Choice:
    return question.choices.filter(is_correct=False).order_by("order").first()


def attempt_token(attempt: Attempt, choice: Choice) -> str:
    """What the test page's radio button for `choice` sends in this attempt."""
    return option_token(test_scope(attempt), choice.question_id, choice.pk)


def quiz_token(user: User, choice: Choice) -> str:
    """What the lesson quiz page's radio button for `choice` sends for this learner."""
    return option_token(quiz_scope(user.pk, choice.question.quiz), choice.question_id, choice.pk)


def attempt_url(attempt: Attempt, tail: str = "") -> str:
    return f"{TEST_URL}attempts/{attempt.pk}/{tail}"


def ordered_question_ids(attempt: Attempt) -> list[int]:
    ids = [int(key) for key in attempt.choice_order]
    return list(in_slot_order(ids).values_list("pk", flat=True))


def answer_test(client: object, attempt: Attempt, right: int) -> None:
    """Answer every question of a test attempt through the view: the first `right` correctly."""
    for number, question_id in enumerate(ordered_question_ids(attempt), start=1):
        question = Question.objects.get(pk=question_id)
        choice = right_choice(question) if number <= right else wrong_choice(question)
        response = client.post(
            attempt_url(attempt, "answer/"),
            {"question": question_id, "choice": attempt_token(attempt, choice)},
        )
        assert response.status_code == 302, response.content[:300]


def make_attempt(
    user: User,
    quiz: Quiz,
    right: int,
    *,
    when: datetime | None = None,
    questions: list[Question] | None = None,
    submitted: bool = True,
) -> Attempt:
    """A graded attempt written straight to the database (for reports), answers included."""
    if questions is None:
        questions = one_per_slot(quiz) if quiz.kind == Quiz.Kind.TEST else questions_of(quiz)
    when = when or timezone.now() - timedelta(hours=1)
    total = len(questions)
    attempt = Attempt.objects.create(user=user, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=when,
        submitted_at=when + timedelta(minutes=5) if submitted else None,
        score=right if submitted else None,
        total=total,
        passed=(right * 100 >= quiz.pass_mark * total) if submitted else None,
        choice_order={str(q.pk): [c.pk for c in q.choices.all()] for q in questions}
        if quiz.kind == Quiz.Kind.TEST
        else {},
    )
    answers = []
    for i, question in enumerate(questions):
        choices = list(question.choices.all())
        choice = next(c for c in choices if c.is_correct == (i < right))
        answers.append(
            Answer(attempt=attempt, question=question, choice=choice, is_correct=i < right)
        )
    Answer.objects.bulk_create(answers)
    attempt.refresh_from_db()
    return attempt


def submit(client: object, attempt: Attempt, **kwargs: object) -> object:
    """Submit a test attempt through the view, confirming any questions left blank (the review
    page's confirmation sends their numbers)."""
    numbers = ",".join(str(n) for n in range(1, len(attempt.choice_order) + 1))
    return client.post(attempt_url(attempt, "submit/"), {"unanswered": numbers}, **kwargs)
