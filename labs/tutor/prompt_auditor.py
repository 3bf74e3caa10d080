"""The prompt audit workshop: audit a pasted prompt (findings, a trimmed rewrite, the tokens and
dollars saved at a volume and model), and sketch a tiered routing design from a traffic mix.

The prompt is the text in a fenced block, in quotes, or after "prompt:"; when the tutor has
asked for it, the learner's whole next message. Without a volume or a model the audit uses
stated defaults."""

from __future__ import annotations

import re
from typing import Any

from labs.calculator.pricing import Model

from . import cost_estimator, prompt_changes
from .caching_layout import _TOP_RES as CHANGING_AT_TOP
from .calc import CalculationFailed
from .common import (
    ON_TOPIC_RE,
    Context,
    choose_models,
    helpful_reply,
    retired_notes,
    unknown_model_text,
)
from .concept_answers import varying_text
from .prompt_checks import check_rewrite, find_injections
from .prompt_routing import _ROUTING_RE, is_routing_follow_up, routing_reply
from .prompt_sizes import WHICH_SIDE_RE, cached_cut_reply, part_cost_reply, sides_reply
from .prompt_usage import usage_advice
from .reading import FOLLOW_UP_PHRASES, Facts, says_cached
from .types import TutorReply
from .usage_calls import prices_usage, usage_reply
from .writing import Reply, join_words, model_prices, plural, table, tokens, usd

CAPABILITIES = [
    "an audit of a pasted prompt: empty preamble, repetition, filler, words that invite long "
    "answers, a missing output format or length bound;",
    "a trimmed rewrite, and the tokens and dollars it saves at your volume and model;",
    "a tiered routing design from your traffic mix, with the classifier's own cost included.",
]
EXAMPLE = (
    'Audit this prompt: "You are a world-class, brilliant assistant. Please be thorough. '
    'Answer the question in detail." It runs 5,000 times a day on Sonnet 5.5.'
)
TOPIC = "auditing prompts for wasted tokens"
DEFAULT_REQUESTS = 10_000
FINDING_NAMES = {
    "empty_preamble": "Empty preamble",
    "filler": "Filler",
    "repetition": "Repetition",
    "length_inviting_words": "Words that invite length",
    "no_output_format": "No output format",
    "no_length_bound": "No length bound",
    "padding": "Padding",
    "injected": "Injected instruction",
}
_AUDIT_RE = re.compile(r"\baudit|\btrim|\bwaste|\bprompt|\bshorten|\btighten|\brewrite", re.I)


