import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": "correct-horse-battery-9",
        "password2": "correct-horse-battery-9",
    }
    data.update(overrides)
    return data


def test_the_signup_page_shows_the_form(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_signing_up_creates_a_learner_and_logs_them_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.com"
    assert not user.is_staff
    assert not user.groups.exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_requires_a_valid_email(client):
    response = client.post(reverse("accounts:signup"), signup_data(email="not-an-email"))
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert not User.objects.filter(username="newbie").exists()


def test_signup_refuses_an_email_already_in_use(client, learner):
    response = client.post(reverse("accounts:signup"), signup_data(email=learner.email.upper()))
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", b"too short"),
        ("password123", b"too common"),
        ("8364928374651", b"entirely numeric"),
    ],
)
def test_signup_refuses_weak_passwords(client, password, message):
    response = client.post(
        reverse("accounts:signup"), signup_data(password1=password, password2=password)
    )
    assert response.status_code == 200
    assert message in response.content
    assert not User.objects.filter(username="newbie").exists()


def test_signup_keeps_what_was_typed_when_it_fails(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="different-pass-99"))
    assert response.status_code == 200
    assert b'value="newbie"' in response.content
    assert b'value="newbie@example.com"' in response.content


def test_a_logged_in_user_is_sent_home_from_signup(client, learner):
    client.login(username=learner.username, password=PASSWORD)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302


def test_signup_needs_a_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "lookalike",
    [
        "Lena",  # case
        "LENA",
        "l\N{CYRILLIC SMALL LETTER IE}na",  # Cyrillic e
        "len\N{CYRILLIC SMALL LETTER A}",  # Cyrillic a
        "\N{FULLWIDTH LATIN SMALL LETTER L}\N{FULLWIDTH LATIN SMALL LETTER E}"
        "\N{FULLWIDTH LATIN SMALL LETTER N}\N{FULLWIDTH LATIN SMALL LETTER A}",
        "1ena",  # digit one for l
        "Iena",  # capital I for l
        "L\N{GREEK CAPITAL LETTER EPSILON}NA",  # a Greek capital epsilon
    ],
)
def test_signup_refuses_a_name_that_looks_like_a_taken_one(client, learner, lookalike):
    response = client.post(
        reverse("accounts:signup"), signup_data(username=lookalike, email="other@example.com")
    )
    assert response.status_code == 200
    assert User.objects.count() == 1
    form = response.context["form"]
    assert form.errors["username"], lookalike
    # What was typed stays in the form.
    assert b'value="other@example.com"' in response.content


def test_the_lookalike_message_says_why(client, learner):
    response = client.post(
        reverse("accounts:signup"),
        signup_data(username="l\N{CYRILLIC SMALL LETTER IE}na", email="other@example.com"),
    )
    assert b"looks too much like one that is already taken" in response.content


def test_a_digit_zero_is_taken_for_an_o(client):
    make_user("bob")
    response = client.post(reverse("accounts:signup"), signup_data(username="b0b"))
    assert b"looks too much like one that is already taken" in response.content


def test_signup_accepts_a_name_that_only_resembles_a_taken_one_in_spelling(client, learner):
    response = client.post(reverse("accounts:signup"), signup_data(username="lenny"))
    assert response.status_code == 302
    assert User.objects.filter(username="lenny").exists()
