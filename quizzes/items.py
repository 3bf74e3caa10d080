"""Scenario items in the app: drawing them for an attempt, and reading the draw back.

quizzes/scenarios.py draws and computes; this module decides when (a test attempt draws once,
at its start; a lesson quiz draws per learner and per round) and where the draw is kept
(Attempt.draws, Answer.drawn), and gives other apps the stems an open attempt shows.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.crypto import salted_hmac

from authoring.pricing import current_price_table
from quizzes.models import Attempt, Choice, Question, Quiz
from quizzes.pools import in_slot_order
from quizzes.scenarios import Draw, ScenarioError, draw, fill_html

_SEED_SALT = "quizzes.items.lesson-draw"

logger = logging.getLogger(__name__)


LIVING = 'class="living-number"'


def draw_for_test(question_ids: Iterable[int]) -> dict[str, dict]:
    """What an attempt keeps so its pages never change with the price table, by question id:
    a scenario item's fresh draw (Draw.as_data()), and a fixed item's texts as rendered now
    when they hold living numbers ({"frozen": ...}), since a price publish re-renders those.

    An item whose template cannot be drawn is a bug in content that sync and the editor
    refuse; it raises rather than show a question without numbers."""
    table = current_price_table()
    rng = random.SystemRandom()
    kept: dict[str, dict] = {}
    for q in Question.objects.filter(pk__in=list(question_ids)).prefetch_related("choices"):
        if q.scenario:
            kept[str(q.pk)] = draw(q, table, rng).as_data()
            continue
        choices = list(q.choices.all())
        texts = [q.stem_html] + [c.text_html + c.feedback_html for c in choices]
        if any(LIVING in text for text in texts):
            kept[str(q.pk)] = {"frozen": frozen_texts(q, choices)}
    return kept


def frozen_texts(question: Question, choices: list) -> dict:
    return {
        "stem_html": question.stem_html,
        "options": {str(c.pk): [c.text_html, c.feedback_html] for c in choices},
    }


def lesson_round(user_id: int, quiz: Quiz) -> int:
    """Which round of a lesson quiz the learner is on: their finished attempts so far. A retake
    is a new round, so it draws new numbers; reloading a page in the same round does not. The
    quiz page counts the same attempts for its summary (finished, not reset) and reuses that."""
    return Attempt.objects.filter(
        user_id=user_id, quiz=quiz, submitted_at__isnull=False, voided=False
    ).count()


def lesson_draw(user_id: int, question: Question, round_number: int) -> Draw | None:
    """A lesson-quiz scenario item's draw for this learner and round (None for a fixed item).

    The lesson quiz page is shown before any attempt exists, so its draw cannot be stored when
    it is shown: it is seeded by (learner, question, round), the same on every visit, and
    stored on the Answer when the learner answers."""
    if not question.scenario:
        return None
    seed = salted_hmac(_SEED_SALT, f"{user_id}:{question.pk}:{round_number}").hexdigest()
    try:
        return draw(question, current_price_table(), random.Random(seed))
    except ScenarioError:
        return None


def draw_of(attempt: Attempt, question_id: int) -> Draw | None:
    data = (attempt.draws or {}).get(str(question_id))
    return Draw.from_data(data) if data and "values" in data else None


def draws_for(attempt: Attempt, questions: Iterable[Question]) -> dict[int, Draw]:
    """The draw of each scenario item among `questions` (choices prefetched), by question id.

    An attempt normally draws at its start; one that has no draw for an item (started before
    the item became a scenario, or made without the start view) draws it here on first use
    and stores it, so its pages never show a template's raw {placeholders} and every later
    page shows the same numbers. The row is locked while it is written, so two first requests
    at once keep one draw: the second finds the first one's and uses it."""
    questions = [q for q in questions if q.scenario]
    missing = [q for q in questions if draw_of(attempt, q.pk) is None]
    if missing:
        table = current_price_table()
        rng = random.SystemRandom()
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().only("draws").get(pk=attempt.pk)
            kept = dict(locked.draws or {})
            for question in missing:
                if draw_of(locked, question.pk) is not None:
                    continue
                try:
                    kept[str(question.pk)] = draw(question, table, rng).as_data()
                except ScenarioError:
                    # Sync and the editor refuse a template that cannot be drawn; a price
                    # edit could still make one so. Its text then stays a template.
                    logger.warning("scenario item %s cannot be drawn", question.key)
            Attempt.objects.filter(pk=attempt.pk).update(draws=kept)
        attempt.draws = kept
    return {q.pk: drawn for q in questions if (drawn := draw_of(attempt, q.pk))}


def stem_as_shown(attempt: Attempt, question: Question, drawn: Draw | None = None) -> str:
    """The question's stem (HTML) as the attempt shows it: drawn values filled in, or a fixed
    item's text as frozen when the attempt started."""
    if drawn is not None:
        return fill_html(question.stem_html, drawn.shown)
    frozen = frozen_of(attempt, question.pk)
    return frozen["stem_html"] if frozen else question.stem_html


def choice_as_shown(attempt: Attempt, choice: Choice, drawn: Draw | None = None) -> tuple[str, str]:
    """An option's (text HTML, feedback HTML) as the attempt shows them: a scenario item's
    amount and label drawn for it, a fixed item's living numbers as of the attempt's start."""
    if drawn is not None:
        outcome = drawn.outcomes.get(choice.pk)
        return (
            fill_html(choice.text_html, drawn.shown, outcome),
            fill_html(choice.feedback_html, drawn.shown, outcome),
        )
    frozen = frozen_of(attempt, choice.question_id)
    if frozen and str(choice.pk) in frozen["options"]:
        text, feedback = frozen["options"][str(choice.pk)]
        return text, feedback
    return choice.text_html, choice.feedback_html


def frozen_of(attempt: Attempt, question_id: int) -> dict | None:
    """A fixed item's texts as the attempt showed them, or None (texts without living numbers
    never change with prices, and an attempt started before this was kept has none)."""
    return ((attempt.draws or {}).get(str(question_id)) or {}).get("frozen")


def live_items(user: AbstractBaseUser) -> list[str]:
    """The stems (HTML, with the drawn values in) of the learner's module-test attempt in
    progress, in test order; empty when none is open. For the labs, which decline to work out
    anything that matches an open test's item."""
    attempt = (
        Attempt.objects.filter(
            user=user, quiz__kind=Quiz.Kind.TEST, submitted_at__isnull=True, voided=False
        )
        .order_by("-started_at")
        .first()
    )
    if attempt is None:
        return []
    questions = list(
        in_slot_order([int(key) for key in attempt.choice_order]).prefetch_related("choices")
    )
    draws = draws_for(attempt, questions)
    return [stem_as_shown(attempt, q, draws.get(q.pk)) for q in questions]
