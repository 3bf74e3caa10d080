from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from labs.calculator.errors import CalculatorError, PriceTableError, UnknownModel
from labs.calculator.pricing import (
    DEFAULT_PRICE_PATH,
    PriceTable,
    load_price_table,
    normalize_name,
)
from tests.calculator.conftest import make_model, minimal_model_data

# Every model in API-FACTS.md section 1 (plus Claude 3 Sonnet, which ERRATA.md row 1 prices).
EXPECTED_IDS = {
    "claude-fable-5-2",
    "claude-fable-5-1",
    "claude-mythos-5-1",
    "claude-opus-5-5",
    "claude-sonnet-5-5",
    "claude-haiku-5-5",
    "claude-fable-5",
    "claude-mythos-5",
    "claude-opus-5",
    "claude-opus-4-8",
    "claude-opus-4-7",
    "claude-opus-4-6",
    "claude-opus-4-5-20251101",
    "claude-sonnet-5",
    "claude-sonnet-4-6",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-1-20250805",
    "claude-opus-4-20250514",
    "claude-sonnet-4-20250514",
    "claude-3-7-sonnet-20250219",
    "claude-3-5-sonnet-20241022",
    "claude-3-5-haiku-20241022",
    "claude-3-opus-20240229",
    "claude-3-sonnet-20240229",
    "claude-3-haiku-20240307",
}


def test_the_table_holds_every_model_in_the_facts(table):
    assert {m.id for m in table.models} == EXPECTED_IDS


def test_every_model_has_a_source_and_a_price_date(table):
    for model in table.models:
        assert model.source.strip(), model.id
        assert isinstance(model.price_date, dt.date), model.id


def test_prices_are_decimals_never_floats(table):
    for model in table.models:
        for kind in ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read"):
            assert isinstance(model.prices.get(kind), Decimal)
        assert isinstance(model.batch_discount, Decimal)


def test_the_yaml_writes_every_price_as_a_quoted_string():
    data = yaml.safe_load(DEFAULT_PRICE_PATH.read_text())
    for raw in data["models"]:
        assert all(isinstance(v, str) for v in raw["prices"].values()), raw["id"]
        assert isinstance(raw["batch_discount"], str)
        for band in raw.get("bands") or []:
            assert all(isinstance(v, str) for v in band["prices"].values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claude-3-haiku-20240307", "claude-3-haiku-20240307"),
        ("claude-3-haiku", "claude-3-haiku-20240307"),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001"),
        ("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
        ("claude-opus-4-1-20250805", "claude-opus-4-1-20250805"),
        ("claude-opus-4-1", "claude-opus-4-1-20250805"),
        ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"),
        ("Haiku 4.5", "claude-haiku-4-5-20251001"),
        ("haiku-4-5", "claude-haiku-4-5-20251001"),
        ("claude haiku 4.5", "claude-haiku-4-5-20251001"),
        ("Claude 3 Opus", "claude-3-opus-20240229"),
        ("claude-3-opus", "claude-3-opus-20240229"),
        ("Opus 3", "claude-3-opus-20240229"),
        ("Sonnet 4.6", "claude-sonnet-4-6"),
        ("SONNET 5.5", "claude-sonnet-5-5"),
        ("Claude Sonnet 5.5", "claude-sonnet-5-5"),
        ("  opus_5.5 ", "claude-opus-5-5"),
        ("Opus 4", "claude-opus-4-20250514"),
        ("Opus 4.1", "claude-opus-4-1-20250805"),
        ("Mythos 5.1", "claude-mythos-5-1"),
    ],
)
def test_a_model_answers_to_its_ids_aliases_and_typed_names(table, name, expected):
    assert table.get(name).id == expected


@pytest.mark.parametrize("name", ["Haiku", "sonnet", "OPUS", "fable", "Mythos"])
def test_plain_tier_names_are_not_aliases(table, name):
    with pytest.raises(UnknownModel, match="name a version"):
        table.get(name)


def test_an_unknown_model_lists_close_matches(table):
    with pytest.raises(UnknownModel) as info:
        table.get("claude-haiku-4-6")
    message = str(info.value)
    assert "unknown model 'claude-haiku-4-6'" in message
    assert "did you mean" in message and "claude-haiku-4-5-20251001" in message
    assert "\n" not in message
    assert isinstance(info.value, CalculatorError)


def test_a_name_far_from_any_model_points_to_the_model_list(table):
    with pytest.raises(UnknownModel, match="models --all"):
        table.get("gpt-17")


def test_an_empty_name_is_unknown(table):
    with pytest.raises(UnknownModel):
        table.get("  ")


def test_find_returns_none_instead_of_raising(table):
    assert table.find("nope-1") is None
    assert table.find("Haiku 5.5").id == "claude-haiku-5-5"


def test_a_name_two_models_derive_is_ambiguous():
    table = PriceTable(
        models=(
            make_model(id="claude-foo-1-20250101", display_name="Foo One A"),
            make_model(id="claude-foo-1-20250202", display_name="Foo One B"),
        )
    )
    with pytest.raises(UnknownModel, match="ambiguous"):
        table.get("claude-foo-1")
    assert table.get("claude-foo-1-20250202").display_name == "Foo One B"


