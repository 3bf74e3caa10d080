from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("labs.urls")),
    path("author/", include("authoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]

# A bad id or date in a request (config.params.BadParameter) is a 400 that says what was wrong.
handler400 = "config.errors.bad_request"
