"""Lessons in the editor: their snapshot, validation, rendering and publishing."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from authoring.drafts import AuthoringError, clean_body, clean_text, discard_draft
from authoring.history import ensure_baseline, record_revision
from authoring.models import Kind, Revision
from authoring.pricing import current_price_table
from courses.content import glossary_markdown
from courses.models import Lesson
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import PriceTable

MAX_MINUTES = 240


def lesson_snapshot(lesson: Lesson) -> dict:
    return {
        "title": lesson.title,
        "minutes": lesson.minutes,
        "guiding_question": lesson.guiding_question,
        "objectives": list(lesson.objectives),
        "key_terms": [dict(term) for term in lesson.key_terms],
        "body_markdown": lesson.body_markdown,
    }


def clean_lesson(data: dict) -> dict:
    """Normalize text as content loading does, so export then sync changes nothing."""
    return {
        "title": clean_text(data.get("title")),
        "minutes": data.get("minutes"),
        "guiding_question": clean_text(data.get("guiding_question")),
        "objectives": [clean_text(o) for o in data.get("objectives", []) if clean_text(o)],
        "key_terms": [
            {"term": clean_text(t.get("term")), "definition": clean_text(t.get("definition"))}
            for t in data.get("key_terms", [])
        ],
        "body_markdown": clean_body(data.get("body_markdown")),
    }


def lesson_problems(data: dict) -> list[str]:
    problems = []
    if not data["title"]:
        problems.append("The title is empty.")
    minutes = data["minutes"]
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
        problems.append(f"Minutes must be a whole number from 1 to {MAX_MINUTES}.")
    if not data["guiding_question"]:
        problems.append("The guiding question is empty.")
    if not data["objectives"]:
        problems.append("Write at least one objective.")
    for i, term in enumerate(data["key_terms"], start=1):
        if not term["term"] or not term["definition"]:
            problems.append(f"Key term {i} needs both a term and a definition.")
        elif "\n" in term["term"] or "\n" in term["definition"]:
            problems.append(f"Key term {i} ({term['term']}) must fit on one line.")
    if not data["body_markdown"]:
        problems.append("The lesson has no text.")
    return problems


@dataclass(frozen=True)
class RenderedLesson:
    body_html: str
    key_terms_html: str


def render_lesson(data: dict, table: PriceTable | None = None) -> RenderedLesson:
    """The HTML learners will see. Raises AuthoringError naming the part whose living number
    cannot be computed."""
    table = table or current_price_table()
    problems = []
    body_html = key_terms_html = ""
    try:
        body_html = render_markdown(data["body_markdown"], table=table)
    except LivingNumberError as exc:
        problems.append(f"Lesson text: {exc}")
    try:
        key_terms_html = render_markdown(glossary_markdown(data["key_terms"]), table=table)
    except LivingNumberError as exc:
        problems.append(f"Key terms: {exc}")
    if problems:
        raise AuthoringError(problems)
    return RenderedLesson(body_html=body_html, key_terms_html=key_terms_html)


def lesson_with(lesson: Lesson, data: dict, rendered: RenderedLesson) -> Lesson:
    """An unsaved copy of the lesson holding the draft, for previews. Never saved."""
    copy = Lesson(
        pk=lesson.pk, module=lesson.module, slug=lesson.slug, order=lesson.order,
        body_html=rendered.body_html, key_terms_html=rendered.key_terms_html,
    )  # fmt: skip
    for name, value in data.items():
        setattr(copy, name, value)
    return copy


def publish_problems(lesson: Lesson, data: dict) -> list[str]:
    """What would stop `publish_lesson` now, checked before the instructor is asked to confirm
    (publishing checks again: the lesson may change in between)."""
    data = clean_lesson(data)
    problems = lesson_problems(data)
    if problems:
        return problems
    try:
        render_lesson(data)
    except AuthoringError as exc:
        return exc.problems
    if lesson_snapshot(lesson) == data:
        return ["Nothing to publish: this is the published version."]
    return []


def publish_lesson(
    lesson: Lesson, data: dict, user: AbstractBaseUser, *, note: str = ""
) -> Revision:
    """Copy the draft into the live lesson, render it once, record the revision and drop the
    draft, all or nothing. Raises AuthoringError."""
    data = clean_lesson(data)
    problems = lesson_problems(data)
    if problems:
        raise AuthoringError(problems)
    rendered = render_lesson(data)
    with transaction.atomic():
        live = Lesson.objects.select_for_update().get(pk=lesson.pk)
        before = lesson_snapshot(live)
        if before == data:
            raise AuthoringError("Nothing to publish: this is the published version.")
        ensure_baseline(Kind.LESSON, live.pk, before)
        for name, value in data.items():
            setattr(live, name, value)
        live.body_html = rendered.body_html
        live.key_terms_html = rendered.key_terms_html
        live.save()
        revision = record_revision(
            Kind.LESSON, live.pk, data, user=user, source=Revision.Source.APP, note=note
        )
        discard_draft(Kind.LESSON, live.pk)
    return revision
