from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from labs.calculator.formatting import (
    decimal_str,
    format_pct,
    format_price,
    format_tokens,
    format_usd,
    pct_str,
    render_text,
    to_jsonable,
    usd_str,
)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("6875", "$6,875.00"),
        ("6875.005", "$6,875.01"),
        ("0.01", "$0.01"),
        ("0.02", "$0.02"),
        ("0.0152", "$0.0152"),
        ("0.1075", "$0.1075"),
        ("0.00015", "$0.00015"),
        ("0.0000015", "$0.0000015"),
        ("0.005", "$0.005"),
        ("0.005425", "$0.00543"),
        ("0.999995", "$1.00"),
        ("0", "$0.00"),
        ("-1", "-$1.00"),
        ("-0.00015", "-$0.00015"),
        ("2509375", "$2,509,375.00"),
    ],
)
def test_format_usd_reads_like_money(amount, text):
    assert format_usd(Decimal(amount)) == text


@pytest.mark.parametrize(
    ("price", "text"), [("2", "$2.00"), ("0.125", "$0.125"), ("0.01", "$0.01"), ("22.50", "$22.50")]
)
def test_format_price_keeps_every_digit_of_a_price(price, text):
    assert format_price(Decimal(price)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [("78.5", "78.5%"), ("90", "90%"), ("91.6666", "91.7%"), ("0.04", "0.04%"), ("-5", "-5%")],
)
def test_format_pct_shows_a_percentage(value, text):
    assert format_pct(Decimal(value)) == text


def test_format_tokens_adds_thousands_separators():
    assert format_tokens(11000) == "11,000"
    assert format_tokens(Decimal("1.5")) == "1.50"


def test_usd_strings_keep_at_least_six_places():
    assert usd_str(Decimal(68400)) == "68400.000000"
    assert usd_str(Decimal("0.00000125")) == "0.00000125"
    assert usd_str(Decimal(1) / 3) == "0.333333333333"
    assert usd_str(Decimal("-0")) == "0.000000"


def test_pct_and_plain_decimal_strings():
    assert pct_str(Decimal("78.5")) == "78.50"
    assert pct_str(Decimal(100) / 3) == "33.3333"
    assert decimal_str(Decimal("0.500")) == "0.5"
    assert decimal_str(Decimal(55)) == "55"


def test_to_jsonable_converts_by_key_suffix():
    data = {
        "total_usd": Decimal(5),
        "saving_pct": Decimal("12.5"),
        "ratio": Decimal("0.25"),
        "tokens": 11000,
        "when": dt.date(2026, 10, 7),
        "rows": ({"cost_usd": Decimal("0.1")},),
        "flag": True,
        "nothing": None,
    }
    assert to_jsonable(data) == {
        "total_usd": "5.000000",
        "saving_pct": "12.50",
        "ratio": "0.25",
        "tokens": 11000,
        "when": "2026-10-07",
        "rows": [{"cost_usd": "0.100000"}],
        "flag": True,
        "nothing": None,
    }


def test_to_jsonable_refuses_unknown_types():
    with pytest.raises(TypeError):
        to_jsonable({"x": object()})


def test_render_text_aligns_fields_and_tables():
    text = render_text(
        {
            "command": "compare",
            "requests": 1000,
            "results": [
                {"model": "a", "per_day_usd": Decimal(10), "saving_vs_first_pct": Decimal(0)},
                {"model": "bb", "per_day_usd": Decimal(5), "saving_vs_first_pct": Decimal(50)},
            ],
            "assumptions": ["A month is 30 days and a year 365 days."],
        }
    )
    lines = text.splitlines()
    assert lines[0] == "compare"
    assert "  requests  1,000" in lines
    assert any(
        line.strip().startswith("bb") and "$5.00" in line and "50%" in line for line in lines
    )
    assert "  - A month is 30 days and a year 365 days." in lines
