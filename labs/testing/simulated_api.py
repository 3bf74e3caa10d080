"""A simulated Anthropic Messages API on loopback that bills like the real one.

Tests and `bench/` point the real `anthropic` SDK at it (`ANTHROPIC_BASE_URL=api.base_url`). It
speaks `POST /v1/messages` (streamed as the API's server-sent events, or as one JSON message)
and `POST /v1/messages/count_tokens`. Its answers are scripted: `api.script` is consumed one
reply per request, then `api.responder(body)` is asked, so a test states exactly which tool calls
(with which inputs) and which text come back.

Billing rules (the real API's, with a stated token estimate):

- Tokens: every prompt block (each tool definition, each system text block, each message content
  block) counts ceil(characters / 4) of its canonical text: a text block's text, anything else
  its compact JSON with sorted keys and without `cache_control`. A string `content` is one text
  block, so marking a message as a breakpoint does not change what it counts or matches.
- The prompt is tools, then system, then messages, in that order; caches are per model.
- Caching by exact prefix: a `cache_control` block is a breakpoint. A request reads the longest
  live cached prefix ending at a breakpoint or at any of the 20 blocks before one (the API's
  lookback), writes every breakpoint after that whose prefix is at least the model's minimum
  cacheable length, and pays plain input for the rest. Each written stretch is billed at the
  TTL of the breakpoint that ends it (`ttl` "5m" default or "1h"; a 1-hour breakpoint after a
  5-minute one is a 400, as on the API). More than four breakpoints is a 400.
- The minimum cacheable length comes from the price table. Where the table does not know it
  (null), the simulator takes the largest minimum known in the model's tier (Haiku 5.5: Haiku
  4.5's 4,096), so an unknown never makes caching look better than it may be.
- Lifetimes: an entry lives its TTL from the injectable clock; every hit refreshes the entries
  it used. Entries become visible when the response that wrote them has been sent, so requests
  that overlap all pay the write (the API's "concurrent first requests").
- Output tokens: ceil(characters / 4) of the text, and of each tool call's compact JSON input.
  A reply longer than the request's `max_tokens` is cut there with `stop_reason: max_tokens`.
- Each billed response is appended to `api.ledger`: its `usage` exactly as sent. A stream
  dropped mid-way bills what its `message_start` reported. Errors bill nothing.

Faults are scripted replies too: `rate_limited`, `overloaded`, `server_error`, `dropped_stream`,
`truncated_tool_call`, `refusal`, `pause_turn`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from labs.calculator import PriceTable

CHARS_PER_TOKEN = 4
LOOKBACK_BLOCKS = 20
MAX_BREAKPOINTS = 4
TTL_SECONDS = {"5m": 300, "1h": 3600}
FALLBACK_MIN_CACHEABLE = 4096  # a tier with no known minimum at all


def estimate_tokens(text: str) -> int:
    """The simulator's tokenizer: one token per four characters, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Clock:
    """Seconds, moved by hand: cache lifetimes in tests do not wait for real time."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---- scripted replies -------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    kind: str  # text, tool_use, error, dropped, truncated_tool, refusal, pause_turn
    text: str = ""
    tool_name: str = ""
    tool_input: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    error_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds between arrival and answer (to make requests overlap)


def text(answer: str, *, delay: float = 0.0) -> Reply:
    return Reply("text", text=answer, delay=delay)


def tool_call(name: str, tool_input: dict[str, Any], *, text: str = "") -> Reply:
    return Reply("tool_use", text=text, tool_name=name, tool_input=tool_input)


def rate_limited(retry_after: float = 1) -> Reply:
    return Reply("error", status=429, error_type="rate_limit_error",
                 text="Number of request tokens has exceeded your per-minute rate limit",
                 headers={"retry-after": f"{retry_after:g}"})  # fmt: skip


def overloaded() -> Reply:
    return Reply("error", status=529, error_type="overloaded_error", text="Overloaded")


def server_error() -> Reply:
    return Reply("error", status=500, error_type="api_error", text="Internal server error")


def dropped_stream(partial_text: str = "Let me work") -> Reply:
    """The connection closes after `message_start` and a first text delta."""
    return Reply("dropped", text=partial_text)


def truncated_tool_call(name: str, tool_input: dict[str, Any], *, text: str = "") -> Reply:
    """`stop_reason: max_tokens` in the middle of the tool call's JSON input."""
    return Reply("truncated_tool", text=text, tool_name=name, tool_input=tool_input)


def refusal(partial_text: str = "") -> Reply:
    return Reply("refusal", text=partial_text)


def pause_turn(partial_text: str) -> Reply:
    """A long turn paused by the API; the client sends the content back to let it go on."""
    return Reply("pause_turn", text=partial_text)


