"""The price table the app uses, and instructors' changes to it.

The table lives in the database as price-table revisions (authoring.Revision, kind "prices"):
`sync_content` records the one in content/pricing.yaml, an instructor publishes a new one, and
`export_content` writes the latest back to the file. `current_price_table()` is the one place
the app gets the table from: the latest revision, or content/pricing.yaml before any exists,
read on today's date (`course_today()`), so a model whose retirement date has passed is retired
in every lesson, card, lab and tutor reply without anyone editing its status.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from authoring.drafts import AuthoringError, clean_text, discard_draft
from authoring.history import ensure_baseline, record_revision
from authoring.models import PRICES_ID, Kind, Revision
from labs.calculator import PriceTable, PriceTableError, load_price_table
from labs.calculator.pricing import PRICE_FIELDS, STATUSES
from labs.eval_requests import request_lab_evaluation

# Parsed tables by revision (pk, created_at): revisions never change once written.
_TABLES: dict[tuple, PriceTable] = {}


def course_today() -> dt.date:
    """The date the app reads model statuses on: the one clock read behind every status."""
    return timezone.localdate()


def current_price_table(on: dt.date | None = None) -> PriceTable:
    """The published price table read on `on` (default today): the latest price revision,
    else content/pricing.yaml."""
    return _published_table().on(on or course_today())


def _published_table() -> PriceTable:
    latest = (
        Revision.objects.filter(kind=Kind.PRICES, object_id=PRICES_ID)
        .order_by("-number")
        .values_list("pk", "created_at")
        .first()
    )
    if latest is None:
        return load_price_table()
    if latest not in _TABLES:
        data = Revision.objects.values_list("data", flat=True).get(pk=latest[0])
        _TABLES.clear()  # one table at a time is all the app needs
        _TABLES[latest] = PriceTable.from_data(data, origin="price table")
    return _TABLES[latest]


def build_table(data: Any, on: dt.date | None = None) -> PriceTable:
    """Validate price data; the error names the model and the field. The table reads its
    statuses on `on` (default today), like the published one it is compared with."""
    try:
        return PriceTable.from_data(data, origin="price table").on(on or course_today())
    except PriceTableError as exc:
        raise AuthoringError(str(exc)) from None


def find_model(data: dict, model_id: str) -> dict | None:
    return next((m for m in data.get("models", []) if m.get("id") == model_id), None)


def change_model(data: dict, model_id: str, changes: dict) -> dict:
    """The table with one model's prices, status and dates changed. Every change needs a
    source and the date the price applies from. Raises AuthoringError naming the field."""
    model = find_model(data, model_id)
    if model is None:
        raise AuthoringError(f"The price table has no model {model_id!r}.")
    source = clean_text(changes.get("source"))
    problems = []
    if not source:
        problems.append(f"Model {model_id}: source: say where the new price comes from.")
    if not changes.get("price_date"):
        problems.append(f"Model {model_id}: price_date: give the date the price applies from.")
    status = changes.get("status", model["status"])
    if status not in STATUSES:
        problems.append(f"Model {model_id}: status: expected one of {', '.join(STATUSES)}.")
    if problems:
        raise AuthoringError(problems)
    updated = {
        **model,
        "status": status,
        "prices": {k: str(changes.get("prices", {}).get(k, model["prices"][k])).strip()
                   for k in PRICE_FIELDS},
        "source": source,
        "price_date": str(changes["price_date"]),
    }  # fmt: skip
    if "retired" in changes:
        updated["retired"] = str(changes["retired"]) if changes["retired"] else None
    if "batch_discount" in changes:
        updated["batch_discount"] = str(changes["batch_discount"]).strip()
    table = build_table({
        "version": data.get("version", 1),
        "models": [updated if m.get("id") == model_id else m for m in data["models"]],
    })  # fmt: skip
    return table.to_data()


def table_changes(old: dict, new: dict) -> list[str]:
    """Field by field, what differs between two tables: "claude-x: prices.output 15 -> 16"."""

    def flat(value: Any, prefix: str = "") -> dict[str, Any]:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                out.update(flat(item, f"{prefix}{key}."))
            return out
        return {prefix.rstrip("."): value}

    old_models = {m["id"]: m for m in old.get("models", [])}
    new_models = {m["id"]: m for m in new.get("models", [])}
    changes = []
    for model_id, model in new_models.items():
        if model_id not in old_models:
            changes.append(f"{model_id}: added")
            continue
        before, after = flat(old_models[model_id]), flat(model)
        for key in after:
            if before.get(key) != after[key]:
                changes.append(f"{model_id}: {key} {before.get(key)} → {after[key]}")
    changes += [f"{model_id}: removed" for model_id in old_models if model_id not in new_models]
    return changes


def publish_prices(data: dict, user: AbstractBaseUser, *, note: str = "") -> Revision:
    """Publish a new price table: re-render every lesson, quiz and lab text through it and
    record which living numbers moved. All or nothing: a text whose living number no longer
    computes, or a question under which two options would read the same, stops the publish,
    named. Raises AuthoringError."""
    from authoring.impact import figure_changes, option_collisions, rerender_course

    new_table = build_table(data)
    with transaction.atomic():
        # Lock the latest price revision: two publishes in a row are applied one after another.
        list(
            Revision.objects.select_for_update()
            .filter(kind=Kind.PRICES, object_id=PRICES_ID)
            .order_by("-number")[:1]
        )
        old_table = current_price_table()
        old_data, new_data = old_table.to_data(), new_table.to_data()
        if old_data == new_data:
            raise AuthoringError("Nothing to publish: the table is the published one.")
        ensure_baseline(Kind.PRICES, PRICES_ID, old_data)
        effects = figure_changes(old_table, new_table)
        rerender_course(new_table)
        # After the re-render, which names any text that no longer computes; raising here
        # still undoes everything the transaction wrote.
        if collisions := option_collisions(new_table):
            raise AuthoringError(collisions)
        revision = record_revision(
            Kind.PRICES, PRICES_ID, new_data, user=user, source=Revision.Source.APP,
            note="; ".join([*([note] if note else []), *table_changes(old_data, new_data)]),
            effects=effects,
        )  # fmt: skip
        discard_draft(Kind.PRICES, PRICES_ID)
        # The golden evaluation measured the old prompt or prices: measure again.
        transaction.on_commit(request_lab_evaluation)
    return revision
