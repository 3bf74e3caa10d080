"""Folding the earlier turns of a conversation and the new message into one set of facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from labs.calculator.pricing import PriceTable

from .facts import (
    Facts,
    extract_facts,
)
from .prompts import (
    extract_prompt,
)
from .qualifiers import (
    _mentions_realtime,
)


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
        usages=list(new.usages or base.usages),
        varying=list(dict.fromkeys([*base.varying, *new.varying])),
        uncached=[
            p for p in dict.fromkeys([*base.uncached, *new.uncached]) if p not in new.cache_moves
        ],
        cache_moves=list(new.cache_moves),
        overwritten=list(new.overwritten),
        counted_only=list(new.counted_only),
        text=new.text,
        # A size given again without its old one is no longer a change.
        was={**{k: v for k, v in base.was.items() if k not in new.parts}, **new.was},
    )
    if new.requests is not None:
        merged.requests, merged.per = new.requests, new.per
        merged.volume_text, merged.volume_note = new.volume_text, new.volume_note
        merged.volume_assumed_per = new.volume_assumed_per
    if new.models:
        merged.models = list(new.models)
    for name in (
        "traffic",
        "turns",
        "window",
        "users",
        "prompt_text",
        "active_hours",
        "interval_minutes",
        "burst_minutes",
    ):
        value = getattr(new, name)
        if value is not None:
            setattr(merged, name, value)
    merged.batch = new.batch or (base.batch and not _mentions_realtime(new.text))
    return merged


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
