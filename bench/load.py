"""Load: N simulated learners against a real server for a fixed time, then an exactly-once audit.

Each learner reads lessons, answers a lesson quiz question, takes the module test now and then,
and sends lab messages (the offline tutor answers through the Celery worker). The script starts
nothing: run the server and a worker first (see BENCHMARKS.md for the exact commands), then

    .venv/bin/python bench/load.py --base http://127.0.0.1:8400 --learners 200 --seconds 60
    .venv/bin/python bench/load.py ... --rate 60    # paced: 60 requests a second in all

It prints requests per second, median and 95th percentile latency per page, errors, and the
audit: every answer, submitted attempt and lab message the clients saw succeed is in the
database exactly once, and every lab message got exactly one reply.
"""

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
MODULE = "/modules/cost-optimization"
LESSONS = ["token-economics", "prompt-caching", "model-selection", "production-controls"]
QUESTION = re.compile(r'name="question" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="([0-9a-f]+)"')  # option tokens, not ids
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')

SETUP = """
import json
import os
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
keys = []
for i in range({n}):
    user, _ = User.objects.get_or_create(username=f"load{{i}}", defaults={{"email": f"load{{i}}@example.com"}})
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    keys.append(s.session_key)
print(json.dumps(keys))
"""

AUDIT = """
import json
import os
from django.db.models import Count
from quizzes.models import Answer, Attempt
from labs.models import Message
users = dict(username__startswith="load")
replies = Message.objects.filter(role="assistant", conversation__user__{u})
dupe_answers = Answer.objects.values("attempt", "question").annotate(n=Count("id")).filter(n__gt=1).count()
per_conv = Message.objects.filter(conversation__user__{u}).values("conversation").annotate(
    users=Count("id", filter=__import__("django.db.models", fromlist=["Q"]).Q(role="user")),
    replies=Count("id", filter=__import__("django.db.models", fromlist=["Q"]).Q(role="assistant")))
print(json.dumps({
  "lesson_answers": Answer.objects.filter(attempt__quiz__kind="lesson", attempt__user__{u}).count(),
  "test_answers": Answer.objects.filter(attempt__quiz__kind="test", attempt__user__{u}).count(),
  "submitted_tests": Attempt.objects.filter(quiz__kind="test", submitted_at__isnull=False, user__{u}).count(),
  "lab_messages": Message.objects.filter(role="user", conversation__user__{u}).count(),
  "replies": replies.count(),
  "replies_by_status": dict(replies.values_list("status").annotate(n=Count("id"))),
  "duplicate_answers": dupe_answers,
  "conversations_with_unmatched_replies": sum(1 for c in per_conv if c["users"] != c["replies"]),
}))
""".replace("{u}", "username__startswith='load'")


