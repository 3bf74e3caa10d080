import json

from django.core.management.base import BaseCommand, CommandError

from labs.conversation import run_turn
from labs.models import Lab


class Command(BaseCommand):
    help = 'Ask a lab one question from the terminal: lab <lab-slug> "message" [--offline] [--json]'

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("slug", help="cost-estimator, caching-strategist, prompt-auditor, ...")
        parser.add_argument("message")
        parser.add_argument("--offline", action="store_true", help="use the offline tutor")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: object, slug: str, message: str, offline: bool, json: bool,
               **options: object) -> None:  # fmt: skip
        lab = Lab.objects.filter(slug=slug).first()
        if lab is None:
            known = ", ".join(Lab.objects.values_list("slug", flat=True)) or "none (sync_content)"
            raise CommandError(f"no lab {slug!r}; labs: {known}")
        if not message.strip():
            raise CommandError("the message is empty")
        result = run_turn(lab, [], message.strip(), offline=offline or None)
        if json:
            self.stdout.write(_dumps({
                "lab": lab.slug,
                "engine": result.engine,
                "reply": result.text,
                "calculations": [
                    {"tool": c.tool, "input": c.input, "output": c.output, "is_error": c.is_error}
                    for c in result.calculations
                ],
                "usage": result.usage,
                "notice": result.notice,
            }))  # fmt: skip
            return
        if result.notice:
            self.stderr.write(result.notice)
        self.stdout.write(result.text)
        for call in result.calculations:
            self.stdout.write(f"\n[calculation] {call.tool}: {_dumps(call.input)}")


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, default=str)
