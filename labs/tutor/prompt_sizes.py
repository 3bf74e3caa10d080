"""Prompt-auditor replies about token counts rather than a pasted prompt: an input trim against an
output trim ("which saves more: 500 input tokens or 100 output tokens?"), what one prompt part
costs ("our system prompt is 7,200 chars: $/day?") and a cut from a prompt that is already
cached (priced at the cache-read price). Each figure comes from the calculator."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .common import Context, retired_notes
from .reading import PART_LABELS
from .types import TutorReply
from .usage_calls import exact
from .writing import Reply, model_prices, plural, price, tokens, usd

# A choice between two trims: "which saves more", "is it better to cut X or Y".
WHICH_SIDE_RE = re.compile(
    r"\bwhich\s+(?:one\s+)?(?:saves?|is\s+(?:worth|cheaper|better)|matters?)|\b(?:better|more)\s+"
    r"to\s+(?:cut|trim|drop|remove)\b[^?]{0,80}\bor\b|\bcut\b[^?]{0,60}\bor\b[^?]{0,60}\?",
    re.I,
)
_RATIO_WORDS = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 10: "ten times"}


def sides_reply(ctx: Context, choice: Any) -> TutorReply:
    """An input trim against an output trim, each priced per call on the model."""
    facts = ctx.conv.new
    model = choice.baseline
    inp = sum(facts.prompt_parts().values()) or facts.parts.get("input", 0)
    out_tokens = facts.output or 0
    reply = Reply()
    if choice.defaulted:
        reply.add(
            "Output costs several times input on every model, but the ratio and the prices "
            "differ by tier. Which model is it on?"
        )
        return ctx.reply(reply.render(), follow_up=True)
    reply.add(*choice.retired)
    saved_in = ctx.calc.run(
        "estimate_cost", {"model": model.id, "input_tokens": inp, "output_tokens": 0}
    )
    saved_out = ctx.calc.run(
        "estimate_cost", {"model": model.id, "input_tokens": 0, "output_tokens": out_tokens}
    )
    a, b = Decimal(saved_in["total_usd"]), Decimal(saved_out["total_usd"])
    ratio = model.prices.output / model.prices.input
    times = _RATIO_WORDS.get(int(ratio)) if ratio == int(ratio) else None
    times = times or f"{ratio.normalize():f} times"
    if a == b:
        verdict = "**They save the same**"
    elif a > b:
        verdict = f"**Trimming the {tokens(inp)} input tokens saves more**"
    else:
        verdict = f"**Trimming the {tokens(out_tokens)} output tokens saves more**"
    reply.add(
        f"{verdict}: on {model.display_name}, {tokens(inp)} input tokens cost "
        f"{exact(saved_in['total_usd'])} a call and {tokens(out_tokens)} output tokens "
        f"{exact(saved_out['total_usd'])} a call. An output token costs {times} an input token "
        f"({price(model.prices.output)} against {price(model.prices.input)} per million), so a "
        "cut on the output side is worth that many times the same cut on the input side."
    )
    reply.add(
        "Output is trimmed by asking for a format and a length bound (and a fitting "
        "`max_tokens`); input by cutting the preamble, repeats and context. Read more in "
        "[Token economics](/modules/cost-optimization/lessons/token-economics/)."
    )
    reply.assume(*choice.notes)
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.caveat(*retired_notes([model], ctx.table))
    reply.warnings_from([saved_in, saved_out])
    reply.next_step = "give the requests a day and I will price both trims per day and month."
    return ctx.reply(reply.render())


def part_cost_reply(ctx: Context, choice: Any) -> TutorReply:
    """What one prompt part costs as input on every request, the answers left out."""
    facts = ctx.conv.merged
    model = choice.baseline
    [(part, size)] = facts.prompt_parts().items()
    label = PART_LABELS[part]
    reply = Reply()
    if choice.defaulted:
        reply.add(
            f"A {tokens(size)}-token {label} costs very different amounts on Haiku, Sonnet and "
            "Opus, so I have not priced it yet. Which model does it run on?"
        )
        return ctx.reply(reply.render(), follow_up=True)
    reply.add(*choice.retired)
    per = facts.per or "day"
    out = ctx.calc.run(
        "workload_cost",
        {"model": model.id, "requests": facts.requests, "per": per,
         f"{part}_tokens": size, "output_tokens": 0},
    )  # fmt: skip
    asked = next((p for p in ctx.conv.new.asked if p in ("day", "month", "year")), "day")
    others = ", ".join(
        f"{usd(out[f'per_{p}_usd'])} a {p}" for p in ("day", "month", "year") if p != asked
    )
    reply.add(
        f"The {label} is about **{tokens(size)} tokens**, sent as input on every request: at "
        f"{plural(facts.requests, 'request')} a {per} on {model.display_name} it costs "
        f"**{usd(out[f'per_{asked}_usd'])} a {asked}** ({others})."
    )
    reply.add(
        "Check the size with `count_tokens` (or the `usage` of one real call) before you rely "
        "on it; paste the prompt and I will audit what it wastes."
    )
    reply.assume(*choice.notes, *ctx.conv.new.notes)
    if facts.volume_note:
        reply.assume(facts.volume_note)
    reply.assume(f"Only the {label} is priced; the answers and the rest of the input are left out.")
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.assume(*out["assumptions"])
    reply.caveat(*retired_notes([model], ctx.table))
    reply.warnings_from([out])
    reply.next_step = "paste the prompt itself for an audit of what it wastes."
    return ctx.reply(reply.render())


def cached_cut_reply(ctx: Context, reply: Reply, choice: Any, wasted: int) -> TutorReply:
    """A cut from a prompt that is already read from the cache: the tokens were billed at the
    cache-read price, so that (not the input price) is what the cut saves."""
    facts = ctx.conv.merged
    model = choice.baseline
    base = {
        "model": model.id,
        "requests": facts.requests,
        "per": facts.per or "day",
        "system_tokens": wasted,
        "output_tokens": 0,
        "traffic": "steady",
    }
    cached = ctx.calc.run("workload_cost", {**base, "cache_prefix_tokens": wasted})
    full = ctx.calc.run("workload_cost", base)
    asked = next((p for p in ctx.conv.new.asked if p in ("day", "month", "year")), "month")
    figures = {p: usd(cached[f"per_{p}_usd"]) for p in ("day", "month", "year")}
    others = ", ".join(f"{figures[p]} a {p}" for p in figures if p != asked)
    reply.add(
        f"Your prompt is already cached and almost every request reads it, so those "
        f"{tokens(wasted)} tokens are billed at the **cache read** price "
        f"({price(model.prices.cache_read)} per million on {model.display_name}), not the input "
        f"price. Cutting them saves about **{figures[asked]} a {asked}** ({others})."
    )
    reply.add(
        f"Uncached, the same cut would have saved {usd(full['per_' + asked + '_usd'])} a {asked}: "
        "caching already took most of that saving. The edit also changes the prefix, so the "
        "first request after it writes a new cache entry once."
    )
    reply.assume(*choice.notes)
    if facts.volume_note:
        reply.assume(facts.volume_note)
    reply.assume(
        f"Only the {tokens(wasted)} tokens you named are priced, as cache reads on every request "
        "(steady traffic keeps the entry alive; the one write a day is included)."
    )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.assume(*cached["assumptions"])
    reply.warnings_from([cached])
    reply.next_step = "paste the whole prompt for an audit of the rest."
    return ctx.reply(reply.render())
