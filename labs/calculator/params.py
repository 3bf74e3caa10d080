"""The parameters of the calculator's commands: their kinds, their bounds, and the one function
that checks and converts a value for a parameter (`coerce`). Every door to the engines (the
terminal, Claude's tools, the living numbers, the "What I understood" form) checks values here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import CalculatorError
from .pricing import PriceTable

# Bounds. Generous for any real workload (the largest context window is a million tokens; a
# billion requests a day is far past any one application), small enough that the engines answer
# in milliseconds and Decimal never overflows its context.
MAX_TOKENS = 10_000_000
MAX_REQUESTS = 10_000_000_000
MAX_TURNS = 1_000
MAX_MODELS = 12
MAX_TIERS = 10
MAX_WORKLOADS = 20
MAX_PROMPT_CHARS = 100_000
MAX_NAME_CHARS = 100
MAX_COMMAND_LINE_CHARS = 2_000


class CommandError(CalculatorError):
    """A value the command does not accept; the message names the parameter."""


@dataclass(frozen=True)
class Param:
    """One parameter of a command.

    kind: count (whole >= 0), positive (whole >= 1), choice, flag, model, models (a list of
    model ids), pairs (tier=model), shares (tier=fraction), text, workloads (a list of mappings).
    """

    name: str
    kind: str
    help: str = ""
    required: bool = False
    default: Any = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    flag: str = ""  # the command-line flag, when it is not --name-with-dashes
    tool: str = ""  # the field name in Claude's tool input, when it differs from name

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def tool_field(self) -> str:
        return self.tool or self.name

    @property
    def limit(self) -> int | None:
        if self.maximum is not None:
            return self.maximum
        return {
            "count": MAX_TOKENS,
            "positive": MAX_REQUESTS,
            "models": MAX_MODELS,
            "pairs": MAX_TIERS,
            "shares": MAX_TIERS,
            "text": MAX_PROMPT_CHARS,
            "workloads": MAX_WORKLOADS,
            "model": MAX_NAME_CHARS,
        }.get(self.kind)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    params: tuple[Param, ...]
    run: Callable[[dict[str, Any], PriceTable], Any]
    checks: tuple[Callable[[dict[str, Any]], None], ...] = field(default=())

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# -- coercion -----------------------------------------------------------------------------------
def _fmt(number: int) -> str:
    return f"{number:,}"


def _whole(param: Param, value: Any, label: str, *, from_text: bool) -> int:
    minimum = 1 if param.kind == "positive" else 0
    if isinstance(value, bool):
        raise CommandError(f"{label}: expected a whole number, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    elif from_text and isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        # ASCII only: "²".isdigit() is true and Decimal reads Arabic-Indic digits; a living
        # number or a tool call has no business with either.
        if not text.isascii():
            raise CommandError(f"{label}: not a number: {value!r}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CommandError(f"{label}: not a number: {value!r}") from None
    else:
        raise CommandError(f"{label}: expected integer, got {value!r}")
    if not number.is_finite():
        raise CommandError(f"{label}: expected a finite whole number, got {value!r}")
    limit = param.limit
    # Compare before converting: Decimal("1e400") is finite and integral, but int() of it is a
    # 400-digit number that overflows every later quantize.
    if limit is not None and number > limit:
        raise CommandError(f"{label}: must be at most {_fmt(limit)}, got {value}")
    if number < minimum:
        raise CommandError(f"{label}: must be at least {minimum}, got {value}")
    if number != number.to_integral_value():
        raise CommandError(f"{label}: expected a whole number, got {value!r}")
    return int(number)


def _name(value: Any, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CommandError(f"{label}: expected string, got {value!r}")
    if len(value) > MAX_NAME_CHARS:
        raise CommandError(f"{label}: at most {MAX_NAME_CHARS} characters")
    return value.strip()


def _split_list(value: Any, label: str) -> list[Any]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise CommandError(f"{label}: expected a list, got {value!r}")


def _mapping(value: Any, label: str) -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, str):
        out = []
        for item in (i.strip() for i in value.split(",") if i.strip()):
            key, sep, val = item.partition("=")
            if not sep or not key.strip() or not val.strip():
                raise CommandError(f"{label}: expected name=value pairs, got {item!r}")
            out.append((key.strip(), val.strip()))
        return out
    if isinstance(value, list | tuple) and all(
        isinstance(i, tuple | list) and len(i) == 2 for i in value
    ):
        return [(str(k), v) for k, v in value]
    raise CommandError(f"{label}: expected name=value pairs, got {value!r}")


def _share(value: Any, label: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise CommandError(f"{label}: expected number, got {value!r}")
    text = str(value).strip()
    if not text.isascii():
        raise CommandError(f"{label}: not a number: {value!r}")
    try:
        share = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{label}: not a number: {value!r}") from None
    if not share.is_finite() or not (0 <= share <= 1):
        raise CommandError(f"{label}: expected a share from 0 to 1, got {value!r}")
    return share


def coerce(param: Param, value: Any, label: str, *, from_text: bool = False) -> Any:
    """One value for one parameter, checked and converted; raises CommandError naming `label`."""
    kind = param.kind
    if kind in ("count", "positive"):
        return _whole(param, value, label, from_text=from_text)
    if kind == "flag":
        if isinstance(value, bool):
            return value
        raise CommandError(f"{label}: expected boolean, got {value!r}")
    if kind == "choice":
        if value not in param.choices:
            raise CommandError(f"{label}: expected one of {', '.join(param.choices)}")
        return value
    if kind == "model":
        return _name(value, label)
    if kind == "models":
        items = _split_list(value, label)
        if not items:
            raise CommandError(f"{label}: expected model ids separated by commas")
        if len(items) > MAX_MODELS:
            raise CommandError(f"{label}: at most {MAX_MODELS} models")
        return [_name(item, f"{label}[{i}]") for i, item in enumerate(items)]
    if kind in ("pairs", "shares"):
        items = _mapping(value, label)
        if not items:
            raise CommandError(f"{label}: expected name=value pairs separated by commas")
        if len(items) > MAX_TIERS:
            raise CommandError(f"{label}: at most {MAX_TIERS} tiers")
        if kind == "pairs":
            return {_name(k, label): _name(v, f"{label}.{k}") for k, v in items}
        return {_name(k, label): _share(v, f"{label}.{k}") for k, v in items}
    if kind == "text":
        if not isinstance(value, str):
            raise CommandError(f"{label}: expected string, got {value!r}")
        if len(value) > MAX_PROMPT_CHARS:
            raise CommandError(
                f"{label}: at most {_fmt(MAX_PROMPT_CHARS)} characters, got {_fmt(len(value))}"
            )
        return value
    if kind == "changes":
        items = _mapping(value, label)
        if not items:
            raise CommandError(f"{label}: name at least one field to change")
        return dict(items)
    if kind == "workloads":
        if isinstance(value, Mapping) and "workloads" in value:
            value = value["workloads"]
        if not isinstance(value, list):
            raise CommandError(f"{label}: expected array, got {value!r}")
        if len(value) > MAX_WORKLOADS:
            raise CommandError(f"{label}: at most {MAX_WORKLOADS} workloads")
        return value
    raise AssertionError(f"unknown parameter kind {kind!r}")  # a bug in COMMANDS, not input
