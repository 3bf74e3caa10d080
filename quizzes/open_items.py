"""The module-test items a learner's labs must know about, as the labs' matcher reads them.

An item of the attempt in progress is never worked out by a lab; one missed in a submitted
attempt is, once the review policy shows its right answer (quizzes/review.py), and until then
it is declined like an open one. Only the learner's own attempts count, and only the items they
drew. The text is the rendered stem and options: what the learner sees, drawn figures included.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from labs.tutor.open_test import MISSED, OPEN, WITHHELD
from quizzes.items import choice_as_shown, draws_for, stem_as_shown
from quizzes.models import Answer, Attempt, Question, Quiz
from quizzes.review import review_shows_right_answers


@dataclass(frozen=True)
class LabItem:
    stem: str  # rendered HTML, as the learner saw it
    options: tuple[str, ...]
    state: str  # open | withheld | missed (labs/tutor/open_test.py)
    number: int  # its number in the attempt it comes from
    lesson_title: str
    lesson_url: str
    result_url: str  # the attempt's question page (open) or its result (submitted)


def _numbered(ids: list[int], questions: dict[int, Question]) -> dict[int, int]:
    """Each question's number in its attempt: the test's order, by slot then file order."""
    present = [questions[pk] for pk in ids if pk in questions]
    ordered = sorted(present, key=lambda q: (q.slot is None, q.slot or 0, q.order, q.pk))
    return {q.pk: n for n, q in enumerate(ordered, start=1)}


def lab_items(user: AbstractBaseUser | None) -> list[LabItem]:
    """The items of `user`'s open test attempts, and those missed in submitted ones, as each
    attempt showed them. One query for a learner who never started the test, four otherwise
    (and two more for an attempt that has to draw a scenario item on first use)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    attempts = list(
        Attempt.objects.filter(user=user, quiz__kind=Quiz.Kind.TEST, voided=False)
        .select_related("quiz__module")
        .order_by("-started_at", "-pk")
    )
    if not attempts:
        return []
    ids = {int(key) for attempt in attempts for key in attempt.choice_order}
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=ids)
        .select_related("lesson__module")
        .prefetch_related("choices")
    }
    right = set(
        Answer.objects.filter(attempt__in=attempts, is_correct=True).values_list(
            "attempt_id", "question_id"
        )
    )
    passed = {a.quiz_id for a in attempts if a.submitted_at and a.passed}
    items: dict[int, LabItem] = {}
    answered_right = {q for a in attempts if a.submitted_at for (at, q) in right if at == a.pk}
    # Newest first: an open attempt's items come before what older attempts missed.
    for attempt in attempts:
        order = [int(key) for key in attempt.choice_order]
        numbers = _numbered(order, questions)
        # The matcher must see the figures the learner saw: a paraphrase of a scenario item
        # carries its drawn numbers, not the template's placeholders.
        draws = draws_for(attempt, [questions[pk] for pk in order if pk in questions])
        module = attempt.quiz.module.slug
        if attempt.submitted_at is None:
            state = OPEN
            url = reverse("quizzes:attempt", args=[module, attempt.pk])
        else:
            shown = review_shows_right_answers(attempt.quiz_id in passed)
            state = MISSED if shown else WITHHELD
            url = reverse("quizzes:result", args=[module, attempt.pk])
        for pk in order:
            question = questions.get(pk)
            if question is None or pk in items:
                continue
            if state != OPEN and pk in answered_right:
                continue  # the learner has answered it right: nothing to hold back
            lesson = question.lesson
            drawn = draws.get(pk)
            items[pk] = LabItem(
                stem=stem_as_shown(attempt, question, drawn),
                options=tuple(
                    choice_as_shown(attempt, c, drawn)[0] for c in question.choices.all()
                ),
                state=state,
                number=numbers[pk],
                lesson_title=f"Lesson {lesson.order}: {lesson.title}" if lesson else "",
                lesson_url=lesson.get_absolute_url() if lesson else "",
                result_url=url,
            )
    return list(items.values())
