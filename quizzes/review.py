"""What a page may show of a question: options, and correctness only once it is revealed.

Templates get these plain objects, never Choice rows, so an unanswered question cannot leak
which option is right or its feedback: the data is simply not there to print. An option carries
an opaque token (quizzes/tokens.py) for its radio button, never its database id.

The module test's review follows a policy (settings.TEST_REVIEW_RIGHT_ANSWERS), in the way
Moodle's review options do: it always shows which answers were right or wrong and the feedback on
the option the learner chose; whether it also shows the right option of a question answered
wrongly or left blank depends on the policy, by default only once the learner has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from quizzes.models import Answer, Question
from quizzes.scenarios import Draw, fill_html
from quizzes.tokens import option_token

LETTERS = "ABCDEFGHIJ"

# When the module test's review shows the right option of a question missed (settings).
REVIEW_ALWAYS = "always"
REVIEW_AFTER_PASSING = "after-passing"
REVIEW_NEVER = "never"
REVIEW_POLICIES = (REVIEW_AFTER_PASSING, REVIEW_ALWAYS, REVIEW_NEVER)


def review_shows_right_answers(has_passed: bool) -> bool:
    """Whether a test result may show the right option of a question answered wrongly or left
    blank. Until then a retake still tests what the learner knows, not what they copied.

    The test has no attempt limit, so "no attempts left" never arises; passing is the gate."""
    policy = settings.TEST_REVIEW_RIGHT_ANSWERS
    if policy == REVIEW_ALWAYS:
        return True
    if policy == REVIEW_NEVER:
        return False
    return has_passed


def describe_review_policy() -> str:
    """The policy in plain words, for the test page."""
    policy = settings.TEST_REVIEW_RIGHT_ANSWERS
    seen = (
        "You will see which answers were right and which were wrong, with the explanation of "
        "the option you chose"
    )
    if policy == REVIEW_ALWAYS:
        return f"{seen}, and the right answer to every question you missed, with why it is right."
    if policy == REVIEW_NEVER:
        return (
            f"{seen}. The right answer to a question you missed is not shown: the lesson the "
            "question comes from explains it."
        )
    return (
        f"{seen}. The right answer to a question you missed is shown once you have passed the "
        "test; until then the lesson the question comes from explains it."
    )


def describe_review_now(has_passed: bool) -> str:
    """What this learner's result shows of the questions they missed, now, in plain words."""
    policy = settings.TEST_REVIEW_RIGHT_ANSWERS
    if policy == REVIEW_ALWAYS:
        return "This review shows the right answer to every question you missed, and why."
    if policy == REVIEW_NEVER:
        return (
            "This review does not show the right answers to the questions you missed, now or "
            "after passing: you see which answers were right and which wrong, with the feedback "
            "on the option you chose, and the lesson each question comes from explains the rest."
        )
    if has_passed:
        return (
            "This review shows the right answer to every question you missed, and why, now "
            "that you have passed the test."
        )
    return (
        "This review does not show the right answers yet: you see which answers were right and "
        "which wrong, with the feedback on the option you chose, and the right answer to each "
        "question you missed appears on this page once you pass the test."
    )


@dataclass(frozen=True)
class Option:
    token: str
    letter: str
    text_html: str
    picked: bool = False
    is_correct: bool | None = None  # None until revealed
    feedback_html: str = ""  # empty until revealed


@dataclass
class QuestionItem:
    pk: int
    key: str
    number: int
    stem_html: str
    options: list[Option]
    answered: bool
    revealed: bool
    lesson: object | None = None
    is_correct: bool | None = None  # None until revealed
    error: str = ""
    right_answer_shown: bool = False  # revealed with the right option, not just the verdict

    @property
    def picked(self) -> Option | None:
        return next((o for o in self.options if o.picked), None)

    @property
    def correct(self) -> Option | None:
        return next((o for o in self.options if o.is_correct), None) if self.revealed else None


def question_item(
    question: Question,
    number: int,
    answer: Answer | None,
    *,
    scope: str,
    reveal: bool,
    show_right_answer: bool = True,
    order: list[int] | None = None,
    drawn: Draw | None = None,
    frozen: dict | None = None,
) -> QuestionItem:
    """One question as a page may show it. `question.choices` should be prefetched.

    `reveal` shows whether the learner's answer is right and the feedback on the option they
    chose; with `show_right_answer` as well, it marks the right option and gives every option's
    feedback; without it, a question missed lists only the learner's own answer (none if
    blank). The caller decides: a lesson quiz reveals all once the question is answered, a
    submitted test by the review policy. `scope` is the option tokens' (quizzes/tokens.py).
    `drawn` is a scenario item's draw: its values fill the stem, options and feedback.
    `frozen` is a fixed item's texts as an attempt first showed them (its living numbers under
    the prices of that day), shown instead of today's rendering.
    """
    choices = list(question.choices.all())
    if order is not None:
        position = {pk: i for i, pk in enumerate(order)}
        choices = sorted((c for c in choices if c.pk in position), key=lambda c: position[c.pk])
    picked_id = answer.choice_id if answer else None
    full = reveal and show_right_answer

    def shown(choice: object) -> bool:
        return full or (reveal and choice.pk == picked_id)

    def filled(template_html: str, choice: object | None = None, part: int = 0) -> str:
        if frozen is not None:
            if choice is None:
                return frozen.get("stem_html", template_html)
            texts = frozen.get("options", {}).get(str(choice.pk))
            return texts[part] if texts else template_html
        if drawn is None:
            return template_html
        outcome = drawn.outcomes.get(choice.pk) if choice is not None else None
        return fill_html(template_html, drawn.shown, outcome)

    options = [
        Option(
            token=option_token(scope, question.pk, c.pk),
            letter=LETTERS[i] if i < len(LETTERS) else str(i + 1),
            text_html=filled(c.text_html, c),
            picked=c.pk == picked_id,
            is_correct=c.is_correct if shown(c) else None,
            feedback_html=filled(c.feedback_html, c, part=1) if shown(c) else "",
        )
        for i, c in enumerate(choices)
    ]
    if reveal and not full and not (answer and answer.is_correct):
        # A question missed, its right answer withheld: list only the learner's own answer, so
        # the other options (the right one among them) are not laid out beside the verdict.
        options = [o for o in options if o.picked]
    return QuestionItem(
        pk=question.pk,
        key=question.key,
        number=number,
        stem_html=filled(question.stem_html),
        options=options,
        answered=answer is not None,
        revealed=reveal,
        lesson=question.lesson if reveal and "lesson" in question._state.fields_cache else None,
        is_correct=(answer.is_correct if answer else False) if reveal else None,
        right_answer_shown=full,
    )


def question_items(
    questions: Iterable[Question],
    answers: dict[int, Answer],
    *,
    scope: str,
    reveal_answered: bool = False,
    reveal_all: bool = False,
    show_right_answers: bool = True,
    choice_order: dict | None = None,
    draws: dict[int, Draw] | None = None,
    frozen: dict[int, dict] | None = None,
) -> list[QuestionItem]:
    items = []
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.pk)
        reveal = reveal_all or (reveal_answered and answer is not None)
        order = choice_order.get(str(question.pk)) if choice_order else None
        item = question_item(
            question, number, answer, scope=scope, reveal=reveal,
            show_right_answer=show_right_answers, order=order,
            drawn=(draws or {}).get(question.pk), frozen=(frozen or {}).get(question.pk),
        )  # fmt: skip
        items.append(item)
    return items
