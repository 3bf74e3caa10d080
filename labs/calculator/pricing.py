"""The price table: models, their prices per million tokens, bands, and name lookup.

The table is read from `content/pricing.yaml` (see the comment at its top for the fields) or built
from a dict of the same shape with `PriceTable.from_data` (the Django app builds it from database
rows). Loading validates every field and fails with a `PriceTableError` naming the model and the
field. Prices become `Decimal`; they are never floats.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import PriceTableError, UnknownModel

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PRICE_PATH = REPO_ROOT / "content" / "pricing.yaml"

PRICE_FIELDS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")
TIERS = ("haiku", "sonnet", "opus", "fable", "mythos")
STATUSES = ("current", "legacy", "deprecated", "retired")
SCHEMA_VERSION = 1

_DATED_ID_RE = re.compile(r"^(?P<base>.+)-\d{8}$")


def normalize_name(name: str) -> str:
    """Fold a model name for lookup: lower case, runs of spaces, dots, hyphens, underscores and
    slashes become one hyphen. "Claude Haiku 4.5", "claude_haiku-4.5" -> "claude-haiku-4-5"."""
    return re.sub(r"[\s._/-]+", "-", name.strip().lower()).strip("-")


@dataclass(frozen=True)
class Prices:
    """USD per million tokens for each kind of token."""

    input: Decimal
    output: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    cache_read: Decimal

    def get(self, kind: str) -> Decimal:
        if kind not in PRICE_FIELDS:
            raise KeyError(kind)
        return getattr(self, kind)

    def to_data(self) -> dict[str, str]:
        return {kind: str(self.get(kind)) for kind in PRICE_FIELDS}


@dataclass(frozen=True)
class PriceBand:
    """Prices for a request whose prompt (input + cache writes + cache reads) is strictly above
    `above_prompt_tokens`. The band then bills every token of the request, output included."""

    above_prompt_tokens: int
    prices: Prices
    note: str | None = None

    @property
    def label(self) -> str:
        return f"above {self.above_prompt_tokens:,} prompt tokens"


@dataclass(frozen=True)
class Model:
    id: str
    display_name: str
    tier: str
    status: str
    prices: Prices
    batch_discount: Decimal
    source: str
    aliases: tuple[str, ...] = ()
    min_cacheable_tokens: int | None = None
    bands: tuple[PriceBand, ...] = ()
    unconfirmed: bool = False
    note: str | None = None
    released: dt.date | None = None
    retired: dt.date | None = None
    price_date: dt.date | None = None
    # Set on a table read on a date (`PriceTable.on`): `status` is then the status on that
    # date, and this keeps the one the file states, which is what `to_data` writes back.
    stated_status: str | None = None

    @property
    def available(self) -> bool:
        """True while the Claude API still serves the model (current, legacy or deprecated)."""
        return self.status != "retired"

    def status_on(self, on: dt.date) -> str:
        """The model's status on the date `on`: the calendar, not the stated status, decides
        once a retirement date is known. From that date on the model is retired; before it a
        model with a retirement date announced is deprecated. Without a date the stated
        status stands (Opus 4.1 is retired with no date in the course's references)."""
        stated = self.stated_status or self.status
        if self.retired is None:
            return stated
        return "retired" if on >= self.retired else "deprecated"

    def available_on(self, on: dt.date) -> bool:
        return self.status_on(on) != "retired"

    def band_for(self, prompt_tokens: int) -> PriceBand | None:
        """The band a request with this many prompt tokens falls in (None: the standard prices)."""
        chosen = None
        for band in self.bands:
            if prompt_tokens > band.above_prompt_tokens:
                chosen = band
        return chosen

    def prices_for(self, prompt_tokens: int) -> Prices:
        band = self.band_for(prompt_tokens)
        return band.prices if band else self.prices

    def label(self) -> str:
        """Display name, flagged when its prices are unconfirmed."""
        return f"{self.display_name} [UNCONFIRMED]" if self.unconfirmed else self.display_name

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "display_name": self.display_name,
            "aliases": list(self.aliases),
            "tier": self.tier,
            "status": self.stated_status or self.status,
            "released": _date_str(self.released),
            "retired": _date_str(self.retired),
            "prices": self.prices.to_data(),
            "batch_discount": str(self.batch_discount),
            "min_cacheable_tokens": self.min_cacheable_tokens,
            "unconfirmed": self.unconfirmed,
            "note": self.note,
            "source": self.source,
            "price_date": _date_str(self.price_date),
        }
        if self.bands:
            data["bands"] = [
                {"above_prompt_tokens": b.above_prompt_tokens, "prices": b.prices.to_data()}
                | ({"note": b.note} if b.note else {})
                for b in self.bands
            ]
        return data


