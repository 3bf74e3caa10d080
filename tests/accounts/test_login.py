import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_logging_in_with_the_right_password_starts_a_session(client, learner):
    response = client.post(
        reverse("accounts:login"), {"username": learner.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_a_wrong_password_is_refused_with_a_message(client, learner):
    response = client.post(
        reverse("accounts:login"), {"username": learner.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, learner, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": learner.username, "password": "nope"})
    # Even the right password is refused while the window lasts.
    response = client.post(
        reverse("accounts:login"), {"username": learner.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_logging_out_needs_a_post_and_ends_the_session(client, learner):
    client.force_login(learner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_the_password_requires_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_learner_can_change_their_password(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-7",
            "new_password2": "a-brand-new-passphrase-7",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-brand-new-passphrase-7")
