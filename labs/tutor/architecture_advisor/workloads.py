"""Reading workloads from a learner's words: one Draft per workload (name, requests per day,
latency need, task, token sizes, current model), split on list markers, sentences or a new
volume; later turns change one workload or fill in what was missing."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import PriceTable

from ..common import Context
from ..reading import (
    PART_LABELS,
    PART_ORDER,
    Facts,
    expected_fields,
    extract_facts,
    normalize,
    order_models,
)
from ..writing import tokens

_MARKER_RE = re.compile(
    r"(?:(?<=^)|(?<=\n)|(?<=[.;!?]\s)|(?<=[.;!?]\s\s))\s*(?P<marker>(?:first(?:ly)?|second(?:ly)?|"
    r"third(?:ly)?|fourth|fifth|finally|lastly|also|another|next|plus|then|"
    r"the\s+(?:first|second|third|fourth|other|last)(?:\s+(?:one|workload|job))?(?:\s+is)?|"
    r"workload\s+(?:\d+|[a-e])|one\s+is|\d+[.)]|[-*\u2022])(?=[\s,:])[\s,:]*)"
    # "(a) support chat ... (b) nightly summaries ...": a lettered or numbered item anywhere.
    r"|(?:(?<=^)|(?<=\s))(?P<item>\((?:[a-h]|\d{1,2})\)|[a-h]\))(?=\s)\s*",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_LATENCY_RULES: list[tuple[str, str]] = [
    ("realtime", r"real[\s-]?time|users?\s+(?:is\s+|are\s+)?waiting|someone\s+waiting|"
                 r"person\s+waiting|waiting\s+(?:user|person|customer)|\blive\b|instant|"
                 r"as\s+(?:they|you)\s+type|synchronous"),
    ("overnight", r"nightly|overnight|next\s+morning|by\s+(?:the\s+)?morning|by\s+tomorrow|"
                  r"next\s+day|every\s+night|each\s+night|by\s+9\s*am|within\s+24\s+hours"),
    ("hours", r"(?:within|wait)\s+(?:a\s+few\s+|an?\s+|several\s+|\d+\s+)?hours?|"
              r"in\s+(?:a\s+few\s+)?hours|"
              r"same\s+day|end\s+of\s+(?:the\s+)?day"),
    ("batch", r"\bbatch|\basync|offline|no\s+rush|whenever|background|can\s+wait|not\s+urgent|"
              r"no\s+one\s+waiting|nobody\s+(?:is\s+)?waiting"),
    ("daily", r"once\s+a\s+day|daily\s+(?:job|batch|report|run|digest)"),
    ("minutes", r"within\s+(?:a\s+few\s+|\d+\s+)?minutes|in\s+(?:a\s+few\s+)?minutes|"
                r"near[\s-]real[\s-]?time|behind\s+a\s+queue"),
    ("seconds", r"within\s+(?:a\s+few\s+|\d+\s+)?seconds|in\s+seconds"),
    ("interactive", r"interactive|\bchat|chatbot|assistant|in\s+the\s+app|copilot|autocomplete|"
                    r"\bui\b|on\s+screen"),
]  # fmt: skip
_TASK_RULES: list[tuple[str, str]] = [
    ("tagging", r"\btag(?:s|ging|ged|ger|gers)?\b"),
    ("classification", r"classif|categori[sz]|sentiment|\blabel|triage|\bintent"),
    ("moderation", r"moderat|toxic|\bspam|abuse"),
    (
        "extraction",
        r"extract|\bpars(?:e|es|ing)\b|pull\s+out|structured\s+data|invoices?|\bforms?\b",
    ),
    ("routing", r"\brout(?:e|es|ing)\b"),
    ("faq", r"\bfaq"),
    ("summarization", r"summar"),
    ("translation", r"translat"),
    ("code", r"\bcode\b|coding|pull\s+requests?|refactor|debug"),
    ("agent", r"\bagents?\b|agentic"),
    ("research", r"research"),
    ("analysis", r"analy[sz]|\breports?\b|insight"),
    ("reasoning", r"reasoning|\bmath"),
    ("rag", r"\brag\b|retriev|knowledge\s+base|\bsearch"),
    ("drafting", r"draft|\bwrit(?:e|es|ing)\b|\bemails?\b|\bcopy\b|blog|marketing"),
    ("support", r"support|help\s*desk|customer\s+service"),
    ("chat", r"\bchat"),
    ("qa", r"q\s*&\s*a|question[\s-]answering|answers?\s+questions"),
]
_LATENCY_WORDS = {
    "realtime": "a person waiting",
    "interactive": "interactive use",
    "seconds": "needed within seconds",
    "minutes": "needed within minutes",
    "hours": "needed within hours",
    "overnight": "needed by the next morning",
    "daily": "needed once a day",
    "batch": "no one waiting",
}
_TTL_WORDS = {"5m": "5-minute", "1h": "1-hour"}
_REPEAT_RE = re.compile(r"repeat|same\s+(?:question|request|input)s?|duplicate", re.I)


@dataclass
class Draft:
    """One workload as read from the learner's words."""

    name: str
    requests_per_day: int | None = None
    latency: str | None = None
    task: str = "general"
    parts: dict[str, int] = field(default_factory=dict)
    output: int | None = None
    current_model: str | None = None
    users: int | None = None
    repeat_rate: Decimal | None = None
    notes: list[str] = field(default_factory=list)
    # The model the learner keeps ("nothing else changed", "stay on the Opus tier").
    fixed_model: str | None = None

    def spec(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "requests_per_day": self.requests_per_day,
            "latency": self.latency,
            "task": self.task,
            "output": self.output,
            "prompt": {p: n for p, n in self.parts.items() if n},
        }
        if self.current_model:
            data["current_model"] = self.current_model
        if self.fixed_model:
            data["model"] = self.fixed_model
        if self.users:
            data["users"] = self.users
        if self.repeat_rate:
            data["repeat_rate"] = float(self.repeat_rate)
        return data

    def missing(self) -> list[str]:
        out = []
        if self.requests_per_day is None:
            out.append("requests")
        if self.latency is None:
            out.append("latency")
        if self.output is None:
            out.append("output")
        if not any(self.parts.values()):
            # Without a prompt size the plan would price output alone, a confident wrong figure.
            out.append("prompt")
        return out


