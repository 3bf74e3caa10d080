"""Grading: checking a learner's answer and scoring an attempt, on the server only.

The browser sends a question id and an opaque option token (quizzes/tokens.py), never a choice
id, whose order would rank the options. Whether a choice is right is decided here, stored on the
Answer, and shown to the learner after they answer; nothing about correctness is sent before.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from config import params
from quizzes.items import lesson_draw, lesson_round
from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from quizzes.tokens import choice_for_token, quiz_scope, test_scope


class AnswerRefused(Exception):
    """Bad input a learner can cause (as opposed to a bug): shown to them, nothing stored.

    `question` is set when the input named a valid question, so the view can re-render it.
    """

    def __init__(self, message: str, question: Question | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.question = question


def parse_id(raw: object, missing: str) -> int:
    """A positive integer id from form input, or AnswerRefused with a message for a learner."""
    if raw is None or str(raw).strip() == "":
        raise AnswerRefused(missing)
    try:
        return params.parse_id(raw, "answer")
    except params.BadParameter:
        raise AnswerRefused(
            "That answer was not understood: an option must be sent as a number."
        ) from None


def passes(score: int, total: int, pass_mark: int) -> bool:
    """Integer comparison, so 12/15 (exactly 80%) passes and 11/15 (73.3%) does not."""
    return total > 0 and score * 100 >= pass_mark * total


def question_ids_of(attempt: Attempt) -> list[int]:
    """The questions an attempt is made of.

    A module test fixes its questions (and option order) when it starts, in `choice_order`; a
    lesson quiz is made of the quiz's active questions.
    """
    if attempt.choice_order:
        return [int(key) for key in attempt.choice_order]
    return list(
        Question.objects.filter(quiz_id=attempt.quiz_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


OPTION_NOT_SHOWN = (
    "That option is not one of this question's options as they were shown to you. "
    "Reload the page and pick again."
)


def check_choice(
    quiz: Quiz,
    question_raw: object,
    token_raw: object,
    scope: str,
    choice_order: dict | None = None,
) -> tuple[Question, Choice]:
    """Validate a (question, option token) pair against a quiz. Reads only; raises AnswerRefused.

    The option arrives as a token of `scope` (quizzes/tokens.py), never as a database id. With
    `choice_order` (a module-test attempt's snapshot) the question and the option must be ones
    that attempt showed; otherwise the question must be one of the quiz's active ones.
    """
    question_id = parse_id(question_raw, "The answer did not say which question it is for.")
    questions = Question.objects.filter(pk=question_id, quiz=quiz)
    if choice_order is None:
        questions = questions.filter(is_active=True)
    elif str(question_id) not in choice_order:
        questions = questions.none()
    question = questions.prefetch_related("choices").first()
    if question is None:
        raise AnswerRefused("That question is not part of this quiz.")
    # From here on the refusal names its question, so the form can be shown again.
    if token_raw is None or str(token_raw).strip() == "":
        raise AnswerRefused("Pick one of the options first.", question)
    shown = choice_order[str(question_id)] if choice_order is not None else None
    candidates = [c for c in question.choices.all() if shown is None or c.pk in shown]
    choice = choice_for_token(scope, candidates, token_raw)
    if choice is None:
        raise AnswerRefused(OPTION_NOT_SHOWN, question)
    return question, choice


def lock_user(user: AbstractBaseUser) -> None:
    """Serialize one learner's attempt creation (two tabs, double clicks).

    PostgreSQL takes a row lock; on SQLite the IMMEDIATE transaction mode already holds the
    database write lock for the whole transaction.
    """
    list(
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True)
    )


def current_lesson_attempt(user: AbstractBaseUser, quiz: Quiz) -> Attempt | None:
    """The attempt the quiz page shows: the learner's latest one that still counts."""
    return (
        Attempt.objects.filter(user=user, quiz=quiz, voided=False)
        .order_by("-started_at", "-pk")
        .first()
    )


def record_lesson_answer(
    user: AbstractBaseUser, quiz: Quiz, question_raw: object, choice_raw: object
) -> tuple[Attempt, Answer]:
    """Grade one lesson-quiz answer and store it; close the attempt once all are answered.

    The first answer starts an attempt. A question is answered once per attempt (the feedback
    has been shown); taking the quiz again starts a fresh attempt.
    """
    question, choice = check_choice(quiz, question_raw, choice_raw, quiz_scope(user.pk, quiz))
    with transaction.atomic():
        lock_user(user)
        attempt = current_lesson_attempt(user, quiz)
        if attempt is not None and attempt.submitted_at is not None:
            raise AnswerRefused(
                "You have finished this attempt. Take the quiz again to answer afresh.", question
            )
        if attempt is None:
            attempt = Attempt.objects.create(user=user, quiz=quiz)
        elif Answer.objects.filter(attempt=attempt, question=question).exists():
            raise AnswerRefused(
                "You have already answered this question in this attempt. Take the quiz again "
                "to answer it afresh.",
                question,
            )
        # A scenario item: keep the numbers the learner was shown with the answer, so the
        # feedback they read later is the one for those numbers.
        drawn = lesson_draw(user.pk, question, lesson_round(user.pk, quiz))
        answer = Answer.objects.create(
            attempt=attempt, question=question, choice=choice, is_correct=choice.is_correct,
            drawn=drawn.as_data() if drawn else {},
        )  # fmt: skip
        needed = set(question_ids_of(attempt))
        answered = set(
            Answer.objects.filter(attempt=attempt, question_id__in=needed).values_list(
                "question_id", flat=True
            )
        )
        if needed <= answered:
            finish_attempt(attempt)
    attempt.refresh_from_db()
    return attempt, answer


def record_test_answer(attempt: Attempt, question_raw: object, choice_raw: object) -> Answer:
    """Store (or change) a module-test answer. A submitted or reset attempt is refused."""
    question, choice = check_choice(
        attempt.quiz, question_raw, choice_raw, test_scope(attempt), attempt.choice_order
    )
    with transaction.atomic():
        # Lock the attempt row: an answer racing a submit either lands before the submit claims
        # the attempt, or sees it submitted and is refused. It never slips in after scoring.
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.voided:
            raise AnswerRefused("This attempt was reset by an administrator.", question)
        if locked.submitted_at is not None:
            raise AnswerRefused(
                "This attempt has been submitted; its answers can no longer change.", question
            )
        answer, _ = Answer.objects.update_or_create(
            attempt=locked,
            question=question,
            defaults={"choice": choice, "is_correct": choice.is_correct},
        )
    return answer


def finish_attempt(attempt: Attempt) -> bool:
    """Score and close an attempt exactly once. Returns False when it was already closed.

    The conditional UPDATE is the claim: of two submits racing (double click, two tabs, a
    replayed request), one matches `submitted_at IS NULL` and scores; the other updates no row
    and records nothing. The score is counted after the claim, inside the same transaction, so
    it includes every answer that was stored before the attempt closed.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Attempt.objects.filter(
            pk=attempt.pk, submitted_at__isnull=True, voided=False
        ).update(submitted_at=now)
        if not claimed:
            return False
        question_ids = question_ids_of(attempt)
        total = len(question_ids)
        score = Answer.objects.filter(
            attempt_id=attempt.pk, question_id__in=question_ids, is_correct=True
        ).count()
        pass_mark = Quiz.objects.values_list("pass_mark", flat=True).get(pk=attempt.quiz_id)
        Attempt.objects.filter(pk=attempt.pk).update(
            score=score, total=total, passed=passes(score, total, pass_mark)
        )
    attempt.refresh_from_db()
    return True
