"""Does a lab message ask for one of the learner's module-test items? By its numbers or its words.

While a learner has a test attempt in progress, no lab may work out anything that matches one of
that attempt's items: a paraphrase keeps the item's figures ("1k requests/day, 2k system
prompt, 1k user message, 800 out on Sonnet 5.5: daily cost?"), so the figures are the strongest
sign; the wording catches an item without figures. Pure Python, no Django: the caller hands in
the items as plain text (quizzes/open_items.py builds them from the attempt).

Matching errs on the side of answering an ordinary question: a message must share most of an
item's figures, or several of them and some of its wording, or most of its wording. One shared
round number ("1,000 requests") is not enough, since learners' own scenarios use them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import unescape
from typing import Protocol


class Item(Protocol):
    """What the matcher reads of a test item: its stem and options as rendered text."""

    stem: str
    options: Sequence[str]


@dataclass(frozen=True)
class Found:
    item: Item
    shared_numbers: int
    shared_words: int


# "Sonnet 5.5", "claude-haiku-4-5-20251001", "Opus 5": a model's version is its name, not a
# figure of the scenario (every item and half the learners' questions name one).
_MODEL_RE = re.compile(
    r"\b(?:claude-)?(haiku|sonnet|opus|fable|mythos)(?:[\s-]*\d+(?:[.-]\d+)*(?:-\d{8})?)?\b", re.I
)
_TAG_RE = re.compile(r"<[^>]+>")
# 1,000 · 2,000-token · 1.5k · 2M · $12.60 · 80% · 10k/day
_NUMBER_RE = re.compile(
    r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|m|million|thousand|%|percent)?(?![\w])",
    re.I,
)
_SCALE = {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}
_WORD_RE = re.compile(r"[a-z][a-z_]{2,}")
_STOP_WORDS = """
    the and for with that this what which how does each are its has have per you your from
    into than then when there their them they was were will would can could should about across
    one two three all any some not but only also both more most much many same such other
    just very own out our get gets got use used uses using after before over under is it
    a an of to in on at by or as be do if so no"""
_STOP = frozenset(_STOP_WORDS.split())
# Words nearly every cost question uses: sharing them says nothing about which item it is.
_COMMON_WORDS = """
    token request day month year cost price prompt system user message output input answer
    model haiku sonnet opus fable mythos claude call workload api"""
_COMMON = frozenset(_COMMON_WORDS.split())

# A message shares most of an item's figures (three or more of them) ...
ALL_FIGURES = 0.75
# ... or two or more figures that are half of the item's, and a quarter of its wording ...
SOME_FIGURES, SOME_WORDS = 0.5, 0.25
# ... and in both cases they are most of the message's own figures: a learner's scenario that
# happens to use two of an item's round numbers among its own is their scenario, not the item.
OWN_FIGURES = 0.6
# ... or exactly the item's figures (two or more), whatever the words ...
# ... or nearly half of its wording, eight content words at least, with at most one figure of
# its own (a question about an item without figures; a scenario of one's own is answered).
MOST_WORDS, MIN_WORDS = 0.45, 8
# A dollar figure of an option (a computed key, "$12.60") beside one of the stem's figures.
_MONEY_RE = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def plain_text(html_or_text: str) -> str:
    return unescape(_TAG_RE.sub(" ", html_or_text))


def numbers_in(text: str) -> set[Decimal]:
    """The figures of `text`, scaled (2k is 2000) and without model versions. A percentage is
    also its fraction, so "80%" and "0.8" are the same share."""
    text = _MODEL_RE.sub(r"\1", plain_text(text))
    found: set[Decimal] = set()
    for match in _NUMBER_RE.finditer(text):
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        suffix = (match.group(2) or "").lower()
        if suffix in _SCALE:
            value *= _SCALE[suffix]
        found.add(value.normalize())
        if suffix in ("%", "percent"):
            found.add((value / 100).normalize())
    return found


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words_in(text: str) -> set[str]:
    """The content words of `text`, lower-cased and roughly stemmed (cached, caching: cach)."""
    text = _MODEL_RE.sub(r"\1", plain_text(text)).lower()
    stems = {_stem(w) for w in _WORD_RE.findall(text) if w not in _STOP}
    return stems - _COMMON


def matching_item(text: str, items: Iterable[Item]) -> Found | None:
    """The item `text` asks about, the closest when several match, or None."""
    numbers, words = numbers_in(text), words_in(text)
    best: Found | None = None
    for item in items:
        item_numbers = numbers_in(item.stem)
        item_words = words_in(item.stem)
        shared_n = len(numbers & item_numbers)
        shared_w = len(words & item_words)
        figures = shared_n / len(item_numbers) if item_numbers else 0.0
        own = shared_n / len(numbers) if numbers else 0.0
        wording = shared_w / len(item_words) if item_words else 0.0
        option_money = {
            numbers_in(m.group(0)).pop() for o in item.options for m in _MONEY_RE.finditer(
                plain_text(o))
        } - item_numbers  # fmt: skip
        hit = (
            (len(item_numbers) >= 3 and figures >= ALL_FIGURES and own >= OWN_FIGURES)
            or (
                shared_n >= 2
                and figures >= SOME_FIGURES
                and own >= OWN_FIGURES
                and shared_w >= 2
                and wording >= SOME_WORDS
            )
            or (shared_n >= 2 and numbers == item_numbers)
            or (
                shared_w >= MIN_WORDS and wording >= MOST_WORDS and len(numbers - item_numbers) <= 1
            )
            or (
                shared_n >= 1
                and bool(numbers & option_money)
                and (shared_n >= 2 or (shared_w >= 2 and wording >= SOME_WORDS))
            )
        )
        if hit and (
            best is None or (shared_n, shared_w) > (best.shared_numbers, best.shared_words)
        ):
            best = Found(item, shared_n, shared_w)
    return best


# -- what the labs say --------------------------------------------------------------------------
# An item's state for this learner (quizzes/open_items.py): in the attempt in progress; missed in
# a submitted attempt with its right answer still withheld by the review policy; or missed with
# the right answer shown.
OPEN, WITHHELD, MISSED = "open", "withheld", "missed"
DECLINED = (OPEN, WITHHELD)


def found_in_conversation(
    text: str, earlier_user_texts: Sequence[str], items: Sequence[Item]
) -> Found | None:
    """The item the new message asks about, read alone or with the learner's two turns before
    (a paraphrase split over messages). Joined, the new message must still share a figure or
    two words with the item itself, so a "thanks" after an earlier question is not caught."""
    if not items:
        return None
    found = matching_item(text, items)
    if found is not None or not earlier_user_texts:
        return found
    joined = matching_item("\n".join([*earlier_user_texts[-2:], text]), items)
    if joined is None:
        return None
    item = joined.item
    if numbers_in(text) & numbers_in(item.stem) or len(words_in(text) & words_in(item.stem)) >= 2:
        return joined
    return None


def _lesson(item: object) -> str:
    title, url = getattr(item, "lesson_title", ""), getattr(item, "lesson_url", "")
    return f"[{title}]({url})" if title and url else "the lesson it comes from"


def decline_text(item: object) -> str:
    """Why a lab will not work this out now, and when it will."""
    number = getattr(item, "number", None)
    which = f"question {number}" if number else "one of the questions"
    if getattr(item, "state", OPEN) == WITHHELD:
        return (
            f"This reads like {which} of the module test you submitted, one you missed. The "
            "course shows the right answer to a missed test question once you have passed the "
            "test, so I will work this one through with you then; "
            f"[your result]({getattr(item, 'result_url', '')}) has your answer and its feedback. "
            f"Until then {_lesson(item)} explains the idea, and I am glad to compute a scenario "
            "of your own with other figures."
        )
    return (
        f"You have the module test open, and this reads like {which} of your attempt, so I "
        "will not work it out while the attempt is in progress: the test checks what you can "
        "do on your own. Submit the test and ask me again, and I will go through it with you "
        f"then. Meanwhile {_lesson(item)} explains the idea, and I am glad to compute a "
        "scenario of your own with other figures."
    )


def missed_note(item: object) -> str:
    """Added to a reply that works out an item the learner missed, once its answer is shown."""
    number = getattr(item, "number", None)
    which = f"question {number}" if number else "a question"
    return (
        f"_This matches {which} of your module test, which you missed: "
        f"[your result]({getattr(item, 'result_url', '')}) shows its right answer and why._"
    )
