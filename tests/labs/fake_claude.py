"""A scripted stand-in for the Claude Messages API, speaking its wire format.

Used two ways: as an httpx2.MockTransport handler for the real SDK in unit tests, and behind a
tiny HTTP server on loopback for the worker integration test. Responses are recorded-shaped:
the same SSE events and usage fields the API sends.
"""

import json
import time
from dataclasses import dataclass, field
from typing import Any


def text_reply(text: str, *, usage: dict | None = None, chunks: int = 3) -> dict:
    return {"kind": "text", "text": text, "usage": usage or {}, "chunks": chunks}


def tool_reply(name: str, tool_input: dict, *, text: str = "", usage: dict | None = None) -> dict:
    return {"kind": "tool", "name": name, "input": tool_input, "text": text, "usage": usage or {}}


def error_reply(status: int, error_type: str, message: str = "boom") -> dict:
    return {"kind": "error", "status": status, "type": error_type, "message": message}


def summary_reply(text: str) -> dict:
    return {"kind": "json", "text": text}


DEFAULT_USAGE = {
    "input_tokens": 120, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 2400,
    "output_tokens": 80,
}  # fmt: skip


def _sse(events: list[dict]) -> bytes:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


def stream_events(reply: dict, model: str, n: int) -> list[dict]:
    usage = {**DEFAULT_USAGE, **reply.get("usage", {})}
    start_usage = {**usage, "output_tokens": 1}
    events: list[dict] = [{
        "type": "message_start",
        "message": {"id": f"msg_{n}", "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": start_usage},
    }]  # fmt: skip
    index = 0
    text = reply.get("text", "")
    if text:
        events.append({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": ""}})  # fmt: skip
        size = max(1, len(text) // reply.get("chunks", 3))
        for i in range(0, len(text), size):
            delta = {"type": "text_delta", "text": text[i : i + size]}
            events.append({"type": "content_block_delta", "index": 0, "delta": delta})
        events.append({"type": "content_block_stop", "index": 0})
        index = 1
    stop = "end_turn"
    if reply["kind"] == "tool":
        stop = "tool_use"
        raw = json.dumps(reply["input"])
        events += [
            {"type": "content_block_start", "index": index,
             "content_block": {"type": "tool_use", "id": f"toolu_{n}", "name": reply["name"],
                               "input": {}}},
            {"type": "content_block_delta", "index": index,
             "delta": {"type": "input_json_delta", "partial_json": raw[: len(raw) // 2]}},
            {"type": "content_block_delta", "index": index,
             "delta": {"type": "input_json_delta", "partial_json": raw[len(raw) // 2 :]}},
            {"type": "content_block_stop", "index": index},
        ]  # fmt: skip
    # message_delta usage is cumulative: it repeats the input fields and the final output count.
    events += [
        {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
         "usage": usage},
        {"type": "message_stop"},
    ]  # fmt: skip
    return events


@dataclass
class FakeClaude:
    script: list[dict]
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    arrived: int = 0  # requests received, counted before any delay

    def respond(self, body: dict, headers: dict) -> tuple[int, dict, bytes]:
        self.requests.append(body)
        self.headers.append(headers)
        n = len(self.requests)
        reply = self.script.pop(0) if self.script else text_reply("(script exhausted)")
        if reply["kind"] == "error":
            payload = {
                "type": "error",
                "error": {"type": reply["type"], "message": reply["message"]},
            }
            headers = {"content-type": "application/json"}
            return reply["status"], headers, json.dumps(payload).encode()
        if reply["kind"] == "json" or not body.get("stream"):
            message = {
                "id": f"msg_{n}", "type": "message", "role": "assistant", "model": body["model"],
                "content": [{"type": "text", "text": reply.get("text", "")}],
                "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": 300, "output_tokens": 60},
            }  # fmt: skip
            return 200, {"content-type": "application/json", "request-id": f"req_{n}"}, \
                json.dumps(message).encode()  # fmt: skip
        events = stream_events(reply, body["model"], n)
        return 200, {"content-type": "text/event-stream", "request-id": f"req_{n}"}, _sse(events)

    def handler(self, request: Any) -> Any:
        import httpx2

        status, headers, content = self.respond(json.loads(request.content), dict(request.headers))
        return httpx2.Response(status, headers=headers, content=content)

    def install(self, monkeypatch: Any) -> "FakeClaude":
        import httpx2

        import labs.claude

        monkeypatch.setattr(
            labs.claude, "http_client_factory",
            lambda: httpx2.Client(transport=httpx2.MockTransport(self.handler)),
        )  # fmt: skip
        return self


class AutoClaude(FakeClaude):
    """Answers any lab request: a workload tool call first, then text once the result is back."""

    def __init__(self, delays: list[float] | None = None) -> None:
        super().__init__(script=[])
        self.delays = list(delays or [])  # seconds to wait before answering, request by request

    def respond(self, body: dict, headers: dict) -> tuple[int, dict, bytes]:
        last = body["messages"][-1]["content"]
        answered = isinstance(last, list) and any(b.get("type") == "tool_result" for b in last)
        self.script = [
            text_reply("The card below has the figures from the course calculator.")
            if answered
            else tool_reply(
                "workload_cost",
                {"model": "claude-haiku-5-5", "requests": 1000, "per": "day",
                 "user_tokens": 500, "output_tokens": 200},
                text="Computing it now.",
            )
        ]  # fmt: skip
        return super().respond(body, headers)


class PacedClaude(FakeClaude):
    """Streams one text reply in the given pieces, `pause` seconds apart, as a slow model does:
    the SDK sees each piece when it is sent, not the whole reply at the end."""

    def __init__(self, pieces: list[str], pause: float) -> None:
        super().__init__(script=[])
        self.pieces = list(pieces)
        self.pause = pause

    def handler(self, request: Any) -> Any:
        import httpx2

        body = json.loads(request.content)
        self.requests.append(body)
        head, *tail = stream_events({"kind": "text", "text": ""}, body["model"], len(self.requests))
        opening = {"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}  # fmt: skip
        deltas = [
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}
            for p in self.pieces
        ]
        closing = {"type": "content_block_stop", "index": 0}

        def chunks() -> Any:
            yield _sse([head, opening, deltas[0]])
            for delta in deltas[1:]:
                time.sleep(self.pause)
                yield _sse([delta])
            yield _sse([closing, *tail])

        headers = {"content-type": "text/event-stream", "request-id": f"req_{len(self.requests)}"}
        return httpx2.Response(200, headers=headers, content=chunks())


def serve(fake: FakeClaude, port: int = 0) -> tuple[object, int]:
    """Run `fake` behind an HTTP server on loopback; returns (server, port)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            fake.arrived += 1
            delays = getattr(fake, "delays", None)
            if delays:
                time.sleep(delays.pop(0))
            status, headers, content = fake.respond(
                body, {k.lower(): v for k, v in self.headers.items()}
            )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
