"""Concepts in the editor: the concept base the offline tutor answers idea questions from.

The same lifecycle as the other kinds (snapshot, clean, problems, render, publish; drafts and
history through authoring/drafts.py and history.py), plus the two things only this kind has:
"try it" (which concept a typed question retrieves, and the runner-up) and the files it is
synced from and exported to, `content/modules/<module>/concepts/<lesson>.yaml`.

A snapshot has the shape of one concept in those files (slug, section, also, title, questions,
keywords, answer), so export writes snapshots as they are and export then sync changes nothing.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from authoring.drafts import AuthoringError, clean_text, discard_draft
from authoring.history import ensure_baseline, record_revision
from authoring.models import Draft, Kind, Revision
from authoring.pricing import current_price_table
from courses.content import ContentError, SyncReport
from courses.export import _write, dump_yaml
from courses.models import Lesson, Module
from courses.outline import lesson_outline
from courses.rendering import LivingNumberError, render_markdown, render_untrusted_markdown
from labs.calculator import PriceTable
from labs.concept_base import concept_from_row, published_concepts
from labs.models import Concept as ConceptRow
from labs.tutor.concept_answers import concept_text
from labs.tutor.concepts import (
    Concept,
    ConceptBase,
    ConceptFileError,
    Match,
    load_concepts,
    read_concepts,
)

FIELDS = ("slug", "section", "also", "title", "questions", "keywords", "answer")
MAX_QUESTIONS = 6
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def concept_snapshot(row: ConceptRow) -> dict:
    return {
        "slug": row.slug,
        "section": row.section,
        "also": list(row.also),
        "title": row.title,
        "questions": list(row.questions),
        "keywords": list(row.keywords),
        "answer": row.answer,
    }


def _items(value: object) -> list[str]:
    items = value if isinstance(value, list) else []
    return [clean_text(item) for item in items if clean_text(item)]


def clean_concept(data: dict) -> dict:
    """Text stripped as the concept reader strips it, so export then sync changes nothing."""
    return {
        "slug": clean_text(data.get("slug")),
        "section": clean_text(data.get("section")),
        "also": _items(data.get("also")),
        "title": clean_text(data.get("title")),
        "questions": _items(data.get("questions")),
        "keywords": _items(data.get("keywords")),
        "answer": clean_text(data.get("answer")),
    }


def concept_yaml(data: dict) -> str:
    """One concept as it reads in its lesson's file: what history diffs show."""
    return dump_yaml([_file_entry(data)])


def lesson_sections(lesson: Lesson) -> list[tuple[str, str]]:
    """(anchor, heading) of each h2 and h3 of the published lesson, in page order: the only
    places a concept may link to."""
    out = []
    for entry in lesson_outline(lesson.body_html):
        out.append((entry.anchor, entry.text))
        out += [(child.anchor, f"\u2003{child.text}") for child in entry.children]
    return out


def _with_draft(row: ConceptRow, data: dict) -> Concept:
    """The concept as it would be published: what the tutor would read."""
    live = concept_from_row(row)
    return Concept(
        slug=data["slug"] or live.slug, lesson=live.lesson, section=data["section"],
        title=data["title"], questions=tuple(data["questions"]),
        keywords=tuple(data["keywords"]), answer=data["answer"], module=live.module,
        also=tuple(data["also"]),
    )  # fmt: skip


def base_with(row: ConceptRow, data: dict) -> ConceptBase:
    """The published base with this concept replaced by its draft (built per request: an
    editor's preview, not a learner's answer)."""
    edited = _with_draft(row, data)
    return ConceptBase([edited if c.slug == row.slug else c for c in published_concepts()])


def _first_for(base: ConceptBase, question: str) -> Concept | None:
    match = base.find(question)
    if match is not None:
        return match.concept
    ranked = base.rank(question, k=1)
    return ranked[0][0] if ranked else None


def answer_problems(data: dict, table: PriceTable | None = None) -> list[str]:
    """An empty answer, or a living number in it the price table cannot give (the tutor would
    show "a figure the price table cannot give" in its place)."""
    if not data["answer"]:
        return ["The answer is empty."]
    try:
        render_markdown(data["answer"], table=table or current_price_table())
    except LivingNumberError as exc:
        return [f"The answer: {exc}"]
    return []


