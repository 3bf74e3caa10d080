"""The production architecture advisor lab: plan a set of workloads described in words.

Each workload (split on "First, ... Second, ...", numbered or bulleted lists, or a new request
volume) is read for its name, requests per day, latency need (a person waiting -> realtime;
minutes; hours; overnight / by the next morning; batch), task, token sizes and current model,
then the calculator's plan engine (`plan_architecture`) chooses the API pattern, tier, caching
and controls and costs every step. A later message can change one workload ("what if the
tagging job had to be real-time?") and the plan is costed again, before and after."""

from __future__ import annotations

import re
from typing import Any

from labs.calculator.workload_specs import TASK_TIERS

from ..calc import CalculationFailed
from ..common import Context, choose_models, helpful_reply, replace_retired
from ..concept_answers import concept_text
from ..intents import find_concepts
from ..reading import FOLLOW_UP_PHRASES
from ..types import TutorReply
from ..usage_calls import prices_usage, usage_reply
from ..writing import Reply, join_words, plural
from . import steps
from .one_off import one_off_reply
from .plan_reply import _plan_reply, deadline_facts
from .workloads import PATTERN_QUESTION_RE, Draft, _read_workloads

CAPABILITIES = [
    "for each workload: real-time streaming or the Message Batches API, from its latency need;",
    "the model tier to test first, from its task, and a prompt caching plan;",
    "the controls: budget and hourly anomaly alerts, rate limits, input cap, max_tokens;",
    "the monthly cost before and after each step (model, caching, batch).",
]
EXAMPLE = (
    "I run two workloads. A support chat: 20,000 requests a day, a user waiting, a 2,000-token "
    "system prompt, 200-token messages and 300-token answers. A nightly report summarizer: "
    "5,000 requests a day, needed by morning, 3,000-token inputs and 400-token answers. Both on "
    "Sonnet 5.5. What do you recommend?"
)
TOPIC = "the cost architecture of production Claude API workloads"


def answer(ctx: Context) -> TutorReply:
    if prices_usage(ctx):
        choice = choose_models(ctx.conv, ctx.table)
        if choice.baseline is not None:
            return usage_reply(ctx, choice.baseline, [*choice.retired, *choice.notes])
    # A one-off (a runaway loop, one long message) is priced once, not planned as a workload.
    once = one_off_reply(ctx, lambda: concept_instead(ctx))
    if once is not None:
        return once
    drafts, previous, changes = _read_workloads(ctx)
    if not drafts:
        facts = ctx.conv.new
        if facts.has_numbers:
            # No workload volume: an idea with numbers in it. The idea's answer says more
            # than a question about requests a day would.
            return concept_instead(ctx) or _ask(ctx, [Draft(name="your workload")], "requests")
        return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC)
    assumed = _assume_latency(ctx, drafts)
    for d in drafts:
        missing = d.missing()
        if missing and deadline_rules_out_batch(ctx, d):
            # "route within ~5 min ... can we push it through batches?": the deadline answers
            # the question before any figure is priced; the missing sizes are still asked.
            return _deadline_reply(ctx, drafts, d, missing[0])
        if missing:
            if "latency" not in missing and not COST_QUERY_RE.search(ctx.message):
                # The question is not about what it costs, and only a cost needs the figure.
                concept = concept_instead(ctx)
                if concept is not None:
                    return concept
            return _ask(ctx, drafts, missing[0], d)
    retired = _replace_retired(ctx, drafts)
    if previous is not None:
        _replace_retired(ctx, previous)
    _keep_models(ctx, drafts)
    _no_dearer_tier(ctx, drafts)
    if previous is not None:
        _no_dearer_tier(ctx, previous)
    _what_if_model(drafts, previous)
    try:
        if previous is None and steps.is_either_question(ctx, drafts):
            return steps.either_reply(ctx, drafts[0])
        after = ctx.calc.run("plan_architecture", {"workloads": [d.spec() for d in drafts]})
        if previous is None and steps.is_stack_question(ctx, drafts):
            # The plan's own reading of the shared prefix, then the learner's order of steps.
            prefix = after["workloads"][0]["caching"]["prefix_tokens"]
            return steps.stack_reply(ctx, drafts[0], prefix)
        before = None
        if previous is not None and not any(d.missing() for d in previous):
            before = ctx.calc.run("plan_architecture", {"workloads": [d.spec() for d in previous]})
            ctx.calc.calls.insert(0, ctx.calc.calls.pop())  # before first, then after
        alone = _batch_alone(ctx, drafts, after)
        answered = _answer_cache_alone(ctx, drafts)
        moved = _change_alone(ctx, drafts, previous) if before is not None else {}
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not plan that: {exc}.")
        return ctx.reply(reply.render())
    return _plan_reply(ctx, drafts, after, before, changes, retired=retired, assumed=assumed,
                       batch_alone=alone, answer_cache=answered, change_alone=moved)  # fmt: skip


