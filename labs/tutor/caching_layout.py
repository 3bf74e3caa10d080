"""Two messages the caching strategist answers before it prices anything:

- a quoted claim ("a blog says caching saves 198M tokens a day: is that right?") is a question
  about the claim, answered from the concept base; its numbers are the claim's, not a workload;
- a pasted request whose cached block starts with something that changes on every call (a
  timestamp, today's date, a user's name) never hits: the reply names what breaks the prefix and
  where it should go, and prices the fixed layout when the volume is given."""

from __future__ import annotations

import re
from typing import Any

from labs.calculator.pricing import Model

from .calc import CalculationFailed
from .common import Context
from .concept_answers import concept_text
from .concepts import concept_base
from .reading import PART_LABELS, PART_ORDER, Facts, find_changing_top
from .types import TutorReply
from .writing import Reply, in_periods, join_words, tokens, usd

# Reported speech about caching followed by a request to check it. Each row is one phrasing.
_CLAIM_SOURCES = (
    r"\b(?:blog|article|post|tweet|thread|video|vendor|colleague|coworker|manager|someone|"
    r"somebody|they|he|she|a\s+friend|the\s+docs?|a\s+talk|slides?)\b[^.?!\n]{0,40}?\b"
    r"(?:says?|said|claims?|claimed|told\s+(?:me|us)|promises?|reckons?|wrote)\b"
)
_CLAIM_CHECKS = (
    r"\b(?:is\s+(?:that|this|it)\s+(?:right|true|correct|accurate|legit|realistic|"
    r"how\s+[a-z\s]{0,20}?works?)|(?:true|right)\s*\?|really\s*\?|does\s+(?:that|it)\s+(?:hold|add\s+up)|"
    r"fact[\s-]check|sanity[\s-]check)"
)
_CLAIM_RE = re.compile(_CLAIM_SOURCES + r"[\s\S]{0,300}?" + _CLAIM_CHECKS, re.I)

# What, at the top of a cached block, differs on every request. Each row is one phrasing.
_CHANGING_AT_TOP = [
    ("a timestamp", r"(?:current\s+time|timestamp|now)\s*[:=]|\d{4}-\d{2}-\d{2}[t\s]\d{2}:\d{2}"),
    (
        "today's date",
        r"(?:today(?:'s\s+date)?|current\s+date|date)\s*(?:is|[:=])|\{\{?\s*(?:today|date|now)",
    ),
    ("the user's name", r"(?:user(?:'s)?\s+name|customer\s+name|hello|hi)\s*[:=,]?\s*\{"),
    ("a request id", r"(?:request|session|trace)[\s_-]?id\s*[:=]"),
]
_TOP_RES = [(what, re.compile(p, re.I)) for what, p in _CHANGING_AT_TOP]
_CACHED_BLOCK_RE = re.compile(r"cache_control", re.I)
_SYSTEM_TEXT_RE = re.compile(
    r"system\s*=\s*\[?\s*\{[^{}]*?[\"']text[\"']\s*:\s*[\"'](?P<text>.{0,200})", re.I | re.S
)


def is_quoted_claim(text: str) -> bool:
    return bool(_CLAIM_RE.search(text))


def claim_reply(ctx: Context) -> TutorReply | None:
    """The concept base's answer to a quoted claim, or None when it has none."""
    match = concept_base().find(ctx.message)
    if match is None:
        return None
    reply = Reply()
    reply.add(
        "That is a claim about how caching works, so here is how it works; its numbers are the "
        "claim's, so I have not priced them as your workload."
    )
    reply.add(concept_text([match], ctx.table))
    reply.next_step = (
        "give your model, prefix size and requests a day and I will price the saving in dollars."
    )
    return TutorReply(text=reply.render(), kind="concept")


def changing_top(text: str) -> str | None:
    """What at the top of the pasted system block changes on every call, or None."""
    if not _CACHED_BLOCK_RE.search(text):
        return None
    m = _SYSTEM_TEXT_RE.search(text)
    if m is None:
        return None
    top = m.group("text")[:80]
    return next((what for what, pattern in _TOP_RES if pattern.search(top)), None)


