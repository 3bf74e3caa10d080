"""Run the web server and a Celery worker together; Ctrl-C stops both.

Used by `make run`. Honours HOST and PORT. Either process exiting stops the other, so a crash is
never hidden behind a half-running app. "Course running at ..." is printed once the web server
answers, not when it is merely started. Without VERBOSE=1 the worker's warning that it runs
with superuser privileges is left out: a container or a CI machine runs as root, and the
warning says nothing about the app; VERBOSE=1 shows it.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ROOT_WARNING = "You're running the worker with superuser privileges"
ANSWER_TIMEOUT = 60.0


def wait_until_answering(url: str, web: subprocess.Popen, timeout: float) -> bool:
    """True once `url` answers with any HTTP status; False if the server exits or the time
    runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
                return True
        except urllib.error.HTTPError:
            return True  # an error page is still an answer
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    web = [PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"]
    # -B runs the beat schedule inside this one worker: the sweep that re-sends lost lab replies
    # (every LAB_SWEEP_INTERVAL_SECONDS). Fine for one machine; production runs one beat apart.
    verbose = os.environ.get("VERBOSE", "0") == "1"
    worker = [
        PY,
        *([] if verbose else ["-W", f"ignore:{ROOT_WARNING}"]),
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
    web_proc = subprocess.Popen(web, cwd=ROOT, env=env, start_new_session=True)
    worker_proc = subprocess.Popen(worker, cwd=ROOT, env=env, start_new_session=True)
    procs = [web_proc, worker_proc]

    def stop(*_: object) -> None:
        # SIGTERM to each main process: Celery then shuts its pool down warmly itself.
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    local = "127.0.0.1" if host == "0.0.0.0" else host  # noqa: S104
    if wait_until_answering(f"http://{local}:{port}/healthz", web_proc, ANSWER_TIMEOUT):
        print(
            f"\n  Course running at http://{shown}:{port}/"
            "  (web server + Celery worker with the sweep schedule; Ctrl-C stops both)\n",
            flush=True,
        )
    elif web_proc.poll() is None:
        print(
            f"\n  The web server has not answered at http://{shown}:{port}/ after "
            f"{ANSWER_TIMEOUT:.0f} s; it is still starting or stuck (see above).\n",
            flush=True,
        )

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
