"""Qualifiers: words that change the scenario rather than size it (a cache lifetime, the
traffic shape, batch, and what-if changes such as "double the system prompt")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .labels import (
    _first_part,
)
from .quantities import (
    Number,
)
from .text import (
    _SENTENCE_RE,
)

# -- TTL, traffic, batch ----------------------------------------------------------------------
_TTL_RES = (
    ("5m", re.compile(r"\b(?:5|five)[\s-]?(?:m|mins?|minutes?)\b", re.I)),
    (
        "1h",
        re.compile(r"\b(?:(?:1|one)[\s-]?(?:h|hrs?|hours?)|60[\s-]?(?:m|mins?|minutes?))\b", re.I),
    ),
)
_TTL_CONTEXT = re.compile(r"ttl|lifetime|cach|expir|time[\s-]to[\s-]live|write", re.I)

if TYPE_CHECKING:
    from .facts import Facts


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


# Requests on a fixed schedule ("a cron job fires every 10 minutes"): the gap between two requests
# is always the same, so a gap longer than the cache lifetime means every request writes. A rate
# alone ("a request every 10 minutes") stays an average. Each row is a phrase with the gap in
# groups `n` and `unit`; a new phrasing is a new row.
_GAP = r"(?P<gap>every\s+(?P<n>\d{1,4})\s*(?P<unit>minutes?|mins?|m|hours?|hrs?|h)\b)"
FIXED_INTERVALS: list[str] = [
    r"\b(?:cron(?:\s+job)?|cronjob|scheduled?\s+(?:job|task|run)|scheduler|poller|polling|"
    r"heartbeat|timer)\b[^.?!\n]{0,40}?\b" + _GAP,
    r"\b(?:exactly|precisely|strictly)\s+" + _GAP,
    r"\b" + _GAP + r"\s+(?:on\s+the\s+dot|sharp|like\s+clockwork|on\s+a\s+(?:fixed\s+)?schedule)",
]
_INTERVAL_RES = [re.compile(p, re.I) for p in FIXED_INTERVALS]

# A burst: several requests about one thing within a few minutes ("10 questions within ~5
# min"). Inside the cache lifetime the first writes and the others read. Each row is a phrase with
# the window in groups `n` and `unit`.
_BURST_NOUN = r"(?:qs|questions|requests|calls|queries|messages|lookups|follow[\s-]?ups|prompts)"
BURSTS: list[str] = [
    rf"\b{_BURST_NOUN}\b[^.?!\n,]{{0,20}}?\b(?P<span>(?:all\s+)?(?:within|in|inside|over)\s+"
    r"(?:~\s*|about\s+|around\s+|roughly\s+|under\s+|less\s+than\s+)?(?P<n>\d{1,3})\s*"
    r"(?P<unit>minutes?|mins?|m)\b)",
    # "10 questions in a row within a few minutes": one burst, no window given (5 minutes read).
    rf"\b{_BURST_NOUN}\b[^.?!\n,]{{0,20}}?\b(?P<span>(?:in\s+a\s+row|back[\s-]to[\s-]back|"
    r"in\s+(?:one|a)\s+burst)(?:\s+(?:within|in|over)\s+(?:a\s+few|a\s+couple\s+of|few)\s+"
    r"(?:minutes?|mins?))?)",
    # Not "10 qs per contract within a few min": bursts per contract are many bursts a day.
    rf"\b{_BURST_NOUN}\b(?![^.?!\n,]{{0,20}}?\bper\s+(?!min|minute|hour|day|burst)[a-z]+)"
    rf"[^.?!\n,]{{0,20}}?\b(?P<span>(?:within|in|over)\s+(?:a\s+few|a\s+couple\s+of|few)\s+"
    r"(?:minutes?|mins?))",
]
_BURST_RES = [re.compile(p, re.I) for p in BURSTS]


def _minutes(m: re.Match[str]) -> int:
    return int(m.group("n")) * (60 if m.group("unit").lower().startswith("h") else 1)


def find_interval(text: str) -> tuple[int, int, int] | None:
    """(minutes between requests on a fixed schedule, start, end of the gap), or None."""
    for pattern in _INTERVAL_RES:
        m = pattern.search(text)
        if m and int(m.group("n")) > 0:
            return _minutes(m), m.start("gap"), m.end("gap")
    return None


# Spend caps and budgets: "is the $1k/mo cap going to bite?", "our spend limit is $500/month",
# "budget of $2k a month". Each row is a pattern with the amount in groups `num` and `scale` and
# an optional period in `per`; a new phrasing is a new row.
_MONEY = r"\$\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>k|m)?\b"
_CAP_PER = (
    r"(?:\s*(?:/\s*|per\s+|a\s+|an\s+|each\s+)(?P<per>mo(?:nth)?|day|d|yr|year|week|wk)s?\b"
    r"|\s+(?P<adverb>monthly|daily|yearly|weekly))?"
)
_CAP_WORDS = (
    r"(?:(?:spend(?:ing)?\s+)?(?:cap|limit|ceiling|budget)s?|max(?:imum)?\s+spend|spend\s+limit)"
)
CAPS: list[str] = [
    rf"{_MONEY}{_CAP_PER}\s+(?:(?:hard|soft|monthly|daily|spend(?:ing)?|budget)\s+)*{_CAP_WORDS}\b",
    rf"\b{_CAP_WORDS}\s+(?:is|of|at|=|:|set\s+(?:to|at))?\s*(?:about\s+|~\s*)?{_MONEY}{_CAP_PER}",
]
_CAP_RES = [re.compile(p, re.I) for p in CAPS]
_CAP_UNITS = {"mo": "month", "month": "month", "monthly": "month", "day": "day", "d": "day",
              "daily": "day"}  # fmt: skip


@dataclass(frozen=True)
class Cap:
    """A spend cap the message names: an amount per day or month (a month when unsaid)."""

    amount: Decimal
    per: str


def find_caps(text: str) -> list[Cap]:
    """The spend caps and budgets in `text`, in order; a cap per year or week is not read."""
    found: list[Cap] = []
    for pattern in _CAP_RES:
        for m in pattern.finditer(text):
            word = (m.group("per") or m.group("adverb") or "month").lower()
            per = _CAP_UNITS.get(word)
            if per is None:
                continue
            amount = Decimal(m.group("num").replace(",", ""))
            amount *= {"k": 1_000, "m": 1_000_000}.get((m.group("scale") or "").lower(), 1)
            if all(c.amount != amount for c in found):
                found.append(Cap(amount, per))
    return found


# "a one-off backfill of 1.2M tickets", "re-tag our 300k archived docs once": a counted job run
# once, not a daily volume.
ONE_OFF_JOB_RE = re.compile(
    r"\bone[\s-]?off\b|\bone[\s-]time\b|\bback[\s-]?fill|\bjust\s+once\b|\bonly\s+once\b|"
    r"\bmigrat(?:e|ion|ing)\b|\bhistorical\b|\barchived?\b|\bre-?process(?:ing)?\s+(?:all|the\s+"
    r"whole|our|every)\b",
    re.I,
)

# "a few minutes", "in a row": a burst short enough to fit one 5-minute cache lifetime.
_BURST_DEFAULT_MINUTES = 5


def find_burst(text: str) -> tuple[int, int, int] | None:
    """(minutes a burst of requests fits in, start, end of that phrase), or None."""
    for pattern in _BURST_RES:
        m = pattern.search(text)
        if m and "n" not in pattern.groupindex:
            return _BURST_DEFAULT_MINUTES, m.start("span"), m.end("span")
        if m and int(m.group("n")) > 0:
            return _minutes(m), m.start("span"), m.end("span")
    return None


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


# The qualifier table: (phrase, what it changes in the scenario). A phrase that means nobody
# waits for the answer makes the work a batch job; one that says somebody does keeps it real
# time. A new phrasing is a new row.
_LATER = r"(?:tomorrow|the\s+next\s+(?:morning|day)|next\s+(?:morning|day)|(?:the\s+)?morning)"
QUALIFIERS: list[tuple[str, dict[str, object]]] = [
    (r"\bbatch(?:es|ed|ing)?\b|\bbatch\s+api\b|\basync(?:hronous)?\b", {"batch": True}),
    (
        rf"\b(?:nobody|no\s+one|no-one)(?:'s|\s+is)?\s+(?:reads?|looks?\s+at|needs?|checks?|uses?|"
        rf"sees?)\b[^.?!]{{0,40}}\b(?:before|until|till|til)\s+{_LATER}",
        {"batch": True},
    ),
    (rf"\b(?:needed|read|used|wanted|due|ready)\s+(?:by|in|the)\s+{_LATER}", {"batch": True}),
    (rf"\bresults?\s+(?:are|is|get)\s+(?:read|used|checked)\s+{_LATER}", {"batch": True}),
    (
        r"\b(?:nobody|no\s+one)(?:'s|\s+is)?\s+waiting\b|\bnobody\s+waits\b|\bno\s+rush\b",
        {"batch": True},
    ),
    (
        r"\b(?:no|not|without|don't|never)\s+(?:use\s+)?(?:the\s+)?batch|\buser\s+is\s+waiting"
        r"|\bsomeone\s+is\s+waiting|\bwithin\s+~?\d+\s*(?:s|sec|seconds?|min|minutes?)\b",
        {"batch": False},
    ),
    (r"\b(?:poisson|random(?:ly)?|bursty|sparse|sporadic|spread\s+out)\b", {"traffic": "poisson"}),
    (r"\b(?:steady|constant|evenly|continuous|back[\s-]to[\s-]back)\b", {"traffic": "steady"}),
]
_QUALIFIER_RES = [(re.compile(phrase, re.I), change) for phrase, change in QUALIFIERS]


# The traffic window: the hours of the day requests arrive in. A rate per hour (or minute)
# counts only those hours: "600 req/hour, office hours only" is 4,800 a day, not 14,400. Each row
# is (phrase, hours a day); a phrase with a named group reads the hours from the text.
_CLOCK = r"(?P<{g}>\d{{1,2}})(?::(?P<{g}m>\d{{2}}))?\s*(?P<{g}p>am|pm)?"
TRAFFIC_WINDOWS: list[tuple[str, int | None]] = [
    (r"\b24\s*/\s*7\b|\b24\s*(?:h|hrs?|hours?)\s+a\s+day\b|\b(?:a)?round\s+the\s+clock\b", 24),
    (r"\b(?P<hours>\d{1,2})\s*(?:h|hrs?|hours?)\s+(?:a|per|each)\s+(?:day|weekday)\b", None),
    (
        r"\b(?:from\s+)?"
        + _CLOCK.format(g="a")
        + r"\s*(?:to|-|until|till)\s*"
        + _CLOCK.format(g="b")
        + r"(?=\s|$|[,.;)])",
        None,
    ),
    (r"\b(?:office|business|working|work)\s+hours\b|\bnine[\s-]to[\s-]five\b", 8),
]
_WINDOW_RES = [(re.compile(p, re.I), hours) for p, hours in TRAFFIC_WINDOWS]
# "(7 days a week)": the calendar the calculator already uses, so it is read and changes nothing.
_EVERY_DAY_RE = re.compile(r"\b7\s+days\s+(?:a|per)\s+week\b", re.I)


def find_window(text: str) -> tuple[int | None, list[tuple[int, int]]]:
    """(hours a day traffic arrives in, the spans that said so); (None, []) when not named."""
    hours: int | None = None
    spans: list[tuple[int, int]] = []
    for pattern, fixed in _WINDOW_RES:
        for m in pattern.finditer(text):
            found = fixed if fixed is not None else _hours(m)
            if found is None or not 0 < found <= 24:
                continue
            spans.append((m.start(), m.end()))
            if hours is None or fixed is None:
                hours = found  # a number of hours beats "office hours" alone
    spans += [(m.start(), m.end()) for m in _EVERY_DAY_RE.finditer(text)]
    return hours, spans


def _hours(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("hours"):
        return int(groups["hours"])
    a, b = int(groups["a"]), int(groups["b"])
    if groups.get("ap") == "pm" and a < 12:
        a += 12
    if groups.get("bp") == "pm" and b < 12:
        b += 12
    clocked = groups.get("am") or groups.get("bm") or groups.get("ap") or groups.get("bp")
    if not clocked and not (b < a <= 12):
        return None  # "2 to 3 calls": not a time of day
    if b <= a:
        b += 12  # "9 to 5"
    minutes = (b * 60 + int(groups.get("bm") or 0)) - (a * 60 + int(groups.get("am") or 0))
    return round(minutes / 60) if 0 < minutes <= 24 * 60 else None


# Prompt parts that change on every request, so no cache entry can cover them: only the stable
# prefix before them is cached. Each row is (phrase, part); a new phrasing is a new row.
_EVERY_CALL = (
    r"(?:on\s+)?(?:every|each|per)\s+(?:single\s+)?(?:call|request|query|question|time|turn)"
)
_CHANGES = r"(?:differ|change|vary|varies|are\s+different|is\s+different|are\s+new|is\s+new)\w*"
VARYING_PARTS: list[tuple[str, str]] = [
    (
        r"\b(?:retrieved\s+|rag\s+)?(?:chunks?|documents?|docs|passages?|context|results)\b"
        rf"[^.?!\n]{{0,30}}\b{_CHANGES}\b[^.?!\n]{{0,20}}\b{_EVERY_CALL}\b",
        "documents",
    ),
    (
        r"\bdifferent\s+(?:retrieved\s+)?(?:chunks|documents|docs|passages|context)\s+"
        rf"{_EVERY_CALL}\b",
        "documents",
    ),
    (
        r"\b(?:few[\s-]?shot\s+)?examples?\b[^.?!\n]{0,30}\b"
        rf"{_CHANGES}\b[^.?!\n]{{0,20}}\b{_EVERY_CALL}\b",
        "examples",
    ),
]
_VARYING_RES = [(re.compile(p, re.I), part) for p, part in VARYING_PARTS]


# Parts the learner says are sent but not cached ("then 3k of few-shot examples (not cached)"):
# the same on every request, yet after the breakpoint, so the prefix as built stops before
# them. Each row is a phrase that follows the part it qualifies.
UNCACHED_MARKS: list[str] = [
    r"\(\s*(?:not|never|un)[\s-]?cached\s*\)",
    r"\(\s*(?:no|without)\s+cache[_\s]control\s*\)",
    r"#\s*(?:no|without)\s+cache[_\s]control\b",
    r"\b(?:is|are)\s+not\s+(?:yet\s+)?cached\b|\b(?:isn't|aren't)\s+(?:yet\s+)?cached\b",
    r"\bnever\s+cached\b",
]
_UNCACHED_RES = [re.compile(p, re.I) for p in UNCACHED_MARKS]
# A what-if that moves a part into the cached prefix ("move the few-shot examples into the
# cached part too", "cache the examples as well"). Each row names the part in the clause.
CACHE_MOVES: list[str] = [
    r"\b(?:move|put|add|include|bring|shift|pull)\b(?P<what>[^.?!\n]{1,60}?)\b(?:into|in|inside|"
    r"within|under|before)\s+(?:the\s+)?(?:cached?\s+(?:part|prefix|block|section)|cache|"
    r"breakpoint)",
    r"\bcache\s+(?P<what>(?:the\s+)?[a-z\s-]{1,40}?)\s+(?:too|as\s+well)\b",
    r"\b(?:breakpoint|cache_control)\s+after\s+(?P<what>(?:the\s+)?[a-z\s-]{1,40}?)\b"
    r"(?=\s*(?:\?|$|too|as\s+well|instead))",
]
_CACHE_MOVE_RES = [re.compile(p, re.I) for p in CACHE_MOVES]


def find_uncached(text: str) -> list[str]:
    """The prompt parts the text says are not cached, each named just before its mark."""
    out: list[str] = []
    for pattern in _UNCACHED_RES:
        for m in pattern.finditer(text):
            # The mark qualifies the part named just before it ("3k of examples (not cached)"),
            # not one named further back ("what does the prefix cost ... uncached").
            part = _first_part(text[max(0, m.start() - 30) : m.start()], last=True)
            if part in ("tools", "system", "examples", "documents") and part not in out:
                out.append(part)
    return out


def find_cache_moves(text: str) -> list[str]:
    """The prompt parts a what-if moves into the cached prefix."""
    out: list[str] = []
    for pattern in _CACHE_MOVE_RES:
        for m in pattern.finditer(text):
            part = _first_part(m.group("what"))
            if part in ("tools", "system", "examples", "documents") and part not in out:
                out.append(part)
    return out


def find_varying(text: str) -> list[str]:
    """The prompt parts the text says change on every request, in prompt order."""
    return [part for pattern, part in _VARYING_RES if pattern.search(text)]


def _flags(text: str, facts: Facts) -> None:
    """Apply each qualifier row that matches; a later row wins ("batch ... not batch")."""
    traffic_set = False
    for pattern, change in _QUALIFIER_RES:
        if not pattern.search(text):
            continue
        for name, value in change.items():
            if name == "traffic":
                if traffic_set:
                    continue  # the first traffic shape named wins, as before
                traffic_set = True
            setattr(facts, name, value)


def _modifiers(text: str, numbers: list[Number]) -> list[Modifier]:
    """What-if changes: "double the system prompt", "halve the answer length", "10x the
    traffic", "answers 50% shorter", "multiply the traffic by ten"."""
    out: list[Modifier] = []
    # "doubling the system prompt or 10x the traffic": "or" separates two what-ifs as well.
    clauses = [
        c for c in re.split(r"[.;!?:](?=\s|$)|\n|,|\band\b|\bbut\b|\bor\b", text) if c.strip()
    ]
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


