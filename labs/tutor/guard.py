"""The guard an engine passes before it prices: every number of the learner's message was read
into a slot, or is named as ignored, or the tutor asks about it.

A number the reading left unplaced ("8" in "8h a day" when no slot takes hours), or one a later
number pushed out of its slot ("2k system prompt + 4k of chunks" both read as the system
prompt), means the tutor did not understand the scenario; pricing it anyway gives confident
figures for a workload the learner did not describe. So the tutor asks one short question
instead. Numbers that never size a workload (a date or a clock time in pasted text, the count
of tools whose total size is given) are named as ignored in the reply's assumptions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .common import Context
from .reading import Facts, Number
from .types import TutorReply
from .writing import Reply

# Dates and clock times in pasted text ("2026-11-22T10:31:07Z", "09:00", "17:50").
_DATE_TIME_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?|\b\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s?[ap]m)?\b",
    re.I,
)


@dataclass
class Check:
    """What the guard found in one message."""

    unclear: list[Number] = field(default_factory=list)  # ask before pricing
    ignored: list[str] = field(default_factory=list)  # sentences for the assumptions

    @property
    def passed(self) -> bool:
        return not self.unclear


def check(facts: Facts) -> Check:
    """The numbers of `facts` (one message) that were not read into a slot."""
    found = Check()
    spans = [(m.start(), m.end(), m.group(0)) for m in _DATE_TIME_RE.finditer(facts.text)]
    dated = []
    for n in facts.bare:
        if n.wordy:
            continue
        span = next((s for s in spans if s[0] <= n.start < s[1]), None)
        if span is not None:
            if span[2] not in dated:
                dated.append(span[2])
            continue
        found.unclear.append(n)
    found.unclear += [n for n in facts.overwritten if n not in found.unclear]
    found.unclear.sort(key=lambda n: n.start)
    for when in dated:
        found.ignored.append(f"I did not use the {when} in your message: a date or a time of day "
                             "does not size a request.")  # fmt: skip
    for n in facts.numbers:
        if n.kind == "repeats":
            found.ignored.append(
                f'I did not use the {n.raw.strip()} in "{context(facts.text, n)}" as a size: '
                "it counts how often something is said, not tokens or requests."
            )
        elif n.kind == "aside":
            found.ignored.append(
                f'I did not use the {n.raw.strip()} in "{context(facts.text, n)}": {n.aside}.'
            )
    for n in facts.counted_only:
        found.ignored.append(
            f'I did not use the {n.raw.strip()} in "{context(facts.text, n)}" as a size: it '
            "counts them, and the tokens after it are their size."
        )
    return found


def context(text: str, n: Number, width: int = 28) -> str:
    """The words around a number, to quote it back to the learner."""
    start = max(0, n.start - width)
    end = min(len(text), n.end + width)
    snippet = " ".join(text[start:end].split())
    if start > 0:
        snippet = "..." + snippet.split(" ", 1)[-1]
    if end < len(text):
        snippet = snippet.rsplit(" ", 1)[0] + "..."
    return snippet


def question(ctx: Context, found: Check, known: str) -> TutorReply:
    """One short question about the first number the tutor could not place; nothing priced."""
    n = found.unclear[0]
    reply = Reply()
    if known:
        reply.add(f"So far I have {known}.")
    others = ""
    if len(found.unclear) > 1:
        rest = ", ".join(f"**{m.raw.strip()}**" for m in found.unclear[1:4])
        others = f" (and the same for {rest})"
    reply.add(
        f'I could not tell what the **{n.raw.strip()}** in "{context(ctx.conv.new.text, n)}" '
        f"sizes{others}, and I price nothing I have not understood. Is it a token count (of "
        "which part of the prompt), a number of requests (per what period), or something to "
        "leave out?"
    )
    return ctx.reply(reply.render(), follow_up=True)