def answer(ctx: Context) -> TutorReply:
    conv = ctx.conv
    facts = conv.merged
    earlier = conv.earlier_prompt
    if earlier is not None and len(earlier.split()) < MIN_PROMPT_WORDS:
        earlier = None  # a few words read as a prompt earlier ("1,800 -> 1,100") are not one
    prompt = conv.new.prompt_text or (
        earlier if (conv.new.has_numbers or conv.new.models) else None
    )
    choice = choose_models(conv, ctx.table)
    if choice.baseline is None:
        reply = Reply()
        reply.add(unknown_model_text(choice.unknown, ctx.table))
        return ctx.reply(reply.render(), follow_up=True)
    if prices_usage(ctx):
        # Counts the API reported: priced field by field, then read for where the money goes.
        notes = [*choice.retired, *choice.notes]
        return usage_reply(ctx, choice.baseline, notes, usage_advice)
    if conv.new.prompt_text is None and not conv.new.percents:
        # A trim or a what-if stated in numbers: its signed difference, before any audit.
        changed = prompt_changes.change_reply(
            ctx, choice.baseline, [*choice.retired, *choice.notes]
        )
        if changed is not None:
            return changed
    if prompt is None and is_routing_follow_up(ctx):
        return routing_reply(ctx, choice.baseline, choice.notes)
    if prompt is None and _ROUTING_RE.search(ctx.message) and conv.new.percents:
        return routing_reply(ctx, choice.baseline, choice.notes)
    if prompt is None and _is_workload(facts):
        # A workload to price and no prompt to audit: the cost estimator's answer, not a
        # request to paste a prompt the learner did not ask about.
        priced = cost_estimator.answer(ctx)
        if _BAR_RE.search(ctx.message) and priced.calculations:
            priced.text += (
                "\nChoose by the acceptance bar you fixed before testing: the cheapest model "
                "that clears it on your labelled examples is the one to ship, and a higher "
                "score above the bar is not worth paying for. Keep the test set to re-run when "
                "the prompt or the model changes.\n"
            )
        return priced
    if prompt is None and conv.new.turns and conv.new.parts.get("turn"):
        # A conversation that replays its history (and maybe a window with a summary): the
        # cost estimator's history reply counts it turn by turn with history_growth.
        replayed = cost_estimator.answer(ctx)
        if replayed.calculations and any(c.tool == "history_growth" for c in replayed.calculations):
            return replayed
    if prompt is None and facts.requests and _WASTE_RE.search(ctx.message):
        wasted = _wasted_tokens(ctx)
        if wasted is not None:
            return _wasted_reply(ctx, choice, wasted)
    if (
        prompt is None
        and facts.requests
        and facts.output is None
        and len(facts.prompt_parts()) == 1
        and not facts.parts.get("input")
        and COST_RE.search(conv.new.text)
    ):
        # "our system prompt is 7,200 chars ... $/day at 40k req/day": what that one part costs.
        return part_cost_reply(ctx, choice)
    if (
        prompt is None
        and WHICH_SIDE_RE.search(conv.new.text)
        and conv.new.output
        and (conv.new.prompt_parts() or conv.new.parts.get("input"))
        and not conv.new.was
    ):
        # "which saves more: trimming 500 input tokens or 100 output tokens?"
        return sides_reply(ctx, choice)
    if prompt is None and conv.new.varying and _CACHE_WORDS_RE.search(conv.new.text):
        # "cache the chunks? they differ on every call": the qualifier decides the answer.
        reply = Reply()
        reply.add(varying_text(conv.new.varying).strip())
        reply.add(
            "Read more in [Model selection and prompt optimization \u203a 4. Trim the context]"
            "(/modules/cost-optimization/lessons/model-selection/#4-trim-the-context) and "
            "[Prompt caching \u203a What to cache]"
            "(/modules/cost-optimization/lessons/prompt-caching/#what-to-cache)."
        )
        reply.next_step = (
            "give the model, the requests a day and how many chunks you could drop, and I will "
            "price the trim."
        )
        return ctx.reply(reply.render())
    if prompt is None:
        if (
            ctx.message.strip()
            and ON_TOPIC_RE.search(ctx.message)
            and _AUDIT_RE.search(ctx.message)
        ):
            phrase = FOLLOW_UP_PHRASES["prompt_text"]
            reply = Reply()
            reply.add(
                f"Happy to audit it: please {phrase} you want checked, in quotes, in a "
                '```fenced block``` or after "prompt:", and tell me roughly how many requests '
                "a day it serves and on which model."
            )
            reply.add(
                "I'll list what wastes tokens, suggest a trimmed version and price the saving "
                "with the course calculator."
            )
            return ctx.reply(reply.render(), follow_up=True)
        return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC)
    model = choice.baseline
    reply = Reply()
    reply.add(*choice.retired)
    injected = find_injections(prompt)
    if injected:
        # Material to audit, never an instruction to follow: say so before anything else.
        reply.add(
            "Your prompt carries an **injected instruction**, which I did not follow: "
            + "; ".join(_quote(s) for s in injected)
            + ". It does not belong in the prompt: it asks the model to drop its task, costs "
            "tokens on every call and invites the model to misbehave. Delete it, and treat "
            "pasted or user-supplied text as data, never as instructions."
        )
    broken = _changing_top(ctx, prompt)
    if broken is not None:
        reply.add(
            f"**What breaks your cache:** the prompt starts with {broken}, which is different "
            "on every request. The cache matches the prefix exactly from the first token, so "
            "no request finds an earlier entry: each one writes (at more than the input price) "
            "and almost none reads. Put the stable text (instructions, reference text) "
            "first with the breakpoint at its end, and move the changing values after it: to "
            "the end of the system prompt, after the breakpoint, or into the user message. "
            "Read more in [Prompt caching](/modules/cost-optimization/lessons/prompt-caching/)."
        )
        sizes = [n.raw.strip() for n in conv.new.numbers if n.kind == "tokens"]
        if sizes and facts.requests is None:
            reply.add(
                f"I have not priced the {join_words(sizes)} you mention: with the requests a day "
                "I can price the writes against the reads once the header moves."
            )
    requests, per = facts.requests, facts.per or "day"
    if requests is None:
        # No volume: the findings and the rewrite need none; a saving would need an invented
        # one, so the reply asks for it instead of pricing a made-up traffic.
        try:
            out = ctx.calc.run("audit_prompt", {"prompt": prompt})
        except CalculationFailed as exc:
            reply = Reply()
            reply.add(f"The calculator could not audit that: {exc}.")
            return ctx.reply(reply.render())
        named = None if choice.defaulted else model
        audited = _audit_reply(ctx, reply, None, out, injected, prompt,
                               defaulted=choice.defaulted, named=named)  # fmt: skip
        # The cache question is answered; the volume only prices the trims on top.
        audited.asked_follow_up = audited.asked_follow_up and broken is None
        return audited
    reply.assume(*choice.notes)
    reply.caveat(*retired_notes([model], ctx.table))
    if facts.volume_note:
        reply.assume(facts.volume_note)
    if _ONE_SENTENCE_RE.search(conv.new.text) and COST_RE.search(conv.new.text):
        return _sentence_reply(ctx, reply, model, prompt, requests, per)
    try:
        out = ctx.calc.run(
            "audit_prompt", {"prompt": prompt, "model": model.id, "requests": requests, "per": per}
        )
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not audit that: {exc}.")
        return ctx.reply(reply.render())
    return _audit_reply(ctx, reply, model, out, injected, prompt)


