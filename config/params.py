"""Whole numbers and dates from request data: the one parser every view and form uses.

Python is generous with digits: `"²".isdigit()` is true yet `int("²")` raises, and `int("٣")` is
3, so a check with `isdigit()` either lets a 500 through or reads a number the sender never wrote
in ASCII. Dates have the opposite edge: `9999-12-31` parses, and the day after it overflows.
Here a number is ASCII digits only, within the database's integer range, and a date is ISO
`YYYY-MM-DD` within years a course can mean. Anything else raises `BadParameter`, which Django
answers with a 400 (see `config.errors.bad_request`) and forms show as a field error.

It sits in `config/` beside `env.py`, its counterpart for environment variables, because every
app parses request data and none of them owns it.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import BadRequest

# BigAutoField, PostgreSQL's bigint and SQLite's INTEGER are all signed 64-bit.
MAX_INT = 2**63 - 1
# Wide enough for any real start date or retirement date, narrow enough that a filter can add a
# day (or a year) to either end without leaving `datetime.date`'s range.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(BadRequest):
    """A request value that is not the number or date it must be; `message` is for people."""

    def __init__(self, name: str, message: str) -> None:
        self.name, self.message = name, message
        super().__init__(f"“{name}” {message}")

    @property
    def sentence(self) -> str:
        """The message on its own, for a form field's error."""
        return self.message[:1].upper() + self.message[1:]


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 30 else text[:30] + "…")


def parse_int(value: object, name: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """`value` as an int written in ASCII digits, from `minimum` to `maximum` inclusive."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise BadParameter(name, "is missing.")
    if not _DIGITS.fullmatch(text):
        raise BadParameter(
            name, f"must be a whole number written with the digits 0-9, not {_shown(value)}."
        )
    # Compare lengths first so a thousand-digit string is never turned into an int.
    if len(text.lstrip("0")) > len(str(maximum)) or not minimum <= int(text) <= maximum:
        raise BadParameter(name, f"must be from {minimum:,} to {maximum:,}, not {_shown(value)}.")
    return int(text)


def parse_id(value: object, name: str) -> int:
    """A database id: a positive int in the database's integer range."""
    return parse_int(value, name, minimum=1)


def parse_date(value: object, name: str) -> dt.date:
    """An ISO date (`YYYY-MM-DD`, ASCII digits) between MIN_DATE and MAX_DATE."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise BadParameter(name, "is missing.")
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            name, f"must be a date written as YYYY-MM-DD, not {_shown(value)}."
        ) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise BadParameter(
            name, f"must be between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."
        )
    return day


# --- form fields: the same rules, as field errors ---------------------------------------------


class WholeNumberField(forms.IntegerField):
    """IntegerField that reads only ASCII digits (Django's would read "٣" as 3)."""

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_int(value, self.label or "This field", minimum=0)
        except BadParameter as exc:
            raise forms.ValidationError(exc.sentence, code="invalid") from None


class IsoDateField(forms.DateField):
    """DateField that takes only ISO dates (what `<input type="date">` sends) in a sane range."""

    def to_python(self, value: object) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value, self.label or "This field")
        except BadParameter as exc:
            raise forms.ValidationError(exc.sentence, code="invalid") from None


class IdChoiceField(forms.ModelChoiceField):
    """ModelChoiceField that looks up only ASCII-digit ids in range (Django's would read "٣")."""

    def to_python(self, value: object) -> object:
        if value in self.empty_values:
            return None
        try:
            parse_id(value, "id")
        except BadParameter:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return super().to_python(value)
