"""Hold SQLite's write lock from another connection while a request writes.

DJANGO_SETTINGS_MODULE=config.settings python tests/integration/lock_driver.py HOLD_SECONDS
"""

import json
import sqlite3
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from courses.models import LessonProgress  # noqa: E402

URL = "/modules/cost-optimization/lessons/token-economics/complete/"


def hold_lock(path: str, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def main(hold: float) -> dict:
    user = User.objects.create(username=f"locked{time.time_ns()}")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    held = threading.Event()
    locker = threading.Thread(
        target=hold_lock, args=(settings.DATABASES["default"]["NAME"], hold, held)
    )
    locker.start()
    held.wait()
    started = time.perf_counter()
    response = client.post(URL)
    waited = time.perf_counter() - started
    locker.join()
    return {
        "status": response.status_code,
        "waited_s": round(waited, 2),
        "rows": LessonProgress.objects.filter(user=user).count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(float(sys.argv[1]))))