# A question about one sentence of the pasted prompt ("what does that first sentence cost?").
_ONE_SENTENCE_RE = re.compile(
    r"\b(?:first|opening|1st|intro(?:ductory)?)\s+(?:sentence|line)\b|\bthe\s+opening\b", re.I
)
COST_RE = re.compile(r"\bcost|\bhow\s+much\b|\$|\bspend|\bworth\b", re.I)
_FIRST_SENTENCE_RE = re.compile(r"^\s*(.+?[.!?])(?=\s|$)", re.S)


def _sentence_reply(
    ctx: Context, reply: Reply, model: Model, prompt: str, requests: int, per: str
) -> TutorReply:
    """The cost of the prompt's first sentence alone: its tokens are input on every request."""
    found = _FIRST_SENTENCE_RE.match(prompt)
    sentence = (found.group(1) if found else prompt.splitlines()[0]).strip()
    try:
        size = ctx.calc.run("audit_prompt", {"prompt": sentence})
        data = {"model": model.id, "requests": requests, "per": per,
                "system_tokens": size["tokens_estimate"], "output_tokens": 0}  # fmt: skip
        out = ctx.calc.run("workload_cost", data)
    except CalculationFailed as exc:
        reply.add(f"The calculator could not price that: {exc}.")
        return ctx.reply(reply.render())
    reply.add(
        f"That first sentence, {_quote(sentence, 60)}, is about "
        f"**{tokens(size['tokens_estimate'])} tokens** (an estimate at about four characters "
        "a token; `count_tokens` gives the exact count). It is input, sent and billed on "
        "every request: at "
        f"{plural(requests, 'request')} a {per} on {model.display_name} it costs "
        f"**{usd(out['per_day_usd'])} a day, {usd(out['per_month_usd'])} a month** and "
        f"{usd(out['per_year_usd'])} a year."
    )
    reply.add(
        "If the sentence only sets a persona or praises the model (a preamble), it constrains "
        "nothing the answer must do, so deleting it saves exactly that, if the answers stay as "
        "good on your own test examples. I priced only this sentence, as you asked; the rest "
        "of the prompt and the answers are left out."
    )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = "ask for the full audit of the prompt to see what else it wastes."
    return ctx.reply(reply.render())


_CACHE_WORDS_RE = re.compile(r"\bcach(?!e_(?:creation|read))", re.I)


def _changing_top(ctx: Context, prompt: str) -> str | None:
    """What at the top of a pasted prompt changes on every call (a date, a time, a user's
    name), when the learner asks about caching: it makes every prefix different."""
    if not _CACHE_WORDS_RE.search(ctx.conv.new.text):
        return None
    top = prompt.lstrip()[:100]
    found = [what for what, pattern in CHANGING_AT_TOP if pattern.search(top)]
    return join_words(list(dict.fromkeys(found))) if found else None


def _quote(sentence: str, limit: int = 70) -> str:
    s = " ".join(sentence.split())
    return f'"{s if len(s) <= limit else s[: limit - 3] + "..."}"'


