"""The production architecture advisor lab: plan a set of workloads described in words.

Each workload (split on "First, ... Second, ...", numbered or bulleted lists, or a new request
volume) is read for its name, requests per day, latency need (a person waiting -> realtime;
minutes; hours; overnight / by the next morning; batch), task, token sizes and current model,
then the calculator's plan engine (`plan_architecture`) chooses the API pattern, tier, caching
and controls and costs every step. A later message can change one workload ("what if the
tagging job had to be real-time?") and the plan is costed again, before and after."""

from __future__ import annotations

from ..calc import CalculationFailed
from ..common import Context, helpful_reply
from ..reading import FOLLOW_UP_PHRASES
from ..types import TutorReply
from ..writing import Reply, join_words, plural
from .plan_reply import _plan_reply
from .workloads import Draft, _read_workloads

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
    drafts, previous, changes = _read_workloads(ctx)
    if not drafts:
        facts = ctx.conv.new
        if facts.has_numbers:
            return _ask(ctx, [Draft(name="your workload")], "requests")
        return helpful_reply(ctx, CAPABILITIES, EXAMPLE, topic=TOPIC)
    for d in drafts:
        missing = d.missing()
        if missing:
            return _ask(ctx, drafts, missing[0], d)
    try:
        after = ctx.calc.run("plan_architecture", {"workloads": [d.spec() for d in drafts]})
        before = None
        if previous is not None and not any(d.missing() for d in previous):
            before = ctx.calc.run("plan_architecture", {"workloads": [d.spec() for d in previous]})
            ctx.calc.calls.insert(0, ctx.calc.calls.pop())  # before first, then after
    except CalculationFailed as exc:
        reply = Reply()
        reply.add(f"The calculator could not plan that: {exc}.")
        return ctx.reply(reply.render())
    return _plan_reply(ctx, drafts, after, before, changes)


def _ask(
    ctx: Context, drafts: list[Draft], field_name: str, draft: Draft | None = None
) -> TutorReply:
    draft = draft or drafts[0]
    questions = {
        "requests": f"{FOLLOW_UP_PHRASES['requests']} a day {draft.name} gets",
        "latency": f"{FOLLOW_UP_PHRASES['latency']} an answer is needed for {draft.name} (a "
        "person waiting, within minutes, or by the next morning)",
        "output": f"{FOLLOW_UP_PHRASES['output']} is for {draft.name}",
    }
    reply = Reply()
    if len(drafts) > 1 or draft.name != "your workload":
        reply.add(
            f"I read {plural(len(drafts), 'workload')}: "
            + join_words([f"**{d.name}**" for d in drafts])
            + "."
        )
    wanted = [questions[f] for f in draft.missing() if f in questions] or [questions[field_name]]
    reply.add(f"To plan it I still need to know {join_words(wanted)}.")
    reply.add(
        'Answer in your own words (for example "it can wait until the morning" or "answers '
        'are about 50 tokens"); I keep everything else you told me.'
    )
    return ctx.reply(reply.render(), follow_up=True)
