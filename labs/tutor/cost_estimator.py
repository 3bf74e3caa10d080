"""The cost estimator lab: what a workload costs, how models compare, and what-if questions.

Scenarios: one call (no volume given), a workload per request/day/month/year, the same workload
on several models, a what-if against the scenario of the earlier turns (double a part, halve
the answers, ten times the traffic, add caching), real time against batch, and how the input
grows over a conversation that replays its history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from . import guard
from .calc import CalculationFailed
from .common import (
    Context,
    choose_models,
    follow_up,
    helpful_reply,
    retired_notes,
    unknown_model_text,
)
from .reading import PART_LABELS, PART_ORDER, Facts, Modifier
from .types import TutorReply
from .usage_calls import usage_reply
from .writing import (
    Reply,
    a_or_an,
    describe_parts,
    in_periods,
    join_words,
    model_prices,
    pct,
    per_period,
    plural,
    price,
    table,
    tokens,
    usd,
)

CAPABILITIES = [
    "the cost of one request, and of a workload per day, 30-day month and 365-day year;",
    "the same workload on two or three models, with the saving against the first;",
    "what-ifs: double the system prompt, halve the answers, ten times the traffic, caching;",
    "real time against the Batches API, and how input grows when history is replayed.",
]
EXAMPLE = (
    "My assistant runs on Sonnet 5.5 with 20,000 requests a day: a 1,000-token system prompt, "
    "a 200-token user message and 250-token answers. What does it cost a month, and what "
    "would Haiku 5.5 save?"
)
TOPIC = "estimating what Claude API workloads cost"
_TOTALS_RE = re.compile(r"\b(?:per|a|each)\s+(?:day|month|year)\b|\bmonthly|\bdaily|\byearly", re.I)
_HISTORY_RE = re.compile(
    r"\b(?:turns?|conversation\s+grows?|history\s+(?:grows?|replay)|replay(?:s|ed|ing)?)\b", re.I
)
_CACHE_RE = re.compile(r"\bcach(?:e|ed|ing)\b", re.I)


@dataclass
class Scenario:
    """A workload in calculator terms."""

    parts: dict[str, int]
    output: int
    requests: int | None
    per: str | None
    batch: bool = False
    cache_prefix: int = 0
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def tool_input(self, **extra: Any) -> dict[str, Any]:
        data: dict[str, Any] = dict(extra)
        data |= {"requests": self.requests, "per": self.per}
        for part in PART_ORDER:
            if self.parts.get(part):
                data[f"{part}_tokens"] = self.parts[part]
        data["output_tokens"] = self.output
        if self.cache_prefix:
            data |= {"cache_prefix_tokens": self.cache_prefix, "ttl": "5m", "traffic": "poisson"}
        if self.batch:
            data["batch"] = True
        return data

    @property
    def prompt_tokens(self) -> int:
        return sum(self.parts.get(p, 0) for p in PART_ORDER)


def scenario_parts(facts: Facts) -> tuple[dict[str, int], list[str]]:
    """Prompt parts for a workload: a generic "input" or "prompt" size is the user message."""
    parts = {p: facts.parts[p] for p in PART_ORDER if facts.parts.get(p)}
    notes = []
    if facts.parts.get("input") and not parts.get("user"):
        parts["user"] = facts.parts["input"]
        notes.append(
            f"The {tokens(parts['user'])} input tokens are counted as the per-request "
            "message (sent without caching)."
        )
    return parts, notes


def _output(facts: Facts) -> int | None:
    """Output tokens per request: the visible answer plus any thinking, which is billed as
    output (the reply states the sum, see `thinking_note`)."""
    visible = facts.parts.get("output")
    if visible is None:
        visible = facts.parts.get("summary")
    if visible is None:
        return None
    return visible + facts.parts.get("thinking", 0)


def thinking_note(facts: Facts) -> str | None:
    thinking = facts.parts.get("thinking")
    visible = facts.parts.get("output", facts.parts.get("summary"))
    if not thinking or visible is None:
        return None
    return (
        f"Output is the {tokens(visible)}-token visible answer plus {tokens(thinking)} thinking "
        f"tokens, {tokens(visible + thinking)} in all: thinking is billed as output, at the "
        "output price, even when you never show it."
    )


def answer(ctx: Context) -> TutorReply:
    conv = ctx.conv
    facts = conv.merged
    choice = choose_models(conv, ctx.table, compare=True)
    if choice.baseline is None:
        reply = Reply()
        reply.add(unknown_model_text(choice.unknown, ctx.table))
        return ctx.reply(reply.render(), follow_up=True)
    if _prices_usage(ctx):
        return usage_reply(ctx, choice.baseline, [*choice.retired, *choice.notes])
    parts, part_notes = scenario_parts(facts)
    output = _output(facts)
    if (
        not conv.new.has_numbers
        and not conv.base.has_numbers
        and not conv.new.modifiers
        and not (conv.new.models and conv.base.models)
    ):
        return _no_numbers(ctx, choice.baseline if not choice.defaulted else None, choice.targets)
    model = choice.baseline
    assert model is not None
    found = guard.check(conv.new)
    if not found.passed:
        known = _known(model if not choice.defaulted else None, facts, parts, output)
        return guard.question(ctx, found, known)
    if _HISTORY_RE.search(conv.new.text) and (conv.new.turns or facts.parts.get("turn")):
        return _history(ctx, model, facts, choice.notes)
    missing = []
    if not parts:
        missing.append("system")
    if output is None:
        missing.append("output")
    if facts.requests is None and _TOTALS_RE.search(conv.new.text) and not missing:
        missing.append("requests")
    if missing:
        known = _known(model if not choice.defaulted else None, facts, parts, output)
        return follow_up(
            ctx, missing, known, "To price the workload I need the size of each request."
        )
    assert output is not None
    scenario = Scenario(parts, output, facts.requests, facts.per, facts.batch)
    reply = Reply()
    reply.add(*choice.retired)
    reply.assume(*choice.notes, *conv.new.notes, *part_notes, *found.ignored)
    reply.assume(thinking_note(facts))
    if facts.volume_note:
        reply.assume(facts.volume_note)
    if facts.volume_assumed_per:
        reply.assume(f"You gave {facts.volume_text} requests without a period; I read it as a day.")
    reply.caveat(*retired_notes([model, *choice.targets], ctx.table))
    try:
        if scenario.requests is None:
            return _one_call(ctx, reply, model, scenario, choice.targets)
        if conv.new.batch and not facts.parts.get("cache") and not choice.targets:
            return _batch(ctx, reply, model, scenario)
        before = _base_scenario(ctx)
        if choice.targets:
            return _compare(ctx, reply, model, choice.targets, scenario)
        what_if = _what_if(ctx, scenario)
        if what_if is not None and before is not None:
            return _before_after(ctx, reply, model, before, what_if)
        return _workload(ctx, reply, model, scenario)
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not price that: {exc}.")
        reply.next_step = "correct that figure and ask again; I keep the rest of the scenario."
        return ctx.reply(reply.render())


def _prices_usage(ctx: Context) -> bool:
    """The message pastes a usage object, or scales the one pasted before ("and for 5,000
    calls?") without describing a new request."""
    new = ctx.conv.new
    if new.usages:
        return True
    return bool(ctx.conv.base.usages) and not new.prompt_parts() and new.output is None


def _known(model: Model | None, facts: Facts, parts: dict[str, int], output: int | None) -> str:
    pieces = []
    if model is not None:
        pieces.append(model.display_name)
    if facts.requests is not None:
        pieces.append(plural(facts.requests, "request") + f" a {facts.per}")
    described = describe_parts(parts, output)
    if described:
        pieces.append(described)
    return join_words(pieces)


def _no_numbers(ctx: Context, model: Model | None, targets: list[Model]) -> TutorReply:
    extra = ""
    if model is not None:
        out = ctx.calc.run("list_models", {})
        ids = {model.id, *(m.id for m in targets)}
        rows = [
            [
                r["display_name"],
                price(Decimal(r["input_per_mtok_usd"])),
                price(Decimal(r["output_per_mtok_usd"])),
                r["status"],
            ]
            for r in out["models"]
            if r["id"] in ids
        ]
        extra = (
            "Here are the prices from the course price table, in USD per million tokens:\n\n"
            + table(["Model", "Input", "Output", "Status"], rows, right=(1, 2))
        )
    return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC, extra=extra)


