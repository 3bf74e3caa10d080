"""The module test: start an attempt, move between its questions, review, submit once, result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, push_url

from config.params import BadParameter, parse_id
from courses.models import Module
from courses.navigation import content_version, course_outline
from courses.progress import module_progress
from quizzes.grading import AnswerRefused, finish_attempt, record_test_answer
from quizzes.items import draws_for, frozen_of
from quizzes.models import Attempt, Quiz
from quizzes.pools import in_slot_order, test_length
from quizzes.questions import questions_in_slot_order
from quizzes.retakes import (
    RetakeRefused,
    cooldown,
    describe_minutes,
    describe_wait,
    retake_status,
    start_test_attempt,
)
from quizzes.review import (
    QuestionItem,
    describe_review_now,
    describe_review_policy,
    question_items,
    review_shows_right_answers,
)
from quizzes.tokens import test_scope


def _get_test(module: str) -> tuple[Module, Quiz]:
    outline = course_outline()
    module_obj = outline.module(module)
    return module_obj, outline.test(module_obj)


def _get_attempt_for_user(request: HttpRequest, module: str, pk: int) -> Attempt:
    """The learner's own test attempt in this module; anyone else's is a 404."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz__module"),
        pk=pk,
        user=request.user,
        quiz__kind=Quiz.Kind.TEST,
        quiz__module__slug=module,
    )


def _attempt_url(attempt: Attempt, name: str, *extra: object) -> str:
    return reverse(f"quizzes:{name}", args=[attempt.quiz.module.slug, attempt.pk, *extra])


def _test_url(module: Module) -> str:
    return reverse("quizzes:test", args=[module.slug])


def _attempt_items(
    attempt: Attempt, *, reveal: bool, show_right_answers: bool = False
) -> tuple[list[QuestionItem], int]:
    """The attempt's questions, in the test's order and the attempt's option order, with the
    attempt's own option tokens."""
    ids = [int(key) for key in attempt.choice_order]
    # Each item names the lesson it comes from: the outline's lessons, where a join loaded
    # every lesson's whole text once per question (a megabyte a page on the result page).
    questions = questions_in_slot_order(attempt.quiz, ids)
    answers = {a.question_id: a for a in attempt.answers.all()}
    # Scenario items show the numbers the attempt drew; fixed items with living numbers the
    # figures of the day it started.
    draws = draws_for(attempt, questions)
    frozen = {q.pk: texts for q in questions if (texts := frozen_of(attempt, q.pk))}
    items = question_items(
        questions, answers, scope=test_scope(attempt), reveal_all=reveal,
        show_right_answers=show_right_answers, choice_order=attempt.choice_order, draws=draws,
        frozen=frozen,
    )  # fmt: skip
    return items, sum(item.answered for item in items)


def _closed_redirect(request: HttpRequest, attempt: Attempt) -> HttpResponse | None:
    """Where to send someone who opens a page of an attempt that can no longer change."""
    if attempt.voided:
        messages.warning(request, "That attempt was reset by an administrator.")
        return redirect(_test_url(attempt.quiz.module))
    if attempt.submitted_at is not None:
        return redirect(_attempt_url(attempt, "result"))
    return None


