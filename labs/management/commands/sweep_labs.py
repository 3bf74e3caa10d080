from django.core.management.base import BaseCommand

from labs.tasks import sweep


class Command(BaseCommand):
    help = "Re-send lab replies that were never delivered or whose worker died (beat runs it)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"re-sent {sweep()} queued repl(ies)")