def _base_scenario(ctx: Context) -> Scenario | None:
    """The complete scenario of the earlier turns, if there was one."""
    base = ctx.conv.base
    parts, _ = scenario_parts(base)
    output = _output(base)
    if not parts or output is None or base.requests is None:
        return None
    return Scenario(parts, output, base.requests, base.per, base.batch)


def _what_if(ctx: Context, scenario: Scenario) -> Scenario | None:
    """The scenario with this message's changes, when it changes an earlier complete one."""
    new = ctx.conv.new
    base = _base_scenario(ctx)
    if base is None:
        return None
    changed = Scenario(dict(scenario.parts), scenario.output, scenario.requests, scenario.per)
    changed.batch = scenario.batch
    for mod in new.modifiers:
        _apply(changed, mod)
    if _CACHE_RE.search(new.text) and not re.search(r"\bno\s+cach|without\s+cach", new.text, re.I):
        prefix = _cache_prefix(changed.parts, new.text)
        if prefix:
            changed.changes.append(f"cache the first {tokens(prefix)} prompt tokens")
            changed.cache_prefix = prefix
            changed.notes.append(
                f"Caching {a_or_an(prefix)} {tokens(prefix)}-token prefix (tools, then system "
                "prompt, examples "
                "and documents, up to the last part you named) with the 5-minute TTL; requests "
                "arrive at random over the day (Poisson), and a gap over 5 minutes means a "
                "new write."
            )
    same = (
        changed.parts == base.parts
        and changed.output == base.output
        and changed.requests == base.requests
        and changed.per == base.per
        and changed.batch == base.batch
        and not changed.cache_prefix
    )
    return None if same else changed