def _mentions_realtime(text: str) -> bool:
    return bool(re.search(r"\breal[\s-]?time\b|\bwithout\s+batch|\bno\s+batch", text, re.I))


# The prompt is already served from the cache ("the prompt is already cached and basically always
# hits"): a token cut from its cached prefix saves the cache-read price, not the input price.
# Each row is one phrasing.
ALREADY_CACHED: list[str] = [
    r"\b(?:is|are|'s)\s+(?:already\s+|fully\s+|all\s+)?(?:being\s+)?cached\b(?!\s+(?:or|yet))",
    r"\b(?:basically\s+|nearly\s+|almost\s+)?always\s+(?:hits|a\s+hit|reads\s+from\s+the\s+cache)",
    r"\b(?:cache\s+)?hit\s+rate\s+(?:is\s+|of\s+)?(?:~|about\s+)?(?:9\d|100)\s*%",
    r"\bwe\s+(?:already\s+)?cache\s+(?:it|the\s+(?:system\s+)?prompt)\b",
]
_ALREADY_CACHED_RES = [re.compile(p, re.I) for p in ALREADY_CACHED]
_NOT_CACHED_RE = re.compile(r"\b(?:not|never|isn't|aren't|no)\s+(?:yet\s+)?cach", re.I)


def says_cached(text: str) -> bool:
    """The text says the prompt is already read from the cache on (nearly) every request."""
    return any(p.search(text) for p in _ALREADY_CACHED_RES) and not _NOT_CACHED_RE.search(text)


