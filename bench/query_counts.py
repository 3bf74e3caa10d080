"""Queries per page for a learner with some history, against a fresh SQLite database.

.venv/bin/python bench/query_counts.py
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", VAR_DIR=tempfile.mkdtemp(),
    SECRET_KEY="query-count-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", CELERY_TASK_ALWAYS_EAGER="1",
    LOG_LEVEL="ERROR",
)  # fmt: skip

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
call_command("sync_content", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
M = "/modules/cost-optimization"
learner = User.objects.create_user("q_learner", password="x-long-password-1")
admin = User.objects.create_user("q_admin", password="x-long-password-1", is_staff=True,
                                 is_superuser=True)  # fmt: skip
client = Client()
client.force_login(learner)
client.post(f"{M}/lessons/token-economics/complete/")
client.post(f"{M}/lessons/token-economics/lab/send/", {"text": "Cost of Haiku 5.5 at 1,000 a day?"})
client.post(f"{M}/test/start/")
pages = {
    "home": "/", "module": f"{M}/", "lesson": f"{M}/lessons/prompt-caching/",
    "quiz": f"{M}/lessons/token-economics/quiz/", "lab": f"{M}/lessons/token-economics/lab/",
    "test": f"{M}/test/",
}  # fmt: skip
rows = []
for name, url in pages.items():
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    rows.append((name, url, status, len(queries)))
client.force_login(admin)
for name, url in {"reports": "/reports/", "question stats": "/reports/questions/",
                  "spend": "/labs/spend/", "author": "/author/"}.items():  # fmt: skip
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    rows.append((name, url, status, len(queries)))
print("| Page | URL | Status | Queries |\n|---|---|---|---|")
for name, url, status, count in rows:
    print(f"| {name} | `{url}` | {status} | {count} |")
