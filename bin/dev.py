"""Run the web server and a Celery worker together; Ctrl-C stops both.

Used by `make run`. Honours HOST and PORT. Either process exiting stops the other, so a crash is
never hidden behind a half-running app.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    web = [PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"]
    # -B runs the beat schedule inside this one worker: the sweep that re-sends lost lab replies
    # (every LAB_SWEEP_INTERVAL_SECONDS). Fine for one machine; production runs one beat apart.
    worker = [
        PY,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-B",
        "--loglevel",
        "INFO",
        "--concurrency",
        os.environ.get("WORKER_CONCURRENCY", "2"),
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for cmd in (web, worker)
    ]
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    print(
        f"\n  Course running at http://{shown}:{port}/"
        "  (web server + Celery worker with the sweep schedule; Ctrl-C stops both)\n",
        flush=True,
    )

    def stop(*_: object) -> None:
        # SIGTERM to each main process: Celery then shuts its pool down warmly itself.
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.3)
    finally:
        stop()
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    print("\n  Stopped the web server and the worker.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
