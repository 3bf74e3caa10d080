"""Quizzes and the module test in the editor: questions, options, which is right, feedback.

A quiz draft is the whole quiz: {"title", "pass_mark" (test only), "questions": [{"id", "key",
"lesson" and "slot" (test only), "stem", "options": [{"id", "text", "correct", "feedback"}]}]};
`id` is the live row's primary key, or None for a question or option not published yet.

Learners' recorded answers must keep their meaning, so for a question learners have answered
the editor allows wording fixes but refuses to change which option is right or to remove an
option someone chose; the instructor adds their version as a new question instead (the answered
one is then retired: kept, with its answers, but out of the quiz). A removed question that was
answered is retired the same way; one nobody answered is deleted.
"""

import random
import re
from dataclasses import dataclass, field
from string import ascii_uppercase

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, F

from authoring.drafts import AuthoringError, clean_text, discard_draft
from authoring.history import ensure_baseline, record_revision
from authoring.models import Kind, Revision
from authoring.pricing import current_price_table
from courses.content import TEST_SLOTS, identical_options, pool_problems, shown_text
from courses.cues import Item, cue_problems
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import PriceTable
from quizzes.models import Answer, Choice, Question, Quiz
from quizzes.scenarios import (
    KEY,
    ScenarioError,
    draw_values_and_amounts,
    fill_html,
    option_text,
    shown_values,
    spec_problems,
)

MIN_OPTIONS, MAX_OPTIONS = 2, 6
_KEY_RE = re.compile(r"^(?P<prefix>.*?)(?P<n>\d+)$")
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def letter(index: int) -> str:
    return ascii_uppercase[index] if index < len(ascii_uppercase) else str(index + 1)


# --- snapshots --------------------------------------------------------------------------------


def is_test(quiz: Quiz) -> bool:
    return quiz.kind == Quiz.Kind.TEST


def quiz_snapshot(quiz: Quiz) -> dict:
    test = is_test(quiz)
    questions = []
    for question in (
        quiz.questions.filter(is_active=True)
        .select_related("lesson")
        .prefetch_related("choices")
        .order_by("order", "pk")
    ):
        questions.append({
            "id": question.pk,
            "key": question.key,
            "lesson": question.lesson.slug if test and question.lesson else None,
            "slot": question.slot if test else None,
            "stem": question.stem_markdown,
            "scenario": question.scenario or {},
            "options": [
                {"id": c.pk, "text": c.text_markdown, "correct": c.is_correct,
                 "feedback": c.feedback_markdown, "computes": c.computes}
                for c in question.choices.all()
            ],
        })  # fmt: skip
    return {
        "title": quiz.title,
        "pass_mark": quiz.pass_mark if test else None,
        "questions": questions,
    }


# --- what learners have answered --------------------------------------------------------------


@dataclass
class Answered:
    """A live question's recorded answers: how many, which options were chosen, which is right."""

    count: int = 0
    choice_ids: set[int] = field(default_factory=set)
    correct_id: int | None = None


