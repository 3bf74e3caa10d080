"""Workloads: a request shape repeated N times a day or a month, on one model or several.

A workload's prompt is the sum of its parts (system, tools, examples, documents, history, user).
With a cache prefix, the first `cache_prefix_tokens` of that prompt are cached: writing requests
bill the prefix as a cache write, hitting requests as a cache read, and the rest of the prompt as
plain input (see `caching` for how many requests write and read). Batch halves every line and
stacks with caching. A month is 30 days and a year 365 days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from .caching import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    PERIOD_ASSUMPTION,
    PERIOD_MINUTES,
    TTL_MINUTES,
    CachePlan,
    check_choice,
    plan_cache,
)
from .calls import CallCost, Usage, check_count, cost_of_call, model_warnings
from .errors import CalculatorError
from .pricing import Model


@dataclass(frozen=True)
class PromptParts:
    """Prompt tokens of one request, by part, in the order they are sent."""

    tools: int = 0
    system: int = 0
    examples: int = 0
    documents: int = 0
    history: int = 0
    user: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            check_count(f"{f.name} tokens", getattr(self, f.name))

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Workload:
    requests: int
    per: str
    parts: PromptParts
    output_tokens: int
    cache_prefix_tokens: int = 0
    ttl: str = "5m"
    traffic: str = "steady"
    batch: bool = False

    def __post_init__(self) -> None:
        check_count("requests", self.requests)
        if self.requests < 1:
            raise CalculatorError("requests must be at least 1")
        check_choice("per", self.per, PERIOD_MINUTES)
        check_choice("ttl", self.ttl, TTL_MINUTES)
        check_count("output tokens", self.output_tokens)
        check_count("cache prefix tokens", self.cache_prefix_tokens)
        if self.cache_prefix_tokens > self.parts.total:
            raise CalculatorError(
                f"cache prefix ({self.cache_prefix_tokens:,} tokens) is longer than the prompt "
                f"({self.parts.total:,} tokens)"
            )

    def days_per_period(self) -> int:
        return 1 if self.per == "day" else DAYS_PER_MONTH


@dataclass(frozen=True)
class WorkloadCost:
    model: Model
    workload: Workload
    cache: CachePlan | None
    writes: int
    reads: int
    plain: int
    write_call: CallCost | None
    read_call: CallCost | None
    plain_call: CallCost | None
    per_period_usd: Decimal

    @property
    def per_request_usd(self) -> Decimal:
        return self.per_period_usd / self.workload.requests

    @property
    def per_day_usd(self) -> Decimal:
        return self.per_period_usd / self.workload.days_per_period()

    @property
    def per_month_usd(self) -> Decimal:
        return self.per_day_usd * DAYS_PER_MONTH

    @property
    def per_year_usd(self) -> Decimal:
        return self.per_day_usd * DAYS_PER_YEAR

    def line_items(self) -> dict[str, Decimal]:
        """Per-period dollars by kind of token."""
        items = {"input_usd": Decimal(0), "cache_write_usd": Decimal(0)}
        items |= {"cache_read_usd": Decimal(0), "output_usd": Decimal(0)}
        for call, count in (
            (self.plain_call, self.plain),
            (self.write_call, self.writes),
            (self.read_call, self.reads),
        ):
            if call is None or not count:
                continue
            items["input_usd"] += call.input_usd * count
            items["cache_write_usd"] += (call.cache_write_5m_usd + call.cache_write_1h_usd) * count
            items["cache_read_usd"] += call.cache_read_usd * count
            items["output_usd"] += call.output_usd * count
        return items

    @property
    def band(self) -> str:
        call = self.plain_call or self.write_call or self.read_call
        return call.band_label if call else "standard"

    def assumptions(self) -> list[str]:
        w = self.workload
        notes = [PERIOD_ASSUMPTION]
        if self.cache:
            notes += self.cache.assumptions()[1:-1]
        if w.batch:
            notes.append("Batch: every line at the model's batch discount, stacked on caching.")
        return notes

    def warnings(self) -> list[str]:
        if self.cache:
            return self.cache.warnings()
        return model_warnings(self.model)

    def as_dict(self) -> dict[str, Any]:
        w = self.workload
        return {
            "command": "workload",
            "model": self.model.id,
            "display_name": self.model.display_name,
            "requests": w.requests,
            "per": w.per,
            "parts": w.parts.as_dict(),
            "prompt_tokens": w.parts.total,
            "output_tokens": w.output_tokens,
            "cache_prefix_tokens": w.cache_prefix_tokens,
            "ttl": w.ttl if w.cache_prefix_tokens else None,
            "traffic": w.traffic if w.cache_prefix_tokens else None,
            "batch": w.batch,
            "band": self.band,
            "cache_eligible": self.cache.eligible if self.cache else None,
            "cache_writes": self.writes,
            "cache_reads": self.reads,
            "per_period": self.line_items() | {"total_usd": self.per_period_usd},
            "per_request_usd": self.per_request_usd,
            "per_day_usd": self.per_day_usd,
            "per_month_usd": self.per_month_usd,
            "per_year_usd": self.per_year_usd,
            "assumptions": self.assumptions(),
            "warnings": self.warnings(),
        }


def cost_of_workload(model: Model, workload: Workload) -> WorkloadCost:
    """Cost of a workload on one model, per request, day, 30-day month and 365-day year."""
    w = workload
    prompt = w.parts.total
    rest = prompt - w.cache_prefix_tokens
    cache = None
    writes = reads = 0
    write_call = read_call = plain_call = None
    if w.cache_prefix_tokens:
        cache = plan_cache(
            model, w.cache_prefix_tokens, w.requests, w.per, w.ttl, w.traffic, batch=w.batch
        )
        writes, reads = cache.writes, cache.reads
    plain = w.requests - writes - reads
    if writes:
        field = "cache_write_5m_tokens" if w.ttl == "5m" else "cache_write_1h_tokens"
        usage = Usage(input_tokens=rest, output_tokens=w.output_tokens)
        write_call = cost_of_call(
            model, replace(usage, **{field: w.cache_prefix_tokens}), batch=w.batch
        )
    if reads:
        usage = Usage(
            input_tokens=rest,
            cache_read_tokens=w.cache_prefix_tokens,
            output_tokens=w.output_tokens,
        )
        read_call = cost_of_call(model, usage, batch=w.batch)
    if plain:
        usage = Usage(input_tokens=prompt, output_tokens=w.output_tokens)
        plain_call = cost_of_call(model, usage, batch=w.batch)
    total = Decimal(0)
    for call, count in ((write_call, writes), (read_call, reads), (plain_call, plain)):
        if call is not None:
            total += call.total_usd * count
    return WorkloadCost(
        model, w, cache, writes, reads, plain, write_call, read_call, plain_call, total
    )


# -- comparison ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """One workload across models; savings are against the first model."""

    rows: tuple[WorkloadCost, ...]

    def as_dict(self) -> dict[str, Any]:
        first = self.rows[0]
        results = []
        for row in self.rows:
            saving = first.per_period_usd - row.per_period_usd
            pct = saving * 100 / first.per_period_usd if first.per_period_usd else Decimal(0)
            results.append(
                {
                    "model": row.model.id,
                    "display_name": row.model.display_name,
                    "band": row.band,
                    "cache_eligible": row.cache.eligible if row.cache else None,
                    "per_request_usd": row.per_request_usd,
                    "per_day_usd": row.per_day_usd,
                    "per_month_usd": row.per_month_usd,
                    "per_year_usd": row.per_year_usd,
                    "saving_vs_first_usd": saving,
                    "saving_vs_first_pct": pct,
                    "saving_vs_first_per_day_usd": first.per_day_usd - row.per_day_usd,
                    "saving_vs_first_per_month_usd": first.per_month_usd - row.per_month_usd,
                    "saving_vs_first_per_year_usd": first.per_year_usd - row.per_year_usd,
                }
            )
        w = first.workload
        warnings: list[str] = []
        for row in self.rows:
            warnings += [n for n in row.warnings() if n not in warnings]
        return {
            "command": "compare",
            "baseline": first.model.id,
            "requests": w.requests,
            "per": w.per,
            "prompt_tokens": w.parts.total,
            "output_tokens": w.output_tokens,
            "cache_prefix_tokens": w.cache_prefix_tokens,
            "batch": w.batch,
            "results": results,
            "assumptions": [
                f"saving_vs_first_usd is per {w.per}, against {first.model.id}.",
                *first.assumptions(),
            ],
            "warnings": warnings,
        }


def compare_models(models: Sequence[Model], workload: Workload) -> Comparison:
    if not models:
        raise CalculatorError("compare needs at least one model")
    return Comparison(tuple(cost_of_workload(m, workload) for m in models))


# -- batch --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchSavings:
    standard: WorkloadCost
    batched: WorkloadCost

    @property
    def saving_usd(self) -> Decimal:
        return self.standard.per_month_usd - self.batched.per_month_usd

    def as_dict(self) -> dict[str, Any]:
        std = self.standard.per_month_usd
        return {
            "command": "batch",
            "model": self.standard.model.id,
            "display_name": self.standard.model.display_name,
            "requests": self.standard.workload.requests,
            "per": self.standard.workload.per,
            "cache_prefix_tokens": self.standard.workload.cache_prefix_tokens,
            "batch_discount": self.standard.model.batch_discount,
            "standard_usd": std,
            "batch_usd": self.batched.per_month_usd,
            "saving_usd": self.saving_usd,
            "saving_pct": self.saving_usd * 100 / std if std else Decimal(0),
            "assumptions": [
                "Amounts are per 30-day month.",
                "Batch bills every line (input, cache writes and reads, output) at the model's "
                "batch discount, on top of caching.",
                *self.standard.assumptions(),
            ],
            "warnings": self.batched.warnings(),
        }


def batch_savings(model: Model, workload: Workload) -> BatchSavings:
    """The same workload sent in real time and through the Message Batches API, per month."""
    return BatchSavings(
        cost_of_workload(model, replace(workload, batch=False)),
        cost_of_workload(model, replace(workload, batch=True)),
    )


# -- the combined stack -------------------------------------------------------------------------
@dataclass(frozen=True)
class StackStep:
    step: str
    description: str
    cost: WorkloadCost
    saving_usd: Decimal


@dataclass(frozen=True)
class Stack:
    steps: tuple[StackStep, ...]

    @property
    def before_usd(self) -> Decimal:
        return self.steps[0].cost.per_month_usd

    @property
    def after_usd(self) -> Decimal:
        return self.steps[-1].cost.per_month_usd

    @property
    def reduction_usd(self) -> Decimal:
        return self.before_usd - self.after_usd

    def as_dict(self) -> dict[str, Any]:
        reduction = self.reduction_usd
        steps = []
        for step in self.steps:
            share = step.saving_usd * 100 / reduction if reduction else Decimal(0)
            steps.append(
                {
                    "step": step.step,
                    "description": step.description,
                    "model": step.cost.model.id,
                    "monthly_usd": step.cost.per_month_usd,
                    "saving_usd": step.saving_usd,
                    "share_pct": share,
                }
            )
        last = self.steps[-1].cost
        warnings: list[str] = []
        for step in self.steps:
            warnings += [n for n in step.cost.warnings() if n not in warnings]
        return {
            "command": "stack",
            "from_model": self.steps[0].cost.model.id,
            "to_model": last.model.id,
            "requests": last.workload.requests,
            "per": last.workload.per,
            "steps": steps,
            "before_monthly_usd": self.before_usd,
            "after_monthly_usd": self.after_usd,
            "total_reduction_usd": reduction,
            "total_reduction_pct": reduction * 100 / self.before_usd
            if self.before_usd
            else Decimal(0),
            "assumptions": [
                "Steps apply in order: model switch, then caching, then batch; each step's "
                "saving is against the step before, and its share is of the total reduction.",
                *last.assumptions(),
            ],
            "warnings": warnings,
        }


def stack_savings(
    from_model: Model, to_model: Model, workload: Workload, *, include_batch: bool = True
) -> Stack:
    """Monthly cost after each step: the baseline on `from_model` (no caching, no batch), the
    switch to `to_model`, then caching of `workload.cache_prefix_tokens`, then batch."""
    if not workload.cache_prefix_tokens:
        raise CalculatorError("stack needs a cache prefix (--cache-prefix N)")
    bare = replace(workload, cache_prefix_tokens=0, batch=False)
    cached = replace(workload, batch=False)
    plan = [
        ("baseline", f"{from_model.display_name}, real time, no caching", from_model, bare),
        ("switch_model", f"switch to {to_model.display_name}", to_model, bare),
        (
            "caching",
            f"cache a {workload.cache_prefix_tokens:,}-token prefix ({workload.ttl} TTL)",
            to_model,
            cached,
        ),
    ]
    if include_batch:
        plan.append(
            ("batch", "send through the Message Batches API", to_model, replace(cached, batch=True))
        )
    steps: list[StackStep] = []
    previous = None
    for name, description, model, shape in plan:
        cost = cost_of_workload(model, shape)
        saving = previous.per_month_usd - cost.per_month_usd if previous else Decimal(0)
        steps.append(StackStep(name, description, cost, saving))
        previous = cost
    return Stack(tuple(steps))