FALLBACK_SCORE = 4.0
COST_QUERY_RE = re.compile(
    r"\bhow\s+much\b|\bcost|\$|\bmonthly\b|\bper\s+(?:day|month|year)\b|\bsav(?:e|es|ing)\b|"
    r"\bprice|\bbill\b|/\s*mo\b",
    re.I,
)


def concept_instead(ctx: Context) -> TutorReply | None:
    """The concept base's answer to the message, when it has a confident one."""
    if "?" not in ctx.message or ctx.conv.expect:
        return None  # a statement, or the answer to the question the tutor asked
    matches = find_concepts(ctx.message)
    # Weaker than the front layer's bar for a message with numbers: the alternative here is a
    # question back that would only price an example.
    if not matches or matches[0].score < FALLBACK_SCORE:
        return None
    return TutorReply(concept_text(matches, ctx.table), kind="concept")


def deadline_rules_out_batch(ctx: Context, draft: Draft) -> bool:
    """The learner asks about a batch for work that someone waits for or needs in minutes."""
    return (
        bool(re.search(r"\bbatch", ctx.message, re.I))
        and deadline_facts([{"name": draft.name, "latency": draft.latency}], asks_batch=True) != []
    )


def _deadline_reply(ctx: Context, drafts: list[Draft], d: Draft, missing: str) -> TutorReply:
    asked = _ask(ctx, drafts, missing, d)
    facts = deadline_facts([{"name": d.name, "latency": d.latency}], asks_batch=True)
    concept = concept_instead(ctx)
    lead = "\n\n".join([*facts, *([concept.text] if concept is not None else [])])
    asked.text = f"{lead}\n\n{asked.text}"
    return asked


def _assume_latency(ctx: Context, drafts: list[Draft]) -> list[str]:
    """A workload whose deadline is not said is planned as real time, and the reply says so;
    only a question about the choice itself ("batch or realtime?") is asked back."""
    if PATTERN_QUESTION_RE.search(ctx.message):
        return []
    notes = []
    for d in drafts:
        if d.missing() == ["latency"]:
            d.latency = "realtime"
            notes.append(
                f"{d.name}: no deadline given, so I assumed someone waits for the answer (real "
                'time). If nobody reads it until later, say so ("nobody waits for it") and I '
                "will price the Message Batches API at half price."
            )
    return notes


def _replace_retired(ctx: Context, drafts: list[Draft]) -> list[str]:
    """A retired model cannot be bought: today's model of its tier is the "before"."""
    said: list[str] = []
    models = {m.id: m for m in ctx.table.models}
    for d in drafts:
        model = models.get(d.current_model or "")
        if model is None or model.status != "retired":
            continue
        (current,), sentences = replace_retired([model], ctx.table)
        d.current_model = current.id
        said += [s for s in sentences if s not in said]
    return said


_KEEP_RE = re.compile(
    r"\bnothing\s+else\s+chang|\bonly\s+(?:the\s+)?batch|\bstay(?:ing)?\s+on\b|\bkeep(?:ing)?\s+"
    r"(?:it\s+on\s+|the\s+)?(?:haiku|sonnet|opus|model|tier)|\bstay\s+on\s+the\s+\w+\s+tier",
    re.I,
)


def _keep_models(ctx: Context, drafts: list[Draft]) -> None:
    """ "Nothing else changed", "we want to stay on the Opus tier": the plan keeps the model."""
    if not _KEEP_RE.search(ctx.message):
        return
    for d in drafts:
        if d.current_model:
            d.fixed_model = d.current_model


_TIER_RANK = {"haiku": 0, "sonnet": 1, "opus": 2}


def _no_dearer_tier(ctx: Context, drafts: list[Draft]) -> None:
    """A workload already on a cheaper tier than its task's usual one stays there: moving up
    costs more, and only the learner's own test set can say the cheaper model falls short."""
    models = {m.id: m for m in ctx.table.models}
    for d in drafts:
        current = models.get(d.current_model or "")
        if current is None or d.fixed_model:
            continue
        wanted = TASK_TIERS.get(d.task)
        if _TIER_RANK.get(wanted or "", -1) > _TIER_RANK.get(current.tier, 99):
            d.fixed_model = current.id
            d.notes.append(
                f"{d.name}: kept on {current.display_name}, which it runs on today. A {wanted} "
                "model would cost more; move up only for the requests your test set shows "
                f"{current.display_name} getting wrong."
            )


