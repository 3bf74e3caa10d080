"""The caching strategist lab: where the breakpoints go, whether each prefix is long enough to
cache, which TTL suits the traffic, and what caching saves.

Placement follows the calculator's rule (`labs.calculator.caching.plan_breakpoints`): up to four
breakpoints in the order tools -> system (with few-shot examples) -> documents -> history. The
shared prefix (tools, system, examples, documents) is costed with `caching_plan` for both TTLs,
with requests arriving at random (Poisson) unless the learner says the traffic is steady."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from labs.calculator.caching import plan_breakpoints
from labs.calculator.pricing import Model

from . import guard
from .caching_layout import claim_reply, is_quoted_claim, layout_reply
from .caching_moves import compare_with_baseline, uncached_text
from .caching_traffic import (
    arrival_text,
    drop_average_gap_warning,
    traffic_assumption,
    traffic_fields,
    ttl_reason,
)
from .caching_what_if import STATIC, batch_prefix, stable_parts
from .calc import CalculationFailed
from .common import (
    Context,
    choose_models,
    follow_up,
    helpful_reply,
    retired_notes,
    unknown_model_text,
)
from .reading import PART_LABELS, PART_ORDER, Facts
from .types import TutorReply
from .usage_calls import usage_reply
from .writing import (
    Reply,
    a_or_an,
    cache_prices,
    describe_parts,
    in_periods,
    join_words,
    pct,
    plural,
    table,
    tokens,
    usd,
)

CAPABILITIES = [
    "where the cache breakpoints go (up to four: tools, system, documents, history);",
    "whether each cached prefix reaches the model's minimum cacheable length;",
    "the 5-minute against the 1-hour TTL for your traffic, with the expected hit rate;",
    "the cost with and without caching, the saving and the break-even number of hits.",
]
EXAMPLE = (
    "My bot runs on Sonnet 5.5 with 10,000 requests a day: 2,000 tokens of tools, a 4,000-token "
    "system prompt and a 200-token user message. Where do the breakpoints go, and which TTL "
    "saves more?"
)
TOPIC = "prompt caching for Claude API workloads"
_ELIGIBILITY_RE = re.compile(
    r"cacheable|eligib|minimum|long\s+enough|big\s+enough|too\s+short", re.I
)
_USAGE_RE = re.compile(
    r"\busage\b|\bverify|\bprove|\bmonitor|\blog(?:s|ging)?\b|\bmiss(?:es)?\b|\bcheck\s+(?:it|that)",
    re.I,
)
_TTL_NAMES = {"5m": "5-minute", "1h": "1-hour"}


def _parts(facts: Facts) -> tuple[dict[str, int], list[str]]:
    parts = {p: facts.parts[p] for p in PART_ORDER if facts.parts.get(p)}
    notes = []
    generic = facts.parts.get("input")
    if generic and not any(parts.get(p) for p in STATIC):
        parts["system"] = generic
        notes.append(
            f"I treated the {tokens(generic)}-token prompt as a stable prefix (like a system "
            "prompt) that is the same on every request."
        )
    elif generic and not parts.get("user"):
        # "5k sys prompt, 200 in, 300 out": beside a stable part, the input is the message.
        parts["user"] = generic
        notes.append(f"The {tokens(generic)} input tokens are read as the per-request message.")
    return parts, notes


def _varying_text(parts: dict[str, int], varying: list[str]) -> str:
    moved = [p for p in STATIC if parts.get(p) and p in varying]
    if not moved:
        return ""
    names = join_words([f"{tokens(parts[p])} tokens of {PART_LABELS[p]}" for p in moved])
    return (
        f"The {names} change on every request, so they cannot be cached: put them after the "
        "last breakpoint, next to the user message, and cache only the stable prefix before "
        "them. The costs below count only that prefix."
    )


def answer(ctx: Context) -> TutorReply:
    conv = ctx.conv
    facts = conv.merged
    choice = choose_models(conv, ctx.table)
    if choice.baseline is None:
        reply = Reply()
        reply.add(unknown_model_text(choice.unknown, ctx.table))
        return ctx.reply(reply.render(), follow_up=True)
    model = choice.baseline
    if conv.new.usages or (
        conv.base.usages and not conv.new.prompt_parts() and conv.new.output is None
    ):
        return usage_reply(ctx, model, [*choice.retired, *choice.notes])
    if is_quoted_claim(conv.new.text) and (claimed := claim_reply(ctx)) is not None:
        return claimed  # the numbers are the claim's, not the learner's workload
    parts, notes = _parts(facts)
    if not conv.new.has_numbers and not conv.base.has_numbers:
        if _USAGE_RE.search(ctx.message):
            return _usage_fields(ctx, None, None)
        return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC)
    found = guard.check(conv.new)
    if not found.passed:
        known = [model.display_name] if not choice.defaulted else []
        if describe_parts(parts):
            known.append(describe_parts(parts))
        return guard.question(ctx, found, join_words(known))
    notes += found.ignored
    prefix = sum(stable_parts(parts, [*facts.varying, *facts.uncached]).get(p, 0) for p in STATIC)
    laid_out = layout_reply(ctx, model, facts, prefix, [*choice.notes, *notes])
    if laid_out is not None:
        return laid_out
    if prefix and facts.requests is None and _ELIGIBILITY_RE.search(conv.new.text):
        return _eligibility_only(ctx, model, parts, [*choice.notes, *notes])
    if (
        _USAGE_RE.search(conv.new.text)
        and not conv.new.has_numbers
        and prefix
        and facts.requests is not None
    ):
        return _usage_fields(ctx, parts, model)
    missing = []
    if not prefix:
        missing.append("system")
    if facts.requests is None:
        missing.append("requests")
    if missing:
        known = [model.display_name] if not choice.defaulted else []
        if facts.requests is not None:
            known.append(plural(facts.requests, "request") + f" a {facts.per}")
        if describe_parts(parts):
            known.append(describe_parts(parts))
        return follow_up(
            ctx,
            missing,
            join_words(known),
            "To plan the cache I need the parts of the prompt that repeat on every request "
            "and how often requests come.",
        )
    reply = Reply()
    reply.add(*choice.retired)
    reply.assume(*choice.notes, *conv.new.notes, *notes)
    if facts.volume_note:
        reply.assume(facts.volume_note)
    if facts.volume_assumed_per:
        reply.assume(f"You gave {facts.volume_text} requests without a period; I read it as a day.")
    reply.caveat(*retired_notes([model], ctx.table))
    try:
        return _plan(ctx, reply, model, parts, facts, choice.targets)
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not price that: {exc}.")
        return ctx.reply(reply.render())


def _breakpoint_text(model: Model, parts: dict[str, int], minimum: int | None) -> str:
    plan = plan_breakpoints({p: parts.get(p, 0) for p in PART_ORDER}, model)
    lines = []
    for i, bp in enumerate(plan, start=1):
        members = join_words([PART_LABELS[p] for p in bp.parts])
        if bp.cacheable is False:
            status = f"below the {tokens(minimum or 0)}-token minimum, so it caches nothing"
        elif bp.cacheable is None:
            status = "minimum length unknown for this model"
        else:
            status = "long enough to cache"
        lines.append(f"{i}. After the {members}: caches the first {tokens(bp.prefix_tokens)} "
                     f"tokens ({status}).")  # fmt: skip
    text = "**Breakpoints**, in prompt order with the stable parts first:\n\n" + "\n".join(lines)
    if minimum is not None:
        text += (
            f"\n\n{model.display_name} caches a prefix only from {tokens(minimum)} tokens up; "
            "a shorter one is sent at the full input price, with no error."
        )
    if parts.get("user"):
        text += (
            f"\n\nThe {tokens(parts['user'])}-token user message changes on every request, so it "
            "goes after the last breakpoint; so does anything else that varies (a date, a "
            "user's name)."
        )
    idle = [str(i) for i, bp in enumerate(plan, start=1) if bp.cacheable is False]
    if idle and len(idle) < len(plan):
        text += (
            f" Breakpoint {join_words(idle)} caches nothing on its own: drop it and keep the "
            "slot (four at most) for a part that reaches the minimum."
        )
    if len(plan) > 1:
        text += (
            " Separate breakpoints mean an edit to a later part (say, the system prompt) "
            "still hits the cache for the parts before it."
        )
    if parts.get("history"):
        text += (
            " The history breakpoint pays off within one conversation, when the next turn "
            "comes inside the TTL; the costs below count only the prefix shared by every "
            "request."
        )
    return text


def _plan(
    ctx: Context,
    reply: Reply,
    model: Model,
    parts: dict[str, int],
    facts: Facts,
    targets: list[Model] | None = None,
) -> TutorReply:
    cached = stable_parts(parts, [*facts.varying, *facts.uncached])
    prefix = sum(cached.get(p, 0) for p in STATIC)
    fields = traffic_fields(facts)
    traffic = fields["traffic"]
    base: dict[str, Any] = {"model": model.id, "prefix_tokens": prefix}
    base |= {"requests": facts.requests, "per": facts.per, **fields}
    first = ctx.calc.run("caching_plan", {**base, "ttl": "5m"})
    reply.add(_breakpoint_text(model, cached, first["min_cacheable_tokens"]))
    reply.add(_varying_text(parts, facts.varying), uncached_text(parts, facts))
    if not first["eligible"]:
        reply.add(
            f"**Not cacheable.** The shared prefix is {tokens(prefix)} tokens, below "
            f"{first['display_name']}'s minimum of {tokens(first['min_cacheable_tokens'])}. The "
            "API processes it at the full input price and returns no error, with both cache "
            f"counters at 0, so caching saves {usd(first['saving_usd'])}. Grow the stable "
            "prefix (move shared documents or examples in front of the user message) or check "
            "another model's minimum."
        )
        outputs_before = compare_with_baseline(ctx, reply, first, parts)
        _assumptions(reply, model, facts, first, parts)
        reply.warnings_from(drop_average_gap_warning(facts, [first, *outputs_before]))
        reply.next_step = "add the documents or examples you send on every request and ask again."
        return ctx.reply(reply.render())
    second = ctx.calc.run("caching_plan", {**base, "ttl": "1h"})
    plans = {"5m": first, "1h": second}
    best = "1h" if Decimal(second["saving_usd"]) > Decimal(first["saving_usd"]) else "5m"
    other = "5m" if best == "1h" else "1h"
    chosen = plans[best]
    at = arrival_text(facts, first)
    if usd(first["saving_usd"]) == usd(second["saving_usd"]):
        comparison = (
            f"{at}, both TTLs save {usd(chosen['saving_usd'])} a {chosen['per']} to the cent, "
            f"so take the **{_TTL_NAMES[best]} TTL**: its write is the cheaper one. "
        )
    else:
        comparison = (
            f"{at}, the **{_TTL_NAMES[best]} TTL** saves more: {usd(chosen['saving_usd'])} a "
            f"{chosen['per']} against {usd(plans[other]['saving_usd'])} with the "
            f"{_TTL_NAMES[other]} one. "
        )
    reason = ttl_reason(facts, best, first, second) or _ttl_reason(best, first, second)
    if facts.batch:
        # A batch can run for hours: a 5-minute entry may expire between its requests.
        best, other = "1h", "5m"
        chosen = plans[best]
        comparison = (
            f"{at}, sent as a batch, take the **1-hour TTL**: a batch can take longer than 5 "
            f"minutes to run, so a 5-minute entry may expire before later requests reach it. "
        )
        reason = (
            f"At real-time prices it saves {usd(chosen['saving_usd'])} a {chosen['per']}; the "
            "batch figures follow."
        )
    reply.add("**TTL.** " + comparison + reason)
    rows = [
        ["Cache writes", tokens(first["writes"]), tokens(second["writes"])],
        ["Cache reads (hits)", tokens(first["reads"]), tokens(second["reads"])],
        ["Hit rate", pct(first["hit_rate_pct"]), pct(second["hit_rate_pct"])],
        ["Prefix cost without caching", usd(first["without_cache_usd"]),
         usd(second["without_cache_usd"])],
        ["Prefix cost with caching", usd(first["with_cache_usd"]), usd(second["with_cache_usd"])],
        ["Saving", f"{usd(first['saving_usd'])} ({pct(first['saving_pct'])})",
         f"{usd(second['saving_usd'])} ({pct(second['saving_pct'])})"],
        ["Hits to break even", str(first["break_even_hits"]), str(second["break_even_hits"])],
    ]  # fmt: skip
    reply.add(table([f"Per {first['per']}", "5-minute TTL", "1-hour TTL"], rows, right=(1, 2)))
    outputs: list[dict[str, Any]] = [first, second]
    total = ""
    output = facts.parts.get("output")
    # workload_cost knows steady and Poisson arrivals: a fixed schedule is the steady model when
    # its gap fits the chosen TTL (one write, then reads); otherwise the total is not priced.
    whole_traffic = traffic
    if traffic == "interval":
        whole_traffic = "steady" if chosen["writes"] <= 1 else None
    if output is not None and whole_traffic is None:
        reply.assume(
            "The whole bill with output is not priced here: the calculator's workload cost "
            "cannot express a schedule on which every call writes."
        )
    if output is not None and whole_traffic is not None:
        shape: dict[str, Any] = {"model": model.id, "requests": facts.requests, "per": facts.per}
        shape |= {f"{p}_tokens": parts[p] for p in PART_ORDER if parts.get(p)}
        shape["output_tokens"] = output
        if facts.batch:
            shape["batch"] = True
        plain = ctx.calc.run("workload_cost", shape)
        cached = ctx.calc.run(
            "workload_cost",
            {**shape, "cache_prefix_tokens": prefix, "ttl": best, "traffic": whole_traffic},
        )
        outputs += [plain, cached]
        total = (
            f" The whole bill, output included, goes from {usd(plain['per_day_usd'])} to "
            f"**{usd(cached['per_day_usd'])} a day** ({usd(plain['per_month_usd'])} to "
            f"{usd(cached['per_month_usd'])} a month)."
        )
    periods = [p for p in ("day", "month", "year") if p in ctx.conv.new.asked]
    if periods == ["day"] or (not periods and chosen["per"] == "day"):
        periods = ["day", "month"]  # a daily saving is read against a monthly bill too
    periods = periods or [chosen["per"]]
    reply.add(
        f"**Saving.** {'At real-time prices, c' if facts.batch else 'C'}aching the "
        f"{tokens(prefix)}-token prefix with the {_TTL_NAMES[best]} TTL "
        f"saves {in_periods(chosen['saving_usd'], chosen['per'], periods)} "
        f"({pct(chosen['saving_pct'])} of what the prefix costs).{total} One write pays for "
        f"itself after {plural(chosen['break_even_hits'], 'hit')}."
    )
    if targets:
        outputs += _compare(ctx, reply, [model, *targets], base, best)
    outputs += compare_with_baseline(ctx, reply, chosen, parts)
    if facts.batch:
        outputs += batch_prefix(ctx, reply, second)
    _assumptions(reply, model, facts, chosen, parts)
    reply.warnings_from(drop_average_gap_warning(facts, outputs), full=True)
    if facts.batch:
        reply.caveat("Batches can run past 5 minutes, so the docs recommend the 1-hour TTL there.")
    sparse = best == "1h"
    reply.next_step = (
        "try a busy workload (40,000 requests a day) to see the 5-minute TTL win, or ask "
        "which usage fields prove the plan works."
        if sparse
        else "try a sparse workload (a few hundred requests a day) to see when the 1-hour TTL "
        "pays for its dearer write, or ask which usage fields prove the plan works."
    )
    return ctx.reply(reply.render())


def _compare(
    ctx: Context,
    reply: Reply,
    models: list[Model],
    base: dict[str, Any],
    ttl: str,
) -> list[dict[str, Any]]:
    """Every model named is priced: the same prefix and traffic on each, with the same TTL."""
    outs = [ctx.calc.run("caching_plan", {**base, "model": m.id, "ttl": ttl}) for m in models]
    per = outs[0]["per"]
    rows = [
        [
            o["display_name"],
            usd(o["without_cache_usd"]),
            usd(o["with_cache_usd"]),
            f"**{usd(o['saving_usd'])}** ({pct(o['saving_pct'])})"
            if o["eligible"]
            else f"{usd(o['saving_usd'])} (prefix below the minimum)",
        ]
        for o in outs
    ]
    reply.add(
        f"**By model**, the same prefix and traffic with the {_TTL_NAMES[ttl]} TTL, per {per}:"
    )
    reply.add(table(["Model", "Without caching", "With caching", "Saving"], rows, right=(1, 2, 3)))
    return outs


def _ttl_reason(best: str, first: dict[str, Any], second: dict[str, Any]) -> str:
    if best == "5m":
        if first["writes"] == second["writes"]:
            return (
                "Requests come often enough that the entry rarely expires either way, so the "
                "cheaper 5-minute write wins."
            )
        return (
            "The 1-hour TTL would miss less, but not enough to repay its dearer write at this "
            "traffic."
        )
    return (
        f"Requests are sparse: with the 5-minute TTL only {pct(first['hit_rate_pct'])} of them "
        f"hit, against {pct(second['hit_rate_pct'])} with the hour, which repays its dearer write."
    )


def _assumptions(
    reply: Reply, model: Model, facts: Facts, plan: dict[str, Any], parts: dict[str, int]
) -> None:
    reply.assume(f"Each request: {describe_parts(parts, facts.parts.get('output'))}.")
    reply.assume(cache_prices(model) + ".")
    if traffic_assumption(reply, facts, plan):
        pass
    elif plan["traffic"] == "poisson":
        reply.assume(
            f"Traffic: {plural(plan['requests'], 'request')} a {plan['per']} arrive at random at "
            "an even rate around the clock (Poisson); a request misses, and writes again, when "
            "the gap since the previous one is longer than the TTL."
        )
        if facts.active_hours and facts.active_hours < 24:
            reply.assume(
                f"Your traffic comes in {facts.active_hours} hours a day; the calculator spreads "
                "it around the clock, so requests really arrive closer together and hit at "
                "least as often as shown: the saving is a floor."
            )
    else:
        reply.assume(
            f"Steady traffic: the first request of the {plan['per']} writes the prefix and every "
            "later one reads it (each hit refreshes the TTL)."
        )
    reply.assume(*[a for a in plan["assumptions"] if a.startswith("A month")])


def _eligibility_only(
    ctx: Context, model: Model, parts: dict[str, int], notes: list[str]
) -> TutorReply:
    out = ctx.calc.run("list_models", {})
    row = next(r for r in out["models"] if r["id"] == model.id)
    minimum = row["min_cacheable_tokens"]
    reply = Reply()
    reply.assume(*notes)
    prefix = sum(parts.get(p, 0) for p in STATIC)
    if minimum is not None:
        verdict = "Yes" if prefix >= minimum else "No"
        relation = "reaches" if prefix >= minimum else "is below"
        reply.add(
            f"**{verdict}**: {a_or_an(prefix)} {tokens(prefix)}-token prefix {relation} "
            f"{row['display_name']}'s "
            f"minimum of {tokens(minimum)} tokens."
        )
    reply.add(_breakpoint_text(model, parts, minimum))
    if minimum is None:
        reply.add(
            f"The course price table does not know {row['display_name']}'s minimum cacheable "
            "length [UNCONFIRMED]: check that `cache_creation_input_tokens` is above 0 on the "
            "first request."
        )
    reply.assume(cache_prices(model) + ".")
    reply.next_step = (
        'add your traffic ("20,000 requests a day") and I will compare the TTLs and price the '
        "saving."
    )
    return ctx.reply(reply.render())


def _usage_fields(ctx: Context, parts: dict[str, int] | None, model: Model | None) -> TutorReply:
    reply = Reply()
    reply.add(
        "Log three `usage` fields on every response: `cache_creation_input_tokens` (written to "
        "the cache), `cache_read_input_tokens` (read from it) and `input_tokens` (after the last "
        "breakpoint; it excludes cached tokens, so the full prompt is the sum of the three)."
    )
    if parts and model is not None:
        prefix = sum(parts.get(p, 0) for p in STATIC)
        rest = sum(parts.get(p, 0) for p in PART_ORDER) - prefix
        reply.add(
            table(
                ["Request", "cache_creation", "cache_read", "input_tokens"],
                [
                    ["First (a write)", tokens(prefix), "0", tokens(rest)],
                    ["Later (a hit)", "0", tokens(prefix), tokens(rest)],
                    ["A miss", tokens(prefix), "0", tokens(rest)],
                ],
                right=(1, 2, 3),
            )
        )
        reply.add(
            "A miss looks like a write where you expected a hit: the prefix changed (a "
            "timestamp, a reordered tool) or the entry expired. If both cache fields stay at 0, "
            "the prefix is below the model's minimum."
        )
    else:
        reply.add(
            "A plan works when most requests show a read and few show a write. A write where "
            "you expected a read is a miss (the prefix changed or expired); both at 0 means the "
            "prefix is below the minimum cacheable length."
        )
    reply.next_step = "describe your prompt and traffic and I will work out what to expect."
    return ctx.reply(reply.render())
