"""Item pools: the module test's slots, and drawing one item from each for an attempt.

Each of the test's slots (Question.slot) holds two or more items that test the same objective.
An attempt draws one item per slot and keeps what it drew as the keys of its `choice_order`, so
its pages, grading and review use exactly those items whatever the pools hold later. A retake
prefers items the learner has not met: a learner who is told which answers were wrong, and
retakes, should meet the objective again in a question they have not seen.
"""

from __future__ import annotations

import random
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OrderBy, QuerySet

from quizzes.models import Attempt, Question, Quiz


def slot_order() -> tuple[OrderBy | str, ...]:
    """The order a test shows its items in: by slot (whichever item a slot drew), then file
    order. A question with no slot (a lesson quiz's) sorts after, on every database."""
    return (F("slot").asc(nulls_last=True), "order", "pk")


def pools_of(quiz: Quiz) -> dict[object, list[int]]:
    """The quiz's active questions by slot, in file order. A question without a slot is a pool
    of its own, so it is always drawn (a test written before slots existed keeps every item)."""
    pools: dict[object, list[int]] = {}
    rows = Question.objects.filter(quiz=quiz, is_active=True).order_by(*slot_order())
    for pk, slot in rows.values_list("pk", "slot"):
        pools.setdefault(slot if slot is not None else f"question-{pk}", []).append(pk)
    return pools


def test_length(quiz: Quiz) -> int:
    """How many questions an attempt at the test shows: one per pool."""
    return len(pools_of(quiz))


def times_seen(user: AbstractBaseUser, quiz: Quiz) -> Counter[int]:
    """How many of the learner's earlier attempts (reset ones included: the learner read them)
    showed each question."""
    seen: Counter[int] = Counter()
    for order in Attempt.objects.filter(user=user, quiz=quiz).values_list(
        "choice_order", flat=True
    ):
        seen.update(int(key) for key in order or {})
    return seen


def draw_items(user: AbstractBaseUser, quiz: Quiz, rng: random.Random | None = None) -> list[int]:
    """One question id per pool: one the learner has not been shown where the pool has one,
    otherwise one of those shown fewest times, chosen at random among equals."""
    rng = rng or random.SystemRandom()
    seen = times_seen(user, quiz)
    drawn = []
    for pool in pools_of(quiz).values():
        fewest = min(seen[pk] for pk in pool)
        drawn.append(rng.choice([pk for pk in pool if seen[pk] == fewest]))
    return drawn


def in_slot_order(question_ids: list[int]) -> QuerySet[Question]:
    return Question.objects.filter(pk__in=question_ids).order_by(*slot_order())
