import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-passphrase-after-reset-8"
SENT = b"If that address belongs to an account, a link to choose a new password is on its way"


def ask_for_reset(client, email: str, address: str = "198.51.100.7"):
    return client.post(
        reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address, follow=True
    )


def test_the_login_page_links_to_the_password_reset(client):
    response = client.get(reverse("accounts:login"))
    assert reverse("accounts:password_reset").encode() in response.content


def test_a_learner_resets_a_forgotten_password_and_logs_in_with_the_new_one(client, learner):
    response = ask_for_reset(client, learner.email.upper())
    assert SENT in response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert "Cost Optimization" in message.subject
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    # Django swaps the token in the link for one kept in the session, then shows the form.
    response = client.get(link, follow=True)
    assert b"Choose a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert b"Your new password is saved" in response.content
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)

    login = reverse("accounts:login")
    assert (
        b"correct username"
        in client.post(login, {"username": "lena", "password": PASSWORD}).content
    )
    response = client.post(login, {"username": "lena", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)
    # A link works once.
    assert b"This link no longer works" in client.get(link, follow=True).content


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, learner):
    known = ask_for_reset(client, learner.email)
    unknown = ask_for_reset(client, "nobody@example.com")
    assert unknown.status_code == known.status_code == 200
    assert SENT in unknown.content
    assert unknown.redirect_chain == known.redirect_chain
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_a_bad_email_is_refused_with_a_message_and_kept(client):
    response = ask_for_reset(client, "not-an-email")
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert b'value="not-an-email"' in response.content
    assert mail.outbox == []


def test_reset_mail_is_limited_per_email_address(client, learner, settings):
    settings.PASSWORD_RESET_THROTTLE_ATTEMPTS = 3
    for n in range(3):
        ask_for_reset(client, learner.email, address=f"203.0.113.{n}")
    response = ask_for_reset(client, learner.email, address="203.0.113.50")
    assert b"Too many reset requests. Try again in 1 hour" in response.content
    assert f'value="{learner.email}"'.encode() in response.content
    assert len(mail.outbox) == 3


def test_reset_mail_is_limited_per_client_address(client, settings):
    settings.PASSWORD_RESET_THROTTLE_ATTEMPTS = 3
    users = [make_user(f"user{n}") for n in range(4)]
    for user in users[:3]:
        ask_for_reset(client, user.email, address="203.0.113.66")
    response = ask_for_reset(client, users[3].email, address="203.0.113.66")
    assert b"Too many reset requests" in response.content
    assert len(mail.outbox) == 3
    # Another address is not affected.
    ask_for_reset(client, users[3].email, address="198.51.100.7")
    assert len(mail.outbox) == 4


def test_the_throttle_answers_alike_for_known_and_unknown_emails(client, learner, settings):
    settings.PASSWORD_RESET_THROTTLE_ATTEMPTS = 1
    for email in (learner.email, "nobody@example.com"):
        ask_for_reset(client, email, address="203.0.113.1")
        response = ask_for_reset(client, email, address="203.0.113.2")
        assert b"Too many reset requests" in response.content, email


def test_a_broken_reset_link_says_so_instead_of_failing(client):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["bm90LWEtdXNlcg", "bad-token"])
    )
    assert response.status_code == 200
    assert b"This link no longer works" in response.content


def test_resetting_the_password_lifts_the_wait_at_the_address_that_reset_it(
    client, learner, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    login = reverse("accounts:login")
    for _ in range(3):
        client.post(login, {"username": "lena", "password": "guess"}, REMOTE_ADDR="198.51.100.7")
    ask_for_reset(client, learner.email)
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    response = client.post(
        login, {"username": "lena", "password": NEW_PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
