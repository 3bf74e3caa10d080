"""The label table: which words name which slot of a request (a prompt part, the output,
a counted thing), so "1,200 system" and "answers ~300" land in the right slot."""

from __future__ import annotations

import re

from .text import (
    normalize,
)

PART_ORDER = ("tools", "system", "examples", "documents", "history", "user")
PART_LABELS = {
    "tools": "tool definitions",
    "system": "system prompt",
    "examples": "few-shot examples",
    "documents": "documents",
    "history": "conversation history",
    "user": "user message",
    "input": "input",
    "output": "output",
    "summary": "summary",
    "thinking": "thinking",
}


# -- the label table -----------------------------------------------------------------------------
# One row per way of naming a slot: (slot, phrase as a regex fragment). Rows are tried in this
# order at each position, so a longer phrase sits above a shorter one that starts it. A new
# phrasing is a new row. "turn" is a slot of its own (the size of one conversation turn).
LABELS: list[tuple[str, str]] = [
    ("examples", r"few[\s-]?shot(?:\s+examples?)?"),
    ("examples", r"examples?|demonstrations?|demos?|shots"),
    ("tools", r"tool(?:s|\s+definitions?|\s+defs?|\s+schemas?|\s+specs?|\s+descriptions?)?"),
    ("tools", r"function\s+(?:definitions?|schemas?)|functions|schemas?"),
    ("system", r"system(?:\s+prompts?|\s+messages?|\s+msgs?|\s+instructions?)?"),
    ("system", r"sys(?:\s+prompts?|\s+msgs?)?|sysprompt|instructions?|preamble|persona"),
    ("system", r"guidelines|rules"),
    # "a 10k prefix", "20k-token shared prefix": the stable start of every prompt.
    ("system", r"(?:shared\s+|cached\s+|static\s+|stable\s+|common\s+)?prefix(?:es)?"),
    ("history", r"(?:conversation\s+|chat\s+|message\s+)?history"),
    ("history", r"(?:previous|prior|past)\s+(?:turns|messages)|earlier\s+turns|transcripts?"),
    ("summary", r"summary|summaries"),
    ("turn", r"(?:each|every|per|a)\s+turns?|turns?"),
    ("documents", r"documents?|docs?|context|ctx"),
    ("documents", r"retrieved(?:\s+(?:chunks|passages|documents|context))?|chunks?|passages?"),
    ("documents", r"knowledge(?:\s+base)?|reference(?:\s+(?:material|text|docs))?|rag"),
    ("documents", r"manuals?|polic(?:y|ies)|pdfs?|files?|contracts?|catalog(?:ue)?s?|articles?"),
    ("documents", r"product\s+data|faq"),
    (
        "user",
        r"user(?:'s)?(?:\s+(?:messages?|msgs?|inputs?|questions?|queries|query|prompts?|"
        r"turns?|text))?|usr(?:\s+msgs?)?",
    ),
    ("user", r"questions?|quer(?:y|ies)|messages?|msgs?"),
    # "900 sys + 300 q": an engineer's shorthand for the question.
    ("user", r"q"),
    ("user", r"feedback(?:\s+(?:entries|entry|items?))?|entries|entry|tickets?|emails?"),
    ("user", r"reviews?|comments?|posts?|snippets?|transcripts?"),
    # "200 tok event", "~400 tok per line", "300 tok payload": the one item each request sends.
    ("user", r"events?|payloads?|lines?|records?|rows?|items?"),
    ("output", r"outputs?|responses?|answers?|repl(?:y|ies)|completions?|generations?|generated"),
    ("output", r"back|out|max_tokens|tags?|labels?|verdicts?"),
    ("input", r"inputs?|prompts?|request\s+text"),
    # Extended thinking is billed as output, on top of the visible answer.
    ("thinking", r"(?:extended\s+)?thinking|reasoning|thoughts"),
]


def _label_pattern(rows: list[tuple[str, str]]) -> str:
    """One named group per slot, its rows joined in table order."""
    slots: dict[str, list[str]] = {}
    for slot, phrase in rows:
        slots.setdefault(slot, []).append(phrase)
    return "|".join(f"(?P<{slot}>\\b(?:{'|'.join(p)})\\b)" for slot, p in slots.items())


_PART_RE = re.compile(_label_pattern(LABELS), re.I)
# Words that may stand between a number and "tokens" and say which slot it is ("300 output
# tokens", "2k cached system tokens").
TOKEN_QUALIFIERS = (
    "output|input|prompt|system|sys|completion|response|answer|context|ctx|document|documents",
    "retrieved|cached|uncached|user|history|tool|example|few-shot|more|extra|additional|new",
    "shared|static|instruction|generated|thinking|reasoning|in|out",
)
UNIT_WORDS = r"tokens?|toks?|tkns?|tk"
_TOKENS_AFTER_RE = re.compile(
    rf"^[ \t-]*(?P<qual>(?:(?:{'|'.join(TOKEN_QUALIFIERS)})[ \t-]+){{0,3}})(?:{UNIT_WORDS})\b",
    re.I,
)

