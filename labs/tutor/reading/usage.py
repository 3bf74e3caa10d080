"""A pasted `usage` object: the token counts the API reported for one call.

Learners paste the whole response (`{"id": ..., "model": ..., "usage": {...}}`), the usage
object alone, several of them one per line, or the SDK's repr (`Usage(input_tokens=1830, ...)`).
Each field is one row of the table below; a new field name is a new row. `input_tokens` excludes
the cached tokens, so the fields are priced apart, never added into one input figure."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The field table: the name as the API writes it -> the slot it fills.
USAGE_FIELDS: dict[str, str] = {
    "input_tokens": "input",
    "output_tokens": "output",
    "cache_creation_input_tokens": "cache_write",
    "cache_read_input_tokens": "cache_read",
    "ephemeral_5m_input_tokens": "write_5m",
    "ephemeral_1h_input_tokens": "write_1h",
}
_FIELD_RE = re.compile(
    r"[\"']?\b(?P<name>" + "|".join(USAGE_FIELDS) + r")\b[\"']?\s*(?:[:=]|\bis\b|\bwas\b)\s*"
    r"(?P<value>\d[\d,_]*)",
    re.I,
)
_TIER_RE = re.compile(r"[\"']?\bservice_tier\b[\"']?\s*[:=]\s*[\"']?(?P<tier>[a-z_]+)", re.I)


@dataclass
class Usage:
    """One call's usage. `write_5m` and `write_1h` are the `cache_creation` split, when given;
    without it every written token is a 5-minute write (the default TTL)."""

    input: int = 0
    output: int | None = None
    cache_write: int = 0
    cache_read: int = 0
    write_5m: int | None = None
    write_1h: int | None = None
    service_tier: str | None = None
    start: int = 0
    end: int = 0
    # (start, end) of every field read, so the rest of the message is read without them.
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def writes(self) -> tuple[int, int]:
        """(5-minute, 1-hour) written tokens: the split when given, else all 5-minute."""
        if self.write_5m is None and self.write_1h is None:
            return self.cache_write, 0
        return self.write_5m or 0, self.write_1h or 0

    @property
    def prompt_tokens(self) -> int:
        return self.input + self.cache_write + self.cache_read


def find_usages(text: str) -> list[Usage]:
    """Every usage object in `text`, in order. A field seen again starts the next object, so
    three objects pasted one per line are three calls."""
    usages: list[Usage] = []
    current: Usage | None = None
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []

    def close() -> None:
        if current is not None and "input" in seen:
            current.spans = tuple(spans)
            usages.append(current)

    for m in _FIELD_RE.finditer(text):
        slot = USAGE_FIELDS[m.group("name").lower()]
        if current is None or slot in seen:
            close()
            current, seen, spans = Usage(start=m.start()), set(), []
        seen.add(slot)
        spans.append((m.start(), m.end()))
        setattr(current, slot, int(m.group("value").replace(",", "").replace("_", "")))
        current.end = m.end()
    close()
    tier = _TIER_RE.search(text)
    if tier:
        for usage in usages:
            usage.service_tier = tier.group("tier").lower()
            usage.spans = (*usage.spans, (tier.start(), tier.end()))
    return usages