# A value that changes on every request, described (not pasted) as going at the top of a prompt
# part: "the user's first name and today's date at the very top of the system prompt". Each row of
# CHANGING_VALUES is (phrase, what it is); TOP_OF names the place, its group the part.
CHANGING_VALUES: list[tuple[str, str]] = [
    (r"\b(?:user'?s?|customer'?s?|caller'?s?)\s+(?:first\s+|full\s+|display\s+)?names?\b|"
     r"\bfirst\s+names?\b", "the user's name"),
    (r"\btoday'?s\s+date\b|\b(?:the\s+)?current\s+date\b|\bdate\s+(?:and|&)\s+time\b",
     "today's date"),
    (r"\btimestamps?\b|\b(?:the\s+)?current\s+time\b|\btime\s+of\s+day\b", "a timestamp"),
    (r"\b(?:request|session|trace|user)\s*[_-]?ids?\b", "a request id"),
]  # fmt: skip
TOP_OF: list[str] = [
    r"\b(?:at|to|in|on)\s+(?:the\s+)?(?:very\s+)?(?:top|start|beginning|head|first\s+line)\s+of\s+"
    r"(?:the\s+|our\s+|my\s+)?(?P<part>[a-z' -]{2,30})",
    r"\b(?:start|begin|open|prefix|prepend)\w*\s+(?:the\s+|our\s+|my\s+)?(?P<part>[a-z' -]{2,30}?)"
    r"\s+with\b",
]
_CHANGING_VALUE_RES = [(re.compile(p, re.I), what) for p, what in CHANGING_VALUES]
_TOP_OF_RES = [re.compile(p, re.I) for p in TOP_OF]


def find_changing_top(text: str) -> tuple[list[str], str] | None:
    """What changing values a sentence puts at the top of which prompt part, or None."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        where = next((m for p in _TOP_OF_RES if (m := p.search(sentence))), None)
        if where is None:
            continue
        part = _first_part(where.group("part")) or "system"
        found = [what for pattern, what in _CHANGING_VALUE_RES if pattern.search(sentence)]
        if found and part in ("tools", "system", "examples", "documents"):
            return found, part
    return None
