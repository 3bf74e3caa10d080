"""What a ten-turn lab conversation costs, the app's way against a naive client.

Each turn goes through the real worker path (`labs.tasks.reply`: claim, the Claude tool loop in
`labs.claude`, the real `anthropic` SDK over HTTP) to the simulated API on loopback, which bills
it like the real one. The naive client is the same loop with the request shaping taken out: no
cache breakpoints, no window and no summary, every earlier turn replayed in full. Both are
priced by the calculator from the usage the simulator reported.

Used by `tests/labs/test_conversation_bill.py` (the goal) and `bench/conversation_bill.py`
(the table). Needs a database with the course loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

from django.test import override_settings

from labs.calculator import PriceTable, Usage, cost_of_api_usage
from labs.calculator.tools import TOOLS
from labs.testing import simulated_api as sim
from labs.testing.lab_scripts import SCRIPTS, ScriptedTurn

PAUSE_SECONDS = 45  # a learner reads the answer and types the next question
GOAL_RATIO = Decimal("0.20")  # the app pays at most this share of the naive bill
GOAL_HIT_RATE = Decimal("0.80")  # of the prompt read from cache on turns 2-10

CLAUDE_SETTINGS = {
    "ANTHROPIC_API_KEY": "sk-ant-simulated",
    "LABS_OFFLINE": False,
    "LAB_DAILY_BUDGET_USD": Decimal(1000),
    "SITE_DAILY_BUDGET_USD": Decimal(1000),
    "CLAUDE_MAX_RETRIES": 2,
}


def summary_text(turns: int) -> str:
    return (
        f"Over {turns} earlier messages the learner described their workload: the model they "
        "use now, requests per day, prompt and reply sizes in tokens, and which parts of the "
        "prompt repeat on every request. The assistant priced each variant with the "
        "calculator and reported per-day and per-month costs for it, the saving from caching "
        "the stable prefix, and the comparison with a cheaper model, naming the model and the "
        "prices used each time."
    )


def _text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "\n\n".join(b.get("text", "") for b in content if b.get("type") == "text")


def responder(script: list[ScriptedTurn]) -> Callable[[dict[str, Any]], sim.Reply]:
    """Answer each request as Claude would on this script: the turn's tool call first, then
    its answer once the tool result is back; the summary model's call gets a summary."""

    def respond(body: dict[str, Any]) -> sim.Reply:
        messages = body["messages"]
        if not body.get("tools"):
            return sim.text(summary_text(_text_of(messages[0]).count("\nuser: ") + 1))
        question = next(
            _text_of(m) for m in reversed(messages) if m["role"] == "user" and _text_of(m)
        )
        turn = next(t for t in script if question.endswith(t.question))
        last = messages[-1]["content"]
        answered = isinstance(last, list) and any(b.get("type") == "tool_result" for b in last)
        if turn.tool is None or answered:
            return sim.text(turn.answer)
        return sim.tool_call(turn.tool, turn.tool_input, text=turn.lead)

    return respond


@contextmanager
def naive_shaping(transcript: list[dict[str, Any]] | None) -> Iterator[None]:
    """The tool loop of labs.claude with its request shaping removed: no breakpoints, no
    window, no summary. With `transcript` (a list the caller keeps up to date) every earlier
    message is replayed as it was sent, tool calls and results included, as a client that
    simply appends to its message list does; with None, only the earlier turns' text."""
    import labs.claude as claude

    def system(lab: Any, summary: str = "") -> list[dict[str, Any]]:
        return [{"type": "text", "text": f"{lab.system_prompt.strip()}\n\n{claude.RULES}"}]

    alternating = claude._alternating
    if transcript is not None:

        def alternating(turns: list[Any]) -> list[dict[str, Any]]:
            return [*transcript, {"role": "user", "content": turns[-1].text}]

    with (
        mock.patch.object(claude, "tool_definitions", lambda: [dict(t) for t in TOOLS]),
        mock.patch.object(claude, "system_blocks", system),
        mock.patch.object(claude, "_windowed", lambda client, history, conv, **kw: (history, "")),
        mock.patch.object(claude, "_with_breakpoints", lambda messages, *args: messages),
        mock.patch.object(claude, "_alternating", alternating),
    ):
        yield


