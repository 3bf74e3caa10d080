"""Every corrected figure in ../shared/reference/ERRATA.md (and the checks in API-FACTS.md),
reproduced through the calculator's command line, as the lessons' living numbers use it.
Rows 7, 8 and 10 are documentation facts without a figure to compute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from labs.calculator.cli import run_command

CLAUDE_3_SWITCH = ["compare", "--models", "claude-3-sonnet,claude-3-haiku", "--requests", "1000000"]


def saving(argv: list[str]) -> Decimal:
    return Decimal(run_command(argv)["results"][1]["saving_vs_first_usd"])


# Row 1 (and API-FACTS check d) ------------------------------------------------------------------
def test_row_1_output_alone_saves_6875_a_day_on_claude_3_sonnet_to_haiku():
    result = run_command([*CLAUDE_3_SWITCH, "--per", "day", "--output", "500"])
    assert result["results"][1]["saving_vs_first_usd"] == "6875.000000"


def test_row_1_the_page_figure_of_7375_is_the_wrong_subtraction():
    # 500 MTok x ($15 output - $0.25 *input*) = $7,375: not what the switch saves.
    assert 500 * (Decimal(15) - Decimal("0.25")) == 7375
    assert saving([*CLAUDE_3_SWITCH, "--per", "day", "--output", "500"]) != 7375


def test_row_1_7375_only_holds_with_about_182_input_tokens_a_call():
    with_182 = saving([*CLAUDE_3_SWITCH, "--per", "day", "--user", "182", "--output", "500"])
    assert with_182 == Decimal("7375.5")


def test_row_1_200_input_tokens_a_call_save_7425_a_day():
    assert saving([*CLAUDE_3_SWITCH, "--per", "day", "--user", "200", "--output", "500"]) == 7425


def test_row_1_the_output_saving_is_about_2_51_million_a_year():
    result = run_command([*CLAUDE_3_SWITCH, "--per", "day", "--output", "500"])
    assert result["results"][1]["saving_vs_first_per_year_usd"] == "2509375.000000"


@pytest.mark.parametrize(
    ("pair", "per_day"),
    [("claude-sonnet-4-6,claude-haiku-4-5", 5000), ("claude-sonnet-5-5,claude-haiku-5-5", 4750)],
)
def test_row_1_current_analogues_save_5000_and_4750_a_day(pair, per_day):
    argv = ["compare", "--models", pair, "--requests", "1000000", "--per", "day", "--output", "500"]
    assert saving(argv) == per_day


# Row 2 (and API-FACTS check a) ------------------------------------------------------------------
def cache(ttl: str, requests: int) -> dict:
    argv = [
        "cache",
        "--model",
        "claude-sonnet-4-6",
        "--prefix",
        "1000000",
        "--requests",
        str(requests),
    ]
    return run_command([*argv, "--per", "day", "--ttl", ttl])


def test_row_2_one_hit_repays_a_5_minute_write():
    result = cache("5m", 2)  # one write + one hit: 1.35x against 2.0x
    assert Decimal(result["with_cache_usd"]) == Decimal("3") * Decimal("1.35")
    assert Decimal(result["without_cache_usd"]) == Decimal("3") * 2
    assert result["break_even_hits"] == 1
    assert Decimal(result["break_even_ratio"]).quantize(Decimal("0.01")) == Decimal("0.28")


def test_row_2_a_1_hour_write_needs_two_hits():
    one_hit, two_hits = cache("1h", 2), cache("1h", 3)
    assert Decimal(one_hit["with_cache_usd"]) == Decimal("6.3")  # 2.1x against 2.0x
    assert Decimal(one_hit["saving_usd"]) < 0
    assert Decimal(two_hits["with_cache_usd"]) == Decimal("6.6")  # 2.2x against 3.0x
    assert Decimal(two_hits["saving_usd"]) > 0
    assert one_hit["break_even_hits"] == 2


def test_row_2_the_page_figure_of_1_39_hits_counts_the_whole_write_as_overhead():
    assert (Decimal("1.25") / Decimal("0.9")).quantize(Decimal("0.01")) == Decimal("1.39")
    assert Decimal(cache("5m", 2)["break_even_ratio"]) < 1


# Row 3 ------------------------------------------------------------------------------------------
def test_row_3_caching_the_25000_token_contract_for_10_questions_saves_78_5_percent():
    argv = ["cache", "--model", "claude-sonnet-4-6", "--prefix", "25000", "--requests", "10"]
    result = run_command([*argv, "--per", "day"])
    assert result["saving_pct"] == "78.50"
    assert result["tokens_sent"] == 250_000
    # 25,000 x 1.25 + 9 x 25,000 x 0.1 = 53,750 token-equivalents
    assert Decimal(result["with_cache_usd"]) == Decimal(53_750) * 3 / 1_000_000


def test_row_3_ninety_percent_is_only_the_limit_as_questions_grow():
    argv = ["cache", "--model", "claude-sonnet-4-6", "--prefix", "25000", "--per", "day"]
    many = Decimal(run_command([*argv, "--requests", "1000000"])["saving_pct"])
    assert Decimal("89.99") < many < 90


# Row 4 ------------------------------------------------------------------------------------------
def test_row_4_a_2000_token_prompt_over_100k_calls_saves_the_price_of_180m_tokens():
    argv = ["cache", "--model", "claude-sonnet-4-6", "--prefix", "2000", "--requests", "100000"]
    result = run_command([*argv, "--per", "day"])
    assert result["tokens_sent"] == 200_000_000
    # 90% of 200M, less the write premium (0.25 x 2,000) and the first request's missed hit.
    expected = 180_000_000 - Decimal("0.25") * 2000 - Decimal("0.9") * 2000
    assert Decimal(result["saving_input_token_equivalents"]) == expected
    assert Decimal(result["saving_usd"]) == expected * 3 / 1_000_000


# Row 5 ------------------------------------------------------------------------------------------
def test_row_5_the_minimum_prefix_is_a_property_of_each_model():
    models = {m["id"]: m for m in run_command(["models", "--all"])["models"]}
    assert models["claude-3-5-sonnet-20241022"]["min_cacheable_tokens"] == 1024
    assert models["claude-3-opus-20240229"]["min_cacheable_tokens"] == 1024
    assert models["claude-3-haiku-20240307"]["min_cacheable_tokens"] == 2048
    assert models["claude-haiku-4-5-20251001"]["min_cacheable_tokens"] == 4096
    assert models["claude-opus-5-5"]["min_cacheable_tokens"] == 512


# Row 6 ------------------------------------------------------------------------------------------
def test_row_6_a_1_hour_write_costs_2x_and_a_5_minute_write_1_25x():
    base = Decimal(
        run_command(["cost", "--model", "sonnet-4-6", "--input", "1000", "--output", "0"])[
            "total_usd"
        ]
    )
    argv = ["cost", "--model", "sonnet-4-6", "--input", "0", "--output", "0"]
    one_hour = Decimal(run_command([*argv, "--cache-write-1h", "1000"])["total_usd"])
    five_min = Decimal(run_command([*argv, "--cache-write-5m", "1000"])["total_usd"])
    assert one_hour == 2 * base and five_min == Decimal("1.25") * base


# Row 9 ------------------------------------------------------------------------------------------
def test_row_9_output_costs_5x_input_on_every_current_model_and_claude_3_haiku(table):
    current = [m for m in table.models if m.status == "current"]
    assert current
    for model in [*current, table.get("claude-3-haiku")]:
        assert model.prices.output == 5 * model.prices.input, model.id


# Rows 11 and 12 ---------------------------------------------------------------------------------
def price_ratio(table, a: str, b: str, kind: str) -> Decimal:
    return table.get(a).prices.get(kind) / table.get(b).prices.get(kind)


def test_row_11_claude_3_opus_output_cost_60x_claude_3_haiku(table):
    assert price_ratio(table, "claude-3-opus", "claude-3-haiku", "output") == 60
    assert price_ratio(table, "claude-3-opus", "claude-3-haiku", "input") == 60


def test_row_11_todays_gaps_are_5x_40x_and_80x(table):
    assert price_ratio(table, "claude-opus-4-5", "claude-haiku-4-5", "output") == 5
    assert price_ratio(table, "claude-opus-5-5", "claude-haiku-5-5", "output") == 40
    assert price_ratio(table, "claude-fable-5-2", "claude-haiku-5-5", "output") == 80


def test_row_12_2000_output_tokens_cost_as_much_as_10000_input_tokens():
    out = run_command(["cost", "--model", "sonnet-5-5", "--input", "0", "--output", "2000"])
    inp = run_command(["cost", "--model", "sonnet-5-5", "--input", "10000", "--output", "0"])
    assert out["total_usd"] == inp["total_usd"] == "0.020000"


# Rows 13 and 14 ---------------------------------------------------------------------------------
def test_row_13_the_claude_3_family_launched_on_2024_03_04(table):
    assert table.get("claude-3-opus").released == dt.date(2024, 3, 4)


def test_row_14_every_claude_3_model_is_retired_and_haiku_3_went_last(table):
    family = [m for m in table.models if m.id.startswith("claude-3-")]
    assert all(m.status == "retired" for m in family)
    dated = [m for m in family if m.retired]
    assert max(dated, key=lambda m: m.retired).id == "claude-3-haiku-20240307"
    assert table.get("claude-3-haiku").retired == dt.date(2026, 4, 20)


# Row 15 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "multiple"),
    [
        ("claude-sonnet-4-6", "0.1"),
        ("claude-haiku-4-5", "0.1"),
        ("claude-opus-5-5", "0.05"),
        ("claude-sonnet-5-5", "0.05"),
        ("claude-fable-5-1", "0.025"),
        ("claude-fable-5-2", "0.025"),
    ],
)
def test_row_15_the_cache_hit_price_is_per_model(table, name, multiple):
    model = table.get(name)
    assert model.prices.cache_read / model.prices.input == Decimal(multiple)


# Row 16 -----------------------------------------------------------------------------------------
def test_row_16_input_tokens_exclude_cached_tokens():
    argv = [
        "cost",
        "--model",
        "sonnet-4-6",
        "--input",
        "50",
        "--output",
        "0",
        "--cache-read",
        "10000",
    ]
    result = run_command(argv)
    assert result["prompt_tokens"] == 10_050
    assert result["input_usd"] == "0.000150"  # 50 tokens, nothing subtracted
    assert result["cache_read_usd"] == "0.003000"


# Conversation history (lesson figure) -----------------------------------------------------------
def test_ten_turns_of_200_tokens_send_11000_tokens_55x_one_turn():
    result = run_command(["history", "--turns", "10", "--turn-tokens", "200"])
    assert result["cumulative_tokens"] == 11_000
    assert result["cumulative_vs_one_turn"] == "55"
    assert result["per_turn"][9] == 2000
