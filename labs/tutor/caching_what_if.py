"""Caching what-ifs keep their baseline: a follow-up that changes the model, the prefix or the
traffic is priced against the scenario of the earlier turns, before and after side by side, and
a change that raises the cost (a prefix trimmed below the minimum stops caching) is said to
cost more, never offered as a saving."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labs.calculator.errors import UnknownModel

from .caching_traffic import traffic_fields
from .common import Context, replace_retired
from .reading import PART_ORDER, Facts, order_models
from .writing import Reply, table, tokens, usd

STATIC = ("tools", "system", "examples", "documents")


def stable_parts(parts: dict[str, int], varying: list[str]) -> dict[str, int]:
    """The parts a cache entry can cover: the static parts before the first one that changes on
    every request (the cache matches a prefix exactly, so nothing after a change can hit)."""
    out = dict(parts)
    cut = False
    for part in STATIC:
        cut = cut or part in varying
        if cut:
            out[part] = 0
    return out


def prefix_of(facts: Facts) -> int:
    """The cacheable prefix of `facts`; a generic prompt size stands for a stable prefix."""
    parts = {p: facts.parts[p] for p in PART_ORDER if facts.parts.get(p)}
    if facts.parts.get("input") and not any(parts.get(p) for p in STATIC):
        parts["system"] = facts.parts["input"]
    cached = stable_parts(parts, [*facts.varying, *facts.uncached])
    return sum(cached.get(p, 0) for p in STATIC)


def baseline(ctx: Context) -> dict[str, Any] | None:
    """The caching_plan input of the earlier turns' scenario, when they held a complete one and
    this message changes it."""
    base, new = ctx.conv.base, ctx.conv.new
    if not ctx.conv.user_turns or base.requests is None or not prefix_of(base):
        return None
    if not (new.has_numbers or new.models or new.varying or new.cache_moves):
        return None
    known = order_models(base.models)
    try:
        model = known[0].model if known else ctx.table.latest("sonnet")
    except UnknownModel:
        return None
    if model is None:
        return None
    model = replace_retired([model], ctx.table)[0][0]
    return {
        "model": model.id,
        "prefix_tokens": prefix_of(base),
        "requests": base.requests,
        "per": base.per,
        **traffic_fields(base),
    }


def before_after(
    ctx: Context, reply: Reply, before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any] | None:
    """The before and after rows; `after` is the new scenario's caching_plan answer. Returns
    the before answer, or None when nothing the plan prices changed."""
    same = (
        before["model"] == after["model"]
        and before["prefix_tokens"] == after["prefix_tokens"]
        and before["requests"] == after["requests"]
        and before["per"] == after["per"]
    )
    if same:
        return None
    old = ctx.calc.run("caching_plan", {**before, "ttl": after["ttl"]})
    per = after["per"]

    def row(label: str, out: dict[str, Any]) -> list[str]:
        saving = usd(out["saving_usd"]) if out["eligible"] else "$0.00 (not cacheable)"
        return [label, out["display_name"], tokens(out["prefix_tokens"]),
                usd(out["without_cache_usd"]), usd(out["with_cache_usd"]), saving]  # fmt: skip

    dearer = Decimal(after["with_cache_usd"]) > Decimal(old["with_cache_usd"])
    if dearer:
        why = (
            f" The new prefix is below {after['display_name']}'s minimum of "
            f"{tokens(after['min_cacheable_tokens'])} tokens, so it is no longer cached at all."
            if not after["eligible"] and old["eligible"]
            else ""
        )
        lead = (
            f"**That change costs more, not less:** with caching the prefix goes from "
            f"**{usd(old['with_cache_usd'])} to {usd(after['with_cache_usd'])} a {per}**.{why}"
        )
    else:
        lead = (
            f"**Before and after:** the saving goes from {usd(old['saving_usd'])} to "
            f"**{usd(after['saving_usd'])} a {per}**, and the prefix with caching from "
            f"{usd(old['with_cache_usd'])} to {usd(after['with_cache_usd'])} a {per}."
        )
    reply.add(lead)
    reply.add(
        table(
            ["", "Model", "Prefix", "Without caching", "With caching", "Saving"],
            [row("Before", old), row("After", after)],
            right=(2, 3, 4, 5),
        )
    )
    reply.assume(
        "Before is the scenario of your earlier message, priced with the same TTL and traffic; "
        "only what this message changes differs."
    )
    return old


def batch_prefix(ctx: Context, reply: Reply, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Batch work: the prefix through the Batches API (half price), without caching and with the
    1-hour cache, which the docs advise because a batch can run past 5 minutes. caching_plan
    prices real time only, so these come from workload_cost with the batch flag."""
    shape = {
        "model": plan["model"],
        "requests": plan["requests"],
        "per": plan["per"],
        "system_tokens": plan["prefix_tokens"],
        "output_tokens": 0,
        "batch": True,
    }
    plain = ctx.calc.run("workload_cost", shape)
    outs = [plain]
    text = (
        f"**Through the Batches API** the prefix is billed at half price: "
        f"**{usd(plain['per_day_usd'])} a day** without caching."
    )
    if plan["eligible"]:
        cached = ctx.calc.run(
            "workload_cost",
            {
                **shape,
                "cache_prefix_tokens": plan["prefix_tokens"],
                "ttl": "1h",
                "traffic": "steady",
            },
        )
        outs.append(cached)
        text += (
            f" Caching stacks with the batch discount: with the 1-hour TTL it is "
            f"{usd(cached['per_day_usd'])} a day, if every request after the first hits. Batch "
            "requests run in parallel, so hits inside one batch are not guaranteed; send one "
            "request first to write the entry."
        )
    reply.add(text)
    return outs