_STATIC = ("tools", "system", "examples", "documents")


def _cache_prefix(parts: dict[str, int], text: str) -> int:
    """Tokens up to the last static part named in `text` (all static parts if none is)."""
    named = [p for p in _STATIC if parts.get(p) and re.search(_PART_NAMES[p], text, re.I)]
    last = _STATIC.index(named[-1]) if named else len(_STATIC) - 1
    return sum(parts.get(p, 0) for p in _STATIC[: last + 1])


_PART_NAMES = {
    "tools": r"\btools?\b|\bfunctions?\b",
    "system": r"\bsystem\b|\binstructions\b",
    "examples": r"\bexamples?\b|few[\s-]?shot",
    "documents": r"\bdoc|\bcontext\b|\bretriev|\bchunks?\b",
}


def _apply(s: Scenario, mod: Modifier) -> None:
    def scaled(n: int) -> int:
        return max(0, int((Decimal(n) * mod.factor).to_integral_value()))

    factor = f"x{mod.factor.normalize():f}"
    if mod.target == "requests" and s.requests:
        old, s.requests = s.requests, max(1, scaled(s.requests))
        s.changes.append(f"requests {factor}: {tokens(old)} to {tokens(s.requests)} a {s.per}")
    elif mod.target == "output":
        old, s.output = s.output, scaled(s.output)
        s.changes.append(f"output {factor}: {tokens(old)} to {tokens(s.output)} tokens")
    elif mod.target == "prompt":
        old = sum(s.parts.values())
        s.parts = {p: scaled(n) for p, n in s.parts.items()}
        s.changes.append(
            f"whole prompt {factor}: {tokens(old)} to {tokens(sum(s.parts.values()))} tokens"
        )
    elif mod.target in PART_ORDER:
        old = s.parts.get(mod.target, 0)
        if not old:
            return
        s.parts[mod.target] = scaled(old)
        s.changes.append(
            f"{PART_LABELS[mod.target]} {factor}: {tokens(old)} to "
            f"{tokens(s.parts[mod.target])} tokens"
        )


def _assume_shape(reply: Reply, scenario: Scenario, prompt_tokens: int | None) -> None:
    total = f" ({tokens(prompt_tokens)} prompt tokens)" if prompt_tokens is not None else ""
    absent = [PART_LABELS[p] for p in PART_ORDER if not scenario.parts.get(p)]
    reply.assume(
        f"Each request: {describe_parts(scenario.parts)}{total}; "
        f"{tokens(scenario.output)} output tokens."
    )
    if absent:
        reply.assume(f"No {join_words(absent, 'or')}: counted as 0 tokens.")


def _prices(reply: Reply, models: list[Model]) -> None:
    reply.assume(
        "Prices per million tokens, from the course price table: "
        + "; ".join(model_prices(m) for m in models)
        + "."
    )


def _driver(scenario: Scenario) -> str:
    biggest = max(scenario.parts, key=lambda p: scenario.parts[p])
    return (
        f"The largest part of each prompt is the {PART_LABELS[biggest]} "
        f"({tokens(scenario.parts[biggest])} tokens), resent on every request."
    )


