"""Keeping content/ and the database in step: sync_content and export_content.

content/ stays the reviewable source: `export_to_files` writes the published state back (the
price table included) and `sync_from_files` loads the files. Every revision knows whether the
files hold it (`Revision.in_files`): a version published in the app and not exported since is
newer than the files, and a sync that would overwrite it stops and names it, unless forced.
"""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from authoring.concepts import concept_snapshot, export_concepts, sync_concepts
from authoring.history import latest_revision, object_label, record_revision
from authoring.models import PRICES_ID, Kind, Revision
from authoring.pricing import course_today, current_price_table
from authoring.snapshots import prices_yaml
from courses.content import ContentError, SyncReport, load_course, sync_course
from courses.export import export_course
from courses.models import Lesson
from labs.calculator import PriceTable, PriceTableError, load_price_table
from labs.models import Concept, Lab
from quizzes.models import Choice, Question, Quiz

PRICE_FILE = "pricing.yaml"


class SyncConflict(Exception):
    """The files would overwrite versions published in the app that were never exported."""

    def __init__(self, objects: list[str]) -> None:
        self.objects = objects
        super().__init__(
            "content/ is older than these edits published in the app: "
            + "; ".join(objects)
            + ". Run `manage.py export_content` to write them to content/ first, or run "
            "`manage.py sync_content --force` to overwrite them with the files."
        )


def read_price_file(content_dir: Path) -> PriceTable | None:
    path = content_dir / PRICE_FILE
    if not path.exists():
        return None
    try:
        # Read on today's date, like the published table: the sync renders lessons with it.
        return load_price_table(path).on(course_today())
    except PriceTableError as exc:
        raise ContentError(path, "", str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ContentError(
            path, "", f"is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None


def _owner(obj: Any) -> tuple[str, int] | None:
    """The object an instructor edits that a synced row belongs to."""
    if isinstance(obj, Lesson):
        return Kind.LESSON, obj.pk
    if isinstance(obj, Quiz):
        return Kind.QUIZ, obj.pk
    if isinstance(obj, Question):
        return Kind.QUIZ, obj.quiz_id
    if isinstance(obj, Choice):
        return Kind.QUIZ, obj.question.quiz_id
    if isinstance(obj, Lab):
        return Kind.LAB, obj.pk
    if isinstance(obj, Concept):
        return Kind.CONCEPT, obj.pk
    return None  # modules are edited in the files only


def _snapshot(kind: str, object_id: int) -> dict:
    from authoring.labs import lab_snapshot
    from authoring.lessons import lesson_snapshot
    from authoring.quizzes import quiz_snapshot

    if kind == Kind.LESSON:
        return lesson_snapshot(Lesson.objects.get(pk=object_id))
    if kind == Kind.QUIZ:
        return quiz_snapshot(Quiz.objects.get(pk=object_id))
    if kind == Kind.CONCEPT:
        return concept_snapshot(Concept.objects.get(pk=object_id))
    return lab_snapshot(Lab.objects.get(pk=object_id))


def _conflict(kind: str, object_id: int) -> str | None:
    revision = (
        Revision.objects.filter(kind=kind, object_id=object_id, in_files=False)
        .select_related("author")
        .order_by("-number")
        .first()
    )
    if revision is None:
        return None
    who = revision.author.get_username() if revision.author else "someone"
    return (
        f"{object_label(kind, object_id)} (version {revision.number}, published by {who} "
        f"on {revision.created_at:%Y-%m-%d %H:%M} UTC)"
    )


def _compared_owners(module_slugs: list[str]) -> set[tuple[str, int]]:
    """Every editable object of the synced modules: after a sync each equals its file."""
    lessons = Lesson.objects.filter(module__slug__in=module_slugs)
    quizzes = Quiz.objects.filter(module__slug__in=module_slugs)
    labs = Lab.objects.filter(lesson__module__slug__in=module_slugs)
    owners = {(Kind.LESSON, pk) for pk in lessons.values_list("pk", flat=True)}
    owners |= {(Kind.QUIZ, pk) for pk in quizzes.values_list("pk", flat=True)}
    owners |= {(Kind.LAB, pk) for pk in labs.values_list("pk", flat=True)}
    concepts = Concept.objects.filter(lesson__module__slug__in=module_slugs)
    owners |= {(Kind.CONCEPT, pk) for pk in concepts.values_list("pk", flat=True)}
    return owners


def sync_from_files(content_dir: Path, *, force: bool = False) -> SyncReport:
    """Validate content/ and load it, prices included. Raises ContentError for a bad file and
    SyncConflict (writing nothing) when the files would overwrite unexported app edits."""
    table = read_price_file(content_dir) or current_price_table()
    modules = load_course(content_dir, table)
    with transaction.atomic():
        conflicts = []
        table_data = table.to_data()
        latest = latest_revision(Kind.PRICES, PRICES_ID)
        prices_changed = latest is None or latest.data != table_data
        if prices_changed and latest is not None and (found := _conflict(Kind.PRICES, PRICES_ID)):
            conflicts.append(found)
        report = sync_course(modules)
        owners = {owner for obj in report.changed_objects if (owner := _owner(obj))}
        concepts = set(sync_concepts(content_dir, report))
        owners |= concepts
        conflicts += [found for kind, pk in sorted(owners) if (found := _conflict(kind, pk))]
        if conflicts and not force:
            raise SyncConflict(conflicts)  # leaves the atomic block: nothing is written
        if prices_changed:
            record_revision(
                Kind.PRICES, PRICES_ID, table_data, user=None, source=Revision.Source.FILES,
                note=f"Loaded from {PRICE_FILE}", in_files=True,
            )  # fmt: skip
            (report.created if latest is None else report.updated).append("price table")
        for kind, pk in sorted(owners):
            if kind == Kind.CONCEPT and not Concept.objects.filter(pk=pk).exists():
                continue  # deleted from the files: its history stays, with nothing to add
            record_revision(
                kind, pk, _snapshot(kind, pk), user=None, source=Revision.Source.FILES,
                note="Loaded from content/", in_files=True,
            )  # fmt: skip
        # Whatever the sync compared now equals the files.
        compared = _compared_owners([m.slug for m in modules]) | {(Kind.PRICES, PRICES_ID)}
        for kind, pk in compared:
            Revision.objects.filter(kind=kind, object_id=pk, in_files=False).update(in_files=True)
    return report


def export_to_files(content_dir: Path) -> list[Path]:
    """Write the published course and price table to content/; return the files that changed.
    Afterwards every published version is in the files."""
    written = export_course(content_dir) + export_concepts(content_dir)
    table = current_price_table()
    path = content_dir / PRICE_FILE
    old_text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        same = bool(old_text) and (
            PriceTable.from_data(yaml.safe_load(old_text)).to_data() == table.to_data()
        )
    except (yaml.YAMLError, PriceTableError):
        same = False
    if not same:
        # Rewritten in the file's own layout, keeping its comments.
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(prices_yaml(table.to_data(), old_text), encoding="utf-8")
        written.append(path)
    Revision.objects.filter(in_files=False).update(in_files=True)
    return written
