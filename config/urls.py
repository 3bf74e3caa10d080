from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from config import health


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # At request time: the static URL comes from the manifest, which exists after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("labs.urls")),
    path("author/", include("authoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon.
    path("favicon.ico", favicon, name="favicon"),
]

# A bad id or date in a request (config.params.BadParameter) is a 400 that says what was wrong.
handler400 = "config.errors.bad_request"
