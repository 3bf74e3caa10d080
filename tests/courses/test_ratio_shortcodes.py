"""Ratio shortcodes: the multipliers a lesson states ("writes cost 1.25x", "reads at 0.05x", "half
price in a batch") are computed from the model's own prices, so they move when a price does."""

import pytest

from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import PriceTable, load_price_table


def shown(text: str, table: PriceTable | None = None) -> str:
    return render_markdown(text, table=table or load_price_table())


def table_with(model_id: str, **prices: str) -> PriceTable:
    data = load_price_table().to_data()
    for model in data["models"]:
        if model["id"] == model_id:
            model["prices"].update(prices)
    return PriceTable.from_data(data)


@pytest.mark.parametrize(
    ("shortcode", "expected"),
    [
        ("model claude-sonnet-4-6 output_multiplier", ">5x<"),
        ("model claude-sonnet-4-6 cache_write_5m_multiplier", ">1.25x<"),
        ("model claude-sonnet-4-6 cache_write_1h_multiplier", ">2x<"),
        ("model claude-sonnet-4-6 cache_read_multiplier", ">0.1x<"),
        ("model claude-opus-5-5 cache_read_multiplier", ">0.05x<"),
        ("model claude-fable-5-1 cache_read_multiplier", ">0.025x<"),
        ("model claude-sonnet-4-6 cache_write_5m_premium", ">0.25x<"),
        ("model claude-sonnet-4-6 cache_write_1h_premium", ">1x<"),
        ("model claude-sonnet-4-6 cache_read_saving", ">0.9x<"),
        ("model claude-opus-5-5 cache_read_saving", ">0.95x<"),
        ("model claude-sonnet-4-6 batch_saving_pct", ">50%<"),
    ],
)
def test_a_ratio_shortcode_shows_the_ratio_the_price_table_implies(shortcode, expected):
    assert expected in shown(f"Reads cost {{{{ {shortcode} }}}} input.")


def test_a_ratio_shortcode_moves_when_the_price_table_moves():
    cut = table_with("claude-sonnet-4-6", cache_read="0.15", cache_write_5m="4.50")
    assert ">0.05x<" in shown("{{ model claude-sonnet-4-6 cache_read_multiplier }}", cut)
    assert ">0.95x<" in shown("{{ model claude-sonnet-4-6 cache_read_saving }}", cut)
    assert ">1.5x<" in shown("{{ model claude-sonnet-4-6 cache_write_5m_multiplier }}", cut)


def test_the_batch_saving_follows_the_tables_batch_multiplier():
    data = load_price_table().to_data()
    for model in data["models"]:
        if model["id"] == "claude-sonnet-4-6":
            model["batch_discount"] = "0.6"
    assert ">40%<" in shown(
        "{{ model claude-sonnet-4-6 batch_saving_pct }}", PriceTable.from_data(data)
    )


def test_a_ratio_of_an_unknown_field_is_refused_by_name():
    with pytest.raises(LivingNumberError, match="no field 'cache_read_ratio'"):
        shown("{{ model claude-sonnet-4-6 cache_read_ratio }}")