# What the learner says the work needs wins over how it runs today: "runs realtime today, but
# nobody reads the summaries before the next morning" is overnight work.
_LATER = r"(?:tomorrow|the\s+next\s+(?:morning|day)|next\s+(?:morning|day)|(?:the\s+)?morning)"
_NEED_RULES: list[tuple[str, str]] = [
    ("overnight", r"\b(?:nobody|no\s+one|no-one)(?:'s|\s+is)?\s+(?:reads?|looks?\s+at|needs?|"
                  rf"checks?|uses?|sees?|opens?)\b[^.?!]{{0,60}}\b(?:before|until|till|til)\s+{_LATER}"),
    ("overnight", r"\b(?:needed|read|used|wanted|due|ready|looked\s+at)\s+"
                  rf"(?:by|in|the)\s+{_LATER}"),
    ("batch", r"\b(?:nobody|no\s+one|no-one)(?:'s|\s+is)?\s+waiting|\bnobody\s+waits|"
              r"\bno\s+one\s+waits|\bnot\s+(?:time[\s-])?(?:urgent|sensitive)"),
    ("minutes", r"\b(?:within|in|under)\s+(?:about\s+|around\s+)?~?\s*(?:a\s+few\s+|an?\s+|"
                r"\d+\s*)(?:min|mins|minutes?)\b"),
    ("seconds", r"\b(?:within|in|under)\s+(?:about\s+|around\s+)?~?\s*(?:a\s+few\s+|an?\s+|"
                r"\d+\s*)(?:s|secs?|seconds?)\b"),
    ("realtime", r"\busers?\s+(?:is\s+|are\s+)?waiting|\bsomeone\s+(?:is\s+)?waiting"),
    # "sits on the page watching", "stares at the spinner": someone waits for the answer.
    ("realtime", r"\b(?:sits?|sitting|waits?|stays?)\s+(?:on|at|in\s+front\s+of)\s+the\s+"
                 r"(?:page|screen|tab|form)|\bwatch(?:es|ing)?\s+(?:the\s+)?(?:page|screen|spinner)|"
                 r"\bstar(?:es|ing)\s+at\s+(?:the\s+)?(?:page|screen|spinner)"),
]  # fmt: skip