MIN_PROMPT_WORDS = 8
_BAR_RE = re.compile(r"\b(?:acceptance\s+)?bar\b|\bthreshold\b|\blabell?ed\b|\beval\b", re.I)
# Wording the learner calls dead weight: its tokens are what removing it saves.
_WASTE_RE = re.compile(
    r"\b(?:fluff|filler|boilerplate|preamble|padding|pleasantries|dead\s+weight|"
    r"that\s+(?:bit|part|sentence))\b"
    # A cut stated as a token count: "we can cut 1,000 tok", "the trim saves ~500 tok".
    r"|\b(?:cut|cuts|cutting|remove|removing|drop|dropping|delete|deleting|strip|trim|trims|"
    r"trimming|shave|shaves|shaving)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?\d|"
    r"\btrim\s+(?:saves|removes|cuts)\b",
    re.I,
)
# A cut from the answers, not the prompt: "shave ~120 tok off each answer", "trimming 200
# output tok". Output is priced at the output price, about five times the input's.
_OFF_OUTPUT_RE = re.compile(
    r"\b(?:off|from)\s+(?:each|every|the|our|an?)\s+(?:answers?|repl(?:y|ies)|responses?|"
    r"outputs?|completions?)\b",
    re.I,
)
# Traffic that is not spread over the whole day: the per-day reading of a rate would be wrong
# unless the reader found the hours it arrives in ("office hours (9-17)").
_PART_TIME_RE = re.compile(
    r"\boffice\s+hours|\bbusiness\s+hours|\bworking\s+(?:hours|days?)|\bweekdays?\b|"
    r"\bmon(?:day)?\s*[-\u2013]\s*fri|\b\d{1,2}\s*[-\u2013]\s*\d{1,2}\b",
    re.I,
)
# Traffic on working days only: a month is about 22 of them, not 30.
_WORKDAYS_RE = re.compile(
    r"\bmon(?:day)?\s*(?:[-\u2013]|to|through|thru)\s*fri(?:day)?\b|\bweekdays?\b|"
    r"\b(?:working|business|work)\s+days?\b|\bno\s+weekends?\b|\bnot\s+(?:on\s+)?weekends\b",
    re.I,
)
WORKDAYS_PER_MONTH = 22


def _wasted_tokens(ctx: Context) -> int | None:
    """The one token count in a message about dead-weight wording, or None when unsure."""
    facts = ctx.conv.new
    hourly = facts.volume_note is not None and "around the clock" in facts.volume_note
    if _PART_TIME_RE.search(ctx.message) and (hourly or not (facts.active_hours or facts.per)):
        return None
    # "~1.8k tok and ~600 of that is fluff": the share named as dead weight is what a cut
    # removes, not the whole prompt.
    counts = [n for n in facts.numbers if n.kind == "share"] or [
        n for n in facts.numbers if n.kind == "tokens"
    ]
    if len(counts) != 1:
        return None
    return counts[0].whole


def _cut_from_output(ctx: Context) -> bool:
    """The dead weight is in the answers: the one token count is labelled output."""
    numbers = [n for n in ctx.conv.new.numbers if n.kind in ("tokens", "share")]
    labelled = len(numbers) == 1 and numbers[0].part == "output"
    return labelled or bool(_OFF_OUTPUT_RE.search(ctx.message))