def _what_if_model(drafts: list[Draft], previous: list[Draft] | None) -> None:
    """ "And on Haiku 5.5?" after a plan: the plan uses that model, and today's model stays
    the "before", so the change is measured against what runs now."""
    if previous is None:
        return
    old = {d.name: d.current_model for d in previous}
    for d in drafts:
        was = old.get(d.name)
        if d.current_model and was and d.current_model != was:
            d.fixed_model, d.current_model = d.current_model, was


def _batch_alone(
    ctx: Context, drafts: list[Draft], plan: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """For each workload planned on the Batches API: real time against batch on the model it
    runs on today, nothing else changed, so the batch step is visible on its own."""
    out: dict[str, dict[str, Any]] = {}
    by_name = {d.name: d for d in drafts}
    for w in plan["workloads"]:
        d = by_name.get(w["name"])
        if d is None or w["api_pattern"] != "batch":
            continue
        data: dict[str, Any] = {
            "model": w["baseline_model"],
            "requests": d.requests_per_day,
            "per": "day",
            "output_tokens": d.output,
        }
        data |= {f"{part}_tokens": n for part, n in d.parts.items() if n}
        out[w["name"]] = ctx.calc.run("batch_savings", data)
    return out


def _answer_cache_alone(ctx: Context, drafts: list[Draft]) -> dict[str, dict[str, Any]]:
    """For each workload with repeated requests: today's setup with and without an app-level
    answer cache, nothing else changed. A hit costs no tokens, so the cache removes the repeats
    from the calls sent; the signed difference is the cache's own saving."""
    out: dict[str, dict[str, Any]] = {}
    for d in drafts:
        if not d.repeat_rate or not d.requests_per_day or d.output is None:
            continue
        sent = max(1, int((d.requests_per_day * (1 - d.repeat_rate)).to_integral_value()))
        data: dict[str, Any] = {
            "model": d.current_model or ctx.table.latest("sonnet").id,
            "requests": d.requests_per_day,
            "per": "day",
            "output_tokens": d.output,
            "changes": {"requests": sent},
        }
        data |= {f"{part}_tokens": n for part, n in d.parts.items() if n}
        out[d.name] = ctx.calc.run("workload_change", data)
    return out


def _change_alone(
    ctx: Context, drafts: list[Draft], previous: list[Draft] | None
) -> dict[str, dict[str, Any]]:
    """A what-if on a workload's size or volume, on what runs today (its model, real time, no
    caching): the signed difference of the change alone, so a dearer change says so."""
    out: dict[str, dict[str, Any]] = {}
    old = {d.name: d for d in previous or []}
    for d in drafts:
        p = old.get(d.name)
        if p is None or p.output is None or d.output is None or not p.requests_per_day:
            continue
        changes: dict[str, Any] = {
            f"{part}_tokens": d.parts.get(part, 0)
            for part in {*p.parts, *d.parts}
            if d.parts.get(part, 0) != p.parts.get(part, 0)
        }
        if d.output != p.output:
            changes["output_tokens"] = d.output
        if d.requests_per_day != p.requests_per_day:
            changes["requests"] = d.requests_per_day
        if not changes:
            continue
        data: dict[str, Any] = {
            "model": p.current_model or ctx.table.latest("sonnet").id,
            "requests": p.requests_per_day,
            "per": "day",
            "output_tokens": p.output,
            "changes": changes,
        }
        data |= {f"{part}_tokens": n for part, n in p.parts.items() if n}
        out[d.name] = ctx.calc.run("workload_change", data)
    return out


def _ask(
    ctx: Context, drafts: list[Draft], field_name: str, draft: Draft | None = None
) -> TutorReply:
    draft = draft or drafts[0]
    questions = {
        "requests": f"{FOLLOW_UP_PHRASES['requests']} a day {draft.name} gets",
        "latency": f"{FOLLOW_UP_PHRASES['latency']} an answer is needed for {draft.name} (a "
        "person waiting, within minutes, or by the next morning)",
        "output": f"{FOLLOW_UP_PHRASES['output']} is for {draft.name}",
        "prompt": f"{FOLLOW_UP_PHRASES['user']} (and any system prompt or documents) is for "
        f"{draft.name}",
    }
    reply = Reply()
    if len(drafts) > 1 or draft.name != "your workload":
        reply.add(
            f"I read {plural(len(drafts), 'workload')}: "
            + join_words([f"**{d.name}**" for d in drafts])
            + "."
        )
    wanted = [questions[f] for f in draft.missing() if f in questions] or [questions[field_name]]
    # Asked as a question, so the learner sees what to answer (the common follow-up's form).
    reply.add(f"To plan it, could you tell me {join_words(wanted)}?")
    reply.add(
        'Answer in your own words (for example "it can wait until the morning" or "answers '
        'are about 50 tokens"); I keep everything else you told me.'
    )
    return ctx.reply(reply.render(), follow_up=True)