# A choice asked about ("batch or realtime?", "can we push it through batches?") is not a
# statement of what the work needs.
_CHOICE_RE = re.compile(
    r"\b(?:batch(?:es)?|real[\s-]?time|stream(?:ing)?)\s+or\s+(?:batch(?:es)?|real[\s-]?time|"
    r"stream(?:ing)?)\b|(?:^|(?<=[.!?]\s))(?:can|could|should|would)\s+(?:we|i|it)\b[^.?!]*\?",
    re.I,
)
PATTERN_QUESTION_RE = re.compile(
    r"\b(?:batch(?:es)?|real[\s-]?time)\s+or\s+(?:batch(?:es)?|real[\s-]?time)\b|"
    r"\b(?:should|can|could)\s+(?:we|i|it)\s+(?:be\s+)?(?:batch|push|move|send|use\s+(?:the\s+)?batch)|"
    r"\bwhich\s+(?:api|pattern)\b",
    re.I,
)


def _latency(text: str) -> str | None:
    text = _CHOICE_RE.sub(" ", text)
    for latency, pattern in _NEED_RULES:
        if re.search(pattern, text, re.I):
            return latency
    for latency, pattern in _LATENCY_RULES:
        if re.search(pattern, text, re.I):
            return latency
    return None


def _task(text: str) -> str:
    for task, pattern in _TASK_RULES:
        if re.search(pattern, text, re.I):
            return task
    return "general"


_NAME_END = (
    r"[:,;(]|\s-\s|\sw/|\d|\b(?:with|that|which|handling|handles|gets|getting|runs|running|on|of|"
    r"at|for|doing|does|processing|processes|serving|serves|using|uses|is|are|needs|needed|"
    r"receives|receiving|sees|takes|sends|has|have|must|should)\b"
)


_QUESTION_WORD_RE = re.compile(
    r"(?:what|what's|whats|how|which|why|when|where|who|can|could|should|would|will|do|does|"
    r"is|are|any)\b",
    re.I,
)


def _name(text: str, index: int) -> str:
    text = _MARKER_RE.sub("", text, count=1).strip()
    head = re.split(_NAME_END, text, flags=re.I)[0]
    head = re.sub(r"^(?:there\s+is\s+|we\s+have\s+|i\s+have\s+|it's\s+|it\s+is\s+)", "", head,
                  flags=re.I)  # fmt: skip
    head = re.sub(
        r"^(?:(?:and|also|plus|then)\s+)*(?:an?|the|our|my)(?:\s+|$)", "", head.strip(), flags=re.I
    )
    words = head.split()
    # "what does one of those msgs cost": a question is not a workload's name.
    if not words or len(words) > 8 or _QUESTION_WORD_RE.match(head.strip()):
        return f"Workload {index}"
    return " ".join(words).rstrip(".")


def _segments(text: str) -> list[str]:
    """The message split into one piece per workload (pieces without numbers are dropped)."""
    text = normalize(text)
    starts = [m.start("marker") if m.group("marker") else m.start("item")
              for m in _MARKER_RE.finditer(text)]  # fmt: skip
    pieces = []
    if starts:
        bounds = [*starts, len(text)]
        pieces = [text[bounds[i] : bounds[i + 1]] for i in range(len(starts))]
    if len([p for p in pieces if _has_volume(p)]) < 2:
        # No usable markers: a new workload starts at each sentence with its own volume.
        pieces, current = [], ""
        for sentence in _SENTENCE_SPLIT.split(text):
            if _has_volume(sentence) and _has_volume(current):
                pieces.append(current)
                current = ""
            current += " " + sentence
        pieces.append(current)
    out = []
    for piece in pieces:
        out += _split_on_volumes(piece)
    return [p.strip() for p in out if p.strip() and _has_volume(p)]


_JOIN_RE = re.compile(r"\band\s+(?:an?|the|our|my|also)\b|;\s|\.\s|\bplus\b|\balso\b", re.I)