def test_normalize_name_folds_case_spaces_dots_and_hyphens():
    assert normalize_name("Claude Haiku 4.5") == "claude-haiku-4-5"
    assert normalize_name(" claude__haiku--4.5 ") == "claude-haiku-4-5"


def test_statuses_and_retirement_dates_follow_the_facts(table):
    assert table.get("claude-3-haiku").status == "retired"
    assert table.get("claude-3-haiku").retired == dt.date(2026, 4, 20)
    assert table.get("claude-3-5-haiku").retired == dt.date(2026, 2, 19)
    assert table.get("claude-3-7-sonnet").retired == dt.date(2026, 2, 19)
    assert table.get("claude-3-5-sonnet").retired == dt.date(2025, 10, 28)
    assert table.get("claude-3-opus").retired == dt.date(2026, 1, 5)
    assert table.get("claude-sonnet-4").retired == dt.date(2026, 6, 15)
    assert table.get("claude-opus-4-1").status == "retired"
    sonnet_45 = table.get("claude-sonnet-4-5")
    assert (sonnet_45.status, sonnet_45.retired) == ("deprecated", dt.date(2026, 11, 30))
    assert table.get("claude-haiku-4-5").status == "legacy"
    assert table.get("claude-sonnet-5-5").status == "current"


def test_every_claude_3_family_model_is_retired(table):
    claude_3 = [m for m in table.models if m.id.startswith("claude-3-")]
    assert len(claude_3) == 6
    assert all(m.status == "retired" for m in claude_3)


def test_unconfirmed_prices_are_flagged(table):
    flagged = {m.id for m in table.models if m.unconfirmed}
    assert {"claude-sonnet-5-5", "claude-fable-5-2"} <= flagged
    assert "UNCONFIRMED" in table.get("claude-sonnet-5-5").note
    assert table.get("claude-sonnet-5-5").label().endswith("[UNCONFIRMED]")
    assert not table.get("claude-opus-5-5").unconfirmed


def test_sonnet_5_5_reads_the_cache_at_the_cut_price(table):
    model = table.get("claude-sonnet-5-5")
    assert model.prices.cache_read == Decimal("0.10")
    assert model.price_date == dt.date(2026, 10, 7)


def test_derived_cache_prices_say_so_in_the_note(table):
    for name in ("claude-3-opus", "claude-3-5-sonnet", "claude-3-7-sonnet", "claude-sonnet-4"):
        model = table.get(name)
        assert "derived" in model.note
        assert model.prices.cache_write_5m == model.prices.input * Decimal("1.25")
        assert model.prices.cache_write_1h == model.prices.input * 2
        assert model.prices.cache_read == model.prices.input * Decimal("0.1")


@pytest.mark.parametrize(
    ("minimum", "names"),
    [
        (
            512,
            ["Fable 5.1", "Mythos 5.1", "Opus 5.5", "Opus 5", "Sonnet 5.5", "Fable 5", "Mythos 5"],
        ),
        (
            1024,
            ["Opus 4.8", "Sonnet 5", "Sonnet 4.6", "Sonnet 4.5", "Opus 4.1", "Opus 4", "Sonnet 4"],
        ),
        (2048, ["Opus 4.7", "Haiku 3.5", "Haiku 3"]),
        (4096, ["Opus 4.6", "Opus 4.5", "Haiku 4.5"]),
        (None, ["Haiku 5.5", "Fable 5.2"]),
    ],
)
def test_the_minimum_cacheable_prefix_is_per_model(table, minimum, names):
    for name in names:
        assert table.get(name).min_cacheable_tokens == minimum, name


def test_haiku_5_5_has_a_band_above_100k_prompt_tokens(table):
    model = table.get("claude-haiku-5-5")
    assert model.band_for(100_000) is None
    band = model.band_for(100_001)
    assert band is not None and band.above_prompt_tokens == 100_000
    assert model.prices_for(100_001).output == Decimal("2.50")
    assert model.prices_for(5).input == Decimal("0.10")


def test_available_leaves_out_retired_models(table):
    ids = {m.id for m in table.available()}
    assert "claude-haiku-4-5-20251001" in ids and "claude-sonnet-4-5-20250929" in ids
    assert not any(m.status == "retired" for m in table.available())


def test_latest_picks_the_newest_current_model_of_a_tier(table):
    assert table.latest("sonnet").id == "claude-sonnet-5-5"
    assert table.latest("haiku").id == "claude-haiku-5-5"
    assert table.latest("opus").id == "claude-opus-5-5"
    assert table.latest("fable").id == "claude-fable-5-2"


def test_latest_raises_for_a_tier_without_current_models():
    with pytest.raises(UnknownModel):
        PriceTable(models=(make_model(status="legacy"),)).latest("sonnet")


def test_to_data_round_trips(table):
    data = table.to_data()
    json.dumps(data)  # JSON-able: prices and dates are strings
    assert PriceTable.from_data(data) == table
    assert PriceTable.from_data(data).to_data() == data


