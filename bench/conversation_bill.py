"""A lab conversation's own Claude bill: the app's request shaping against a naive client.

    .venv/bin/python bench/conversation_bill.py [--turns]

Ten turns of each lab's script (labs/testing/lab_scripts.py) through the real worker path and the
real anthropic SDK to the simulated API on loopback (labs/testing/simulated_api.py), which bills
like the real one; each call priced by the calculator from the usage it reported. A fresh SQLite
database in a temporary folder and a cold cache for each conversation: the lab's tools and
system prompt are written once per conversation, as for a learner alone on the site.
"""

import argparse
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", VAR_DIR=tempfile.mkdtemp(),
    SECRET_KEY="conversation-bill-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", CELERY_TASK_ALWAYS_EAGER="1",
    LOG_LEVEL="ERROR",
)  # fmt: skip

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from authoring.pricing import current_price_table  # noqa: E402
from labs.testing import conversation_bill as bill  # noqa: E402


def pct(part: Decimal, whole: Decimal) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", action="store_true", help="also print each turn's cost")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("sync_content", verbosity=0)
    user = User.objects.create_user("bill-learner", password="unused-password-123")
    table = current_price_table()
    results = bill.run_all(user, table)
    print(f"Model {settings.LAB_MODEL}; "
          f"{bill.PAUSE_SECONDS} s between turns; goals: app <= "
          f"{pct(bill.GOAL_RATIO, Decimal(1))} of naive, hit rate on turns 2-10 > "
          f"{pct(bill.GOAL_HIT_RATE, Decimal(1))}\n")  # fmt: skip
    print(
        "| Lab | App | Naive (full replay) | App / naive | Naive (text replay) | App / text "
        "replay | Hit rate, turns 2-10 | Summary calls | Goals |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    totals = {shaping: Decimal(0) for shaping in bill.SHAPINGS}
    for lab, bills in results.items():
        app, naive, text = bills["app"], bills["naive"], bills["naive-text"]
        for shaping, one in bills.items():
            totals[shaping] += one.total_usd
        met = app.total_usd <= bill.GOAL_RATIO * naive.total_usd and (
            app.hit_rate > bill.GOAL_HIT_RATE
        )
        print(f"| {lab} | ${app.total_usd:.6f} | ${naive.total_usd:.6f} | "
              f"{pct(app.total_usd, naive.total_usd)} | ${text.total_usd:.6f} | "
              f"{pct(app.total_usd, text.total_usd)} | {pct(app.hit_rate, Decimal(1))} | "
              f"{app.summary_calls} | {'met' if met else 'MISSED'} |")  # fmt: skip
    print(f"| all four | ${totals['app']:.6f} | ${totals['naive']:.6f} | "
          f"{pct(totals['app'], totals['naive'])} | ${totals['naive-text']:.6f} | "
          f"{pct(totals['app'], totals['naive-text'])} | | | |")  # fmt: skip
    if args.turns:
        for lab, bills in results.items():
            print(f"\n{lab}: turn, app $, naive $")
            for turn in range(1, 11):
                print(f"  {turn:2} {bills['app'].turn_usd(turn):.6f} "
                      f"{bills['naive'].turn_usd(turn):.6f}")  # fmt: skip


if __name__ == "__main__":
    main()