def _split_on_volumes(piece: str) -> list[str]:
    """ "a chat (50,000 requests a day ...) and an overnight tagger (200,000 a day ...)": split
    a piece holding two volumes at the last "and a"/";" before the second one."""
    volumes = list(_VOLUME_RE.finditer(piece))
    if len(volumes) < 2:
        return [piece]
    cuts = []
    for prev, nxt in itertools.pairwise(volumes):
        joins = list(_JOIN_RE.finditer(piece, prev.end(), nxt.start()))
        if joins:
            cuts.append(joins[-1].start())
    if not cuts:
        return [piece]
    bounds = [0, *cuts, len(piece)]
    return [piece[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]


# A number as a volume: "200k", "1.5 million", "30,000"; not a model version ("Sonnet 5.5.") and
# not money ("a $1k/month cap", the ",000" of "$1,000 a month").
_VOLUME_NUMBER = r"(?<![\d.,$])\d[\d,]*(?:\.\d+)?(?![\d.]\d)"
_VOLUME_RE = re.compile(
    # "600 tokens per request" is a size, not a volume.
    rf"{_VOLUME_NUMBER}\s*(?:k|m|million|thousand)?(?!\s*(?:tokens?|toks?|tok)\b)\s*"
    r"(?:[a-z]+\s+){0,3}?(?:requests?|reqs?|"
    r"calls?|queries|q|msgs|messages|conversations|convos|chats|tickets|jobs|items|entries|"
    r"reviews|emails|documents|docs|runs|pages|files|records|reports|articles|posts|products|"
    r"essays|invoices|questions|prs|summaries)\b|"
    rf"{_VOLUME_NUMBER}\s*(?:k|m|million|thousand)?\s*(?:a|per|/|each|every)\s*"
    r"(?:day|night|month|hour|week|min(?:ute)?|s(?:ec(?:ond)?)?)\b"
    rf"|{_VOLUME_NUMBER}\s*(?:k|m|million|thousand)?\s+(?:daily|nightly|monthly|hourly)",
    re.I,
)
_MODEL_VERSION_RE = re.compile(
    r"\b(?:haiku|sonnet|opus|fable|mythos|claude)[\s-]*\d+(?:[.-]\d+)*", re.I
)


def _has_volume(text: str) -> bool:
    return bool(_VOLUME_RE.search(_MODEL_VERSION_RE.sub(" ", text)))


def _draft(text: str, index: int, table: PriceTable) -> Draft:
    facts = extract_facts(text, table)
    draft = Draft(name=_name(text, index))
    _update(draft, text, facts)
    draft.task = _task(draft.name + " " + text)
    return draft


def _update(draft: Draft, text: str, facts: Facts, *, only_missing: bool = False) -> list[str]:
    """Apply what `text` says about a workload; returns what changed."""
    changed = []

    def set_(name: str, value: Any, label: str) -> None:
        if value is None or (only_missing and getattr(draft, name) is not None):
            return
        if getattr(draft, name) != value:
            setattr(draft, name, value)
            changed.append(f"{draft.name}: {label}")

    if facts.requests is not None:
        per_day = facts.requests
        if facts.per == "month":
            per_day = max(1, int((Decimal(facts.requests) / 30).to_integral_value()))
            draft.notes.append(
                f"{draft.name}: {tokens(facts.requests)} requests a month read as "
                f"{tokens(per_day)} a day (30-day month)."
            )
        elif facts.volume_note:
            draft.notes.append(f"{draft.name}: {facts.volume_note}")
        set_("requests_per_day", per_day, f"{tokens(per_day)} requests a day")
    latency = _latency(text)
    before = draft.latency
    set_("latency", latency, f"now {_LATENCY_WORDS.get(latency or '', latency)}")
    if latency == "interactive" and draft.latency == latency and before != latency:
        draft.notes.append(
            f"{draft.name}: read as interactive (someone waits for a chat or assistant); say "
            '"it can wait until morning" if it can.'
        )
    parts = {p: facts.parts[p] for p in PART_ORDER if facts.parts.get(p)}
    if facts.parts.get("input") and not parts.get("user"):
        parts["user"] = facts.parts["input"]
    for part, n in parts.items():
        if not (only_missing and draft.parts.get(part)) and draft.parts.get(part) != n:
            draft.parts[part] = n
            changed.append(f"{draft.name}: {tokens(n)}-token {PART_LABELS[part]}")
    output = facts.parts.get("output", facts.parts.get("summary"))
    set_("output", output, f"{tokens(output or 0)}-token answers")
    known = order_models(facts.models)
    named = [m for m in facts.models if m.model is not None and m.tier is None]
    if named and named[0].model is not None and named[0].model.status == "retired":
        # "uses claude-3-opus-20240229 ... stay on the opus tier": the exact id is what runs
        # today (retired, so replaced later and said so); the bare tier name is the wish.
        known = named
    if known and known[0].model is not None:
        set_("current_model", known[0].model.id, f"now on {known[0].model.display_name}")
        if known[0].note:
            draft.notes.append(known[0].note)
    set_("users", facts.users, "users")
    for value, position in facts.percents:
        if _REPEAT_RE.search(facts.text[position : position + 60]):
            set_("repeat_rate", value / 100, "repeat rate")
    for mod in facts.modifiers:
        factor = f"x{mod.factor.normalize():f}"
        if mod.target == "requests" and draft.requests_per_day:
            draft.requests_per_day = max(1, int(draft.requests_per_day * mod.factor))
            changed.append(f"{draft.name}: requests {factor}")
        elif mod.target == "output" and draft.output is not None:
            draft.output = int(draft.output * mod.factor)
            changed.append(f"{draft.name}: answers {factor}")
        elif mod.target in draft.parts:
            draft.parts[mod.target] = int(draft.parts[mod.target] * mod.factor)
            changed.append(f"{draft.name}: {PART_LABELS[mod.target]} {factor}")
    return changed


def _target(drafts: list[Draft], text: str) -> list[Draft]:
    """The workloads a follow-up message is about: named ones, or all of them for "both"."""
    if re.search(r"\b(?:both|all|every|each|everything|everyone)\b", text, re.I):
        return drafts
    words = {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())}
    scored = []
    for d in drafts:
        name_words = {w[:5] for w in re.findall(r"[a-z]{4,}", d.name.lower())}
        name_words |= {d.task[:5]}
        scored.append((len(words & name_words), d))
    best = max(s for s, _ in scored)
    if best == 0:
        return drafts if len(drafts) == 1 else []
    return [d for s, d in scored if s == best]


