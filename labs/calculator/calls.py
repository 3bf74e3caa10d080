"""One API call: its cost from the usage record exactly as the API reports it.

This module is the one place in the project that multiplies a token count by a price.

    cost = input*P_in + write_5m*P_5m + write_1h*P_1h + read*P_read + output*P_out   (per 1M)

`input_tokens` counts only the tokens after the last cache breakpoint: it EXCLUDES cached tokens,
so the prompt is input + cache writes + cache reads. That prompt picks the price band (Haiku 5.5
above 100K tokens), and the band then bills every token of the request, output included. A batch
request multiplies every line by the model's batch discount (0.5), on top of any caching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import CalculatorError
from .pricing import Model, PriceBand

MILLION = Decimal(1_000_000)

USAGE_FIELDS = (
    "input_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "cache_read_tokens",
    "output_tokens",
)


def check_count(name: str, value: Any) -> int:
    """A token or request count: a whole number, zero or more."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalculatorError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise CalculatorError(f"{name} must not be negative, got {value}")
    return value


@dataclass(frozen=True)
class Usage:
    """Token counts of one request, as the API's `usage` reports them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cache_read_tokens: int = 0

    def __post_init__(self) -> None:
        for name in USAGE_FIELDS:
            check_count(name, getattr(self, name))

    @property
    def prompt_tokens(self) -> int:
        """Every prompt token: the part after the last breakpoint plus cache writes and reads."""
        return (
            self.input_tokens
            + self.cache_write_5m_tokens
            + self.cache_write_1h_tokens
            + self.cache_read_tokens
        )

    @classmethod
    def from_api(cls, usage: Mapping[str, Any]) -> Usage:
        """Build from the SDK/API `usage` dict. `cache_creation.ephemeral_5m_input_tokens` and
        `ephemeral_1h_input_tokens` split the writes by TTL; without that breakdown every write
        in `cache_creation_input_tokens` is taken as a 5-minute write (the default TTL)."""
        breakdown = usage.get("cache_creation") or {}
        written = usage.get("cache_creation_input_tokens") or 0
        w5 = breakdown.get("ephemeral_5m_input_tokens")
        w1 = breakdown.get("ephemeral_1h_input_tokens")
        if w5 is None and w1 is None:
            w5, w1 = written, 0
        return cls(
            input_tokens=usage.get("input_tokens") or 0,
            output_tokens=usage.get("output_tokens") or 0,
            cache_write_5m_tokens=w5 or 0,
            cache_write_1h_tokens=w1 or 0,
            cache_read_tokens=usage.get("cache_read_input_tokens") or 0,
        )


@dataclass(frozen=True)
class CallCost:
    """The bill for one request, line by line, in USD (unrounded)."""

    model: Model
    usage: Usage
    batch: bool
    band: PriceBand | None
    input_usd: Decimal
    cache_write_5m_usd: Decimal
    cache_write_1h_usd: Decimal
    cache_read_usd: Decimal
    output_usd: Decimal

    @property
    def total_usd(self) -> Decimal:
        return (
            self.input_usd
            + self.cache_write_5m_usd
            + self.cache_write_1h_usd
            + self.cache_read_usd
            + self.output_usd
        )

    @property
    def band_label(self) -> str:
        return self.band.label if self.band else "standard"

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": "cost",
            "model": self.model.id,
            "display_name": self.model.display_name,
            "batch": self.batch,
            "band": self.band_label,
            "input_tokens": self.usage.input_tokens,
            "cache_write_5m_tokens": self.usage.cache_write_5m_tokens,
            "cache_write_1h_tokens": self.usage.cache_write_1h_tokens,
            "cache_read_tokens": self.usage.cache_read_tokens,
            "output_tokens": self.usage.output_tokens,
            "prompt_tokens": self.usage.prompt_tokens,
            "input_usd": self.input_usd,
            "cache_write_5m_usd": self.cache_write_5m_usd,
            "cache_write_1h_usd": self.cache_write_1h_usd,
            "cache_read_usd": self.cache_read_usd,
            "output_usd": self.output_usd,
            "total_usd": self.total_usd,
            "assumptions": [
                "input_tokens excludes cached tokens: the prompt is input + cache writes + "
                "cache reads, and that total picks the price band.",
                *(["Batch: every line at the model's batch discount."] if self.batch else []),
            ],
            "warnings": model_warnings(self.model),
        }


def token_cost(tokens: int | Decimal, price_per_million: Decimal) -> Decimal:
    """Dollars for `tokens` at a price per million tokens."""
    return Decimal(tokens) * price_per_million / MILLION


def cost_of_call(model: Model, usage: Usage, *, batch: bool = False) -> CallCost:
    """Cost of one request. The band comes from the whole prompt; batch scales every line."""
    band = model.band_for(usage.prompt_tokens)
    prices = band.prices if band else model.prices
    factor = model.batch_discount if batch else Decimal(1)
    return CallCost(
        model=model,
        usage=usage,
        batch=batch,
        band=band,
        input_usd=token_cost(usage.input_tokens, prices.input) * factor,
        cache_write_5m_usd=token_cost(usage.cache_write_5m_tokens, prices.cache_write_5m) * factor,
        cache_write_1h_usd=token_cost(usage.cache_write_1h_tokens, prices.cache_write_1h) * factor,
        cache_read_usd=token_cost(usage.cache_read_tokens, prices.cache_read) * factor,
        output_usd=token_cost(usage.output_tokens, prices.output) * factor,
    )


def cost_of_api_usage(
    model: Model, usage: Mapping[str, Any], service_tier: str | None = None
) -> CallCost:
    """Cost of a real response from its `usage` dict. Batch pricing applies when
    `service_tier` (or `usage["service_tier"]`) is "batch"."""
    tier = service_tier or usage.get("service_tier")
    return cost_of_call(model, Usage.from_api(usage), batch=tier == "batch")


def model_warnings(model: Model) -> list[str]:
    """What the course must say next to any figure computed from this model's prices."""
    warnings = []
    if model.unconfirmed:
        warnings.append(f"{model.display_name}: prices [UNCONFIRMED]. {model.note or ''}".strip())
    if model.status == "retired":
        when = f" on {model.retired.isoformat()}" if model.retired else ""
        warnings.append(f"{model.display_name} is retired{when}: a historical example only.")
    elif model.status == "deprecated":
        when = f" on {model.retired.isoformat()}" if model.retired else ""
        warnings.append(f"{model.display_name} is deprecated and retires{when}.")
    return warnings
