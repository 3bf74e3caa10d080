"""One-off requests the advisor prices without a daily volume: a runaway agent loop (a counted
number of iterations of one size) and single long messages (a pasted book, a request over a
price band's edge). Each is priced with the calculator and given the control that would have
stopped it; a number the reading did not place is a question back, never a guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from labs.calculator.pricing import Model

from ..calc import CalculationFailed
from ..common import Context, choose_models
from ..reading import Number
from ..reading.qualifiers import ONE_OFF_JOB_RE
from ..types import TutorReply
from ..usage_calls import exact
from ..writing import Reply, join_words, model_prices, tokens, usd

CONTROLS_LESSON = "/modules/cost-optimization/lessons/production-controls/"
BATCH_MAX_REQUESTS = 100_000  # requests one batch may hold

# A loop that ran away: the message says so, and counts its iterations.
# A loop that ran away: the message says so ("looped all night", "got stuck retrying"), and
# counts its iterations. A retry policy or an agent alone is a design, not a runaway.
_LOOP_RE = re.compile(
    r"\b(?:loop(?:ed|ing)|in\s+a\s+loop|runaway|ran\s+away|got\s+stuck|was\s+stuck|stuck\s+"
    r"(?:in|on|retrying)|spun|spinning|kept\s+(?:retrying|calling|looping)|infinite)\b",
    re.I,
)
_COUNTED_RE = re.compile(
    r"\s*(?:agent\s+|model\s+|api\s+|tool\s+)?(?:iterations?|loops?|steps?|turns?|rounds?|"
    r"retries|calls?|requests?|times|cycles?|runs?)\b",
    re.I,
)
# "one request had 98k ..., another 102k": a second request of another size.
_ANOTHER_RE = re.compile(
    r"(?:\banother|\bthe\s+other(?:\s+one)?|\bthe\s+second(?:\s+one)?|\bvs\.?|\bversus|"
    r"\bcompared\s+(?:to|with))\s*(?:one\s+)?(?:had\s+|with\s+|of\s+|at\s+)?~?\s*$",
    re.I,
)
# A size the learner asks about as a threshold ("a surcharge over 200k"), not a request.
_THRESHOLD_RE = re.compile(
    r"(?:\bover|\babove|\bpast|\bbeyond|\bunder|\bbelow|\bbeneath|>|<)\s*~?\s*$", re.I
)
_ORDINAL_RE = re.compile(r"^(?:st|nd|rd|th)\b", re.I)
_ONE_OFF_RE = re.compile(
    r"\bone\s+(?:msg|message|request|call|prompt|time)\b|\bthat\s+(?:one\s+)?(?:msg|message|"
    r"request|call)\b|\bpasted\b|\bpaste[sd]?\b|\bwhole\s+book\b|\beach\s+cost\b|"
    r"\bone\s+request\b|\bsingle\b",
    re.I,
)


def one_off_reply(ctx: Context, explain: Callable[[], TutorReply | None]) -> TutorReply | None:
    """A priced one-off, or None when the message is not one (or not read well enough). A long
    message's reply ends with `explain()`'s concept answer, when there is one: the learner's
    question is usually about the rule ("isn't there a surcharge over 200k?")."""
    facts = ctx.conv.new
    if ctx.history or facts.usages:
        return None
    choice = choose_models(ctx.conv, ctx.table, default=False)
    if choice.baseline is None:
        return None
    text = facts.text
    # "~1,200 calls" with no period is a count the reader takes for a day's volume: in a
    # loop it is the loop's length, priced once.
    count = _iterations(text, facts.numbers)
    counted = facts.requests is None or facts.volume_assumed_per
    try:
        if count is not None and counted and _LOOP_RE.search(text):
            return _loop_reply(ctx, choice.baseline, count, choice.retired + choice.notes)
        if facts.requests is not None and counted and ONE_OFF_JOB_RE.search(text):
            return _job_reply(ctx, choice.baseline, choice.retired + choice.notes)
        if facts.requests is not None or not _ONE_OFF_RE.search(text):
            return None
        reply = _long_reply(ctx, choice.baseline, choice.retired + choice.notes)
    except CalculationFailed:
        return None
    concept = explain() if reply is not None and not reply.asked_follow_up else None
    if reply is not None and concept is not None:
        reply.text += "\n" + concept.text
    return reply


def _job_reply(ctx: Context, model: Model, notes: list[str]) -> TutorReply | None:
    """A job run once over a counted set: its total in real time and through batches."""
    facts = ctx.conv.new
    parts = facts.prompt_parts() or (
        {"input": facts.parts["input"]} if facts.parts.get("input") else {}
    )
    if not parts or facts.output is None or facts.requests is None:
        return None  # the workload reader asks for what is missing
    used = {n.start for n in facts.numbers if n.kind in ("tokens", "count", "volume")}
    unread = _leftovers(facts.text, facts.numbers, used)
    if unread:
        return _ask(ctx, unread, "the job")
    count = facts.requests
    data: dict[str, Any] = {"model": model.id, "requests": count, "per": "day",
                            "output_tokens": facts.output}  # fmt: skip
    data |= {("user_tokens" if p == "input" else f"{p}_tokens"): n for p, n in parts.items()}
    now = ctx.calc.run("workload_cost", data)
    batched = ctx.calc.run("workload_cost", data | {"batch": True})
    batches = -(-count // BATCH_MAX_REQUESTS)
    reply = Reply()
    reply.add(*notes)
    reply.add(
        f"On {model.display_name}, the job of {tokens(count)} requests costs "
        f"**{usd(now['per_day_usd'])} once** in real time ({exact(now['per_request_usd'])} a "
        f"request), or **{usd(batched['per_day_usd'])} through the Message Batches API**. "
        "Unless someone waits on each result, the batch's half price on every token is the "
        "saving to take."
    )
    reply.add(
        f"A batch holds up to {tokens(BATCH_MAX_REQUESTS)} requests, so send it as "
        f"{batches} batch{'es' if batches != 1 else ''}. Results come back within 24 hours, in "
        "no particular order: match them to requests by `custom_id`, and resend what expired. "
        f"Set a spend alert for the job's total before it starts. More in [Production controls]"
        f"({CONTROLS_LESSON})."
    )
    reply.assume(
        f"{tokens(count)} is a count with no period: I priced it once, as one job, not per day."
    )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.warnings_from([now, batched])
    return ctx.reply(reply.render())


def _iterations(text: str, numbers: list[Number]) -> Number | None:
    """The one number that counts a loop's iterations ("~4k iterations", "600 calls")."""
    counted = [n for n in numbers if n.kind != "tokens" and _COUNTED_RE.match(text, n.end)]
    return counted[0] if len(counted) == 1 else None


