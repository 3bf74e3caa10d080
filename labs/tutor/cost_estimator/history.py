"""How the input grows when a conversation replays its whole history."""

from __future__ import annotations

import re
from typing import Any

from labs.calculator.pricing import Model

from ..calc import CalculationFailed
from ..common import (
    Context,
    follow_up,
)
from ..reading import Facts
from ..types import TutorReply
from ..writing import (
    Reply,
    join_words,
    plural,
    table,
    tokens,
    usd,
)
from .scenario import _output

_NTH_RE = re.compile(r"\b(\d{1,4})(?:st|nd|rd|th)\s+(?:request|turn|call|message)\b", re.I)

LESSON = "/modules/cost-optimization/lessons/token-economics/#conversation-history-is-replayed"


def _asked_requests(ctx: Context, turns: int) -> set[int]:
    """Rows (0-based) for the requests the learner named ("the 10th request")."""
    return {
        int(m.group(1)) - 1 for m in _NTH_RE.finditer(ctx.message) if 0 < int(m.group(1)) <= turns
    }


def _history(ctx: Context, model: Model, facts: Facts, notes: list[str]) -> TutorReply:
    turns = ctx.conv.new.turns or facts.turns or 10
    turn_tokens = facts.parts.get("turn")
    answer_tokens: int | None = None
    reply = Reply()
    reply.assume(*notes)
    if not turn_tokens:
        user, output = facts.parts.get("user") or facts.parts.get("input"), _output(facts)
        if user and output is not None:
            # The calculator's per-request view: a request replays the earlier answers, never
            # its own, which is output and does not exist yet when the request is sent.
            turn_tokens, answer_tokens = user, output
            reply.assume(
                f"Each request sends the new {tokens(user)}-token user message; every earlier "
                f"message and its {tokens(output)}-token answer are replayed with it."
            )
    if not turn_tokens:
        return follow_up(
            ctx,
            ["user"],
            f"a {plural(turns, 'turn')} conversation on {model.display_name}",
            "To show how the input grows I need the size of a turn.",
        )
    system = sum(facts.parts.get(p, 0) for p in ("tools", "system", "examples", "documents"))
    data: dict[str, Any] = {"turns": turns, "turn_tokens": turn_tokens}
    if answer_tokens is not None:
        data["reply_tokens"] = answer_tokens
    if system:
        data["system_tokens"] = system
    if facts.window:
        data["window"] = facts.window
        if facts.parts.get("summary"):
            data["summary_tokens"] = facts.parts["summary"]
    data["model"] = model.id
    try:
        out = ctx.calc.run("history_growth", data)
    except CalculationFailed as exc:
        reply.add(f"The calculator could not work that out: {exc}.")
        return ctx.reply(reply.render())
    per_turn = out["per_turn"]
    reply.add(
        f"Replaying the whole history, a {tokens(turns)}-turn conversation sends "
        f"**{tokens(out['cumulative_tokens'])} input tokens** in total: the last request alone "
        f"carries {tokens(per_turn[-1])}, against {tokens(per_turn[0])} for the first. Each "
        "request grows by one exchange, so the total grows with the square of the number of "
        "turns."
    )
    shown = sorted({0, len(per_turn) // 2, len(per_turn) - 1} | _asked_requests(ctx, turns))
    rows = [[str(i + 1), tokens(per_turn[i])] for i in shown]
    if out.get("window_per_turn"):
        rows = [[*r, tokens(out["window_per_turn"][int(r[0]) - 1])] for r in rows]
        headers = ["Request", "Full replay", f"Window of {facts.window}"]
    else:
        headers = ["Request", "Input tokens"]
    reply.add(table(headers, rows, right=tuple(range(1, len(headers)))))
    labels = {"full_usd": "full replay", "window_usd": f"window of {facts.window}"}
    costs = [f"{label} {usd(out[k])}" for k, label in labels.items() if out.get(k) is not None]
    if costs:
        reply.add(
            f"Input cost of one such conversation on {model.display_name}: "
            + join_words(costs, "against")
            + "."
        )
    if out.get("window_cumulative_tokens") is not None:
        reply.add(
            f"Keeping a window cuts the total to {tokens(out['window_cumulative_tokens'])} tokens."
        )
    if answer_tokens is None:
        reply.assume(f"Each turn adds {tokens(out['turn_tokens'])} tokens.")
    if system:
        reply.assume(
            f"The {tokens(out['system_tokens'])}-token fixed prefix (system prompt, tools, "
            "examples, documents) is sent on every turn."
        )
    reply.add(f"Read more in [Token economics \u203a Conversation history is replayed]({LESSON}).")
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = (
        'keep only the last few turns with a summary ("keep the last 4 turns with a 300-token '
        'summary") and compare the totals.'
    )
    return ctx.reply(reply.render())
