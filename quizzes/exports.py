"""CSV exports of attempts and of individual answers, streamed row by row.

Both read one query through a server-side iterator, so an export of a hundred thousand rows
uses the memory of a chunk, not of the whole table.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils.html import strip_tags

from quizzes.models import Answer
from quizzes.reports import ReportFilter
from quizzes.scenarios import option_method

ATTEMPT_COLUMNS = [
    "attempt_id", "learner", "email", "module", "quiz", "kind", "started_at", "submitted_at",
    "score", "total", "percent", "passed", "status",
]  # fmt: skip
ANSWER_COLUMNS = [
    "answer_id", "attempt_id", "learner", "email", "quiz", "kind", "question_key",
    "question_order", "choice_order", "choice_text", "is_correct", "answered_at",
    "attempt_status",
]  # fmt: skip
CHUNK = 2000


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text a learner controls (a username like
    `=HYPERLINK(...)`): a leading quote makes Excel and LibreOffice show it as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("yes" if value else "no")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _status(submitted_at: datetime | None, voided: bool) -> str:
    if voided:
        return "reset"
    return "submitted" if submitted_at else "in progress"


def attempt_rows(report_filter: ReportFilter) -> Iterator[list[object]]:
    rows = (
        report_filter.attempts()
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "user__username",
            "user__email",
            "quiz__module__slug",
            "quiz__title",
            "quiz__kind",
            "started_at",
            "submitted_at",
            "score",
            "total",
            "passed",
            "voided",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        (
            pk,
            username,
            email,
            module,
            quiz,
            kind,
            started,
            submitted,
            score,
            total,
            passed,
            voided,
        ) = row
        percent = round(100 * score / total, 1) if score is not None and total else None
        yield [
            pk, username, email, module, quiz, kind, started, submitted, score,
            total if submitted else None, percent, passed if submitted else None,
            _status(submitted, voided),
        ]  # fmt: skip


def answer_rows(report_filter: ReportFilter) -> Iterator[list[object]]:
    rows = (
        Answer.objects.filter(report_filter.q("attempt__"))
        .order_by("attempt__started_at", "attempt_id", "question__order")
        .values_list(
            "pk",
            "attempt_id",
            "attempt__user__username",
            "attempt__user__email",
            "attempt__quiz__title",
            "attempt__quiz__kind",
            "question__key",
            "question__order",
            "choice__order",
            "choice__text_html",
            "choice__computes",
            "question__scenario",
            "is_correct",
            "answered_at",
            "attempt__submitted_at",
            "attempt__voided",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        *values,
        choice_html,
        computes,
        scenario,
        is_correct,
        answered_at,
        submitted,
        voided,
    ) in rows:
        # A scenario option's text is a template ("{amount} a day") whose figures differ per
        # attempt, so it is named by what it computes; a fixed option by its plain text.
        if scenario and computes:
            text = option_method(scenario, computes)
        else:
            text = html.unescape(strip_tags(choice_html)).strip()
        yield [*values, text, is_correct, answered_at, _status(submitted, voided)]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
