from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from authoring.concepts import check_concept_files
from authoring.files import SyncConflict, read_price_file, sync_from_files
from courses.content import ContentError, check_tests_kept, load_course
from courses.models import Module


class Command(BaseCommand):
    help = (
        "Validate content/ and load it, with its price table, into the database (idempotent). "
        "Refuses to overwrite edits published in the app since the last export unless --force."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--path", default=str(settings.CONTENT_DIR), help="content folder")
        parser.add_argument("--check", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite edits published in the app that were never exported",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only when the database holds no module yet (a fresh clone); the make "
            "targets for the README's commands run this first",
        )

    def handle(
        self, *args: object, path: str, check: bool, force: bool, if_empty: bool, **options: object
    ) -> None:
        folder = Path(path)
        if if_empty and Module.objects.exists():
            # Never a conflict with edits published in the app: those are only ever there
            # once a course is loaded.
            return
        try:
            if check:
                modules = load_course(folder, read_price_file(folder))
                check_tests_kept(modules)
                concepts = check_concept_files(folder)
                self.stdout.write(
                    f"content is valid: {len(modules)} module(s), {concepts} concept(s)"
                )
                return
            report = sync_from_files(folder, force=force)
        except (ContentError, SyncConflict) as exc:
            raise CommandError(str(exc)) from None
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
