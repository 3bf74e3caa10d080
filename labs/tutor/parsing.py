"""Reading a learner's message: numbers, periods, prompt parts, models, comparisons, what-ifs.

Pure Python. `extract_facts(text, table)` turns one message into `Facts`; `conversation_facts`
folds the earlier user turns of a conversation into them, the newest message winning. Every
interpretation the parser makes that the learner did not spell out (a converted period, a tier
name resolved to a model, a rounded volume) is recorded in `Facts.notes` so the reply can state it.

Numbers as people write them: "200,000", "200k", "1.2 million", "2M", "1,500-token", "1.5K tokens",
"fifty thousand", "half a million", "a few hundred". Periods: "per day", "a month", "/day", "daily",
"nightly", "per hour" (converted to a day), "per week", "a year".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from labs.calculator.formatting import format_tokens
from labs.calculator.pricing import Model, PriceTable

PART_ORDER = ("tools", "system", "examples", "documents", "history", "user")
PART_LABELS = {
    "tools": "tool definitions",
    "system": "system prompt",
    "examples": "few-shot examples",
    "documents": "documents",
    "history": "conversation history",
    "user": "user message",
    "input": "input",
    "output": "output",
    "summary": "summary",
}
TIER_NAMES = ("haiku", "sonnet", "opus", "fable", "mythos")

# -- text clean-up ------------------------------------------------------------------------------
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": " - ",
    "\u2011": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u00d7": "x",
}


def normalize(text: str) -> str:
    """Typographic quotes, dashes and spaces as plain ASCII; the length may change."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text


