"""Model statuses that move with the calendar, and the stored texts that move with them.

A model's status is derived from its dates (`PriceTable.on`): Sonnet 4.5, deprecated with its
retirement on 2026-11-30, is retired from that day on. Pages read the table on today's date, but
lesson, quiz and lab HTML is rendered once and stored, so a text with `{{ model X status }}`,
`{{ model X retirement }}` or a models table would keep yesterday's wording. `rerender_statuses`
(run by a daily beat task) stores again only the texts whose living numbers read differently
today than on the previous run, and records what moved for the price page.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction

from authoring.impact import figure_changes, living_numbers_differ
from authoring.models import StatusRender
from authoring.pricing import course_today, current_price_table
from courses.content import glossary_markdown
from courses.models import Lesson
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import PriceTable
from labs.models import Lab
from quizzes.models import Choice, Question

log = logging.getLogger(__name__)


def status_changes(old: PriceTable, new: PriceTable) -> list[str]:
    """Each model whose status differs between two readings of the table, named:
    "Claude Sonnet 4.5: deprecated → retired (retirement date 2026-11-30)"."""
    before = {m.id: m.status for m in old.models}
    changes = []
    for model in new.models:
        if model.id in before and before[model.id] != model.status:
            when = f" (retirement date {model.retired.isoformat()})" if model.retired else ""
            changes.append(f"{model.display_name}: {before[model.id]} → {model.status}{when}")
    return changes


# (row, the place it is named by, [(markdown field, html field)]) for every stored course text.
_Text = tuple[object, str, list[tuple[str, str]]]


def _stored_texts() -> Iterator[_Text]:
    for lesson in Lesson.objects.order_by("module__number", "order"):
        lesson.key_terms_markdown = glossary_markdown(lesson.key_terms)
        yield (
            lesson,
            f"Lesson {lesson.order} ({lesson.slug})",
            [("body_markdown", "body_html"), ("key_terms_markdown", "key_terms_html")],
        )
    # Retired questions too: reviews of old attempts show them.
    for question in Question.objects.order_by("pk"):
        yield question, f"Question {question.key}", [("stem_markdown", "stem_html")]
    for choice in Choice.objects.select_related("question").order_by("pk"):
        yield (
            choice,
            f"Question {choice.question.key}, option {choice.order}",
            [("text_markdown", "text_html"), ("feedback_markdown", "feedback_html")],
        )
    for lab in Lab.objects.order_by("pk"):
        yield (
            lab,
            f"Lab {lab.slug}",
            [("task_markdown", "task_html"), ("greeting_markdown", "greeting_html")],
        )


def rerender_moved(old: PriceTable, new: PriceTable) -> tuple[list[str], list[str]]:
    """Store again, rendered under `new`, every text whose living numbers read differently
    than under `old`; texts that did not move are not rendered at all. Returns (the texts
    written, the texts that no longer compute, which keep their old HTML)."""
    written, problems = [], []
    for row, where, fields in _stored_texts():
        moved = [
            (md, html) for md, html in fields if living_numbers_differ(getattr(row, md), old, new)
        ]
        updates = {}
        for md, html in moved:
            try:
                shown = render_markdown(getattr(row, md), table=new)
            except LivingNumberError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if shown != getattr(row, html):
                updates[html] = shown
        if updates:
            type(row).objects.filter(pk=row.pk).update(**updates)
            written.append(where)
    return written, problems


def rerender_statuses(
    on: dt.date | None = None, *, table: Callable[[dt.date], PriceTable] = current_price_table
) -> StatusRender | None:
    """Re-render the texts whose status wording moved between the previous run and `on`
    (default today), once per date. Returns the record, or None when `on` was already done
    (a duplicate delivery, or the hourly beat calling again the same day)."""
    on = on or course_today()
    previous = StatusRender.objects.filter(on__lt=on).order_by("-on").first()
    since = previous.on if previous else None
    new = table(on)
    # Before any run, the stored texts were rendered with the statuses as the table states
    # them (or with today's, after a sync): comparing with the stated ones catches both.
    old = table(since) if since else _as_stated(new)
    try:
        with transaction.atomic():
            # The claim: a unique date. A second run for the same date writes nothing.
            record = StatusRender.objects.create(on=on, since=since)
            changes = status_changes(old, new)
            if changes:
                record.changes = changes
                record.effects = figure_changes(old, new)
                record.written, record.problems = rerender_moved(old, new)
                record.save(update_fields=["changes", "effects", "written", "problems"])
    except IntegrityError:
        return None
    for problem in record.problems:
        log.error("Status re-render on %s: %s", on, problem)
    return record


def _as_stated(table: PriceTable) -> PriceTable:
    """The table with the statuses its file states, undated."""
    return PriceTable.from_data(table.to_data(), origin="price table")
