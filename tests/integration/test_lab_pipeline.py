"""A lab reply streams through a real Celery worker from a fake Claude server on loopback."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.test_worker_round_trip import service_env, start_worker, stop
from tests.labs.fake_claude import AutoClaude, serve

pytestmark = pytest.mark.services


def prepare(env: dict) -> None:
    for command in (["migrate", "--noinput", "-v", "0"], ["sync_content"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip


def drive(env: dict, count: int) -> dict:
    result = subprocess.run(
        [sys.executable, "tests/integration/lab_driver.py", str(count)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("broker", ["redis", "filesystem"])
def test_a_claude_reply_comes_through_a_real_worker(tmp_path, request, broker):
    fake = AutoClaude()
    server, port = serve(fake)
    extra = {"ANTHROPIC_API_KEY": "sk-ant-fake", "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
             "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0"}  # fmt: skip
    if broker == "redis":
        extra["REDIS_URL"] = request.getfixturevalue("redis_url")
    env = service_env(tmp_path, **extra)
    prepare(env)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        result = drive(env, 2)
    finally:
        stop(worker)
        server.shutdown()
    log = (tmp_path / "worker.log").read_text()
    for run in result["runs"]:
        assert run["status"] == "done", log[-3000:]
        assert run["engine"] == "claude"
        assert run["cards"] == 1 and run["has_card_html"]
        assert run["calls"] == 2  # tool round + final text, each logged with its cost
        assert run["first_text_s"] is not None
    # Every request carried the cached tools and system prompt.
    assert len(fake.requests) == 4
    for body in fake.requests:
        assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
        assert "temperature" not in body