def _blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces (positions stay the same)."""
    return text[:start] + " " * (end - start) + text[end:]


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
    kind: str = "bare"  # tokens, count, volume, pct, factor, money, turns, users, duration, bare
    part: str | None = None  # for tokens: tools, system, ..., output, input, summary
    per: str | None = None  # for volume: the period unit as written (day, hour, week...)
    unit_end: int = 0  # where the unit words end
    wordy: bool = False  # written in words ("ten") without a scale word
    approximate: bool = False

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


# -- prompt parts ---------------------------------------------------------------------------------
_PART_WORDS: list[tuple[str, str]] = [
    ("examples", r"few[\s-]?shot(?:\s+examples?)?|examples?|demonstrations?|shots"),
    (
        "tools",
        r"tool(?:s|\s+definitions?|\s+schemas?|\s+specs?|\s+descriptions?)?|"
        r"function\s+(?:definitions?|schemas?)|functions",
    ),
    (
        "system",
        r"system(?:\s+prompts?|\s+messages?|\s+instructions?)?|instructions?|preamble|persona|"
        r"guidelines|rules",
    ),
    (
        "history",
        r"(?:conversation\s+|chat\s+|message\s+)?history|previous\s+(?:turns|messages)|"
        r"prior\s+(?:turns|messages)|earlier\s+turns|transcripts?|past\s+messages",
    ),
    ("summary", r"summary|summaries"),
    ("turn", r"(?:each|every|per|a)\s+turns?|turns?"),
    (
        "documents",
        r"documents?|docs?|context|retrieved(?:\s+(?:chunks|passages|documents|context))?|"
        r"chunks?|passages?|knowledge(?:\s+base)?|reference(?:\s+(?:material|text|docs))?|"
        r"rag|manuals?|polic(?:y|ies)|pdfs?|files?|contracts?|catalog(?:ue)?s?|articles?|"
        r"product\s+data|faq",
    ),
    (
        "user",
        r"user(?:'s)?(?:\s+(?:messages?|inputs?|questions?|queries|query|prompts?|turns?|"
        r"text))?|questions?|quer(?:y|ies)|messages?|feedback(?:\s+(?:entries|entry|items?))?|"
        r"entries|entry|tickets?|emails?|reviews?|comments?|posts?|snippets?|transcripts?",
    ),
    (
        "output",
        r"outputs?|responses?|answers?|repl(?:y|ies)|completions?|generations?|generated|"
        r"back|out|max_tokens|tags?|labels?|verdicts?",
    ),
    ("input", r"inputs?|prompts?|request\s+text"),
]
_PART_RE = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{words})\\b)" for name, words in _PART_WORDS), re.I
)
_QUALIFIER_WORDS = (
    r"output|input|prompt|system|completion|response|answer|context|document|documents|"
    r"retrieved|cached|uncached|user|history|tool|example|few-shot|more|extra|additional|new|"
    r"shared|static|instruction|generated|thinking|reasoning"
)
_TOKENS_AFTER_RE = re.compile(
    rf"^[ \t-]*(?P<qual>(?:(?:{_QUALIFIER_WORDS})[ \t-]+){{0,3}})(?:tokens?|toks?|tkns?)\b", re.I
)
_COUNT_NOUNS = (
    r"requests?|calls?|api\s+calls?|queries|query|messages?|conversations?|chats?|tickets?|"
    r"sessions?|jobs?|items?|entries|entry|reviews?|emails?|documents?|docs|runs?|prompts?|"
    r"questions?|lookups?|completions?|invocations?|inferences?|transactions?|orders?|"
    r"records?|articles?|posts?|comments?|images?|pages?|files?|rows?|tasks?|summaries|"
    r"classifications?|descriptions?|products?|reports?|interactions?|searches|times"
)
_COUNT_AFTER_RE = re.compile(
    rf"^[ \t-]*(?:(?!tokens?\b)[a-z]+[ \t-]+){{0,2}}?(?:{_COUNT_NOUNS})\b", re.I
)
_BOUNDARY_RE = re.compile(r"[.;!?](?=\s|$)|,|\n|\band\b|\bbut\b|\bwhile\b|\bplus\b|\bwith\b", re.I)
_SENTENCE_RE = re.compile(r"[.;!?](?=\s|$)|\n")


def part_of(phrase: str) -> str | None:
    """The prompt part a phrase names first: "system prompt" -> system, "retrieved chunks" ->
    documents, "few-shot examples" -> examples, "answer" -> output, "user message" -> user."""
    m = _PART_RE.search(normalize(phrase))
    return m.lastgroup if m else None


def _first_part(window: str, *, last: bool = False) -> str | None:
    matches = list(_PART_RE.finditer(window))
    if not matches:
        return None
    return (matches[-1] if last else matches[0]).lastgroup


# -- models ---------------------------------------------------------------------------------------
_VERSION = r"\d(?:[.\-_]\d)?(?!\d|,\d|\.\d)"
_MODEL_RES = (
    re.compile(
        rf"\bclaude[\s_-]*{_VERSION}[\s_-]*(?:haiku|sonnet|opus)\b(?:[\s_-]*\d{{8}}\b)?", re.I
    ),
    re.compile(
        rf"\b(?:claude[\s_-]*)?(?:haiku|sonnet|opus|fable|mythos)\b"
        rf"(?:[\s_-]*{_VERSION}(?:[\s_-]*\d{{8}})?\b)?",
        re.I,
    ),
)
_BASELINE_BEFORE = re.compile(
    r"(?:\bruns?\s+on|\brunning\s+on|\bbuilt\s+on|\bpowered\s+by|\bcurrently\s+(?:on|using|use)"
    r"|\bwe\s+use|\bi\s+use|\bwe're\s+using|\bi'm\s+using|\bfrom|\bthan|\bcompared\s+(?:to|with)"
    r"|\brelative\s+to|\bagainst|\binstead\s+of|\bversus\s+today's|\bon)\s+(?:the\s+)?$",
    re.I,
)
_STRONG_BASELINE = re.compile(
    r"(?:\bruns?\s+on|\brunning\s+on|\bbuilt\s+on|\bpowered\s+by|\bcurrently\s+(?:on|using|use)"
    r"|\bwe\s+use|\bi\s+use|\bwe're\s+using|\bi'm\s+using|\bfrom|\bthan|\bcompared\s+(?:to|with)"
    r"|\brelative\s+to|\bagainst|\binstead\s+of)\s+(?:the\s+)?$",
    re.I,
)
_TARGET_BEFORE = re.compile(
    r"(?:\bto|\bwith|\bversus|\bvs\.?|\bor|\bwould|\busing|\buse|\babout|\bon)\s+(?:the\s+)?$",
    re.I,
)


@dataclass(frozen=True)
class ModelMention:
    text: str
    start: int
    end: int
    model: Model | None  # None: no model in the table answers to the name
    tier: str | None = None  # set when a plain tier name ("Haiku") was resolved to the newest
    role: str | None = None  # baseline (the model in use), target, or None

    @property
    def note(self) -> str | None:
        if self.model is None:
            return None
        if self.tier:
            limited = " (limited availability)" if self.tier == "mythos" else ""
            return (
                f'"{self.text}" read as {self.model.display_name}, the newest current '
                f"{self.tier.capitalize()} in the price table{limited}."
            )
        return None


def find_models(text: str, table: PriceTable) -> list[ModelMention]:
    """Model names and aliases in `text`, resolved with the price table, in text order. A plain
    tier name ("Haiku", "Claude Sonnet") is the tier's newest current model."""
    text = normalize(text)
    masked = text
    found: list[ModelMention] = []
    for pattern in _MODEL_RES:
        for m in pattern.finditer(masked):
            name = m.group(0).strip(" _-")
            key = re.sub(r"[\s_-]+", " ", name.lower()).removeprefix("claude ").strip()
            model, tier = table.find(name), None
            if model is None and key in TIER_NAMES:
                tier = key
                try:
                    model = table.latest(key)
                except Exception:  # no current model of the tier
                    model = None
            before = text[max(0, m.start() - 40) : m.start()]
            role = None
            if _STRONG_BASELINE.search(before):
                role = "baseline"
            elif re.search(r"\b(?:to|switch(?:ing)?\s+to|move\s+to|moving\s+to)\s+$", before, re.I):
                role = "target"
            elif _BASELINE_BEFORE.search(before):
                role = "on"
            elif _TARGET_BEFORE.search(before):
                role = "target"
            after = text[m.end() : m.end() + 20]
            if re.match(r"^\s*(?:instead|would|could|might)\b", after, re.I):
                role = "target"
            found.append(ModelMention(name, m.start(), m.end(), model, tier, role))
            masked = _blank(masked, m.start(), m.end())
    found.sort(key=lambda mm: mm.start)
    return found