def _leftovers(text: str, numbers: list[Number], used: set[int]) -> list[Number]:
    """Numbers neither priced nor harmless: not a factor ("5x"), a word ("one"), an ordinal
    ("the 2nd") or a threshold asked about ("over 200k")."""
    out = []
    for n in numbers:
        if n.start in used or n.wordy or n.kind in ("factor", "money", "pct"):
            continue
        if _ORDINAL_RE.match(text[n.end :]) or _THRESHOLD_RE.search(text[: n.start]):
            continue
        out.append(n)
    return out


def _thresholds(text: str, numbers: list[Number]) -> list[str]:
    return [n.raw.strip() for n in numbers if _THRESHOLD_RE.search(text[: n.start])]


def _ask(ctx: Context, unread: list[Number], what: str) -> TutorReply:
    reply = Reply()
    raws = join_words([f'"{n.raw.strip()}"' for n in unread])
    reply.add(
        f"Before I price {what}, what is {raws} in your message: a token count, a number of "
        "requests, or something else? I price only the numbers I have placed."
    )
    return ctx.reply(reply.render(), follow_up=True)


def _loop_reply(ctx: Context, model: Model, count: Number, notes: list[str]) -> TutorReply:
    facts = ctx.conv.new
    parts = facts.prompt_parts() or (
        {"input": facts.parts["input"]} if facts.parts.get("input") else {}
    )
    if not parts:
        return _ask(ctx, [count], "the loop")
    used = {count.start} | {n.start for n in facts.numbers if n.kind == "tokens"}
    unread = _leftovers(facts.text, facts.numbers, used)
    if unread:
        return _ask(ctx, unread, "the loop")
    output = facts.output
    data: dict[str, Any] = {
        "model": model.id,
        "requests": count.whole,
        "per": "day",
        "output_tokens": output or 0,
    }
    data |= {("user_tokens" if p == "input" else f"{p}_tokens"): n for p, n in parts.items()}
    out = ctx.calc.run("workload_cost", data)
    one = ctx.calc.run(
        "estimate_cost",
        {"model": model.id, "input_tokens": out["prompt_tokens"], "output_tokens": output or 0},
    )
    reply = Reply()
    reply.add(*notes)
    size = f"{tokens(out['prompt_tokens'])} tokens of context"
    size += f" and {tokens(output)} output tokens" if output else ""
    reply.add(
        f"**The runaway cost {usd(out['per_day_usd'])}** on {model.display_name}: "
        f"{tokens(count.whole)} iterations, each resending {size}, at "
        f"{exact(one['total_usd'])} an iteration. Every iteration pays for the whole context "
        "again, so a loop costs its context size times its count."
    )
    if not output:
        reply.caveat(
            "No output size given, so that is the input alone: each iteration's answer comes on "
            "top. Tell me its size and I will add it."
        )
    reply.add(
        "**What should have stopped it**, from the nearest guard to the last resort:\n"
        "- a cap on iterations per task (`max_iterations` on the SDK's tool runner, or your "
        "loop's own step limit) and a cap on retries of one failing tool, with backoff;\n"
        "- a token budget per task, checked against `usage` after every call;\n"
        "- a per-user (or per-job) rate limit, so one stuck run cannot take the whole quota;\n"
        "- an hourly anomaly alert on tokens or spend per feature that pages a person, so the "
        "loop is caught within the hour, not in the morning;\n"
        "- a workspace spend limit as the backstop that caps the damage.\n"
        "Caching the repeated context would cut each iteration's input price, but it does not "
        f"stop a loop. More in [Production controls]({CONTROLS_LESSON})."
    )
    reply.assume(
        f"{tokens(count.whole)} iterations is a count, not a rate: I priced them once, as a "
        "total, not per day."
    )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.warnings_from([out])
    return ctx.reply(reply.render())


