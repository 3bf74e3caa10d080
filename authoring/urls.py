from django.urls import path

from authoring.views import concepts, dashboard, history, labs, lessons, prices, quizzes

app_name = "authoring"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("lessons/<int:pk>/", lessons.lesson_edit, name="lesson"),
    path("lessons/<int:pk>/preview/", lessons.lesson_preview, name="lesson_preview"),
    path("lessons/<int:pk>/as-learner/", lessons.lesson_as_learner, name="lesson_as_learner"),
    path("lessons/<int:pk>/publish/", lessons.lesson_publish, name="lesson_publish"),
    path("lessons/<int:pk>/discard/", lessons.lesson_discard, name="lesson_discard"),
    path("lessons/<int:pk>/concepts/", concepts.concept_list, name="concepts"),
    path("concepts/<int:pk>/", concepts.concept_edit, name="concept"),
    path("concepts/<int:pk>/preview/", concepts.concept_preview, name="concept_preview"),
    path("concepts/<int:pk>/try/", concepts.concept_try, name="concept_try"),
    path("concepts/<int:pk>/publish/", concepts.concept_publish, name="concept_publish"),
    path("concepts/<int:pk>/discard/", concepts.concept_discard, name="concept_discard"),
    path("quizzes/<int:pk>/", quizzes.quiz_edit, name="quiz"),
    path("quizzes/<int:pk>/questions/<slug:key>/", quizzes.question_edit, name="question"),
    path(
        "quizzes/<int:pk>/questions/<slug:key>/move/", quizzes.question_move, name="question_move"
    ),
    path(
        "quizzes/<int:pk>/questions/<slug:key>/remove/",
        quizzes.question_remove,
        name="question_remove",
    ),
    path("quizzes/<int:pk>/as-learner/", quizzes.quiz_as_learner, name="quiz_as_learner"),
    path("quizzes/<int:pk>/publish/", quizzes.quiz_publish, name="quiz_publish"),
    path("quizzes/<int:pk>/discard/", quizzes.quiz_discard, name="quiz_discard"),
    path("labs/<slug:slug>/", labs.lab_edit, name="lab"),
    path("labs/<slug:slug>/preview/", labs.lab_preview, name="lab_preview"),
    path("labs/<slug:slug>/try/", labs.lab_try, name="lab_try"),
    path("labs/<slug:slug>/publish/", labs.lab_publish, name="lab_publish"),
    path("labs/<slug:slug>/discard/", labs.lab_discard, name="lab_discard"),
    path("prices/", prices.prices, name="prices"),
    path("prices/models/<str:model_id>/", prices.price_model, name="price_model"),
    path("prices/publish/", prices.prices_publish, name="prices_publish"),
    path("prices/discard/", prices.prices_discard, name="prices_discard"),
    path("prices/changes/<int:number>/", prices.price_change, name="price_change"),
    path("history/<slug:kind>/<int:object_id>/", history.history, name="history"),
    path("history/<slug:kind>/<int:object_id>/<int:number>/", history.revision, name="revision"),
    path(
        "history/<slug:kind>/<int:object_id>/<int:number>/restore/",
        history.restore,
        name="restore",
    ),
]