def _wasted_reply(ctx: Context, choice: Any, wasted: int) -> TutorReply:
    """What the dead-weight wording costs: its tokens are input, billed on every request."""
    facts = ctx.conv.merged
    model = choice.baseline
    reply = Reply()
    if choice.defaulted:
        # The price of a token differs 40-fold between tiers: a saving priced on a model the
        # learner never named would look exact and be wrong.
        reply.add(
            f"{tokens(wasted)} tokens a request are worth very different amounts on Haiku, "
            "Sonnet and Opus, so I have not priced them yet. Which model does this run on?"
        )
        return ctx.reply(reply.render(), follow_up=True)
    reply.add(*choice.retired)
    output = _cut_from_output(ctx)
    if says_cached(ctx.conv.new.text) and not output:
        return cached_cut_reply(ctx, reply, choice, wasted)
    side = "output_tokens" if output else "system_tokens"
    sized = {"system_tokens": 0, "output_tokens": 0, side: wasted}
    out = ctx.calc.run(
        "workload_cost",
        {
            "model": model.id,
            "requests": facts.requests,
            "per": facts.per or "day",
            **sized,
        },
    )
    side_word = "output" if output else "input"
    billed = (
        "output, generated and billed on every answer"
        if output
        else "input, sent and billed on every request"
    )
    workdays = facts.per == "day" and _WORKDAYS_RE.search(ctx.message) is not None
    if workdays:
        # Traffic on working days only: the day's figure is a working day's, and the month
        # counts the working days in it (a reading of the volume, stated as an assumption).
        month = ctx.calc.run(
            "workload_cost",
            {
                "model": model.id,
                "requests": facts.requests * WORKDAYS_PER_MONTH,
                "per": "month",
                **sized,
            },
        )
        reply.add(
            f"Those {tokens(wasted)} tokens are {billed}: on "
            f"{model.display_name} they cost **{usd(out['per_day_usd'])} a working day and "
            f"{usd(month['per_month_usd'])} a month** ({WORKDAYS_PER_MONTH} working days), "
            "with nothing on weekends. Deleting them saves exactly that, if the answers stay as "
            "good on your test examples."
        )
        reply.assume(
            f"Traffic on working days only: {tokens(facts.requests)} requests a working day, "
            f"{WORKDAYS_PER_MONTH} working days a month "
            f"({tokens(facts.requests * WORKDAYS_PER_MONTH)} requests a month); a month has 20 "
            "to 23 of them, so the month moves a little."
        )
    else:
        if facts.active_hours and facts.active_hours < 24:
            reply.assume(
                f"Traffic in those {facts.active_hours} hours on every day of the month; if "
                'weekends are quiet, say "weekdays only" and I will count working days.'
            )
        reply.add(
            f"Those {tokens(wasted)} tokens are {billed}: on "
            f"{model.display_name} they cost **{usd(out['per_day_usd'])} a day, "
            f"{usd(out['per_month_usd'])} a month and {usd(out['per_year_usd'])} a year**. "
            f"{'Cutting them from the answers' if output else 'Deleting them'} saves exactly "
            "that, if the answers stay as good on your test examples."
        )
    reply.assume(*choice.notes)
    if facts.volume_note:
        reply.assume(facts.volume_note)
    reply.assume(
        f"Only the {tokens(wasted)} tokens you named are priced, at the {side_word} price; "
        "the rest of the prompt and the answers are left out."
    )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    # The calculator's 30-day month is not the working-day month priced above.
    reply.assume(*[a for a in out["assumptions"] if not (workdays and a.startswith("A month"))])
    reply.warnings_from([out])
    reply.next_step = "paste the whole prompt for an audit of the rest."
    return ctx.reply(reply.render())


def _is_workload(facts: Facts) -> bool:
    return bool(facts.requests and facts.output is not None and facts.prompt_parts()) or bool(
        facts.requests and facts.output is not None and facts.parts.get("input")
    )


