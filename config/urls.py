from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from config import health

urlpatterns = [
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("labs.urls")),
    path("author/", include("authoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon.
    path(
        "favicon.ico",
        RedirectView.as_view(
            url=static("favicon.svg"), permanent=True, http_method_names=["get", "head"]
        ),
        name="favicon",
    ),
]

# A bad id or date in a request (config.params.BadParameter) is a 400 that says what was wrong.
handler400 = "config.errors.bad_request"
