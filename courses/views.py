from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from courses.models import Lesson, LessonProgress, Module
from courses.navigation import course_outline
from courses.outline import lesson_outline
from courses.progress import lessons_of, module_progress


def _get_module(slug: str) -> Module:
    return course_outline().module(slug)


def _get_lesson(module: Module, slug: str) -> Lesson:
    """The lesson with its text (the outline's lessons leave the bodies out)."""
    lesson = get_object_or_404(
        Lesson.objects.select_related("quiz", "lab"), module=module, slug=slug
    )
    lesson.module = module
    return lesson


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "courses/welcome.html", {"modules": course_outline().modules})
    progresses = [module_progress(request.user, module) for module in course_outline().modules]
    return render(request, "courses/dashboard.html", {"progresses": progresses})


@login_required
@require_safe
def module_detail(request: HttpRequest, module: str) -> HttpResponse:
    module_obj = _get_module(module)
    progress = module_progress(request.user, module_obj)
    return render(request, "courses/module.html", {"module": module_obj, "progress": progress})


@login_required
@require_safe
def lesson_detail(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    module_obj = _get_module(module)
    lessons = lessons_of(module_obj)
    lesson_obj = _get_lesson(module_obj, lesson)
    progress = module_progress(request.user, module_obj, lessons)
    position = next(i for i, item in enumerate(lessons) if item.pk == lesson_obj.pk)
    return render(
        request,
        "courses/lesson.html",
        {
            "module": module_obj,
            "lesson": lesson_obj,
            "progress": progress,
            "status": progress.status_for(lesson_obj),
            "outline": lesson_outline(lesson_obj.body_html),
            "previous": lessons[position - 1] if position > 0 else None,
            "next": lessons[position + 1] if position + 1 < len(lessons) else None,
        },
    )


@login_required
@require_POST
def lesson_complete(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    module_obj = _get_module(module)
    lesson_obj = _get_lesson(module_obj, lesson)
    # get_or_create under the unique constraint: a double click records one row.
    LessonProgress.objects.get_or_create(user=request.user, lesson=lesson_obj)
    if request.htmx:
        progress = module_progress(request.user, module_obj)
        return render(
            request,
            "courses/lesson.html#complete",
            {"module": module_obj, "lesson": lesson_obj, "status": progress.status_for(lesson_obj),
             "progress": progress},
        )  # fmt: skip
    return redirect(lesson_obj.get_absolute_url() + "#complete")
