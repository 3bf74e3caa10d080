from django.urls import path

from labs import views

app_name = "labs"
lab = "modules/<slug:module>/lessons/<slug:lesson>/lab/"
urlpatterns = [
    path(lab, views.lab_page, name="lab"),
    path(lab + "c/<int:conversation>/", views.lab_page, name="conversation"),
    path(lab + "send/", views.lab_send, name="send"),
    path("labs/messages/<int:pk>/", views.message_fragment, name="message"),
    path("labs/messages/<int:pk>/stream/", views.message_stream, name="stream"),
    path("labs/messages/<int:pk>/stop/", views.message_stop, name="stop"),
    path("labs/messages/<int:pk>/retry/", views.message_retry, name="retry"),
    path("labs/calculations/<int:pk>/", views.calculation_recalculate, name="recalculate"),
    path("labs/calculations/<int:pk>/restore/", views.calculation_restore, name="restore"),
    path("labs/spend/", views.spend, name="spend"),
    path("labs/evaluations/", views.evaluations, name="evaluations"),
]