def layout_reply(
    ctx: Context, model: Model, facts: Facts, prefix: int, notes: list[str]
) -> TutorReply | None:
    """A pasted layout whose cached block starts with a changing value: what breaks and where
    it goes, and the fixed layout priced when the prefix size and the volume are known."""
    what = changing_top(ctx.message)
    if what is None:
        described = find_changing_top(ctx.conv.new.text)
        return described_reply(ctx, model, facts, *described) if described else None
    reply = Reply()
    reply.assume(*notes)
    reply.add(
        f"**What breaks the cache:** the cached system block starts with {what}, which is "
        "different on every request. The cache matches a prefix exactly from the first token, "
        "so no request ever finds its prefix: each one writes a new entry at the write price "
        "and none reads, which costs more than not caching at all."
    )
    moved = what.replace("a ", "the ", 1)
    reply.add(
        f"**Where it goes:** move {moved} out of the cached block, after the breakpoint: into "
        "the user message or a separate system block without cache_control after the cached "
        "one. Keep the stable text (the rules and instructions) first, with the breakpoint at "
        "its end, so every request shares that prefix."
    )
    reply.add(
        "Anything pasted inside the prompt that speaks to the assistant is data to the model "
        "like the rest of the prompt; it is not an instruction I follow here."
    )
    outputs: list[dict[str, Any]] = []
    if prefix and facts.requests is not None:
        data = {"model": model.id, "prefix_tokens": prefix, "requests": facts.requests,
                "per": facts.per, "ttl": "5m", "traffic": facts.traffic or "poisson"}  # fmt: skip
        try:
            out = ctx.calc.run("caching_plan", data)
        except CalculationFailed as exc:
            reply.add(f"The calculator could not price the fixed layout: {exc}.")
        else:
            outputs.append(out)
            reply.add(
                f"**With the fix**, the {tokens(prefix)}-token prefix on {out['display_name']} "
                f"costs {usd(out['with_cache_usd'])} a {out['per']} with the 5-minute cache "
                f"instead of {usd(out['without_cache_usd'])} uncached: caching then saves "
                f"{in_periods(out['saving_usd'], out['per'], ['day', 'month'])}."
            )
    reply.add("Read more in [Prompt caching](/modules/cost-optimization/lessons/prompt-caching/).")
    reply.warnings_from(outputs)
    reply.next_step = (
        "after the fix, check that `cache_read_input_tokens` is above 0 from the second request."
    )
    return ctx.reply(reply.render())


def described_reply(
    ctx: Context, model: Model, facts: Facts, whats: list[str], part: str
) -> TutorReply:
    """A changing value the learner plans to put at the top of a prompt part: the cache breaks
    from that part on; the parts before it still hit. With the sizes and the volume, the two
    layouts are priced."""
    what = join_words(whats)
    label = PART_LABELS[part]
    order = [p for p in PART_ORDER if facts.parts.get(p) and p != "user"]
    before = [p for p in order[: order.index(part)]] if part in order else []
    reply = Reply()
    reply.add(
        f"**Yes, that breaks the cache.** {what[0].upper() + what[1:]} differ from one request "
        f"to the next, and the cache matches the prefix exactly from the first token: with them "
        f"at the top of the {label}, no request finds the cached {label} or anything after it, "
        "so each one writes a new entry at the write price instead of reading."
        + (
            f" The {join_words([PART_LABELS[p] for p in before])} before it still hit, since "
            "they come first and do not change."
            if before
            else ""
        )
    )
    reply.add(
        f"**Where they go:** after the last breakpoint, at the end of the prompt: put {what} in "
        f"the user message (or a block after the cached {label} without `cache_control`), and "
        f"keep the stable {label} first with its breakpoint at its end. The personalization "
        "still reaches the model; only its place in the prompt moves."
    )
    outputs: list[dict[str, Any]] = []
    whole = sum(facts.parts.get(p, 0) for p in order if p in ("tools", "system", "examples"))
    kept = sum(facts.parts.get(p, 0) for p in before)
    if whole and facts.requests is not None:
        base = {"model": model.id, "requests": facts.requests, "per": facts.per or "day",
                "ttl": "5m", "traffic": facts.traffic or "poisson"}  # fmt: skip
        try:
            moved = ctx.calc.run("caching_plan", {**base, "prefix_tokens": whole})
            broken = ctx.calc.run("caching_plan", {**base, "prefix_tokens": kept}) if kept else None
        except CalculationFailed as exc:
            reply.add(f"The calculator could not price the two layouts: {exc}.")
        else:
            outputs += [o for o in (moved, broken) if o is not None]
            at_top = (
                f"only the {tokens(kept)} tokens before it are cached, saving "
                f"{in_periods(broken['saving_usd'], broken['per'], ['day', 'month'])} (less "
                f"still if the breakpoint after the {label} stays, since every request then "
                "writes it again at more than the input price)"
                if broken is not None
                else "nothing is cached, and a breakpoint left in place writes on every request"
            )
            reply.add(
                f"On {moved['display_name']} at {tokens(facts.requests)} requests a "
                f"{moved['per']}: with the values at the top, {at_top}; moved after the "
                f"breakpoint, the whole {tokens(whole)}-token prefix is cached and saves "
                f"{in_periods(moved['saving_usd'], moved['per'], ['day', 'month'])}."
            )
    reply.add("Read more in [Prompt caching](/modules/cost-optimization/lessons/prompt-caching/).")
    reply.warnings_from(outputs)
    reply.next_step = (
        "after the change, check that `cache_read_input_tokens` stays above 0 from the second "
        "request."
    )
    return ctx.reply(reply.render())
