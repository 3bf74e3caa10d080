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
}


# -- prompt parts ---------------------------------------------------------------------------------
_PART_WORDS: list[tuple[str, str]] = [
    ("examples", r"few[\s-]?shot(?:\s+examples?)?|examples?|demonstrations?|shots"),
    (
        "tools",
        r"tool(?:s|\s+definitions?|\s+schemas?|\s+specs?|\s+descriptions?)?|"
        r"function\s+(?:definitions?|schemas?)|functions",
    ),
    (
        "system",
        r"system(?:\s+prompts?|\s+messages?|\s+instructions?)?|instructions?|preamble|persona|"
        r"guidelines|rules",
    ),
    (
        "history",
        r"(?:conversation\s+|chat\s+|message\s+)?history|previous\s+(?:turns|messages)|"
        r"prior\s+(?:turns|messages)|earlier\s+turns|transcripts?|past\s+messages",
    ),
    ("summary", r"summary|summaries"),
    ("turn", r"(?:each|every|per|a)\s+turns?|turns?"),
    (
        "documents",
        r"documents?|docs?|context|retrieved(?:\s+(?:chunks|passages|documents|context))?|"
        r"chunks?|passages?|knowledge(?:\s+base)?|reference(?:\s+(?:material|text|docs))?|"
        r"rag|manuals?|polic(?:y|ies)|pdfs?|files?|contracts?|catalog(?:ue)?s?|articles?|"
        r"product\s+data|faq",
    ),
    (
        "user",
        r"user(?:'s)?(?:\s+(?:messages?|inputs?|questions?|queries|query|prompts?|turns?|"
        r"text))?|questions?|quer(?:y|ies)|messages?|feedback(?:\s+(?:entries|entry|items?))?|"
        r"entries|entry|tickets?|emails?|reviews?|comments?|posts?|snippets?|transcripts?",
    ),
    (
        "output",
        r"outputs?|responses?|answers?|repl(?:y|ies)|completions?|generations?|generated|"
        r"back|out|max_tokens|tags?|labels?|verdicts?",
    ),
    ("input", r"inputs?|prompts?|request\s+text"),
]
_PART_RE = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{words})\\b)" for name, words in _PART_WORDS), re.I
)
_QUALIFIER_WORDS = (
    r"output|input|prompt|system|completion|response|answer|context|document|documents|"
    r"retrieved|cached|uncached|user|history|tool|example|few-shot|more|extra|additional|new|"
    r"shared|static|instruction|generated|thinking|reasoning"
)
_TOKENS_AFTER_RE = re.compile(
    rf"^[ \t-]*(?P<qual>(?:(?:{_QUALIFIER_WORDS})[ \t-]+){{0,3}})(?:tokens?|toks?|tkns?)\b", re.I
)
_COUNT_NOUNS = (
    r"requests?|calls?|api\s+calls?|queries|query|messages?|conversations?|chats?|tickets?|"
    r"sessions?|jobs?|items?|entries|entry|reviews?|emails?|documents?|docs|runs?|prompts?|"
    r"questions?|lookups?|completions?|invocations?|inferences?|transactions?|orders?|"
    r"records?|articles?|posts?|comments?|images?|pages?|files?|rows?|tasks?|summaries|"
    r"classifications?|descriptions?|products?|reports?|interactions?|searches|times"
)
_COUNT_AFTER_RE = re.compile(
    rf"^[ \t-]*(?:(?!tokens?\b)[a-z]+[ \t-]+){{0,2}}?(?:{_COUNT_NOUNS})\b", re.I
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
