"""Fixtures for the calculator tests: the real price table and small synthetic models.

These tests never import Django (run them with `-p no:django`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from labs.calculator.pricing import Model, PriceBand, Prices, PriceTable, load_price_table


@pytest.fixture(scope="session")
def table() -> PriceTable:
    return load_price_table()


def make_prices(input_price: str = "3", **overrides: str) -> Prices:
    """Prices with the standard multipliers on `input_price` (output 5x)."""
    base = Decimal(input_price)
    values = {
        "input": base,
        "output": base * 5,
        "cache_write_5m": base * Decimal("1.25"),
        "cache_write_1h": base * 2,
        "cache_read": base * Decimal("0.1"),
    }
    values |= {k: Decimal(v) for k, v in overrides.items()}
    return Prices(**values)


def make_model(**overrides: Any) -> Model:
    fields: dict[str, Any] = {
        "id": "claude-test-1",
        "display_name": "Claude Test 1",
        "tier": "sonnet",
        "status": "current",
        "prices": make_prices(),
        "batch_discount": Decimal("0.5"),
        "source": "https://example.invalid/pricing",
        "min_cacheable_tokens": 1024,
    }
    fields |= overrides
    return Model(**fields)


def make_banded_model() -> Model:
    return make_model(
        id="claude-banded-1",
        display_name="Claude Banded 1",
        tier="haiku",
        prices=make_prices("0.10"),
        bands=(PriceBand(100_000, make_prices("0.50")),),
        min_cacheable_tokens=None,
    )


def minimal_model_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "claude-x",
        "display_name": "Claude X",
        "tier": "sonnet",
        "status": "current",
        "prices": {
            "input": "3",
            "output": "15",
            "cache_write_5m": "3.75",
            "cache_write_1h": "6",
            "cache_read": "0.30",
        },
        "batch_discount": "0.5",
        "source": "https://example.invalid/pricing",
        "price_date": "2026-11-22",
    }
    data |= overrides
    return data
