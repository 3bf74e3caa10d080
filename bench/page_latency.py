"""Median and p95 latency of a lesson page against /healthz on the same running server.

.venv/bin/python bench/page_latency.py http://127.0.0.1:8400   (after bench/load.py made users)
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
SESSION = """
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
u, _ = User.objects.get_or_create(username="latency")
s = SessionStore(); s[SESSION_KEY] = str(u.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)
"""


def measure(client: httpx2.Client, url: str, n: int = 200) -> dict:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - started)
    times.sort()
    return {"median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[int(0.95 * n) - 1] * 1000, 1)}  # fmt: skip


def main(base: str) -> None:
    session = subprocess.run([sys.executable, "manage.py", "shell", "-c", SESSION], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()[-1]  # fmt: skip
    with httpx2.Client(base_url=base, cookies={"sessionid": session}) as client:
        print(json.dumps({
            "lesson": measure(client, "/modules/cost-optimization/lessons/prompt-caching/"),
            "healthz": measure(client, "/healthz"),
        }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
