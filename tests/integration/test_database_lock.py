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
