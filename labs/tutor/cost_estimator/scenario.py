"""A workload in calculator terms, read from the conversation, and the what-if changes to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..common import (
    Context,
)
from ..reading import PART_LABELS, PART_ORDER, Facts, Modifier
from ..writing import (
    a_or_an,
    tokens,
)

_CACHE_RE = re.compile(r"\bcach(?:e|ed|ing)\b", re.I)


@dataclass
class Scenario:
    """A workload in calculator terms."""

    parts: dict[str, int]
    output: int
    requests: int | None
    per: str | None
    batch: bool = False
    cache_prefix: int = 0
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def tool_input(self, **extra: Any) -> dict[str, Any]:
        data: dict[str, Any] = dict(extra)
        data |= {"requests": self.requests, "per": self.per}
        for part in PART_ORDER:
            if self.parts.get(part):
                data[f"{part}_tokens"] = self.parts[part]
        data["output_tokens"] = self.output
        if self.cache_prefix:
            data |= {"cache_prefix_tokens": self.cache_prefix, "ttl": "5m", "traffic": "poisson"}
        if self.batch:
            data["batch"] = True
        return data

    @property
    def prompt_tokens(self) -> int:
        return sum(self.parts.get(p, 0) for p in PART_ORDER)


def scenario_parts(facts: Facts) -> tuple[dict[str, int], list[str]]:
    """Prompt parts for a workload: a generic "input" or "prompt" size is the user message."""
    parts = {p: facts.parts[p] for p in PART_ORDER if facts.parts.get(p)}
    notes = []
    if facts.parts.get("input") and not parts.get("user"):
        parts["user"] = facts.parts["input"]
        notes.append(
            f"The {tokens(parts['user'])} input tokens are counted as the per-request "
            "message (sent without caching)."
        )
    return parts, notes


def _output(facts: Facts) -> int | None:
    """Output tokens per request: the visible answer plus any thinking, which is billed as
    output (the reply states the sum, see `thinking_note`)."""
    visible = facts.parts.get("output")
    if visible is None:
        visible = facts.parts.get("summary")
    if visible is None:
        return None
    return visible + facts.parts.get("thinking", 0)


def thinking_note(facts: Facts) -> str | None:
    thinking = facts.parts.get("thinking")
    visible = facts.parts.get("output", facts.parts.get("summary"))
    if not thinking or visible is None:
        return None
    return (
        f"Output is the {tokens(visible)}-token visible answer plus {tokens(thinking)} thinking "
        f"tokens, {tokens(visible + thinking)} in all: thinking is billed as output, at the "
        "output price, even when you never show it."
    )


def _base_scenario(ctx: Context) -> Scenario | None:
    """The complete scenario of the earlier turns, if there was one."""
    base = ctx.conv.base
    parts, _ = scenario_parts(base)
    output = _output(base)
    if not parts or output is None or base.requests is None:
        return None
    return Scenario(parts, output, base.requests, base.per, base.batch)


def _what_if(ctx: Context, scenario: Scenario) -> Scenario | None:
    """The scenario with this message's changes, when it changes an earlier complete one."""
    new = ctx.conv.new
    base = _base_scenario(ctx)
    if base is None:
        return None
    changed = Scenario(dict(scenario.parts), scenario.output, scenario.requests, scenario.per)
    changed.batch = scenario.batch
    for mod in new.modifiers:
        _apply(changed, mod)
    if _CACHE_RE.search(new.text) and not re.search(r"\bno\s+cach|without\s+cach", new.text, re.I):
        prefix = _cache_prefix(changed.parts, new.text)
        if prefix:
            changed.changes.append(f"cache the first {tokens(prefix)} prompt tokens")
            changed.cache_prefix = prefix
            changed.notes.append(
                f"Caching {a_or_an(prefix)} {tokens(prefix)}-token prefix (tools, then system "
                "prompt, examples "
                "and documents, up to the last part you named) with the 5-minute TTL; requests "
                "arrive at random over the day (Poisson), and a gap over 5 minutes means a "
                "new write."
            )
    same = (
        changed.parts == base.parts
        and changed.output == base.output
        and changed.requests == base.requests
        and changed.per == base.per
        and changed.batch == base.batch
        and not changed.cache_prefix
    )
    return None if same else changed


_STATIC = ("tools", "system", "examples", "documents")


def _cache_prefix(parts: dict[str, int], text: str) -> int:
    """Tokens up to the last static part named in `text` (all static parts if none is)."""
    named = [p for p in _STATIC if parts.get(p) and re.search(_PART_NAMES[p], text, re.I)]
    last = _STATIC.index(named[-1]) if named else len(_STATIC) - 1
    return sum(parts.get(p, 0) for p in _STATIC[: last + 1])


_PART_NAMES = {
    "tools": r"\btools?\b|\bfunctions?\b",
    "system": r"\bsystem\b|\binstructions\b",
    "examples": r"\bexamples?\b|few[\s-]?shot",
    "documents": r"\bdoc|\bcontext\b|\bretriev|\bchunks?\b",
}


def _apply(s: Scenario, mod: Modifier) -> None:
    def scaled(n: int) -> int:
        return max(0, int((Decimal(n) * mod.factor).to_integral_value()))

    factor = f"x{mod.factor.normalize():f}"
    if mod.target == "requests" and s.requests:
        old, s.requests = s.requests, max(1, scaled(s.requests))
        s.changes.append(
            f"traffic {factor}: {tokens(old)} to {tokens(s.requests)} requests a {s.per}"
        )
    elif mod.target == "output":
        old, s.output = s.output, scaled(s.output)
        s.changes.append(f"output {factor}: {tokens(old)} to {tokens(s.output)} tokens")
    elif mod.target == "prompt":
        old = sum(s.parts.values())
        s.parts = {p: scaled(n) for p, n in s.parts.items()}
        s.changes.append(
            f"whole prompt {factor}: {tokens(old)} to {tokens(sum(s.parts.values()))} tokens"
        )
    elif mod.target in PART_ORDER:
        old = s.parts.get(mod.target, 0)
        if not old:
            return
        s.parts[mod.target] = scaled(old)
        s.changes.append(
            f"{PART_LABELS[mod.target]} {factor}: {tokens(old)} to "
            f"{tokens(s.parts[mod.target])} tokens"
        )
