import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_healthz_stays_200_and_says_the_worker_is_absent_when_none_listens(client):
    from django.core.cache import cache

    cache.clear()
    response = client.get("/healthz")
    assert response.status_code == 200  # the web tier is fine; only the labs would wait
    body = response.json()
    assert body["worker"] == "absent"
    assert body["worker_detail"]["count"] == 0


def test_healthz_asks_the_workers_at_most_once_per_cache_period(client, monkeypatch):
    from django.core.cache import cache

    from config.celery import app

    cache.clear()
    pings = []

    def ping(timeout):
        pings.append(timeout)
        return [{"celery@a": {"ok": "pong"}}]

    monkeypatch.setattr(app.control, "ping", ping)
    for _ in range(3):
        assert client.get("/healthz").json()["worker"] == "ok"
    assert len(pings) == 1
    assert pings[0] <= 1  # a short timeout keeps the check fast


def test_head_on_healthz_answers_200_without_a_body(client):
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""
