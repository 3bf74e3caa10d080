"""Totals the cost estimator prices apart from a daily workload: a counted job run once ("a
one-off backfill of 1.2M tickets") and tokens counted over a period ("~40M output tokens/day").
A spend cap in the message is compared by `checklist`, after every lab's reply."""

from __future__ import annotations

from labs.calculator.pricing import Model

from ..common import Context
from ..types import TutorReply
from ..writing import Reply, plural, tokens, usd
from .scenario import Scenario

# The token totals are priced as this many requests a month of equal size: the same total,
# each request far below any size band (a band is per request, never per month).
_SPREAD = 1_000_000
_MONTH_DAYS = {"day": 30, "month": 1}


def one_job(ctx: Context, reply: Reply, model: Model, scenario: Scenario) -> TutorReply:
    """A counted job run once ("a one-off backfill of 1.2M tickets"): its total in real time
    and through the Batches API, never a per-day or per-month bill."""
    from .replies import _assume_shape, _band, _prices  # replies imports this module

    data = scenario.tool_input(model=model.id)
    now = ctx.calc.run("workload_cost", data | {"batch": False})
    batched = ctx.calc.run("workload_cost", data | {"batch": True})
    reply.add(
        f"On **{now['display_name']}**, the job of {plural(now['requests'], 'request')} costs "
        f"**{usd(now['per_day_usd'])} once** in real time ({usd(now['per_request_usd'])} a "
        f"request), or **{usd(batched['per_day_usd'])} through the Message Batches API** (half "
        "price on every token, results within 24 hours)."
    )
    _band(reply, [now], ctx.table)
    _assume_shape(reply, scenario, now["prompt_tokens"])
    _prices(reply, [model])
    reply.warnings_from([now, batched])
    reply.next_step = (
        "compare the job on a cheaper model, or add prompt caching for a shared prefix."
    )
    return ctx.reply(reply.render())


def token_totals(
    ctx: Context, reply: Reply, model: Model, targets: list[Model]
) -> TutorReply | None:
    """ "We burn ~40M output tokens/day and 2B input tok a month": the month's bill for those
    totals (on each model named), or None when the totals cannot be priced as they stand: a
    total per hour, week or year, or requests big enough to cross a size band."""
    facts = ctx.conv.new
    monthly = {"input": 0, "output": 0}
    said = []
    for n in facts.token_totals:
        days = _MONTH_DAYS.get(n.per or "")
        if days is None:
            return None
        part = "output" if n.part in ("output", "thinking") else "input"
        monthly[part] += n.whole * days
        if days != 1:
            said.append(
                f"{tokens(n.whole)} {part} tokens a day read as {tokens(n.whole * days)} a "
                "month (30 days)."
            )
    # "(prompts are ~3k tok each)": one request's size only says whether a band applies.
    sizes = [n for n in facts.numbers if n.kind == "tokens"]
    edges = [b.above_prompt_tokens for m in [model, *targets] for b in m.bands]
    if any(n.whole > min(edges) for n in sizes) if edges else False:
        return None
    data = {
        "requests": _SPREAD,
        "per": "month",
        "user_tokens": round(monthly["input"] / _SPREAD),
        "output_tokens": round(monthly["output"] / _SPREAD),
    }
    if targets:
        out = ctx.calc.run(
            "compare_models", {"models": [model.id, *(m.id for m in targets)]} | data
        )
        rows = out["results"]
    else:
        rows = [ctx.calc.run("workload_cost", {"model": model.id} | data)]
        out = rows[0]
    first = rows[0]
    reply.add(
        f"{tokens(monthly['input'])} input and {tokens(monthly['output'])} output tokens a month "
        f"cost **{usd(first['per_month_usd'])} a month** on **{first['display_name']}** "
        f"({usd(first['per_day_usd'])} a day)."
    )
    for row in rows[1:]:
        reply.add(
            f"On **{row['display_name']}** the same tokens cost **{usd(row['per_month_usd'])} a "
            f"month**, a saving of **{usd(row['saving_vs_first_per_month_usd'])} a month** "
            f"({row['saving_vs_first_pct']}%). Check the cheaper model on your own test set first: "
            "its tokenizer may count the same text as more tokens."
        )
    reply.assume(*said)
    for n in sizes:
        reply.assume(
            f"The {tokens(n.whole)} tokens per request are below any long-prompt band, so every "
            "token is priced at the base rates."
        )
    exact = all(v % _SPREAD == 0 for v in monthly.values())
    reply.assume(
        f"Totals priced as {tokens(_SPREAD)} requests a month of equal size"
        + ("" if exact else ", rounded to whole tokens per request")
        + ": uncached real-time input. Cached or batched tokens are billed at their own rates; "
        "tell me the split to price it."
    )
    reply.warnings_from([out])
    reply.next_step = "give one request's size and the requests a day, and I will break it down."
    return ctx.reply(reply.render())
