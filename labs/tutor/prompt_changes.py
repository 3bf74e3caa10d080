"""What a change to a prompt or its answers saves, priced by the calculator's what-if tool
(`workload_change`), so a saving is stated as one and a dearer change is said to cost more.

Three shapes reach it from the prompt auditor:

- a trim stated in one message: "the prompt goes 1,800 -> 1,100 input tokens", "answers ~600
  tokens, with a 3-bullet cap we think ~150" (the reading puts the old size in `Facts.was`);
- the same trim on another model, asked as a follow-up ("and on Haiku 5.5?");
- a what-if on the workload of the turns before: "halve the answers", "the system prompt grows
  to 6k", "10x the traffic".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from .calc import CalculationFailed
from .common import Context, retired_notes
from .reading import PART_LABELS, PART_ORDER, Facts, Modifier
from .types import TutorReply
from .writing import Reply, join_words, model_prices, price, table, tokens, usd

_PERIODS = (
    ("per_request_usd", "Per request"),
    ("per_day_usd", "Per day"),
    ("per_month_usd", "Per month (30 days)"),
    ("per_year_usd", "Per year (365 days)"),
)


def _slot(part: str) -> str:
    """A generic input size is the per-request user message, as the cost estimator reads it."""
    return "user" if part == "input" else part


def _shape(facts: Facts) -> tuple[dict[str, int], int | None]:
    parts: dict[str, int] = {}
    for part, n in facts.parts.items():
        if part in PART_ORDER or part == "input":
            if part == "input" and facts.parts.get("user"):
                continue
            parts[_slot(part)] = n
    output = facts.parts.get("output", facts.parts.get("summary"))
    return parts, output


def _tool_input(model: Model, facts: Facts, parts: dict[str, int], output: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "model": model.id,
        "requests": facts.requests,
        "per": facts.per or "day",
    }
    data |= {f"{p}_tokens": n for p, n in parts.items() if n}
    data["output_tokens"] = output
    return data


def change_reply(ctx: Context, model: Model, notes: list[str]) -> TutorReply | None:
    """The what-if reply, or None when the message states no change this module prices."""
    conv = ctx.conv
    new, merged = conv.new, conv.merged
    if merged.requests is None:
        return None
    if new.was:
        return _trim(ctx, model, notes, merged, switched=None)
    if merged.was and new.models and not new.parts and not new.modifiers:
        base_model = next((m.model for m in conv.base.models if m.model is not None), None)
        switched = base_model if base_model is not None and base_model.id != model.id else None
        return _trim(ctx, model, notes, merged, switched=switched)
    if new.modifiers or (new.parts and not new.requests):
        return _what_if(ctx, model, notes)
    return None


def _trim(
    ctx: Context, model: Model, notes: list[str], facts: Facts, *, switched: Model | None
) -> TutorReply | None:
    parts, output = _shape(facts)
    was = {_slot(p): n for p, n in facts.was.items() if p != "summary"}
    before_parts = {**parts, **{p: n for p, n in was.items() if p != "output"}}
    before_output = was.get("output", output)
    left_out = []
    if output is None:
        if "output" in was:
            return None
        # An input trim with no answer length: the output is the same before and after, so it
        # changes nothing in the difference; it is left out and said so.
        output = before_output = 0
        left_out.append("the output (not given; the same before and after)")
    if not before_parts and not parts:
        left_out.append("the input (not given; the same before and after)")
    changes: dict[str, Any] = {f"{p}_tokens": parts.get(p, 0) for p in before_parts}
    if before_output != output:
        changes["output_tokens"] = output
    if not changes:
        return None
    data = _tool_input(model, facts, before_parts, before_output or 0)
    data["changes"] = changes
    described = [
        f"{PART_LABELS[p] if p != 'user' else 'input'} {tokens(n)} to {tokens(parts.get(p, 0))} "
        "tokens"
        for p, n in was.items()
        if p != "output"
    ]
    if "output" in was:
        described.append(f"answers {tokens(was['output'])} to {tokens(output)} tokens")
    return _reply(ctx, model, notes, data, join_words(described), left_out, switched=switched)


def _scaled(n: int, mod: Modifier) -> int:
    return max(0, int((Decimal(n) * mod.factor).to_integral_value()))


def _what_if(ctx: Context, model: Model, notes: list[str]) -> TutorReply | None:
    """A change to the complete workload of the turns before."""
    base, new = ctx.conv.base, ctx.conv.new
    parts, output = _shape(base)
    if base.requests is None or output is None or not parts:
        return None
    after_parts, after_output, requests = dict(parts), output, base.requests
    described = []
    for mod in new.modifiers:
        factor = f"x{mod.factor.normalize():f}"
        if mod.target == "output":
            after_output = _scaled(after_output, mod)
            described.append(f"answers {factor}: {tokens(output)} to {tokens(after_output)} tokens")
        elif mod.target == "requests":
            requests = max(1, _scaled(requests, mod))
            described.append(f"traffic {factor}: {tokens(base.requests)} to {tokens(requests)}")
        elif mod.target == "prompt":
            after_parts = {p: _scaled(n, mod) for p, n in after_parts.items()}
            described.append(f"whole prompt {factor}")
        elif mod.target in after_parts:
            after_parts[mod.target] = _scaled(after_parts[mod.target], mod)
            described.append(f"{PART_LABELS[mod.target]} {factor}")
    new_parts, new_output = _shape(new)
    for part, n in new_parts.items():
        if after_parts.get(part) != n:
            described.append(
                f"{PART_LABELS[part]} {tokens(after_parts.get(part, 0))} to {tokens(n)} tokens"
            )
            after_parts[part] = n
    if new_output is not None and new_output != after_output:
        described.append(f"answers {tokens(after_output)} to {tokens(new_output)} tokens")
        after_output = new_output
    if not described:
        return None
    facts = Facts(requests=base.requests, per=base.per)
    data = _tool_input(model, facts, parts, output)
    changes: dict[str, Any] = {
        f"{p}_tokens": n for p, n in after_parts.items() if parts.get(p) != n
    }
    if after_output != output:
        changes["output_tokens"] = after_output
    if requests != base.requests:
        changes["requests"] = requests
    if not changes:
        return None
    data["changes"] = changes
    return _reply(ctx, model, notes, data, join_words(described), [], switched=None)


def _reply(
    ctx: Context,
    model: Model,
    notes: list[str],
    data: dict[str, Any],
    described: str,
    left_out: list[str],
    *,
    switched: Model | None,
) -> TutorReply:
    reply = Reply()
    try:
        out = ctx.calc.run("workload_change", data)
    except CalculationFailed as exc:
        reply.add(f"The calculator could not price that: {exc}.")
        return ctx.reply(reply.render())
    before, after = out["before"], out["after"]
    month = Decimal(out["difference_per_month_usd"]).copy_abs()
    day = Decimal(out["difference_per_day_usd"]).copy_abs()
    year = Decimal(out["difference_per_year_usd"]).copy_abs()
    per = before["per"]
    lead = f"On {model.display_name}, with {described}"
    # The period the learner asked for leads ("$/yr if we dedupe?"); a month otherwise.
    amounts = {"day": day, "month": month, "year": year}
    asked = next((p for p in ctx.conv.new.asked if p in amounts), "month")
    others = ", ".join(f"{usd(amounts[p])} a {p}" for p in amounts if p != asked)
    first = f"{usd(amounts[asked])} a {asked}"
    was, now = usd(before[f"per_{asked}_usd"]), usd(after[f"per_{asked}_usd"])
    if out["direction"] == "less":
        reply.add(f"{lead}, the change **saves {first}** ({others}): {was} before, {now} after.")
    elif out["direction"] == "more":
        more = ", ".join(f"{usd(amounts[p])} more a {p}" for p in amounts if p != asked)
        reply.add(
            f"{lead}, the change **costs {usd(amounts[asked])} more a {asked}** ({more}): "
            f"{was} before, {now} after. It is not a saving."
        )
    else:
        reply.add(f"{lead}, the cost does not move: {was} a {asked}.")
    rows = [
        [label, usd(before[key]), usd(after[key]), usd(out[f"difference_{key}"])]
        for key, label in _PERIODS
    ]
    reply.add(table(["", "Before", "After", "Difference"], rows, right=(1, 2, 3)))
    if "output_tokens" in data["changes"]:
        reply.add(
            "The saving is on output, the expensive side of the bill: on "
            f"{model.display_name} an output token costs {price(model.prices.output)} per million "
            f"against {price(model.prices.input)} for input. Check on your own test examples "
            "that the shorter answers still say what readers need."
        )
    if switched is not None:
        reply.add(
            f"The token counts came from {switched.display_name}; another model's tokenizer can "
            "turn the same text into more or fewer tokens, so count the trimmed prompt again "
            f"with `count_tokens` on {model.display_name} before you trust these figures."
        )
    reply.assume(*notes)
    if ctx.conv.merged.volume_note:
        reply.assume(ctx.conv.merged.volume_note)
    reply.assume(
        f"{tokens(before['requests'])} requests a {per}; only what you said changes differs "
        "between before and after."
    )
    for what in left_out:
        reply.assume(f"Left out of both sides: {what}.")
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.assume(*out["assumptions"])
    reply.caveat(*retired_notes([model], ctx.table))
    reply.warnings_from([out])
    reply.next_step = (
        "share the prompt text itself (in quotes) for an audit of what else it wastes."
    )
    return ctx.reply(reply.render())