@login_required
@require_safe
def test_page(request: HttpRequest, module: str) -> HttpResponse:
    module_obj, quiz = _get_test(module)
    status = retake_status(request.user, quiz)
    # One question per slot: the pools hold more items than an attempt shows.
    question_count = test_length(quiz)
    return render(
        request,
        "quizzes/test.html",
        {
            "module": module_obj,
            "quiz": quiz,
            "status": status,
            "open_answered": status.open_attempt.answers.count() if status.open_attempt else 0,
            "question_count": question_count,
            "pass_count": -(-quiz.pass_mark * question_count // 100),
            "cooldown": describe_minutes(int(cooldown().total_seconds())),
            "wait": describe_wait(status.cooldown_seconds_left),
            "review_policy": describe_review_policy(),
            "progress": module_progress(request.user, module_obj),
        },
    )


@login_required
@require_POST
def test_start(request: HttpRequest, module: str) -> HttpResponse:
    module_obj, quiz = _get_test(module)
    try:
        attempt, created = start_test_attempt(request.user, quiz)
    except RetakeRefused as exc:
        messages.error(request, str(exc))
        return redirect(_test_url(module_obj))
    if not created:
        messages.info(request, "You have a test in progress: carry on where you left off.")
    return redirect(_attempt_url(attempt, "attempt"))


@login_required
@require_safe
def attempt_resume(request: HttpRequest, module: str, pk: int) -> HttpResponse:
    """The attempt's own address: its first unanswered question, or its result."""
    attempt = _get_attempt_for_user(request, module, pk)
    if closed := _closed_redirect(request, attempt):
        return closed
    items, _ = _attempt_items(attempt, reveal=False)
    first_open = next((item.number for item in items if not item.answered), None)
    if first_open is None:
        return redirect(_attempt_url(attempt, "review"))
    return redirect(_attempt_url(attempt, "question", first_open))


def _render_question(
    request: HttpRequest,
    attempt: Attempt,
    number: int,
    *,
    error: str = "",
    status: int = 200,
    fragment: bool = False,
) -> HttpResponse:
    items, answered = _attempt_items(attempt, reveal=False)
    if not 1 <= number <= len(items):
        raise Http404("No such question in this attempt.")
    item = items[number - 1]
    item.error = error
    context = {
        "module": attempt.quiz.module,
        "quiz": attempt.quiz,
        "attempt": attempt,
        "items": items,
        "item": item,
        "answered_count": answered,
        "unanswered_count": len(items) - answered,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < len(items) else None,
        "focus": fragment,
    }
    if fragment:
        response = render(request, "quizzes/test_attempt.html#question", context, status=status)
    else:
        context["progress"] = module_progress(request.user, attempt.quiz.module)
        response = render(request, "quizzes/test_attempt.html", context, status=status)
    # The same address answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _wants_fragment(request: HttpRequest) -> bool:
    # A history restore (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_safe
def attempt_question(request: HttpRequest, module: str, pk: int, number: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, module, pk)
    if closed := _closed_redirect(request, attempt):
        if request.htmx:
            return HttpResponseClientRedirect(closed["Location"])
        return closed
    return _render_question(request, attempt, number, fragment=_wants_fragment(request))


@login_required
@require_POST
def attempt_answer(request: HttpRequest, module: str, pk: int) -> HttpResponse:
    """Save (or change) one answer, then go where the learner asked: next, back or review."""
    attempt = _get_attempt_for_user(request, module, pk)
    numbers = {int(key): n for n, key in enumerate(_ordered_keys(attempt), start=1)}
    raw_question = request.POST.get("question", "")
    try:
        current = numbers.get(parse_id(raw_question, "question"))
    except BadParameter:
        current = None  # record_test_answer refuses it below, with a message for the learner
    try:
        answer = record_test_answer(attempt, raw_question, request.POST.get("choice"))
    except AnswerRefused as exc:
        attempt.refresh_from_db()
        if not request.htmx:
            if attempt.submitted_at or attempt.voided or current is None:
                messages.error(request, exc.message)
                return redirect(_attempt_url(attempt, "attempt"))
            # Bad input (a forged or foreign option token, none at all): the question again,
            # with the message and the answer stored so far, as a 400.
            return _render_question(request, attempt, current, error=exc.message, status=400)
        if current is None:
            return render(
                request, "quizzes/test_attempt.html#refused", {"error": exc.message}, status=400
            )
        return _render_question(
            request, attempt, current, error=exc.message, status=400, fragment=True
        )
    current = numbers[answer.question_id]
    go = request.POST.get("go", "next")
    if go == "review" or (go == "next" and current == len(numbers)):
        target = _attempt_url(attempt, "review")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    target_number = max(1, current - 1) if go == "previous" else min(len(numbers), current + 1)
    if go == "stay":
        target_number = current
    if not request.htmx:
        return redirect(_attempt_url(attempt, "question", target_number))
    response = _render_question(request, attempt, target_number, fragment=True)
    return push_url(response, _attempt_url(attempt, "question", target_number))


def _ordered_keys(attempt: Attempt) -> list[str]:
    """The attempt's question ids in test order (a JSON object's key order is not kept)."""
    ids = [int(key) for key in attempt.choice_order]
    return [str(pk) for pk in in_slot_order(ids).values_list("pk", flat=True)]


@login_required
@require_safe
def attempt_review(request: HttpRequest, module: str, pk: int) -> HttpResponse:
    """Before submitting: every question, which are answered, and which are not (by number)."""
    attempt = _get_attempt_for_user(request, module, pk)
    if closed := _closed_redirect(request, attempt):
        return closed
    items, answered = _attempt_items(attempt, reveal=False)
    unanswered = [item for item in items if not item.answered]
    return render(
        request,
        "quizzes/test_review.html",
        {
            "module": attempt.quiz.module,
            "quiz": attempt.quiz,
            "attempt": attempt,
            "items": items,
            "answered_count": answered,
            "unanswered": unanswered,
            "unanswered_numbers": ",".join(str(item.number) for item in unanswered),
            "confirming": bool(unanswered) and request.GET.get("confirm") == "unanswered",
            "review_policy": describe_review_policy(),
            "progress": module_progress(request.user, attempt.quiz.module),
        },
    )


def _confirmed_numbers(raw: str) -> set[int]:
    return {int(part) for part in raw.split(",") if part.strip().isdecimal()}


@login_required
@require_POST
def attempt_submit(request: HttpRequest, module: str, pk: int) -> HttpResponse:
    """Idempotent: a second submit (double click, other tab, replay) records nothing more.

    An attempt with questions left blank is submitted only once the learner has confirmed
    those very questions (`unanswered`, their numbers, from the confirmation on the review
    page): anything else goes to that confirmation, which names them."""
    attempt = _get_attempt_for_user(request, module, pk)
    if not attempt.voided and attempt.submitted_at is None:
        items, _ = _attempt_items(attempt, reveal=False)
        blank = {item.number for item in items if not item.answered}
        if not blank <= _confirmed_numbers(request.POST.get("unanswered", "")):
            target = _attempt_url(attempt, "review") + "?confirm=unanswered#confirm"
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if attempt.voided:
        messages.error(
            request, "That attempt was reset by an administrator and cannot be submitted."
        )
        target = _test_url(attempt.quiz.module)
    else:
        if finish_attempt(attempt):
            verdict = "passed" if attempt.passed else "did not pass"
            messages.success(
                request,
                f"Submitted. You scored {attempt.score} out of {attempt.total} and {verdict}.",
            )
        else:
            messages.info(request, "This attempt was already submitted; its result is below.")
        target = _attempt_url(attempt, "result")
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _result_review(request: HttpRequest, attempt: Attempt, show_right: bool) -> dict:
    """The result page's question-by-question review, rendered once and kept in the cache.

    A submitted attempt's answers never change, so the review depends only on the attempt,
    on whether right answers are shown (the learner has passed since) and on the content
    version (a re-rendered question text); rendering fifteen questions with their options was
    most of the page's time."""
    version = content_version()
    key = f"quizzes:result-review:{attempt.pk}:{int(show_right)}:{version}"
    review = cache.get(key) if version else None  # "" while the cache is down: render
    if review is None:
        items, answered = _attempt_items(attempt, reveal=True, show_right_answers=show_right)
        html = render_to_string(
            "quizzes/test_result.html#items", {"items": items, "module": attempt.quiz.module},
            request,
        )  # fmt: skip
        review = {"html": mark_safe(html), "answered": answered,  # noqa: S308 - our template
                  "wrong": sum(1 for item in items if not item.is_correct),
                  "unanswered": len(items) - answered}  # fmt: skip
        if version:
            cache.set(key, review, timeout=24 * 3600)
    return review


@login_required
@require_safe
def attempt_result(request: HttpRequest, module: str, pk: int) -> HttpResponse:
    _, quiz = _get_test(module)
    # The learner's attempts are read for the retake status anyway: the one shown is among them
    # (anyone else's, or another module's, is not, and is a 404).
    status = retake_status(request.user, quiz)
    attempt = next((a for a in status.attempts if a.pk == pk), None)
    if attempt is None:
        raise Http404("No such attempt.")
    attempt.quiz = quiz
    if attempt.submitted_at is None:
        if closed := _closed_redirect(request, attempt):
            return closed
        return redirect(_attempt_url(attempt, "review"))
    # The review policy: the right option of a question missed only once the learner has
    # passed (by default), so that a blank attempt does not hand over the answer key.
    show_right = review_shows_right_answers(status.has_passed)
    review = _result_review(request, attempt, show_right)
    return render(
        request,
        "quizzes/test_result.html",
        {
            "module": attempt.quiz.module,
            "quiz": attempt.quiz,
            "attempt": attempt,
            "items_html": review["html"],
            "answered_count": review["answered"],
            "wrong_count": review["wrong"],
            "unanswered_count": review["unanswered"],
            "right_answers_shown": show_right,
            "review_policy": describe_review_policy(),
            "regrade_notes": attempt.regrades.select_related("regrade"),
            "review_now": describe_review_now(status.has_passed),
            "status": status,
            "wait": describe_wait(status.cooldown_seconds_left),
            "cooldown": describe_minutes(int(cooldown().total_seconds())),
            "progress": module_progress(request.user, attempt.quiz.module),
        },
    )
