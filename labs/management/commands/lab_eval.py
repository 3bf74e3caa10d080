import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from labs.eval_runs import record_run
from labs.evals import EvalFileError, engine_ask, load_cases, run_case, score


class Command(BaseCommand):
    help = (
        "Run the labs' golden evaluation: lab_eval [LAB] [--engine offline|claude] [--json]. "
        "Scores each case right, asked or wrong; confidently wrong (wrong with calculation "
        "cards) is counted apart."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("lab", nargs="?", help="one lab's slug (default: all four)")
        parser.add_argument("--engine", choices=("offline", "claude"), default="offline")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--verbose-cases", action="store_true", help="print each case")
        parser.add_argument("--no-save", action="store_true", help="do not record the run")
        parser.add_argument(
            "--holdout", action="store_true", help="the held-out cases (never recorded)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        engine = options["engine"]
        if engine == "claude" and not settings.ANTHROPIC_API_KEY:
            raise CommandError("--engine claude needs ANTHROPIC_API_KEY")
        try:
            cases = load_cases(settings.CONTENT_DIR, options["lab"], holdout=options["holdout"])
        except EvalFileError as exc:
            raise CommandError(str(exc)) from exc
        if not cases:
            raise CommandError(f"no golden cases for {options['lab'] or 'any lab'}")
        ask = engine_ask(offline=engine == "offline")
        try:
            results = [run_case(case, ask) for case in cases]
        except EvalFileError as exc:
            raise CommandError(str(exc)) from exc
        labs = score(results)
        if not options["no_save"] and not options["holdout"]:
            record_run(engine, labs)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "engine": engine,
                        "labs": [s.as_dict() for s in labs.values()],
                        "cases": [r.as_dict() for r in results],
                    },
                    indent=2,
                )
            )
            return
        for lab in labs.values():
            d = lab.as_dict()
            self.stdout.write(
                f"{lab.lab:22} {d['right']:3}/{d['total']:<3} right ({float(lab.pass_rate):.0%}), "
                f"{d['asked']} asked, {d['wrong']} wrong, {d['confidently_wrong']} confidently "
                "wrong"
            )
        for result in results:
            if options["verbose_cases"] or result.verdict != "right":
                flag = " [cards]" if result.confidently_wrong else ""
                self.stdout.write(
                    f"  {result.verdict:6}{flag} {result.case.id}: {'; '.join(result.reasons)}"
                )
