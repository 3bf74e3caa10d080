"""Prompt caching: eligibility, writes and reads from the traffic, cost with and without,
break-even, and a breakpoint plan.

Traffic models (amounts are per period, a day or a 30-day month):

- steady: the first request of the period writes the prefix and every later one hits. This
  assumes requests come often enough to keep the entry warm (each hit refreshes the TTL).
- poisson: requests arrive at random at the given rate. A request misses when the gap since the
  previous one exceeds the TTL, so P(miss) = exp(-rate x TTL). The first request always writes;
  expected writes = 1 + (n - 1) x P(miss), rounded half up to whole requests, and the rest read.
- interval (the `cache` command only): requests come a fixed `interval_minutes` apart, as a cron
  job fires. A gap no longer than the TTL keeps the entry warm (each hit refreshes it): one write,
  then reads. A gap longer than the TTL means the entry has always expired: every request
  writes, which costs more than not caching. The requests of a period must fit in it.

Break-even: a write costs `write - input` more than an uncached request, and each hit saves
`input - read`. The cache pays once `hits >= (write - input) / (input - read)`: 0.28 -> one hit
for the 5-minute TTL (1.25x write, 0.1x read), 1.11 -> two hits for the 1-hour TTL (2x write).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from .calls import Usage, check_count, cost_of_call, model_warnings
from .errors import CalculatorError
from .pricing import Model

TTL_MINUTES = {"5m": 5, "1h": 60}
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365
PERIOD_MINUTES = {"day": 24 * 60, "month": DAYS_PER_MONTH * 24 * 60}
TRAFFIC_MODELS = ("steady", "poisson")
CACHE_TRAFFIC_MODELS = (*TRAFFIC_MODELS, "interval")
BREAKPOINT_ORDER = ("tools", "system", "documents", "history")
MAX_BREAKPOINTS = 4
PERIOD_ASSUMPTION = "A month is 30 days and a year 365 days."


def check_choice(name: str, value: str, choices: Mapping[str, Any] | tuple[str, ...]) -> str:
    if value not in choices:
        raise CalculatorError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


@dataclass(frozen=True)
class CacheTraffic:
    """How many requests of a period write the cache and how many read it."""

    requests: int
    per: str
    ttl: str
    traffic: str
    writes: int
    reads: int
    miss_probability: Decimal | None  # poisson only
    mean_gap_minutes: Decimal
    interval_minutes: int | None = None  # interval only

    @property
    def hit_rate_pct(self) -> Decimal:
        return Decimal(self.reads) * 100 / self.requests if self.requests else Decimal(0)

    @property
    def gap_exceeds_ttl(self) -> bool:
        return self.mean_gap_minutes > TTL_MINUTES[self.ttl]


def miss_probability(requests: int, per: str, ttl: str) -> Decimal:
    """P(gap > TTL) for Poisson arrivals: exp(-rate x TTL), rate in requests per minute."""
    check_choice("per", per, PERIOD_MINUTES)
    check_choice("ttl", ttl, TTL_MINUTES)
    with localcontext() as ctx:
        ctx.prec = 28
        rate = Decimal(requests) / PERIOD_MINUTES[per]
        return (-(rate * TTL_MINUTES[ttl])).exp()


def cache_traffic(
    requests: int,
    per: str,
    ttl: str = "5m",
    traffic: str = "steady",
    interval_minutes: int | None = None,
) -> CacheTraffic:
    """Writes and reads of a period under the steady, Poisson or fixed-interval traffic model."""
    check_count("requests", requests)
    check_choice("per", per, PERIOD_MINUTES)
    check_choice("ttl", ttl, TTL_MINUTES)
    check_choice("traffic", traffic, CACHE_TRAFFIC_MODELS)
    if traffic == "interval":
        return _interval_traffic(requests, per, ttl, interval_minutes)
    if interval_minutes is not None:
        raise CalculatorError("interval minutes need the interval traffic model")
    gap = Decimal(PERIOD_MINUTES[per]) / requests if requests else Decimal(PERIOD_MINUTES[per])
    if requests == 0:
        return CacheTraffic(0, per, ttl, traffic, 0, 0, None, gap)
    p_miss = None
    writes = 1
    if traffic == "poisson":
        p_miss = miss_probability(requests, per, ttl)
        expected = 1 + (requests - 1) * p_miss
        writes = int(expected.to_integral_value(rounding=ROUND_HALF_UP))
        writes = min(max(writes, 1), requests)
    return CacheTraffic(requests, per, ttl, traffic, writes, requests - writes, p_miss, gap)


def _interval_traffic(
    requests: int, per: str, ttl: str, interval_minutes: int | None
) -> CacheTraffic:
    if interval_minutes is None:
        raise CalculatorError("the interval traffic model needs the minutes between requests")
    check_count("interval minutes", interval_minutes)
    if interval_minutes < 1:
        raise CalculatorError("interval minutes must be at least 1")
    span = (requests - 1) * interval_minutes if requests else 0
    if span >= PERIOD_MINUTES[per]:
        raise CalculatorError(
            f"{requests:,} requests {interval_minutes:,} minutes apart do not fit in a {per}"
        )
    gap = Decimal(interval_minutes)
    if requests == 0:
        writes = 0
    elif interval_minutes > TTL_MINUTES[ttl]:
        writes = requests  # the entry has always expired when the next request comes
    else:
        writes = 1
    return CacheTraffic(
        requests, per, ttl, "interval", writes, requests - writes, None, gap, interval_minutes
    )


def write_price(model: Model, ttl: str, prompt_tokens: int = 0) -> Decimal:
    prices = model.prices_for(prompt_tokens)
    return prices.cache_write_5m if ttl == "5m" else prices.cache_write_1h


def break_even_ratio(model: Model, ttl: str) -> Decimal | None:
    """Hits needed to repay the write premium, as a fraction (None if a hit saves nothing)."""
    check_choice("ttl", ttl, TTL_MINUTES)
    premium = write_price(model, ttl) - model.prices.input
    per_hit = model.prices.input - model.prices.cache_read
    if per_hit <= 0:
        return None
    return premium / per_hit


def break_even_hits(model: Model, ttl: str) -> int | None:
    """Fewest hits after one write for which caching costs no more than not caching."""
    ratio = break_even_ratio(model, ttl)
    if ratio is None:
        return None
    return max(1, int(ratio.to_integral_value(rounding=ROUND_CEILING)))


def is_cacheable(model: Model, prefix_tokens: int) -> bool | None:
    """Whether a prefix this long is cached (None: the model's minimum is not known).
    A shorter prefix is processed without caching and no error is returned."""
    if prefix_tokens <= 0:
        return False
    if model.min_cacheable_tokens is None:
        return None
    return prefix_tokens >= model.min_cacheable_tokens


@dataclass(frozen=True)
class CachePlan:
    """Cost of a cached prefix over a period, with and without caching (prefix tokens only)."""

    model: Model
    prefix_tokens: int
    traffic: CacheTraffic
    eligible: bool
    eligibility_known: bool
    batch: bool
    without_cache_usd: Decimal
    with_cache_usd: Decimal

    @property
    def writes(self) -> int:
        return self.traffic.writes if self.eligible else 0

    @property
    def reads(self) -> int:
        return self.traffic.reads if self.eligible else 0

    @property
    def saving_usd(self) -> Decimal:
        return self.without_cache_usd - self.with_cache_usd

    @property
    def saving_pct(self) -> Decimal:
        if not self.without_cache_usd:
            return Decimal(0)
        return self.saving_usd * 100 / self.without_cache_usd

    @property
    def saving_input_token_equivalents(self) -> Decimal:
        """The saving expressed as uncached input tokens at this model's input price."""
        price = self.model.prices_for(self.prefix_tokens).input
        factor = self.model.batch_discount if self.batch else Decimal(1)
        return self.saving_usd * 1_000_000 / (price * factor) if price else Decimal(0)

    def assumptions(self) -> list[str]:
        t = self.traffic
        notes = ["Costs count the cached prefix tokens only; the rest of each prompt is unchanged."]
        if t.traffic == "steady":
            notes.append(
                f"Steady traffic: the first request of the {t.per} writes the prefix and every "
                "later one reads it (each hit refreshes the TTL)."
            )
        elif t.traffic == "interval":
            if t.writes == t.requests:
                notes.append(
                    f"Requests come every {t.interval_minutes:,} minutes, longer than the {t.ttl} "
                    "TTL: the entry has always expired, so every request writes the prefix."
                )
            else:
                notes.append(
                    f"Requests come every {t.interval_minutes:,} minutes, within the {t.ttl} TTL: "
                    f"the first request of the {t.per} writes the prefix and every later one "
                    "reads it (each hit refreshes the TTL)."
                )
        else:
            notes.append(
                f"Poisson traffic: {t.requests:,} requests a {t.per} arrive at random; a request "
                f"misses when the gap since the previous one exceeds {t.ttl}: "
                f"P(miss) = exp(-rate x TTL) = {t.miss_probability:.6f}. Expected writes "
                "1 + (n - 1) x P(miss), rounded to whole requests."
            )
        notes.append(
            f"A {t.ttl} write costs {_multiple(self.model, t.ttl)}x input; a read "
            f"{(self.model.prices.cache_read / self.model.prices.input).normalize():f}x."
        )
        notes.append(PERIOD_ASSUMPTION)
        return notes

    def warnings(self) -> list[str]:
        notes = model_warnings(self.model)
        minimum = self.model.min_cacheable_tokens
        if not self.eligibility_known:
            notes.append(
                f"{self.model.display_name}'s minimum cacheable prefix is not known "
                "[UNCONFIRMED]; the prefix is assumed cacheable."
            )
        elif not self.eligible:
            notes.append(
                f"A {self.prefix_tokens:,}-token prefix is below {self.model.display_name}'s "
                f"minimum of {minimum:,}: it is processed without caching (no error is returned)."
            )
        if self.traffic.traffic == "steady" and self.traffic.gap_exceeds_ttl and self.eligible:
            notes.append(
                f"Requests average one every {self.traffic.mean_gap_minutes:.1f} minutes, longer "
                f"than the {self.traffic.ttl} TTL: steady-state figures are optimistic; "
                "try --traffic poisson."
            )
        if self.batch and self.traffic.ttl == "5m":
            notes.append("Batches can run longer than 5 minutes; the docs recommend the 1h TTL.")
        return notes

    def as_dict(self) -> dict[str, Any]:
        t = self.traffic
        ratio = break_even_ratio(self.model, t.ttl)
        return {
            "command": "cache",
            "model": self.model.id,
            "display_name": self.model.display_name,
            "prefix_tokens": self.prefix_tokens,
            "requests": t.requests,
            "per": t.per,
            "ttl": t.ttl,
            "traffic": t.traffic,
            "interval_minutes": t.interval_minutes,
            "eligible": self.eligible,
            "min_cacheable_tokens": self.model.min_cacheable_tokens,
            "writes": self.writes,
            "reads": self.reads,
            "hit_rate_pct": Decimal(self.reads) * 100 / t.requests if t.requests else Decimal(0),
            "miss_probability": t.miss_probability,
            "mean_gap_minutes": t.mean_gap_minutes,
            "tokens_sent": t.requests * self.prefix_tokens,
            "without_cache_usd": self.without_cache_usd,
            "with_cache_usd": self.with_cache_usd,
            "saving_usd": self.saving_usd,
            "saving_pct": self.saving_pct,
            "saving_input_token_equivalents": self.saving_input_token_equivalents,
            "break_even_hits": break_even_hits(self.model, t.ttl),
            "break_even_ratio": ratio,
            "assumptions": self.assumptions(),
            "warnings": self.warnings(),
        }


def _multiple(model: Model, ttl: str) -> str:
    return f"{(write_price(model, ttl) / model.prices.input).normalize():f}"


def plan_cache(
    model: Model,
    prefix_tokens: int,
    requests: int,
    per: str,
    ttl: str = "5m",
    traffic: str = "steady",
    *,
    batch: bool = False,
    interval_minutes: int | None = None,
) -> CachePlan:
    """Cost of sending a `prefix_tokens` prefix `requests` times a `per`, cached and not."""
    check_count("prefix tokens", prefix_tokens)
    flow = cache_traffic(requests, per, ttl, traffic, interval_minutes)
    cacheable = is_cacheable(model, prefix_tokens)
    eligible = cacheable is not False
    plain = cost_of_call(model, Usage(input_tokens=prefix_tokens), batch=batch).total_usd
    without = plain * flow.requests
    if eligible:
        write_field = "cache_write_5m_tokens" if ttl == "5m" else "cache_write_1h_tokens"
        write = cost_of_call(model, Usage(**{write_field: prefix_tokens}), batch=batch)
        read = cost_of_call(model, Usage(cache_read_tokens=prefix_tokens), batch=batch)
        with_cache = write.total_usd * flow.writes + read.total_usd * flow.reads
    else:
        with_cache = without
    return CachePlan(
        model=model,
        prefix_tokens=prefix_tokens,
        traffic=flow,
        eligible=eligible,
        eligibility_known=cacheable is not None,
        batch=batch,
        without_cache_usd=without,
        with_cache_usd=with_cache,
    )


@dataclass(frozen=True)
class Breakpoint:
    """A cache_control breakpoint placed after `after`; it caches everything before it."""

    after: str
    parts: tuple[str, ...]
    prefix_tokens: int
    cacheable: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "after": self.after,
            "parts": list(self.parts),
            "prefix_tokens": self.prefix_tokens,
            "cacheable": self.cacheable,
        }


def plan_breakpoints(parts: Mapping[str, int], model: Model) -> tuple[Breakpoint, ...]:
    """Up to 4 breakpoints in the order tools -> system -> documents -> history, one after each
    non-empty part, each caching the whole prefix before it. Few-shot examples count with the
    system prompt. The user message changes every request and is never cached. A breakpoint
    whose prefix is below the model's minimum is marked not cacheable (it caches nothing)."""
    segments = {
        "tools": ("tools",),
        "system": ("system", "examples"),
        "documents": ("documents",),
        "history": ("history",),
    }
    total = 0
    plan: list[Breakpoint] = []
    for name in BREAKPOINT_ORDER:
        members = tuple(p for p in segments[name] if parts.get(p, 0))
        size = sum(check_count(p, parts.get(p, 0)) for p in segments[name])
        if not size:
            continue
        total += size
        plan.append(Breakpoint(name, members, total, is_cacheable(model, total)))
    assert len(plan) <= MAX_BREAKPOINTS
    return tuple(plan)
