"""Small helpers shared by the authoring views."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from authoring.models import Kind


def done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: htmx moves the page, a plain form follows a redirect."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def editor_url(kind: str, object_id: int) -> str:
    from labs.models import Lab

    if kind == Kind.LESSON:
        return reverse("authoring:lesson", args=[object_id])
    if kind == Kind.QUIZ:
        return reverse("authoring:quiz", args=[object_id])
    if kind == Kind.CONCEPT:
        return reverse("authoring:concept", args=[object_id])
    if kind == Kind.LAB:
        slug = Lab.objects.values_list("slug", flat=True).get(pk=object_id)
        return reverse("authoring:lab", args=[slug])
    return reverse("authoring:prices")


# Publishing and discarding change what learners see, or throw work away, so each takes two
# steps: the button leads to a confirmation page (a real page, so it works without JavaScript,
# where an hx-confirm dialog would not), and only its POST with confirm=yes acts.
NOTE_MAX_CHARS = 500


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def change_note(request: HttpRequest) -> tuple[str, str]:
    """The optional change note kept in history, and an error to show ("" when it is fine)."""
    note = " ".join(str(request.POST.get("note", "")).split())
    if len(note) > NOTE_MAX_CHARS:
        return note, (
            f"The change note is {len(note)} characters long; keep it to {NOTE_MAX_CHARS} "
            "(the history shows it in a table cell)."
        )
    return note, ""


def confirm_page(
    request: HttpRequest,
    *,
    action: str,
    what: str,
    draft: object,
    back_url: str,
    note: str = "",
    error: str = "",
    nothing: str = "",
    status: int = 200,
) -> HttpResponse:
    """The confirmation step of `action` ("publish" or "discard") for the draft of `what`."""
    return render(
        request,
        "authoring/confirm.html",
        {
            "action": action,
            "what": what,
            "draft": draft,
            "back_url": back_url,
            "post_url": request.path,
            "note": note,
            "error": error,
            "note_max": NOTE_MAX_CHARS,
            "nothing": nothing,
        },
        status=status,
    )


def ask_first(
    request: HttpRequest,
    *,
    action: str,
    what: str,
    draft: object | None,
    back_url: str,
    nothing: str,
) -> tuple[HttpResponse | None, str]:
    """(None, change note) once the confirmation page's POST arrived with a valid note;
    otherwise (the response that asks, ""): a POST from an editor's button is sent on to the
    confirmation page (post/redirect/get), a GET shows it, a bad note shows it again with it.
    Without a draft, `nothing` says so: on the page for a GET, as a message after a POST."""
    if draft is None:
        if request.method == "POST":
            messages.info(request, nothing)
            return done(request, back_url), ""
        page = confirm_page(
            request, action=action, what=what, draft=None, back_url=back_url, nothing=nothing
        )
        return page, ""
    if not confirmed(request):
        if request.method == "POST":
            return done(request, request.path), ""
        page = confirm_page(request, action=action, what=what, draft=draft, back_url=back_url)
        return page, ""
    if action != "publish":
        return None, ""
    note, error = change_note(request)
    if error:
        page = confirm_page(
            request, action=action, what=what, draft=draft, back_url=back_url, note=note,
            error=error, status=400,
        )  # fmt: skip
        return page, note
    return None, note
