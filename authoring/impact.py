"""What a price change does to the course: which living numbers move, and by how much.

Every figure a learner reads comes from a shortcode or a ```calc block in some lesson, quiz or
lab text (courses/rendering.py). `figure_changes` evaluates each of them under the old and the
new table and lists the ones whose shown value differs, by lesson. `rerender_course` stores
every text's HTML again under the new table.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from authoring.drafts import AuthoringError
from courses.content import glossary_markdown, identical_options
from courses.models import Lesson
from courses.navigation import content_changed
from courses.rendering import (
    CALC_FENCE,
    SHORTCODE,
    LivingNumberError,
    evaluate_shortcode,
    render_markdown,
)
from labs.calculator import PriceTable
from labs.calculator.command_line import run_command_line
from labs.calculator.errors import CalculatorError
from labs.cards import TITLES, format_value, label
from labs.models import Lab
from quizzes.models import Choice, Question
from quizzes.scenarios import spec_problems

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
MAX_PER_BLOCK = 8


@dataclass(frozen=True)
class CourseText:
    """One Markdown text of the course and where a learner reads it."""

    lesson_order: int
    lesson_title: str
    place: str
    markdown: str


def course_texts() -> list[CourseText]:
    texts = []
    lessons = Lesson.objects.select_related("module").order_by("module__number", "order")
    for lesson in lessons:

        def add(place: str, markdown: str, lesson: Lesson = lesson) -> None:
            texts.append(CourseText(lesson.order, lesson.title, place, markdown))

        add("lesson text", lesson.body_markdown)
        add("key terms", glossary_markdown(lesson.key_terms))
        questions = Question.objects.filter(is_active=True, lesson=lesson).select_related("quiz")
        for question in questions.prefetch_related("choices").order_by("quiz__kind", "order"):
            where = ("module test" if question.quiz.kind == "test" else "quiz") + " question"
            add(f"{where} {question.key}", question.stem_markdown)
            for choice in question.choices.all():
                add(f"{where} {question.key}", choice.text_markdown)
                add(f"{where} {question.key}", choice.feedback_markdown)
        lab = Lab.objects.filter(lesson=lesson).first()
        if lab:
            add(f"lab {lab.title}", lab.task_markdown)
            add(f"lab {lab.title}", lab.greeting_markdown)
    return texts


def _number(text: str) -> Decimal | None:
    match = _NUMBER.search(text)
    if not match:
        return None
    try:
        return Decimal(match[0].replace(",", ""))
    except InvalidOperation:
        return None


def percent_change(before: str, after: str) -> str:
    """ "+5.0%" between two shown figures; percentages change by points ("+0.4 pts")."""
    old, new = _number(before), _number(after)
    if old is None or new is None:
        return ""
    if before.endswith("%") and after.endswith("%"):
        return f"{new - old:+.1f} pts"
    if old == 0:
        return ""
    return f"{(new - old) / abs(old) * 100:+.1f}%"


def _shown(shortcode: str, table: PriceTable) -> str:
    try:
        return evaluate_shortcode(shortcode, table)[0]
    except LivingNumberError as exc:
        return f"cannot be computed: {exc}"


def _shortcode_source(shortcode: str, table: PriceTable) -> str:
    try:
        return evaluate_shortcode(shortcode, table)[1]
    except LivingNumberError:
        return shortcode


def _leaves(value: Any, path: str = "", context: str = "") -> dict[str, tuple[str, str, Any]]:
    """The figures of a calculator answer: {path: (what, field, value)}."""
    out: dict[str, tuple[str, str, Any]] = {}
    if isinstance(value, dict):
        name = value.get("display_name") or value.get("model") or ""
        here = f"{context}, {name}" if name and name not in context else context
        for key, item in value.items():
            if key in ("assumptions", "warnings", "note", "source", "aliases"):
                continue
            out.update(_leaves(item, f"{path}.{key}" if path else key, here))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_leaves(item, f"{path}.{i}", context))
    else:
        field = path.rsplit(".", 1)[-1]
        if (
            field.endswith(("_usd", "_pct"))
            or field == "status"
            or (isinstance(value, int) and not isinstance(value, bool))
        ):
            out[path] = (context, field, value)
    return out


def _answer(command: str, table: PriceTable) -> dict | str:
    try:
        return run_command_line(command, table)
    except (CalculatorError, ArithmeticError, ValueError) as exc:
        return f"cannot be computed: {exc}"


def _block_changes(command: str, old: PriceTable, new: PriceTable) -> list[tuple[str, str, str]]:
    before, after = _answer(command, old), _answer(command, new)
    if isinstance(before, str) or isinstance(after, str):
        return [] if before == after else [(f"calc block {command}", str(before), str(after))]
    title = TITLES.get(str(after.get("command")), "Calculation")
    old_leaves, new_leaves = _leaves(before), _leaves(after)
    changes = []
    for path, (context, field, value) in new_leaves.items():
        shown_after = format_value(field, value)
        old_value = old_leaves.get(path)
        shown_before = format_value(field, old_value[2]) if old_value else "—"
        if shown_before != shown_after:
            what = f"{title}{context}: {label(field)}"
            changes.append((what, shown_before, shown_after))
    if len(changes) > MAX_PER_BLOCK:
        extra = len(changes) - MAX_PER_BLOCK
        changes = changes[:MAX_PER_BLOCK]
        changes.append((f"{title}: {extra} more figures in this table", "", ""))
    return changes


def living_numbers_differ(markdown: str, old: PriceTable, new: PriceTable) -> bool:
    """Whether any shortcode or calc block of `markdown` shows something else under `new`:
    the texts whose stored HTML a change of table (or of date) makes stale."""
    for match in CALC_FENCE.finditer(markdown):
        command = match["body"].strip()
        if _answer(command, old) != _answer(command, new):
            return True
    outside = CALC_FENCE.sub("", markdown)
    return any(
        _shown(code, old) != _shown(code, new)
        for code in (m[1].strip() for m in SHORTCODE.finditer(outside))
    )


def figure_changes(
    old: PriceTable, new: PriceTable, texts: list[CourseText] | None = None
) -> list[dict]:
    """Every living number whose shown value differs between the two tables, in lesson order:
    [{lesson, order, place, what, before, after, change}]. Repeats are listed once."""
    seen = set()
    changes = []
    for text in course_texts() if texts is None else texts:
        found: list[tuple[str, str, str]] = []
        for match in CALC_FENCE.finditer(text.markdown):
            found += _block_changes(match["body"].strip(), old, new)
        outside = CALC_FENCE.sub("", text.markdown)
        for match in SHORTCODE.finditer(outside):
            code = match[1].strip()
            before, after = _shown(code, old), _shown(code, new)
            if before != after:
                what = _shortcode_source(code, new)
                if code.startswith("calc") and "|" in code:
                    what = f"{what} → {code.rsplit('|', 1)[1].strip()}"
                found.append((what, before, after))
        for what, before, after in found:
            item = {
                "lesson": f"Lesson {text.lesson_order}: {text.lesson_title}",
                "order": text.lesson_order,
                "place": text.place,
                "what": what,
                "before": before,
                "after": after,
                "change": percent_change(before, after),
            }
            key = tuple(item.values())
            if key not in seen:
                seen.add(key)
                changes.append(item)
    return changes


def option_collisions(table: PriceTable) -> list[str]:
    """Every live question under which two options would read the same with `table`, named:
    'Module test question mt-te-1: options A and C both read "$14.00"'. A price change can do
    this to options written as living numbers; publishing such a table is refused, since one of
    the two may be right and the other wrong. An option that does not compute is left to
    `rerender_course`, which names it."""
    problems = []
    questions = (
        Question.objects.filter(is_active=True)
        .select_related("quiz")
        .prefetch_related("choices")
        .order_by("quiz__kind", "quiz_id", "order")
    )
    for question in questions:
        where = "Module test" if question.quiz.kind == "test" else "Quiz"
        if question.scenario:
            # A scenario item's options are templates that read alike until drawn: what must
            # hold under the new prices is that its draws still compute and never collide.
            computes = [c.computes for c in question.choices.all()]
            problems += [
                f"{where} question {question.key}: {p} under this price table. Change the "
                "prices, or the item's ranges first."
                for p in spec_problems(question.scenario, computes, [], table)
            ]
            continue
        try:
            rendered = [
                render_markdown(c.text_markdown, table=table) for c in question.choices.all()
            ]
        except LivingNumberError:
            continue
        problems += [
            f"{where} question {question.key}: {same} under this price table, so a learner "
            "could not tell them apart. Change the prices, or reword the question first."
            for same in identical_options(rendered)
        ]
    return problems


def _size(change: dict) -> Decimal:
    number = _number(change.get("change", "")) if change.get("change", "").endswith("%") else None
    return abs(number) if number is not None else Decimal(-1)


def group_by_lesson(changes: list[dict]) -> list[dict]:
    """[{lesson, changes, headline}] in lesson order, for the page; the headline is the change
    that moved most ("$760.00 → $798.00 (+5.0%)")."""
    groups: dict[str, dict] = {}
    for change in sorted(changes, key=lambda c: c.get("order", 0)):
        groups.setdefault(change["lesson"], {"lesson": change["lesson"], "changes": []})
        groups[change["lesson"]]["changes"].append(change)
    for group in groups.values():
        group["headline"] = max(group["changes"], key=_size)
    return list(groups.values())


def rerender_course(table: PriceTable) -> int:
    """Render every lesson, question, option and lab text again under `table` and store what
    changed. Returns the number of rows written. Raises AuthoringError naming every text whose
    living number no longer computes (the caller's transaction then writes nothing)."""
    problems: list[str] = []
    written = 0

    def render(text: str, where: str, *, strict: bool = True) -> str | None:
        try:
            return render_markdown(text, table=table)
        except LivingNumberError as exc:
            if strict:
                problems.append(f"{where}: {exc}")
            return None

    for lesson in Lesson.objects.all():
        body = render(lesson.body_markdown, f"Lesson {lesson.order} ({lesson.slug}), text")
        terms = render(
            glossary_markdown(lesson.key_terms), f"Lesson {lesson.order} ({lesson.slug}), key terms"
        )
        if (
            body is not None
            and terms is not None
            and (body != lesson.body_html or terms != lesson.key_terms_html)
        ):
            Lesson.objects.filter(pk=lesson.pk).update(body_html=body, key_terms_html=terms)
            written += 1
    # Retired questions too, where they still render: reviews of old attempts show them.
    for question in Question.objects.all():
        stem = render(
            question.stem_markdown, f"Question {question.key}, question text",
            strict=question.is_active,
        )  # fmt: skip
        if stem is not None and stem != question.stem_html:
            Question.objects.filter(pk=question.pk).update(stem_html=stem)
            written += 1
    for choice in Choice.objects.select_related("question"):
        where = f"Question {choice.question.key}, option {choice.order}"
        strict = choice.question.is_active
        text = render(choice.text_markdown, f"{where} text", strict=strict)
        feedback = render(choice.feedback_markdown, f"{where} feedback", strict=strict)
        if (
            text is not None
            and feedback is not None
            and (text != choice.text_html or feedback != choice.feedback_html)
        ):
            Choice.objects.filter(pk=choice.pk).update(text_html=text, feedback_html=feedback)
            written += 1
    for lab in Lab.objects.all():
        task = render(lab.task_markdown, f"Lab {lab.slug}, task")
        greeting = render(lab.greeting_markdown, f"Lab {lab.slug}, greeting")
        if (
            task is not None
            and greeting is not None
            and (task != lab.task_html or greeting != lab.greeting_html)
        ):
            Lab.objects.filter(pk=lab.pk).update(task_html=task, greeting_html=greeting)
            written += 1
    if written:
        # update() sends no signal: retire the content cached for the old texts here.
        content_changed()
    if problems:
        raise AuthoringError(problems)
    return written
