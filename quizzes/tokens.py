"""Option tokens: what a radio button sends instead of the option's database id.

Choice ids follow the order of the content file, and the right option is often the first one
written, so an id in the page source ranks the options and undoes any shuffle. A token is an
HMAC (keyed with SECRET_KEY) of a scope and the (question, choice) pair: it says nothing about
the option, and the server maps it back by computing the tokens of the few options the
question has. A token only maps back within its own scope, so one taken from another attempt,
another learner or another question, or made up, matches nothing.

Scopes: a module-test attempt (tokens differ on every attempt), and a learner's lesson quiz
(stable for that learner, since the quiz page is shown before any attempt exists and every one
of its questions is a separate form).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from django.utils.crypto import salted_hmac

from quizzes.models import Attempt, Choice, Quiz

_SALT = "quizzes.tokens.option"
_ORDER_SALT = "quizzes.tokens.order"
# 80 bits: far beyond guessing by posting, short enough to keep pages small.
TOKEN_LENGTH = 20


def test_scope(attempt: Attempt) -> str:
    return f"test-attempt:{attempt.pk}"


def quiz_scope(user_id: int, quiz: Quiz) -> str:
    return f"lesson-quiz:{quiz.pk}:user:{user_id}"


def option_token(scope: str, question_id: int, choice_id: int) -> str:
    digest = salted_hmac(_SALT, f"{scope}:{question_id}:{choice_id}", algorithm="sha256")
    return digest.hexdigest()[:TOKEN_LENGTH]


def choice_for_token(scope: str, choices: Iterable[Choice], raw: object) -> Choice | None:
    """The choice among `choices` whose token in `scope` is `raw`; None for anything else.

    Every candidate is compared in constant time, so timing tells nothing about near misses.
    """
    token = str(raw).strip() if raw is not None else ""
    if len(token) != TOKEN_LENGTH:
        return None
    found = None
    for choice in choices:
        expected = option_token(scope, choice.question_id, choice.pk)
        if hmac.compare_digest(expected.encode(), token.encode("utf-8", "replace")):
            found = choice
    return found


def learner_order(user_id: int, question_id: int, choice_ids: Iterable[int]) -> list[int]:
    """A question's options in an order of the learner's own: shuffled, but the same on every
    visit, so a reload does not move the options under the cursor."""

    def key(choice_id: int) -> str:
        text = f"{user_id}:{question_id}:{choice_id}"
        return salted_hmac(_ORDER_SALT, text, algorithm="sha256").hexdigest()

    return sorted(choice_ids, key=key)
