"""Regrading the module test (staff): a dry run listing the attempts whose score would change,
then applying it with a reason the learners see."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import staff_required
from quizzes.models import Quiz, Regrade
from quizzes.regrade import RegradeRefused, apply, preview

MAX_REASON = 2000


def _context(**extra: object) -> dict:
    return {
        "tests": Quiz.objects.filter(kind=Quiz.Kind.TEST).select_related("module"),
        "recent": Regrade.objects.select_related("quiz", "created_by").order_by("-created_at")[:10],
        "section": "regrade",
        **extra,
    }


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def regrade(request: HttpRequest) -> HttpResponse:
    """GET: the tests to regrade. POST `action=preview`: the dry run, nothing written.
    POST `action=apply` with a reason: the regrade, then back here with what it changed."""
    if request.method in ("GET", "HEAD"):
        return render(request, "reports/regrade.html", _context())
    raw_quiz = request.POST.get("quiz", "")
    if not raw_quiz.isdecimal():
        context = _context(error="Choose the test to regrade.")
        return render(request, "reports/regrade.html", context, status=400)
    quiz = get_object_or_404(Quiz, pk=int(raw_quiz), kind=Quiz.Kind.TEST)
    reason = request.POST.get("reason", "").strip()
    action = request.POST.get("action", "preview")
    if action == "apply":
        error = ""
        if len(reason) > MAX_REASON:
            error = f"The reason is {len(reason):,} characters; keep it under {MAX_REASON:,}."
        else:
            try:
                done = apply(quiz, reason, request.user)
            except RegradeRefused as exc:
                error = str(exc)
        if error:
            # Back to the dry run, with what the staff member typed kept.
            context = _context(quiz=quiz, changes=preview(quiz), reason=reason, error=error)
            return render(request, "reports/regrade.html", context, status=400)
        count = done.changes.count()
        messages.success(
            request,
            f"Regrade applied to {quiz.title}: {count} attempt{'s' if count != 1 else ''} "
            "changed score. Their learners see a note with your reason.",
        )
        return redirect(reverse("quizzes:regrade"))
    return render(
        request,
        "reports/regrade.html",
        _context(quiz=quiz, changes=preview(quiz), reason=reason, dry_run=True),
    )
