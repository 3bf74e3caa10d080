"""The plan reply: the calculator's plan for each workload, before and after, in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..common import Context, retired_notes
from ..types import TutorReply
from ..writing import Reply, join_words, pct, plural, table, tokens, usd
from .workloads import _LATENCY_WORDS, _TTL_WORDS, Draft


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
) -> TutorReply:
    reply = Reply()
    names = {m.id: m.display_name for m in ctx.table.models}
    if before is not None:
        reply.add(
            f"With that change ({'; '.join(dict.fromkeys(changes))}), the plan's total "
            f"goes from {usd(before['total_after_monthly_usd'])} to "
            f"**{usd(out['total_after_monthly_usd'])} a month** after every step."
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
            f"(a saving of {usd(out['total_saving_usd'])}, {pct(out['total_saving_pct'])})."
        )
    rows = [
        [w["name"], w["api_pattern_text"], names.get(w["model"], w["model"]),
         usd(w["before_monthly_usd"]), usd(w["after_monthly_usd"]), pct(w["saving_pct"])]
        for w in out["workloads"]
    ]  # fmt: skip
    if len(rows) > 1:
        total = [usd(out["total_before_monthly_usd"]), usd(out["total_after_monthly_usd"])]
        rows.append(["**Total**", "", "", *total, pct(out["total_saving_pct"])])
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
            f"({pct(caching['hit_rate_pct'])} of requests hit)"
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
