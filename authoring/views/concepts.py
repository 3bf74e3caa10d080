"""The concept base in the editor: a list per lesson, and one concept's editor with the tutor's
answer as preview and a "try it" box for retrieval. Drafts, the confirmation step, history and
restore are the ones every kind uses."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import instructor_required
from authoring.concepts import (
    Retrieved,
    answer_problems,
    clean_concept,
    concept_snapshot,
    lesson_sections,
    publish_concept,
    publish_problems,
    render_concept,
    try_concept,
)
from authoring.drafts import AuthoringError, discard_draft, get_draft, save_draft
from authoring.forms import ConceptForm
from authoring.history import diff_draft
from authoring.models import Kind
from authoring.views.common import ask_first, confirmed, done
from authoring.views.dashboard import _row, _states
from courses.models import Lesson
from labs.models import Concept

MAX_TRY_CHARS = 500


def _question(source: QueryDict) -> tuple[str, str]:
    """The typed question of the "try it" box, and an error to show ("" when it is fine)."""
    question = " ".join(str(source.get("q", "")).split())
    if len(question) > MAX_TRY_CHARS:
        return question, (
            f"The question is {len(question)} characters long; learners' questions to the "
            f"concept base are short, keep it under {MAX_TRY_CHARS}."
        )
    return question, ""


def _get_concept(pk: int) -> Concept:
    return get_object_or_404(Concept.objects.select_related("lesson__module"), pk=pk)


def _current_data(concept: Concept) -> dict:
    draft = get_draft(Kind.CONCEPT, concept.pk)
    return clean_concept(draft.data if draft else concept_snapshot(concept))


def _form(concept: Concept, *args: object, **kwargs: object) -> ConceptForm:
    return ConceptForm(
        *args, sections=lesson_sections(concept.lesson),
        preview_url=reverse("authoring:concept_preview", args=[concept.pk]), **kwargs,
    )  # fmt: skip


def _posted(concept: Concept, request: HttpRequest) -> dict:
    """What the editor holds now, saved or not (the `also` links are kept from the draft)."""
    also = _current_data(concept)["also"]
    return clean_concept(ConceptForm.lenient_data(request.POST, also))


def _preview(concept: Concept, data: dict) -> dict:
    # Only the answer's own problems: the retrieval checks build an index, too slow to repeat
    # on every keystroke; publishing runs them all.
    problems = answer_problems(data)
    return {"problems": problems, "html": "" if problems else render_concept(concept, data)}


def _page(
    request: HttpRequest,
    concept: Concept,
    form: ConceptForm,
    data: dict,
    *,
    problems: list[str] | None = None,
    tried: Retrieved | None = None,
    try_question: str = "",
    try_error: str = "",
    status: int = 200,
) -> HttpResponse:
    draft = get_draft(Kind.CONCEPT, concept.pk)
    context = {
        "concept": concept,
        "lesson": concept.lesson,
        "form": form,
        "draft": draft,
        "also": data["also"],
        "preview": _preview(concept, data),
        "problems": problems or [],
        "tried": tried,
        "try_question": try_question or (data["questions"] or [""])[0],
        "try_error": try_error,
        "diff": diff_draft(Kind.CONCEPT, concept_snapshot(concept), draft.data) if draft else [],
    }
    template = (
        "authoring/concept_edit.html#editor" if request.htmx else "authoring/concept_edit.html"
    )
    return render(request, template, context, status=status)


def _save_posted(request: HttpRequest, concept: Concept) -> ConceptForm | None:
    """Save the posted form as the draft; the invalid form (to show again) when it is not."""
    form = _form(concept, request.POST)
    if not form.is_valid():
        return form
    data = {**form.cleaned_data, "also": _current_data(concept)["also"]}
    save_draft(Kind.CONCEPT, concept.pk, clean_concept(data), request.user)
    return None


@instructor_required
@require_safe
def concept_list(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=pk)
    drafts, latest = _states()
    concepts = list(Concept.objects.filter(lesson=lesson).order_by("order"))
    sections = dict(lesson_sections(lesson))
    rows = [
        {
            "concept": concept,
            "state": _row(Kind.CONCEPT, concept, concept.title, drafts, latest),
            "section": sections.get(concept.section, "").strip(),
        }
        for concept in concepts
    ]
    return render(request, "authoring/concept_list.html", {"lesson": lesson, "rows": rows})


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def concept_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _get_concept(pk)
    if request.method == "POST":
        form = _save_posted(request, concept)
        if form is not None:
            return _page(request, concept, form, _posted(concept, request), status=422)
        messages.success(
            request, "Draft saved. The tutor still answers from the published concept."
        )
        return done(request, reverse("authoring:concept", args=[concept.pk]))
    data = _current_data(concept)
    # The "try it" box without JavaScript ends here, its question in the query string.
    question, error = _question(request.GET)
    tried = try_concept(concept, data, question) if question and not error else None
    form = _form(concept, initial=ConceptForm.initial_from(data))
    return _page(
        request, concept, form, data, tried=tried, try_question=question, try_error=error,
        status=400 if error else 200,
    )  # fmt: skip


@instructor_required
@require_POST
def concept_preview(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _get_concept(pk)
    if not request.htmx:
        return redirect("authoring:concept", pk=concept.pk)
    preview = _preview(concept, _posted(concept, request))
    return render(request, "authoring/concept_edit.html#preview", {"preview": preview})


@instructor_required
@require_POST
def concept_try(request: HttpRequest, pk: int) -> HttpResponse:
    """Which concept a typed question retrieves, with the editor's unsaved fields in place of
    the published concept (htmx sends them along). Nothing is stored."""
    concept = _get_concept(pk)
    question, error = _question(request.POST)
    if not request.htmx:
        # Without JavaScript the editor's fields are not sent: the page tries the draft.
        url = reverse("authoring:concept", args=[concept.pk])
        return redirect(f"{url}?{urlencode({'q': question})}#try")
    data = _posted(concept, request) if "answer" in request.POST else _current_data(concept)
    tried = try_concept(concept, data, question) if question and not error else None
    return render(
        request, "authoring/concept_edit.html#tried",
        {"tried": tried, "concept": concept, "try_error": error}, status=400 if error else 200,
    )  # fmt: skip


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def concept_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what the form holds as the draft, refuse it with its problems, or ask for
    confirmation; publish the draft with its optional change note once confirmed."""
    concept = _get_concept(pk)
    editor = reverse("authoring:concept", args=[concept.pk])
    if request.method == "POST" and "answer" in request.POST:
        form = _save_posted(request, concept)
        if form is not None:
            return _page(request, concept, form, _posted(concept, request), status=422)
    draft = get_draft(Kind.CONCEPT, concept.pk)
    if draft and not confirmed(request):
        data = clean_concept(draft.data)
        problems = publish_problems(concept, data)
        if problems:  # refused now, in the editor, rather than after a confirmation
            form = _form(concept, initial=ConceptForm.initial_from(data))
            return _page(request, concept, form, data, problems=problems, status=422)
    what = f"the concept \u201c{concept.title}\u201d"
    asking, note = ask_first(
        request, action="publish", what=what, draft=draft, back_url=editor,
        nothing="There is no draft to publish.",
    )  # fmt: skip
    if asking:
        return asking
    data = clean_concept(draft.data)
    try:
        revision = publish_concept(concept, data, request.user, note=note)
    except AuthoringError as exc:
        form = _form(concept, initial=ConceptForm.initial_from(data))
        return _page(request, concept, form, data, problems=exc.problems, status=422)
    messages.success(
        request, f"Published version {revision.number}: the tutor answers with it now."
    )
    return done(request, editor)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def concept_discard(request: HttpRequest, pk: int) -> HttpResponse:
    concept = _get_concept(pk)
    editor = reverse("authoring:concept", args=[concept.pk])
    asking, _ = ask_first(
        request, action="discard", what=f"the concept \u201c{concept.title}\u201d",
        draft=get_draft(Kind.CONCEPT, concept.pk), back_url=editor,
        nothing="There is no draft to discard.",
    )  # fmt: skip
    if asking:
        return asking
    if discard_draft(Kind.CONCEPT, concept.pk):
        messages.success(request, "Draft discarded: the editor shows the published concept.")
    return done(request, editor)
