"""A real Celery worker process consuming a real broker: Redis, and the filesystem transport."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.services


def service_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "integration-test-secret-key-0123456789-abcdefghij",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def check_worker(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--timeout", "30"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_task_round_trips_through_redis_and_a_real_worker(tmp_path, redis_url):
    env = service_env(tmp_path, REDIS_URL=redis_url)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        result = check_worker(env)
    finally:
        stop(worker)
    assert result.returncode == 0, result.stderr + (tmp_path / "worker.log").read_text()
    assert "worker answered in" in result.stdout


def test_a_task_round_trips_through_the_filesystem_broker(tmp_path):
    env = service_env(tmp_path)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        result = check_worker(env)
    finally:
        stop(worker)
    assert result.returncode == 0, result.stderr + (tmp_path / "worker.log").read_text()
    assert "worker answered in" in result.stdout
    # The message went through files in var/, not through any server.
    assert (tmp_path / "broker" / "queue").is_dir()


def test_check_worker_fails_clearly_when_no_worker_runs(tmp_path):
    env = service_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--timeout", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no worker ran the task" in result.stderr


HEALTHZ = (
    "import django, json; django.setup(); from django.test import Client; "
    "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json()))"
)


def healthz(env: dict[str, str]) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    status, _, body = result.stdout.strip().splitlines()[-1].partition(" ")
    return int(status), json.loads(body)


def test_healthz_reports_a_running_worker_as_ok_and_a_stopped_one_as_absent(tmp_path):
    env = service_env(tmp_path, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        assert check_worker(env).returncode == 0  # the worker is up and consuming
        status, body = healthz(env)
    finally:
        stop(worker)
    assert status == 200
    assert body["worker"] == "ok", (body, (tmp_path / "worker.log").read_text())
    # The file cache is shared by processes: forget the cached answer so the next asks again.
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    status, body = healthz(env)
    assert status == 200
    assert body["worker"] == "absent"
