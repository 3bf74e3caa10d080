"""The plan reply: the calculator's plan for each workload, before and after, in words."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..common import Context, retired_notes
from ..reading.quantities import asked_periods
from ..types import TutorReply
from ..writing import Reply, join_words, pct, per_period, plural, table, tokens, usd
from .workloads import _LATENCY_WORDS, _TTL_WORDS, Draft

# What every batch plan must say: the limits that change how the job is built.
BATCH_MAX_REQUESTS = 100_000
BATCH_FACTS = (
    "How batches behave: one batch holds up to 100,000 requests or 256 MB, whichever comes "
    "first. Results come back within 24 hours (often much sooner, but nothing faster is "
    "promised), in no particular order, so match each result to its request by `custom_id`. "
    "Requests still unfinished after 24 hours expire and are not billed: send them again in "
    "the next batch."
)


# A deadline of seconds or minutes ("within a minute", "route within ~5 min") is shorter than
# what a batch promises, however fast most batches finish.
# Someone waiting on the page rules a batch out too; that is said when the learner asks.
_TOO_SOON_FOR_BATCH = {
    "this deadline is minutes": frozenset({"seconds", "minutes"}),
    "someone is waiting for the answer": frozenset({"realtime", "interactive"}),
}
DEADLINE_FACTS = (
    "Why not a batch for {names}: the Message Batches API promises results only within 24 "
    "hours (most come back sooner, but that is not a guarantee), and {need}. "
    "Send these requests to the standard API from a queue, so workers take them at a steady "
    "rate and a peak waits in the queue rather than hitting rate limits, and lower the cost "
    "with the model tier and caching instead. Read more in [Production controls]"
    "(/modules/cost-optimization/lessons/production-controls/)."
)


def deadline_facts(workloads: Sequence[Mapping[str, Any]], *, asks_batch: bool) -> list[str]:
    """Why a batch does not fit work needed within minutes (always said) or work someone waits
    for (said when the learner asks about a batch)."""
    said = []
    for need, latencies in _TOO_SOON_FOR_BATCH.items():
        urgent = [w["name"] for w in workloads if w["latency"] in latencies]
        if urgent and (asks_batch or need == "this deadline is minutes"):
            names = join_words([f"**{n}**" for n in urgent])
            said.append(DEADLINE_FACTS.format(names=names, need=need))
    return said


def _minimum(caching: dict[str, Any], w: dict[str, Any], names: dict[str, str]) -> str:
    """Whether the prefix clears the model's minimum cacheable length, or that it is unknown."""
    name = names.get(w["model"], w["model"])
    minimum = caching.get("min_cacheable_tokens")
    if minimum:
        return f"above {name}'s {tokens(minimum)}-token minimum for caching"
    return (
        f"{name}'s minimum cacheable length is not published [unconfirmed], so check that "
        "`cache_read_input_tokens` shows up in usage"
    )


def _saving(saving_pct: Any) -> str:
    """A plan that costs more than today is never shown as a (negative) saving."""
    return "costs more" if Decimal(saving_pct) < 0 else pct(saving_pct)


def _count(workloads: list[Any]) -> str:
    return "workload" if len(workloads) == 1 else plural(len(workloads), "workload")


def _step_summary(w: dict[str, Any]) -> str:
    applied = [s for s in w["steps"][1:] if s["applied"] and Decimal(s["saving_usd"]) > 0]
    if not applied:
        return "No step lowers the cost here; the controls still cap the risk."
    best = max(applied, key=lambda s: Decimal(s["saving_usd"]))
    names = {"model": "the model choice", "caching": "caching", "batch": "the Batches API",
             "response_cache": "the response cache"}  # fmt: skip
    return (
        f"The biggest step is {names.get(best['step'], best['step'])}, saving "
        f"{usd(best['saving_usd'])} a month."
    )


def _controls(w: dict[str, Any]) -> str:
    parts = []
    for c in w["controls"]:
        kind = c["kind"]
        if kind == "per_user_rate_limit":
            parts.append(
                f"a per-user rate limit ({tokens(c['limit'])} requests a day)"
                if c.get("limit")
                else "a per-user rate limit"
            )
        elif kind == "budget_alert":
            parts.append(f"a budget alert above {usd(c['threshold_usd'])} a month")
        elif kind == "hourly_anomaly_alert":
            parts.append(f"an hourly alert above {usd(c['threshold_usd'])}")
        elif kind == "input_size_cap":
            parts.append(f"an input cap of {tokens(c['threshold_tokens'])} tokens")
        elif kind == "max_tokens":
            parts.append(f"max_tokens {tokens(c['threshold_tokens'])}")
        elif kind == "response_cache":
            parts.append("an app-level response cache for repeated inputs")
    return join_words(parts)


