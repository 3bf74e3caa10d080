"""Sizes that change inside one message, and counts of counts.

- A slot's size before and after: "1,800 -> 1,100 input tokens", "from 600 to 150 output
  tokens", "avg ~600 output tok. if we ask for max 3 bullets we think ~150" (the old size goes
  to `Facts.was`, the new one to `Facts.parts`).
- A size that stays or grows to a stated figure: "output stays ~300", "the system prompt grows
  to 6k".
- An addition with its total: "add 4.5k tok of policy text to the system prompt (6k total)" is
  a 6,000-token system prompt; the 4,500 is the increase, not a part of its own.
- A count per unit: "~8 calls per PR and ~4k PRs/day" is 32,000 calls a day.

Each table row is one phrasing; a new phrasing is a new row."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from labs.calculator.formatting import format_tokens

from .labels import _PART_RE, PART_LABELS
from .quantities import Number

if TYPE_CHECKING:
    from .facts import Facts

# Between an old and a new size of one slot.
_ARROW_RE = re.compile(
    r"^\s*(?:->|=>|\u2192|-+>|\bto\b|\bdown\s+to\b|\bup\s+to\b)\s*(?:about|around|roughly|~)?\s*$",
    re.I,
)
# Before a bare number that is a slot's new size, said after its old one.
NEW_SIZE_WORDS = [
    r"we\s+(?:think|expect|estimate|guess|reckon)",
    r"(?:we'd|we\s+would|it'?d|it\s+would|that'?d|that\s+would)\s+(?:get|be|land\s+at)",
    r"(?:drops?|falls?|goes|go|comes?|gets?|cut|trim(?:med)?|shrinks?|shrunk|down)\s+(?:down\s+)?to",
    r"becomes?|maybe|probably",
]
_NEW_SIZE_RE = re.compile(
    r"(?:" + "|".join(NEW_SIZE_WORDS) + r")\s*(?:about|around|roughly|only|~)?\s*~?\s*$", re.I
)
# After a part's name, before a bare number: the part's size now.
_STAYS_RE = re.compile(
    r"(?:stays?|remains?|unchanged|kept|keeps?|grows?|goes\s+up|rises|increases|jumps|ends\s+up)"
    r"(?:\s+(?:at|to|around|about|on))?\s*(?:about|around|roughly|~)?\s*~?\s*$",
    re.I,
)
# A length bound counted in units of the answer ("max 3 bullets", "at most 5 sentences").
_BOUND_RE = re.compile(
    r"^\s*(?:bullets?|bullet\s+points?|sentences?|lines?|words?|items?|points?|paragraphs?)\b",
    re.I,
)
# "(6k total)", "6k in total", ", 6k total"
_TOTAL_AFTER_RE = re.compile(
    r"^\s*(?:tokens?|toks?|tok)?\s*(?:in\s+)?(?:total|overall|all\s+in)\b", re.I
)
_ADD_BEFORE_RE = re.compile(r"\b(?:add|adds|added|adding|another|extra|plus)\b[^.?!]{0,12}$", re.I)
# "8 calls per PR", "3 requests each ticket", "5 calls for every order"
_PER_UNIT_RE = re.compile(
    r"^\s*(?:[a-z-]+\s+){0,2}?(?:calls?|requests?|reqs?|api\s+calls?|messages?|queries|prompts?|"
    r"completions?|invocations?)\s+(?:per|each|a|an|for\s+(?:each|every))\s+(?P<unit>[a-z]+)\b",
    re.I,
)


# After a smaller size said second, that it is enough: "~90 tok total; one ~20 tok line would
# do", "a 300-token version is enough". One row per phrasing.
ENOUGH_WORDS = [
    r"would\s+(?:do|suffice|be\s+enough|work|cover\s+it)",
    r"(?:is|are|'s)\s+(?:enough|plenty|sufficient)",
    r"does\s+the\s+(?:job|same)|(?:can|could)\s+replace\s+(?:it|them|that)",
]
# "one 40 token line is enough": a line, paragraph or version of the same text, not a new slot
# (a label such as "line" would otherwise read it as the per-request item).
_PIECE_AFTER_RE = re.compile(
    r"^[\s-]*(?:tokens?|toks?)?[\s-]*(?:line|paragraph|version|sentence|block|instruction)s?\b",
    re.I,
)
_ENOUGH_AFTER_RE = re.compile(r"^[^.;!?\d]{0,25}?\b(?:" + "|".join(ENOUGH_WORDS) + r")\b", re.I)


# After a bare number, that it is a share of the size said before it: "~1.8k tok and ~600 of
# that is boilerplate", "2k tokens, 500 of which are examples".
_SHARE_AFTER_RE = re.compile(
    r"^\s*(?:tokens?\s+|toks?\s+)?(?:of\s+(?:that|it|those|them|these|which)|of\s+the\s+total)\b",
    re.I,
)


# Before a slot's new size with words between ("get it down to just the label (~3 tok)",
# "cut that to a one-line answer of ~20 tokens").
_DOWN_TO_RE = re.compile(
    r"\b(?:down|cut|cuts|drop|drops|trim|trims|shrink|shrinks|reduce|reduces|bring|get|got)\s+"
    r"(?:it\s+|that\s+|them\s+|this\s+)?(?:down\s+)?to\b[^.;!?\d]{0,40}$",
    re.I,
)


def read_changes(numbers: list[Number], text: str, facts: Facts) -> None:
    """Apply the rows above to the numbers `extract_facts` classified."""
    _shares(numbers, text, facts)
    _down_to(numbers, text, facts)
    _enough(numbers, text, facts)
    _old_and_new(numbers, text, facts)
    _additions(numbers, text, facts)
    _per_unit(numbers, text, facts)


def _shares(numbers: list[Number], text: str, facts: Facts) -> None:
    """A share of the size before it: a token count of that slot that is not the slot's size
    (kind "share"), so the size stays and the share is what a cut would remove."""
    for a, b in itertools.pairwise(numbers):
        if (
            a.kind == "tokens"
            and a.part
            and b.kind in ("bare", "tokens")
            and b.whole < a.whole
            and _SHARE_AFTER_RE.match(text[b.end :])
        ):
            if b.kind == "tokens" and facts.parts.get(b.part or "") == b.whole:
                facts.parts[a.part] = a.whole
            b.kind, b.part = "share", a.part
            _unbare(b, facts)


def _down_to(numbers: list[Number], text: str, facts: Facts) -> None:
    """A size, then a smaller one of the same slot after "down to": the old and new size (the
    reading had put the first out of its slot as overwritten)."""
    for a, b in itertools.pairwise([n for n in numbers if n.kind == "tokens" and n.part]):
        if b.whole >= a.whole or a.part in facts.was:
            continue
        if a.part != b.part and not _defaulted_input(b, text, facts):
            continue
        if _DOWN_TO_RE.search(text[a.end : b.start]):
            if a.part != b.part:
                del facts.parts[b.part]  # type: ignore[arg-type]
                b.part = a.part
            facts.was[b.part] = a.whole  # type: ignore[index]
            facts.parts[b.part] = b.whole  # type: ignore[index]
            a.kind = "was"
            _unbare(a, facts)


def _enough(numbers: list[Number], text: str, facts: Facts) -> None:
    """A size, then a smaller one of the same slot said to be enough: the old and new size."""
    for a, b in itertools.pairwise([n for n in numbers if n.kind == "tokens" and n.part]):
        if b.whole >= a.whole or a.part in facts.was:
            continue
        piece = _PIECE_AFTER_RE.match(text[b.end :])
        if a.part != b.part and not _defaulted_input(b, text, facts) and not piece:
            continue
        if _ENOUGH_AFTER_RE.match(text[piece.end() + b.end if piece else (b.unit_end or b.end) :]):
            if a.part != b.part:
                del facts.parts[b.part]  # type: ignore[arg-type]
                b.part = a.part
            facts.was[b.part] = a.whole  # type: ignore[index]
            facts.parts[b.part] = b.whole  # type: ignore[index]
            a.kind = "was"
            _unbare(a, facts)


def _unbare(n: Number, facts: Facts) -> None:
    if n in facts.bare:
        facts.bare.remove(n)
    if n in facts.overwritten:
        facts.overwritten.remove(n)


def _old_and_new(numbers: list[Number], text: str, facts: Facts) -> None:
    for a, b in itertools.pairwise(numbers):
        if (
            b.kind == "tokens"
            and b.part
            and a.kind in ("bare", "tokens")
            and _ARROW_RE.match(text[a.end : b.start])
            and a.kind == "tokens"
            and a.part
            and a.part != b.part
            and _defaulted_input(b, text, facts)
        ):
            # "system prompt 2,000 -> 1,500 tokens": the new size is the old one's slot.
            del facts.parts[b.part]
            b.part = a.part
        if (
            b.kind == "tokens"
            and b.part
            and a.kind in ("bare", "tokens")
            and (a.kind == "bare" or a.part == b.part)
            and _ARROW_RE.match(text[a.end : b.start])
        ):
            named = _named_before(a, b, text)
            if named is not None and named != b.part:
                # "output went 450 -> 120 tok": the slot is named before the old size; the new
                # size took the default input reading because a number stood between them.
                if facts.parts.get(b.part) == b.whole:
                    del facts.parts[b.part]
                b.part = named
            facts.was[b.part] = a.whole
            facts.parts[b.part] = b.whole
            a.kind, a.part = "was", b.part
            _unbare(a, facts)
    for n in numbers:
        if n.kind != "bare":
            continue
        if _BOUND_RE.match(text[n.end :]) and re.search(
            r"\b(?:max|maximum|at\s+most|up\s+to|no\s+more\s+than|under)\s*$", text[: n.start], re.I
        ):
            n.kind = "bound"  # a length bound the learner asks for, not a size
            _unbare(n, facts)
            continue
        before = text[max(0, n.start - 40) : n.start]
        earlier = [m for m in numbers if m.kind == "tokens" and m.part and m.end <= n.start]
        if _NEW_SIZE_RE.search(before) and len({m.part for m in earlier}) == 1:
            old = earlier[-1]
            if old.part in facts.was:
                continue
            facts.was[old.part] = old.whole  # type: ignore[index]
            facts.parts[old.part] = n.whole  # type: ignore[index]
            n.kind, n.part = "tokens", old.part
            _unbare(n, facts)
            continue
        stays = _STAYS_RE.search(before)
        if stays:
            named = list(_PART_RE.finditer(before[: stays.start()]))
            if named and named[-1].lastgroup in PART_LABELS:
                n.kind, n.part = "tokens", named[-1].lastgroup
                facts.parts[n.part] = n.whole  # type: ignore[index]
                _unbare(n, facts)


def _defaulted_input(n: Number, text: str, facts: Facts) -> bool:
    """`n` took the input slot only because nothing named its slot ("-> 1,500 tokens")."""
    return (
        n.part == "input"
        and facts.parts.get("input") == n.whole
        and not _PART_RE.search(text[n.end : n.unit_end or n.end])
        and not re.match(r"^\s*(?:of\s+)?(?:input|prompt)", text[n.unit_end or n.end :], re.I)
    )


def _named_before(a: Number, b: Number, text: str) -> str | None:
    """The slot named just before the old size of an arrow pair whose new size carries no slot
    word of its own ("avg output went 450 -> 120 tok"), or None."""
    if b.part != "input" or _PART_RE.search(text[b.end : b.unit_end or b.end]):
        return None
    before = text[max(0, a.start - 40) : a.start]
    before = re.split(r"[.;!?,\n]|\band\b|\d", before)[-1]
    named = [m.lastgroup for m in _PART_RE.finditer(before) if m.lastgroup in PART_LABELS]
    return named[-1] if named else None


def _additions(numbers: list[Number], text: str, facts: Facts) -> None:
    """ "add 4.5k tok of policy text to the system prompt (6k total)": the total is the part."""
    for a, b in itertools.pairwise(numbers):
        if a.kind != "tokens" or b.kind not in ("tokens", "bare"):
            continue
        if not _ADD_BEFORE_RE.search(text[max(0, a.start - 20) : a.start]):
            continue
        if not _TOTAL_AFTER_RE.match(text[b.end : b.end + 20]):
            continue
        between = text[a.end : b.start]
        target = re.search(
            r"\b(?:to|into|in)\s+(?:the\s+|our\s+|my\s+)?(?P<rest>[^()]{0,40})", between, re.I
        )
        named = _PART_RE.search(target.group("rest")) if target else None
        part = named.lastgroup if named else None
        if part is None or part not in PART_LABELS:
            continue
        if a.part and a.part != part and facts.parts.get(a.part) == a.whole:
            del facts.parts[a.part]
        a.kind, a.part = "increment", part
        b.kind, b.part = "tokens", part
        facts.parts[part] = b.whole
        facts.was.pop(part, None)
        _unbare(a, facts)
        _unbare(b, facts)
        facts.notes.append(
            f"{format_tokens(a.whole)} tokens added to the {PART_LABELS[part]}, "
            f"{format_tokens(b.whole)} in total: the total is the new {PART_LABELS[part]}."
        )


def _per_unit(numbers: list[Number], text: str, facts: Facts) -> None:
    """ "~8 calls per PR and ~4k PRs/day": calls per unit times units a period."""
    volume = next((n for n in numbers if n.kind == "volume"), None)
    if volume is None or facts.requests is None:
        return
    for n in numbers:
        if n is volume or n.kind not in ("count", "bare", "per_thing"):
            continue
        m = _PER_UNIT_RE.match(text[n.end : n.end + 60])
        if not m:
            continue
        unit = m.group("unit").lower().rstrip("s")
        counted = text[volume.end : volume.end + 30]
        if not re.match(rf"^\s*(?:[a-z-]+\s+)?{re.escape(unit)}s?\b", counted, re.I):
            continue
        per_unit = n.whole
        units = facts.requests
        facts.requests = per_unit * units
        n.kind = "count"
        _unbare(n, facts)
        facts.volume_note = (
            f"{format_tokens(per_unit)} calls per {m.group('unit')} and {format_tokens(units)} "
            f"{m.group('unit')}s a {facts.per} read as {format_tokens(facts.requests)} calls a "
            f"{facts.per}."
        )
        return
