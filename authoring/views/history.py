from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import instructor_required
from authoring.history import (
    diff_revisions,
    mark_restores,
    object_label,
    restore_revision,
    revisions_of,
)
from authoring.models import PRICES_ID, Kind, Revision
from authoring.views.common import done, editor_url
from config.params import parse_id
from courses.models import Lesson
from labs.models import Concept, Lab
from quizzes.models import Quiz

MODELS = {Kind.LESSON: Lesson, Kind.QUIZ: Quiz, Kind.LAB: Lab, Kind.CONCEPT: Concept}


def _get_object(kind: str, object_id: int) -> tuple[str, int]:
    """404 unless (kind, object_id) is something instructors edit."""
    if kind == Kind.PRICES:
        if object_id != PRICES_ID:
            raise Http404("The price table has object id 0")
        return kind, object_id
    if kind not in MODELS:
        raise Http404("No such kind of content")
    get_object_or_404(MODELS[kind], pk=object_id)
    return kind, object_id


def _get_revision(kind: str, object_id: int, number: int) -> Revision:
    _get_object(kind, object_id)
    return get_object_or_404(
        Revision.objects.select_related("author"), kind=kind, object_id=object_id, number=number
    )


@instructor_required
@require_safe
def history(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    kind, object_id = _get_object(kind, object_id)
    return render(
        request,
        "authoring/history.html",
        {
            "kind": kind,
            "object_id": object_id,
            "label": object_label(kind, object_id),
            "revisions": mark_restores(revisions_of(kind, object_id)),
            "editor_url": editor_url(kind, object_id),
        },
    )


@instructor_required
@require_safe
def revision(request: HttpRequest, kind: str, object_id: int, number: int) -> HttpResponse:
    """One version and its diff: against the version before it, or `?against=N`."""
    current = _get_revision(kind, object_id, number)
    revisions = revisions_of(kind, object_id)
    if "against" in request.GET:
        against_number = parse_id(request.GET["against"], "against")
        against = next((r for r in revisions if r.number == against_number), None)
    else:
        against = next((r for r in revisions if r.number < number), None)
    context = {
        "kind": kind,
        "object_id": object_id,
        "label": object_label(kind, object_id),
        "revision": current,
        "against": against,
        "revisions": revisions,
        "latest": revisions[0] if revisions else None,
        "diff": diff_revisions(against, current) if against else [],
        "editor_url": editor_url(kind, object_id),
    }
    template = "authoring/revision.html#diff" if request.htmx else "authoring/revision.html"
    return render(request, template, context)


@instructor_required
@require_POST
def restore(request: HttpRequest, kind: str, object_id: int, number: int) -> HttpResponse:
    """Make an old version the draft; the instructor checks it in the editor and publishes."""
    old = _get_revision(kind, object_id, number)
    restore_revision(old, request.user)
    messages.success(
        request,
        f"Version {old.number} is now the draft. Check it, then publish to restore it for "
        "learners.",
    )
    return done(request, editor_url(kind, object_id))