def _plan_reply(
    ctx: Context,
    drafts: list[Draft],
    out: dict[str, Any],
    before: dict[str, Any] | None,
    changes: list[str],
    *,
    retired: Sequence[str] = (),
    assumed: Sequence[str] = (),
    batch_alone: Mapping[str, dict[str, Any]] | None = None,
    answer_cache: Mapping[str, dict[str, Any]] | None = None,
    change_alone: Mapping[str, dict[str, Any]] | None = None,
) -> TutorReply:
    reply = Reply()
    reply.add(*retired)
    names = {m.id: m.display_name for m in ctx.table.models}
    if before is not None:
        reply.add(
            f"With that change ({'; '.join(dict.fromkeys(changes))}), the plan's total "
            f"goes from {usd(before['total_after_monthly_usd'])} to "
            f"**{usd(out['total_after_monthly_usd'])} a month** after every step. As things "
            f"run today, without any step, it goes from {usd(before['total_before_monthly_usd'])} "
            f"to {usd(out['total_before_monthly_usd'])} a month."
        )
        old = {w["name"]: w for w in before["workloads"]}
        for w in out["workloads"]:
            o = old.get(w["name"])
            if o and (o["api_pattern"] != w["api_pattern"] or o["model"] != w["model"]):
                reply.add(
                    f"**{w['name']}** moves from {o['api_pattern_text']} on "
                    f"{names.get(o['model'], o['model'])} to {w['api_pattern_text']} on "
                    f"{names.get(w['model'], w['model'])}."
                )
    else:
        reply.add(
            f"Here is a plan for your {_count(out['workloads'])}, costed by the "
            f"course calculator: **{usd(out['total_before_monthly_usd'])} a month before, "
            f"{usd(out['total_after_monthly_usd'])} after** "
            + (
                f"(a saving of {usd(out['total_saving_usd'])}, {pct(out['total_saving_pct'])})."
                if Decimal(out["total_saving_usd"]) >= 0
                else "(more than today: keep what runs now unless your tests say otherwise)."
            )
        )
    for name, c in (change_alone or {}).items():
        moved = Decimal(c["difference_per_month_usd"]).copy_abs()
        was, now = usd(c["before"]["per_month_usd"]), usd(c["after"]["per_month_usd"])
        on = f"on {c['before']['display_name']} in real time without caching"
        if c["direction"] == "more":
            reply.add(
                f"The change alone, for **{name}** as it runs today ({on}), **costs {usd(moved)} "
                f"more a month**: {was} to {now}."
            )
        elif c["direction"] == "less":
            reply.add(
                f"The change alone, for **{name}** as it runs today ({on}), **saves "
                f"{usd(moved)} a month**: {was} to {now}."
            )
    rows = [
        [w["name"], w["api_pattern_text"], names.get(w["model"], w["model"]),
         usd(w["before_monthly_usd"]), usd(w["after_monthly_usd"]), _saving(w["saving_pct"])]
        for w in out["workloads"]
    ]  # fmt: skip
    if len(rows) > 1:
        total = [usd(out["total_before_monthly_usd"]), usd(out["total_after_monthly_usd"])]
        rows.append(["**Total**", "", "", *total, _saving(out["total_saving_pct"])])
    reply.add(
        table(
            ["Workload", "Pattern", "Model", "Before / month", "After / month", "Saving"],
            rows,
            right=(3, 4, 5),
        )
    )
    changed_names = {c.split(":")[0] for c in changes}
    for w in out["workloads"]:
        if before is not None and w["name"] not in changed_names:
            continue
        caching = w["caching"]
        cache_text = (
            f"cache the {tokens(caching['prefix_tokens'])}-token shared prefix with the "
            f"{_TTL_WORDS.get(caching['ttl'], caching['ttl'])} TTL "
            f"({pct(caching['hit_rate_pct'])} of requests hit; {_minimum(caching, w, names)})"
            if caching["used"]
            else caching["reason"].replace("not used: ", "no caching: ")
        )
        model_name = names.get(w["model"], w["model"])
        tier_text = (
            f"{model_name} ({w['tier']} tier for {w['task']}; test it on your own examples first)"
            if w["model"] != w["baseline_model"]
            else model_name
        )
        reply.add(
            f"**{w['name']}** ({plural(w['requests_per_day'], 'request')} a day, "
            f"{_LATENCY_WORDS.get(w['latency'], w['latency'])}): {w['api_pattern_text']} on "
            f"{tier_text}; {cache_text}. {_step_summary(w)} Controls: {_controls(w)}."
        )
    # A period asked (a year, a request) and a spend cap are added by `checklist`, for every lab.
    if "hour" in asked_periods(ctx.message):
        for w in out["workloads"]:
            hour = per_period(w["after_monthly_usd"], "month")["hour"]
            alert = next((c for c in w["controls"] if c["kind"] == "hourly_anomaly_alert"), None)
            text = (
                f"**{w['name']}** costs **{usd(hour)} an hour** on average after the plan "
                "(a 24th of the day, traffic spread evenly)"
            )
            if alert is not None:
                text += (
                    f"; an anomaly alert at three times the expected hour fires above "
                    f"**{usd(alert['threshold_usd'])} an hour**"
                )
            reply.add(text + ".")
    for name, b in (batch_alone or {}).items():
        reply.add(
            f"The batch step on its own, for **{name}** on {b['display_name']} with nothing "
            f"else changed: {usd(b['standard_usd'])} a month in real time, "
            f"**{usd(b['batch_usd'])} through the Message Batches API** (half price on every "
            "token)."
        )
    for name, c in (answer_cache or {}).items():
        saved = Decimal(c["difference_per_month_usd"]).copy_abs()
        reply.add(
            f"The answer cache on its own, for **{name}** on {c['before']['display_name']} with "
            f"nothing else changed: {tokens(c['after']['requests'])} of "
            f"{tokens(c['before']['requests'])} requests a day still reach the API, so the month "
            f"goes from {usd(c['before']['per_month_usd'])} to "
            f"**{usd(c['after']['per_month_usd'])}**, a saving of **{usd(saved)} a month** (a "
            "hit costs no tokens). Key entries on the normalized input, never share a cached "
            "answer that is personal to one user (key those per user, or skip them), and give "
            "entries an expiry (a TTL) so answers follow changes in your policies or data."
        )
    batched = [w for w in out["workloads"] if w["api_pattern"] == "batch"]
    if batched:
        reply.add(BATCH_FACTS)
        large = [w["name"] for w in batched if w["requests_per_day"] > BATCH_MAX_REQUESTS]
        if large:
            reply.add(
                f"{join_words(large)} sends more than {tokens(BATCH_MAX_REQUESTS)} requests a "
                "day, so split each day's work across several batches."
            )
    if before is None:
        asks_batch = bool(re.search(r"\bbatch", ctx.message, re.I))
        reply.add(*deadline_facts(out["workloads"], asks_batch=asks_batch))
    reply.assume(*assumed)
    for d in drafts:
        reply.assume(*d.notes)
        prompt = ", ".join(f"{tokens(n)} {p}" for p, n in d.parts.items() if n)
        reply.assume(
            f"{d.name}: prompt {prompt or 'not given (0 tokens)'}; {tokens(d.output or 0)} "
            f"output tokens; task read as {d.task}."
        )
    currents = {d.current_model for d in drafts if d.current_model}
    if not currents:
        reply.assume('No current model given: "before" is the newest Sonnet, in real time.')
    reply.assume(*out["assumptions"])
    models = [m for m in ctx.table.models if m.id in {w["model"] for w in out["workloads"]}]
    models += [m for m in ctx.table.models if m.id in currents and m not in models]
    reply.caveat(*retired_notes(models, ctx.table))
    reply.warnings_from(out["workloads"])
    reply.next_step = (
        'change one assumption and compare, e.g. "what if the tagging job had to be '
        'real-time?" or "what if the system prompt doubled?"'
        if before is None
        else "change another assumption, or ask which controls matter most for each workload."
    )
    return ctx.reply(reply.render())
