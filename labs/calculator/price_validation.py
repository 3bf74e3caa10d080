"""Validation of price data (pricing.yaml, or the same shape built from database rows).

Every problem raises PriceTableError("<origin>: model <id>: <field>: <problem>"). Prices must be
quoted strings (or Decimal / int from a database), never floats: 0.1 in YAML is already inexact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import PriceTableError
from .pricing import (
    PRICE_FIELDS,
    SCHEMA_VERSION,
    STATUSES,
    TIERS,
    Model,
    PriceBand,
    Prices,
    explicit_keys,
    normalize_name,
)

_MODEL_FIELDS = {
    "id",
    "display_name",
    "aliases",
    "tier",
    "status",
    "released",
    "retired",
    "prices",
    "batch_discount",
    "min_cacheable_tokens",
    "bands",
    "unconfirmed",
    "note",
    "source",
    "price_date",
}
_REQUIRED_MODEL_FIELDS = (
    "id",
    "display_name",
    "tier",
    "status",
    "prices",
    "batch_discount",
    "source",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def parse_price_data(data: Mapping[str, Any], origin: str) -> tuple[Model, ...]:
    """Validate a dict shaped like pricing.yaml; the first problem raises PriceTableError
    naming the origin, the model and the field."""
    if not isinstance(data, Mapping):
        raise PriceTableError(f"{origin}: expected a mapping with 'version' and 'models'")
    unknown = set(data) - {"version", "models"}
    if unknown:
        raise PriceTableError(f"{origin}: unknown top-level field {sorted(unknown)[0]!r}")
    version = data.get("version")
    if version != SCHEMA_VERSION:
        raise PriceTableError(f"{origin}: version: expected {SCHEMA_VERSION}, got {version!r}")
    raw_models = data.get("models")
    if not isinstance(raw_models, list) or not raw_models:
        raise PriceTableError(f"{origin}: models: expected a non-empty list")
    models: list[Model] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_models, start=1):
        model = _parse_model(raw, origin, position)
        if model.id in seen:
            raise PriceTableError(f"{origin}: model {model.id}: id: appears twice")
        seen.add(model.id)
        models.append(model)
    _check_alias_collisions(models, origin)
    return tuple(models)


def _fail(origin: str, model_id: str, where: str, problem: str) -> PriceTableError:
    return PriceTableError(f"{origin}: model {model_id}: {where}: {problem}")


def _parse_model(raw: Any, origin: str, position: int) -> Model:
    label = f"#{position}"
    if not isinstance(raw, Mapping):
        raise PriceTableError(f"{origin}: model {label}: expected a mapping")
    model_id = raw.get("id")
    if isinstance(model_id, str) and model_id:
        label = model_id
    for name in _REQUIRED_MODEL_FIELDS:
        if raw.get(name) is None:
            raise _fail(origin, label, name, "missing")
    unknown = sorted(set(raw) - _MODEL_FIELDS)
    if unknown:
        raise _fail(origin, label, unknown[0], "unknown field")
    if not isinstance(model_id, str) or not _ID_RE.match(model_id):
        raise _fail(origin, label, "id", f"not a lower-case model id: {model_id!r}")

    def text(name: str, *, required: bool) -> str | None:
        value = raw.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _fail(origin, label, name, f"expected text, got {value!r}")
        return value

    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise _fail(origin, label, "aliases", "expected a list of names")
    for alias in aliases:
        if normalize_name(alias) in TIERS:
            raise _fail(origin, label, "aliases", f"a plain tier name is not an alias: {alias!r}")
    tier = raw["tier"]
    if tier not in TIERS:
        raise _fail(origin, label, "tier", f"expected one of {', '.join(TIERS)}, got {tier!r}")
    status = raw["status"]
    if status not in STATUSES:
        raise _fail(
            origin, label, "status", f"expected one of {', '.join(STATUSES)}, got {status!r}"
        )
    prices = _parse_prices(raw["prices"], origin, label, "prices")
    discount = _parse_decimal(raw["batch_discount"], origin, label, "batch_discount")
    if not Decimal(0) < discount <= Decimal(1):
        raise _fail(origin, label, "batch_discount", f"must be above 0 and at most 1: {discount}")
    min_cache = raw.get("min_cacheable_tokens")
    if min_cache is not None and (
        isinstance(min_cache, bool) or not isinstance(min_cache, int) or min_cache < 0
    ):
        raise _fail(
            origin, label, "min_cacheable_tokens", f"expected a whole number, got {min_cache!r}"
        )
    unconfirmed = raw.get("unconfirmed", False)
    if not isinstance(unconfirmed, bool):
        raise _fail(origin, label, "unconfirmed", f"expected true or false, got {unconfirmed!r}")
    return Model(
        id=model_id,
        display_name=text("display_name", required=True) or model_id,
        aliases=tuple(aliases),
        tier=tier,
        status=status,
        prices=prices,
        batch_discount=discount,
        min_cacheable_tokens=min_cache,
        bands=_parse_bands(raw.get("bands"), prices, origin, label),
        unconfirmed=unconfirmed,
        note=text("note", required=False),
        source=text("source", required=True) or "",
        released=_parse_date(raw.get("released"), origin, label, "released"),
        retired=_parse_date(raw.get("retired"), origin, label, "retired"),
        price_date=_parse_date(raw.get("price_date"), origin, label, "price_date"),
    )


def _parse_decimal(value: Any, origin: str, label: str, where: str) -> Decimal:
    # Floats are refused: 0.1 in YAML is already inexact. Prices are quoted strings.
    if isinstance(value, bool | float):
        raise _fail(origin, label, where, f"write prices as quoted strings, not {value!r}")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise _fail(origin, label, where, f"not a number: {value!r}") from None
    else:
        raise _fail(origin, label, where, f"not a number: {value!r}")
    if not number.is_finite():
        raise _fail(origin, label, where, f"not a number: {value!r}")
    if number < 0:
        raise _fail(origin, label, where, f"must not be negative: {value!r}")
    return number


def _parse_prices(raw: Any, origin: str, label: str, where: str) -> Prices:
    if not isinstance(raw, Mapping):
        raise _fail(origin, label, where, "expected a mapping of prices")
    unknown = sorted(set(raw) - set(PRICE_FIELDS))
    if unknown:
        raise _fail(origin, label, f"{where}.{unknown[0]}", "unknown price")
    values = {}
    for kind in PRICE_FIELDS:
        if raw.get(kind) is None:
            raise _fail(origin, label, f"{where}.{kind}", "missing")
        values[kind] = _parse_decimal(raw[kind], origin, label, f"{where}.{kind}")
    return Prices(**values)


def _parse_bands(raw: Any, base: Prices, origin: str, label: str) -> tuple[PriceBand, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(origin, label, "bands", "expected a list")
    bands: list[PriceBand] = []
    previous_floor, previous_prices = -1, base
    for i, item in enumerate(raw):
        where = f"bands[{i}]"
        if not isinstance(item, Mapping) or set(item) - {"above_prompt_tokens", "prices", "note"}:
            raise _fail(origin, label, where, "expected above_prompt_tokens, prices and a note")
        floor = item.get("above_prompt_tokens")
        if isinstance(floor, bool) or not isinstance(floor, int) or floor <= previous_floor:
            raise _fail(
                origin, label, f"{where}.above_prompt_tokens", "expected increasing whole numbers"
            )
        prices = _parse_prices(item.get("prices"), origin, label, f"{where}.prices")
        # A band is a surcharge: cheaper bands would make cost fall as a prompt grows.
        for kind in PRICE_FIELDS:
            if prices.get(kind) < previous_prices.get(kind):
                raise _fail(origin, label, f"{where}.prices.{kind}", "lower than the band below it")
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise _fail(origin, label, f"{where}.note", "expected text")
        bands.append(PriceBand(above_prompt_tokens=floor, prices=prices, note=note))
        previous_floor, previous_prices = floor, prices
    return tuple(bands)


def _parse_date(value: Any, origin: str, label: str, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(origin, label, where, f"expected a date like 2026-10-07, got {value!r}")


def _check_alias_collisions(models: Iterable[Model], origin: str) -> None:
    owner: dict[str, str] = {}
    for model in models:
        for key in explicit_keys(model):
            other = owner.setdefault(key, model.id)
            if other != model.id:
                raise _fail(origin, model.id, "aliases", f"{key!r} also names {other}")