@dataclass(frozen=True)
class PriceTable:
    """Every model the course knows, with lookup by id, alias or a name a person types."""

    models: tuple[Model, ...]
    version: int = SCHEMA_VERSION
    # The date the statuses are read on (`on`); None: the statuses as the table states them.
    date: dt.date | None = None
    _index: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _dated: dict[dt.date, PriceTable] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.models))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_data(cls, data: Mapping[str, Any], origin: str = "price table") -> PriceTable:
        """Validate a dict shaped like pricing.yaml and build the table.

        Raises PriceTableError("<origin>: model <id>: <field>: <problem>") on the first problem.
        """
        # Imported here: the validation module builds this module's dataclasses.
        from .price_validation import parse_price_data

        return cls(models=parse_price_data(data, origin), version=SCHEMA_VERSION)

    def to_data(self) -> dict[str, Any]:
        """The dict `from_data` accepts (prices as strings, dates as ISO strings). A dated
        table writes the statuses as stated: the date is how it is read, not what it holds."""
        return {"version": self.version, "models": [m.to_data() for m in self.models]}

    def on(self, date: dt.date) -> PriceTable:
        """The table as it reads on `date`: every model's `status` is its status that day
        (`Model.status_on`), so everything that reads a status follows the calendar. The
        calculator reads no clock: the caller (the app, the command line) passes today."""
        if date not in self._dated:
            models = tuple(
                replace(m, status=m.status_on(date), stated_status=m.stated_status or m.status)
                for m in self.models
            )
            self._dated[date] = PriceTable(models=models, version=self.version, date=date)
        return self._dated[date]

    # -- lookup -------------------------------------------------------------------------------
    def get(self, name: str) -> Model:
        """The model answering to `name` (id, alias or display name; case, spaces, dots and
        hyphens don't matter). Raises UnknownModel, listing close matches, otherwise."""
        if not isinstance(name, str) or not name.strip():
            raise UnknownModel("no model named: give a model id such as claude-sonnet-5-5")
        key = normalize_name(name)
        ids = self._index.get(key, ())
        if len(ids) == 1:
            return self._by_id()[ids[0]]
        if len(ids) > 1:
            raise UnknownModel(f"model name {name!r} is ambiguous: it could be {', '.join(ids)}")
        if key in TIERS:
            examples = ", ".join(m.id for m in self.models if m.tier == key and m.available)
            raise UnknownModel(
                f"unknown model {name!r}: name a version, e.g. {examples or 'see models --all'}"
            )
        raise UnknownModel(f"unknown model {name!r}{self._suggestion(key)}")

    def find(self, name: str) -> Model | None:
        """Like get(), but None when no single model answers to the name."""
        try:
            return self.get(name)
        except UnknownModel:
            return None

    def available(self, on: dt.date | None = None) -> tuple[Model, ...]:
        """Models the API still serves (current, legacy, deprecated) on the date `on`, in file
        order; without a date, on the table's own date (or as stated, for an undated table)."""
        if on is not None:
            return tuple(m for m in self.models if m.available_on(on))
        return tuple(m for m in self.models if m.available)

    def latest(self, tier: str) -> Model:
        """The newest current model of a tier (latest release date; file order breaks ties).
        Limited-availability tiers (mythos) are never chosen implicitly."""
        candidates = [m for m in self.models if m.tier == tier and m.status == "current"]
        if not candidates:
            raise UnknownModel(f"no current model in tier {tier!r}")
        return max(
            enumerate(candidates),
            key=lambda im: (im[1].released or dt.date.min, -im[0]),
        )[1]

    def _by_id(self) -> dict[str, Model]:
        return {m.id: m for m in self.models}

    def _suggestion(self, key: str) -> str:
        matches = difflib.get_close_matches(key, list(self._index), n=8, cutoff=0.6)
        ids: list[str] = []
        for match in matches:
            for model_id in self._index[match]:
                if model_id not in ids:
                    ids.append(model_id)
        if not ids:
            return "; list the models with: python -m labs.calculator models --all"
        return f"; did you mean {', '.join(ids[:3])}?"


# -- loading ----------------------------------------------------------------------------------
_CACHE: dict[tuple[str, int], PriceTable] = {}


def load_price_table(path: Path | None = None) -> PriceTable:
    """Read and validate the price table (default `<repo>/content/pricing.yaml`).

    Cached per (path, modification time), so an edited file is read again."""
    import yaml  # PyYAML; imported here so the math modules load without it

    path = Path(path) if path is not None else DEFAULT_PRICE_PATH
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise PriceTableError(f"{path.name}: cannot read: {exc.strerror}") from exc
    key = (str(path.resolve()), stamp)
    if key not in _CACHE:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problem = " ".join(str(exc).split())
            raise PriceTableError(f"{path.name}: not valid YAML: {problem}") from exc
        _CACHE[key] = PriceTable.from_data(data, origin=path.name)
    return _CACHE[key]


def todays_price_table(path: Path | None = None) -> PriceTable:
    """The table read on today's date: the default of the calculator's edges (its command line
    and Claude's tools when no table is given), and the only place the calculator reads the
    clock. Everything else takes the date, or a dated table, from its caller."""
    return load_price_table(path).on(dt.date.today())


def _date_str(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def explicit_keys(model: Model) -> set[str]:
    return {normalize_name(n) for n in (model.id, model.display_name, *model.aliases)}


def _derived_keys(model: Model) -> set[str]:
    """Explicit names plus their undated forms and their forms with and without "claude-"."""
    keys = set(explicit_keys(model))
    for key in list(keys):
        dated = _DATED_ID_RE.match(key)
        if dated:
            keys.add(dated.group("base"))
    for key in list(keys):
        keys.add(key.removeprefix("claude-") if key.startswith("claude-") else f"claude-{key}")
    return {k for k in keys if k and k not in TIERS}


def _build_index(models: Iterable[Model]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    explicit: dict[str, str] = {}
    for model in models:
        for key in explicit_keys(model):
            explicit[key] = model.id
        for key in _derived_keys(model):
            ids = index.setdefault(key, [])
            if model.id not in ids:
                ids.append(model.id)
    # An explicit name always wins over a derived form of another model's name.
    for key, model_id in explicit.items():
        index[key] = [model_id]
    return {key: tuple(ids) for key, ids in index.items()}
