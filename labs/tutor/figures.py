"""The headline figures of a reply, read back from its calculator calls: what each option costs,
in the period the calculator gave it, so any period the learner asked for can be stated.

One row per tool says which amounts of its output are the headline. Amounts are the
calculator's `_usd` strings; a period the calculator did not give is restated with its own
calendar (`writing.per_period`: a 30-day month, a 365-day year) and a request's share is the
period's cost over the period's requests. Nothing here prices anything."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from labs.calculator.caching import DAYS_PER_MONTH

from .types import ToolCall
from .writing import per_period, plural, tokens

Output = Mapping[str, Any]


@dataclass(frozen=True)
class Figure:
    """One option's cost. `per` is day or month (a volume's period), request (one call, no
    volume known) or conversation (one conversation, no volume known)."""

    label: str
    amount: Decimal
    per: str
    requests: int | None = None  # requests in `per`, when a volume is known
    # One workload of several in a plan: a spend cap is compared with the total instead.
    part: bool = False
    # The volume as the learner gave it ("200 requests a day"), when `per` is not its period.
    volume: str = ""
    # A saving (what a step takes off the bill), not what an option costs.
    saving: bool = False
    # What sets this option apart when two share a label ("1,500 in, 150 out"): a what-if.
    detail: str = ""
    known: dict[str, Decimal] = field(default_factory=dict)  # periods the calculator gave

    def amount_in(self, period: str) -> Decimal | None:
        """The cost in `period` (request, hour, night, day, week, month, year), or None when it
        cannot be given (one call's cost has no month without a volume)."""
        if period in self.known:
            return self.known[period]
        if period == "request":
            if self.per == "request":
                return self.amount
            if self.requests and self.per in ("day", "month"):
                return self.amount / self.requests
            return None
        if self.per not in ("day", "month"):
            return None
        return per_period(self.amount, self.per)["day" if period == "night" else period]

    @property
    def volume_text(self) -> str:
        if self.volume:
            return self.volume
        if not self.requests or self.per not in ("day", "month"):
            return ""
        return f"{plural(self.requests, 'request')} a {self.per}"


def _usd(out: Output, key: str) -> Decimal:
    return Decimal(str(out[key]))


def _workload(label: str, out: Output) -> Figure:
    known = {
        "request": _usd(out, "per_request_usd"),
        "day": _usd(out, "per_day_usd"),
        "month": _usd(out, "per_month_usd"),
        "year": _usd(out, "per_year_usd"),
    }
    detail = ""
    if "prompt_tokens" in out:
        detail = f"{tokens(out['prompt_tokens'])} in, {tokens(out['output_tokens'])} out"
    per = "day" if out["per"] == "day" else "month"
    return Figure(label, known[per], per, int(out["requests"]), known=known, detail=detail)


def _name(out: Output) -> str:
    name = str(out.get("display_name") or out.get("model") or "")
    if out.get("batch"):
        name += " on batch"
    if out.get("cache_prefix_tokens"):
        name += f" (caching {tokens(out['cache_prefix_tokens'])} tokens)"
    return name


def _workload_cost(call: ToolCall) -> list[Figure]:
    return [_workload(_name(call.output), call.output)]


def _workload_change(call: ToolCall) -> list[Figure]:
    out = call.output
    before, after = out["before"], out["after"]
    return [
        _workload(f"Before: {_name(before)}", before),
        _workload(f"After: {_name(after)}", after),
        replace(
            _workload("Change (after minus before)", before),
            known={
                p: _usd(out, f"difference_per_{p}_usd") for p in ("request", "day", "month", "year")
            },
            amount=_usd(out, f"difference_per_{before['per']}_usd"),
        ),
    ]


def _compare_models(call: ToolCall) -> list[Figure]:
    out = call.output
    shared = {k: out.get(k) for k in ("requests", "per", "batch", "cache_prefix_tokens")}
    results = out.get("results", [])
    found = [_workload(_name(r | shared), r | shared) for r in results]
    for r in results[1:]:
        known = {p: _usd(r, f"saving_vs_first_per_{p}_usd") for p in ("day", "month", "year")}
        first = _name(results[0] | shared)
        found.append(
            Figure(
                f"Saving of {_name(r | shared)} against {first}",
                known["day"],
                "day",
                None,
                known=known,
                saving=True,
            )
        )
    return found


def _monthly(label: str, amount: str, requests: int, per: str, *, part: bool = False) -> Figure:
    """A monthly amount of a workload sent `requests` times per `per`."""
    per_month = requests * (DAYS_PER_MONTH if per == "day" else 1)
    volume = f"{plural(requests, 'request')} a {per}"
    return Figure(label, Decimal(amount), "month", per_month, part=part, volume=volume)


def _batch_savings(call: ToolCall) -> list[Figure]:
    out, name = call.output, str(call.output["display_name"])
    req, per = int(out["requests"]), str(out["per"])
    return [
        _monthly(f"{name} in real time", out["standard_usd"], req, per),
        _monthly(f"{name} on batch", out["batch_usd"], req, per),
        replace(_monthly(f"Saving from batch on {name}", out["saving_usd"], req, per), saving=True),
    ]


def _stack_savings(call: ToolCall) -> list[Figure]:
    out = call.output
    req, per = int(out["requests"]), str(out["per"])
    return [
        _monthly("Before the steps", out["before_monthly_usd"], req, per),
        _monthly("After every step", out["after_monthly_usd"], req, per),
        replace(
            _monthly("Saving of every step", out["total_reduction_usd"], req, per), saving=True
        ),
    ]


def _plan_architecture(call: ToolCall) -> list[Figure]:
    out = call.output
    workloads = out.get("workloads", [])
    found: list[Figure] = []

    def pair(name: str, before: str, after: str, requests: int, part: bool) -> None:
        if Decimal(before) == Decimal(after):
            found.append(_monthly(name, after, requests, "day", part=part))
            return
        found.append(_monthly(f"{name}, as it runs today", before, requests, "day", part=part))
        found.append(_monthly(f"{name}, with the plan", after, requests, "day", part=part))

    for w in workloads:
        req = int(w["requests_per_day"])
        pair(w["name"], w["before_monthly_usd"], w["after_monthly_usd"], req, len(workloads) > 1)
    if len(workloads) > 1:
        total = sum(int(w["requests_per_day"]) for w in workloads)
        before, after = out["total_before_monthly_usd"], out["total_after_monthly_usd"]
        pair("All workloads", before, after, total, False)
    total = sum(int(w["requests_per_day"]) for w in workloads)
    if workloads and Decimal(out["total_saving_usd"]) != 0:
        saved = _monthly("Saving from the plan", out["total_saving_usd"], total, "day")
        found.append(replace(saved, saving=True))
    return found


def _in_period(label: str, amount: str, out: Output, *, saving: bool = False) -> Figure:
    return Figure(label, Decimal(amount), str(out["per"]), int(out["requests"]), saving=saving)


_TTL_NAMES = {"5m": "5-minute", "1h": "1-hour"}


def _caching_plan(call: ToolCall) -> list[Figure]:
    out = call.output
    prefix = f"the {tokens(out['prefix_tokens'])}-token prefix"
    ttl = _TTL_NAMES.get(str(out.get("ttl")), str(out.get("ttl")))
    return [
        _in_period(f"Input of {prefix}, no caching", out["without_cache_usd"], out),
        _in_period(f"Input of {prefix}, cached ({ttl} TTL)", out["with_cache_usd"], out),
        _in_period(f"Saving from caching ({ttl} TTL)", out["saving_usd"], out, saving=True),
    ]


def _routing_savings(call: ToolCall) -> list[Figure]:
    out = call.output
    return [
        _in_period("Everything on the baseline model", out["baseline_usd"], out),
        _in_period("Routed across tiers", out["routed_usd"], out),
        _in_period("Saving from routing", out["saving_usd"], out, saving=True),
    ]


def _audit_prompt(call: ToolCall) -> list[Figure]:
    out = call.output
    if out.get("saving_usd") is None or not out.get("requests"):
        return []
    return [_in_period("Saving from the trimmed prompt", out["saving_usd"], out, saving=True)]


def _estimate_cost(call: ToolCall) -> list[Figure]:
    out = call.output
    return [Figure(f"One call on {_name(out)}", _usd(out, "total_usd"), "request")]


def _history_growth(call: ToolCall) -> list[Figure]:
    out = call.output
    if out.get("full_usd") is None:
        return []
    label = f"One conversation of {plural(int(out['turns']), 'turn')}"
    return [Figure(label, _usd(out, "full_usd"), "conversation")]


READERS: dict[str, Callable[[ToolCall], list[Figure]]] = {
    "workload_cost": _workload_cost,
    "workload_change": _workload_change,
    "compare_models": _compare_models,
    "batch_savings": _batch_savings,
    "stack_savings": _stack_savings,
    "plan_architecture": _plan_architecture,
    "caching_plan": _caching_plan,
    "routing_savings": _routing_savings,
    "audit_prompt": _audit_prompt,
    "estimate_cost": _estimate_cost,
    "history_growth": _history_growth,
}


def headline_figures(calls: Iterable[ToolCall]) -> list[Figure]:
    """Every option the calculations priced, in order, each label once."""
    calls = list(calls)
    # A plan is the answer; the other calls beside it (the batch step alone, an answer cache)
    # explain one of its steps.
    calls = [c for c in calls if c.tool == "plan_architecture"] or calls
    found: list[Figure] = []
    for call in calls:
        reader = READERS.get(call.tool)
        if call.is_error or reader is None:
            continue
        try:
            figures = reader(call)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            # A tool whose output lacks a field its row expects gives no headline rather than
            # breaking the reply it belongs to.
            continue
        found.extend(figures)
    return _distinct(found)


def _distinct(found: list[Figure]) -> list[Figure]:
    """Each option once. Two calls with one label price two scenarios (a what-if, or the
    scenario before it): each is named by what sets it apart, and the gap between them is
    added. Which one is "before" is the engine's to say, so the gap is shown unsigned."""
    out: list[Figure] = []
    for figure in found:
        twin = next((f for f in out if f.label == figure.label), None)
        if twin is None:
            out.append(figure)
            continue
        if twin.amount == figure.amount and twin.per == figure.per:
            continue
        first = out.index(twin)
        out[first] = replace(twin, label=f"{twin.label}{_detail(twin, figure)}")
        out.insert(first + 1, replace(figure, label=f"{figure.label}{_detail(figure, twin)}"))
        if twin.per == figure.per:
            gap = {p: abs(a - twin.known[p]) for p, a in figure.known.items() if p in twin.known}
            label = f"Difference between the two ({figure.label.split(' (')[0]})"
            moved = abs(figure.amount - twin.amount)
            out.insert(first + 2, replace(figure, label=label, amount=moved, known=gap))
    return out


def _detail(figure: Figure, other: Figure) -> str:
    pairs = [(figure.detail, other.detail), (figure.volume_text, other.volume_text)]
    said = [mine for mine, theirs in pairs if mine and mine != theirs]
    return f" ({', '.join(said)})" if said else ""
