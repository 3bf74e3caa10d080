"""Routing: send each request to the cheapest tier that can answer it.

The routed cost is the traffic mix across tiers (shares summing to exactly 1) at each tier's
model, plus the classifier's own cost on every request; the baseline sends everything to one
model. Amounts are per period (a day or a 30-day month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .caching import PERIOD_ASSUMPTION, PERIOD_MINUTES, check_choice
from .calls import Usage, check_count, cost_of_call, model_warnings
from .errors import CalculatorError
from .pricing import Model


@dataclass(frozen=True)
class TierRoute:
    tier: str
    model: Model
    share: Decimal
    cost_usd: Decimal

    def requests(self, total: int) -> Decimal:
        return self.share * total


@dataclass(frozen=True)
class RoutingResult:
    requests: int
    per: str
    input_tokens: int
    output_tokens: int
    baseline: Model
    baseline_usd: Decimal
    routes: tuple[TierRoute, ...]
    classifier: Model | None
    classifier_usd: Decimal

    @property
    def routed_usd(self) -> Decimal:
        return sum((r.cost_usd for r in self.routes), Decimal(0)) + self.classifier_usd

    @property
    def saving_usd(self) -> Decimal:
        return self.baseline_usd - self.routed_usd

    @property
    def saving_pct(self) -> Decimal:
        return self.saving_usd * 100 / self.baseline_usd if self.baseline_usd else Decimal(0)

    def as_dict(self) -> dict[str, Any]:
        warnings: list[str] = []
        for model in (self.baseline, *(r.model for r in self.routes), self.classifier):
            if model is not None:
                warnings += [n for n in model_warnings(model) if n not in warnings]
        return {
            "command": "routing",
            "requests": self.requests,
            "per": self.per,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "baseline_model": self.baseline.id,
            "baseline_usd": self.baseline_usd,
            "tiers": [
                {
                    "tier": r.tier,
                    "model": r.model.id,
                    "share_pct": r.share * 100,
                    "tier_requests": r.requests(self.requests),
                    "cost_usd": r.cost_usd,
                }
                for r in self.routes
            ],
            "classifier_model": self.classifier.id if self.classifier else None,
            "classifier_usd": self.classifier_usd,
            "routed_usd": self.routed_usd,
            "saving_usd": self.saving_usd,
            "saving_pct": self.saving_pct,
            "assumptions": [
                f"Amounts are per {self.per}.",
                "Every request is classified first; the classifier's cost is part of the routed "
                "total."
                if self.classifier
                else "No classifier cost included.",
                PERIOD_ASSUMPTION,
            ],
            "warnings": warnings,
        }


def route_traffic(
    mix: Mapping[str, Decimal],
    models: Mapping[str, Model],
    baseline: Model,
    requests: int,
    per: str,
    input_tokens: int,
    output_tokens: int,
    *,
    classifier: Model | None = None,
    classifier_input: int = 0,
    classifier_output: int = 0,
) -> RoutingResult:
    """Cost of routing `requests` per `per` across tiers against sending all to `baseline`."""
    check_count("requests", requests)
    check_choice("per", per, PERIOD_MINUTES)
    check_count("input tokens", input_tokens)
    check_count("output tokens", output_tokens)
    check_count("classifier input tokens", classifier_input)
    check_count("classifier output tokens", classifier_output)
    if not mix:
        raise CalculatorError("the mix needs at least one tier")
    for tier, share in mix.items():
        if not isinstance(share, Decimal) or not share.is_finite() or share < 0:
            raise CalculatorError(f"share of tier {tier!r} must be a number from 0 to 1")
    total_share = sum(mix.values(), Decimal(0))
    if total_share != 1:
        raise CalculatorError(f"the mix shares must add up to 1, they add up to {total_share}")
    missing = [t for t in mix if t not in models]
    if missing:
        raise CalculatorError(f"no model given for tier {missing[0]!r} (use --models tier=model)")
    extra = [t for t in models if t not in mix]
    if extra:
        raise CalculatorError(f"tier {extra[0]!r} has a model but no share in the mix")
    usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    routes = tuple(
        TierRoute(
            tier,
            models[tier],
            share,
            cost_of_call(models[tier], usage).total_usd * share * requests,
        )
        for tier, share in mix.items()
    )
    classifier_usd = Decimal(0)
    if classifier is not None:
        probe = Usage(input_tokens=classifier_input, output_tokens=classifier_output)
        classifier_usd = cost_of_call(classifier, probe).total_usd * requests
    return RoutingResult(
        requests=requests,
        per=per,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        baseline=baseline,
        baseline_usd=cost_of_call(baseline, usage).total_usd * requests,
        routes=routes,
        classifier=classifier,
        classifier_usd=classifier_usd,
    )
