"""Lesson quizzes: three questions, each graded as soon as it is answered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from courses.models import Lesson, Module
from courses.navigation import course_outline
from courses.progress import LessonStatus, lessons_of, module_progress
from quizzes.grading import AnswerRefused, current_lesson_attempt, lock_user, record_lesson_answer
from quizzes.items import lesson_draw
from quizzes.models import Attempt, Quiz
from quizzes.questions import active_questions
from quizzes.review import question_items
from quizzes.scenarios import Draw
from quizzes.tokens import learner_order, quiz_scope

TEMPLATE = "quizzes/quiz.html"


def _get_quiz(module: str, lesson: str) -> tuple[Module, Lesson, Quiz]:
    outline = course_outline()
    module_obj = outline.module(module)
    lesson_obj = outline.lesson(module_obj, lesson)
    quiz = getattr(lesson_obj, "quiz", None)
    if quiz is None:
        raise Http404("This lesson has no quiz.")
    return module_obj, lesson_obj, quiz


def _quiz_url(module: Module, lesson: Lesson) -> str:
    return reverse("quizzes:quiz", args=[module.slug, lesson.slug])


def _summary(
    request: HttpRequest, quiz: Quiz, attempt: Attempt | None, status: LessonStatus | None = None
) -> dict:
    """Latest and best score over the learner's finished attempts: from the module progress
    when the page has it, else one query."""
    finished = Attempt.objects.filter(
        user=request.user, quiz=quiz, submitted_at__isnull=False, voided=False
    )
    if status is not None:
        stats = {"count": status.quiz_count, "best": status.quiz_best,
                 "total": status.quiz_total if status.quiz_count else None}  # fmt: skip
    else:
        stats = finished.aggregate(count=Count("pk"), best=Max("score"), total=Max("total"))
    latest = None
    if attempt is not None and attempt.submitted_at is not None:
        latest = attempt
    elif stats["count"]:
        latest = finished.order_by("-submitted_at").first()
    return {
        "finished_count": stats["count"],
        "best": stats["best"],
        "best_total": stats["total"],
        "latest": latest,
        "in_progress": attempt is not None and attempt.submitted_at is None,
        "complete": attempt is not None and attempt.submitted_at is not None,
    }


def _context(
    request: HttpRequest,
    module: Module,
    lesson: Lesson,
    quiz: Quiz,
    *,
    with_progress: bool = True,
) -> dict:
    attempt = current_lesson_attempt(request.user, quiz)
    questions = active_questions(quiz)
    answers = {a.question_id: a for a in attempt.answers.all()} if attempt else {}
    # Options in the learner's own order (the content file's order puts the right one first
    # too often), the same on every visit.
    order = {
        str(q.pk): learner_order(request.user.pk, q.pk, [c.pk for c in q.choices.all()])
        for q in questions
    }
    progress = module_progress(request.user, module, lessons_of(module)) if with_progress else None
    summary = _summary(request, quiz, attempt, progress.status_for(lesson) if progress else None)
    # A scenario item shows the draw the learner answered, or this round's draw if unanswered.
    # The round is the summary's count of finished attempts (lesson_round counts the same).
    round_number = summary["finished_count"]
    draws = {}
    for q in questions:
        answered = answers.get(q.pk)
        if answered is not None and answered.drawn:
            draws[q.pk] = Draw.from_data(answered.drawn)
        elif drawn := lesson_draw(request.user.pk, q, round_number):
            draws[q.pk] = drawn
    items = question_items(
        questions, answers, scope=quiz_scope(request.user.pk, quiz), reveal_answered=True,
        choice_order=order, draws=draws,
    )  # fmt: skip
    context = {
        "module": module,
        "lesson": lesson,
        "quiz": quiz,
        "attempt": attempt,
        "items": items,
        "question_count": len(questions),
        "answered_count": sum(q.pk in answers for q in questions),
        "summary": summary,
    }
    if progress is not None:
        context["progress"] = progress
    return context


@login_required
@require_safe
def quiz_page(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    module_obj, lesson_obj, quiz = _get_quiz(module, lesson)
    return render(request, TEMPLATE, _context(request, module_obj, lesson_obj, quiz))


@login_required
@require_POST
def quiz_answer(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    module_obj, lesson_obj, quiz = _get_quiz(module, lesson)
    url = _quiz_url(module_obj, lesson_obj)
    try:
        attempt, answer = record_lesson_answer(
            request.user, quiz, request.POST.get("question"), request.POST.get("choice")
        )
    except AnswerRefused as exc:
        context = _context(request, module_obj, lesson_obj, quiz, with_progress=not request.htmx)
        item = next((i for i in context["items"] if exc.question and i.pk == exc.question.pk), None)
        if not request.htmx:
            if item is None:
                messages.error(request, exc.message)
                return redirect(url)
            # Bad input on a question of this quiz: the page again, the message at the
            # question, as a 400.
            item.error = exc.message
            return render(request, TEMPLATE, context, status=400)
        if item is None:
            return render(request, TEMPLATE + "#refused", {"error": exc.message}, status=400)
        item.error = exc.message
        return render(request, TEMPLATE + "#question", {**context, "item": item}, status=400)
    if not request.htmx:
        if attempt.submitted_at:
            messages.success(
                request, f"Quiz complete: you scored {attempt.score} out of {attempt.total}."
            )
        return redirect(f"{url}#q-{answer.question.key}")
    context = _context(request, module_obj, lesson_obj, quiz, with_progress=False)
    item = next(i for i in context["items"] if i.pk == answer.question_id)
    # The answered question, plus the score summary swapped out of band: it changes with
    # every answer (n of 3 answered) and shows the score when the last one is in.
    html = render_to_string(
        TEMPLATE + "#question", {**context, "item": item, "just_answered": True}, request
    ) + render_to_string(TEMPLATE + "#summary", {**context, "oob": True}, request)
    return HttpResponse(html)


@login_required
@require_POST
def quiz_retake(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    """Start a fresh attempt. Earlier attempts stay on record; the best one counts."""
    module_obj, lesson_obj, quiz = _get_quiz(module, lesson)
    with transaction.atomic():
        lock_user(request.user)
        current = current_lesson_attempt(request.user, quiz)
        # Only a finished attempt is replaced: a double click starts one new attempt, and an
        # attempt in progress is kept rather than abandoned empty.
        if current is not None and current.submitted_at is not None:
            Attempt.objects.create(user=request.user, quiz=quiz)
            messages.info(request, "New attempt started. Your earlier scores are kept.")
    return redirect(_quiz_url(module_obj, lesson_obj))