def _one_call(
    ctx: Context, reply: Reply, model: Model, scenario: Scenario, targets: list[Model]
) -> TutorReply:
    rows = []
    outputs = []
    for m in [model, *targets]:
        data = {
            "model": m.id,
            "input_tokens": scenario.prompt_tokens,
            "output_tokens": scenario.output,
        }
        if scenario.batch:
            data["batch"] = True
        out = ctx.calc.run("estimate_cost", data)
        outputs.append(out)
        rows.append([out["display_name"], usd(out["input_usd"]), usd(out["output_usd"]),
                     f"**{usd(out['total_usd'])}**"])  # fmt: skip
    first = outputs[0]
    reply.add(
        f"One request with {tokens(first['prompt_tokens'])} prompt tokens and "
        f"{tokens(first['output_tokens'])} output tokens costs **{usd(first['total_usd'])}** on "
        f"{first['display_name']}."
    )
    reply.add(table(["Model", "Input", "Output", "Total"], rows, right=(1, 2, 3)))
    _assume_shape(reply, scenario, first["prompt_tokens"])
    _prices(reply, [model, *targets])
    reply.assume(
        "One real-time request, no prompt caching" + (", batch." if scenario.batch else ".")
    )
    reply.warnings_from(outputs)
    reply.next_step = (
        'add your traffic ("20,000 requests a day") and I will give the cost per day, month '
        "and year."
    )
    return ctx.reply(reply.render())


def _workload(ctx: Context, reply: Reply, model: Model, scenario: Scenario) -> TutorReply:
    out = ctx.calc.run("workload_cost", scenario.tool_input(model=model.id))
    period = out["per_period"]
    periods = asked_periods(ctx, default=("day", "month"))
    reply.add(
        f"On **{out['display_name']}**, {plural(out['requests'], 'request')} a {out['per']} cost "
        f"{in_periods(out['per_day_usd'], 'day', periods)}."
    )
    _hour_and_week(reply, periods, out["per_day_usd"])
    reply.add(
        table(
            ["Per request", "Per day", "Per month (30 days)", "Per year (365 days)"],
            [[usd(out["per_request_usd"]), usd(out["per_day_usd"]),
              usd(out["per_month_usd"]), usd(out["per_year_usd"])]],
            right=(0, 1, 2, 3),
        )
    )  # fmt: skip
    reply.add(
        f"Of each {out['per']}'s bill, input is {usd(period['input_usd'])} and output "
        f"{usd(period['output_usd'])}. {_driver(scenario)}"
    )
    _band(reply, [out])
    _assume_shape(reply, scenario, out["prompt_tokens"])
    _prices(reply, [model])
    reply.assume("Real-time calls, no prompt caching" + (", batch." if scenario.batch else "."))
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    other = _other_model(ctx, model)
    reply.next_step = (
        f'compare models ("how much would {other} save?") or change one thing, e.g. "what if '
        'the answers were half as long?"'
    )
    return ctx.reply(reply.render())


PERIODS = ("hour", "day", "week", "month", "year")


def asked_periods(ctx: Context, default: tuple[str, ...]) -> list[str]:
    """The periods the new message asks a figure for, in the calendar's order; `default` when
    it asks none."""
    asked = [p for p in PERIODS if p in ctx.conv.new.asked]
    return asked or list(default)


def _hour_and_week(reply: Reply, periods: list[str], per_day_usd: str) -> None:
    """Asked per hour or per week: the table has neither, so say what they are."""
    extra = [p for p in ("hour", "week") if p in periods]
    if not extra:
        return
    reply.add(
        "Per hour and per week are the calculator's daily figure restated: "
        + in_periods(per_day_usd, "day", ["hour", "day", "week"], bold=False)
        + "."
    )
    if "hour" in extra:
        reply.assume(
            "Per hour is a 24th of the day: traffic spread over the whole day. If it comes "
            "only in working hours, the busy hours cost more than that."
        )
    if "week" in extra:
        reply.assume("A week is 7 days.")


def _other_model(ctx: Context, model: Model) -> str:
    """A model worth comparing with `model`: the newest Haiku, or the newest Sonnet."""
    other = ctx.table.latest("haiku" if model.tier != "haiku" else "sonnet")
    return other.display_name.removeprefix("Claude ")


