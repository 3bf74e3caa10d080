"""The offline tutor on the golden conversations: pass rates per lab and answer time per message.

    DEBUG=0 .venv/bin/python bench/tutor_eval.py [--repeat 3]

In-process (no database, no worker): the time is the tutor's own, message in to reply out.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from labs.calculator import load_price_table  # noqa: E402
from labs.evals import load_cases, run_case, score  # noqa: E402
from labs.tutor import answer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--holdout", action="store_true", help="the held-out cases instead")
    args = parser.parse_args()
    table = load_price_table()
    cases = load_cases(settings.CONTENT_DIR, holdout=args.holdout)
    times: list[float] = []

    def ask(lab, history, message):
        started = time.perf_counter()
        reply = answer(lab, message, history, table)
        times.append(time.perf_counter() - started)
        return reply

    results = [run_case(case, ask) for case in cases]
    for _ in range(args.repeat - 1):
        for case in cases:
            run_case(case, ask)
    total = {"right": 0, "asked": 0, "wrong": 0, "confidently_wrong": 0, "total": 0}
    print("| Lab | Right | Asked | Wrong | Confidently wrong |")
    print("|---|---|---|---|---|")
    for lab in score(results).values():
        d = lab.as_dict()
        for key in total:
            total[key] += d[key]
        print(f"| {d['lab']} | {d['right']}/{d['total']} ({float(lab.pass_rate):.0%}) | "
              f"{d['asked']} | {d['wrong']} | {d['confidently_wrong']} |")  # fmt: skip
    print(f"| all | {total['right']}/{total['total']} ({total['right'] / total['total']:.0%}) | "
          f"{total['asked']} | {total['wrong']} | {total['confidently_wrong']} |")  # fmt: skip
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(len(times) * q))] * 1000  # noqa: E731
    print(f"\n{len(times)} answers: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {p(0.95):.1f} ms, max {times[-1] * 1000:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
