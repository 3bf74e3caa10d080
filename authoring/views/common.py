"""Small helpers shared by the authoring views."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
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
    if kind == Kind.LAB:
        slug = Lab.objects.values_list("slug", flat=True).get(pk=object_id)
        return reverse("authoring:lab", args=[slug])
    return reverse("authoring:prices")
