from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("", include("courses.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]