def test_from_data_accepts_database_shaped_values():
    data = {
        "version": 1,
        "models": [
            minimal_model_data(
                prices={
                    "input": Decimal("3"),
                    "output": 15,
                    "cache_write_5m": "3.75",
                    "cache_write_1h": Decimal("6.00"),
                    "cache_read": "0.30",
                },
                price_date=dt.date(2026, 11, 22),
            )
        ],
    }
    model = PriceTable.from_data(data).get("claude-x")
    assert model.prices.output == Decimal(15)
    assert model.price_date == dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"prices": {**minimal_model_data()["prices"], "output": "abc"}},
            "pricing.yaml: model claude-x: prices.output: not a number: 'abc'",
        ),
        (
            {"prices": {**minimal_model_data()["prices"], "input": 0.1}},
            "model claude-x: prices.input: write prices as quoted strings",
        ),
        (
            {"prices": {**minimal_model_data()["prices"], "cache_read": "-1"}},
            "model claude-x: prices.cache_read: must not be negative",
        ),
        (
            {"prices": {k: v for k, v in minimal_model_data()["prices"].items() if k != "output"}},
            "model claude-x: prices.output: missing",
        ),
        ({"tier": "poet"}, "model claude-x: tier: expected one of"),
        ({"status": "alive"}, "model claude-x: status: expected one of"),
        ({"batch_discount": "2"}, "model claude-x: batch_discount: must be above 0"),
        ({"min_cacheable_tokens": -5}, "model claude-x: min_cacheable_tokens"),
        ({"price_date": "yesterday"}, "model claude-x: price_date: expected a date"),
        ({"colour": "red"}, "model claude-x: colour: unknown field"),
        ({"source": ""}, "model claude-x: source: expected text"),
        ({"source": None}, "model claude-x: source: missing"),
        ({"aliases": ["Haiku"]}, "model claude-x: aliases: a plain tier name"),
        ({"unconfirmed": "yes"}, "model claude-x: unconfirmed"),
        (
            {
                "bands": [
                    {
                        "above_prompt_tokens": 1000,
                        "prices": {**minimal_model_data()["prices"], "input": "1"},
                    }
                ]
            },
            "model claude-x: bands[0].prices.input: lower than the band below it",
        ),
    ],
)
def test_validation_names_the_model_and_the_field(change, message):
    data = {"version": 1, "models": [minimal_model_data(**change)]}
    with pytest.raises(PriceTableError) as info:
        PriceTable.from_data(data, origin="pricing.yaml")
    assert message in str(info.value)


def test_a_model_without_an_id_is_named_by_position():
    raw = minimal_model_data()
    del raw["id"]
    with pytest.raises(PriceTableError, match=r"model #1: id: missing"):
        PriceTable.from_data({"version": 1, "models": [raw]})


def test_duplicate_ids_and_shared_aliases_are_refused():
    twice = {"version": 1, "models": [minimal_model_data(), minimal_model_data()]}
    with pytest.raises(PriceTableError, match="id: appears twice"):
        PriceTable.from_data(twice)
    shared = {
        "version": 1,
        "models": [
            minimal_model_data(aliases=["Shared Name"]),
            minimal_model_data(id="claude-y", display_name="Claude Y", aliases=["shared name"]),
        ],
    }
    with pytest.raises(PriceTableError, match="model claude-y: aliases: 'shared-name' also"):
        PriceTable.from_data(shared)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping"),
        ({"version": 2, "models": []}, "version: expected 1"),
        ({"version": 1, "models": []}, "models: expected a non-empty list"),
        ({"version": 1, "models": [minimal_model_data()], "extra": 1}, "unknown top-level"),
    ],
)
def test_the_top_level_is_validated(data, message):
    with pytest.raises(PriceTableError, match=message):
        PriceTable.from_data(data)


def test_load_price_table_reads_the_repository_file_by_default(table):
    assert load_price_table() is table
    repo = Path(__file__).resolve().parents[2]
    assert repo / "content" / "pricing.yaml" == DEFAULT_PRICE_PATH


def test_load_price_table_rereads_a_changed_file(tmp_path):
    path = tmp_path / "pricing.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "models": [minimal_model_data()]}))
    first = load_price_table(path)
    assert load_price_table(path) is first
    changed = minimal_model_data(prices={**minimal_model_data()["prices"], "input": "4"})
    path.write_text(yaml.safe_dump({"version": 1, "models": [changed]}))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_price_table(path).get("claude-x").prices.input == Decimal(4)


def test_load_price_table_names_the_file_on_errors(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nmodels: [\n")
    with pytest.raises(PriceTableError, match=r"broken\.yaml: not valid YAML"):
        load_price_table(path)
    bad = tmp_path / "bad.yaml"
    raw = minimal_model_data(prices={**minimal_model_data()["prices"], "output": "abc"})
    bad.write_text(yaml.safe_dump({"version": 1, "models": [raw]}))
    with pytest.raises(PriceTableError, match=r"bad\.yaml: model claude-x: prices\.output"):
        load_price_table(bad)
    with pytest.raises(PriceTableError, match="cannot read"):
        load_price_table(tmp_path / "missing.yaml")
