from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("modules/<slug:module>/", views.module_detail, name="module"),
    path("modules/<slug:module>/lessons/<slug:lesson>/", views.lesson_detail, name="lesson"),
    path(
        "modules/<slug:module>/lessons/<slug:lesson>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
]
