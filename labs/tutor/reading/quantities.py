"""The quantity grammar: a number as people write it ("200k", "1.2 million", "fifty
thousand", "half a million"), and the period it counts ("per day", "/s", "nightly")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from labs.calculator.formatting import format_tokens

from .labels import _COUNT_NOUNS
from .text import (
    _blank,
    normalize,
)

# -- numbers --------------------------------------------------------------------------------------
_SCALES = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mn": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
_DIGITS_RE = re.compile(
    r"(?<![\w.])(?P<dollar>\$\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s?(?P<scale>k|thousand|million|mil|mn|mm|m|billion|bn|b)\b)?",
    re.I,
)
_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE = {"a few": 3, "a couple of": 2, "a couple": 2, "several": 5}
_WORD_RUN_RE = re.compile(
    r"\b(?:(?P<lead>half\s+an?|an?|a\s+few|a\s+couple(?:\s+of)?|several)\s+(?=hundred|thousand|"
    r"million|billion))?(?P<words>(?:(?:{words}|hundred|thousand|million|billion)(?:[\s-]+"
    r"(?:and\s+)?(?=(?:{words}|hundred|thousand|million|billion)\b))?)+)\b".replace(
        "{words}", "|".join(_SMALL)
    ),
    re.I,
)


def _words_value(words: str) -> tuple[Decimal, bool]:
    """Value of a run of number words ("two hundred thousand") and whether it has a scale."""
    total, current, scaled = Decimal(0), Decimal(0), False
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and" or not word:
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word == "hundred":
            current = (current or 1) * 100
            scaled = True
        else:
            total += (current or 1) * _WORD_SCALES[word]
            current = Decimal(0)
            scaled = True
    return total + current, scaled


def parse_number(text: str) -> Decimal | None:
    """One number as people write it: "200,000", "200k", "1.2 million", "2M", "1.5K",
    "fifty thousand", "half a million", "a few hundred". None when `text` is not a number."""
    text = normalize(text).strip().lower()
    text = re.sub(r"[\s-]*tokens?$", "", text).strip()
    match = _DIGITS_RE.fullmatch(text)
    if match and not match.group("dollar"):
        return _digits_value(match)
    match = _WORD_RUN_RE.fullmatch(text)
    if match:
        value, _ = _words_value(match.group("words"))
        return value * _lead_factor(match.group("lead"))
    return None


def _digits_value(match: re.Match[str]) -> Decimal:
    value = Decimal(match.group("num").replace(",", ""))
    scale = (match.group("scale") or "").lower()
    return value * _SCALES[scale] if scale else value


def _lead_factor(lead: str | None) -> Decimal:
    if not lead:
        return Decimal(1)
    lead = " ".join(lead.lower().split())
    if lead.startswith("half"):
        return Decimal("0.5")
    return Decimal(_VAGUE.get(lead, 1))


@dataclass
class Number:
    """A number found in the text, and what it counts."""

    value: Decimal
    start: int
    end: int
    raw: str
    kind: str = (
        "bare"  # tokens, count, volume, pct, factor, money, turns, users, duration, aside, bare
    )
    part: str | None = None  # for tokens: tools, system, ..., output, input, summary
    per: str | None = None  # for volume: the period unit as written (day, hour, week...)
    unit_end: int = 0  # where the unit words end
    wordy: bool = False  # written in words ("ten") without a scale word
    approximate: bool = False
    aside: str | None = None  # for an aside: why it sizes nothing ("it counts the questions")

    @property
    def whole(self) -> int:
        return int(self.value.to_integral_value(rounding=ROUND_HALF_UP))


def find_numbers(text: str) -> list[Number]:
    """Every number in `text` (digits with an optional scale, or number words), unclassified."""
    found: list[Number] = []
    masked = text
    for m in _DIGITS_RE.finditer(text):
        number = Number(_digits_value(m), m.start(), m.end(), m.group(0))
        if m.group("dollar"):
            number.kind = "money"
        found.append(number)
        masked = _blank(masked, m.start(), m.end())
    for m in _WORD_RUN_RE.finditer(masked):
        value, scaled = _words_value(m.group("words"))
        lead = m.group("lead")
        found.append(
            Number(
                value * _lead_factor(lead),
                m.start(),
                m.end(),
                m.group(0),
                wordy=not scaled,
                approximate=bool(lead) and not lead.lower().startswith(("a ", "an", "half")),
            )
        )
    found.sort(key=lambda n: n.start)
    return found


# -- periods --------------------------------------------------------------------------------------
_PERIOD_UNITS = {
    "second": "second",
    "sec": "second",
    "minute": "minute",
    "min": "minute",
    "hour": "hour",
    "hr": "hour",
    "day": "day",
    "night": "day",
    "business day": "day",
    "working day": "day",
    "weekday": "day",
    "week": "week",
    "wk": "week",
    "month": "month",
    "mo": "month",
    "year": "year",
    "yr": "year",
}
_PERIOD_RE = re.compile(
    r"^(?:\s|,)*(?:"
    r"(?:/\s*|\bper\s+|\ban?\s+|\beach\s+|\bevery\s+|\bin\s+an?\s+|\bx\s*)"
    r"(?P<unit>business\s+day|working\s+day|weekday|second|sec|minute|min|hour|hr|day|night|"
    r"week|wk|month|mo|year|yr)s?\b"
    r"|/(?P<short>s|h|d|m)\b"
    r"|(?P<adverb>daily|nightly|hourly|weekly|monthly|yearly|annually|overnight|every\s+night|"
    r"each\s+night|every\s+morning|each\s+morning|per\s+diem)\b)",
    re.I,
)
_ADVERB_UNITS = {
    "daily": "day",
    "nightly": "day",
    "every night": "day",
    "each night": "day",
    "every morning": "day",
    "each morning": "day",
    "overnight": "day",
    "per diem": "day",
    "hourly": "hour",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
}
_SHORT_UNITS = {"s": "second", "h": "hour", "d": "day", "m": "month"}


def parse_period(text: str) -> str | None:
    """The period a phrase starts with, as a unit: "per day", "a month", "/day", "daily",
    "nightly", "per hour", "per week", "a year" -> day, month, day, day, day, hour, week, year."""
    m = _PERIOD_RE.match(normalize(text))
    return _period_unit(m) if m else None


def _period_unit(m: re.Match[str]) -> str:
    if m.group("unit"):
        return _PERIOD_UNITS[" ".join(m.group("unit").lower().split())]
    if m.group("short"):
        return _SHORT_UNITS[m.group("short").lower()]
    return _ADVERB_UNITS[" ".join(m.group("adverb").lower().split())]


# Requests per day for one request per unit (a month and a year are handled apart).
_PER_DAY = {"second": 86_400, "minute": 1_440, "hour": 24, "day": 1}


@dataclass(frozen=True)
class Volume:
    """Requests per calculator period (a day or a 30-day month), with how it was read."""

    requests: int
    per: str  # day | month
    note: str | None = None


def to_volume(value: Decimal, unit: str, raw: str = "") -> Volume:
    """A count per `unit` as requests per day or month; other units are converted and the
    conversion is stated ("500 an hour" -> 12,000 a day, traffic around the clock)."""
    shown = raw.strip() or format_tokens(value)
    if unit == "month":
        return Volume(max(1, _round(value)), "month")
    if unit == "day":
        return Volume(max(1, _round(value)), "day")
    if unit in _PER_DAY:
        per_day = max(1, _round(value * _PER_DAY[unit]))
        article = "an" if unit == "hour" else "a"
        note = f"{shown} requests {article} {unit} read as {format_tokens(per_day)} a day "
        note += "(steady traffic around the clock)."
        return Volume(per_day, "day", note)
    days = 7 if unit == "week" else 365
    per_day = max(1, _round(value / days))
    note = f"{shown} requests a {unit} read as about {format_tokens(per_day)} a day "
    note += f"({days} days a {unit}, rounded to whole requests)."
    return Volume(per_day, "day", note)


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


# A period the learner asks about ("per day and per yr?", "savings/mo", "daily + monthly"),
# as opposed to the period of a rate ("25k calls/day", "~8k of these a day").
_ASKED_RE = re.compile(_PERIOD_RE.pattern.removeprefix("^(?:\\s|,)*"), re.I)
_RATE_BEFORE_RE = re.compile(
    rf"\d[\d,.]*\s*(?:k|m|mm|mn|mil|million|thousand|b|bn|billion)?(?:\s*[a-z]+)?"
    rf"(?:\s*(?:{_COUNT_NOUNS}))?(?:\s+of\s+(?:these|them))?\s*$",
    re.I,
)


def asked_periods(text: str) -> list[str]:
    """The periods `text` asks a figure for, in the order asked (day, month, year, hour, week,
    second, minute); the period right after a counted number is that number's rate."""
    found: list[str] = []
    for m in _ASKED_RE.finditer(normalize(text)):
        if _RATE_BEFORE_RE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        unit = _period_unit(m)
        if unit not in found:
            found.append(unit)
    return found
