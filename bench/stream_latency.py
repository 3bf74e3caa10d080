"""Streamed lab replies, measured in the browser: from the worker's first text to the learner
seeing it, through gunicorn (gthread), a real Celery worker and Chromium, with a fake Claude on
loopback that answers at once (a tool round, then text).

    .venv/bin/python bench/stream_latency.py --broker filesystem --messages 30
    .venv/bin/python bench/stream_latency.py --broker redis --messages 30   # needs redis-server

The worker's first text: the `updated_at` of the reply's row when its first text is saved (the
worker stamps each partial save), read by a watcher every 5 ms. The learner seeing it: the
first animation frame after an assistant bubble in the page holds text, from a
MutationObserver. Both are this machine's wall clock. Prints the median and 95th percentile;
--verbose prints each reply's timeline (send answered, stream open, first text, seen).
"""

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, free_port, wait_for_port  # noqa: E402
from tests.integration.test_lab_pipeline import prepare  # noqa: E402
from tests.integration.test_worker_round_trip import service_env, start_worker, stop  # noqa: E402
from tests.labs.fake_claude import AutoClaude, serve  # noqa: E402

LAB = "/modules/cost-optimization/lessons/token-economics/lab/"

# Runs in the page before its own scripts: the first frame in which each reply shows text.
SEEN_SCRIPT = """
window.__seen = {};
new MutationObserver(() => {
  document.querySelectorAll('.bubble.assistant[id^="message-"]').forEach((bubble) => {
    const id = bubble.id.slice('message-'.length);
    if (!(id in window.__seen) && bubble.querySelector('.prose')) {
      window.__seen[id] = null;
      requestAnimationFrame(() => { window.__seen[id] = Date.now(); });
    }
  });
}).observe(document, {subtree: true, childList: true});
window.__open = {};
document.addEventListener('htmx:sseOpen', (e) => { window.__open[e.target.id] = Date.now(); });
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def watch_first_text(db: Path, stop_event: threading.Event, first: dict[int, float]) -> None:
    """Record, per reply, when the worker saved its first text (the row's updated_at then).
    Reads the SQLite file directly, so this process needs no Django of its own."""
    connection = sqlite3.connect(db, timeout=5)
    try:
        while not stop_event.is_set():
            rows = connection.execute(
                "SELECT id, updated_at FROM labs_message WHERE role = 'assistant' AND text != ''"
            ).fetchall()
            for pk, updated_at in rows:
                if pk not in first:  # stored in UTC (USE_TZ)
                    stamp = datetime.fromisoformat(updated_at).replace(tzinfo=UTC)
                    first[pk] = stamp.timestamp() * 1000
            time.sleep(0.005)
    finally:
        connection.close()


def run(
    browser: Any, env: dict[str, str], messages: int, turns: int = 3, verbose: bool = False
) -> dict:
    """Send `messages` (+2 to warm up) through a gunicorn and a worker started here for `env`,
    in a new page of `browser`; the latency of each counted reply in ms."""
    web_port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{web_port}", "--worker-class", "gthread", "--workers", "1", "--threads", "8",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = start_worker(env, Path(env["VAR_DIR"]) / "worker.log")
    first: dict[int, float] = {}
    stop_event = threading.Event()
    db = Path(env["VAR_DIR"]) / "db.sqlite3"
    watcher = threading.Thread(target=watch_first_text, args=(db, stop_event, first), daemon=True)
    watcher.start()
    latencies: list[float] = []
    statuses: list[str] = []
    try:
        wait_for_port(web_port)
        context = browser.new_context(base_url=f"http://127.0.0.1:{web_port}")
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(SEEN_SCRIPT)
        page.goto("/accounts/login/")
        page.fill("#id_username", "bench")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        for i in range(messages + 2):  # the first two warm up the worker and the caches
            if i % turns == 0:
                page.goto(LAB + "?new=1")  # a new conversation every `turns` messages
            bubbles = page.locator(".bubble.assistant[id^=message-]")
            before = bubbles.count()
            page.fill("#lab-text", f"What does Haiku 5.5 cost at {1000 + i} requests a day?")
            clicked = time.time() * 1000
            with page.expect_response("**/send/") as sent:
                page.click("#lab-form button[type=submit]")
            answered = time.time() * 1000
            if sent.value.status != 200:
                raise RuntimeError(f"send refused: {sent.value.status} {sent.value.text()[-600:]}")
            bubble = bubbles.nth(before)  # the new reply's bubble, once the page has it
            bubble.wait_for()
            pk = int(bubble.get_attribute("id").removeprefix("message-"))
            page.locator(f"#message-{pk}:not(.status-queued):not(.status-running)").wait_for()
            seen = None
            while not seen:
                seen = page.evaluate(f"window.__seen['{pk}']")
            deadline = time.monotonic() + 5
            while pk not in first and time.monotonic() < deadline:
                time.sleep(0.01)
            statuses.append(page.locator(f"#message-{pk}").get_attribute("class") or "")
            if i >= 2 and pk in first:
                latencies.append(seen - first[pk])
                if verbose:
                    opened = page.evaluate(f"window.__open['message-{pk}']") or 0
                    print(
                        f"reply {pk}, ms after the click: send answered {answered - clicked:.0f}"
                        f", stream open {opened - clicked:.0f}, worker's first text "
                        f"{first[pk] - clicked:.0f}, seen {seen - clicked:.0f}",
                        file=sys.stderr,
                    )
        context.close()
    finally:
        stop_event.set()
        stop(worker)
        stop(gunicorn)
    return {"latencies_ms": latencies, "all_done": all("status-done" in s for s in statuses)}


def stream_env(tmp: Path, claude_port: int, redis_url: str = "") -> dict[str, str]:
    """The environment of a web server and worker on `tmp`, its database ready, one learner."""
    extra = {"ANTHROPIC_API_KEY": "sk-ant-fake",
             "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{claude_port}",
             "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
             "LOG_LEVEL": "WARNING", "LAB_MESSAGES_PER_HOUR": "100000",
             "LAB_DAILY_BUDGET_USD": "1000", "SITE_DAILY_BUDGET_USD": "100000"}  # fmt: skip
    if redis_url:
        extra["REDIS_URL"] = redis_url
    env = service_env(tmp, **extra)
    prepare(env)
    for command in (
        ["collectstatic", "--noinput", "-v", "0"],
        ["shell", "-c", "from django.contrib.auth.models import User; "
         f"User.objects.create_user('bench', 'bench@example.com', {PASSWORD!r})"],
    ):  # fmt: skip
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    return env


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", choices=["filesystem", "redis"], default="filesystem")
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--turns", type=int, default=3, help="messages per conversation")
    parser.add_argument("--verbose", action="store_true", help="print each reply's timeline")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-stream-"))
    fake = AutoClaude()
    server, port = serve(fake)
    redis = None
    redis_url = ""
    if args.broker == "redis":
        rport = free_port()
        redis = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(rport), "--bind", "127.0.0.1",
             "--save", "", "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(rport)
        redis_url = f"redis://127.0.0.1:{rport}/0"
    try:
        env = stream_env(tmp, port, redis_url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            result = run(browser, env, args.messages, args.turns, args.verbose)
            browser.close()
    finally:
        server.shutdown()
        if redis:
            redis.terminate()
    values = result["latencies_ms"]
    print(json.dumps({
        "broker": args.broker, "messages": len(values), "turns_per_conversation": args.turns,
        "all_done": result["all_done"],
        "poll_ms": int(env.get("LAB_STREAM_POLL_MS", "50")),
        "first_text_to_seen_median_ms": round(statistics.median(values)),
        "first_text_to_seen_p95_ms": round(pct(values, 0.95)),
        "first_text_to_seen_max_ms": round(max(values)),
    }, indent=2))  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
