"""Faults with real processes: a worker killed mid-reply, the broker down at send time."""

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.integration.test_lab_pipeline import prepare
from tests.integration.test_worker_round_trip import service_env, start_worker, stop
from tests.labs.fake_claude import AutoClaude, serve

pytestmark = pytest.mark.services

SETUP = """
from django.contrib.auth.models import User
from labs.models import Conversation, Lab, Message
user = User.objects.create(username="victim")
lab = Lab.objects.get(slug="cost-estimator")
c = Conversation.objects.create(user=user, lab=lab)
Message.objects.create(conversation=c, role="user", text="What does Haiku 5.5 cost?")
m = Message.objects.create(conversation=c, role="assistant", status="queued")
from labs.tasks import reply
reply.delay(m.pk)
print(m.pk)
"""
STATE = """
from labs.models import Message
m = Message.objects.filter(role="assistant").get()
print(m.status, m.attempts, m.calculations.count())
"""


def shell(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def wait_for(env: dict, wanted: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        state = shell(env, STATE)
        if state.startswith(wanted):
            return state
        time.sleep(0.3)
    raise AssertionError(f"reply never reached {wanted!r}; last state {state!r}")


@pytest.mark.parametrize("broker", ["redis", "filesystem"])
def test_a_worker_killed_mid_reply_is_rerun_by_the_sweep_not_left_stuck(tmp_path, request, broker):
    fake = AutoClaude(delays=[30])  # the first request hangs: the worker dies while waiting
    server, port = serve(fake)
    extra = {
        "ANTHROPIC_API_KEY": "sk-ant-fake", "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CELERY_TASK_TIME_LIMIT": "2", "CELERY_TASK_SOFT_TIME_LIMIT": "1",
        "LAB_SWEEP_GRACE_SECONDS": "1", "CLAUDE_MAX_RETRIES": "0",
    }  # fmt: skip
    if broker == "redis":
        extra["REDIS_URL"] = request.getfixturevalue("redis_url")
    env = service_env(tmp_path, **extra)
    prepare(env)
    worker = start_worker(env, tmp_path / "worker1.log")
    try:
        shell(env, SETUP)
        wait_for(env, "running 1")
        deadline = time.monotonic() + 20
        while not fake.arrived and time.monotonic() < deadline:  # mid-reply: Claude is answering
            time.sleep(0.05)
        assert fake.arrived == 1
        worker.send_signal(signal.SIGKILL)  # no warm shutdown: the reply is left running
        worker.wait(timeout=10)
        assert shell(env, STATE).startswith("running 1")
        time.sleep(3.5)  # past the hard time limit plus the grace
        worker = start_worker(env, tmp_path / "worker2.log")
        subprocess.run([sys.executable, "manage.py", "sweep_labs"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=60)  # fmt: skip
        state = wait_for(env, "done")
    finally:
        stop(worker)
        server.shutdown()
    status, attempts, cards = state.split()
    assert (status, attempts) == ("done", "2")
    assert int(cards) == 1


SEND = """
from django.contrib.auth.models import User
from django.test import Client
u = User.objects.create(username="offline_olga")
c = Client(); c.force_login(u)
r = c.post("/modules/cost-optimization/lessons/token-economics/lab/send/",
           {"text": "What does Haiku 5.5 cost at 2,000 requests a day?"},
           headers={"HX-Request": "true"})
print(r.status_code, "saved" if "Your message is saved" in r.content.decode() else "silent")
"""


def test_a_message_sent_while_the_broker_is_down_is_kept_and_answered_once_it_is_back(tmp_path):
    import shutil

    from tests.conftest import free_port, need_service, wait_for_port

    binary = shutil.which("redis-server")
    need_service(binary is not None, "redis-server is not installed")
    port = free_port()
    env = service_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0", ALLOWED_HOSTS="testserver",
                      SECURE_SSL_REDIRECT="0", LAB_SWEEP_GRACE_SECONDS="1")  # fmt: skip
    prepare(env)
    # The broker is down: nothing listens on the port.
    sent = shell(env, SEND)
    assert sent == "200 saved"
    assert shell(env, STATE).startswith("queued 0")
    redis = subprocess.Popen([binary, "--port", str(port), "--save", "", "--dir", str(tmp_path)],
                             stdout=subprocess.DEVNULL)  # fmt: skip
    worker = None
    try:
        wait_for_port(port)
        worker = start_worker(env, tmp_path / "worker.log")
        time.sleep(1.2)  # past the sweep's grace
        subprocess.run([sys.executable, "manage.py", "sweep_labs"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=60)  # fmt: skip
        state = wait_for(env, "done")
    finally:
        if worker:
            stop(worker)
        redis.terminate()
        redis.wait(timeout=10)
    assert state.split()[:2] == ["done", "1"]


BEATS = """
from labs.models import Message
m = Message.objects.filter(role="assistant").get()
print(round((m.heartbeat_at - m.started_at).total_seconds(), 1))
"""


def test_make_runs_stack_reruns_a_dead_workers_reply_by_itself_within_about_30_seconds(tmp_path):
    """Default heartbeat and sweep settings, hard time limit far away: only the heartbeat can
    bring the reply back, and only the sweep that `make run` (bin/dev.py) schedules runs."""
    from tests.conftest import free_port

    fake = AutoClaude(delays=[120])  # the first request hangs: the worker dies while waiting
    server, port = serve(fake)
    env = service_env(tmp_path, ANTHROPIC_API_KEY="sk-ant-fake", CLAUDE_MAX_RETRIES="0",
                      ANTHROPIC_BASE_URL=f"http://127.0.0.1:{port}", WORKER_CONCURRENCY="1",
                      HOST="127.0.0.1", PORT=str(free_port()),
                      ALLOWED_HOSTS="localhost")  # fmt: skip
    for name in ("LAB_HEARTBEAT_TIMEOUT_SECONDS", "LAB_SWEEP_INTERVAL_SECONDS",
                 "CELERY_TASK_TIME_LIMIT", "CELERY_TASK_SOFT_TIME_LIMIT"):  # fmt: skip
        env.pop(name, None)
    prepare(env)
    worker = start_worker(env, tmp_path / "worker1.log")
    dev = None
    try:
        shell(env, SETUP)
        wait_for(env, "running 1")
        deadline = time.monotonic() + 20
        while not fake.arrived and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.arrived == 1
        time.sleep(6)  # past one heartbeat (every 5 s) while Claude says nothing
        assert float(shell(env, BEATS)) >= 4
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed = time.monotonic()
        dev = subprocess.Popen([sys.executable, "bin/dev.py"], cwd=ROOT, env=env,
                               stdout=(tmp_path / "dev.log").open("w"),
                               stderr=subprocess.STDOUT)  # fmt: skip
        state = wait_for(env, "done", timeout=60)
        took = time.monotonic() - killed
    finally:
        if dev:
            stop(dev)
        stop(worker)
        server.shutdown()
    status, attempts, cards = state.split()
    assert (status, attempts, int(cards)) == ("done", "2", 1)
    # 20 s without a beat, then the next 10 s sweep; the reply itself takes a moment more.
    assert took <= 36, (took, (tmp_path / "dev.log").read_text()[-3000:])
