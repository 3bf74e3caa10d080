"""Where the breakpoint sits, as the learner built it: stable parts sent after it ("then 3k of
few-shot examples (not cached)") are paid in full on every request, and a what-if that moves
them into the cached prefix is priced on the whole prompt with `workload_change`, so the reply
states the signed difference instead of comparing two prefixes of different sizes."""

from __future__ import annotations

from typing import Any

from .caching_what_if import STATIC, baseline, before_after, prefix_of
from .common import Context
from .reading import PART_LABELS, PART_ORDER, Facts
from .writing import Reply, join_words, tokens, usd


def uncached_text(parts: dict[str, int], facts: Facts) -> str:
    """The stable parts the learner sends after the breakpoint, and what to do about them."""
    after = [p for p in STATIC if parts.get(p) and p in facts.uncached and p not in facts.varying]
    if not after:
        return ""
    names = join_words([f"{tokens(parts[p])} tokens of {PART_LABELS[p]}" for p in after])
    return (
        f"As you describe it, the {names} come after the breakpoint, so they are paid at the "
        "full input price on every request. They are the same on every request: put the "
        'breakpoint after them and they are read from the cache too (ask "what if we move '
        'them into the cached part?"). The costs below count the prefix as built.'
    )


def _workload(plan: dict[str, Any], parts: dict[str, int]) -> dict[str, Any] | None:
    """The whole stable prompt as a workload_cost input, with the plan's traffic."""
    traffic = plan["traffic"]
    if traffic == "interval":
        if plan["writes"] > 1:
            return None  # workload_cost has no schedule on which every call writes
        traffic = "steady"
    shape: dict[str, Any] = {
        "model": plan["model"],
        "requests": plan["requests"],
        "per": plan["per"],
        "output_tokens": 0,
        "cache_prefix_tokens": plan["prefix_tokens"],
        "ttl": plan["ttl"],
        "traffic": traffic,
    }
    shape |= {f"{p}_tokens": parts[p] for p in STATIC if parts.get(p)}
    return shape


def _moved(
    ctx: Context, reply: Reply, before: dict[str, Any], after: dict[str, Any], parts: dict[str, int]
) -> list[dict[str, Any]] | None:
    conv = ctx.conv
    base_parts = {p: conv.base.parts[p] for p in PART_ORDER if conv.base.parts.get(p)}
    if (
        not conv.new.cache_moves
        or before["model"] != after["model"]
        or before["requests"] != after["requests"]
        or before["prefix_tokens"] == after["prefix_tokens"]
        or {p: base_parts.get(p, 0) for p in STATIC} != {p: parts.get(p, 0) for p in STATIC}
    ):
        return None
    old_plan = {**after, "prefix_tokens": before["prefix_tokens"]}
    shape = _workload(old_plan, parts)
    if shape is None:
        return None
    old = ctx.calc.run("caching_plan", {**before, "ttl": after["ttl"]})
    change = ctx.calc.run(
        "workload_change",
        {**shape, "changes": {"cache_prefix_tokens": after["prefix_tokens"]}},
    )
    per = after["per"]
    moved = join_words([PART_LABELS[p] for p in conv.new.cache_moves])
    delta = change[f"difference_per_{per}_usd"]
    amount = usd(delta.lstrip("-"))
    if change["direction"] == "less":
        lead = f"**Moving the {moved} into the cached prefix saves {amount} more a {per}**"
    elif change["direction"] == "more":
        lead = f"**Moving the {moved} into the cached prefix costs {amount} more a {per}**"
    else:
        lead = f"**Moving the {moved} into the cached prefix changes nothing a {per}**"
    reply.add(
        f"{lead}: the stable part of the prompt ({tokens(sum(parts.get(p, 0) for p in STATIC))} "
        f"tokens) goes from {usd(change['before'][f'per_{per}_usd'])} to "
        f"{usd(change['after'][f'per_{per}_usd'])} a {per}. Caching saves "
        f"{usd(old['saving_usd'])} a {per} with the breakpoint where it was and "
        f"{usd(after['saving_usd'])} with it after the {moved}."
    )
    reply.assume(
        "Before is the prompt of your earlier message with its breakpoint where it was; after, "
        "the same prompt with the breakpoint moved. Both count every stable token, cached or "
        "not, at the same TTL and traffic."
    )
    return [old, change]


def compare_with_baseline(
    ctx: Context, reply: Reply, after: dict[str, Any], parts: dict[str, int]
) -> list[dict[str, Any]]:
    """The earlier turns' scenario against this one, when this message changes it."""
    before = baseline(ctx)
    if before is None:
        return []
    moved = _moved(ctx, reply, before, after, parts)
    if moved is not None:
        return moved
    old = before_after(ctx, reply, before, after)
    return [old] if old else []


__all__ = ["compare_with_baseline", "prefix_of", "uncached_text"]
