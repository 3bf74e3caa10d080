"""Regrading a module test's submitted attempts after a key changed.

A key changes when an item is edited or when a price-table publish moves a scenario item's
amounts. Grading at submission used what the attempt showed; a regrade asks, for every stored
answer, whether it is right under the items and the price table as they are now:

- A fixed item: the chosen option is right if it is marked right now.
- A scenario item: its stored values are computed again under today's table
  (quizzes/scenarios.py). The learner's option makes a claim: a method (the option's
  `computes`) and, for items whose options name a choice (a cache lifetime), that choice as they
  saw it. It is right if that claim, computed again, lands on the key computed again: the right
  method whose choice is still the right one, or a named mistake that the new prices make come
  out the same as the key. A scenario the calculator can no longer compute (a model removed from
  the table) keeps its verdict.

`preview` is the dry run (nothing written); `apply` writes the new verdicts and scores in one
transaction, with the reason, and leaves a RegradeChange on each attempt whose score moved: the
note on its result page. Applying twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from authoring.pricing import current_price_table
from labs.calculator import PriceTable
from quizzes.grading import passes
from quizzes.models import Answer, Attempt, Question, Quiz, Regrade, RegradeChange
from quizzes.scenarios import KEY, KINDS, Draw, Outcome, ScenarioError, close_enough, redo


class RegradeRefused(Exception):
    """Staff input that cannot be applied (no reason given); shown to them."""


@dataclass
class AttemptChange:
    attempt: Attempt
    old_score: int
    new_score: int
    old_passed: bool | None
    new_passed: bool
    # (question key, was right, is right now) for every answer whose verdict moves.
    answers: list[tuple[str, bool, bool]] = field(default_factory=list)
    flips: dict[int, bool] = field(default_factory=dict)  # answer id -> new verdict


def _claim(draw: Draw, new: Draw, question: Question, choice_id: int) -> Outcome | None:
    """The learner's option under the new table: for an honest method (the key, or the same
    method applied to another choice), the outcome of that method for the choice they saw."""
    choices = {c.pk: c for c in question.choices.all()}
    kind = KINDS[question.scenario["kind"]]
    seen = draw.outcomes.get(choice_id)
    picked = choices[choice_id]
    if seen is not None and seen.label and picked.computes in kind.honest:
        for pk, outcome in new.outcomes.items():
            if choices[pk].computes in kind.honest and outcome.label == seen.label:
                return outcome
        return None
    return new.outcomes.get(choice_id)


def verdict_now(answer: Answer, question: Question, attempt: Attempt, table: PriceTable) -> bool:
    """Whether a stored answer is right under today's items and table."""
    choice = next(c for c in question.choices.all() if c.pk == answer.choice_id)
    data = (attempt.draws or {}).get(str(question.pk))
    if not question.scenario or not data:
        return choice.is_correct
    draw = Draw.from_data(data)
    try:
        new = redo(question, draw.values, table)
    except ScenarioError:
        return answer.is_correct
    key_choice = next((c for c in question.choices.all() if c.computes == KEY), None)
    if key_choice is None:
        return answer.is_correct
    key = new.outcomes[key_choice.pk]
    claim = _claim(draw, new, question, choice.pk)
    return claim is not None and claim.label == key.label and close_enough(claim.amount, key.amount)


def preview(quiz: Quiz, table: PriceTable | None = None) -> list[AttemptChange]:
    """The submitted, counted attempts whose score would change: the dry run."""
    table = table or current_price_table()
    attempts = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False, voided=False)
    questions = {q.pk: q for q in Question.objects.filter(quiz=quiz).prefetch_related("choices")}
    changes = []
    for attempt in attempts.select_related("user").prefetch_related("answers").order_by("pk"):
        shown = {int(key) for key in attempt.choice_order} or set(questions)
        change = AttemptChange(attempt, attempt.score or 0, 0, attempt.passed, False)
        for answer in attempt.answers.all():
            if answer.question_id not in shown:
                continue
            question = questions[answer.question_id]
            now = verdict_now(answer, question, attempt, table)
            change.new_score += now
            if now != answer.is_correct:
                change.answers.append((question.key, answer.is_correct, now))
                change.flips[answer.pk] = now
        change.new_passed = passes(change.new_score, attempt.total, quiz.pass_mark)
        if change.flips:
            changes.append(change)
    return changes


def apply(quiz: Quiz, reason: str, user: AbstractBaseUser) -> Regrade:
    """Write the regrade: new verdicts, scores and pass marks, and a note per attempt moved."""
    reason = (reason or "").strip()
    if not reason:
        raise RegradeRefused("Give the reason for the regrade: learners see it on their result.")
    with transaction.atomic():
        # Lock the test's attempts: a submit racing the regrade is either scored before it (and
        # regraded) or after it (and graded by the new keys at once, since grading reads rows).
        list(Attempt.objects.select_for_update().filter(quiz=quiz).values_list("pk", flat=True))
        regrade = Regrade.objects.create(quiz=quiz, reason=reason, created_by=user)
        for change in preview(quiz):
            for answer_id, now in change.flips.items():
                Answer.objects.filter(pk=answer_id).update(is_correct=now)
            Attempt.objects.filter(pk=change.attempt.pk).update(
                score=change.new_score, passed=change.new_passed
            )
            if change.new_score != change.old_score or change.new_passed != change.old_passed:
                RegradeChange.objects.create(
                    regrade=regrade, attempt=change.attempt, old_score=change.old_score,
                    new_score=change.new_score, old_passed=change.old_passed,
                    new_passed=change.new_passed,
                )  # fmt: skip
    return regrade
