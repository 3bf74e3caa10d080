"""A model's status follows its dates: the table is read on a date the caller passes."""

from __future__ import annotations

import datetime as dt

from labs.calculator.cli import run_command
from labs.calculator.pricing import PriceTable
from labs.calculator.tools import call_tool

from .conftest import make_model

SONNET_45 = "claude-sonnet-4-5-20250929"
RETIREMENT = dt.date(2026, 11, 30)


def test_a_model_with_a_retirement_date_is_deprecated_before_it_and_retired_from_it():
    model = make_model(status="deprecated", retired=RETIREMENT)
    assert model.status_on(dt.date(2026, 6, 1)) == "deprecated"
    assert model.status_on(dt.date(2026, 11, 29)) == "deprecated"
    assert model.status_on(RETIREMENT) == "retired"
    assert model.status_on(dt.date(2026, 12, 1)) == "retired"
    assert not model.available_on(dt.date(2026, 12, 1))


def test_a_current_model_with_a_retirement_announced_reads_as_deprecated_until_the_date():
    model = make_model(status="current", retired=RETIREMENT)
    assert model.status_on(dt.date(2026, 11, 1)) == "deprecated"
    assert model.status_on(dt.date(2027, 1, 1)) == "retired"


def test_a_model_without_a_retirement_date_keeps_its_stated_status_on_every_date():
    for stated in ("current", "legacy", "deprecated", "retired"):
        model = make_model(status=stated, retired=None)
        assert model.status_on(dt.date(2020, 1, 1)) == stated
        assert model.status_on(dt.date(2030, 1, 1)) == stated


def test_sonnet_45_is_deprecated_on_the_eve_of_its_retirement_and_retired_today(table):
    assert table.on(dt.date(2026, 11, 29)).get(SONNET_45).status == "deprecated"
    assert table.on(dt.date(2026, 12, 1)).get(SONNET_45).status == "retired"


def test_the_table_read_on_a_date_serves_only_the_models_available_that_day(table):
    before = {m.id for m in table.available(on=dt.date(2026, 11, 29))}
    today = {m.id for m in table.available(on=dt.date(2026, 12, 1))}
    assert SONNET_45 in before and SONNET_45 not in today
    assert before - today == {SONNET_45}
    assert {m.id for m in table.on(dt.date(2026, 12, 1)).available()} == today


def test_a_dated_table_writes_back_the_statuses_as_the_file_states_them(table):
    dated = table.on(dt.date(2026, 12, 1))
    assert dated.date == dt.date(2026, 12, 1)
    assert dated.to_data() == table.to_data()
    assert PriceTable.from_data(dated.to_data()).get(SONNET_45).status == "deprecated"
    # Read again on an earlier date, the dated table goes back to the stated facts.
    assert dated.on(dt.date(2026, 11, 1)).get(SONNET_45).status == "deprecated"


def test_a_dated_table_picks_the_newest_current_model_without_a_retired_one(table):
    dated = table.on(dt.date(2026, 12, 1))
    assert dated.latest("sonnet").status == "current"
    assert (
        "retired on 2026-11-30"
        in run_command(["cost", "--model", SONNET_45, "--input", "1000", "--output", "100"], dated)[
            "warnings"
        ][-1]
    )


def test_the_list_models_tool_and_the_models_command_give_the_status_on_their_date(table):
    listed = call_tool("list_models", {}, table.on(dt.date(2026, 12, 1)))
    assert SONNET_45 not in [m["id"] for m in listed["models"]]
    everything = call_tool("list_models", {"include_retired": True}, table.on(dt.date(2026, 12, 1)))
    assert {m["id"]: m["status"] for m in everything["models"]}[SONNET_45] == "retired"
    earlier = run_command(["models"], table.on(dt.date(2026, 11, 29)))
    assert {m["id"]: m["status"] for m in earlier["models"]}[SONNET_45] == "deprecated"
