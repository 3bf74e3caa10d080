import pytest

from quizzes.models import Attempt, RetakeGrant
from tests.quizzes.helpers import lesson_quiz, make_attempt, module_test

pytestmark = pytest.mark.django_db

MODELS = ["quiz", "question", "choice", "attempt", "answer", "retakegrant"]


def test_every_quiz_model_is_listed_searchable_and_filterable(client, admin_user, learner, course):
    attempt = make_attempt(learner, module_test(), 12)
    client.force_login(admin_user)
    for model in MODELS:
        url = f"/admin/quizzes/{model}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "lena"}).status_code == 200, url
    html = client.get("/admin/quizzes/attempt/", {"quiz__kind__exact": "test"}).content.decode()
    assert "lena" in html
    detail = client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    assert detail.status_code == 200
    assert "mt-te-1" in detail.content.decode()  # the answers, inline


def test_scores_cannot_be_edited_in_the_admin(client, admin_user, learner, course):
    attempt = make_attempt(learner, lesson_quiz(), 1)
    client.force_login(admin_user)
    assert client.get("/admin/quizzes/attempt/add/").status_code == 403
    client.post(f"/admin/quizzes/attempt/{attempt.pk}/change/", {"score": 3})
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_an_admin_reset_from_the_django_admin_voids_attempts_and_records_who(
    client, admin_user, learner, course
):
    attempt = make_attempt(learner, module_test(), 4)
    client.force_login(admin_user)
    response = client.post(
        "/admin/quizzes/retakegrant/add/",
        {"user": learner.pk, "quiz": module_test().pk, "kind": "reset", "reason": "Proctor note"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RetakeGrant.objects.get()
    assert (grant.kind, grant.reason, grant.granted_by) == ("reset", "Proctor note", admin_user)
    assert Attempt.objects.get(pk=attempt.pk).voided
