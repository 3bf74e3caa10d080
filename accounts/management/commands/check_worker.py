import secrets
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from config.celery import echo


class Command(BaseCommand):
    help = "Send a task through the broker and wait until a Celery worker has run it."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait")

    def handle(self, *args: object, timeout: float, **options: object) -> None:
        token = secrets.token_hex(8)
        started = time.monotonic()
        echo.delay(token)
        while time.monotonic() - started < timeout:
            if cache.get(f"diagnostics:echo:{token}") == token:
                elapsed = time.monotonic() - started
                self.stdout.write(f"worker answered in {elapsed:.2f}s")
                return
            time.sleep(0.05)
        raise CommandError(f"no worker ran the task within {timeout:.0f}s: is one running?")
