"""How requests arrive, for the caching strategist: at random (Poisson, the default), steady, on
a fixed schedule (a cron job: `caching_plan`'s interval traffic) or in one burst about the same
prefix (the first writes, the others read while the entry is alive)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labs.calculator.formatting import decimal_str

from .reading import Facts
from .writing import Reply, plural

_TTL_MINUTES = {"5m": 5, "1h": 60}
_TTL_NAMES = {"5m": "5-minute", "1h": "1-hour"}


def traffic_fields(facts: Facts) -> dict[str, Any]:
    """The traffic fields of a `caching_plan` call for what the learner said."""
    if facts.interval_minutes:
        return {"traffic": "interval", "interval_minutes": facts.interval_minutes}
    if facts.burst_minutes:
        # One burst a period: the first request writes and the rest read while the entry lives,
        # which is what the steady model counts.
        return {"traffic": "steady"}
    return {"traffic": facts.traffic or "poisson"}


def arrival_text(facts: Facts, plan: dict[str, Any]) -> str:
    """ "At 54 requests a day (one every 10 minutes, on a fixed schedule)" and the like."""
    count = f"At {plural(plan['requests'], 'request')} a {plan['per']}"
    if plan["traffic"] == "interval":
        return f"{count} (one every {plan['interval_minutes']:,} minutes, on a fixed schedule)"
    if facts.burst_minutes:
        return (
            f"At {plural(plan['requests'], 'request')} in one burst within about "
            f"{facts.burst_minutes} minutes"
        )
    gap = decimal_str(Decimal(plan["mean_gap_minutes"]))
    return f"{count} (one every {gap} minutes on average)"


def ttl_reason(facts: Facts, best: str, first: dict[str, Any], second: dict[str, Any]) -> str:
    """Why one TTL wins, when the traffic is a fixed schedule or a burst; "" otherwise."""
    plans = {"5m": first, "1h": second}
    if first["traffic"] == "interval":
        gap = first["interval_minutes"]
        lapsed = [t for t, p in plans.items() if p["writes"] == p["requests"] > 1]
        if not lapsed:
            return (
                f"A call every {gap:,} minutes comes back before either entry expires, so each "
                "writes once and reads the rest; the cheaper write wins."
            )
        names = " and the ".join(_TTL_NAMES[t] for t in lapsed)
        kept = [t for t in plans if t not in lapsed]
        text = (
            f"A call every {gap:,} minutes always finds the {names} entry expired: every call "
            "writes again, which costs more than not caching at all."
        )
        if kept:
            text += (
                f" The {_TTL_NAMES[kept[0]]} entry outlives each {gap:,}-minute gap and every "
                "hit refreshes it, so only the first call of the day writes."
            )
        return text
    if facts.burst_minutes:
        fits = [t for t in plans if facts.burst_minutes <= _TTL_MINUTES[t]]
        if "5m" in fits:
            return (
                f"The whole burst fits inside a 5-minute entry: the first request writes the "
                f"prefix and the other {plural(first['reads'], 'request')} read it, so the "
                "cheaper 5-minute write wins."
            )
        return (
            f"A burst of about {facts.burst_minutes} minutes can outlast a 5-minute entry when "
            "two requests are more than 5 minutes apart; the 1-hour entry covers it whole."
        )
    return ""


def traffic_assumption(reply: Reply, facts: Facts, plan: dict[str, Any]) -> bool:
    """State a fixed schedule or a burst; False when the traffic is neither."""
    if plan["traffic"] == "interval":
        reply.assume(
            f"Traffic: a fixed {plan['interval_minutes']:,}-minute gap between requests "
            f"(a schedule, not random arrivals); {plural(plan['requests'], 'request')} a "
            f"{plan['per']}, and the entry expires between the last call of one day and the "
            "first of the next."
        )
        return True
    if facts.burst_minutes:
        reply.assume(
            f"Traffic: the {plural(plan['requests'], 'request')} come in one burst within about "
            f"{facts.burst_minutes} minutes, so the first writes the prefix and each later one "
            "reads it while the entry is alive (each hit refreshes it)."
        )
        return True
    return False


def drop_average_gap_warning(facts: Facts, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A burst is not spread over the day: the steady model's warning about the average gap
    does not apply to it (the outputs themselves, shown in the cards, are left whole)."""
    if not facts.burst_minutes:
        return outputs
    return [
        {**o, "warnings": [w for w in o.get("warnings", []) if "on average" not in str(w)
                           and not str(w).startswith("Requests average")]}
        for o in outputs
    ]  # fmt: skip
