"""Architecture plan: for each workload, the API pattern, the model tier, a caching plan, the
controls, and the monthly cost before and after each step.

Rules (deterministic):

- API pattern: a latency need of realtime / interactive / seconds / minutes gets real-time calls
  with streaming; hours / overnight / daily / batch gets the Message Batches API (results can take
  up to 24 hours; most batches finish within one).
- Tier by task: classification, extraction, moderation, tagging, routing, faq -> haiku;
  chat, support, summarization, drafting, writing, rag, qa, translation, general -> sonnet;
  reasoning, analysis, code, agent, research, planning -> opus. A workload may set `tier` or
  `model` itself. The model is the tier's newest current model in the price table.
- Baseline ("before"): the workload's `current_model`, or the newest current Sonnet, in real
  time without caching.
- Caching: the shared prefix is tools + system + examples + documents (history and the user
  message differ between conversations). Real-time traffic is costed with Poisson arrivals for
  both TTLs and the cheaper one is kept; batch uses the 1-hour TTL (the docs recommend it, since
  a batch can run past 5 minutes) with steady traffic. Caching is kept only if it saves money.
- Steps, in order: choose the model, cache the prefix, batch (when latency allows), then an
  app-level response cache answering `repeat_rate` of requests without an API call.
- Controls: per-user rate limit (real time), budget alert at 120% of the planned month, hourly
  anomaly alert at 3x the expected hour, input size cap at 4x the expected user message (at
  least 1,000 tokens), max_tokens at 1.5x the expected output, and a response cache where
  requests repeat. A month is 30 days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .caching import DAYS_PER_MONTH, PERIOD_ASSUMPTION, plan_breakpoints
from .calls import model_warnings
from .costs import Workload, WorkloadCost, cost_of_workload
from .errors import CalculatorError
from .formatting import format_tokens, format_usd
from .pricing import Model, PriceTable
from .workload_specs import TASK_TIERS, WorkloadSpec

RESPONSE_CACHE_TASKS = ("classification", "extraction", "moderation", "tagging", "faq")


@dataclass(frozen=True)
class PlanStep:
    step: str
    description: str
    applied: bool
    monthly_usd: Decimal
    saving_usd: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "description": self.description,
            "applied": self.applied,
            "monthly_usd": self.monthly_usd,
            "saving_usd": self.saving_usd,
        }


@dataclass(frozen=True)
class WorkloadPlan:
    spec: WorkloadSpec
    baseline: Model
    model: Model
    caching: dict[str, Any]
    steps: tuple[PlanStep, ...]
    controls: tuple[dict[str, Any], ...]

    @property
    def before_usd(self) -> Decimal:
        return self.steps[0].monthly_usd

    @property
    def after_usd(self) -> Decimal:
        return self.steps[-1].monthly_usd

    def as_dict(self) -> dict[str, Any]:
        s = self.spec
        saving = self.before_usd - self.after_usd
        return {
            "name": s.name,
            "requests_per_day": s.requests_per_day,
            "latency": s.latency,
            "task": s.task,
            "api_pattern": s.pattern,
            "api_pattern_text": "Message Batches API"
            if s.pattern == "batch"
            else "real-time calls with streaming",
            "tier": self.model.tier,
            "model": self.model.id,
            "baseline_model": self.baseline.id,
            "prompt_tokens": s.parts.total,
            "output_tokens": s.output_tokens,
            "caching": self.caching,
            "steps": [step.as_dict() for step in self.steps],
            "controls": list(self.controls),
            "before_monthly_usd": self.before_usd,
            "after_monthly_usd": self.after_usd,
            "saving_usd": saving,
            "saving_pct": saving * 100 / self.before_usd if self.before_usd else Decimal(0),
            "warnings": list(
                dict.fromkeys(
                    model_warnings(self.baseline)
                    + model_warnings(self.model)
                    + self.caching.get("notes", [])
                )
            ),
        }


def plan_workload(spec: WorkloadSpec, table: PriceTable) -> WorkloadPlan:
    baseline = table.get(spec.current_model) if spec.current_model else table.latest("sonnet")
    tier = spec.tier or TASK_TIERS[spec.task]
    model = table.get(spec.model) if spec.model else table.latest(tier)
    shape = Workload(spec.requests_per_day, "day", spec.parts, spec.output_tokens)
    before = cost_of_workload(baseline, shape).per_month_usd
    chosen = cost_of_workload(model, shape)
    steps = [
        PlanStep(
            "baseline", f"{baseline.display_name}, real time, no caching", True, before, Decimal(0)
        ),
        PlanStep(
            "model",
            f"{model.display_name} for {spec.task} ({tier} tier)",
            model.id != baseline.id,
            chosen.per_month_usd,
            before - chosen.per_month_usd,
        ),
    ]
    caching, cached = _caching_step(spec, model, shape, chosen)
    current = cached or chosen
    steps.append(
        PlanStep(
            "caching",
            caching["reason"],
            cached is not None,
            current.per_month_usd,
            chosen.per_month_usd - current.per_month_usd,
        )
    )
    if spec.pattern == "batch":
        batched = cost_of_workload(model, replace(current.workload, batch=True))
        steps.append(
            PlanStep(
                "batch",
                "send through the Message Batches API (results within 24 hours)",
                True,
                batched.per_month_usd,
                current.per_month_usd - batched.per_month_usd,
            )
        )
        current = batched
    else:
        steps.append(
            PlanStep(
                "batch",
                f"not used: the {spec.latency} latency need calls for real-time streaming",
                False,
                current.per_month_usd,
                Decimal(0),
            )
        )
    monthly = current.per_month_usd
    if spec.repeat_rate:
        after = monthly * (1 - spec.repeat_rate)
        steps.append(
            PlanStep(
                "response_cache",
                f"an app-level cache answers {spec.repeat_rate * 100:.0f}% repeated requests",
                True,
                after,
                monthly - after,
            )
        )
        monthly = after
    return WorkloadPlan(
        spec, baseline, model, caching, tuple(steps), tuple(_controls(spec, monthly))
    )


def _caching_step(
    spec: WorkloadSpec, model: Model, shape: Workload, uncached: WorkloadCost
) -> tuple[dict[str, Any], WorkloadCost | None]:
    p = spec.parts
    prefix = p.tools + p.system + p.examples + p.documents
    info: dict[str, Any] = {
        "prefix_tokens": prefix,
        "min_cacheable_tokens": model.min_cacheable_tokens,
        "breakpoints": [b.as_dict() for b in plan_breakpoints(p.as_dict(), model)],
        "used": False,
        "ttl": None,
        "traffic": None,
        "writes_per_day": 0,
        "reads_per_day": 0,
        "hit_rate_pct": Decimal(0),
        "saving_usd": Decimal(0),
    }
    if not prefix:
        info["reason"] = "no shared prefix to cache"
        return info, None
    options = (
        [("1h", "steady")] if spec.pattern == "batch" else [("5m", "poisson"), ("1h", "poisson")]
    )
    best: WorkloadCost | None = None
    for ttl, traffic in options:
        trial = cost_of_workload(
            model, replace(shape, cache_prefix_tokens=prefix, ttl=ttl, traffic=traffic)
        )
        if best is None or trial.per_month_usd < best.per_month_usd:
            best = trial
    assert best is not None and best.cache is not None
    plan = best.cache
    info |= {
        "ttl": plan.traffic.ttl,
        "traffic": plan.traffic.traffic,
        "eligible": plan.eligible,
        "notes": [n for n in plan.warnings() if n not in model_warnings(model)],
    }
    if not plan.eligible:
        info["reason"] = (
            f"not used: the {format_tokens(prefix)}-token prefix is below "
            f"{model.display_name}'s minimum of {format_tokens(model.min_cacheable_tokens or 0)}"
        )
        return info, None
    saving = uncached.per_month_usd - best.per_month_usd
    if saving <= 0:
        info["reason"] = "not used: at this traffic the cache writes cost more than the hits save"
        return info, None
    info |= {
        "used": True,
        "writes_per_day": plan.writes,
        "reads_per_day": plan.reads,
        "hit_rate_pct": plan.traffic.hit_rate_pct,
        "saving_usd": saving,
        "reason": f"cache the {format_tokens(prefix)}-token prefix (tools, system, examples, "
        f"documents) with the {plan.traffic.ttl} TTL",
    }
    return info, best


def _controls(spec: WorkloadSpec, monthly: Decimal) -> list[dict[str, Any]]:
    controls: list[dict[str, Any]] = []
    if spec.pattern == "realtime_streaming":
        if spec.users:
            per_user = math.ceil(3 * spec.requests_per_day / spec.users)
            message = (
                f"Limit each user to {per_user:,} requests a day (3x the average user's "
                f"{spec.requests_per_day / spec.users:,.1f})."
            )
        else:
            per_user = None
            message = "Limit requests per user (e.g. 3x a typical user's daily requests)."
        controls.append({"kind": "per_user_rate_limit", "message": message, "limit": per_user})
    budget = monthly * Decimal("1.2")
    controls.append(
        {
            "kind": "budget_alert",
            "message": f"Alert when the month's spend passes {format_usd(budget)} "
            "(120% of the planned cost).",
            "threshold_usd": budget,
        }
    )
    hourly = monthly / DAYS_PER_MONTH / 24 * 3
    controls.append(
        {
            "kind": "hourly_anomaly_alert",
            "message": f"Alert when one hour costs more than {format_usd(hourly)} "
            "(3x the expected hour).",
            "threshold_usd": hourly,
        }
    )
    cap = max(4 * spec.parts.user, 1000)
    controls.append(
        {
            "kind": "input_size_cap",
            "message": f"Reject or trim user input over {format_tokens(cap)} tokens.",
            "threshold_tokens": cap,
        }
    )
    max_tokens = max(math.ceil(spec.output_tokens * 3 / 2), 1)
    controls.append(
        {
            "kind": "max_tokens",
            "message": f"Set max_tokens to {format_tokens(max_tokens)} (1.5x the expected "
            "output) so a runaway answer stops.",
            "threshold_tokens": max_tokens,
        }
    )
    if spec.repeat_rate or spec.task in RESPONSE_CACHE_TASKS:
        controls.append(
            {
                "kind": "response_cache",
                "message": "Cache whole answers in the app, keyed by a hash of the normalized "
                "input, so repeated requests skip the API.",
            }
        )
    return controls


@dataclass(frozen=True)
class ArchitecturePlan:
    workloads: tuple[WorkloadPlan, ...]

    def as_dict(self) -> dict[str, Any]:
        before = sum((w.before_usd for w in self.workloads), Decimal(0))
        after = sum((w.after_usd for w in self.workloads), Decimal(0))
        return {
            "command": "plan",
            "workloads": [w.as_dict() for w in self.workloads],
            "total_before_monthly_usd": before,
            "total_after_monthly_usd": after,
            "total_saving_usd": before - after,
            "total_saving_pct": (before - after) * 100 / before if before else Decimal(0),
            "assumptions": [
                "Before: the workload's current model (default the newest Sonnet), real time, "
                "no caching. Steps apply in order: model, caching, batch, response cache.",
                "Real-time caching assumes Poisson arrivals spread evenly over the day.",
                PERIOD_ASSUMPTION,
            ],
        }


def plan_architecture(specs: Sequence[WorkloadSpec], table: PriceTable) -> ArchitecturePlan:
    if not specs:
        raise CalculatorError("plan: expected at least one workload")
    return ArchitecturePlan(tuple(plan_workload(spec, table) for spec in specs))