def _request_sizes(facts: Any) -> list[Number] | None:
    """The prompt size of each request in the message: the input read, then any size said to be
    another request's ("another 102k")."""
    text = facts.text
    first = [n for n in facts.numbers if n.kind == "tokens" and n.part not in (None, "output")]
    if len(first) != 1:
        return None
    more = [
        n
        for n in facts.numbers
        if n.kind == "bare" and n.value >= 1000 and _ANOTHER_RE.search(text[: n.start])
    ]
    return [first[0], *more]


def _long_reply(ctx: Context, model: Model, notes: list[str]) -> TutorReply | None:
    facts = ctx.conv.new
    sizes = _request_sizes(facts)
    output = facts.output
    if not sizes or output is None:
        return None
    used = {n.start for n in sizes} | {
        n.start for n in facts.numbers if n.kind == "tokens" and n.part == "output"
    }
    unread = _leftovers(facts.text, facts.numbers, used)
    if unread:
        return _ask(ctx, unread, "the request")
    outs = [
        ctx.calc.run(
            "estimate_cost",
            {"model": model.id, "input_tokens": n.whole, "output_tokens": output},
        )
        for n in sizes
    ]
    reply = Reply()
    reply.add(*notes)
    lines = []
    for out in outs:
        band = "" if out["band"] == "standard" else f", billed {out['band']}"
        lines.append(
            f"- A {tokens(out['prompt_tokens'])}-token prompt with {tokens(output)} output "
            f"tokens: **{exact(out['total_usd'])}**{band}."
        )
    reply.add("\n".join(lines))
    banded = [o for o in outs if o["band"] != "standard"]
    if model.bands:
        edge = model.bands[0]
        if banded:
            reply.add(
                f"{model.display_name} has a price band: once the prompt passes "
                f"{tokens(edge.above_prompt_tokens)} tokens, every token of the request, "
                "output included, is billed at the higher band's prices "
                f"({usd(str(edge.prices.input))} in / {usd(str(edge.prices.output))} out per "
                f"million instead of {usd(str(model.prices.input))} / "
                f"{usd(str(model.prices.output))}), not just the tokens above the line. That is "
                "the jump between the two."
            )
        reply.add(
            f"**Cap the input below {tokens(edge.above_prompt_tokens)} tokens:** check each "
            "request's size before the call (a rough four characters a token, then the free "
            "`count_tokens` endpoint) and refuse or trim above the limit, so no request crosses "
            "the band by accident."
        )
    else:
        reply.add(
            "**Cap the input:** check each request's size before the call (a rough four "
            "characters a token, then the free `count_tokens` endpoint) and refuse or trim above "
            "a per-feature limit. Without one, a pasted book is billed in full, and again on "
            "every follow-up turn that replays it."
        )
    said = _thresholds(facts.text, facts.numbers)
    if said:
        reply.add(f"{join_words(said)}: read as the size you asked about, not as a request.")
    if not model.bands:
        reply.add(
            f"The course price table lists no size band for {model.display_name}: no "
            "long-context surcharge, so a long prompt costs its tokens at the standard rate."
        )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.warnings_from(outs)
    return ctx.reply(reply.render())
