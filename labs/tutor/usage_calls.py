"""Calls priced from a pasted `usage` object (cost estimator and caching strategist).

Each field is priced at its own rate with `estimate_cost`: `input_tokens` excludes the cached
tokens, so adding them into one input figure would bill reads and writes at the full price. A
volume given with the object ("~8k of these a day") scales the call with `workload_cost`; a
count with no period ("for 5,000 calls") is a total, not a daily rate."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from .common import Context, follow_up
from .reading.usage import Usage
from .types import TutorReply
from .writing import Reply, cache_prices, join_words, plural, table, tokens, usd

LESSON = "/modules/cost-optimization/lessons/prompt-caching/"
_MAX_CALLS = 6
_TIERS = {"batch": True, "standard": False}


def prices_usage(ctx: Context) -> bool:
    """The message pastes a usage object, or scales the one pasted before ("and for 5,000
    calls?") without describing a new workload."""
    new = ctx.conv.new
    if new.usages:
        return True
    return bool(ctx.conv.base.usages) and not new.prompt_parts() and new.output is None


Advice = Callable[[Context, Reply, list[Usage], list[dict[str, Any]]], None]


def usage_reply(
    ctx: Context, model: Model, notes: list[str], advice: Advice | None = None
) -> TutorReply:
    """What the pasted call(s) cost, what the cache fields say, and the volume if given;
    `advice` adds a lab's own reading of the priced calls before the assumptions."""
    usages = ctx.conv.merged.usages[:_MAX_CALLS]
    if any(u.output is None for u in usages):
        return follow_up(
            ctx,
            ["output"],
            f"the usage object on {model.display_name}",
            "The usage has no `output_tokens`, and output is the dearest part of a call.",
        )
    reply = Reply()
    reply.assume(*notes)
    outs = [_price(ctx, model, u) for u in usages]
    if len(usages) == 1:
        _one(reply, usages[0], outs[0])
    else:
        _several(reply, usages, outs)
    if any(u.streamed for u in usages):
        reply.add(
            "**Stream usage is cumulative:** `message_delta` repeats the call's usage as a "
            "running total, so keep the last value of each field (overwrite, never add). Adding "
            "the events counts the input twice; `message_start`'s `output_tokens` of 1 is only "
            "a placeholder for the final count."
        )
        others = _other_counts(ctx)
        if others:
            reply.add(
                f"I did not price the other counts you gave ({join_words(others)}): the call's "
                "own counts are the last values above, and a sum of the events is larger than "
                "what was billed."
            )
    _cache_reading(ctx, reply, model, usages)
    facts = ctx.conv.merged
    if facts.requests is not None and len(usages) == 1:
        _scaled(ctx, reply, model, usages[0], facts.requests, facts.per or "day")
    elif _quoted_amounts(ctx):
        reply.caveat(
            "I did not compare the amount you quoted with this call: it needs your volume first."
        )
    if advice is not None:
        advice(ctx, reply, usages, outs)
    reply.assume(
        "`input_tokens` excludes cached tokens: the prompt is `input_tokens` + "
        "`cache_creation_input_tokens` + `cache_read_input_tokens`, each priced at its own rate."
    )
    reply.assume(cache_prices(model) + ".")
    tier = usages[0].service_tier
    if tier and tier not in _TIERS:
        reply.caveat(
            f'`service_tier` is "{tier}": the course price table has standard and batch prices '
            "only, so this is the standard price."
        )
    reply.warnings_from(outs)
    if facts.requests is None:
        reply.next_step = (
            'say how many such calls you make ("8,000 of these a day") and I will price the day '
            "and the month."
        )
    return ctx.reply(reply.render())


def exact(value: str) -> str:
    """A one-call amount as the calculator gave it, without trailing zeros ("$0.05436"): a
    call costs fractions of a cent, and rounding it to the cent would hide the answer."""
    amount = Decimal(value)
    if amount >= 1 or amount == 0:
        return usd(value)
    text = f"{amount.normalize():f}"
    return "$" + (text if len(text.split(".")[1]) >= 2 else f"{amount:.2f}")


def _price(ctx: Context, model: Model, usage: Usage) -> dict[str, Any]:
    write_5m, write_1h = usage.writes
    data: dict[str, Any] = {
        "model": model.id,
        "input_tokens": usage.input,
        "output_tokens": usage.output,
    }
    if write_5m:
        data["cache_write_5m_tokens"] = write_5m
    if write_1h:
        data["cache_write_1h_tokens"] = write_1h
    if usage.cache_read:
        data["cache_read_tokens"] = usage.cache_read
    if _TIERS.get(usage.service_tier or ""):
        data["batch"] = True
    return ctx.calc.run("estimate_cost", data)


def _rows(out: dict[str, Any]) -> list[list[str]]:
    rows = [["input_tokens (uncached)", tokens(out["input_tokens"]), exact(out["input_usd"])]]
    if out["cache_write_5m_tokens"]:
        rows.append(["cache write, 5-minute", tokens(out["cache_write_5m_tokens"]),
                     exact(out["cache_write_5m_usd"])])  # fmt: skip
    if out["cache_write_1h_tokens"]:
        rows.append(["cache write, 1-hour", tokens(out["cache_write_1h_tokens"]),
                     exact(out["cache_write_1h_usd"])])  # fmt: skip
    if out["cache_read_tokens"]:
        rows.append(["cache read", tokens(out["cache_read_tokens"]), exact(out["cache_read_usd"])])
    rows.append(["output_tokens", tokens(out["output_tokens"]), exact(out["output_usd"])])
    rows.append(["**Total**", tokens(out["prompt_tokens"] + out["output_tokens"]),
                 f"**{exact(out['total_usd'])}**"])  # fmt: skip
    return rows


def _one(reply: Reply, usage: Usage, out: dict[str, Any]) -> None:
    reply.add(
        f"This call cost **{exact(out['total_usd'])}** on {out['display_name']}. Its prompt was "
        f"**{tokens(out['prompt_tokens'])} tokens** ({_prompt_sum(usage)}) and it returned "
        f"{tokens(out['output_tokens'])} output tokens."
    )
    reply.add(table(["Field", "Tokens", "Cost"], _rows(out), right=(1, 2)))
    if out["band"] != "standard":
        reply.add(
            f"The prompt passes the model's long-context threshold, so the whole call is billed "
            f"at the higher band ({out['band']}), every token including the output: that is why "
            "it costs far more than your usual calls. Keeping prompts under the 100,000-token "
            "threshold keeps the standard rate."
        )
    if out["batch"] and usage.batch_result:
        reply.add(
            "This is a line of a Message Batches results file (`custom_id`, `result`), so it is "
            "billed at the Batches API's half price."
        )
    elif out["batch"]:
        reply.add("`service_tier` says batch, so it is billed at the Batches API's half price.")


def _prompt_sum(usage: Usage) -> str:
    pieces = [f"{tokens(usage.input)} uncached input"]
    if usage.cache_write:
        pieces.append(f"{tokens(usage.cache_write)} written to the cache")
    if usage.cache_read:
        pieces.append(f"{tokens(usage.cache_read)} read from the cache")
    if len(pieces) == 1:
        return "all of it uncached input; nothing was read from or written to the cache"
    return "the sum of " + join_words(pieces)


def _several(reply: Reply, usages: list[Usage], outs: list[dict[str, Any]]) -> None:
    rows = []
    for i, (usage, out) in enumerate(zip(usages, outs, strict=True), start=1):
        rows.append([str(i), tokens(usage.input), tokens(usage.cache_write),
                     tokens(usage.cache_read), tokens(out["output_tokens"]),
                     exact(out["total_usd"])])  # fmt: skip
    reply.add(
        f"You pasted {len(usages)} calls; each is priced from its own usage on "
        f"{outs[0]['display_name']}:"
    )
    reply.add(
        table(
            ["Call", "input_tokens", "cache writes", "cache reads", "output", "Cost"],
            rows,
            right=(1, 2, 3, 4, 5),
        )
    )


def _cache_reading(ctx: Context, reply: Reply, model: Model, usages: list[Usage]) -> None:
    """What the cache fields say: a hit, a write, a write on every call, or nothing cached."""
    if all(u.cache_write and not u.cache_read for u in usages) and len(usages) > 1:
        write = usages[0].cache_write
        reply.add(
            f"**Every call wrote the cache and none read it.** Calls a few seconds apart have "
            "not expired, so the cached prefix is not identical from one call to the next: the "
            "cache matches the prefix exactly, and a timestamp or request id near the top, "
            "tools serialized in a different key order, or documents in a different order each "
            "make a new entry. Calls sent in parallel also miss, because the entry only exists "
            "once the first response has started. Find what changes, move it after the last "
            f"breakpoint, and send one call before the rest. More in [Prompt caching]({LESSON})."
        )
        hit = ctx.calc.run(
            "estimate_cost",
            {"model": model.id, "input_tokens": 0, "output_tokens": 0, "cache_read_tokens": write},
        )
        wrote = ctx.calc.run(
            "estimate_cost",
            {
                "model": model.id,
                "input_tokens": 0,
                "output_tokens": 0,
                "cache_write_5m_tokens": write,
            },
        )
        reply.add(
            f"Each of those writes costs {exact(wrote['total_usd'])} for the {tokens(write)} "
            f"cached tokens, where a read would cost {exact(hit['total_usd'])}."
        )
        _as_hits(ctx, reply, model, usages[-1])
        return
    usage = usages[-1]
    if usage.cache_read:
        reply.add(
            f"**A cache hit:** {tokens(usage.cache_read)} tokens were read from the cache at the "
            "read price. `input_tokens` does not include them: it counts only the tokens after "
            "the last breakpoint."
        )
    elif usage.cache_write:
        _, write_1h = usage.writes
        ttl = "1-hour" if write_1h else "5-minute"
        reply.add(
            f"**A cache write:** {tokens(usage.cache_write)} tokens were written to the {ttl} "
            "cache (the first call with this prefix, or a miss after the entry expired). The "
            "next call with the same prefix inside the TTL reads them at the read price."
        )
    elif ctx.engine == "caching-strategist" or _mentions_cache(ctx.message):
        out = ctx.calc.run("list_models", {})
        row = next(r for r in out["models"] if r["id"] == model.id)
        minimum = row["min_cacheable_tokens"]
        prompt = usage.prompt_tokens
        if minimum is not None and prompt < minimum:
            reply.add(
                f"**Nothing was cached**, and that is what a prefix below the minimum does: the "
                f"whole prompt is {tokens(prompt)} tokens, below {row['display_name']}'s minimum "
                f"cacheable length of {tokens(minimum)} tokens, so the API sends it at the full "
                "input price with no error and both cache counters at 0. Grow the stable prefix "
                "past the minimum (merge shared documents or examples into it) or use a model "
                f"with a lower minimum. More in [Prompt caching]({LESSON})."
            )
        else:
            reply.add(
                "**Nothing was cached:** both cache counters are 0. Either the request has no "
                "`cache_control` breakpoint, or the prefix before it is shorter than the model's "
                f"minimum cacheable length. More in [Prompt caching]({LESSON})."
            )


def _as_hits(ctx: Context, reply: Reply, model: Model, usage: Usage) -> None:
    """The same call had its prefix been read instead of written, and at the learner's volume
    what writing every time costs against proper hits."""

    def call(*, hit: bool) -> dict[str, Any]:
        written = "cache_write_1h_tokens" if usage.writes[1] else "cache_write_5m_tokens"
        cached = "cache_read_tokens" if hit else written
        return ctx.calc.run(
            "estimate_cost",
            {
                "model": model.id,
                "input_tokens": usage.input,
                "output_tokens": usage.output or 0,
                cached: usage.cache_write,
            },
        )

    as_written, as_hit = call(hit=False), call(hit=True)
    reply.add(
        f"The whole call costs {exact(as_written['total_usd'])} as it is and would cost "
        f"**{exact(as_hit['total_usd'])} as a hit** (same input and output, the "
        f"{tokens(usage.cache_write)} prefix tokens read instead of written)."
    )
    facts = ctx.conv.merged
    if facts.requests is None or facts.volume_assumed_per:
        return
    per = facts.per or "day"
    # The calculator's exact per-call costs times the count (a day's tokens exceed the
    # per-call bounds of estimate_cost, so the day is not one call).
    written = Decimal(as_written["total_usd"]) * facts.requests
    hits = Decimal(as_hit["total_usd"]) * facts.requests
    reply.add(
        f"At {plural(facts.requests, 'call')} a {per}, writing every time costs "
        f"{usd(written)} a {per} against {usd(hits)} with proper hits: the misses cost "
        f"**{usd(written - hits)} more a {per}**."
    )
    reply.assume(
        f"With proper hits every call reads the prefix; the one write that starts each {per} is "
        "left out (it adds a fraction of a cent)."
    )
    if facts.volume_note:
        reply.assume(facts.volume_note)


def _mentions_cache(text: str) -> bool:
    """The learner's own words talk about caching (the usage field names do not count)."""
    return re.search(r"cach(?!e_(?:creation|read))", text, re.I) is not None


def _scaled(
    ctx: Context, reply: Reply, model: Model, usage: Usage, requests: int, per: str
) -> None:
    """The call repeated at the learner's volume; a count without a period is a total."""
    total = ctx.conv.merged.volume_assumed_per
    cached = usage.cache_write + usage.cache_read
    data: dict[str, Any] = {
        "model": model.id,
        "requests": requests,
        "per": per,
        "user_tokens": usage.input,
        "output_tokens": usage.output,
    }
    if cached:
        _, write_1h = usage.writes
        data |= {
            "system_tokens": cached,
            "cache_prefix_tokens": cached,
            "ttl": "1h" if write_1h else "5m",
            "traffic": "steady",
        }
    if _TIERS.get(usage.service_tier or ""):
        data["batch"] = True
    out = ctx.calc.run("workload_cost", data)
    calls = plural(requests, "such call", "such calls")
    if total:
        reply.add(f"**{calls.capitalize()} cost {usd(out['per_day_usd'])}** in all.")
        reply.assume(
            f"{tokens(requests)} calls is a count, not a rate: I priced them as a total, not "
            "per day."
        )
    else:
        reply.add(
            f"At {calls} a {per}, that is **{usd(out['per_day_usd'])} a day** and "
            f"**{usd(out['per_month_usd'])} a month** (30 days), "
            f"{usd(out['per_year_usd'])} a year."
        )
        if ctx.conv.merged.volume_note:
            reply.assume(ctx.conv.merged.volume_note)
    if cached:
        reply.assume(
            f"At that volume the {tokens(cached)} cached tokens are written once and read by "
            "every later call (steady traffic)."
        )
    if data.get("batch") and not total:
        standard = ctx.calc.run("workload_cost", {**data, "batch": False})
        reply.add(
            f"Those are batch prices, half the standard ones: the same calls at standard prices "
            f"would be {usd(standard['per_day_usd'])} a day and "
            f"{usd(standard['per_month_usd'])} a month."
        )
        _compare_quoted(ctx, reply, out, standard)
    elif _quoted_amounts(ctx) and not total:
        _compare_quoted(ctx, reply, out, None)


def _other_counts(ctx: Context) -> list[str]:
    """Token counts in the message that are not fields of the pasted usage, as written."""
    return [
        n.raw.strip()
        for n in ctx.conv.new.numbers
        if n.part != "usage" and n.kind in ("tokens", "bare", "count") and not n.wordy
    ]


def _quoted_amounts(ctx: Context) -> list[Decimal]:
    """Dollar amounts the learner quoted ("our dashboard says $24.3k/mo"), as written."""
    return [n.value for n in ctx.conv.new.numbers if n.kind == "money"]


def _compare_quoted(
    ctx: Context, reply: Reply, out: dict[str, Any], standard: dict[str, Any] | None
) -> None:
    """Say which of the priced figures an amount the learner quoted matches, or that none does:
    a dashboard that prices batch calls at standard rates shows exactly the standard figure."""
    for amount in _quoted_amounts(ctx):
        said = usd(str(amount))
        for name, priced in (("batch", out), ("standard", standard)):
            if priced is None:
                continue
            for period in ("day", "month"):
                figure = Decimal(priced[f"per_{period}_usd"])
                if figure and abs(amount - figure) <= figure * Decimal("0.02"):
                    if name == "standard":
                        reply.add(
                            f"Your {said} matches these calls **at standard prices** a {period}: "
                            'whatever produced it ignores `service_tier: "batch"` and '
                            "charges batch calls at full price, so it overstates the bill by "
                            "half."
                        )
                    else:
                        reply.add(f"Your {said} matches the cost a {period} I worked out.")
                    break
            else:
                continue
            break
        else:
            reply.add(
                f"Your {said} matches none of these figures: check which calls and which period "
                "it covers."
            )
