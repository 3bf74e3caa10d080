from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page instead of Django's technical one; the status stays 403."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 page. A `BadParameter` says which value was wrong and why; other bad requests (a
    malformed header, say) get the general sentence, since their text may hold internals."""
    from config.params import BadParameter

    message = str(exception) if isinstance(exception, BadParameter) else ""
    # htmx swaps 400s into the element that asked (see base.html): give it the reason only.
    template = "400.html#reason" if getattr(request, "htmx", False) else "400.html"
    return render(request, template, {"message": message}, status=400)
