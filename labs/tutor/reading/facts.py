"""Reading one message into `Facts`: every number classified and put in its slot."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from labs.calculator.formatting import format_tokens
from labs.calculator.pricing import PriceTable
from labs.calculator.tokens import CHARS_PER_TOKEN

from .asks import one_request_spans
from .changes import read_changes
from .labels import (
    _COUNT_AFTER_RE,
    _PART_RE,
    _TOKENS_AFTER_RE,
    PART_LABELS,
    PART_ORDER,
    _first_part,
    aside_reason,
)
from .models import (
    ModelMention,
    find_models,
)
from .qualifiers import (
    _RATE_RE,
    Modifier,
    _flags,
    _modifiers,
    find_burst,
    find_cache_moves,
    find_interval,
    find_ttls,
    find_uncached,
    find_varying,
    find_window,
)
from .quantities import (
    _PER_DAY,
    _PERIOD_RE,
    _PERIOD_UNITS,
    Number,
    _period_unit,
    _round,
    asked_periods,
    find_numbers,
    to_volume,
)
from .text import (
    _blank,
    _clause_after,
    _clause_before,
    normalize,
)
from .usage import Usage, find_usages


# -- facts -------------------------------------------------------------------------------------
@dataclass
class Facts:
    """What one message (or a whole conversation) says about a workload."""

    models: list[ModelMention] = field(default_factory=list)
    requests: int | None = None
    per: str | None = None  # day | month
    volume_text: str | None = None
    volume_note: str | None = None
    volume_assumed_per: bool = False  # no period given; "day" assumed
    parts: dict[str, int] = field(default_factory=dict)  # incl. output, input, summary
    ttls: list[str] = field(default_factory=list)
    traffic: str | None = None  # steady | poisson
    batch: bool = False
    turns: int | None = None
    window: int | None = None
    users: int | None = None
    percents: list[tuple[Decimal, int]] = field(default_factory=list)  # value, position
    factors: list[tuple[Decimal, int]] = field(default_factory=list)
    modifiers: list[Modifier] = field(default_factory=list)
    durations: list[tuple[Decimal, str, int]] = field(default_factory=list)  # value, unit, pos
    bare: list[Number] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    prompt_text: str | None = None
    # Pasted `usage` objects, one per call, in order (their numbers fill no other slot).
    usages: list[Usage] = field(default_factory=list)
    # Numbers of this message that a later number put out of their slot ("5 chunks" then
    # "600 tokens" both reading as documents): the guard asks about them before pricing.
    overwritten: list[Number] = field(default_factory=list)
    # Numbers read as a count of things that sized a slot with the number after them ("20 tools
    # (~3k tokens of schemas)"): not priced, named in the reply.
    counted_only: list[Number] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""
    # Prompt parts that change on every request ("the retrieved chunks differ on every call").
    varying: list[str] = field(default_factory=list)
    # Hours a day the traffic arrives in ("office hours", "8h a day", "9 to 5", "24/7").
    active_hours: int | None = None
    # Stable parts sent after the last breakpoint ("3k of examples (not cached)"), and parts a
    # what-if moves into the cached prefix ("move the examples into the cached part").
    uncached: list[str] = field(default_factory=list)
    cache_moves: list[str] = field(default_factory=list)
    # Minutes between requests on a fixed schedule ("a cron job fires every 10 minutes").
    interval_minutes: int | None = None
    # Minutes a burst of requests fits in ("10 questions within ~5 min").
    burst_minutes: int | None = None
    # Periods the message asks a figure for ("per month?", "daily + monthly").
    asked: list[str] = field(default_factory=list)
    # A slot's size before a change stated in the same message ("1,800 -> 1,100 input tokens").
    was: dict[str, int] = field(default_factory=dict)
    # Tokens counted over a period ("~40M output tokens/day"): `part` is input or output.
    token_totals: list[Number] = field(default_factory=list)

    @property
    def has_numbers(self) -> bool:
        return any(n.kind != "money" for n in self.numbers)

    @property
    def output(self) -> int | None:
        return self.parts.get("output")

    def prompt_parts(self) -> dict[str, int]:
        return {p: self.parts[p] for p in PART_ORDER if self.parts.get(p)}

    def known_models(self) -> list[ModelMention]:
        return [m for m in self.models if m.model is not None]

    def unknown_models(self) -> list[ModelMention]:
        return [m for m in self.models if m.model is None]


def _volume_from(number: Number, unit: str | None, facts: Facts) -> None:
    if unit is None:
        facts.requests = max(1, number.whole)
        facts.per = "day"
        facts.volume_assumed_per = True
        facts.volume_text = f"{number.raw.strip()}"
        facts.volume_note = None
        return
    volume = to_volume(number.value, unit, number.raw)
    facts.requests, facts.per, facts.volume_note = volume.requests, volume.per, volume.note
    facts.volume_assumed_per = False
    facts.volume_text = number.raw.strip()


def extract_facts(
    text: str, table: PriceTable, *, expect: Sequence[str] = (), prompt_text: str | None = None
) -> Facts:
    """Read one message. `expect` names what a bare number answers ("requests", "output", a
    part name, "turns"), from the follow-up question the tutor asked before it. `prompt_text`
    is a pasted prompt already taken out of `text` (it is not read for numbers)."""
    text = normalize(text)
    facts = Facts(text=text, prompt_text=prompt_text)
    masked = text
    facts.models = find_models(text, table)
    for mention in facts.models:
        masked = _blank(masked, mention.start, mention.end)
        if mention.note:
            facts.notes.append(mention.note)
    facts.usages = find_usages(masked)
    usage_numbers = []
    for usage in facts.usages:
        for start, end in usage.spans:
            raw = masked[start:end]
            digits = re.search(r"\d[\d,_]*$", raw)
            if digits:
                value = Decimal(digits.group(0).replace(",", "").replace("_", ""))
                at = start + digits.start()
                usage_numbers.append(Number(value, at, end, digits.group(0), "tokens", "usage"))
            masked = _blank(masked, start, end)
    for start, end in one_request_spans(masked):
        masked = _blank(masked, start, end)  # "what's one call cost": not a volume of one
    rated: tuple[Decimal, str] | None = None  # (count per unit, unit) of a rate read
    interval = find_interval(masked)
    if interval:
        # A fixed gap is a rate too: "every 10 minutes" around the clock is 144 a day, unless a
        # count or a traffic window in the message says otherwise.
        facts.interval_minutes, start, end = interval
        rated = (1 / Decimal(facts.interval_minutes), "minute")
        facts.requests, facts.per = max(1, _round(Decimal(1440) / facts.interval_minutes)), "day"
        facts.volume_text = masked[start:end].strip()
        facts.volume_note = (
            f'"{facts.volume_text}" read as {format_tokens(facts.requests)} requests a day '
            "(a fixed gap, around the clock)."
        )
        masked = _blank(masked, start, end)
    burst = find_burst(masked)
    if burst:
        facts.burst_minutes, start, end = burst
        masked = _blank(masked, start, end)
    for ttl, start, end in find_ttls(masked):
        facts.ttls.append(ttl)
        masked = _blank(masked, start, end)
    rate = _RATE_RE.search(masked)
    if rate and re.search(
        r"request|call|message|query|question|conversation|traffic|arriv",
        masked[max(0, rate.start() - 60) : rate.end()],
        re.I,
    ):
        raw_n = rate.group("n")
        n = Decimal(raw_n) if raw_n and raw_n[0].isdigit() else Decimal(3 if raw_n else 1)
        unit = _PERIOD_UNITS.get(rate.group("unit").lower().rstrip("s"), "minute")
        per_day = max(1, _round(Decimal(_PER_DAY[unit]) / n))
        rated = (1 / n, unit)
        facts.requests, facts.per = per_day, "day"
        facts.volume_text = rate.group(0).strip()
        facts.volume_note = (
            f'"{facts.volume_text}" read as {format_tokens(per_day)} requests a day '
            "(steady traffic around the clock)."
        )
        masked = _blank(masked, rate.start(), rate.end())
    numbers = find_numbers(masked)
    for number in numbers:
        _classify(number, masked)
    facts.active_hours, window_spans = find_window(masked)
    for number in numbers:
        if any(a <= number.start < b for a, b in window_spans):
            number.kind = "window"  # read: the hours traffic arrives in
    facts.numbers = sorted([*numbers, *usage_numbers], key=lambda n: n.start)
    facts.asked = asked_periods(masked)
    _pairs(numbers, masked)
    _assign(numbers, masked, facts, expect)
    read_changes(numbers, masked, facts)
    _flags(masked, facts)
    facts.varying = find_varying(masked)
    facts.uncached = find_uncached(masked)
    facts.cache_moves = find_cache_moves(masked)
    plain = masked
    for n in numbers:
        if n.kind not in ("factor", "pct"):
            plain = _blank(plain, n.start, n.end)
    facts.modifiers = _modifiers(plain, numbers)
    _per_user(masked, facts)
    _in_window(facts, numbers, rated)
    return facts


def _in_window(facts: Facts, numbers: list[Number], rated: tuple[Decimal, str] | None) -> None:
    """A rate per hour, minute or second counts only the hours traffic arrives in."""
    hours = facts.active_hours
    if not hours or hours >= 24 or facts.per != "day":
        return
    if rated is None:
        volume = next((n for n in numbers if n.kind == "volume"), None)
        unit = _PERIOD_UNITS.get((volume.per or "").lower().rstrip("s")) if volume else None
        if volume is None or unit not in ("hour", "minute", "second"):
            return
        rated = (volume.value, unit)
    count, unit = rated
    per_hour = count * Decimal(_PER_DAY[unit]) / 24
    facts.requests = max(1, _round(per_hour * hours))
    facts.volume_note = (
        f"{format_tokens(per_hour)} requests an hour for {hours} hours a day read as "
        f"{format_tokens(facts.requests)} requests a day (no traffic outside those hours)."
    )


_STATUS_BEFORE_RE = re.compile(
    r"\b(?:a|an|got|get|gets|getting|return(?:s|ed)?|http|status|error|code|throws?|hit|"
    r"every|each|the)\s*$",
    re.I,
)
_STATUS_AFTER_RE = re.compile(
    r"^\s*(?:errors?|status|response|codes?|overloaded|internal|rate[\s_-]?limit|s\b)", re.I
)


# "peaks ~20/s", "at peak 300 a minute", "spikes to 50/s": the highest rate, not the average.
_PEAK_BEFORE_RE = re.compile(
    r"\b(?:peaks?|peaking|at\s+peak|max(?:imum)?|spikes?|spiking|bursts?)\b"
    r"(?:\s+(?:of|at|to|around|about|up\s+to|near))?[\s:=~]*$",
    re.I,
)


def _is_status_code(n: Number, before: str, after: str) -> bool:
    """An HTTP error status ("a 529", "500 errors", "got a 429"), not a count of anything."""
    if not re.fullmatch(r"[45]\d\d", n.raw.strip()):
        return False
    return bool(_STATUS_BEFORE_RE.search(before[-12:]) or _STATUS_AFTER_RE.match(after))


def _classify(n: Number, text: str) -> None:
    after = text[n.end :]
    before = text[: n.start]
    if n.kind == "money" or re.match(r"^\s*(?:dollars|usd|bucks)\b", after, re.I):
        n.kind = "money"
        return
    if re.match(r"^\s*(?:%|percent\b|per\s?cent\b)", after, re.I):
        n.kind, n.unit_end = "pct", n.end + len(re.match(r"^\s*\S+", after).group(0))  # type: ignore[union-attr]
        return
    m = re.match(r"^\s*(?:x\b|times\b(?!\s+(?:a|an|per|each|every)\s)|-?fold\b)", after, re.I)
    if m or (
        re.search(r"\bby\s+(?:a\s+factor\s+of\s+)?$", before[-25:], re.I)
        and re.search(r"\b(?:multipl|scal|grow|increas|factor)", before[-60:], re.I)
    ):
        n.kind, n.unit_end = "factor", n.end + (len(m.group(0)) if m else 0)
        return
    if re.search(r"\bx\s*$", before[-3:], re.I):
        n.kind = "factor"
        return
    m = _TOKENS_AFTER_RE.match(after)
    if m:
        n.kind, n.unit_end = "tokens", n.end + m.end()
        qual = m.group("qual")
        if qual.strip():
            n.part = _first_part(qual)
        p = _PERIOD_RE.match(text[n.unit_end : n.unit_end + 30])
        if p and n.value >= 100_000:
            # "~40M output tokens/day", "2B input tok a month": a total over a period, not
            # the size of one request.
            n.kind, n.per, n.unit_end = "token_total", _period_unit(p), n.unit_end + p.end()
        return
    m = re.match(r"^[\s-]*(?:turns?|rounds?|exchanges?)\b", after, re.I)
    if m:
        n.kind, n.unit_end = "turns", n.end + m.end()
        return
    m = re.match(
        r"^\s*(?:(?:daily|monthly|active|concurrent|registered|paying)\s+)*(?:users|customers|"
        r"people|employees|seats|agents|members|learners|students|subscribers|accounts)\b",
        after,
        re.I,
    )
    if m:
        n.kind, n.unit_end = "users", n.end + m.end()
        return
    m = re.match(
        r"^[\s-]*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b", after, re.I
    )
    if m and not re.match(r"^[\s-]*(?:a|per|each|every)\b", after[m.end() :], re.I):
        unit = m.group(0).strip(" -").lower()
        if not (
            unit.startswith(("day", "week"))
            and not re.search(r"\b(?:within|in|under|by|after)\s+$", before[-12:], re.I)
        ):
            n.kind, n.unit_end = "duration", n.end + m.end()
            n.per = unit
            return
    if re.match(r"^\s*words?\b", after, re.I):
        n.kind = "words"
        return
    why = aside_reason(before, after, zero=n.value == 0)
    if why:
        n.kind, n.aside = "aside", why  # "2 what-ifs", "a blog said 1.39": named, not priced
        return
    if _is_status_code(n, before, after):
        n.kind = "status"  # "a 529", "500 errors": an HTTP status sizes nothing
        return
    m = re.match(r"^\s*(?:chars?|characters)\b", after, re.I)
    if m:
        n.kind, n.unit_end = "chars", n.end + m.end()  # a size in characters, read as tokens
        return
    if _REPEATS_AFTER_RE.match(after):
        n.kind = "repeats"  # "says 'be concise' 4 different ways": how often, not a size
        return
    m = _COUNT_AFTER_RE.match(after)
    if m and _is_size_label(n, m.group(0), text[n.end + m.end() : n.end + m.end() + 40]):
        return  # "2.5k prompt / 400 out": a size with its label, left for _assign
    if m and _PER_THING_RE.match(text[n.end + m.end() : n.end + m.end() + 40]):
        n.kind = "per_thing"  # "~10 qs per contract": no volume alone; the guard asks
        return
    if m:
        n.kind, n.unit_end = "count", n.end + m.end()
        p = _PERIOD_RE.match(text[n.unit_end : n.unit_end + 40])
        if not p:
            # "50,000 requests come in every day", "requests we get per day"
            window = _clause_after(text, n.unit_end, 40)
            p = re.search(_PERIOD_RE.pattern.removeprefix("^"), window, re.I)
        if p:
            n.kind, n.per = "volume", _period_unit(p)
        return
    p = _PERIOD_RE.match(after[:40])
    if p:
        n.kind, n.per, n.unit_end = "volume", _period_unit(p), n.end + p.end()
    if n.kind == "volume" and _PEAK_BEFORE_RE.search(before[-25:]):
        n.kind = "peak"  # "avg ~5/s (peaks ~20/s)": the bill follows the average


# A count per thing other than a period or a person ("10 qs per contract", "5 calls per ticket"):
# without the number of things it is no volume, so the tutor asks rather than guess.
_PER_THING_RE = re.compile(
    r"^\s*(?:per|each|every|a)\s+(?!(?:nightly|daily|hourly|weekly|monthly|overnight)\b)"
    r"(?!(?:second|sec|minute|min|hour|hr|day|night|week|wk|month|mo|"
    r"year|yr|business|working|weekday|user|customer|person|employee|member|seat|agent|student|"
    r"learner|subscriber|account|session)s?\b)(?!request|call|message|query)[a-z]+",
    re.I,
)


# After a count of how often something is said or done, never a size: "4 different ways",
# "3 separate places", "twice" is a word. One alternative per phrasing.
_REPEATS_AFTER_RE = re.compile(
    r"^\s*(?:(?:different|separate|distinct|other)\s+)?(?:ways|places|phrasings|wordings|"
    r"variants|variations|versions|forms|spots)\b",
    re.I,
)


# "in/out tokens 3k/700", "3k/700 in/out", "input/output: 2k / 300": two slots and two sizes.
_NUM = r"~?\s*\d[\d,.]*\s?[km]?"
_WORD = r"[a-z_]+"
_PAIR_RES = (
    re.compile(
        rf"\b(?P<a>{_WORD})\s*/\s*(?P<b>{_WORD})(?:\s+(?:tokens?|toks?))?\s*(?:[:=]|of|are|is)?"
        rf"\s*(?P<x>{_NUM})\s*/\s*(?P<y>{_NUM})",
        re.I,
    ),
    re.compile(
        rf"(?P<x>{_NUM})\s*/\s*(?P<y>{_NUM})\s*(?:(?:tokens?|toks?)\s+)?(?P<a>{_WORD})\s*/"
        rf"\s*(?P<b>{_WORD})\b",
        re.I,
    ),
)


def _slot_word(word: str) -> str | None:
    word = word.strip().lower()
    if word == "in":
        return "input"
    m = _PART_RE.fullmatch(word)
    return m.lastgroup if m and m.lastgroup != "turn" else None


def _pairs(numbers: list[Number], text: str) -> None:
    """Label the two sizes of a slash pair with the two slots it names, in order."""
    for pattern in _PAIR_RES:
        for m in pattern.finditer(text):
            slots = _slot_word(m.group("a")), _slot_word(m.group("b"))
            if None in slots or slots[0] == slots[1]:
                continue
            for group, slot in zip(("x", "y"), slots, strict=True):
                start = m.start(group) + len(m.group(group)) - len(m.group(group).lstrip(" ~"))
                for n in numbers:
                    if n.start == start and n.kind in ("bare", "count", "tokens"):
                        n.kind, n.part = "tokens", slot


def _is_size_label(n: Number, noun: str, rest: str) -> bool:
    """A singular slot word after a number above one, with no period after it, labels a size:
    "2.5k prompt", "300 answer" (a count would be plural: "2,500 prompts a day")."""
    word = noun.strip().lower()
    return (
        n.value > 1
        and not word.endswith("s")
        and _PART_RE.fullmatch(word) is not None
        and _PERIOD_RE.match(rest) is None
    )


def _part_for(n: Number, text: str) -> str | None:
    if n.part:
        return n.part
    after = text[n.unit_end : n.unit_end + 60]
    if _IN_LABEL_RE.match(after):
        return "input"
    m = re.match(
        r"^[ \t-]*(?:(?:of|for|in|from|worth[ \t]+of|on)[ \t]+)?(?:(?:the|a|an|our|my|its|"
        r"their|each|every|long|short|shared|static|stable|big|large|small|fixed|typical|"
        r"average)[ \t]+)*",
        after,
        re.I,
    )
    rest = after[m.end() :] if m else after
    # "tools 1.8k tok + sys 2.2k": a label past a "+" belongs to the next number.
    rest = re.split(r"[,.;:!?\n+&]|\band\b|\bwith\b|\bplus\b|\d", rest, maxsplit=1)[0]
    part_match = _PART_RE.match(rest) or (
        _PART_RE.match(rest.split(" ", 1)[1]) if " " in rest.strip() else None
    )
    if part_match and part_match.lastgroup:
        return part_match.lastgroup
    before = _clause_before(text, n.start)
    return _first_part(before, last=True)


_NOT_COUNTS = ("system", "tools", "examples", "documents", "history", "output", "summary")


# "in" right after a number is the input ("900 in / 120 out", "2k in and 300 out"), unless it
# starts a phrase ("500 tokens in the system prompt").
_IN_LABEL_RE = re.compile(
    r"^[ \t]*in\b[ \t]*(?:[,.;:!?)/+&]|and\b|w/|with\b|each\b|per\b|tokens?\b|$"
    # "1.2k in 300 out": the output's size follows with no separator.
    r"|~?\s*\d[\d,.]*\s?[km]?\s*(?:out|output|back)\b)",
    re.I,
)
# Slots a bare number may take from the label after it even when the message never says
# "tokens": nobody counts "600 sys" or "20 out" in anything else.
_SIZE_ONLY = ("system", "output", "input", "summary")


def _part_right_after(n: Number, text: str) -> str | None:
    """ "1,200 system + 2,000 document", "600 sys / 400 in / 20 out": a slot named right after a
    bare number. Words that also count things ("20 tools", "5 examples") need a message that
    talks about tokens, or a number too big to count them."""
    after = text[n.end : n.end + 40]
    if _IN_LABEL_RE.match(after):
        return "input"
    rest = after.lstrip(" \t-~")
    of = re.match(r"of\s+(?:the\s+|our\s+)?", rest, re.I)
    if of and n.value >= 100:
        rest = rest[of.end() :]  # "4k of retrieved chunks"; "2 of the examples" counts them
    m = _PART_RE.match(rest)
    if not m or m.lastgroup == "turn":
        return None
    if m.lastgroup in _SIZE_ONLY or n.value >= 100 or re.search(r"\btok", text, re.I):
        return m.lastgroup
    return None


def _assign(numbers: list[Number], text: str, facts: Facts, expect: Sequence[str]) -> None:
    pending = [f for f in expect if f in ("requests", "turns") or f in PART_LABELS]
    filled: dict[str, Number] = {}  # slot -> the number that filled it
    peaks: list[Number] = []
    for n in numbers:
        if n.wordy and n.kind in ("bare", "count"):
            continue  # "one of the", "two things": not a quantity we need
        if n.kind == "bare" and re.match(r"^\s*(?:out|back)\b", text[n.end :], re.I):
            n.kind, n.part = "tokens", "output"
        elif n.kind == "bare":
            # "system prompt: 1200", "answers around 300" (a part named just before the number)
            before = _clause_before(text, n.start, 40)
            part = _first_part(before, last=True)
            if _part_right_after(n, text):
                # The label right after a number is its own; one before it may be the previous
                # number's ("600 sys / 400 in").
                n.kind, n.part = "tokens", _part_right_after(n, text)
            elif (
                part
                and before.strip()
                and re.search(
                    rf"(?:{_PART_RE.pattern})\W*(?:is|are|of|at|around|about|roughly|~|:|=|averages?|"
                    r"averaging|runs?|takes?|uses?|has|have)?\s*(?:about|around|roughly|~)?\s*$",
                    before,
                    re.I,
                )
            ):
                n.kind, n.part = "tokens", part
            elif _part_right_after(n, text):
                n.kind, n.part = "tokens", _part_right_after(n, text)
            elif re.search(
                r"\b(?:requests?|calls?|volume|traffic)(?:\s+(?:per|a|each)\s+\w+)?\s*"
                r"(?:is|are|of|:|=|~)?\s*(?:about|around|roughly|~)?\s*$",
                before,
                re.I,
            ):
                n.kind = "count"
                window = text[: n.start][-50:]
                periods = list(re.finditer(_PERIOD_RE.pattern.removeprefix("^"), window, re.I))
                p = periods[-1] if periods else None
                if p:
                    n.kind, n.per = "volume", _period_unit(p)
        # "200k docs" counts documents unless the message talks about tokens ("2k docs tokens").
        if (
            n.kind == "count"
            and re.search(r"\btok", text, re.I)
            and _part_right_after(n, text) in _NOT_COUNTS
        ):
            n.kind, n.part = "tokens", _part_right_after(n, text)
        if n.kind == "chars":
            # "7,200 chars of plain english": about four characters a token, stated as read.
            chars = n.whole
            n.value = Decimal(math.ceil(Decimal(chars) / CHARS_PER_TOKEN))
            n.kind = "tokens"
            facts.notes.append(
                f"{format_tokens(chars)} characters read as about {format_tokens(n.whole)} tokens "
                f"(about {CHARS_PER_TOKEN} characters a token for English; `count_tokens` gives "
                "the exact count)."
            )
        if n.kind == "tokens":
            part = _part_for(n, text) or "input"
            if part == "input" and pending and pending[0] in PART_LABELS:
                part = pending.pop(0)
            n.part = part
            earlier = filled.get(part)
            filled[part] = n
            facts.parts[part] = n.whole
            if earlier is not None:
                _refill(earlier, n, text, facts)
            if part in pending:
                pending.remove(part)
        elif n.kind == "peak":
            peaks.append(n)
        elif n.kind == "per_thing":
            facts.bare.append(n)
        elif n.kind == "token_total":
            facts.token_totals.append(n)
        elif n.kind == "volume":
            _volume_from(n, n.per, facts)
            if "requests" in pending:
                pending.remove("requests")
        elif n.kind == "count":
            if facts.requests is None or facts.volume_assumed_per:
                _volume_from(n, None, facts)
                if "requests" in pending:
                    pending.remove("requests")
        elif n.kind == "turns":
            if re.search(r"\b(?:last|latest|recent|window\s+of)\s+$", text[: n.start][-20:], re.I):
                facts.window = n.whole
            else:
                facts.turns = n.whole
        elif n.kind == "users":
            facts.users = n.whole
        elif n.kind == "pct":
            facts.percents.append((n.value, n.start))
        elif n.kind == "factor":
            facts.factors.append((n.value, n.start))
        elif n.kind == "duration":
            facts.durations.append((n.value, n.per or "", n.start))
        elif n.kind == "bare":
            facts.bare.append(n)
    _peaks(peaks, facts)
    _shared_total_period(numbers, text, facts)
    # Bare numbers answer the follow-up question, in the order it asked.
    for n in list(facts.bare):
        if not pending:
            break
        want = pending.pop(0)
        facts.bare.remove(n)
        if want == "requests":
            p = _PERIOD_RE.match(text[n.end : n.end + 40])
            _volume_from(n, _period_unit(p) if p else "day", facts)
        elif want == "turns":
            facts.turns = n.whole
        else:
            facts.parts[want] = n.whole
    if expect and "requests" in expect and facts.requests is not None and facts.per is None:
        facts.per = "day"


# "~2B input tok + 400M output tok a month": the first total takes the period of the second.
_TOTALS_JOIN_RE = re.compile(r"^\s*(?:\+|&|,|and|plus)\s*~?\s*$", re.I)


def _shared_total_period(numbers: list[Number], text: str, facts: Facts) -> None:
    for n, nxt in itertools.pairwise(numbers):
        if not (n.kind == "tokens" and n.value >= 100_000 and nxt.kind == "token_total"):
            continue
        if _TOTALS_JOIN_RE.match(text[n.unit_end : nxt.start]):
            n.kind, n.per = "token_total", nxt.per
            facts.token_totals.insert(facts.token_totals.index(nxt), n)
            part = n.part or "input"
            if facts.parts.get(part) == n.whole:
                del facts.parts[part]
            if n in facts.overwritten:
                facts.overwritten.remove(n)  # a total, not a second size of one slot


def _peaks(peaks: list[Number], facts: Facts) -> None:
    """A peak rate is priced only when no average is given, and then it is said to be one."""
    if not peaks:
        return
    shown = " and ".join(f"{n.raw.strip()} a {n.per}" for n in peaks)
    if facts.requests is None:
        _volume_from(peaks[0], peaks[0].per, facts)
        note = f"Only a peak rate was given ({shown}): priced as if every hour ran at the peak, "
        facts.volume_note = note + "an upper bound on the bill."
        return
    note = (
        f"The peak of {shown} sizes rate limits and a queue, not the bill: the cost uses the "
        "average rate."
    )
    facts.volume_note = f"{facts.volume_note} {note}" if facts.volume_note else note


# "5 RAG chunks of ~600 tokens", "3 examples at 400 tokens each": a count of things, then the
# size of each. "20 tools (~3k tokens of schemas)": a count, then the size of them all.
_EACH_RE = re.compile(
    rf"^\s*(?:[a-z-]+\s+){{0,2}}?(?:{_PART_RE.pattern})\s*(?:of|at|@|x|\*)\s*(?:about|around|"
    r"roughly|~)?\s*$",
    re.I,
)
_TOTAL_RE = re.compile(
    rf"^\s*(?:[a-z-]+\s+){{0,2}}?(?:{_PART_RE.pattern})\s*[(,:-]\s*(?:about|around|roughly|~)?\s*$",
    re.I,
)
_MAX_COUNTED = 100


def _refill(earlier: Number, n: Number, text: str, facts: Facts) -> None:
    """A slot filled twice in one message: a count of things and the size of each (or of all),
    or two readings of one slot, which the guard asks about."""
    between = text[earlier.end : n.start]
    part = n.part or "input"
    if (
        earlier.whole <= _MAX_COUNTED
        and _EACH_RE.match(between)
        and not re.search(
            r"\b(?:total|in\s+all|altogether|combined)\b", text[n.end : n.end + 30], re.I
        )
    ):
        facts.parts[part] = earlier.whole * n.whole
        earlier.kind, n.kind = "count", "tokens"
        facts.notes.append(
            f"{format_tokens(earlier.whole)} x {format_tokens(n.whole)} tokens read as "
            f"{format_tokens(facts.parts[part])} tokens of {PART_LABELS[part]} per request."
        )
    elif earlier.whole <= _MAX_COUNTED and _TOTAL_RE.match(between):
        earlier.kind = "count"
        facts.counted_only.append(earlier)
    else:
        facts.overwritten.append(earlier)


def _per_user(text: str, facts: Facts) -> None:
    """ "2,000 users, each sending 20 messages a day": the volume is per user."""
    if not facts.users or facts.requests is None:
        return
    volume = next((n for n in facts.numbers if n.kind in ("volume", "count")), None)
    if volume is None:
        return
    before = _clause_before(text, volume.start, 50)
    after = text[volume.end : volume.end + 60]
    if re.search(
        r"\b(?:each|every|per|a)\s+(?:user|customer|person|employee|member)\b|\beach\b",
        before + " " + after.split(".")[0],
        re.I,
    ):
        per_user = facts.requests
        facts.requests = per_user * facts.users
        facts.volume_note = (
            f"{format_tokens(per_user)} requests a {facts.per} for each of "
            f"{format_tokens(facts.users)} users read as {format_tokens(facts.requests)} "
            f"requests a {facts.per}."
        )