def concept_problems(row: ConceptRow, data: dict, table: PriceTable | None = None) -> list[str]:
    """Everything that stops `data` (cleaned) from being published for `row`."""
    problems = []
    if not SLUG_RE.match(data["slug"]):
        problems.append("The slug must be lowercase words joined by dashes (fixed-cost-tools).")
    elif ConceptRow.objects.filter(slug=data["slug"]).exclude(pk=row.pk).exists():
        problems.append(f"The slug {data['slug']} is already used by another concept.")
    if not data["title"]:
        problems.append("The title is empty.")
    sections = dict(lesson_sections(row.lesson))
    if not data["section"]:
        problems.append("Choose the section of the lesson that teaches this idea.")
    elif data["section"] not in sections:
        problems.append(
            f"The section #{data['section']} is not a heading of the lesson "
            f"\u201c{row.lesson.title}\u201d (it may have been renamed): choose one of its "
            "headings."
        )
    if not data["questions"]:
        problems.append("Write at least one sample question.")
    elif len(data["questions"]) > MAX_QUESTIONS:
        problems.append(
            f"Keep to {MAX_QUESTIONS} sample questions ({len(data['questions'])} now): the "
            "best-phrased few retrieve better than many."
        )
    problems += answer_problems(data, table)
    if data["title"] and data["questions"] and not problems:
        base = base_with(row, data)
        for question in data["questions"]:
            first = _first_for(base, question)
            if first is None:
                problems.append(
                    f"The sample question \u201c{question}\u201d retrieves no concept: add "
                    "keywords it uses."
                )
            elif first.slug != (data["slug"] or row.slug):
                problems.append(
                    f"The sample question \u201c{question}\u201d retrieves "
                    f"\u201c{first.title}\u201d first: reword it or add keywords, or the tutor "
                    "answers it with that concept."
                )
    return problems


def render_concept(row: ConceptRow, data: dict, table: PriceTable | None = None) -> str:
    """The tutor's answer as learners see it in a lab: its text (living numbers filled in
    from the price table, the lesson link) rendered as the worker renders every reply."""
    concept = _with_draft(row, data)
    text = concept_text([Match(concept, 0.0, None, 0.0)], table or current_price_table())
    return render_untrusted_markdown(text)


@dataclass(frozen=True)
class Retrieved:
    question: str
    best: Concept | None
    best_score: float
    runner_up: Concept | None
    runner_up_score: float
    # Whether the tutor answers from the best match (it clears the score floor and margin).
    answered: bool
    # The concept being edited, for the page to say whether the question found it.
    editing: str

    @property
    def finds_this(self) -> bool:
        return self.best is not None and self.best.slug == self.editing


def try_concept(row: ConceptRow, data: dict, question: str) -> Retrieved:
    """Which concept `question` retrieves with the draft in place of the published concept,
    and the runner-up: what the tutor would answer from."""
    base = base_with(row, data)
    ranked = base.rank(question, k=2)
    match = base.find(question)
    best, best_score = ranked[0] if ranked else (None, 0.0)
    runner, runner_score = ranked[1] if len(ranked) > 1 else (None, 0.0)
    answered = match is not None and match.runner_up is None
    return Retrieved(
        question=question, best=best, best_score=best_score, runner_up=runner,
        runner_up_score=runner_score, answered=answered, editing=data["slug"] or row.slug,
    )  # fmt: skip


def publish_problems(row: ConceptRow, data: dict) -> list[str]:
    """What would stop `publish_concept` now, checked before the instructor is asked to confirm."""
    data = clean_concept(data)
    problems = concept_problems(row, data)
    if not problems and concept_snapshot(row) == data:
        return ["Nothing to publish: this is the published version."]
    return problems


def publish_concept(
    row: ConceptRow, data: dict, user: AbstractBaseUser, *, note: str = ""
) -> Revision:
    """Copy the draft into the live concept, record the revision and drop the draft, all or
    nothing. Saving the row bumps the concept base's version: the tutor's next answer uses it."""
    data = clean_concept(data)
    problems = concept_problems(row, data)
    if problems:
        raise AuthoringError(problems)
    with transaction.atomic():
        live = ConceptRow.objects.select_for_update().select_related("lesson").get(pk=row.pk)
        before = concept_snapshot(live)
        if before == data:
            raise AuthoringError("Nothing to publish: this is the published version.")
        ensure_baseline(Kind.CONCEPT, live.pk, before)
        for name in FIELDS:
            setattr(live, name, data[name])
        try:
            with transaction.atomic():
                live.save()
        except IntegrityError:
            # Another concept took the slug since the check above (only this row is locked).
            raise AuthoringError(
                f"The slug {data['slug']} is already used by another concept."
            ) from None
        revision = record_revision(
            Kind.CONCEPT, live.pk, data, user=user, source=Revision.Source.APP, note=note
        )
        discard_draft(Kind.CONCEPT, live.pk)
    return revision