def _band(reply: Reply, outputs: list[dict[str, Any]]) -> None:
    for out in outputs:
        rows = out.get("results") or [out]
        for row in rows:
            if row.get("band") and row["band"] != "standard":
                reply.add(
                    f"Note: on {row['display_name']} these requests are billed at the band "
                    f"{row['band']}, on every token including the output."
                )


def _compare(
    ctx: Context, reply: Reply, model: Model, targets: list[Model], scenario: Scenario
) -> TutorReply:
    base = ctx.calc.run("workload_cost", scenario.tool_input(model=model.id))
    data = scenario.tool_input()
    out = ctx.calc.run("compare_models", {"models": [model.id, *(m.id for m in targets)], **data})
    results = out["results"]
    first = results[0]
    reply.add(
        f"On **{first['display_name']}**, {plural(out['requests'], 'request')} a {out['per']} "
        f"cost **{usd(first['per_day_usd'])} a day** and **{usd(first['per_month_usd'])} a "
        f"month** ({usd(first['per_request_usd'])} a request). Input is "
        f"{usd(base['per_period']['input_usd'])} of each {out['per']}'s bill and output "
        f"{usd(base['per_period']['output_usd'])}."
    )
    for row in results[1:]:
        saving = Decimal(row["saving_vs_first_per_month_usd"])
        verb = "save" if saving >= 0 else "cost an extra"
        amount_day = usd(abs(Decimal(row["saving_vs_first_per_day_usd"])))
        amount_month = usd(abs(saving))
        reply.add(
            f"**{row['display_name']}** would cost {usd(row['per_day_usd'])} a day and "
            f"{usd(row['per_month_usd'])} a month: it would {verb} **{amount_day} a day, "
            f"{amount_month} a month** ({pct(abs(Decimal(row['saving_vs_first_pct'])))})."
        )
    rows = []
    for i, row in enumerate(results):
        saving = (
            "-"
            if i == 0
            else (
                f"{usd(row['saving_vs_first_per_month_usd'])} ({pct(row['saving_vs_first_pct'])})"
            )
        )
        rows.append([row["display_name"], usd(row["per_request_usd"]), usd(row["per_day_usd"]),
                     usd(row["per_month_usd"]), saving])  # fmt: skip
    reply.add(
        table(
            ["Model", "Per request", "Per day", "Per month", "Saving per month"],
            rows,
            right=(1, 2, 3, 4),
        )
    )
    _band(reply, [out])
    reply.add(
        f"{_driver(scenario)} A cheaper model is only a saving if it passes your own quality "
        "tests on real inputs first."
    )
    _assume_shape(reply, scenario, out["prompt_tokens"])
    _prices(reply, [model, *targets])
    reply.assume("Real-time calls, no prompt caching" + (", batch." if scenario.batch else "."))
    reply.assume(*out["assumptions"][1:])
    reply.warnings_from([base, out])
    reply.next_step = (
        'change one thing and compare, e.g. "what if the answers were half as long?" or '
        '"what if we cached the system prompt?"'
    )
    return ctx.reply(reply.render())


def _before_after(
    ctx: Context, reply: Reply, model: Model, before: Scenario, after: Scenario
) -> TutorReply:
    a = ctx.calc.run("workload_cost", before.tool_input(model=model.id))
    b = ctx.calc.run("workload_cost", after.tool_input(model=model.id))
    change = join_words(after.changes)
    lead = f"With that change ({change})" if change else "With that change"
    reply.add(
        f"{lead}, {model.display_name} goes from **{usd(a['per_month_usd'])} to "
        f"{usd(b['per_month_usd'])} a month** ({usd(a['per_day_usd'])} to "
        f"{usd(b['per_day_usd'])} a day)."
    )
    rows = [
        ["Prompt tokens per request", tokens(a["prompt_tokens"]), tokens(b["prompt_tokens"])],
        ["Output tokens per request", tokens(a["output_tokens"]), tokens(b["output_tokens"])],
        ["Requests", f"{tokens(a['requests'])} a {a['per']}",
         f"{tokens(b['requests'])} a {b['per']}"],
        ["Per request", usd(a["per_request_usd"]), usd(b["per_request_usd"])],
        ["Per day", usd(a["per_day_usd"]), usd(b["per_day_usd"])],
        ["Per month", usd(a["per_month_usd"]), usd(b["per_month_usd"])],
        ["Per year", usd(a["per_year_usd"]), usd(b["per_year_usd"])],
    ]  # fmt: skip
    reply.add(table(["", "Before", "After"], rows, right=(1, 2)))
    pa, pb = a["per_period"], b["per_period"]
    moves = []
    for key, label in (("input_usd", "Input"), ("output_usd", "output")):
        if pa[key] == pb[key]:
            moves.append(f"{label} stays at {usd(pa[key])} a {a['per']}")
        else:
            moves.append(f"{label} goes from {usd(pa[key])} to {usd(pb[key])} a {a['per']}")
    text = "; ".join(moves)
    if after.cache_prefix:
        text += (
            f"; cache reads add {usd(pb['cache_read_usd'])} and cache writes "
            f"{usd(pb['cache_write_usd'])}"
        )
    text += "."
    if after.output != before.output and model.prices.output == model.prices.input * 5:
        text += (
            f" On {model.display_name} an output token costs five times an input token, so "
            "answer length moves the bill fast."
        )
    reply.add(text)
    reply.assume("Before is the scenario from your earlier message; only this change differs.")
    reply.assume(*after.notes)
    _assume_shape(reply, after, b["prompt_tokens"])
    _prices(reply, [model])
    reply.assume(*b["assumptions"])
    reply.warnings_from([a, b])
    reply.next_step = (
        "try another single change (double the system prompt, ten times the traffic) and see "
        "which moves the bill most."
    )
    return ctx.reply(reply.render())