# ---- billing ------------------------------------------------------------------------------


def _canonical(block: Any) -> str:
    if isinstance(block, dict) and block.get("type") == "text" and set(block) <= {
        "type", "text", "cache_control", "citations"
    }:  # fmt: skip
        return block["text"]
    if isinstance(block, dict):
        block = {k: v for k, v in block.items() if k != "cache_control"}
    return json.dumps(block, sort_keys=True, separators=(",", ":"))


def prompt_blocks(body: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """(canonical text, cache_control) of every prompt block, in the API's prefix order."""
    blocks: list[tuple[str, dict[str, Any] | None]] = []
    for tool in body.get("tools") or []:
        blocks.append((_canonical(tool), tool.get("cache_control")))
    system = body.get("system") or []
    if isinstance(system, str):
        system = [{"type": "text", "text": system}]
    for block in system:
        blocks.append((_canonical(block), block.get("cache_control")))
    for message in body.get("messages") or []:
        content = message["content"]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for i, block in enumerate(content):
            # The role is part of what matches: a user's text is not an assistant's.
            role = f"{message['role']}:" if i == 0 else ""
            blocks.append((role + _canonical(block), block.get("cache_control")))
    return blocks


class RequestError(Exception):
    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


@dataclass
class Billing:
    """What one request pays, and the cache entries it writes or refreshes once sent."""

    usage: dict[str, Any]
    writes: list[tuple[str, str]]  # (prefix key, ttl)
    refreshes: list[tuple[str, str]]
    prompt_tokens: int


class SimulatedAPI:
    def __init__(
        self,
        table: PriceTable,
        *,
        clock: Callable[[], float] | None = None,
        responder: Callable[[dict[str, Any]], Reply] | None = None,
    ) -> None:
        self.table = table
        self.clock = clock or time.monotonic
        self.responder = responder
        self.script: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []  # model, usage, request_id, request, content
        self._cache: dict[str, tuple[float, str]] = {}  # prefix key -> (expires at, ttl)
        self._lock = threading.Lock()
        self._count = 0
        self._server: ThreadingHTTPServer | None = None

    # -- the rules --

    def min_cacheable_tokens(self, model_id: str) -> int:
        model = self.table.get(model_id)
        if model.min_cacheable_tokens is not None:
            return model.min_cacheable_tokens
        known = [
            m.min_cacheable_tokens
            for m in self.table.models
            if m.tier == model.tier and m.min_cacheable_tokens is not None
        ]
        return max(known, default=FALLBACK_MIN_CACHEABLE)

    def count_tokens(self, body: dict[str, Any]) -> int:
        return sum(estimate_tokens(t) for t, _ in prompt_blocks(body))

    def bill(self, body: dict[str, Any], output_tokens: int = 0) -> Billing:
        """The usage of `body` against the cache as it stands now (nothing is written yet)."""
        model = self.table.get(body["model"]).id
        blocks = prompt_blocks(body)
        breakpoints = [i for i, (_, cc) in enumerate(blocks) if cc]
        if len(breakpoints) > MAX_BREAKPOINTS:
            raise RequestError(400, "invalid_request_error",
                               f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may "
                               f"be provided. Found {len(breakpoints)}.")  # fmt: skip
        ttls = [blocks[i][1].get("ttl", "5m") for i in breakpoints]
        if any(ttl not in TTL_SECONDS for ttl in ttls):
            raise RequestError(400, "invalid_request_error", "cache_control.ttl: 5m or 1h")
        if "5m" in ttls and "1h" in ttls[ttls.index("5m") :]:
            raise RequestError(400, "invalid_request_error",
                               "a ttl='1h' cache_control block must not come after a ttl='5m' "
                               "one")  # fmt: skip
        keys, ends, digest, total = [], [], hashlib.sha256(model.encode()), 0
        for block_text, _ in blocks:
            digest.update(b"\x00" + block_text.encode())
            keys.append(digest.hexdigest())
            total += estimate_tokens(block_text)
            ends.append(total)
        now = self.clock()
        with self._lock:
            live = {k for k, (expires, _) in self._cache.items() if expires > now}
            entry_ttl = {k: ttl for k, (_, ttl) in self._cache.items()}
        read_at = -1
        for b in breakpoints:
            for i in range(b, max(-1, b - LOOKBACK_BLOCKS - 1), -1):
                if keys[i] in live and i > read_at:
                    read_at = i
                    break
        read = ends[read_at] if read_at >= 0 else 0
        minimum = self.min_cacheable_tokens(model)
        written = {"5m": 0, "1h": 0}
        writes: list[tuple[str, str]] = []
        refreshes = [
            (keys[b], entry_ttl[keys[b]]) for b in breakpoints if b <= read_at and keys[b] in live
        ]
        if read_at >= 0 and keys[read_at] in live:
            refreshes.append((keys[read_at], entry_ttl[keys[read_at]]))
        covered = read
        for b, ttl in zip(breakpoints, ttls, strict=True):
            if b <= read_at or ends[b] < minimum:
                continue
            written[ttl] += ends[b] - covered
            covered = ends[b]
            writes.append((keys[b], ttl))
        usage = {
            "input_tokens": total - covered,
            "cache_creation_input_tokens": written["5m"] + written["1h"],
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": written["5m"],
                "ephemeral_1h_input_tokens": written["1h"],
            },
            "output_tokens": output_tokens,
            "service_tier": "standard",
        }
        return Billing(usage=usage, writes=writes, refreshes=refreshes, prompt_tokens=total)

    def commit(self, billing: Billing) -> None:
        """The response has been sent: its writes become visible, its hits are refreshed."""
        now = self.clock()
        with self._lock:
            for key, ttl in [*billing.refreshes, *billing.writes]:
                self._cache[key] = (now + TTL_SECONDS[ttl], ttl)

    # -- answering --

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self.script:
                return self.script.pop(0)
        if self.responder:
            return self.responder(body)
        return text("(script exhausted)")

    def _validate(self, body: dict[str, Any]) -> None:
        if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
            raise RequestError(400, "invalid_request_error", "max_tokens: Field required")
        if self.table.find(str(body.get("model", ""))) is None:
            raise RequestError(404, "not_found_error", f"model: {body.get('model')}")
        messages = body.get("messages") or []
        if not messages or messages[0]["role"] != "user":
            raise RequestError(400, "invalid_request_error", "messages: first must be user")
        # Every tool_result must answer a tool_use of the assistant turn just before it.
        for before, message in itertools.pairwise(messages):
            content = message["content"] if isinstance(message["content"], list) else []
            asked = {
                b.get("id")
                for b in (before["content"] if isinstance(before["content"], list) else [])
                if b.get("type") == "tool_use"
            }
            for block in content:
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in asked:
                    raise RequestError(400, "invalid_request_error",
                                       "tool_result block(s) provided without a matching "
                                       "tool_use in the previous message")  # fmt: skip

    def _content(
        self, reply: Reply, max_tokens: int, n: int
    ) -> tuple[list[dict[str, Any]], str, int]:
        """(content blocks, stop_reason, output tokens) of a scripted reply."""
        blocks: list[dict[str, Any]] = []
        budget = max_tokens
        if reply.text:
            cut = reply.text[: budget * CHARS_PER_TOKEN]
            blocks.append({"type": "text", "text": cut})
            budget -= estimate_tokens(cut)
            if cut != reply.text:
                return blocks, "max_tokens", max_tokens
        stop = {"refusal": "refusal", "pause_turn": "pause_turn"}.get(reply.kind, "end_turn")
        if reply.kind in ("tool_use", "truncated_tool"):
            raw = json.dumps(reply.tool_input, separators=(",", ":"))
            truncated = reply.kind == "truncated_tool" or estimate_tokens(raw) > budget
            if truncated:
                raw = raw[: max(1, min(len(raw) // 2, budget * CHARS_PER_TOKEN))]
            blocks.append({"type": "tool_use", "id": f"toolu_sim_{n}",
                           "name": reply.tool_name, "input": reply.tool_input,
                           "_raw": raw})  # fmt: skip
            stop = "max_tokens" if truncated else "tool_use"
            budget -= estimate_tokens(raw)
        return blocks, stop, max_tokens - budget

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Iterator[bytes | None]]:
        """(status, headers, body chunks) of one request; a None chunk means the connection
        drops there. Billing and cache writes happen as the chunks are consumed."""
        with self._lock:
            self._count += 1
            n = self._count
            self.requests.append(body)
        request_id = f"req_sim_{n}"
        reply = self._next_reply(body)
        try:
            self._validate(body)
            if reply.kind == "error":
                raise RequestError(reply.status, reply.error_type, reply.text)
        except RequestError as exc:
            payload = {"type": "error", "error": {"type": exc.error_type, "message": exc.message},
                       "request_id": request_id}  # fmt: skip
            headers = {"content-type": "application/json", "request-id": request_id,
                       **(reply.headers if reply.kind == "error" else {})}  # fmt: skip
            return exc.status, headers, iter([json.dumps(payload).encode()])
        if not body.get("stream"):
            headers = {"content-type": "application/json", "request-id": request_id}
            return 200, headers, self._message(body, reply, n, request_id)
        headers = {"content-type": "text/event-stream", "request-id": request_id}
        return 200, headers, self._events(body, reply, n, request_id)

    def _start(self, body: dict[str, Any], reply: Reply, n: int) -> tuple[Any, ...]:
        blocks, stop, output_tokens = self._content(reply, body["max_tokens"], n)
        billing = self.bill(body, output_tokens)  # priced on arrival, against the cache then
        if reply.delay:
            time.sleep(reply.delay)  # the model "thinking": an overlapping request sees no write
        message = {"id": f"msg_sim_{n}", "type": "message", "role": "assistant",
                   "model": body["model"], "content": [], "stop_reason": None,
                   "stop_sequence": None}  # fmt: skip
        return blocks, stop, billing, message, self.table.get(body["model"]).id

    def _message(
        self, body: dict[str, Any], reply: Reply, n: int, request_id: str
    ) -> Iterator[bytes | None]:
        blocks, stop, billing, message, model = self._start(body, reply, n)
        message.update(content=[_public(b) for b in blocks], stop_reason=stop, usage=billing.usage)
        self._record(model, billing.usage, request_id, body, blocks)
        self.commit(billing)
        yield json.dumps(message).encode()

    def _events(
        self, body: dict[str, Any], reply: Reply, n: int, request_id: str
    ) -> Iterator[bytes | None]:
        blocks, stop, billing, message, model = self._start(body, reply, n)
        start_usage = {**billing.usage, "output_tokens": 1}
        yield _event("message_start", {"message": {**message, "usage": start_usage}})
        if reply.kind == "dropped":
            self._record(model, start_usage, request_id, body)
            start = {"type": "text", "text": ""}
            yield _event("content_block_start", {"index": 0, "content_block": start})
            delta = {"type": "text_delta", "text": reply.text}
            yield _event("content_block_delta", {"index": 0, "delta": delta})
            yield None
            return
        for index, block in enumerate(blocks):
            yield from _block_events(index, block)
        # message_delta repeats the totals (not the split by lifetime) with the final output.
        totals = {
            k: v for k, v in billing.usage.items() if k not in ("cache_creation", "service_tier")
        }
        delta = {"stop_reason": stop, "stop_sequence": None}
        yield _event("message_delta", {"delta": delta, "usage": totals})
        yield _event("message_stop", {})
        self._record(model, billing.usage, request_id, body, blocks)
        self.commit(billing)

    def _record(
        self, model: str, usage: dict[str, Any], request_id: str, body: dict[str, Any],
        content: list[dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        entry = {"model": model, "usage": usage, "request_id": request_id, "request": body,
                 "content": [_public(b) for b in content or []]}  # fmt: skip
        with self._lock:
            self.ledger.append(entry)

    # -- the server --

    def start(self) -> SimulatedAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not (self.headers.get("x-api-key") or self.headers.get("authorization")):
                    return self._json(401, {"type": "error", "error": {
                        "type": "authentication_error", "message": "no API key sent"
                    }})  # fmt: skip
                path = self.path.split("?")[0]
                if path == "/v1/messages/count_tokens":
                    return self._json(200, {"input_tokens": api.count_tokens(body)})
                if path != "/v1/messages":
                    return self._json(404, {"type": "error", "error": {
                        "type": "not_found_error", "message": f"{path} not found"}})  # fmt: skip
                status, headers, chunks = api.respond(body)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for chunk in chunks:
                    if chunk is None:  # a dropped stream: close without the final chunk
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def _json(self, status: int, payload: dict) -> None:
                content = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the simulator first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SimulatedAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _public(block: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in block.items() if k != "_raw"}


def _event(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


def _block_events(index: int, block: dict[str, Any]) -> Iterator[bytes]:
    if block["type"] == "text":
        yield _event("content_block_start", {"index": index,
                     "content_block": {"type": "text", "text": ""}})  # fmt: skip
        words = block["text"].split(" ")
        step = max(1, len(words) // 3)
        for i in range(0, len(words), step):
            piece = " ".join(words[i : i + step]) + (" " if i + step < len(words) else "")
            yield _event("content_block_delta", {"index": index,
                         "delta": {"type": "text_delta", "text": piece}})  # fmt: skip
    else:
        raw = block["_raw"]
        start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        yield _event("content_block_start", {"index": index, "content_block": start})
        for i in range(0, len(raw), max(1, len(raw) // 2)):
            delta = {"type": "input_json_delta", "partial_json": raw[i : i + len(raw) // 2 or 1]}
            yield _event("content_block_delta", {"index": index, "delta": delta})
    yield _event("content_block_stop", {"index": index})
