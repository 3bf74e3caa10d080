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
    batch_result: bool = False  # read from a Message Batches results line
    # Read from stream events (`message_start`, `message_delta`): the last cumulative values.
    streamed: bool = False
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


# A streamed call: `message_start` opens it and each `message_delta` repeats its usage as a
# running total, so the last value of a field is the call's count (adding them double-counts).
# A line of a Message Batches results file: `{"custom_id": ..., "result": {"type": ...`. Its
# usage was billed at the batch price even when the line carries no `service_tier`.
_BATCH_RESULT_RE = re.compile(r"[\"']custom_id[\"']\s*:[^\n]*?[\"']result[\"']\s*:\s*\{", re.I)
_STREAM_START_RE = re.compile(r"\bmessage_start\b")
_STREAM_EVENT_RE = re.compile(r"\bmessage_(?:start|delta)\b")


def find_usages(text: str) -> list[Usage]:
    """Every usage object in `text`, in order. A field seen again starts the next object, so
    three objects pasted one per line are three calls; the events of one stream are one call."""
    groups: list[tuple[dict[str, int], list[tuple[int, int]]]] = []
    for m in _FIELD_RE.finditer(text):
        slot = USAGE_FIELDS[m.group("name").lower()]
        if not groups or slot in groups[-1][0]:
            groups.append(({}, []))
        fields, spans = groups[-1]
        fields[slot] = int(m.group("value").replace(",", "").replace("_", ""))
        spans.append((m.start(), m.end()))
    if _STREAM_EVENT_RE.search(text):
        groups = _stream_calls(text, groups)
    usages = [_usage(fields, spans) for fields, spans in groups if "input" in fields]
    tier = _TIER_RE.search(text)
    if tier:
        for usage in usages:
            usage.service_tier = tier.group("tier").lower()
            usage.spans = (*usage.spans, (tier.start(), tier.end()))
    elif _BATCH_RESULT_RE.search(text):
        for usage in usages:
            usage.service_tier, usage.batch_result = "batch", True
    return usages


def _usage(fields: dict[str, int], spans: list[tuple[int, int]]) -> Usage:
    usage = Usage(start=spans[0][0], end=spans[-1][1], spans=tuple(spans))
    for slot, value in fields.items():
        setattr(usage, slot, value)
    usage.streamed = bool(fields.get("streamed"))
    return usage


def _stream_calls(
    text: str, groups: list[tuple[dict[str, int], list[tuple[int, int]]]]
) -> list[tuple[dict[str, int], list[tuple[int, int]]]]:
    """Fold the usage of each stream's events into one call: a later event's field replaces the
    earlier value (usage is cumulative), so `message_start`'s placeholder `output_tokens` of 1
    gives way to the final count on `message_delta`."""
    starts = [m.start() for m in _STREAM_START_RE.finditer(text)] or [0]
    calls: list[tuple[dict[str, int], list[tuple[int, int]]]] = []
    opened = -1
    for fields, spans in groups:
        began = sum(1 for s in starts if s <= spans[0][0]) - 1
        if not calls or began != opened:
            calls.append(({"streamed": 1}, []))
            opened = began
        calls[-1][0].update(fields)
        calls[-1][1].extend(spans)
    return calls