def _batch(ctx: Context, reply: Reply, model: Model, scenario: Scenario) -> TutorReply:
    data = scenario.tool_input(model=model.id)
    data.pop("batch", None)
    out = ctx.calc.run("batch_savings", data)
    periods = asked_periods(ctx, default=("month",))
    reply.add(
        f"Sent through the Message Batches API, this workload on {out['display_name']} costs "
        f"{in_periods(out['batch_usd'], 'month', periods)} instead of "
        f"{in_periods(out['standard_usd'], 'month', periods, bold=False)} in real time: a saving "
        f"of {in_periods(out['saving_usd'], 'month', periods)} ({pct(out['saving_pct'])}, half "
        "the real-time price)."
    )
    standard = per_period(out["standard_usd"], "month")
    batched = per_period(out["batch_usd"], "month")
    rows = [
        [label, usd(standard[p]), usd(batched[p])]
        for p, label in (("day", "Per day"), ("month", "Per month (30 days)"))
    ]
    reply.add(table(["", "Real time", "Batch"], rows, right=(1, 2)))
    reply.add(
        "Batches suit work nobody waits for: results come back within 24 hours (most within "
        "one). A person waiting for an answer needs real-time calls."
    )
    _assume_shape(reply, scenario, None)
    _prices(reply, [model])
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = "compare the batch price with a cheaper model, or add prompt caching."
    return ctx.reply(reply.render())


def _history(ctx: Context, model: Model, facts: Facts, notes: list[str]) -> TutorReply:
    turns = ctx.conv.new.turns or facts.turns or 10
    turn_tokens = facts.parts.get("turn")
    reply = Reply()
    reply.assume(*notes)
    if not turn_tokens:
        user, output = facts.parts.get("user") or facts.parts.get("input"), _output(facts)
        if user and output is not None:
            turn_tokens = user + output
            reply.assume(
                f"A turn is the user message ({tokens(user)} tokens) and the answer "
                f"({tokens(output)} tokens), both replayed on later turns."
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
        f"**{tokens(out['cumulative_tokens'])} input tokens** in total: the last turn alone "
        f"sends {tokens(per_turn[-1])}, against {tokens(per_turn[0])} for the first."
    )
    shown = sorted({0, len(per_turn) // 2, len(per_turn) - 1})
    rows = [[str(i + 1), tokens(per_turn[i])] for i in shown]
    if out.get("window_per_turn"):
        rows = [[*r, tokens(out["window_per_turn"][int(r[0]) - 1])] for r in rows]
        headers = ["Turn", "Full replay", f"Window of {facts.window}"]
    else:
        headers = ["Turn", "Input tokens"]
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
    reply.assume(f"Each turn adds {tokens(out['turn_tokens'])} tokens.")
    if system:
        reply.assume(
            f"The {tokens(out['system_tokens'])}-token fixed prefix (system prompt, tools, "
            "examples, documents) is sent on every turn."
        )
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = (
        'keep only the last few turns with a summary ("keep the last 4 turns with a 300-token '
        'summary") and compare the totals.'
    )
    return ctx.reply(reply.render())
