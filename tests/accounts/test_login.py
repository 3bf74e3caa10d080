import threading
import time

import pytest
from django.test import Client
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


def log_in(client, username: str, password: str, address: str = "198.51.100.7", **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_an_attackers_failures_do_not_lock_out_the_real_user_at_another_address(
    client, learner, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    for _ in range(8):
        log_in(client, learner.username, "guess", address="203.0.113.66")
    assert (
        b"Too many failed attempts"
        in log_in(client, learner.username, PASSWORD, address="203.0.113.66").content
    )
    response = log_in(client, learner.username, PASSWORD, address="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_forwarded_address(
    client, learner, settings
):
    settings.TRUSTED_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.2"  # every request reaches the app from the proxy
    for _ in range(6):
        log_in(client, learner.username, "guess", proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    response = log_in(
        client, learner.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_throttle(
    client, learner, settings
):
    settings.TRUSTED_PROXY = False
    for n in range(6):
        log_in(client, learner.username, "guess", "203.0.113.66", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    response = log_in(
        client, learner.username, PASSWORD, "203.0.113.66", HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_success_clears_the_failures_of_that_user_at_that_address(client, learner, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _ in range(2):
        log_in(client, learner.username, "guess")
    assert log_in(client, learner.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        log_in(client, learner.username, "guess")
    # Two more failures, not four: the count started again at the success.
    assert log_in(client, learner.username, PASSWORD).status_code == 302


def test_the_wait_doubles_with_each_failure_after_the_limit_and_says_how_long(
    client, learner, settings, monkeypatch
):
    from accounts import throttle

    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_WINDOW = 60
    settings.LOGIN_THROTTLE_MAX_WAIT = 200
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: clock[0])
    for _ in range(3):
        log_in(client, learner.username, "guess")
    assert b"Try again in 1 minute." in log_in(client, learner.username, PASSWORD).content
    clock[0] += 61  # the first wait is over: one more guess, which fails
    assert b"correct username and password" in log_in(client, learner.username, "g").content
    assert b"Try again in 2 minutes." in log_in(client, learner.username, PASSWORD).content
    clock[0] += 121
    log_in(client, learner.username, "guess")
    # 240 seconds would be next; the cap is 200.
    assert b"Try again in 4 minutes." in log_in(client, learner.username, PASSWORD).content
    clock[0] += 150
    assert b"Try again in 50 seconds." in log_in(client, learner.username, PASSWORD).content
    clock[0] += 51
    assert log_in(client, learner.username, PASSWORD).status_code == 302


class CountingBackend:
    """Counts password checks and holds each one long enough for all threads to overlap."""

    checks = 0
    lock = threading.Lock()

    def authenticate(self, request, username=None, password=None, **kwargs):
        with CountingBackend.lock:
            CountingBackend.checks += 1
        time.sleep(0.05)
        return None

    def get_user(self, user_id):
        return None


@pytest.mark.parametrize("cache_backend", ["locmem", "file"])
def test_thirty_parallel_guesses_against_a_limit_of_five_check_at_most_five_passwords(
    settings, tmp_path, cache_backend
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 5
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    if cache_backend == "file":
        # Each thread gets its own cache object on the same directory, as processes would.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    CountingBackend.checks = 0
    start = threading.Barrier(30)
    responses = []

    def guess() -> None:
        start.wait()
        responses.append(log_in(Client(), "lena", "guess", address="203.0.113.66"))

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(responses) == 30
    assert all(r.status_code == 200 for r in responses)
    assert CountingBackend.checks <= 5
    assert sum(b"Too many failed attempts" in r.content for r in responses) >= 25


def test_the_old_password_check_of_a_password_change_is_throttled(client, learner, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client.force_login(learner)

    def change(old: str):
        return client.post(
            reverse("accounts:password_change"),
            {
                "old_password": old,
                "new_password1": "x-new-pass-991",
                "new_password2": "x-new-pass-991",
            },
            REMOTE_ADDR="203.0.113.66",
        )

    for _ in range(3):
        assert b"incorrectly" in change("guess").content
    response = change(PASSWORD)
    assert response.status_code == 200
    assert b"Too many failed attempts" in response.content
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)
