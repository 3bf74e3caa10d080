"""SQLite briefly locked by another writer: requests wait and succeed, or fail whole."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.test_lab_pipeline import prepare
from tests.integration.test_worker_round_trip import service_env

pytestmark = pytest.mark.services


def run(env: dict, hold: float) -> dict:
    result = subprocess.run(
        [sys.executable, "tests/integration/lock_driver.py", str(hold)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_write_waits_out_a_brief_lock_and_succeeds(tmp_path):
    env = service_env(tmp_path, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0",
                      SQLITE_TIMEOUT="10")  # fmt: skip
    prepare(env)
    result = run(env, 1.5)
    assert result["status"] == 302
    assert result["waited_s"] >= 1.0
    assert result["rows"] == 1


def test_a_lock_longer_than_the_timeout_fails_the_request_cleanly_with_nothing_written(tmp_path):
    env = service_env(tmp_path, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0",
                      SQLITE_TIMEOUT="1")  # fmt: skip
    prepare(env)
    result = run(env, 3)
    assert result["status"] == 500
    assert result["rows"] == 0


CLAIM_UNDER_LOCK = """
import sqlite3, threading, time
from django.conf import settings
from django.contrib.auth.models import User
from labs.models import Conversation, Lab, Message
from labs.tasks import reply
user = User.objects.create(username="claimer")
c = Conversation.objects.create(user=user, lab=Lab.objects.get(slug="cost-estimator"))
Message.objects.create(conversation=c, role="user", text="Haiku 5.5 cost at 1,000 requests a day?")
m = Message.objects.create(conversation=c, role="assistant", status="queued")
held = threading.Event()
def hold():
    conn = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(2.5)
    conn.execute("COMMIT")
locker = threading.Thread(target=hold)
locker.start()
held.wait()
try:
    reply(m.pk)  # as the worker runs it, while another writer holds the lock past SQLITE_TIMEOUT
    raised = "none"
except Exception as exc:
    raised = type(exc).__name__
locker.join()
m.refresh_from_db()
print(raised, m.status, m.attempts)
"""


def test_a_reply_claimed_while_the_database_is_locked_waits_and_is_answered(tmp_path):
    env = service_env(tmp_path, SQLITE_TIMEOUT="1")
    prepare(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CLAIM_UNDER_LOCK],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "none done 1", result.stderr[-3000:]
