"""What a page may show of a question: options, and correctness only once it is revealed.

Templates get these plain objects, never Choice rows, so an unanswered question cannot leak
which option is right or its feedback: the data is simply not there to print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quizzes.models import Answer, Question

LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Option:
    pk: int
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
    reveal: bool,
    order: list[int] | None = None,
) -> QuestionItem:
    """One question as a page may show it. `question.choices` should be prefetched.

    `reveal` shows correctness and feedback; it is only honoured once the question is answered
    or when the attempt is over (the caller decides: a submitted test reveals everything).
    """
    choices = list(question.choices.all())
    if order is not None:
        position = {pk: i for i, pk in enumerate(order)}
        choices = sorted((c for c in choices if c.pk in position), key=lambda c: position[c.pk])
    picked_id = answer.choice_id if answer else None
    options = [
        Option(
            pk=c.pk,
            letter=LETTERS[i] if i < len(LETTERS) else str(i + 1),
            text_html=c.text_html,
            picked=c.pk == picked_id,
            is_correct=c.is_correct if reveal else None,
            feedback_html=c.feedback_html if reveal else "",
        )
        for i, c in enumerate(choices)
    ]
    return QuestionItem(
        pk=question.pk,
        key=question.key,
        number=number,
        stem_html=question.stem_html,
        options=options,
        answered=answer is not None,
        revealed=reveal,
        lesson=question.lesson if reveal and "lesson" in question._state.fields_cache else None,
        is_correct=(answer.is_correct if answer else False) if reveal else None,
    )


def question_items(
    questions: Iterable[Question],
    answers: dict[int, Answer],
    *,
    reveal_answered: bool = False,
    reveal_all: bool = False,
    choice_order: dict | None = None,
) -> list[QuestionItem]:
    items = []
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.pk)
        reveal = reveal_all or (reveal_answered and answer is not None)
        order = choice_order.get(str(question.pk)) if choice_order else None
        items.append(question_item(question, number, answer, reveal=reveal, order=order))
    return items
