"""Text clean-up and clause boundaries shared by the readers."""

from __future__ import annotations

import re

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


# Rate abbreviations engineers type, one row each, spelled out before any reader runs:
# "100k rpd" reads as "100k requests a day".
RATE_ABBREVIATIONS = (
    (r"\brpd\b", "requests a day"),
    (r"\brph\b", "requests an hour"),
    (r"\b(?:rps|qps|tps)\b", "requests a second"),
    (r"\brpm\b", "requests a minute"),
)
_RATE_ABBREVIATIONS = [(re.compile(p, re.I), words) for p, words in RATE_ABBREVIATIONS]


def normalize(text: str) -> str:
    """Typographic quotes, dashes and spaces as plain ASCII, rate abbreviations spelled out;
    the length may change."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    for pattern, words in _RATE_ABBREVIATIONS:
        text = pattern.sub(words, text)
    return text


def _blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces (positions stay the same)."""
    return text[:start] + " " * (end - start) + text[end:]


_BOUNDARY_RE = re.compile(r"[.;!?](?=\s|$)|,|\n|\band\b|\bbut\b|\bwhile\b|\bplus\b|\bwith\b", re.I)
_SENTENCE_RE = re.compile(r"[.;!?](?=\s|$)|\n")


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
