from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import instructor_required
from authoring.drafts import AuthoringError, discard_draft, get_draft, save_draft
from authoring.forms import LabForm
from authoring.history import diff_draft
from authoring.labs import (
    TryResult,
    clean_lab,
    lab_snapshot,
    lab_with,
    publish_lab,
    publish_problems,
    render_lab,
    try_lab,
)
from authoring.models import Kind
from authoring.views.common import ask_first, confirmed, done
from labs.conversation import offline_reason
from labs.models import Lab


def _trial_reply(tried: TryResult | None) -> dict:
    """The queued Claude reply of a trial, for the page to show and poll."""
    if tried is None or tried.pending_message_id is None:
        return {}
    from labs.conversation import OFFLINE_LABEL
    from labs.models import Message

    message = (
        Message.objects.prefetch_related("calculations").filter(pk=tried.pending_message_id).first()
    )
    return {"message": message, "offline_label": OFFLINE_LABEL} if message else {}


def _get_lab(slug: str) -> Lab:
    return get_object_or_404(Lab.objects.select_related("lesson__module"), slug=slug)


def _session_key(lab: Lab) -> str:
    return f"authoring-try-{lab.pk}"


def _preview(lab: Lab, data: dict) -> dict:
    data = clean_lab(data)
    try:
        rendered = render_lab(data)
    except AuthoringError as exc:
        return {"problems": exc.problems, "lab": None}
    return {"problems": [], "lab": lab_with(lab, data, rendered)}


def _form(lab: Lab, *args: object, **kwargs: object) -> LabForm:
    return LabForm(*args, preview_url=reverse("authoring:lab_preview", args=[lab.slug]), **kwargs)


def _page(
    request: HttpRequest,
    lab: Lab,
    form: LabForm,
    data: dict,
    *,
    problems: list[str] | None = None,
    tried: TryResult | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = get_draft(Kind.LAB, lab.pk)
    context = {
        "lab": lab,
        "form": form,
        "draft": draft,
        "preview": _preview(lab, data),
        "problems": problems or [],
        "tried": tried,
        **_trial_reply(tried),
        "try_message": tried.message if tried else clean_lab(data)["try_asking"],
        "offline_notice": offline_reason(request.user),
        "diff": diff_draft(Kind.LAB, lab_snapshot(lab), draft.data) if draft else [],
    }
    template = "authoring/lab_edit.html#editor" if request.htmx else "authoring/lab_edit.html"
    return render(request, template, context, status=status)


def _current_data(lab: Lab) -> dict:
    draft = get_draft(Kind.LAB, lab.pk)
    return clean_lab(draft.data if draft else lab_snapshot(lab))


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lab_edit(request: HttpRequest, slug: str) -> HttpResponse:
    lab = _get_lab(slug)
    if request.method == "POST":
        form = _form(lab, request.POST)
        if not form.is_valid():
            return _page(request, lab, form, LabForm.lenient_data(request.POST), status=422)
        save_draft(Kind.LAB, lab.pk, clean_lab(form.cleaned_data), request.user)
        messages.success(request, "Draft saved. Learners still see the published lab.")
        return done(request, reverse("authoring:lab", args=[lab.slug]))
    data = _current_data(lab)
    stored = request.session.pop(_session_key(lab), None)
    tried = TryResult.from_session(stored) if stored else None
    return _page(request, lab, _form(lab, initial=data), data, tried=tried)


@instructor_required
@require_POST
def lab_preview(request: HttpRequest, slug: str) -> HttpResponse:
    lab = _get_lab(slug)
    if not request.htmx:
        return redirect("authoring:lab", slug=lab.slug)
    preview = _preview(lab, LabForm.lenient_data(request.POST))
    return render(request, "authoring/lab_edit.html#preview", {"preview": preview})


@instructor_required
@require_POST
def lab_try(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the lab as edited, before saving: the editor's unsaved fields when htmx sends them
    along, otherwise the draft (or the published lab). Nothing is stored but the result shown."""
    lab = _get_lab(slug)
    data = _current_data(lab)
    if "task" in request.POST:
        sent = clean_lab(LabForm.lenient_data(request.POST))
        data = {name: sent[name] or data[name] for name in data}
    message = request.POST.get("message", "").strip() or data["try_asking"]
    tried = try_lab(lab, data, message, request.user)
    if request.htmx:
        return render(
            request, "authoring/lab_edit.html#tried",
            {"tried": tried, "lab": lab, **_trial_reply(tried)},
        )  # fmt: skip
    request.session[_session_key(lab)] = tried.to_session()
    return redirect(reverse("authoring:lab", args=[lab.slug]) + "#try")


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lab_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Save what the form holds as the draft and ask for confirmation; publish the draft, with
    its optional change note, once confirmed (confirm=yes)."""
    lab = _get_lab(slug)
    editor = reverse("authoring:lab", args=[lab.slug])
    if request.method == "POST" and "task" in request.POST:
        form = _form(lab, request.POST)
        if not form.is_valid():
            return _page(request, lab, form, LabForm.lenient_data(request.POST), status=422)
        save_draft(Kind.LAB, lab.pk, clean_lab(form.cleaned_data), request.user)
    draft = get_draft(Kind.LAB, lab.pk)
    if draft and not confirmed(request):
        data = clean_lab(draft.data)
        problems = publish_problems(lab, data)
        if problems:  # refused now, in the editor, rather than after a confirmation
            return _page(
                request, lab, _form(lab, initial=data), data, problems=problems, status=422
            )
    nothing = "There is no draft to publish."
    what = f"the lab \u201c{lab.title}\u201d"
    asking, note = ask_first(
        request, action="publish", what=what, draft=draft, back_url=editor, nothing=nothing
    )
    if asking:
        return asking
    data = clean_lab(draft.data)
    try:
        revision = publish_lab(lab, data, request.user, note=note)
    except AuthoringError as exc:
        return _page(
            request, lab, _form(lab, initial=data), data, problems=exc.problems, status=422
        )
    messages.success(request, f"Published version {revision.number}: learners see it now.")
    return done(request, editor)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def lab_discard(request: HttpRequest, slug: str) -> HttpResponse:
    lab = _get_lab(slug)
    editor = reverse("authoring:lab", args=[lab.slug])
    draft = get_draft(Kind.LAB, lab.pk)
    nothing = "There is no draft to discard."
    what = f"the lab \u201c{lab.title}\u201d"
    asking, _ = ask_first(
        request, action="discard", what=what, draft=draft, back_url=editor, nothing=nothing
    )
    if asking:
        return asking
    if discard_draft(Kind.LAB, lab.pk):
        messages.success(request, "Draft discarded: the editor shows the published lab.")
    return done(request, editor)
