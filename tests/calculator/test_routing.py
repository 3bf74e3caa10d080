from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.errors import CalculatorError
from labs.calculator.routing import route_traffic


def route(table, **overrides):
    args = {
        "mix": {"simple": Decimal("0.7"), "medium": Decimal("0.2"), "hard": Decimal("0.1")},
        "models": {
            "simple": table.get("claude-haiku-4-5"),
            "medium": table.get("claude-sonnet-4-6"),
            "hard": table.get("claude-opus-4-6"),
        },
        "baseline": table.get("claude-sonnet-4-6"),
        "requests": 100_000,
        "per": "day",
        "input_tokens": 1000,
        "output_tokens": 200,
    }
    args |= overrides
    return route_traffic(**args)


def test_routing_weights_each_tier_by_its_share(table):
    result = route(table)
    per_request = {"simple": Decimal("0.002"), "medium": Decimal("0.006"), "hard": Decimal("0.01")}
    expected = sum(
        per_request[t] * share * 100_000
        for t, share in {
            "simple": Decimal("0.7"),
            "medium": Decimal("0.2"),
            "hard": Decimal("0.1"),
        }.items()
    )
    assert result.routed_usd == expected == Decimal(360)
    assert result.baseline_usd == Decimal(600)
    assert result.saving_usd == Decimal(240)
    assert result.saving_pct == 40


def test_the_classifier_is_paid_on_every_request(table):
    result = route(
        table, classifier=table.get("claude-haiku-4-5"), classifier_input=300, classifier_output=5
    )
    per_call = (Decimal(300) * 1 + Decimal(5) * 5) / 1_000_000
    assert result.classifier_usd == per_call * 100_000
    assert result.routed_usd == Decimal(360) + per_call * 100_000
    assert result.as_dict()["classifier_model"] == "claude-haiku-4-5-20251001"


def test_routing_as_dict_lists_the_tiers(table):
    result = route(table).as_dict()
    assert [t["tier"] for t in result["tiers"]] == ["simple", "medium", "hard"]
    assert result["tiers"][0]["share_pct"] == 70
    assert result["tiers"][0]["tier_requests"] == 70_000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mix": {"simple": Decimal("0.7"), "medium": Decimal("0.2")}}, "add up to 1"),
        ({"mix": {}}, "at least one tier"),
        ({"mix": {"simple": Decimal("-0.5"), "medium": Decimal("1.5")}}, "from 0 to 1"),
        ({"mix": {"simple": Decimal(1), "other": Decimal(0)}}, "no model given for tier 'other'"),
        ({"requests": -5}, "must not be negative"),
    ],
)
def test_routing_refuses_bad_input(table, overrides, message):
    with pytest.raises(CalculatorError, match=message):
        route(table, **overrides)


def test_a_tier_with_a_model_but_no_share_is_refused(table):
    with pytest.raises(CalculatorError, match="no share"):
        route(table, mix={"simple": Decimal(1)})