class Pacer:
    """Spaces requests evenly at `rate` per second over all learners (None: no pacing), so that
    latency can be measured at a given load rather than at saturation. A request that comes
    when its slot has passed goes at once; the next slot is counted from then, so a stall
    does not turn into a burst."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next = time.monotonic()

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(self.next, now)
        self.next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class Stats:
    def __init__(self, pacer: Pacer | None = None) -> None:
        self.pacer = pacer or Pacer(None)
        self.deadline = float("inf")
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.done = defaultdict(int)  # what the clients saw succeed

    async def call(self, client: httpx2.AsyncClient, label: str, method: str, url: str,
                   ok: tuple[int, ...] = (200, 302), **kwargs: object) -> httpx2.Response | None:  # fmt: skip
        await self.pacer.wait()  # latency counts from when the request is sent
        if self.pacer.interval and time.monotonic() > self.deadline:
            # Paced, a learner's queued requests would run long past the end: stop here.
            return None
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx2.HTTPError as exc:
            self.errors[f"{label}: {type(exc).__name__}"] += 1
            return None
        self.latency[label].append(time.perf_counter() - started)
        if response.status_code not in ok:
            self.errors[f"{label}: HTTP {response.status_code}"] += 1
            return None
        return response


async def learner(base: str, session: str, stats: Stats, deadline: float, seed: int) -> None:
    rnd = random.Random(seed)
    async with httpx2.AsyncClient(base_url=base, cookies={"sessionid": session}, timeout=30) as c:
        page = await stats.call(c, "dashboard", "GET", "/")
        if page is None:
            return
        token = CSRF.search(page.text).group(1)
        headers = {"X-CSRFToken": token}
        while time.monotonic() < deadline:
            lesson = rnd.choice(LESSONS)
            await stats.call(c, "lesson", "GET", f"{MODULE}/lessons/{lesson}/")
            quiz = await stats.call(c, "quiz", "GET", f"{MODULE}/lessons/{lesson}/quiz/")
            if quiz is not None:
                questions, choices = QUESTION.findall(quiz.text), CHOICE.findall(quiz.text)
                if questions and choices:
                    r = await stats.call(
                        c, "quiz answer", "POST", f"{MODULE}/lessons/{lesson}/quiz/answer/",
                        data={"question": questions[0], "choice": choices[rnd.randrange(4)]},
                        headers={**headers, "HX-Request": "true"}, ok=(200,),
                    )  # fmt: skip
                    if r is not None and "feedback" in r.text:
                        stats.done["lesson_answers"] += 1
                    elif r is not None:
                        # Already answered in this attempt: start again next time.
                        await stats.call(
                            c,
                            "quiz retake",
                            "POST",
                            f"{MODULE}/lessons/{lesson}/quiz/retake/",
                            headers=headers,
                        )
            if rnd.random() < 0.5:
                r = await stats.call(
                    c, "lab send", "POST", f"{MODULE}/lessons/{lesson}/lab/send/",
                    data={"text": f"What does Haiku 5.5 cost at {rnd.randint(1, 90)},000 requests "
                                  "a day with a 1,000-token prompt and 300 output tokens?"},
                    headers=headers,
                )  # fmt: skip
                if r is not None and r.status_code == 302 and "/lab/c/" in r.headers["location"]:
                    stats.done["lab_messages"] += 1
            if rnd.random() < 0.15:
                await take_test(c, stats, headers, rnd)
            await asyncio.sleep(rnd.uniform(0.2, 1.0))  # reading time


async def take_test(c: httpx2.AsyncClient, stats: Stats, headers: dict, rnd: random.Random) -> None:
    start = await stats.call(c, "test start", "POST", f"{MODULE}/test/start/", headers=headers)
    if start is None or start.status_code != 302:
        return
    location = start.headers["location"]
    attempt = re.search(r"/attempts/(\d+)/", location)
    if not attempt:
        return  # cooldown: the test page says when
    base = f"{MODULE}/test/attempts/{attempt.group(1)}/"
    for number in range(1, 16):
        page = await stats.call(c, "test question", "GET", f"{base}questions/{number}/")
        if page is None:
            return
        question, choices = QUESTION.search(page.text), CHOICE.findall(page.text)
        if not question or not choices:
            return
        r = await stats.call(c, "test answer", "POST", f"{base}answer/", headers=headers,
                             data={"question": question.group(1), "choice": rnd.choice(choices),
                                   "go": "stay"})  # fmt: skip
        if r is not None:
            stats.done["test_answers"] += 1
    r = await stats.call(c, "test submit", "POST", f"{base}submit/", headers=headers)
    if r is not None and "/result/" in r.headers.get("location", ""):
        stats.done["submitted_tests"] += 1


def manage_shell(code: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8400")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--drain", type=float, default=120, help="max seconds to wait for replies")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="requests per second over all learners (default: as fast as served)",
    )
    args = parser.parse_args()
    sessions = json.loads(manage_shell(SETUP.format(n=args.learners)))
    stats = Stats(Pacer(args.rate))
    started = time.monotonic()
    deadline = started + args.seconds
    stats.deadline = deadline
    await asyncio.gather(
        *(learner(args.base, s, stats, deadline, i) for i, s in enumerate(sessions))
    )
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in stats.latency.values())
    paced = f", paced at {args.rate:g} req/s" if args.rate else ""
    print(f"{args.learners} learners, {elapsed:.0f} s, {total} requests, "
          f"{total / elapsed:.1f} req/s ({total / elapsed / (os.cpu_count() or 1):.1f} per core)"
          f"{paced}")  # fmt: skip
    every = [v for values in stats.latency.values() for v in values]
    if every:
        print(f"all requests: median {statistics.median(every) * 1000:.0f} ms, "
              f"p95 {pct(every, 0.95) * 1000:.0f} ms")  # fmt: skip
    print(f"{'page':<16}{'n':>7}{'median ms':>11}{'p95 ms':>9}")
    for label, values in sorted(stats.latency.items()):
        print(f"{label:<16}{len(values):>7}{statistics.median(values) * 1000:>11.0f}"
              f"{pct(values, 0.95) * 1000:>9.0f}")  # fmt: skip
    print("errors:", dict(stats.errors) or "none")
    # Wait for the worker to answer every lab message, then audit the database.
    audit: dict = {}
    drain_until = time.monotonic() + args.drain
    while time.monotonic() < drain_until:
        audit = json.loads(manage_shell(AUDIT))
        pending = sum(
            n for s, n in audit["replies_by_status"].items() if s in ("queued", "running")
        )
        if not pending:
            break
        await asyncio.sleep(2)
    print("clients saw succeed:", dict(stats.done))
    print("database:", audit)
    checks = {
        "lesson answers": audit["lesson_answers"] == stats.done["lesson_answers"],
        "test answers stored once per question": audit["duplicate_answers"] == 0,
        "submitted tests": audit["submitted_tests"] == stats.done["submitted_tests"],
        "lab messages": audit["lab_messages"] == stats.done["lab_messages"],
        "one reply per message": audit["conversations_with_unmatched_replies"] == 0,
        "every reply done": audit["replies_by_status"].get("done", 0) == audit["replies"],
    }
    print("audit:", "PASS" if all(checks.values()) else "FAIL", checks)


if __name__ == "__main__":
    asyncio.run(main())
