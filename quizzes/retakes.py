"""Module test attempts: starting one, the retake cooldown, and admins' grants and resets."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from quizzes.grading import lock_user
from quizzes.items import draw_for_test
from quizzes.models import Attempt, Choice, Quiz, RetakeGrant
from quizzes.pools import draw_items


class RetakeRefused(Exception):
    """The learner may not start a test attempt now; the message says why and when."""


def cooldown() -> timedelta:
    return timedelta(seconds=settings.TEST_RETAKE_COOLDOWN_SECONDS)


@dataclass
class RetakeStatus:
    """Everything the test page says about one learner's attempts."""

    attempts: list[Attempt]  # newest first, voided ones included (marked on the page)
    open_attempt: Attempt | None
    best: Attempt | None  # the one that counts: the best non-voided score
    next_start_at: datetime | None  # when the cooldown ends, if it is running now
    grant_id: int | None  # an unused grant that skips the cooldown, while it runs

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.submitted_at and not a.voided]

    @property
    def has_passed(self) -> bool:
        """Passed in an attempt that still counts (an admin's reset takes it back)."""
        return any(a.passed for a in self.submitted)

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and (
            self.next_start_at is None or self.grant_id is not None
        )

    @property
    def cooldown_seconds_left(self) -> int:
        if self.next_start_at is None:
            return 0
        return max(0, int((self.next_start_at - timezone.now()).total_seconds()))


def retake_status(user: AbstractBaseUser, quiz: Quiz) -> RetakeStatus:
    """One query, however many attempts the learner made."""
    grants = RetakeGrant.objects.filter(
        user=user, quiz=quiz, kind=RetakeGrant.Kind.GRANT, used_at__isnull=True
    ).order_by("created_at")
    attempts = list(
        Attempt.objects.filter(user=user, quiz=quiz)
        .annotate(open_grant_id=Subquery(grants.values("pk")[:1]))
        .order_by("-started_at", "-pk")
    )
    counting = [a for a in attempts if not a.voided]
    open_attempt = next((a for a in counting if a.submitted_at is None), None)
    submitted = [a for a in counting if a.submitted_at is not None]
    best = max(
        submitted,
        key=lambda a: (a.score / a.total if a.total else 0, a.submitted_at),
        default=None,
    )
    last = max((a.submitted_at for a in submitted), default=None)
    next_start_at = None
    if last is not None and last + cooldown() > timezone.now():
        next_start_at = last + cooldown()
    # A grant only matters while the cooldown runs (it skips the wait), which takes a
    # submitted attempt: each attempt row carries the oldest unused grant's id, so that the
    # test and result pages do not spend a query of their own on it.
    grant_id = attempts[0].open_grant_id if next_start_at is not None else None
    return RetakeStatus(attempts, open_attempt, best, next_start_at, grant_id)


def shuffled_choice_order(user: AbstractBaseUser, quiz: Quiz) -> dict[str, list[int]]:
    """The attempt's questions (one drawn from each slot, quizzes/pools.py) with their options in
    a random order."""
    questions = draw_items(user, quiz)
    order: dict[str, list[int]] = {str(pk): [] for pk in questions}
    for question_id, choice_id in Choice.objects.filter(question_id__in=questions).values_list(
        "question_id", "pk"
    ):
        order[str(question_id)].append(choice_id)
    rng = random.SystemRandom()
    for choices in order.values():
        rng.shuffle(choices)
    return order


def start_test_attempt(user: AbstractBaseUser, quiz: Quiz) -> tuple[Attempt, bool]:
    """Start (or resume) the learner's test attempt. Returns (attempt, created).

    An attempt already in progress is resumed, never duplicated. After a submitted attempt a new
    one may start once the cooldown has passed, or earlier with an admin's unused grant (which
    this consumes). Raises RetakeRefused otherwise.
    """
    with transaction.atomic():
        # One learner's starts queue here, so two tabs cannot both create an attempt.
        lock_user(user)
        status = retake_status(user, quiz)
        if status.open_attempt is not None:
            return status.open_attempt, False
        if status.next_start_at is not None:
            if status.grant_id is None:
                raise RetakeRefused(
                    "You can retake the test "
                    f"{describe_wait(status.cooldown_seconds_left)}: the retake cooldown is "
                    f"{describe_minutes(int(cooldown().total_seconds()))} after each attempt."
                )
            # Conditional update: a grant is used once even if two starts race.
            used = RetakeGrant.objects.filter(pk=status.grant_id, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not used:
                raise RetakeRefused("That extra attempt has already been used.")
        order = shuffled_choice_order(user, quiz)
        # Scenario items get their numbers now, once: the attempt keeps them (and the option
        # amounts) so a price change mid-attempt or after it moves nothing the learner saw.
        draws = draw_for_test(int(key) for key in order)
        attempt = Attempt.objects.create(
            user=user, quiz=quiz, choice_order=order, total=len(order), draws=draws
        )
    return attempt, True


def grant_retake(
    user: AbstractBaseUser, quiz: Quiz, kind: str, reason: str, granted_by: AbstractBaseUser
) -> RetakeGrant:
    """Record an admin's grant or reset, with the reason, and apply a reset at once.

    A reset voids every attempt the learner made on this test (kept on record, no longer
    counted, an attempt in progress can no longer be answered), which also ends any cooldown.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required.")
    with transaction.atomic():
        grant = RetakeGrant.objects.create(
            user=user, quiz=quiz, kind=kind, reason=reason, granted_by=granted_by
        )
        if kind == RetakeGrant.Kind.RESET:
            Attempt.objects.filter(user=user, quiz=quiz, voided=False).update(voided=True)
            grant.used_at = grant.created_at
            grant.save(update_fields=["used_at"])
    return grant


def describe_minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        f"{minutes} minute{'s' if minutes != 1 else ''}" if seconds >= 60 else f"{seconds} seconds"
    )


def describe_wait(seconds: int) -> str:
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)  # round up: never promise earlier than the server allows
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"
