"""Display and JSON formatting. The math never rounds; these functions do, for people.

JSON conventions (the `--json` answers and the tool results):
- a key ending in `_usd` holds money as a decimal string with at least 6 decimal places
  ("68400.000000"); more are kept when the amount has them, up to 12;
- a key ending in `_pct` holds a percentage (78.5 means 78.5%) as a string with 2 to 4 places;
- other decimals are strings with up to 6 places; token and request counts are integers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

_CENT = Decimal("0.01")


def _places(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _fixed(d: Decimal, minimum: int, maximum: int) -> str:
    places = min(max(_places(d), minimum), maximum)
    quantum = Decimal(1).scaleb(-places)
    text = f"{d.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
    return "0" + text[2:] if text.startswith("-0") and Decimal(text) == 0 else text


def usd_str(d: Decimal) -> str:
    """Money for JSON: at least 6 decimal places, at most 12."""
    return _fixed(Decimal(d), 6, 12)


def pct_str(d: Decimal) -> str:
    """A percentage for JSON: 2 to 4 decimal places."""
    return _fixed(Decimal(d), 2, 4)


def decimal_str(d: Decimal) -> str:
    """Any other decimal for JSON: up to 6 places, trailing zeros dropped."""
    text = _fixed(Decimal(d), 0, 6)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_usd(d: Decimal) -> str:
    """Money for people, the one rule every page, card, lesson and reply follows: whole cents
    from a dollar up ("$6,875.00"); below a dollar, up to four decimal places ("$0.0152",
    "$0.02"), or three significant digits where four places would hide the amount ("$0.00025");
    never zeros padded on past the cents ("$0.005", not "$0.005000"). Negatives read "-$1.00"."""
    d = Decimal(d)
    sign = "-" if d < 0 else ""
    a = abs(d)
    if a == 0:
        return "$0.00"
    if a < 1:
        places = max(4, -a.adjusted() + 2)
        a = a.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if a >= 1:  # also an amount that rounded up to a dollar
        return f"{sign}${a.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    whole, _, cents = f"{a:f}".partition(".")
    cents = cents.rstrip("0").ljust(2, "0")
    return f"{sign}${whole}.{cents}"


def format_price(d: Decimal) -> str:
    """A price per million tokens, exact: 2 -> "$2.00", 0.125 -> "$0.125", 0.01 -> "$0.01"."""
    d = Decimal(d)
    places = max(2, _places(d))
    return f"{'-' if d < 0 else ''}${abs(d).quantize(Decimal(1).scaleb(-places)):,.{places}f}"


def format_pct(d: Decimal, places: int = 1) -> str:
    """78.5 -> "78.5%", 90 -> "90%", 0.04 -> "0.04%" (small values keep 2 significant digits)."""
    d = Decimal(d)
    if d != 0 and abs(d) < 1:
        places = max(places, -d.adjusted() + 1)
    text = f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def format_tokens(n: int | Decimal) -> str:
    """11000 -> "11,000"."""
    if isinstance(n, Decimal) and n != n.to_integral_value():
        return f"{n:,.2f}"
    return f"{int(n):,}"


def to_jsonable(value: Any, key: str = "") -> Any:
    """Convert a result dict (Decimals, dates, tuples, dataclasses) to plain JSON types."""
    if isinstance(value, Decimal):
        if key.endswith("_usd"):
            return usd_str(value)
        if key.endswith("_pct"):
            return pct_str(value)
        return decimal_str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return decimal_str(Decimal(str(value)))
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = value.as_dict() if hasattr(value, "as_dict") else dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, key) for v in value]
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


# -- text tables --------------------------------------------------------------------------------
TABLE_COLUMNS = {
    "models": [
        ("id", "model"),
        ("status", "status"),
        ("input_per_mtok_usd", "input"),
        ("output_per_mtok_usd", "output"),
        ("cache_write_5m_per_mtok_usd", "5m write"),
        ("cache_write_1h_per_mtok_usd", "1h write"),
        ("cache_read_per_mtok_usd", "hit"),
        ("min_cacheable_tokens", "min cache"),
        ("unconfirmed", "unconfirmed"),
    ],
    "workloads": [
        ("name", "workload"),
        ("api_pattern", "pattern"),
        ("model", "model"),
        ("before_monthly_usd", "before"),
        ("after_monthly_usd", "after"),
        ("saving_pct", "saving"),
    ],
    "results": [
        ("model", "model"),
        ("per_request_usd", "per request"),
        ("per_day_usd", "per day"),
        ("per_month_usd", "per month"),
        ("saving_vs_first_usd", "saving"),
        ("saving_vs_first_pct", "saving %"),
    ],
    "steps": [
        ("step", "step"),
        ("description", "what"),
        ("monthly_usd", "per month"),
        ("saving_usd", "saving"),
        ("share_pct", "share"),
    ],
    "tiers": [
        ("tier", "tier"),
        ("model", "model"),
        ("share_pct", "share"),
        ("cost_usd", "cost"),
    ],
    "findings": [("kind", "finding"), ("message", "")],
    "controls": [("kind", "control"), ("message", "")],
    "breakpoints": [
        ("after", "breakpoint after"),
        ("prefix_tokens", "prefix"),
        ("cacheable", "cacheable"),
    ],
}
_SKIP = {"command", "assumptions", "warnings", "display_name"}
_TOKEN_KEYS = ("tokens", "writes", "reads", "requests", "turns", "per_turn", "limit")


def format_value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        if key.endswith("_per_mtok_usd"):
            return format_price(value)
        if key.endswith("_usd"):
            return format_usd(value)
        if key.endswith("_pct"):
            return format_pct(value)
        return format_tokens(value) if key.endswith(_TOKEN_KEYS) else decimal_str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple) and all(not isinstance(v, dict) for v in value):
        return ", ".join(format_value(key, v) for v in value)
    return str(value)


def _label(key: str) -> str:
    return key.removesuffix("_usd").replace("_", " ")


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    cells = [[header for _, header in columns]]
    cells += [[format_value(k, row.get(k)) for k, _ in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = []
    for n, row in enumerate(cells):
        parts = []
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            key = columns[i][0]
            right = key.endswith(("_usd", "_pct", "_tokens")) and n > 0
            parts.append(cell.rjust(width) if right else cell.ljust(width))
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_text(result: dict[str, Any]) -> str:
    """A readable, aligned rendering of a result dict (money as $, percentages with %)."""
    scalars = [
        (k, v) for k, v in result.items() if k not in _SKIP and not isinstance(v, dict | list)
    ]
    scalars += [
        (k, v)
        for k, v in result.items()
        if isinstance(v, list) and all(not isinstance(i, dict) for i in v) and k not in _SKIP
    ]
    for k, v in result.items():
        if isinstance(v, dict) and k not in _SKIP:
            scalars += [
                (f"{k}.{sk}", sv) for sk, sv in v.items() if not isinstance(sv, dict | list)
            ]
    lines = [str(result.get("command", "result"))]
    width = max((len(_label(k)) for k, _ in scalars), default=0)
    for key, value in scalars:
        lines.append(f"  {_label(key).ljust(width)}  {format_value(key, value)}")
    for key, value in result.items():
        if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            columns = [c for c in TABLE_COLUMNS.get(key, []) if c[0] in value[0]]
            columns = columns or [(k, _label(k)) for k in value[0]]
            lines += ["", f"{key}:"] + ["  " + line for line in _table(value, columns)]
            if key == "workloads":
                for plan in value:
                    lines += ["", render_text({"command": plan["name"], **plan})]
    for key in ("assumptions", "warnings"):
        if result.get(key):
            lines += ["", f"{key}:"] + [f"  - {note}" for note in result[key]]
    return "\n".join(lines)