def _audit_reply(
    ctx: Context,
    reply: Reply,
    model: Model | None,
    out: dict[str, Any],
    injected: list[str],
    prompt: str,
    *,
    defaulted: bool = False,
    named: Model | None = None,
) -> TutorReply:
    findings = out["findings"]
    checks = check_rewrite(out["rewrite"], injected, prompt)
    grouped: dict[str, list[str]] = {}
    length_words: list[str] = []
    for f in findings:
        if f["kind"] == "length_inviting_words":
            # One sentence for all of them, not one per sentence of the prompt.
            length_words += [w.strip() for w in f["message"].split(" invite")[0].split(",")]
            continue
        grouped.setdefault(f["kind"], []).append(f["message"])
    if length_words:
        words = ", ".join(f'"{w}"' for w in dict.fromkeys(length_words))
        grouped["length_inviting_words"] = [
            f"{words} ask for long answers, and output is the expensive side of the bill; ask "
            "for a concise answer in a stated format instead."
        ]
    if checks.repeated:
        grouped.setdefault("repetition", []).append(
            "Said again in other words: " + "; ".join(_quote(s) for s in checks.repeated) + "."
        )
    if checks.padding:
        grouped.setdefault("padding", []).append(
            "Wording that wraps an instruction without adding to it: "
            + ", ".join(f'"{p}"' for p in dict.fromkeys(checks.padding))
            + ". Say the instruction itself."
        )
    if injected:
        grouped.setdefault("injected", []).append(
            "Removed from the trimmed version: " + "; ".join(_quote(s) for s in injected) + "."
        )
    if grouped:
        reply.add(
            f"Your prompt is about **{tokens(out['tokens_estimate'])} tokens** (an estimate). "
            "What wastes tokens:"
        )
        reply.add(
            "\n".join(
                f"- **{FINDING_NAMES.get(kind, kind)}**: {' '.join(dict.fromkeys(messages))}"
                for kind, messages in grouped.items()
            )
        )
    else:
        reply.add(
            f"Your prompt is about **{tokens(out['tokens_estimate'])} tokens** (an estimate) and "
            "I found nothing to trim: no preamble, repetition or filler, and it names a format "
            "and bounds the length."
        )
    trimmed = out["tokens_saved"] > 0 or checks.rewrite != out["rewrite"]
    if trimmed:
        reply.add("**Trimmed version** (it keeps every instruction that constrains the answer):")
        reply.add("```text\n" + checks.rewrite + "\n```")
    if out["suggested_additions"]:
        reply.add(
            "Then add what trimming cannot: "
            + " ".join(out["suggested_additions"])
            + " A format and a length bound cut output tokens, which cost five times as much as "
            "input on the current models; the audit cannot measure that part, so tell me how "
            "long a typical answer is and I will price it."
        )
    if (model or named) is not None and (model or named).tier == "opus":  # type: ignore[union-attr]
        reply.add(
            "Before paying Opus prices, run a labelled test set (50 to 200 real examples) "
            "through Sonnet and Haiku against an acceptance bar fixed in advance, and keep the "
            "cheapest model that clears it."
        )
    extra = None
    if checks.removed_text:
        extra = ctx.calc.run("audit_prompt", {"prompt": checks.removed_text})
    if model is None:
        if extra is not None:
            reply.add(
                f"The wording removed on top of the calculator's trims is about "
                f"{tokens(extra['tokens_estimate'])} tokens a request (estimate)."
            )
        reply.assume(*[a for a in out["assumptions"] if not a.startswith("The rewrite only")])
        wanted = "how many requests a day it serves" + (" and on which model" if defaulted else "")
        reply.add(
            f"To price the saving I need {wanted}: could you tell me? I have not assumed a volume."
        )
        return ctx.reply(reply.render(), follow_up=True)
    per = out["per"]
    headers = ["Original", "Trimmed", "Saved per request", f"Saved per {per}"]
    row = [
        f"{tokens(out['tokens_estimate'])} tokens",
        f"{tokens(out['rewrite_tokens_estimate'])} tokens",
        f"{tokens(out['tokens_saved'])} tokens",
        usd(out["saving_usd"]),
    ]
    if per == "day":
        headers.append("Saved per month")
        row.append(usd(out["saving_per_month_usd"]))
    reply.add(table(headers, [row], right=tuple(range(len(row)))))
    reply.add(
        f"At {plural(out['requests'], 'request')} a {per} on {model.display_name}, the "
        f"calculator's trims save **{usd(out['saving_usd'])} a {per}** "
        f"({usd(out['saving_per_month_usd'])} a month) of input. Re-test the trimmed prompt on "
        "your own examples before you ship it."
    )
    if extra is not None and extra["tokens_estimate"]:
        cost = ctx.calc.run(
            "workload_cost",
            {
                "model": model.id,
                "requests": out["requests"],
                "per": per,
                "system_tokens": extra["tokens_estimate"],
                "output_tokens": 0,
            },
        )
        reply.add(
            f"The wording I removed on top (padding and injected lines) is about "
            f"{tokens(extra['tokens_estimate'])} more tokens a request (estimate), worth "
            f"{usd(cost['per_day_usd'])} a day and {usd(cost['per_month_usd'])} a month of input; "
            "the table counts the calculator's trims only."
        )
    reply.assume(f"Prices per million tokens, from the course price table: {model_prices(model)}.")
    reply.assume(*[a for a in out["assumptions"] if not a.startswith("The rewrite only")])
    reply.warnings_from([out])
    reply.next_step = (
        "check your real token counts with `count_tokens`, or describe your traffic mix "
        '("70% simple, 25% medium, 5% complex") for a tiered routing design.'
    )
    return ctx.reply(reply.render())
