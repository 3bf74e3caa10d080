"""Drive the lab pipeline from outside: POST a message, poll the page fragment until the reply is
done, and time it. Runs as its own process against the database and broker a real worker uses.

    DJANGO_SETTINGS_MODULE=config.settings python tests/integration/lab_driver.py N

Prints one JSON object: per message the seconds to first text on the page and to done.
"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from labs.models import Message  # noqa: E402

LAB = "/modules/cost-optimization/lessons/token-economics/lab/"


def main(count: int) -> dict:
    user, _ = User.objects.get_or_create(username="driver", defaults={"email": "d@example.com"})
    client = Client()
    client.force_login(user)
    runs = []
    for i in range(count):
        started = time.perf_counter()
        response = client.post(
            LAB + "send/", {"text": f"What does Haiku 5.5 cost at {1000 + i} requests a day?"},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        assert response.status_code == 200, response.content[:500]
        pending = Message.objects.filter(role="assistant").latest("id")
        first_text = None
        while time.perf_counter() - started < 30:
            html = client.get(f"/labs/messages/{pending.pk}/", headers={"HX-Request": "true"})
            body = html.content.decode()
            if first_text is None and 'class="prose"' in body:
                first_text = time.perf_counter() - started
            if "sse-connect" not in body:  # finished: no longer streaming
                break
            time.sleep(0.02)
        done = time.perf_counter() - started
        pending.refresh_from_db()
        runs.append({
            "first_text_s": first_text, "done_s": done, "status": pending.status,
            "engine": pending.engine, "cards": pending.calculations.count(),
            "calls": pending.api_calls.count(), "has_card_html": "calc-card" in body,
        })  # fmt: skip
    firsts = sorted(r["first_text_s"] for r in runs if r["first_text_s"] is not None)
    summary = {}
    if firsts:
        summary = {
            "median_first_text_s": statistics.median(firsts),
            "p95_first_text_s": firsts[max(0, round(0.95 * len(firsts)) - 1)],
        }
    return {"runs": runs, **summary}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