# --- the files ---------------------------------------------------------------------------------


def _file_entry(data: dict) -> dict:
    """A snapshot as the hand-written files have it: no empty section or `also`."""
    entry = {"slug": data["slug"]}
    if data.get("section"):
        entry["section"] = data["section"]
    if data.get("also"):
        entry["also"] = list(data["also"])
    entry.update(
        title=data["title"], questions=list(data["questions"]),
        keywords=list(data["keywords"]), answer=data["answer"],
    )  # fmt: skip
    return entry


def check_concept_files(content_dir: Path) -> int:
    """Validate every concept file without writing anything (sync_content --check); returns
    how many concepts they hold. Raises ContentError naming the file and the concept."""
    try:
        return len(load_concepts(content_dir))
    except ConceptFileError as exc:
        raise ContentError(content_dir / "modules", "concepts", str(exc)) from None


def _module_folders(content_dir: Path) -> dict[str, Path]:
    return {
        module.slug: content_dir / "modules" / f"{module.number:02d}-{module.slug}"
        for module in Module.objects.all()
    }


def sync_concepts(content_dir: Path, report: SyncReport) -> list[tuple[str, int]]:
    """Upsert every concept file of the loaded modules by slug; delete the concepts the files no
    longer hold. Returns the (kind, id) of each concept created, changed or deleted, so the
    caller can refuse to overwrite unexported edits. Raises ContentError for a bad file."""
    changed: list[tuple[str, int]] = []
    seen: set[str] = set()
    for module_slug, folder in _module_folders(content_dir).items():
        lessons = {
            lesson.slug: lesson for lesson in Lesson.objects.filter(module__slug=module_slug)
        }
        for path in sorted(folder.glob("concepts/*.yaml")):
            try:
                concepts = read_concepts(path, module_slug)
            except ConceptFileError as exc:
                raise ContentError(path, "", str(exc).partition(": ")[2]) from None
            for order, concept in enumerate(concepts, start=1):
                lesson = lessons.get(concept.lesson)
                if lesson is None:
                    raise ContentError(
                        path, "lesson", f"no lesson {concept.lesson!r} in the module"
                    )
                if concept.slug in seen:
                    raise ContentError(path, "", f"{concept.slug}: slug used twice")
                seen.add(concept.slug)
                values = {
                    "lesson": lesson, "order": order, "section": concept.section,
                    "title": concept.title, "questions": list(concept.questions),
                    "keywords": list(concept.keywords), "answer": concept.answer,
                    "also": list(concept.also),
                }  # fmt: skip
                row = ConceptRow.objects.filter(slug=concept.slug).first()
                if row is None:
                    row = ConceptRow.objects.create(slug=concept.slug, **values)
                    report.created.append(f"concept {concept.slug}")
                    changed.append((Kind.CONCEPT, row.pk))
                    continue
                fields = [name for name, value in values.items() if getattr(row, name) != value]
                if fields:
                    for name in fields:
                        setattr(row, name, values[name])
                    row.save()
                    report.updated.append(f"concept {concept.slug} ({', '.join(fields)})")
                    changed.append((Kind.CONCEPT, row.pk))
    gone = ConceptRow.objects.filter(lesson__module__slug__in=list(_module_folders(content_dir)))
    for row in gone.exclude(slug__in=seen):
        changed.append((Kind.CONCEPT, row.pk))
        report.deactivated.append(f"concept {row.slug}")
        Draft.objects.filter(kind=Kind.CONCEPT, object_id=row.pk).delete()
        row.delete()
    return changed


def export_concepts(content_dir: Path) -> list[Path]:
    """Write each lesson's published concepts to its file; return the files whose text changed."""
    written: list[Path] = []
    folders = _module_folders(content_dir)
    rows = ConceptRow.objects.select_related("lesson__module").order_by("lesson_id", "order")
    by_lesson: dict[int, list[ConceptRow]] = {}
    for row in rows:
        by_lesson.setdefault(row.lesson_id, []).append(row)
    for concepts in by_lesson.values():
        lesson = concepts[0].lesson
        data = {
            "lesson": lesson.slug,
            "concepts": [_file_entry(concept_snapshot(row)) for row in concepts],
        }
        path = folders[lesson.module.slug] / "concepts" / f"{lesson.slug}.yaml"
        _write(path, dump_yaml(data), written)
    return written
