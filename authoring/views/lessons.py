from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import instructor_required
from authoring.drafts import AuthoringError, discard_draft, get_draft, save_draft
from authoring.forms import LessonForm
from authoring.history import diff_draft
from authoring.lessons import (
    clean_lesson,
    lesson_snapshot,
    lesson_with,
    publish_lesson,
    publish_problems,
    render_lesson,
)
from authoring.models import Kind
from authoring.views.common import ask_first, confirmed, done
from courses.models import Lesson
from courses.progress import lessons_of, module_progress


def _get_lesson(pk: int) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("module"), pk=pk)


def _what(lesson: Lesson) -> str:
    return f"lesson {lesson.order}, \u201c{lesson.title}\u201d"


def _preview(lesson: Lesson, data: dict) -> dict:
    """The lesson as learners will see it, or why a living number can't be computed."""
    data = clean_lesson(data)
    try:
        rendered = render_lesson(data)
    except AuthoringError as exc:
        return {"problems": exc.problems, "lesson": None, "data": data}
    return {"problems": [], "lesson": lesson_with(lesson, data, rendered), "data": data}


def _form(lesson: Lesson, *args: object, **kwargs: object) -> LessonForm:
    return LessonForm(
        *args, preview_url=reverse("authoring:lesson_preview", args=[lesson.pk]), **kwargs
    )


def _page(
    request: HttpRequest,
    lesson: Lesson,
    form: LessonForm,
    data: dict,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = get_draft(Kind.LESSON, lesson.pk)
    live = lesson_snapshot(lesson)
    context = {
        "lesson": lesson,
        "form": form,
        "draft": draft,
        "preview": _preview(lesson, data),
        "problems": problems or [],
        "diff": diff_draft(Kind.LESSON, live, draft.data) if draft else [],
    }
    template = "authoring/lesson_edit.html#editor" if request.htmx else "authoring/lesson_edit.html"
    return render(request, template, context, status=status)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the editor, holding the draft if there is one. POST: save the draft."""
    lesson = _get_lesson(pk)
    if request.method == "POST":
        form = _form(lesson, request.POST)
        if not form.is_valid():
            return _page(request, lesson, form, LessonForm.lenient_data(request.POST), status=422)
        save_draft(Kind.LESSON, lesson.pk, clean_lesson(form.to_data()), request.user)
        messages.success(request, "Draft saved. Learners still see the published lesson.")
        return done(request, reverse("authoring:lesson", args=[lesson.pk]))
    draft = get_draft(Kind.LESSON, lesson.pk)
    data = draft.data if draft else lesson_snapshot(lesson)
    return _page(request, lesson, _form(lesson, initial=LessonForm.initial_from(data)), data)


@instructor_required
@require_POST
def lesson_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live preview: renders what the form holds right now (htmx, as the instructor types).
    Nothing is saved."""
    lesson = _get_lesson(pk)
    if not request.htmx:
        return redirect("authoring:lesson", pk=lesson.pk)
    preview = _preview(lesson, LessonForm.lenient_data(request.POST))
    return render(request, "authoring/lesson_edit.html#preview", {"preview": preview})


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what the form holds as the draft and ask for confirmation; publish the draft, with
    its optional change note, once confirmed (confirm=yes)."""
    lesson = _get_lesson(pk)
    editor = reverse("authoring:lesson", args=[lesson.pk])
    if request.method == "POST" and "body_markdown" in request.POST:
        form = _form(lesson, request.POST)
        if not form.is_valid():
            return _page(request, lesson, form, LessonForm.lenient_data(request.POST), status=422)
        save_draft(Kind.LESSON, lesson.pk, clean_lesson(form.to_data()), request.user)
    draft = get_draft(Kind.LESSON, lesson.pk)
    if draft and not confirmed(request):
        problems = publish_problems(lesson, draft.data)
        if problems:  # refused now, in the editor, rather than after a confirmation
            form = _form(lesson, initial=LessonForm.initial_from(draft.data))
            return _page(request, lesson, form, draft.data, problems=problems, status=422)
    nothing = "There is no draft to publish."
    asking, note = ask_first(
        request, action="publish", what=_what(lesson), draft=draft, back_url=editor, nothing=nothing
    )
    if asking:
        return asking
    try:
        revision = publish_lesson(lesson, draft.data, request.user, note=note)
    except AuthoringError as exc:
        form = _form(lesson, initial=LessonForm.initial_from(draft.data))
        return _page(request, lesson, form, draft.data, problems=exc.problems, status=422)
    messages.success(
        request, f"Published version {revision.number}: learners see the new lesson now."
    )
    return done(request, editor)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_discard(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _get_lesson(pk)
    editor = reverse("authoring:lesson", args=[lesson.pk])
    draft = get_draft(Kind.LESSON, lesson.pk)
    nothing = "There is no draft to discard."
    asking, _ = ask_first(
        request, action="discard", what=_what(lesson), draft=draft, back_url=editor, nothing=nothing
    )
    if asking:
        return asking
    if discard_draft(Kind.LESSON, lesson.pk):
        messages.success(request, "Draft discarded: the editor shows the published lesson.")
    return done(request, editor)


@instructor_required
@require_safe
def lesson_as_learner(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft in the learner's lesson page, with a banner saying it is a preview."""
    lesson = _get_lesson(pk)
    draft = get_draft(Kind.LESSON, lesson.pk)
    preview = _preview(lesson, draft.data if draft else lesson_snapshot(lesson))
    module = lesson.module
    lessons = lessons_of(module)
    progress = module_progress(request.user, module, lessons)
    position = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return render(
        request,
        "authoring/lesson_as_learner.html",
        {
            "module": module,
            "lesson": preview["lesson"] or lesson,
            "problems": preview["problems"],
            "draft": draft,
            "editor": lesson,
            "progress": progress,
            "status": progress.status_for(lesson),
            "previous": lessons[position - 1] if position > 0 else None,
            "next": lessons[position + 1] if position + 1 < len(lessons) else None,
        },
    )
