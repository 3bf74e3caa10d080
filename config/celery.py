"""The Celery app. Workers: `celery -A config worker`."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **kwargs: object) -> None:
    # kombu's filesystem transport expects its folders to exist.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.task(name="diagnostics.echo", ignore_result=True)
def echo(token: str) -> None:
    """Store `token` in the shared cache: proof that a worker consumes this broker.

    `manage.py check_worker` sends it and waits for the token to appear.
    """
    from django.core.cache import cache

    cache.set(f"diagnostics:echo:{token}", token, timeout=300)
