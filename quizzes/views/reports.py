"""Score reports for admins (staff); question statistics also for instructors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import instructor_required, is_admin, staff_required
from config.params import BadParameter
from courses.models import Module
from courses.progress import module_progress
from quizzes.exports import ANSWER_COLUMNS, ATTEMPT_COLUMNS, answer_rows, attempt_rows, csv_lines
from quizzes.forms import ReportFilterForm, RetakeGrantForm
from quizzes.models import RetakeGrant
from quizzes.reports import (
    MIN_SAMPLE,
    ReportFilter,
    learner_attempts,
    learner_rows,
    question_stats,
    quiz_summaries,
    report_quizzes,
)
from quizzes.retakes import grant_retake

PAGE_SIZE = 50


def _filter(
    request: HttpRequest, *, allow_learner: bool = True
) -> tuple[ReportFilterForm, ReportFilter]:
    form = ReportFilterForm(request.GET or None)
    return form, form.to_filter(allow_learner=allow_learner) if form.is_bound else ReportFilter()


@staff_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    form, report_filter = _filter(request)
    quizzes = report_quizzes()
    page = Paginator(learner_rows(report_filter), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/overview.html",
        {
            "form": form,
            "filter": report_filter,
            "summaries": quiz_summaries(report_filter, quizzes),
            "page": page,
            "section": "overview",
        },
    )


@staff_required
@require_safe
def attempts(request: HttpRequest) -> HttpResponse:
    form, report_filter = _filter(request)
    rows = (
        report_filter.attempts()
        .select_related("user", "quiz__lesson", "quiz__module")
        .order_by("-started_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/attempts.html",
        {"form": form, "filter": report_filter, "page": page, "section": "attempts"},
    )


def _get_learner(pk: int) -> object:
    return get_object_or_404(get_user_model(), pk=pk)


def _learner_context(learner: object, form: RetakeGrantForm) -> dict:
    quizzes = report_quizzes()
    return {
        "learner": learner,
        "progresses": [module_progress(learner, module) for module in Module.objects.all()],
        "quiz_attempts": learner_attempts(learner, quizzes),
        "grants": RetakeGrant.objects.filter(user=learner)
        .select_related("quiz", "granted_by")
        .order_by("-created_at"),
        "grant_form": form,
        "section": "learners",
    }


@staff_required
@require_safe
def learner(request: HttpRequest, pk: int) -> HttpResponse:
    learner_obj = _get_learner(pk)
    return render(request, "reports/learner.html", _learner_context(learner_obj, RetakeGrantForm()))


@staff_required
@require_POST
def learner_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin grants an extra test attempt now, or resets the learner's attempts."""
    learner_obj = _get_learner(pk)
    form = RetakeGrantForm(request.POST)
    if not form.is_valid():
        context = _learner_context(learner_obj, form)
        return render(request, "reports/learner.html", context, status=400)
    grant = grant_retake(
        learner_obj,
        form.cleaned_data["quiz"],
        form.cleaned_data["kind"],
        form.cleaned_data["reason"],
        request.user,
    )
    if grant.kind == RetakeGrant.Kind.RESET:
        messages.success(
            request, f"{learner_obj}'s test attempts are reset: they can start afresh now."
        )
    else:
        messages.success(request, f"{learner_obj} may start an extra attempt now.")
    return redirect(reverse("quizzes:report_learner", args=[learner_obj.pk]) + "#retakes")


@instructor_required
@require_safe
def questions(request: HttpRequest) -> HttpResponse:
    # Instructors see aggregates only: the learner filter (which could single one person out)
    # is for admins.
    admin = is_admin(request.user)
    form, report_filter = _filter(request, allow_learner=admin)
    quizzes = report_quizzes()
    chosen = request.GET.get("quiz", "")
    selected = [q for q in quizzes if str(q.pk) == chosen] or quizzes
    return render(
        request,
        "reports/questions.html",
        {
            "form": form,
            "filter": report_filter,
            "quiz_choices": quizzes,
            "chosen": chosen,
            # Instructors see only aggregates: a date range narrowed below the minimum sample
            # could single learners out, so its per-question figures are withheld (admins,
            # who may see each learner's answers anyway, still get them with a warning).
            "stats": question_stats(
                report_filter, selected, withhold_small=not admin and report_filter.active
            ),
            "min_sample": MIN_SAMPLE,
            "hide_learner_filter": not admin,
            "section": "questions",
        },
    )


def _export_filter(request: HttpRequest) -> ReportFilter:
    """The filter of an export. A page shows a bad filter as a form error; a download has no
    form to show, and ignoring the filter would quietly export everything: so it is a 400."""
    form, report_filter = _filter(request)
    if form.is_bound and not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise BadParameter(
            name if name != "__all__" else "dates", "is not valid. " + " ".join(errors)
        )
    return report_filter


def _csv_response(name: str, lines: object) -> StreamingHttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@staff_required
@require_safe
def export_attempts(request: HttpRequest) -> StreamingHttpResponse:
    report_filter = _export_filter(request)
    return _csv_response("attempts", csv_lines(ATTEMPT_COLUMNS, attempt_rows(report_filter)))


@staff_required
@require_safe
def export_answers(request: HttpRequest) -> StreamingHttpResponse:
    report_filter = _export_filter(request)
    return _csv_response("answers", csv_lines(ANSWER_COLUMNS, answer_rows(report_filter)))
