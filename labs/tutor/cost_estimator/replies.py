"""The cost estimator's priced replies: one call, a workload, models compared, before and after
a change, and real time against batch."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from ..common import (
    Context,
)
from ..reading import PART_LABELS, PART_ORDER, Modifier
from ..types import TutorReply
from ..writing import (
    Reply,
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
from .scenario import Scenario, _apply


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
    _band(reply, outputs, ctx.table)
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
    facts = ctx.conv.merged
    if facts.burst_minutes and facts.volume_assumed_per:
        # "10 questions in a row": a burst is a count without a period, priced as it is.
        reply.add(
            f"On **{out['display_name']}**, one burst of {plural(out['requests'], 'request')} "
            f"costs **{usd(out['per_day_usd'])}** ({usd(out['per_request_usd'])} a request)."
        )
    each = ""
    if _PER_REQUEST_ASKED.search(ctx.conv.new.text):
        each = f" ({usd(out['per_request_usd'])} a request)"
    reply.add(
        f"On **{out['display_name']}**, {plural(out['requests'], 'request')} a {out['per']} cost "
        f"{in_periods(out['per_day_usd'], 'day', periods)}{each}."
    )
    if _PER_NIGHT_ASKED.search(ctx.conv.new.text) and "day" in periods:
        reply.add(f"A night's run is one day's volume: **{usd(out['per_day_usd'])} a night**.")
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
    _band(reply, [out], ctx.table)
    if _PARTS_ASKED.search(ctx.conv.new.text):
        _part_costs(ctx, reply, model, scenario)
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


# "what does one of those msgs cost", "per call?", "$ each request": the price of one request.
_PER_REQUEST_ASKED = re.compile(
    r"\bone\s+of\s+(?:those|these|them)\b|\b(?:per|each|a\s+single|one)\s+(?:request|req|call|"
    r"msg|message|query|run\s+of\s+it)\b(?!\s*(?:,|\band\b)?\s*\d)|\$\s*/\s*(?:request|req|call|msg)\b",
    re.I,
)
# "cost per night / per month": a nightly job's day is its night.
_PER_NIGHT_ASKED = re.compile(r"\b(?:per|a|each|every)\s+night\b|/\s*night\b", re.I)


# "the tool defs alone", "which part costs the most", "a breakdown": the cost of each part.
_PARTS_ASKED = re.compile(
    r"\balone\b|\bby\s+(?:itself|themselves)\b|\bwhich\s+part|\b(?:costs?|is)\s+the\s+most\b|"
    r"\bbiggest\b|\blargest\b|\bbreak\s*down\b|\bbreakdown\b|\b(?:by|each|per)\s+part\b|"
    r"\bwhat\s+drives\b|\bdominat",
    re.I,
)


def _part_costs(ctx: Context, reply: Reply, model: Model, scenario: Scenario) -> list[Any]:
    """Each prompt part and the output priced on its own at the same volume, largest first."""
    outs = []
    for part in PART_ORDER:
        if scenario.parts.get(part):
            only = Scenario({part: scenario.parts[part]}, 0, scenario.requests, scenario.per)
            only.batch = scenario.batch
            outs.append(
                (PART_LABELS[part], ctx.calc.run("workload_cost", only.tool_input(model=model.id)))
            )
    output = Scenario({}, scenario.output, scenario.requests, scenario.per)
    output.batch = scenario.batch
    outs.append(("output", ctx.calc.run("workload_cost", output.tool_input(model=model.id))))
    outs.sort(key=lambda o: Decimal(o[1]["per_day_usd"]), reverse=True)
    rows = [[label, tokens(o["prompt_tokens"] or o["output_tokens"]), usd(o["per_day_usd"]),
             usd(o["per_month_usd"])] for label, o in outs]  # fmt: skip
    top_label, top = outs[0]
    reply.add(
        f"**By part** (each sent on every request), the most expensive is the {top_label}: "
        f"**{usd(top['per_day_usd'])} a day** and **{usd(top['per_month_usd'])} a month**."
    )
    reply.add(table(["Part", "Tokens per request", "Per day", "Per month"], rows, right=(1, 2, 3)))
    return [o for _, o in outs]


def _alternatives(
    ctx: Context, reply: Reply, model: Model, scenario: Scenario, modifiers: list[Modifier]
) -> TutorReply:
    """The scenario and each change of the same message priced one at a time, so the changes
    can be compared against one baseline."""
    base = ctx.calc.run("workload_cost", scenario.tool_input(model=model.id))
    rows = [["As described", usd(base["per_day_usd"]), usd(base["per_month_usd"])]]
    changed = []
    for mod in modifiers:
        s = Scenario(dict(scenario.parts), scenario.output, scenario.requests, scenario.per)
        s.batch = scenario.batch
        _apply(s, mod)
        if not s.changes:
            continue
        out = ctx.calc.run("workload_cost", s.tool_input(model=model.id))
        changed.append((s.changes[0], out))
        rows.append([s.changes[0], usd(out["per_day_usd"]), usd(out["per_month_usd"])])
    if not changed:
        return _workload(ctx, reply, model, scenario)
    reply.add(
        f"On **{base['display_name']}**, the workload as described costs "
        f"**{usd(base['per_day_usd'])} a day** ({usd(base['per_month_usd'])} a month)."
    )
    for label, out in changed:
        reply.add(
            f"With {label}: **{usd(out['per_day_usd'])} a day** "
            f"({usd(out['per_month_usd'])} a month)."
        )
    reply.add(table(["Scenario", "Per day", "Per month (30 days)"], rows, right=(1, 2)))
    if len(changed) > 1:
        top_label, _ = max(changed, key=lambda c: Decimal(c[1]["per_day_usd"]))
        reply.add(f"Of these changes, {top_label} moves the bill the most.")
    _assume_shape(reply, scenario, base["prompt_tokens"])
    _prices(reply, [model])
    reply.assume("Each change is priced on its own against the workload as described.")
    reply.assume(*base["assumptions"])
    reply.warnings_from([base, *(o for _, o in changed)])
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


def _band(reply: Reply, outputs: list[dict[str, Any]], prices: Any = None) -> None:
    for out in outputs:
        rows = out.get("results") or [out]
        for row in rows:
            if row.get("band") and row["band"] != "standard":
                reply.add(
                    f"Note: on {row['display_name']} these requests are billed at the band "
                    f"{row['band']}, on every token including the output."
                    + _band_prices(prices, row.get("model"))
                )


def _band_prices(prices: Any, model_id: str | None) -> str:
    """The band's own prices after the note, when the price table is given."""
    model = next((m for m in getattr(prices, "models", []) if m.id == model_id), None)
    if model is None or not model.bands:
        return ""
    edge = model.bands[0]
    return (
        f" That band's prices are {price(edge.prices.input)} input and "
        f"{price(edge.prices.output)} output per million tokens, not the base "
        f"{price(model.prices.input)} and {price(model.prices.output)}."
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
        "tests on real inputs first. Token counts can differ too: a model with a newer tokenizer "
        "may turn the same text into more tokens, so count your real prompts on each model "
        "before you trust the figures."
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


_PERIOD_KEYS = {
    "Per request": "per_request_usd",
    "Per day": "per_day_usd",
    "Per month": "per_month_usd",
    "Per year": "per_year_usd",
}


def _signed(value: Decimal) -> str:
    """A difference with its sign: "+$60.00" costs more, "-$12.00" saves."""
    if value > 0:
        return f"+{usd(value)}"
    if value < 0:
        return f"-{usd(-value)}"
    return usd(value)


def _before_after(
    ctx: Context, reply: Reply, model: Model, before: Scenario, after: Scenario
) -> TutorReply:
    a = ctx.calc.run("workload_cost", before.tool_input(model=model.id))
    b = ctx.calc.run("workload_cost", after.tool_input(model=model.id))
    # The change itself, signed (after minus before, as the calculator's workload_change has
    # it), so a follow-up states what the change adds or saves, not only the two totals.
    diff = {k: Decimal(b[k]) - Decimal(a[k]) for k in _PERIOD_KEYS.values()}
    change = join_words(after.changes)
    lead = f"With that change ({change})" if change else "With that change"
    moved = ""
    if diff["per_month_usd"]:
        word = "more" if diff["per_month_usd"] > 0 else "less"
        moved = (
            f": {usd(abs(diff['per_day_usd']))} a day {word}, "
            f"{usd(abs(diff['per_month_usd']))} a month {word}"
        )
    reply.add(
        f"{lead}, {model.display_name} goes from **{usd(a['per_month_usd'])} to "
        f"{usd(b['per_month_usd'])} a month** ({usd(a['per_day_usd'])} to "
        f"{usd(b['per_day_usd'])} a day){moved}."
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
    for row in rows:
        key = _PERIOD_KEYS.get(row[0])
        row.append(_signed(diff[key]) if key else "")
    reply.add(table(["", "Before", "After", "Difference"], rows, right=(1, 2, 3)))
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
