"""Model mentions: names and aliases resolved with the price table, and the role each plays
(the model in use, or one to compare with)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from labs.calculator.pricing import Model, PriceTable

from .text import (
    _blank,
    normalize,
)

TIER_NAMES = ("haiku", "sonnet", "opus", "fable", "mythos")


# -- models ---------------------------------------------------------------------------------------
_VERSION = r"\d(?:[.\-_]\d)?(?!\d|,\d|\.\d)"
# How people misspell the tiers: (tier, pattern). A misspelt name is read as the tier and the
# reply says so ("sonet 5.5" read as Claude Sonnet 5.5).
TIER_SPELLINGS: list[tuple[str, str]] = [
    ("sonnet", r"son+et+e?|sonnnet|sonet|sonent|sonnte"),
    ("haiku", r"haiku|haiko|haikou|hiaku|haiuk|haku"),
    ("opus", r"opus|opsu|oppus|opuss"),
    ("fable", r"fable"),
    ("mythos", r"mythos"),
]
_TIER_WORDS = "|".join(p for _, p in TIER_SPELLINGS)
# "claude-2.1", "claude-2", "claude-instant-1.2": older than every model in the price table.
_PRE_TABLE_RE = re.compile(
    rf"\bclaude[\s_-]*(?:instant[\s_-]*)?[12](?:[.\-]\d)?\b(?![\s_.-]*(?:\d|{_TIER_WORDS}))", re.I
)
_MODEL_RES = (
    re.compile(rf"\bclaude[\s_-]*{_VERSION}[\s_-]*(?:{_TIER_WORDS})\b(?:[\s_-]*\d{{8}}\b)?", re.I),
    # "3.5 sonnet", "3.7 sonnet": a dotted version before the tier word (read as "sonnet 3.5").
    re.compile(rf"(?<![\d.,])\d[.]\d[\s_-]*(?:{_TIER_WORDS})\b", re.I),
    re.compile(
        rf"\b(?:claude[\s_-]*)?(?:{_TIER_WORDS})\b"
        rf"(?:[\s_-]*{_VERSION}(?:[\s_-]*\d{{8}})?\b)?",
        re.I,
    ),
)


def _spelled(name: str) -> str:
    """`name` with a misspelt tier word replaced by the tier ("sonet 5.5" -> "sonnet 5.5")."""
    for tier, pattern in TIER_SPELLINGS:
        fixed = re.sub(rf"\b(?:{pattern})\b", tier, name, flags=re.I)
        if fixed != name:
            return fixed
    return name


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
    pre_table: bool = False  # "claude-2.1": older than the table; `model` is its replacement

    @property
    def note(self) -> str | None:
        if self.model is None:
            return None
        if self.pre_table:
            return (
                f'"{self.text}" is older than every model in the course price table and is '
                f"retired (the API no longer serves it), so I priced today's Sonnet, "
                f"{self.model.display_name}, in its place; name another model to compare."
            )
        if self.tier:
            limited = " (limited availability)" if self.tier == "mythos" else ""
            return (
                f'"{self.text}" read as {self.model.display_name}, the newest current '
                f"{self.tier.capitalize()} in the price table{limited}."
            )
        if _spelled(self.text) != self.text:
            return f'"{self.text}" read as {self.model.display_name}.'
        return None


def find_models(text: str, table: PriceTable) -> list[ModelMention]:
    """Model names and aliases in `text`, resolved with the price table, in text order. A plain
    tier name ("Haiku", "Claude Sonnet") is the tier's newest current model."""
    text = normalize(text)
    masked = text
    found: list[ModelMention] = []
    for m in _PRE_TABLE_RE.finditer(masked):
        sonnet = _newest(table, "sonnet")
        found.append(ModelMention(m.group(0), m.start(), m.end(), sonnet, pre_table=True))
        masked = _blank(masked, m.start(), m.end())
    for pattern in _MODEL_RES:
        for m in pattern.finditer(masked):
            name = m.group(0).strip(" _-")
            version_first = re.match(r"(\d[.]\d)[\s_-]*(\w+)$", name)
            if version_first:
                name = f"{version_first.group(2)} {version_first.group(1)}"
            spelled = _spelled(name)
            key = re.sub(r"[\s_-]+", " ", spelled.lower()).removeprefix("claude ").strip()
            model, tier = table.find(spelled), None
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


def _newest(table: PriceTable, tier: str) -> Model | None:
    try:
        return table.latest(tier)
    except Exception:  # no current model of the tier
        return None


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
