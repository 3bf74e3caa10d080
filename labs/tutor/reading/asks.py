"""What the learner asks for, apart from the scenario: the periods a figure is wanted in (one
request, an hour, a night, a day, a week, a month, a year), a usage tier named in place of a
spend cap, and a question about which API pattern to use.

Every reply path reads these the same way (see `checklist`), so a period asked in an
architecture question is honoured exactly like one asked of the cost estimator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .quantities import asked_periods, normalize

# The order the periods are shown in: the smallest unit first, as a bill is read.
PERIOD_ORDER = ("request", "hour", "night", "day", "week", "month", "year")

# Nouns that name one unit of work: "one of those msgs", "a single call", "per ticket".
_UNIT_NOUNS = (
    r"calls?|requests?|reqs?|msgs?|messages?|quer(?:y|ies)|runs?|conversations?|chats?|"
    r"tickets?|docs?|documents?|emails?|summar(?:y|ies)|prompts?|completions?|items?|lines?"
)
_ONE_RES = (
    # "what does one of those msgs cost", "how much is a single call", "what's each request"
    re.compile(
        r"\b(?:what(?:'s|\s+is|\s+does|\s+do|\s+would)?|how\s+much(?:\s+(?:is|does|would))?|"
        r"cost\s+(?:of|for)|price\s+(?:of|for))\s+(?:it\s+cost\s+for\s+)?"
        rf"(?:one|a\s+single|single|each|1|a|an)\s+(?:of\s+(?:those|these|them)\b|(?:{_UNIT_NOUNS})\b)",
        re.I,
    ),
    # "cost per msg", "cost a call", "price per request"
    re.compile(rf"\b(?:cost|price|spend)s?\s+(?:per|a|an|each|/)\s*(?:{_UNIT_NOUNS})\b", re.I),
    # "$/call", "usd/req"
    re.compile(rf"(?:\$|usd|dollars?)\s*(?:/|per|a)\s*(?:{_UNIT_NOUNS})\b", re.I),
    # "one request costs?", "one of those cost"
    re.compile(
        rf"\b(?:one|a\s+single|each)\s+(?:of\s+(?:those|these|them)|{_UNIT_NOUNS})\s+cost", re.I
    ),
    # "unit cost", "per-call cost"
    re.compile(rf"\bunit\s+cost\b|\bper[\s-](?:{_UNIT_NOUNS})\s+(?:cost|price|figure)", re.I),
)
# "per call?" at the end of a question, unless a number comes right before it ("300 out per
# call?" gives a size, not a question about money).
_PER_ONE_ASKED_RE = re.compile(rf"\b(?:per|/|a|each)\s*(?:{_UNIT_NOUNS})\s*\?", re.I)
_NUMBER_BEFORE_RE = re.compile(r"\d[\d,.]*\s*(?:k|m)?\s*(?:[a-z]+\s*){0,2}$", re.I)

_YEAR_RE = re.compile(r"\bannual\b|\bper\s+annum\b|\bp\.?\s?a\.?(?=\s*\?|\s*$)|\byearly\b", re.I)
_NIGHT_RE = re.compile(
    r"(?:\bper|\ba|\beach|/)\s*night\b|\bnightly\b|\bper\s+(?:nightly\s+)?run\b", re.I
)


def asks_per_request(text: str) -> bool:
    """The message asks what one request costs ("what does one of those msgs cost", "cost per
    msg", "how much is a single call", "$/call"), not only what a volume costs."""
    text = normalize(text)
    if any(r.search(text) for r in _ONE_RES):
        return True
    for m in _PER_ONE_ASKED_RE.finditer(text):
        if not _NUMBER_BEFORE_RE.search(text[max(0, m.start() - 30) : m.start()]):
            return True
    return False


# "a nightly job", "our daily report", "monthly volume": an adverb before a noun describes the
# work, it does not ask for a figure ("monthly cost?", "daily and monthly?" still ask).
_DESCRIBING_RE = re.compile(
    r"\b(?:daily|nightly|hourly|weekly|monthly|yearly|annual|overnight)\s+(?!(?:and|or|plus|"
    r"too|cost|costs|bill|bills|spend|total|totals|figures?|prices?|savings?|budget|amounts?|"
    r"breakdown|please|each|as\s+well)\b)(?=[a-z])",
    re.I,
)


_ONE_WORD_RE = re.compile(r"\b(?:one|1|a\s+single|single)\b", re.I)


def one_request_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` says "one" in asking what one request costs ("what's one call cost",
    "how much is a single call"): that "one" counts nothing, so the reader must not take it
    for a volume of one request beside the learner's real volume."""
    spans = []
    for pattern in (_ONE_RES[0], _ONE_RES[3]):
        for m in pattern.finditer(text):
            word = _ONE_WORD_RE.search(m.group(0))
            if word is not None:
                spans.append((m.start() + word.start(), m.start() + word.end()))
    return spans


def periods_asked(text: str) -> list[str]:
    """The periods `text` asks a figure in, in PERIOD_ORDER; "night" is a day's figure for a
    job that runs once a night, named as the learner named it."""
    text = _DESCRIBING_RE.sub(lambda m: " " * len(m.group(0)), normalize(text))
    found = set(asked_periods(text))
    if _YEAR_RE.search(text):
        found.add("year")
    if "day" in found and _NIGHT_RE.search(text):
        found.discard("day")
        found.add("night")
    if asks_per_request(text):
        found.add("request")
    # The seconds and minutes of a rate ("3 req/s") are never asked as money.
    return [p for p in PERIOD_ORDER if p in found]


_PER_USER_RE = re.compile(
    r"(?:\bper|\ba|\beach|/)\s*(?:user|seat|customer|account|head|member|employee)\b|"
    r"\b(?:what|how\s+much)\s+(?:does|do|is|would)\s+(?:one|a|each|a\s+single)\s+"
    r"(?:user|seat|customer|account)\s+cost",
    re.I,
)


def asks_per_user(text: str) -> bool:
    """The message asks what one user costs ("cost per user per month?", "$/seat"), as opposed
    to giving a rate per user ("10 msgs per user a day")."""
    text = normalize(text)
    for m in _PER_USER_RE.finditer(text):
        if not _NUMBER_BEFORE_RE.search(text[max(0, m.start() - 30) : m.start()]):
            return True
    return False


# Monthly spend caps of the usage tiers, from lesson 4 (Production controls, "Spending
# limits"); the Custom tier has none. The lesson asks learners to check the Console for theirs.
TIER_CAPS: dict[str, Decimal] = {
    "start": Decimal(500),
    "build": Decimal(1_000),
    "scale": Decimal(200_000),
}
_TIER_RE = re.compile(
    r"\b(?P<name>start|build|scale|custom)\s+(?:usage\s+)?tier\b|"
    r"\busage\s+tier\s+(?P<after>start|build|scale|custom)\b",
    re.I,
)


@dataclass(frozen=True)
class Tier:
    name: str  # Start, Build, Scale or Custom
    cap: Decimal | None  # USD a month; None on Custom


def find_tier(text: str) -> Tier | None:
    """The usage tier the message says the organization is on ("we're on the Build tier")."""
    m = _TIER_RE.search(text)
    if m is None:
        return None
    name = (m.group("name") or m.group("after")).lower()
    return Tier(name.capitalize(), TIER_CAPS.get(name))


_PATTERN_RE = re.compile(
    r"\b(?:which|what)\s+(?:api\s+)?(?:pattern|api|endpoint|mode|way\s+to\s+call)s?\b|"
    r"\bapi\s+pattern|\bstream(?:ing)?\s+or\s+batch|\bbatch\s+or\s+stream|"
    r"\b(?:real[\s-]?time|sync)\s+or\s+batch\b|\bhow\s+(?:do|should)\s+(?:we|i)\s+call\s+(?:it|them|the\s+api)",
    re.I,
)


def asks_pattern(text: str) -> bool:
    """The message asks which API pattern to use ("which api pattern for each?", "streaming or
    batch?")."""
    return bool(_PATTERN_RE.search(normalize(text)))