def order_models(mentions: Sequence[ModelMention]) -> list[ModelMention]:
    """Known models, baseline first: the model in use ("runs on X", "switch from X", "than X")
    or else the first named; the others follow in text order, each once."""
    known = [m for m in mentions if m.model is not None]
    if not known:
        return []
    baseline = next((m for m in known if m.role == "baseline"), None)
    baseline = baseline or next((m for m in known if m.role == "on"), None)
    if baseline is None:
        baseline = next((m for m in known if m.role != "target"), known[0])
    ordered = [baseline]
    for m in known:
        assert m.model is not None
        if all(o.model is not None and o.model.id != m.model.id for o in ordered):
            ordered.append(m)
    return ordered


_COMPARE_RE = re.compile(
    r"\b(?:vs\.?|versus|compare[ds]?|comparing|comparison|switch(?:ed|ing)?|mov(?:e|ed|ing)\s+"
    r"(?:from|to)|migrat(?:e|ed|ing)|instead|cheaper|save|saving|savings|than|rather\s+than|"
    r"swap(?:ping)?|replace|replacing|downgrad|upgrad|what\s+about|how\s+about|against)",
    re.I,
)


def wants_comparison(text: str) -> bool:
    """Whether the message asks to compare models ("X versus Y", "switch from X to Y")."""
    return bool(_COMPARE_RE.search(normalize(text)))


# -- TTL, traffic, batch ----------------------------------------------------------------------
_TTL_RES = (
    ("5m", re.compile(r"\b(?:5|five)[\s-]?(?:m|mins?|minutes?)\b", re.I)),
    (
        "1h",
        re.compile(r"\b(?:(?:1|one)[\s-]?(?:h|hrs?|hours?)|60[\s-]?(?:m|mins?|minutes?))\b", re.I),
    ),
)
_TTL_CONTEXT = re.compile(r"ttl|lifetime|cach|expir|time[\s-]to[\s-]live|write", re.I)


