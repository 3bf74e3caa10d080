"""A lab reply as server-sent events, for the htmx SSE extension on the lab page.

The stream only reads: the worker writes the reply's text into its row as it arrives (at most
every LAB_REPLY_SAVE_SECONDS, see labs.tasks), and the stream reads that row every
LAB_STREAM_POLL_MS and sends what changed. Reading the row works the same with the filesystem
broker and SQLite as with Redis and PostgreSQL, needs no second channel that could disagree
with the database, and costs one primary-key query per poll (BENCHMARKS.md has the latency).

Events:
- `text`: the reply's text area (the pending line, or the sanitized HTML written so far).
- `done`: the finished bubble (with its cards, Retry, and the cost meter out of band); the
  page swaps it over the streaming one, which closes the connection.
A stream ends after LAB_STREAM_SECONDS even if the reply has not finished: `retry` tells the
browser to reconnect at once, and the new stream starts by sending the current state.
"""

import re
import time
from collections.abc import Callable, Iterator

from django.conf import settings

from labs.limits import PENDING
from labs.models import Message

LINE_END = re.compile(r"\r\n|\r|\n")
RECONNECT_MS = 250  # the browser's pause before reconnecting once a stream has ended


def sse_event(name: str, data: str) -> str:
    """One event in the text/event-stream format: every line of `data` gets its own field (the
    browser joins them with newlines). Only CR and LF end a line there, as here."""
    lines = "".join(f"data: {line}\n" for line in LINE_END.split(data))
    return f"event: {name}\n{lines}\n"


def reply_events(
    message_id: int,
    render_text: Callable[[], str],
    render_done: Callable[[], str],
    *,
    seconds: float | None = None,
    poll: float | None = None,
) -> Iterator[str]:
    """Yield events for one reply until it finishes or `seconds` pass. `render_text` and
    `render_done` read the row afresh and return the fragment for that event."""
    seconds = settings.LAB_STREAM_SECONDS if seconds is None else seconds
    poll = settings.LAB_STREAM_POLL_MS / 1000 if poll is None else poll
    deadline = time.monotonic() + seconds
    yield f"retry: {RECONNECT_MS}\n\n"
    seen: tuple | None = None
    while True:
        # Status and the time of the last write say whether anything changed, without reading
        # the text itself on every poll.
        state = Message.objects.filter(pk=message_id).values_list("status", "updated_at").first()
        if state is None:  # deleted meanwhile (the learner's account was removed)
            return
        if state[0] not in PENDING:
            yield sse_event("done", render_done())
            return
        if state != seen:
            seen = state
            yield sse_event("text", render_text())
        if time.monotonic() >= deadline:
            return
        time.sleep(poll)