# The things a volume counts ("25k calls a day", "3 req/s", "40 tickets an hour"), one row per
# family of words; a number followed by one of them, and then a period, is a volume.
COUNT_NOUNS = (
    r"requests?|reqs?|rqs?|calls?|api\s+calls?|queries|query|q|qs|messages?|msgs?",
    r"conversations?|convos?|chats?|tickets?|sessions?|jobs?|items?|entries|entry",
    r"reviews?|emails?|documents?|docs|runs?|prompts?|questions?|lookups?|completions?",
    r"invocations?|inferences?|transactions?|orders?|records?|articles?|posts?|comments?",
    r"images?|pages?|files?|rows?|tasks?|summaries|classifications?|descriptions?|products?",
    r"reports?|interactions?|searches|times|hits|generations?|prs|pull\s+requests?|commits?",
    r"(?:test\s+)?cases|evals?|samples?|invoices?|receipts?|essays?|leads|resumes|transcripts?",
    r"lines|log\s+lines|events|chunks|batches|contracts|claims|applications|listings|threads",
    # "~8k of these a day", "5,000 of those": the calls just pasted or described.
    r"these|those",
)
_COUNT_NOUNS = "|".join(COUNT_NOUNS)
_COUNT_AFTER_RE = re.compile(
    rf"^[ \t-]*(?:(?!tokens?\b|per\b|each\b|every\b|an?\b)[a-z]+[ \t-]+){{0,2}}?"
    rf"(?:{_COUNT_NOUNS})\b",
    re.I,
)


def part_of(phrase: str) -> str | None:
    """The prompt part a phrase names first: "system prompt" -> system, "retrieved chunks" ->
    documents, "few-shot examples" -> examples, "answer" -> output, "user message" -> user."""
    m = _PART_RE.search(normalize(phrase))
    return m.lastgroup if m else None


def _first_part(window: str, *, last: bool = False) -> str | None:
    matches = list(_PART_RE.finditer(window))
    if not matches:
        return None
    return (matches[-1] if last else matches[0]).lastgroup


# -- numbers that are not scenario figures --------------------------------------------------------
# One row per way a message counts something other than the workload: (where the words sit,
# "after" or "before" the number, a regex fragment, why it sizes nothing). Such a number is named
# as ignored in the reply, never asked about and never priced.
ASIDES: list[tuple[str, str, str]] = [
    (
        "after",
        r"(?:more\s+)?(?:what[\s-]?ifs?|scenarios?|options?|alternatives?|variants?|follow[\s-]?ups?"
        r"|questions?\s+(?:for\s+you|about\s+(?:this|it|that)))",
        "it counts the questions you ask, not requests",
    ),
    (
        "after",
        r"(?:separate\s+|different\s+|distinct\s+)?(?:workloads?|use[\s-]?cases?|pipelines?)",
        "it counts the workloads, and each is sized by its own figures",
    ),
    (
        "after",
        r"(?:consecutive|back[\s-]to[\s-]back|test|sample|trial|example)\s+(?:api\s+)?"
        r"(?:calls?|requests?|runs?)",
        "those are the calls you tried, not the volume",
    ),
    (
        "after",
        r"(?:cache\s+)?hits?\s+(?:per|a|each|every)\s+(?:request|call|message)",
        "a hit rate is not a volume",
    ),
    (
        "before",
        r"\b(?:a\s+blog(?:\s+post)?|an?\s+article|someone|somebody|a\s+colleague|they|a\s+forum|"
        r"a\s+tweet|i\s+read\s+(?:that|somewhere))\b[^.\n]{0,30}\b(?:said|says|claims?|claimed|"
        r"reports?|reported|mentions?|mentioned|quotes?|quoted)\b[^.\n\d]{0,30}",
        "it is a figure quoted from elsewhere, not your workload",
    ),
]
# "cache_creation and cache_read are both always 0": a zero sizes nothing.
_ZERO_BEFORE_RE = re.compile(r"\b(?:both|all|each|always|are|is|=|:)\s*(?:always\s+)?~?\s*$", re.I)
_ASIDE_RES = [
    (where, re.compile(rf"^[ \t-]*{p}\b" if where == "after" else rf"{p}~?\s*$", re.I), why)
    for where, p, why in ASIDES
]  # fmt: skip


def aside_reason(before: str, after: str, zero: bool = False) -> str | None:
    """Why a number sizes nothing ("2 what-ifs", "3 consecutive calls", "a blog said 1.39",
    "both always 0"), or None when it may be a scenario figure."""
    for where, pattern, why in _ASIDE_RES:
        if pattern.search(after if where == "after" else before[-80:]):
            return why
    if zero and _ZERO_BEFORE_RE.search(before[-20:]):
        return "a zero adds nothing to the bill"
    return None
