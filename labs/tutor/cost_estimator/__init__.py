"""The cost estimator lab: what a workload costs, how models compare, and what-if questions.

Scenarios: one call (no volume given), a workload per request/day/month/year, the same workload
on several models, a what-if against the scenario of the earlier turns (double a part, halve
the answers, ten times the traffic, add caching), real time against batch, and how the input
grows over a conversation that replays its history."""

from __future__ import annotations

import re
from decimal import Decimal

from labs.calculator.pricing import Model

from .. import guard
from ..calc import CalculationFailed
from ..common import (
    Context,
    choose_models,
    follow_up,
    helpful_reply,
    retired_notes,
    unknown_model_text,
)
from ..reading import Facts
from ..reading.qualifiers import ONE_OFF_JOB_RE
from ..types import TutorReply
from ..usage_calls import prices_usage, usage_reply
from ..writing import Reply, describe_parts, join_words, plural, price, table
from .history import _history
from .replies import (
    _alternatives,
    _batch,
    _before_after,
    _compare,
    _one_call,
    _workload,
)
from .scenario import Scenario, _base_scenario, _output, _what_if, scenario_parts, thinking_note
from .template import pasted_template, template_reply
from .totals import one_job, token_totals

CAPABILITIES = [
    "the cost of one request, and of a workload per day, 30-day month and 365-day year;",
    "the same workload on two or three models, with the saving against the first;",
    "what-ifs: double the system prompt, halve the answers, ten times the traffic, caching;",
    "real time against the Batches API, and how input grows when history is replayed.",
]
EXAMPLE = (
    "My assistant runs on Sonnet 5.5 with 20,000 requests a day: a 1,000-token system prompt, "
    "a 200-token user message and 250-token answers. What does it cost a month, and what "
    "would Haiku 5.5 save?"
)
TOPIC = "estimating what Claude API workloads cost"
_TOTALS_RE = re.compile(r"\b(?:per|a|each)\s+(?:day|month|year)\b|\bmonthly|\bdaily|\byearly", re.I)
_HISTORY_RE = re.compile(
    r"\b(?:turns?|conversation\s+grows?|history\s+(?:grows?|replay)|replay(?:s|ed|ing)?)\b", re.I
)


def answer(ctx: Context) -> TutorReply:
    conv = ctx.conv
    facts = conv.merged
    choice = choose_models(conv, ctx.table, compare=True)
    if choice.baseline is None:
        reply = Reply()
        reply.add(unknown_model_text(choice.unknown, ctx.table))
        return ctx.reply(reply.render(), follow_up=True)
    if prices_usage(ctx):
        return usage_reply(ctx, choice.baseline, [*choice.retired, *choice.notes])
    template = pasted_template(ctx.message)
    if template is not None:
        return template_reply(ctx, choice.baseline, *template)
    parts, part_notes = scenario_parts(facts)
    output = _output(facts)
    if (
        not conv.new.has_numbers
        and not conv.base.has_numbers
        and not conv.new.modifiers
        and not (conv.new.models and conv.base.models)
    ):
        return _no_numbers(ctx, choice.baseline if not choice.defaulted else None, choice.targets)
    model = choice.baseline
    assert model is not None
    if conv.new.token_totals and conv.new.output is None and guard.check(conv.new).passed:
        totals = Reply()
        totals.add(*choice.retired)
        totals.assume(*choice.notes, *conv.new.notes)
        priced = token_totals(ctx, totals, model, choice.targets)
        if priced is not None:
            return priced
    found = guard.check(conv.new)
    if not found.passed:
        known = _known(model if not choice.defaulted else None, facts, parts, output)
        return guard.question(ctx, found, known)
    if _HISTORY_RE.search(conv.new.text) and (conv.new.turns or facts.parts.get("turn")):
        return _history(ctx, model, facts, choice.notes)
    missing = []
    if not parts:
        missing.append("system")
    if output is None:
        missing.append("output")
    if facts.requests is None and _TOTALS_RE.search(conv.new.text) and not missing:
        missing.append("requests")
    if missing:
        known = _known(model if not choice.defaulted else None, facts, parts, output)
        return follow_up(
            ctx, missing, known, "To price the workload I need the size of each request."
        )
    assert output is not None
    scenario = Scenario(parts, output, facts.requests, facts.per, facts.batch)
    reply = Reply()
    reply.add(*choice.retired)
    reply.assume(*choice.notes, *conv.new.notes, *part_notes, *found.ignored)
    reply.assume(thinking_note(facts))
    if facts.volume_note:
        reply.assume(facts.volume_note)
    if facts.volume_assumed_per and facts.burst_minutes:
        reply.assume(
            f"You gave {facts.volume_text} requests in one burst (about {facts.burst_minutes} "
            "minutes) and no period: the per-day figures are for one such burst a day. Inside "
            "a 5-minute cache lifetime the first request would write a cached prefix and the "
            "rest read it."
        )
    elif facts.volume_assumed_per and ONE_OFF_JOB_RE.search(conv.new.text):
        reply.assume(
            f"You gave {facts.volume_text} requests as one job with no period: I priced the "
            "whole job once, not per day."
        )
    elif facts.volume_assumed_per:
        reply.assume(f"You gave {facts.volume_text} requests without a period; I read it as a day.")
    reply.caveat(*retired_notes([model, *choice.targets], ctx.table))
    try:
        if scenario.requests is None:
            return _one_call(ctx, reply, model, scenario, choice.targets)
        if facts.volume_assumed_per and ONE_OFF_JOB_RE.search(conv.new.text):
            return one_job(ctx, reply, model, scenario)
        if conv.new.batch and not facts.parts.get("cache") and not choice.targets:
            return _batch(ctx, reply, model, scenario)
        before = _base_scenario(ctx)
        if choice.targets:
            return _compare(ctx, reply, model, choice.targets, scenario)
        what_if = _what_if(ctx, scenario)
        if what_if is not None and before is not None:
            return _before_after(ctx, reply, model, before, what_if)
        if before is None and conv.new.modifiers:
            # "what's the cost, and which moves it more: doubling X or 10x the traffic?": each
            # change is priced against the scenario of the same message, one at a time.
            return _alternatives(ctx, reply, model, scenario, conv.new.modifiers)
        return _workload(ctx, reply, model, scenario)
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not price that: {exc}.")
        reply.next_step = "correct that figure and ask again; I keep the rest of the scenario."
        return ctx.reply(reply.render())


def _known(model: Model | None, facts: Facts, parts: dict[str, int], output: int | None) -> str:
    pieces = []
    if model is not None:
        pieces.append(model.display_name)
    if facts.requests is not None:
        pieces.append(plural(facts.requests, "request") + f" a {facts.per}")
    described = describe_parts(parts, output)
    if described:
        pieces.append(described)
    return join_words(pieces)


def _no_numbers(ctx: Context, model: Model | None, targets: list[Model]) -> TutorReply:
    extra = ""
    if model is not None:
        out = ctx.calc.run("list_models", {})
        ids = {model.id, *(m.id for m in targets)}
        rows = [
            [
                r["display_name"],
                price(Decimal(r["input_per_mtok_usd"])),
                price(Decimal(r["output_per_mtok_usd"])),
                r["status"],
            ]
            for r in out["models"]
            if r["id"] in ids
        ]
        extra = (
            "Here are the prices from the course price table, in USD per million tokens:\n\n"
            + table(["Model", "Input", "Output", "Status"], rows, right=(1, 2))
        )
    return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC, extra=extra)
