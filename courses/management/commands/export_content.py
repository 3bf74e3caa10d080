from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from authoring.files import export_to_files


class Command(BaseCommand):
    help = (
        "Write the published course and price table back to content/ (the format sync_content "
        "reads)."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--path", default=str(settings.CONTENT_DIR), help="content folder")

    def handle(self, *args: object, path: str, **options: object) -> None:
        written = export_to_files(Path(path))
        if not written:
            self.stdout.write("content/ already matches the database")
        for file in written:
            self.stdout.write(f"wrote {file}")
