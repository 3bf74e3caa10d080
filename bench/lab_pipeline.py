"""Pipeline overhead: lab message POST to first text on the page, through a real worker, with a
fake Claude on loopback answering at once (a tool round, then text).

    .venv/bin/python bench/lab_pipeline.py --broker filesystem --messages 30
    .venv/bin/python bench/lab_pipeline.py --broker redis --messages 30   # needs redis-server

Prints the median and 95th percentile seconds to first text and to done.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port, wait_for_port  # noqa: E402
from tests.integration.test_lab_pipeline import drive, prepare  # noqa: E402
from tests.integration.test_worker_round_trip import service_env, start_worker, stop  # noqa: E402
from tests.labs.fake_claude import AutoClaude, serve  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", choices=["filesystem", "redis"], default="filesystem")
    parser.add_argument("--messages", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    fake = AutoClaude()
    server, port = serve(fake)
    extra = {"ANTHROPIC_API_KEY": "sk-ant-fake", "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
             "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING",
             "LAB_MESSAGES_PER_HOUR": "100000", "LAB_DAILY_BUDGET_USD": "1000"}  # fmt: skip
    redis = None
    if args.broker == "redis":
        rport = free_port()
        redis = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(rport), "--save", "", "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(rport)
        extra["REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
    env = service_env(tmp, **extra)
    prepare(env)
    worker = start_worker(env, tmp / "worker.log")
    try:
        drive(env, 2)  # warm up the worker and the caches
        result = drive(env, args.messages)
    finally:
        stop(worker)
        server.shutdown()
        if redis:
            redis.terminate()
    firsts = [r["first_text_s"] for r in result["runs"] if r["first_text_s"] is not None]
    dones = [r["done_s"] for r in result["runs"]]
    print(json.dumps({
        "broker": args.broker, "messages": len(result["runs"]),
        "all_done": all(r["status"] == "done" for r in result["runs"]),
        "first_text_median_s": round(statistics.median(firsts), 3),
        "first_text_p95_s": round(pct(firsts, 0.95), 3),
        "done_median_s": round(statistics.median(dones), 3),
        "done_p95_s": round(pct(dones, 0.95), 3),
    }, indent=2))  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
