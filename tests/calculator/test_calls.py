from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.calls import (
    Usage,
    check_count,
    cost_of_api_usage,
    cost_of_call,
    model_warnings,
    token_cost,
)
from labs.calculator.errors import CalculatorError
from tests.calculator.conftest import make_banded_model, make_model


def test_token_cost_is_tokens_times_the_price_per_million():
    assert token_cost(2_000, Decimal("3")) == Decimal("0.006")


def test_each_line_item_uses_its_own_price(table):
    model = table.get("claude-sonnet-4-6")  # 3 / 15 / 3.75 / 6 / 0.30
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_write_5m_tokens=1_000_000,
        cache_write_1h_tokens=1_000_000,
        cache_read_tokens=1_000_000,
    )
    cost = cost_of_call(model, usage)
    assert cost.input_usd == Decimal(3)
    assert cost.output_usd == Decimal(15)
    assert cost.cache_write_5m_usd == Decimal("3.75")
    assert cost.cache_write_1h_usd == Decimal(6)
    assert cost.cache_read_usd == Decimal("0.30")
    assert cost.total_usd == Decimal("28.05")


def test_input_tokens_exclude_cached_tokens_so_nothing_is_subtracted(table):
    # ERRATA row 16: total input = input_tokens + cache writes + cache reads.
    model = table.get("claude-sonnet-4-6")
    usage = Usage(input_tokens=50, cache_read_tokens=10_000, output_tokens=0)
    assert usage.prompt_tokens == 10_050
    cost = cost_of_call(model, usage)
    assert cost.input_usd == Decimal(50) * 3 / 1_000_000
    assert cost.cache_read_usd == Decimal(10_000) * Decimal("0.30") / 1_000_000


def test_batch_scales_every_line_by_the_discount():
    model = make_model()
    usage = Usage(100, 200, 300, 400, 500)
    plain, batch = cost_of_call(model, usage), cost_of_call(model, usage, batch=True)
    for line in ("input_usd", "output_usd", "cache_write_5m_usd", "cache_write_1h_usd"):
        assert getattr(batch, line) == getattr(plain, line) / 2
    assert batch.total_usd * 2 == plain.total_usd


def test_the_band_is_chosen_from_input_plus_cache_writes_plus_reads():
    model = make_banded_model()
    under = cost_of_call(model, Usage(input_tokens=40_000, cache_read_tokens=60_000))
    over = cost_of_call(model, Usage(input_tokens=40_000, cache_read_tokens=60_001))
    assert under.band is None and under.band_label == "standard"
    assert over.band is not None and over.band_label == "above 100,000 prompt tokens"


def test_the_higher_band_bills_every_token_including_output(table):
    model = table.get("claude-haiku-5-5")
    small = cost_of_call(model, Usage(input_tokens=100_000, output_tokens=1_000))
    large = cost_of_call(model, Usage(input_tokens=100_001, output_tokens=1_000))
    assert small.output_usd == Decimal("0.0005")
    assert large.output_usd == Decimal("0.0025")
    assert large.input_usd == Decimal(100_001) * Decimal("0.50") / 1_000_000


def test_usage_refuses_negative_and_fractional_counts():
    with pytest.raises(CalculatorError, match="must not be negative"):
        Usage(input_tokens=-1)
    with pytest.raises(CalculatorError, match="whole number"):
        Usage(output_tokens=1.5)  # type: ignore[arg-type]
    with pytest.raises(CalculatorError):
        check_count("x", True)


def test_usage_from_api_splits_writes_by_ttl():
    usage = Usage.from_api(
        {
            "input_tokens": 12,
            "output_tokens": 300,
            "cache_creation_input_tokens": 3000,
            "cache_read_input_tokens": 9000,
            "cache_creation": {
                "ephemeral_5m_input_tokens": 1000,
                "ephemeral_1h_input_tokens": 2000,
            },
        }
    )
    assert usage == Usage(12, 300, 1000, 2000, 9000)


def test_usage_from_api_takes_unsplit_writes_as_5_minute_writes():
    usage = Usage.from_api(
        {"input_tokens": 5, "output_tokens": 1, "cache_creation_input_tokens": 700}
    )
    assert usage.cache_write_5m_tokens == 700 and usage.cache_write_1h_tokens == 0
    assert Usage.from_api({"input_tokens": None, "output_tokens": 3}) == Usage(0, 3)


def test_cost_of_api_usage_applies_batch_pricing_for_the_batch_service_tier(table):
    model = table.get("claude-sonnet-5-5")
    usage = {"input_tokens": 1000, "output_tokens": 100, "service_tier": "batch"}
    assert cost_of_api_usage(model, usage).batch is True
    assert cost_of_api_usage(model, {"input_tokens": 1000}, service_tier="standard").batch is False


def test_as_dict_lists_every_line_item_and_the_total(table):
    result = cost_of_call(table.get("claude-sonnet-5-5"), Usage(2000, 500)).as_dict()
    for key in ("input_usd", "cache_write_5m_usd", "cache_write_1h_usd", "cache_read_usd"):
        assert key in result
    assert result["total_usd"] == Decimal("0.009")
    assert result["warnings"]  # Sonnet 5.5's cache read is unconfirmed


def test_model_warnings_flag_unconfirmed_retired_and_deprecated_models(table):
    assert "UNCONFIRMED" in model_warnings(table.get("claude-fable-5-2"))[0]
    assert "retired on 2026-04-20" in model_warnings(table.get("claude-3-haiku"))[0]
    assert "retires on 2026-11-30" in model_warnings(table.get("claude-sonnet-4-5"))[0]
    assert model_warnings(table.get("claude-opus-5-5")) == []
