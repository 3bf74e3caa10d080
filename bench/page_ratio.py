"""Each learner page against a trivial authenticated page, on one gunicorn worker, interleaved.

    .venv/bin/python bench/page_ratio.py [--rounds 150] [--port 8417]

Starts everything it needs: a temporary SQLite database synced with the course, a learner with
some history (read a lesson, answered a quiz question, a lab reply with a calculation card, one
submitted test), and gunicorn with ONE sync worker on loopback with DEBUG
off. Then it requests the password change form (the trivial authenticated page: session, user,
base template, a form) and each learner page in turn, round after round, so that whatever else
the machine is doing lands on every page alike, and prints each page's median, its ratio to
the trivial page's median and its query count (from the test client, same database).

Goal (issue 18): every ratio at most 1.5 and at most 8 queries per page.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="page-ratio-")
ENV = dict(
    DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", VAR_DIR=WORK,
    SECRET_KEY="page-ratio-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    ALLOWED_HOSTS="127.0.0.1,testserver", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
    CELERY_TASK_ALWAYS_EAGER="1", LOG_LEVEL="ERROR", LAB_MESSAGES_PER_HOUR="1000",
)  # fmt: skip
os.environ.update(ENV)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

import httpx2  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

M = "/modules/cost-optimization"
QUESTION = re.compile(r'name="question" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="([0-9a-f]+)"')


def take_test(client: Client, submit: bool) -> str:
    """Start a test attempt, answer every question, submit it if asked; its base URL."""
    location = client.post(f"{M}/test/start/").headers["location"]
    base = re.search(r".*/attempts/\d+/", location).group(0)
    number = 1
    while (page := client.get(f"{base}questions/{number}/")).status_code == 200:
        html = page.content.decode()
        client.post(f"{base}answer/", {"question": QUESTION.search(html).group(1),
                                         "choice": CHOICE.findall(html)[0], "go": "stay"})  # fmt: skip
        number += 1
    if submit:
        assert "/result/" in client.post(f"{base}submit/").headers["location"]
    return base


def make_learner() -> tuple[Client, dict[str, str]]:
    """A learner with some history, logged in on a test client; the pages to measure."""
    learner = User.objects.create_user("ratio", password="ratio-long-password-1")
    client = Client()
    client.force_login(learner)
    client.post(f"{M}/lessons/token-economics/complete/")
    quiz = client.get(f"{M}/lessons/token-economics/quiz/").content.decode()
    client.post(f"{M}/lessons/token-economics/quiz/answer/",
                {"question": QUESTION.search(quiz).group(1), "choice": CHOICE.findall(quiz)[0]},
                headers={"HX-Request": "true"})  # fmt: skip
    sent = client.post(f"{M}/lessons/token-economics/lab/send/",
                       {"text": "What does Haiku 5.5 cost at 1,000 requests a day?"})  # fmt: skip
    assert "/lab/c/" in sent.headers["location"], sent.headers
    submitted = take_test(client, submit=True)
    pages = {
        "trivial (password form)": "/accounts/password/",
        "dashboard": "/",
        "module": f"{M}/",
        "lesson": f"{M}/lessons/token-economics/",
        "quiz": f"{M}/lessons/token-economics/quiz/",
        "lab": sent.headers["location"],
        "test": f"{M}/test/",
        "result": f"{submitted}result/",
    }
    return client, pages


def query_counts(client: Client, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {url}")


def measure(base: str, session: str, pages: dict[str, str], rounds: int) -> dict[str, list]:
    times: dict[str, list[float]] = {name: [] for name in pages}
    names = list(pages)
    with httpx2.Client(base_url=base, cookies={"sessionid": session}) as http:
        for name in names:  # warm every page (templates, caches) before timing
            for _ in range(3):
                assert http.get(pages[name]).status_code == 200, pages[name]
        for round_ in range(rounds):
            # Round-robin, starting one page later each round, so no page always follows another.
            for i in range(len(names)):
                name = names[(round_ + i) % len(names)]
                started = time.perf_counter()
                response = http.get(pages[name])
                times[name].append(time.perf_counter() - started)
                assert response.status_code == 200, (pages[name], response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--port", type=int, default=8417)
    args = parser.parse_args()
    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("sync_content", verbosity=0, stdout=devnull)
    client, pages = make_learner()
    counts = query_counts(client, pages)
    session = session_key(client)
    connection.close()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", "1", "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **ENV},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_for(base + "/healthz")
        times = measure(base, session, pages, args.rounds)
    finally:
        server.terminate()
        server.wait(10)
    trivial = statistics.median(times["trivial (password form)"])
    print(f"{args.rounds} interleaved rounds, one sync gunicorn worker, DEBUG off, SQLite")
    print("| Page | Median | Ratio to trivial | Queries | Goal |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / trivial
        if name != "trivial (password form)":
            worst = max(worst, ratio)
        print(f"| {name} | {median * 1000:.1f} ms | {ratio:.2f}x | {counts[name]} "
              f"| <= 1.5x, <= 8 queries |")  # fmt: skip
    ok = worst <= 1.5 and all(n <= 8 for n in counts.values())
    print(f"worst ratio {worst:.2f}x, most queries {max(counts.values())}:",
          "PASS" if ok else "FAIL")  # fmt: skip


if __name__ == "__main__":
    main()
