"""The rules every priced reply follows, whichever lab and reply path wrote it.

The engines write their own replies; these rules were once fixed in one reply path and missed
in the others, so they run here, once, after every engine (see `engines._answer`):

1. the period asked: the headline gives the cost in each period the learner asked for ("$/yr
   each?", "p/mo", "per night / per month");
2. one request: "what does one of those cost" with a volume gets the cost per request and the
   volume's period;
3. spend caps and usage tiers: each priced option is compared with the cap, and the reply says
   what a reached cap does;
4. "which API pattern for each?" beside a comparison is answered too;
5. never confidently wrong: a period, cap or figure asked for that the calculations cannot give
   is named as not given, so the cards never look like a complete answer.

Every figure comes from the reply's own calculator calls (`figures`), restated with the
calculator's calendar; nothing new is priced here."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal

from .figures import Figure, headline_figures
from .reading import Conversation
from .reading.asks import asks_pattern, asks_per_user, find_tier, periods_asked
from .reading.qualifiers import Cap, find_caps
from .types import ToolCall, TutorReply
from .writing import join_words, plural, table, usd

_LABELS = {
    "request": ("a request", "Per request"),
    "hour": ("an hour", "Per hour"),
    "night": ("a night", "Per night"),
    "day": ("a day", "Per day"),
    "week": ("a week", "Per week"),
    "month": ("a month", "Per month (30 days)"),
    "year": ("a year", "Per year (365 days)"),
}
_MAX_ROWS = 6
# Where a reply's own notes start: the checklist's paragraphs go before them.
_NOTES_RE = re.compile(r"^\*\*(?:Assumptions|Caveats|Try next)", re.M)
_TABLE_RE = re.compile(r"^\|", re.M)


def finish(reply: TutorReply, text: str, conv: Conversation) -> TutorReply:
    """`reply` with the rules above applied; `text` is the learner's own words of the message
    (a pasted prompt left out). A question or a refusal is left as it is: nothing was priced."""
    if reply.asked_follow_up or reply.kind == "refuse" or not reply.calculations:
        return reply
    figures = _answering(headline_figures(reply.calculations), text)
    if not figures:
        return reply
    asked = periods_asked(text)
    if asked == ["request"]:
        # One request asked with a volume given: its cost, and the volume's period beside it.
        per = conv.new.per or conv.base.per or figures[0].per
        asked.append(per if per in ("day", "month") else "month")
    head: list[str] = []
    notes: list[str] = []
    given = [p for p in asked if any(f.amount_in(p) is not None for f in figures)]
    missing = [p for p in asked if p not in given]
    if given and not _headline_has(reply.text, figures, given):
        head.append(_headline(figures, given))
    if missing:
        head.append(_not_given(missing, figures))
    if asks_per_user(text):
        head.append(_per_user(figures, [p for p in given if p != "request"] or ["month"], conv))
    caps = _caps(text)
    if caps:
        notes.append(_cap_text(caps, figures))
    if asks_pattern(text):
        notes.append(_pattern_text(reply.calculations, figures))
    if head:
        reply.text = "\n\n".join(head) + "\n\n" + reply.text.lstrip()
    if notes:
        reply.text = _before_notes(reply.text, "\n\n".join(notes))
    return reply


_SAVING_RE = re.compile(
    r"\bsav(?:e|es|ed|ing|ings)\b|\bcheaper\s+by\b|\bcut\s+(?:the\s+)?bill", re.I
)


def _answering(figures: list[Figure], text: str) -> list[Figure]:
    """The figures that answer the question: the savings when a saving is asked ("what does
    caching save per year?"), otherwise what each option costs."""
    savings = [f for f in figures if f.saving]
    if savings and _SAVING_RE.search(text):
        return savings
    return [f for f in figures if not f.saving]


# -- 1, 2: the periods asked ---------------------------------------------------------------------
def _headline_has(text: str, figures: Sequence[Figure], periods: Sequence[str]) -> bool:
    """The reply's opening (before its first table and its notes) already gives a figure in
    every period asked."""
    end = min(
        [m.start() for m in (_TABLE_RE.search(text), _NOTES_RE.search(text)) if m] or [len(text)]
    )
    opening = text[:end]
    for period in periods:
        shown = {usd(a) for f in figures if (a := f.amount_in(period)) is not None}
        if not any(s in opening for s in shown):
            return False
    return True


def _headline(figures: Sequence[Figure], periods: Sequence[str]) -> str:
    rows = figures[:_MAX_ROWS]
    if len(rows) == 1:
        f = rows[0]
        amounts = [
            f"**{usd(a)} {_LABELS[p][0]}**" for p in periods if (a := f.amount_in(p)) is not None
        ]
        said = _aside([f.volume_text, *_restated(periods)])
        verb = "comes to" if f.saving else "costs"
        return f"In the periods you asked for, **{f.label}** {verb} {join_words(amounts)}{said}."
    body = table(
        ["Option", *(_LABELS[p][1] for p in periods)],
        [
            [f.label, *(usd(a) if (a := f.amount_in(p)) is not None else "n/a" for p in periods)]
            for f in rows
        ],
        right=range(1, len(periods) + 1),
    )
    volume = next((f.volume_text for f in rows if f.volume_text), "")
    more = f"the first {_MAX_ROWS} of {len(figures)} options" if len(figures) > _MAX_ROWS else ""
    return f"In the periods you asked for{_aside([volume, more, *_restated(periods)])}:\n\n{body}"


def _aside(notes: Sequence[str]) -> str:
    notes = [n for n in notes if n]
    return f" ({'; '.join(notes)})" if notes else ""


def _restated(periods: Sequence[str]) -> list[str]:
    """How a period the calculator does not give was restated from one it does."""
    said = []
    if "hour" in periods:
        said.append("an hour is a 24th of the day, traffic spread over the whole day")
    if "night" in periods:
        said.append("a night is one day's run")
    return said


def _not_given(periods: Sequence[str], figures: Sequence[Figure]) -> str:
    """Point 5: the periods asked that the calculations cannot give, and what would give them."""
    names = join_words([_LABELS[p][0].split(" ", 1)[1] for p in periods])
    kinds = {f.per for f in figures}
    if "conversation" in kinds:
        why = (
            "I priced one conversation, and your message gives no number of conversations a "
            "day or a month"
        )
    elif "request" in kinds:
        why = "I priced one call, and your message gives no number of calls a day or a month"
    else:
        why = "the calculations here have no volume to spread over that period"
    return (
        f"**Not given: the cost per {names}** you asked for. {why}; tell me the volume (for "
        'example "about 5k a day") and I will give it.'
    )


def _per_user(figures: Sequence[Figure], periods: Sequence[str], conv: Conversation) -> str:
    """ "Cost per user per month?": each option's cost over the users the message counts, or
    that it counts none (then no per-user figure is given, rather than one made up)."""
    users = conv.new.users or conv.base.users
    if not users:
        return (
            "**Not given: the cost per user** you asked for. Your message gives no number of "
            'users; tell me how many (for example "about 2,000 users") and I will divide it.'
        )
    said: list[str] = []
    for f in [f for f in figures if not f.part][:_MAX_ROWS]:
        amounts = [
            f"**{usd(a / users)} {_LABELS[p][0]}**"
            for p in periods
            if (a := f.amount_in(p)) is not None
        ]
        if amounts:
            said.append(f"{f.label} {join_words(amounts)}")
    if not said:
        return (
            "**Not given: the cost per user** you asked for: nothing here has a period's cost "
            "to share among the users."
        )
    return f"Per user ({plural(users, 'user')}, sharing the traffic evenly): {'; '.join(said)}."


# -- 3: spend caps and usage tiers ---------------------------------------------------------------
def _caps(text: str) -> list[tuple[Cap, str]]:
    """The caps the message names, each with where it comes from ("your cap", "the Build
    tier's cap"); a tier adds its cap unless the message names that amount itself."""
    found = [(cap, "your cap") for cap in find_caps(text)]
    tier = find_tier(text)
    if tier is not None and tier.cap is not None:
        if all(not (c.amount == tier.cap and c.per == "month") for c, _ in found):
            found.append((Cap(tier.cap, "month"), f"the {tier.name} tier's cap"))
    elif tier is not None:
        found.append((Cap(Decimal(0), "none"), f"the {tier.name} tier"))
    return found


REACHED_TEXT = (
    "When a spend limit is reached, the API refuses every further request with HTTP 429 "
    "(`rate_limit_error`, with `enforced_spend_limit_reached` as `details.error_code` and no "
    "`retry-after` header) until the limit resets at 00:00 UTC on the first day of the next "
    "month or someone raises it. Retrying cannot help: catch that error apart from ordinary "
    "rate limits, and set a budget alert well below the cap."
)
_TIER_NOTE = (
    "The usage tiers' monthly caps are the lesson's figures (Start $500, Build $1,000, Scale "
    "$200,000, none on Custom); the Console shows your organization's."
)


def _cap_text(caps: Sequence[tuple[Cap, str]], figures: Sequence[Figure]) -> str:
    whole = [f for f in figures if not f.part][:_MAX_ROWS]
    said: list[str] = []
    for cap, source in caps:
        if cap.per == "none":
            said.append(
                f"On {source} there is no fixed spend cap; set workspace limits of your own."
            )
            continue
        shown = f"{usd(cap.amount)} a {cap.per}"
        costs = [(f, a) for f in whole if (a := f.amount_in(cap.per)) is not None]
        if not costs:
            said.append(
                f"**Not compared with {source} of {shown}:** {_not_given([cap.per], figures)}"
            )
            continue
        verdicts = [
            f"{f.label} costs {usd(a)} a {cap.per} ({_verdict(f, a, cap)})" for f, a in costs
        ]
        said.append(f"Against {source} of {shown}: {'; '.join(verdicts)}.")
    if any(c.per != "none" for c, _ in caps):
        said.append(REACHED_TEXT)
    if any("tier" in source for _, source in caps):
        said.append(_TIER_NOTE)
    return "\n\n".join(said)


def _verdict(figure: Figure, amount: Decimal, cap: Cap) -> str:
    if amount <= cap.amount:
        return "**stays under the cap**"
    day = figure.amount_in("day")
    if cap.per == "month" and day:
        reached = math.ceil(cap.amount / day) if day < cap.amount else 1
        return f"**exceeds the cap**: at {usd(day)} a day it is reached on day {reached} of a month"
    return "**exceeds the cap**"


# -- 4: the API pattern --------------------------------------------------------------------------
_WHY_PATTERN = {
    "realtime_streaming": "someone waits for the answer, and streaming shows the text as it is "
    "written at the same price per token",
    "batch": "nobody needs it before the next morning, so the Message Batches API bills every "
    "token at half price (results within 24 hours)",
}


def _pattern_text(calls: Sequence[ToolCall], figures: Sequence[Figure]) -> str:
    """The API pattern for each workload of a plan, or for each option of a comparison."""
    plan = next((c.output for c in calls if c.tool == "plan_architecture"), None)
    if plan is not None:
        said = [
            f"**{w['name']}**: {w['api_pattern_text']}"
            + (
                f", because {_WHY_PATTERN[w['api_pattern']]}"
                if w["api_pattern"] in _WHY_PATTERN
                else ""
            )
            for w in plan.get("workloads", [])
        ]
        return "**Which API pattern.** " + "; ".join(said) + "."
    batched = [f.label for f in figures if "batch" in f.label.lower()]
    live = [f.label for f in figures if "batch" not in f.label.lower()]
    said = []
    if live:
        said.append(
            f"For {join_words(live[:4])}: the Messages API with streaming when a user waits for "
            "the answer (the text appears as it is written, at the same price per token)."
        )
    if batched:
        said.append(
            f"For {join_words(batched[:4])}: the Message Batches API, half price on every token, "
            "for work nobody reads before the next morning (results within 24 hours)."
        )
    else:
        said.append(
            "If nobody reads the results before the next morning, the Message Batches API "
            "halves the bill (results within 24 hours)."
        )
    return "**Which API pattern.** " + " ".join(said)


def _before_notes(text: str, paragraph: str) -> str:
    m = _NOTES_RE.search(text)
    if m is None:
        return text.rstrip() + "\n\n" + paragraph + "\n"
    return text[: m.start()] + paragraph + "\n\n" + text[m.start() :]
