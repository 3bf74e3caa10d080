from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content import ContentError, load_course, sync_course


class Command(BaseCommand):
    help = "Validate content/ and load it into the database (idempotent)."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--path", default=str(settings.CONTENT_DIR), help="content folder")
        parser.add_argument("--check", action="store_true", help="validate only; write nothing")

    def handle(self, *args: object, path: str, check: bool, **options: object) -> None:
        from pathlib import Path

        try:
            modules = load_course(Path(path))
        except ContentError as exc:
            raise CommandError(str(exc)) from None
        if check:
            self.stdout.write(f"content is valid: {len(modules)} module(s)")
            return
        report = sync_course(modules)
        if not report.changed:
            self.stdout.write("content unchanged: nothing to do")
            return
        for label, items in (
            ("created", report.created),
            ("updated", report.updated),
            ("retired", report.deactivated),
        ):
            if items:
                self.stdout.write(
                    f"{label} {len(items)}: "
                    + "; ".join(items[:12])
                    + (" ..." if len(items) > 12 else "")
                )
        self.stdout.write(self.style.SUCCESS("content synced"))