def answered_questions(quiz: Quiz) -> dict[int, Answered]:
    """Every live question of the quiz that learners have answered, by question id."""
    answered: dict[int, Answered] = {}
    rows = (
        Answer.objects.filter(question__quiz=quiz)
        .values("question_id", "choice_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        info = answered.setdefault(row["question_id"], Answered())
        info.count += row["n"]
        info.choice_ids.add(row["choice_id"])
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=answered, is_correct=True
    ).values_list("question_id", "id"):
        answered[question_id].correct_id = choice_id
    return answered


# --- cleaning and validation ------------------------------------------------------------------


def _slot(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    text = clean_text(raw) if isinstance(raw, str) else ""
    return int(text) if text.isdecimal() else None


def clean_question(raw: dict, *, test: bool) -> dict:
    return {
        "id": raw.get("id") if isinstance(raw.get("id"), int) else None,
        "key": clean_text(raw.get("key")),
        "lesson": clean_text(raw.get("lesson")) or None if test else None,
        "slot": _slot(raw.get("slot")) if test else None,
        "stem": clean_text(raw.get("stem")),
        # A revision saved before scenario items existed has none: a fixed-text question.
        "scenario": raw.get("scenario") if isinstance(raw.get("scenario"), dict) else {},
        "options": [
            {
                "id": o.get("id") if isinstance(o.get("id"), int) else None,
                "text": clean_text(o.get("text")),
                "correct": o.get("correct") is True,
                "feedback": clean_text(o.get("feedback")),
                "computes": clean_text(o.get("computes")),
            }
            for o in raw.get("options", [])
        ],
    }


def clean_quiz(quiz: Quiz, data: dict) -> dict:
    """Normalize text, and drop ids that are not this quiz's rows (a restored revision may name
    rows deleted since): those become new rows. A new question whose key a live row of this quiz
    already has (say, a retired one) reuses that row."""
    test = is_test(quiz)
    rows = dict(Question.objects.filter(quiz=quiz).values_list("key", "pk"))
    valid = set(rows.values())
    # A revision saved before slots existed names none: its live rows keep theirs.
    slots = dict(Question.objects.filter(quiz=quiz).values_list("pk", "slot"))
    choice_owner = dict(Choice.objects.filter(question__quiz=quiz).values_list("pk", "question_id"))
    questions = []
    for raw in data.get("questions", []):
        question = clean_question(raw, test=test)
        if question["id"] not in valid:
            question["id"] = rows.get(question["key"])
        if test and question["slot"] is None and question["id"] is not None:
            question["slot"] = slots.get(question["id"])
        for option in question["options"]:
            owner = choice_owner.get(option["id"]) if option["id"] is not None else None
            if question["id"] is None or owner != question["id"]:
                option["id"] = None
        questions.append(question)
    pass_mark = data.get("pass_mark") if test else None
    return {"title": clean_text(data.get("title")), "pass_mark": pass_mark, "questions": questions}


def _render_problem(text: str, where: str, table: PriceTable) -> str | None:
    try:
        render_markdown(text, table=table)
    except LivingNumberError as exc:
        return f"{where}: {exc}"
    return None


def question_problems(
    question: dict,
    *,
    label: str,
    answered: Answered | None = None,
    lessons: set[str] | None = None,
    table: PriceTable | None = None,
) -> list[str]:
    """What is wrong with one question, each problem a sentence starting with `label`.

    `answered` is the live question's record when learners have answered it; `lessons` the
    lesson slugs a module-test question may name (None for a lesson quiz)."""
    problems = []
    options = question["options"]
    if not question["stem"]:
        problems.append(f"{label}: the question text is empty.")
    if lessons is not None and question.get("lesson") not in lessons:
        problems.append(f"{label}: choose the lesson this question checks.")
    slot = question.get("slot")
    if lessons is not None and not (isinstance(slot, int) and 1 <= slot <= TEST_SLOTS):
        problems.append(
            f"{label}: choose its slot, a number from 1 to {TEST_SLOTS} (the items of a slot "
            "test the same objective; an attempt shows one of them)."
        )
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problems.append(
            f"{label} needs {MIN_OPTIONS} to {MAX_OPTIONS} options; it has {len(options)}."
        )
    right = sum(o["correct"] for o in options)
    if right != 1:
        problems.append(
            f"{label} needs exactly one right option; {right} "
            f"{'is' if right == 1 else 'are'} marked right."
        )
    for i, option in enumerate(options):
        if not option["text"]:
            problems.append(f"{label}, option {letter(i)}: the option text is empty.")
        if not option["feedback"]:
            problems.append(f"{label}, option {letter(i)}: the feedback is empty.")
    if answered is not None and answered.count:
        problems += _answered_problems(question, label, answered)
    if table is not None and not problems:
        texts = [(question["stem"], f"{label}, question text")]
        for i, option in enumerate(options):
            texts.append((option["text"], f"{label}, option {letter(i)} text"))
            texts.append((option["feedback"], f"{label}, option {letter(i)} feedback"))
        problems += [p for text, where in texts if (p := _render_problem(text, where, table))]
    if table is not None and not problems and (question.get("scenario") or any(
        o.get("computes") for o in options
    )):  # fmt: skip
        return scenario_problems(question, label=label, table=table)
    if table is not None and not problems:
        # Two options a learner cannot tell apart (typed alike, or living numbers that come to
        # the same figure under the published prices) make the question unanswerable.
        shown = [render_markdown(option["text"], table=table) for option in options]
        problems += [
            f"{label}: {same} under the published prices. Make them differ."
            for same in identical_options(shown)
        ]
    return problems


def scenario_problems(question: dict, *, label: str, table: PriceTable) -> list[str]:
    """A scenario question's template checked by drawing it under `table` (bad kinds, bad
    ranges, unknown placeholders, draws whose options collide), each starting with `label`."""
    options = question["options"]
    if not question.get("scenario"):
        return [f"{label}: its options say what they compute, but it has no scenario."]
    computes = [o.get("computes", "") for o in options]
    texts = [question["stem"]] + [o["text"] for o in options] + [o["feedback"] for o in options]
    problems = [
        f"{label}: {p}" for p in spec_problems(question["scenario"], computes, texts, table)
    ]
    right = [o for o in options if o["correct"]]
    if not problems and right and right[0].get("computes") != KEY:
        problems.append(f"{label}: the right option must compute {KEY!r}.")
    return problems


@dataclass
class PreviewDraw:
    stem_html: str
    # (letter, what it computes, text as shown, is the key)
    options: list[tuple[str, str, str, bool]]


def preview_draws(question: dict, table: PriceTable, count: int = 3) -> list[PreviewDraw]:
    """A few draws of a scenario question as learners would see them, each option with what
    it computes, for the editor. Empty for a fixed question or one that does not draw."""
    if not question.get("scenario"):
        return []
    options = question["options"]
    computes = [o.get("computes", "") for o in options]
    try:
        stem_html = render_markdown(question["stem"], table=table)
        texts = [render_markdown(o["text"], table=table) for o in options]
    except LivingNumberError:
        return []
    draws = []
    rng = random.Random()
    for _ in range(count):
        try:
            values, outcomes = draw_values_and_amounts(question["scenario"], computes, table, rng)
        except (ScenarioError, KeyError, TypeError, ValueError):
            return draws
        shown = shown_values(values, table)
        draws.append(
            PreviewDraw(
                stem_html=fill_html(stem_html, shown),
                options=[
                    (letter(i), computes[i], shown_text(fill_html(texts[i], shown, o)),
                     computes[i] == KEY)
                    for i, o in enumerate(outcomes)
                ],
            )
        )  # fmt: skip
    return draws


def _answered_problems(question: dict, label: str, answered: Answered) -> list[str]:
    problems = []
    ids = [o["id"] for o in question["options"]]
    right = [o["id"] for o in question["options"] if o["correct"]]
    times = f"{answered.count} answer{'s' if answered.count != 1 else ''}"
    if len(right) == 1 and right[0] != answered.correct_id:
        problems.append(
            f"{label} has been answered by learners ({times}), so which option is right can't "
            "change: their recorded answers would change meaning. Fix the wording only, or add "
            "your version as a new question."
        )
    gone = sorted(answered.choice_ids - set(ids))
    if gone:
        problems.append(
            f"{label} has been answered by learners ({times}): {len(gone)} option"
            f"{'s' if len(gone) != 1 else ''} that learners chose can't be removed. Keep "
            "them (you may reword them), or add your version as a new question."
        )
    return problems


def quiz_problems(quiz: Quiz, data: dict, table: PriceTable | None = None) -> list[str]:
    """Everything that stops `data` (a cleaned quiz draft) from being published."""
    problems = []
    test = is_test(quiz)
    if not data["title"]:
        problems.append("The quiz title is empty.")
    if test:
        mark = data.get("pass_mark")
        if not isinstance(mark, int) or isinstance(mark, bool) or not 1 <= mark <= 100:
            problems.append("The pass mark must be a percentage from 1 to 100.")
    questions = data["questions"]
    if not questions:
        problems.append("The quiz needs at least one question.")
    answered = answered_questions(quiz)
    lessons = set(quiz.module.lessons.values_list("slug", flat=True)) if test else None
    keys: set[str] = set()
    for position, question in enumerate(questions, start=1):
        key = question["key"]
        label = f"Question {position} ({key})"
        if not key or not _SLUG_RE.match(key):
            problems.append(f"Question {position}: its key must be letters, digits and hyphens.")
        elif key in keys:
            problems.append(f"{label}: the key is used twice.")
        keys.add(key)
        problems += question_problems(
            question, label=label, answered=answered.get(question["id"]), lessons=lessons,
            table=table,
        )  # fmt: skip
    if table is not None:
        problems += quiz_cue_problems(quiz, data, table)
    if test and lessons:
        order = list(quiz.module.lessons.order_by("order").values_list("slug", flat=True))
        # A question without a valid slot is named by question_problems above.
        pools = [
            (q["key"], q["slot"], q.get("lesson"))
            for q in questions
            if isinstance(q.get("slot"), int) and 1 <= q["slot"] <= TEST_SLOTS
        ]
        problems += [
            f"The module test: {problem[0].upper()}{problem[1:]}."
            for problem in pool_problems(pools, order)
        ]
    return problems


def quiz_cue_problems(quiz: Quiz, data: dict, table: PriceTable) -> list[str]:
    """The patterns in a draft's options that give answers away (courses/cues.py), read as
    learners will see them under `table`, each naming the quiz. A question with some other
    problem (no single right option, a living number that fails) is left to that message."""
    items = []
    for position, question in enumerate(data["questions"], start=1):
        options = question["options"]
        right = [i for i, option in enumerate(options) if option["correct"]]
        if len(right) != 1:
            continue
        try:
            shown = [shown_text(render_markdown(o["text"], table=table)) for o in options]
        except LivingNumberError:
            continue
        if question.get("scenario"):
            # Read as one trial draw shows it; a template that does not draw is named above.
            try:
                computes = [o.get("computes", "") for o in options]
                _, outcomes = draw_values_and_amounts(
                    question["scenario"], computes, table, random.Random(0)
                )
            except (ScenarioError, KeyError, TypeError, ValueError):
                continue
            shown = [shown_text(option_text(t, o)) for t, o in zip(shown, outcomes, strict=True)]
        items.append(
            Item(
                label=f"Question {position} ({question['key']})",
                options=shown,
                feedback=[option["feedback"] for option in options],
                correct=right[0],
            )
        )
    name = "The module test" if is_test(quiz) else f"This quiz ({data['title'] or quiz.title})"
    return [f"{name}: {problem}" for problem in cue_problems(items, test=is_test(quiz))]


# --- editing the draft ------------------------------------------------------------------------


def find_question(data: dict, key: str) -> int | None:
    for i, question in enumerate(data["questions"]):
        if question["key"] == key:
            return i
    return None


def new_key(quiz: Quiz, data: dict, lesson: str | None = None) -> str:
    """A key no row or draft question of this quiz has, in the style of its neighbours
    (te-q3 -> te-q4; a module-test question follows the keys of its lesson)."""
    taken = set(Question.objects.filter(quiz=quiz).values_list("key", flat=True))
    taken |= {q["key"] for q in data["questions"]}
    samples = [q["key"] for q in data["questions"] if lesson is None or q.get("lesson") == lesson]
    prefix = None
    for sample in reversed(samples):
        match = _KEY_RE.match(sample)
        if match:
            prefix = match["prefix"]
            break
    if prefix is None:
        base = lesson or (quiz.lesson.slug if quiz.lesson else "q")
        prefix = f"{'mt-' if is_test(quiz) else ''}{base}-"
    numbers = [int(m["n"]) for k in taken if (m := _KEY_RE.match(k)) and m["prefix"] == prefix]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def put_question(data: dict, key: str | None, question: dict) -> dict:
    """The draft with `question` replacing the one with `key`, or appended when key is None."""
    questions = list(data["questions"])
    index = find_question(data, key) if key else None
    if index is None:
        questions.append(question)
    else:
        questions[index] = question
    return {**data, "questions": questions}


def add_as_new_question(quiz: Quiz, data: dict, key: str, question: dict) -> dict:
    """The instructor's version of an answered question goes in as a new question right after
    it, and the answered one leaves the quiz (publishing retires it, keeping its answers)."""
    index = find_question(data, key)
    fresh = {
        **question,
        "id": None,
        "key": new_key(quiz, data, question.get("lesson")),
        "options": [{**o, "id": None} for o in question["options"]],
    }
    questions = list(data["questions"])
    if index is None:
        questions.append(fresh)
    else:
        questions[index] = fresh
    return {**data, "questions": questions}


def move_question(data: dict, key: str, step: int) -> dict:
    questions = list(data["questions"])
    index = find_question(data, key)
    if index is not None and 0 <= index + step < len(questions):
        questions[index], questions[index + step] = questions[index + step], questions[index]
    return {**data, "questions": questions}


def remove_question(data: dict, key: str) -> dict:
    return {**data, "questions": [q for q in data["questions"] if q["key"] != key]}


# --- publishing -------------------------------------------------------------------------------


def publish_quiz(quiz: Quiz, data: dict, user: AbstractBaseUser, *, note: str = "") -> Revision:
    """Apply the draft to the live quiz, questions and options in one transaction, render every
    text once, record the revision and drop the draft. Raises AuthoringError."""
    table = current_price_table()
    with transaction.atomic():
        live = Quiz.objects.select_for_update().select_related("module", "lesson").get(pk=quiz.pk)
        data = clean_quiz(live, data)
        # Checked inside the lock: an answer recorded since the draft was saved counts.
        problems = quiz_problems(live, data, table)
        if problems:
            raise AuthoringError(problems)
        before = quiz_snapshot(live)
        if before == data:
            raise AuthoringError("Nothing to publish: this is the published version.")
        ensure_baseline(Kind.QUIZ, live.pk, before)
        live.title = data["title"]
        if is_test(live):
            live.pass_mark = data["pass_mark"]
        live.save()
        lessons = {lesson.slug: lesson for lesson in live.module.lessons.all()}
        kept: list[int] = []
        for order, item in enumerate(data["questions"], start=1):
            question = _apply_question(live, item, order, lessons, table)
            item["id"] = question.pk
            kept.append(question.pk)
        removed = live.questions.filter(is_active=True).exclude(pk__in=kept)
        answered_ids = set(
            Answer.objects.filter(question__in=removed).values_list("question_id", flat=True)
        )
        removed.filter(pk__in=answered_ids).update(is_active=False)
        removed.exclude(pk__in=answered_ids).delete()
        revision = record_revision(
            Kind.QUIZ, live.pk, quiz_snapshot(live), user=user, source=Revision.Source.APP,
            note=note,
        )  # fmt: skip
        discard_draft(Kind.QUIZ, live.pk)
    return revision


def _apply_question(
    quiz: Quiz, item: dict, order: int, lessons: dict, table: PriceTable
) -> Question:
    values = {
        "order": order,
        "stem_markdown": item["stem"],
        "stem_html": render_markdown(item["stem"], table=table),
        "lesson": lessons[item["lesson"]] if is_test(quiz) else quiz.lesson,
        "slot": item.get("slot") if is_test(quiz) else None,
        "scenario": item.get("scenario") or {},
        "is_active": True,
    }
    if item["id"]:
        question = Question.objects.get(pk=item["id"], quiz=quiz)
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
    else:
        question = Question.objects.create(quiz=quiz, key=item["key"], **values)
    keep = [o["id"] for o in item["options"] if o["id"]]
    # Validation refused removing an answered option; PROTECT would stop it here anyway.
    question.choices.exclude(pk__in=keep).delete()
    # Free the order numbers first: (question, order) is unique.
    question.choices.update(order=F("order") + 100)
    for position, option in enumerate(item["options"], start=1):
        values = {
            "order": position,
            "text_markdown": option["text"],
            "text_html": render_markdown(option["text"], table=table),
            "is_correct": option["correct"],
            "feedback_markdown": option["feedback"],
            "feedback_html": render_markdown(option["feedback"], table=table),
            "computes": option.get("computes", ""),
        }
        updated = option["id"] and Choice.objects.filter(pk=option["id"], question=question).update(
            **values
        )
        if not updated:
            Choice.objects.create(question=question, **values)
    return question
