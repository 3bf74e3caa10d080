"""Writing replies: Markdown tables, lists and the figures, formatted only by the calculator's
formatting functions (money from the calculator's `_usd` strings, never from floats)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labs.calculator.caching import DAYS_PER_MONTH, DAYS_PER_YEAR
from labs.calculator.formatting import format_pct, format_price, format_tokens, format_usd
from labs.calculator.pricing import Model

from .reading import PART_LABELS, PART_ORDER


def a_or_an(n: int) -> str:
    """The article for a number read aloud: "an 800-token prompt", "a 1,200-token prompt"."""
    lead = int(f"{n:,}".split(",")[0])
    return "an" if lead in (8, 11, 18) or 80 <= lead <= 89 or 800 <= lead <= 899 else "a"


def usd(value: str | Decimal) -> str:
    """A calculator `_usd` string (or Decimal) as "$1,234.56"."""
    return format_usd(Decimal(value))


def pct(value: str | Decimal) -> str:
    return format_pct(Decimal(value))


def tokens(value: int | str | Decimal) -> str:
    return format_tokens(int(Decimal(value)))


def price(value: Decimal) -> str:
    return format_price(value)


PERIOD_NAMES = {
    "hour": "an hour",
    "day": "a day",
    "week": "a week",
    "month": "a month",
    "year": "a year",
}
_HOURS_PER_DAY = 24
_DAYS_PER_WEEK = 7


def per_period(amount: str | Decimal, per: str) -> dict[str, Decimal]:
    """A calculator amount for one of its periods (a day, or a 30-day month) restated per hour,
    day, week, month and year with the calculator's own calendar (a month is 30 days, a year
    365), so a question asked per year is answered per year. An hour is a 24th of a day:
    traffic spread over the whole day."""
    value = Decimal(amount)
    day = value if per == "day" else value / DAYS_PER_MONTH
    return {
        "hour": day / _HOURS_PER_DAY,
        "day": day,
        "week": day * _DAYS_PER_WEEK,
        "month": day * DAYS_PER_MONTH,
        "year": day * DAYS_PER_YEAR,
    }


def in_periods(
    amount: str | Decimal, per: str, periods: Sequence[str], *, bold: bool = True
) -> str:
    """ "**$12.00 a day** and **$4,380.00 a year**": the amount in each period asked for."""
    figures = per_period(amount, per)
    mark = "**" if bold else ""
    return join_words(
        [f"{mark}{usd(figures[p])} {PERIOD_NAMES[p]}{mark}" for p in periods if p in figures]
    )


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{format_tokens(n)} {word if n == 1 else (words or word + 's')}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A Markdown table; columns whose index is in `right` are right-aligned."""
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append(
        "| " + " | ".join("---:" if i in right else "---" for i in range(len(headers))) + " |"
    )
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def join_words(items: Sequence[str], last: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def model_prices(model: Model) -> str:
    """ "Claude Sonnet 5.5 $2.00 input and $10.00 output" (per million tokens, from the table)."""
    p = model.prices
    return f"{model.display_name} {price(p.input)} input and {price(p.output)} output"


def cache_prices(model: Model) -> str:
    p = model.prices
    return (
        f"{model.display_name} per million tokens: {price(p.input)} input, "
        f"{price(p.cache_write_5m)} 5-minute write, {price(p.cache_write_1h)} 1-hour write, "
        f"{price(p.cache_read)} cache read"
    )


def describe_parts(parts: Mapping[str, int], output: int | None = None) -> str:
    """ "a 1,200-token system prompt, 2,000 tokens of documents and a 150-token user message"."""
    pieces = []
    for part in PART_ORDER:
        n = parts.get(part, 0)
        if not n:
            continue
        label = PART_LABELS[part]
        if part in ("documents", "examples", "history", "tools"):
            pieces.append(f"{tokens(n)} tokens of {label}")
        else:
            pieces.append(f"{a_or_an(n)} {tokens(n)}-token {label}")
    text = join_words(pieces)
    if output is not None:
        text += f"{'; ' if text else ''}{tokens(output)} output tokens"
    return text


def missing_parts(parts: Mapping[str, int]) -> list[str]:
    return [PART_LABELS[p] for p in PART_ORDER if not parts.get(p)]


@dataclass
class Reply:
    """A reply in pieces: the body, the assumptions, caveats and a closing suggestion."""

    body: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    next_step: str = ""

    def add(self, *paragraphs: str) -> None:
        self.body.extend(p for p in paragraphs if p)

    def assume(self, *notes: str | None) -> None:
        for note in notes:
            if note and note not in self.assumptions:
                self.assumptions.append(note)

    def caveat(self, *notes: str | None) -> None:
        for note in notes:
            if note and note not in self.caveats:
                self.caveats.append(note)

    def warnings_from(self, outputs: Iterable[Mapping[str, Any]], *, full: bool = False) -> None:
        """The calculator's warnings (unconfirmed prices, retired models, short prefixes): the
        first sentence of each, or all of it with `full` (the calculation card has the rest)."""
        for output in outputs:
            for note in output.get("warnings", []) or []:
                text = str(note)
                if not full:
                    text = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]
                self.caveat(text)

    def render(self) -> str:
        parts = list(self.body)
        if self.assumptions:
            parts.append("**Assumptions**\n\n" + bullets(self.assumptions))
        if self.caveats:
            parts.append("**Caveats**\n\n" + bullets(self.caveats))
        if self.next_step:
            parts.append(f"**Try next:** {self.next_step}")
        return "\n\n".join(parts).strip() + "\n"