_COUNTED_AFTER = re.compile(
    r"^\s*(?:[a-z]+\s+){0,2}?(?:requests?|calls?|tokens?|queries|messages|users|conversations)"
    r"\b|^\s*(?:a|an|per|each|every)\s+(?:day|month|week|year)\b|^\s*/\s*(?:day|mo)|"
    r"^\s*(?:daily|monthly)\b",
    re.I,
)


def find_ttls(text: str) -> list[tuple[str, int, int]]:
    """Cache lifetimes named in the text ("5-minute TTL", "1h cache", "the 1-hour lifetime")."""
    out = []
    for ttl, pattern in _TTL_RES:
        for m in pattern.finditer(text):
            window = text[max(0, m.start() - 40) : m.end() + 40]
            sentence = _SENTENCE_RE.split(window)
            counted = _COUNTED_AFTER.match(text[m.end() : m.end() + 30])
            if not counted and (
                any(_TTL_CONTEXT.search(s) for s in sentence)
                or re.fullmatch(r"5m|1h", m.group(0), re.I)
            ):
                out.append((ttl, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


_RATE_RE = re.compile(
    r"\b(?:(?:a|one|1)\s+(?:new\s+)?(?:request|call|message|query|question|conversation)s?\s+"
    r"(?:comes\s+in\s+|arrives\s+|arriving\s+)?)?every\s+(?P<n>\d+(?:\.\d+)?|few|couple\s+of)?\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\b",
    re.I,
)


# -- what-ifs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Modifier:
    """A what-if change: scale a prompt part, the output or the traffic by `factor`."""

    target: str  # a part name, "output" or "requests"
    factor: Decimal
    text: str


_FACTOR_WORDS = [
    (r"\bdoubl(?:e|ed|es|ing)\b|\btwice\b", Decimal(2)),
    (r"\btripl(?:e|ed|es|ing)\b", Decimal(3)),
    (r"\bquadrupl(?:e|ed|es|ing)\b", Decimal(4)),
    (r"\bhalv(?:e|ed|es|ing)\b|\bhalf\b|\bin\s+half\b|\bby\s+half\b", Decimal("0.5")),
    (r"\ba\s+(?:tenth|10th)\b", Decimal("0.1")),
]
_TRAFFIC_WORDS = re.compile(
    r"\b(?:traffic|volume|requests?|load|usage|calls|throughput|users)\b", re.I
)
_MORE_RE = re.compile(
    r"^\s*(?:%|percent)?\s*(?:more|longer|larger|bigger|higher|up|increase)", re.I
)
_LESS_RE = re.compile(r"^\s*(?:%|percent)?\s*(?:less|fewer|shorter|smaller|lower|down)", re.I)


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
    notes: list[str] = field(default_factory=list)
    text: str = ""

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
    facts.numbers = numbers
    _assign(numbers, masked, facts, expect)
    _flags(masked, facts)
    plain = masked
    for n in numbers:
        if n.kind not in ("factor", "pct"):
            plain = _blank(plain, n.start, n.end)
    facts.modifiers = _modifiers(plain, numbers)
    _per_user(masked, facts)
    return facts


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
    m = _COUNT_AFTER_RE.match(after)
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
        return


def _clause_after(text: str, start: int, limit: int) -> str:
    window = text[start : start + limit]
    m = re.search(r"[.;!?,](?=\s|$)|\n|\d", window)
    return window[: m.start()] if m else window


def _clause_before(text: str, end: int, limit: int = 60) -> str:
    start = max(0, end - limit)
    window = text[start:end]
    cut = 0
    for m in _BOUNDARY_RE.finditer(window):
        cut = m.end()
    window = window[cut:]
    digits = list(re.finditer(r"\d", window))
    if digits:
        window = window[digits[-1].end() :]
    return window


def _part_for(n: Number, text: str) -> str | None:
    if n.part:
        return n.part
    after = text[n.unit_end : n.unit_end + 60]
    if re.match(r"^[ \t]*in\b[ \t]*(?:[,.;:!?)]|and\b|\+|$)", after, re.I):
        return "input"
    m = re.match(
        r"^[ \t-]*(?:(?:of|for|in|from|worth[ \t]+of|on)[ \t]+)?(?:(?:the|a|an|our|my|its|"
        r"their|each|every|long|short|shared|static|stable|big|large|small|fixed|typical|"
        r"average)[ \t]+)*",
        after,
        re.I,
    )
    rest = after[m.end() :] if m else after
    rest = re.split(r"[,.;:!?\n]|\band\b|\bwith\b|\bplus\b|\d", rest, maxsplit=1)[0]
    part_match = _PART_RE.match(rest) or (
        _PART_RE.match(rest.split(" ", 1)[1]) if " " in rest.strip() else None
    )
    if part_match and part_match.lastgroup:
        return part_match.lastgroup
    before = _clause_before(text, n.start)
    return _first_part(before, last=True)


_NOT_COUNTS = ("system", "tools", "examples", "documents", "history", "output", "summary")


def _part_right_after(n: Number, text: str) -> str | None:
    """ "1,200 system + 2,000 document": a part named right after a bare number, in a message
    that talks about tokens."""
    if not re.search(r"\btok", text, re.I):
        return None
    m = _PART_RE.match(text[n.end : n.end + 40].lstrip(" \t-"))
    if m and m.lastgroup != "turn":
        return m.lastgroup
    return None


def _assign(numbers: list[Number], text: str, facts: Facts, expect: Sequence[str]) -> None:
    pending = [f for f in expect if f in ("requests", "turns") or f in PART_LABELS]
    for n in numbers:
        if n.wordy and n.kind in ("bare", "count"):
            continue  # "one of the", "two things": not a quantity we need
        if n.kind == "bare" and re.match(r"^\s*(?:out|back)\b", text[n.end :], re.I):
            n.kind, n.part = "tokens", "output"
        elif n.kind == "bare":
            # "system prompt: 1200", "answers around 300" (a part named just before the number)
            before = _clause_before(text, n.start, 40)
            part = _first_part(before, last=True)
            if (
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
        if n.kind == "count" and _part_right_after(n, text) in _NOT_COUNTS:
            n.kind, n.part = "tokens", _part_right_after(n, text)
        if n.kind == "tokens":
            part = _part_for(n, text) or "input"
            if part == "input" and pending and pending[0] in PART_LABELS:
                part = pending.pop(0)
            n.part = part
            facts.parts[part] = n.whole
            if part in pending:
                pending.remove(part)
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


def _flags(text: str, facts: Facts) -> None:
    if re.search(r"\bbatch(?:es|ed|ing)?\b|\bbatch\s+api\b|\basync(?:hronous)?\b", text, re.I):
        facts.batch = not re.search(
            r"\b(?:no|not|without|don't|never)\s+(?:use\s+)?(?:the\s+)?batch", text, re.I
        )
    if re.search(r"\b(?:poisson|random(?:ly)?|bursty|sparse|sporadic|spread\s+out)\b", text, re.I):
        facts.traffic = "poisson"
    elif re.search(r"\b(?:steady|constant|evenly|continuous|back[\s-]to[\s-]back)\b", text, re.I):
        facts.traffic = "steady"


def _modifiers(text: str, numbers: list[Number]) -> list[Modifier]:
    """What-if changes: "double the system prompt", "halve the answer length", "10x the
    traffic", "answers 50% shorter", "multiply the traffic by ten"."""
    out: list[Modifier] = []
    clauses = [c for c in re.split(r"[.;!?](?=\s|$)|\n|,|\band\b|\bbut\b", text) if c.strip()]
    offset = 0
    for clause in clauses:
        start = text.find(clause, offset)
        offset = start + len(clause)
        factor: Decimal | None = None
        for pattern, value in _FACTOR_WORDS:
            if re.search(pattern, clause, re.I) and not re.search(
                r"\bhalf\s+an?\s+(?:hour|minute|day)", clause, re.I
            ):
                factor = value
                break
        for n in numbers:
            if not (start <= n.start < offset):
                continue
            if n.kind == "factor":
                factor = n.value
            elif n.kind == "pct":
                rest = text[n.end : n.end + 30]
                before = text[max(start, n.start - 30) : n.start]
                if _MORE_RE.match(rest) or re.search(
                    r"\b(?:increase|grow|raise)\w*\s+by\s+$", before, re.I
                ):
                    factor = 1 + n.value / 100
                elif _LESS_RE.match(rest) or re.search(
                    r"\b(?:cut|reduc|trim|shrink|lower|drop|decreas)\w*\s+(?:\w+\s+){0,4}by\s+$",
                    before,
                    re.I,
                ):
                    factor = 1 - n.value / 100
        if factor is None or factor == 1:
            continue
        target = None
        if _TRAFFIC_WORDS.search(clause):
            target = "requests"
        part = _first_part(clause)
        if (
            part in ("input", None)
            and re.search(r"\bprompt\b", clause, re.I)
            and not re.search(r"system", clause, re.I)
        ):
            part = "prompt"
        if part and part not in ("input",):
            target = "output" if part == "summary" else part
        if re.search(r"\b(?:length|long|longer|shorter)\b", clause, re.I) and part is None:
            target = "output"
        if target:
            out.append(Modifier(target, factor, clause.strip()))
    return out


# -- pasted prompts --------------------------------------------------------------------------------
_FENCE_RE = re.compile(r"```[\w-]*\n?(?P<body>.*?)```", re.S)
_QUOTE_RES = (
    re.compile(r'"(?P<body>[^"]{12,})"', re.S),
    re.compile(r"'''(?P<body>.{12,}?)'''", re.S),
    re.compile(r"(?:^|\s)'(?P<body>[^\n]{40,}?)'(?=[.,;:!?]?(?:\s|$))"),
)
_PROMPT_LABEL_RE = re.compile(r"\bprompt\s*(?:is|reads|says)?\s*:\s*", re.I)
_META_RE = re.compile(
    r"\b(?:requests?|calls?)\s+(?:a|per|each|every)\b|/day|\bper\s+day\b|\bruns?\s+(?:on|at)\b|"
    r"\bhow\s+much\b|\bwhat\s+(?:is|would|could|does)\b|\bsave\b|\bsavings?\b|\baudit\b|"
    r"\btrim(?:med)?\s+version\b|\bwasteful\b|\b\d[\d,.]*\s*(?:k|m)?\s+(?:times|requests?|calls?)\b|"
    r"\b(?:a|per|each|every)\s+(?:day|month|week|hour)\b",
    re.I,
)


def extract_prompt(text: str, *, whole_if_unmarked: bool = False) -> tuple[str | None, str]:
    """A prompt pasted in the message: a fenced block, quoted text, or everything after
    "prompt:" (trailing sentences about volume, models or savings are left out). Returns the
    prompt (None when there is none) and the message without it."""
    text = normalize(text)
    m = _FENCE_RE.search(text)
    if m and m.group("body").strip():
        return m.group("body").strip(), _blank(text, m.start(), m.end())
    label = _PROMPT_LABEL_RE.search(text)
    search_from = label.end() if label else 0
    for pattern in _QUOTE_RES:
        m = pattern.search(text, search_from) or pattern.search(text)
        if m and len(m.group("body").split()) >= 3:
            return m.group("body").strip(), _blank(text, m.start(), m.end())
    if label:
        body, rest = _split_meta(text[label.end() :])
        if body:
            return body, text[: label.start()] + " " + rest
    if whole_if_unmarked and text.strip():
        body, rest = _split_meta(text)
        if body:
            return body, rest
    return None, text


def _split_meta(text: str) -> tuple[str, str]:
    """Split pasted prompt text from trailing sentences about its use (volume, model, savings)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    if len(paragraphs) > 1 and _META_RE.search(paragraphs[-1]):
        return "\n\n".join(paragraphs[:-1]).strip(), paragraphs[-1]
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    rest: list[str] = []
    while len(sentences) > 1 and (
        _META_RE.search(sentences[-1])
        or sentences[-1].endswith("?")
        or _MODEL_RES[1].search(sentences[-1])
    ):
        rest.insert(0, sentences.pop())
    return " ".join(sentences).strip(), " ".join(rest)


# -- conversations ---------------------------------------------------------------------------------
def merge(base: Facts, new: Facts) -> Facts:
    """`base` updated with what `new` states; `new` wins wherever both say something."""
    merged = replace(
        base,
        parts={**base.parts, **new.parts},
        notes=list(dict.fromkeys([*base.notes, *new.notes])),
        models=list(base.models),
        modifiers=list(new.modifiers),
        bare=list(new.bare),
        percents=list(new.percents),
        factors=list(new.factors),
        durations=list(new.durations),
        numbers=list(new.numbers),
        ttls=new.ttls or base.ttls,
        text=new.text,
    )
    if new.requests is not None:
        merged.requests, merged.per = new.requests, new.per
        merged.volume_text, merged.volume_note = new.volume_text, new.volume_note
        merged.volume_assumed_per = new.volume_assumed_per
    if new.models:
        merged.models = list(new.models)
    for name in ("traffic", "turns", "window", "users", "prompt_text"):
        value = getattr(new, name)
        if value is not None:
            setattr(merged, name, value)
    merged.batch = new.batch or (base.batch and not _mentions_realtime(new.text))
    return merged


def _mentions_realtime(text: str) -> bool:
    return bool(re.search(r"\breal[\s-]?time\b|\bwithout\s+batch|\bno\s+batch", text, re.I))


# The follow-up questions the tutor asks, by field: the phrase identifies the question in the
# assistant's earlier turn, so a bare number in the learner's answer lands in the right field.
FOLLOW_UP_PHRASES = {
    "requests": "how many requests",
    "output": "how many tokens an answer",
    "system": "how many tokens the system prompt",
    "user": "how many tokens the user message",
    "turns": "how many turns",
    "prompt_text": "paste the prompt",
    "model": "which model",
    "latency": "how soon",
}


def expected_fields(assistant_text: str) -> list[str]:
    """The fields a follow-up question in `assistant_text` asked for, in the order asked."""
    low = assistant_text.lower()
    found = [(low.find(p), f) for f, p in FOLLOW_UP_PHRASES.items() if p in low]
    return [f for _, f in sorted(found)]


@dataclass
class Conversation:
    """The facts of the earlier turns, of the new message, and both merged."""

    base: Facts
    new: Facts
    merged: Facts
    expect: list[str]
    earlier_prompt: str | None = None
    user_turns: list[str] = field(default_factory=list)


def conversation_facts(
    message: str,
    history: Iterable[object],
    table: PriceTable,
    *,
    read_prompt: bool = False,
) -> Conversation:
    """Fold the learner's earlier turns (oldest first) and the new message into Facts.

    `history` holds objects with `role` and `text` (labs.tutor.types.Turn). A bare number in a
    learner turn answers the follow-up question of the assistant turn just before it."""
    base = Facts()
    expect: list[str] = []
    user_turns: list[str] = []
    last_prompt: str | None = None
    for turn in history:
        role, text = getattr(turn, "role", ""), getattr(turn, "text", "") or ""
        if role == "assistant":
            expect = expected_fields(text)
            continue
        user_turns.append(text)
        prompt, rest = (None, text)
        if read_prompt:
            prompt, rest = extract_prompt(text, whole_if_unmarked="prompt_text" in expect)
            last_prompt = prompt or last_prompt
        facts = extract_facts(rest, table, expect=expect, prompt_text=prompt)
        base = merge(base, facts)
        expect = []
    prompt, rest = (None, message)
    if read_prompt:
        prompt, rest = extract_prompt(message, whole_if_unmarked="prompt_text" in expect)
    new = extract_facts(rest, table, expect=expect, prompt_text=prompt)
    if new.requests is not None and new.prompt_parts() and new.output is not None:
        base = Facts()  # a complete new scenario starts afresh
    merged = merge(base, new)
    return Conversation(base, new, merged, expect, last_prompt, user_turns)