@contextmanager
def pointed_at(api: sim.SimulatedAPI) -> Iterator[None]:
    """The SDK's base URL (read when labs.claude makes its client) and Claude switched on."""
    before = os.environ.get("ANTHROPIC_BASE_URL")
    os.environ["ANTHROPIC_BASE_URL"] = api.base_url
    try:
        with override_settings(**CLAUDE_SETTINGS):
            yield
    finally:
        if before is None:
            os.environ.pop("ANTHROPIC_BASE_URL", None)
        else:
            os.environ["ANTHROPIC_BASE_URL"] = before


@dataclass(frozen=True)
class CallBill:
    turn: int
    purpose: str  # reply | summary
    model: str
    usage: Usage
    cost_usd: Decimal


@dataclass
class ConversationBill:
    lab: str
    shaping: str  # app | naive (full replay) | naive-text (earlier turns' text only)
    calls: list[CallBill]
    conversation_id: int

    @property
    def total_usd(self) -> Decimal:
        return sum((c.cost_usd for c in self.calls), Decimal(0))

    def turn_usd(self, turn: int) -> Decimal:
        return sum((c.cost_usd for c in self.calls if c.turn == turn), Decimal(0))

    @property
    def hit_rate(self) -> Decimal:
        """Share of the prompt tokens of turns 2-10 read from cache (summary calls included)."""
        later = [c.usage for c in self.calls if c.turn >= 2]
        prompt = sum(u.prompt_tokens for u in later)
        return Decimal(sum(u.cache_read_tokens for u in later)) / prompt if prompt else Decimal(0)

    @property
    def summary_calls(self) -> int:
        return sum(c.purpose == "summary" for c in self.calls)


def run_conversation(
    lab_slug: str, user: Any, table: PriceTable, *, shaping: str = "app",
    pause_seconds: float = PAUSE_SECONDS,
) -> ConversationBill:  # fmt: skip
    """Ten turns of the lab's script through the worker, against a fresh simulated API."""
    from labs import tasks
    from labs.models import Conversation, Lab, Message

    script = SCRIPTS[lab_slug]
    clock = sim.Clock()
    api = sim.SimulatedAPI(table, clock=clock, responder=responder(script))
    lab = Lab.objects.get(slug=lab_slug)
    conversation = Conversation.objects.create(user=user, lab=lab, title=f"bill {shaping}")
    calls: list[CallBill] = []
    transcript: list[dict[str, Any]] = []
    shaped = {
        "app": _unchanged(), "naive": naive_shaping(transcript), "naive-text": naive_shaping(None),
    }[shaping]  # fmt: skip
    with api, pointed_at(api), shaped:
        for number, turn in enumerate(script, start=1):
            seen = len(api.ledger)
            Message.objects.create(conversation=conversation, role="user", text=turn.question)
            pending = Message.objects.create(
                conversation=conversation, role="assistant", status="queued"
            )
            tasks.reply(pending.pk)
            pending.refresh_from_db()
            if pending.status != Message.Status.DONE:
                raise AssertionError(f"{lab_slug} turn {number}: {pending.status} {pending.error}")
            replies = [b for b in api.ledger[seen:] if b["request"].get("tools")]
            # What a naive client holds after the turn: all it sent, and the last answer.
            transcript[:] = [
                *replies[-1]["request"]["messages"],
                {"role": "assistant", "content": replies[-1]["content"]},
            ]
            for billed in api.ledger[seen:]:
                model = table.get(billed["model"])
                calls.append(CallBill(
                    turn=number,
                    purpose="reply" if billed["request"].get("tools") else "summary",
                    model=model.id, usage=Usage.from_api(billed["usage"]),
                    cost_usd=cost_of_api_usage(model, billed["usage"]).total_usd,
                ))  # fmt: skip
            clock.advance(pause_seconds)
    return ConversationBill(lab_slug, shaping, calls, conversation.pk)


@contextmanager
def _unchanged() -> Iterator[None]:
    yield


SHAPINGS = ("app", "naive", "naive-text")


def run_all(user: Any, table: PriceTable) -> dict[str, dict[str, ConversationBill]]:
    """{lab: {shaping: bill}} for every lab's script."""
    return {
        slug: {
            shaping: run_conversation(slug, user, table, shaping=shaping) for shaping in SHAPINGS
        }
        for slug in SCRIPTS
    }