def _read_workloads(ctx: Context) -> tuple[list[Draft], list[Draft] | None, list[str]]:
    """The workloads after every turn, the workloads before the new message (when it changes
    them), and what the new message changed."""
    drafts: list[Draft] = []
    expect: list[str] = []
    turns = [(t.role, t.text) for t in ctx.history] + [("user", ctx.message)]
    previous: list[Draft] | None = None
    changes: list[str] = []
    for i, (role, text) in enumerate(turns):
        last = i == len(turns) - 1
        if role == "assistant":
            expect = expected_fields(text)
            continue
        segments = _segments(text)
        if not segments and not drafts and extract_facts(text, ctx.table).requests is not None:
            # One workload written without a volume phrase this reader knows ("50k req/day",
            # "15 req/s"): the shared reader found its volume, so the whole message is it.
            segments = [text]
        if segments:
            drafts = [_draft(s, n, ctx.table) for n, s in enumerate(segments, start=1)]
            _shared_facts(drafts, text, ctx.table)
            if last:
                previous, changes = None, []
        elif drafts:
            before = [replace(d, parts=dict(d.parts), notes=list(d.notes)) for d in drafts]
            facts = extract_facts(text, ctx.table, expect=expect)
            follow = bool(expect)
            targets = _target(drafts, text)
            if not targets and follow:
                targets = [d for d in drafts if d.missing()] or drafts
            changed: list[str] = []
            for d in targets:
                changed += _update(
                    d, text, facts, only_missing=follow and not _target(drafts, text)
                )
            if last and changed and not follow:
                previous, changes = before, changed
        expect = []
    return drafts, previous, changes


def _shared_facts(drafts: list[Draft], text: str, table: PriceTable) -> None:
    """A model named once for all workloads ("both on Sonnet 5.5") applies to each."""
    facts = extract_facts(text, table)
    known = order_models(facts.models)
    if known and known[0].model is not None:
        for d in drafts:
            if d.current_model is None:
                d.current_model = known[0].model.id
