"""History: every published version of an object, diffs between them, and restoring one.

A revision holds the full snapshot of the edited fields. The first edit published in the app
first keeps the live version as revision 1 ("before the first edit in the app"), so there is
always something to compare with and go back to.
"""

import difflib
import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from authoring.drafts import save_draft
from authoring.models import Draft, Kind, Revision
from authoring.snapshots import snapshot_text

BASELINE_NOTE = "The version before the first edit in the app"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same" or "hunk"
    text: str


def revisions_of(kind: str, object_id: int) -> list[Revision]:
    return list(
        Revision.objects.filter(kind=kind, object_id=object_id)
        .select_related("author")
        .order_by("-number")
    )


def mark_restores(revisions: list[Revision]) -> list[Revision]:
    """Set `restored_from` on each revision that brought back an older version unchanged (its
    data equal to a version before the one it replaced): history shows "v3: restored v1".
    Read from the data, not from how the draft was made, so a restore done by hand counts too."""
    latest_with: dict[str, int] = {}
    previous = None
    for revision in sorted(revisions, key=lambda r: r.number):
        key = json.dumps(revision.data, sort_keys=True)
        match = latest_with.get(key)
        revision.restored_from = match if match is not None and match != previous else None
        latest_with[key] = revision.number
        previous = revision.number
    return revisions


def latest_revision(kind: str, object_id: int) -> Revision | None:
    return Revision.objects.filter(kind=kind, object_id=object_id).order_by("-number").first()


def record_revision(
    kind: str,
    object_id: int,
    data: dict,
    *,
    user: AbstractBaseUser | None,
    source: str,
    note: str = "",
    effects: list | None = None,
    in_files: bool = False,
) -> Revision:
    """Append a revision. Call inside the publishing transaction, after locking the live row:
    two instructors publishing the same object at once are then serialized, and the unique
    (kind, object_id, number) constraint catches anything that slips through."""
    last = latest_revision(kind, object_id)
    return Revision.objects.create(
        kind=kind,
        object_id=object_id,
        number=last.number + 1 if last else 1,
        data=data,
        source=source,
        note=note,
        effects=effects or [],
        author=user,
        in_files=in_files,
    )


def ensure_baseline(kind: str, object_id: int, live_data: dict) -> None:
    """Before the first revision published in the app, keep the live version (it came from
    content/) so that history can diff against it and restore it."""
    if not Revision.objects.filter(kind=kind, object_id=object_id).exists():
        record_revision(
            kind, object_id, live_data, user=None, source=Revision.Source.FILES,
            note=BASELINE_NOTE, in_files=True,
        )  # fmt: skip


def unexported(kind: str, object_id: int) -> bool:
    """A version published in the app that content/ does not hold yet."""
    return Revision.objects.filter(kind=kind, object_id=object_id, in_files=False).exists()


def diff_lines(old_text: str, new_text: str, context: int = 3) -> list[DiffLine]:
    """A unified diff as lines to show (escaped by the template, never marked safe)."""
    lines = []
    diff = difflib.unified_diff(
        old_text.splitlines(), new_text.splitlines(), lineterm="", n=context
    )
    for i, line in enumerate(diff):
        if i < 2:  # the ---/+++ file header
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("del", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines


def diff_revisions(old: Revision | None, new: Revision) -> list[DiffLine]:
    old_text = snapshot_text(old.kind, old.data) if old else ""
    return diff_lines(old_text, snapshot_text(new.kind, new.data))


def diff_draft(kind: str, live_data: dict, draft_data: dict) -> list[DiffLine]:
    return diff_lines(snapshot_text(kind, live_data), snapshot_text(kind, draft_data))


def restore_revision(revision: Revision, user: AbstractBaseUser) -> Draft:
    """Make an old version the draft: the instructor reviews it in the editor and publishes
    (publishing validates it against today's state, e.g. answered questions)."""
    return save_draft(revision.kind, revision.object_id, revision.data, user)


def object_label(kind: str, object_id: int) -> str:
    from courses.models import Lesson
    from labs.models import Lab
    from quizzes.models import Quiz

    if kind == Kind.PRICES:
        return "Price table"
    if kind == Kind.CONCEPT:
        from labs.models import Concept

        concept = Concept.objects.filter(pk=object_id).first()
        return f"Concept: {concept.title}" if concept else f"Concept #{object_id}"
    if kind == Kind.LESSON:
        lesson = Lesson.objects.filter(pk=object_id).first()
        return f"Lesson {lesson.order}: {lesson.title}" if lesson else f"Lesson #{object_id}"
    if kind == Kind.QUIZ:
        quiz = Quiz.objects.select_related("lesson").filter(pk=object_id).first()
        if quiz is None:
            return f"Quiz #{object_id}"
        if quiz.kind == Quiz.Kind.TEST:
            return f"Module test: {quiz.title}"
        return f"Quiz for lesson {quiz.lesson.order}: {quiz.title}"
    lab = Lab.objects.filter(pk=object_id).first()
    return f"Lab: {lab.title}" if lab else f"Lab #{object_id}"
