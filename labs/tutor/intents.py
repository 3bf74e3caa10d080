"""What a message asks for, before any engine reads its numbers.

Four intents, decided in this order from declarative tables:

- **assessment**: the answer to a quiz or module test question (refused; the idea is offered);
- **off-topic**: something this course does not teach (refused politely, steered back);
- **concept**: a question about an idea ("is the 5-minute cache refreshed on each hit?"),
  answered from the concept base with its lesson link, and the calculator where figures help;
- **scenario**: everything else goes to the lab's engine, which prices what it reads.

A new phrasing is a row in a table here, not a new branch in an engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .concepts import Match, concept_base

# -- off-topic: requests outside the course, with a phrase that marks them -----------------------
# Each row: a pattern that marks a request this course does not teach. A row wins only when the
# message has no Claude-cost signal (below), so "is Haiku 5.5 cheaper for a Django app?" is fine.
OFF_TOPIC = [
    r"\b(?:write|compose|draft|give)\s+(?:me\s+)?(?:a|an|some)\s+(?:\w+\s+){0,2}(?:poem|haiku|"
    r"limerick|song|story|joke|essay|cover\s+letter|resume|cv|tweet)\b",
    r"\bcover\s+letter\b",
    r"\b(?:terraform|kubernetes|k8s|eks|helm\s+chart|dockerfile|ansible|nginx\s+config)\b",
    r"\b(?:aws\s+lambda|lambda\s+bill|ec2|s3\s+bucket|cloudfront)\b",
    r"\b(?:typeerror|keyerror|valueerror|attributeerror|nameerror|traceback|stack\s*trace|"
    r"segfault|null\s*pointer)\b",
    r"\bdjango\s+(?:view|model|form|orm|admin|setting|migration)s?\b",
    r"\bCACHES\s+setting\b|\bcache\s+backend\b",
    r"\b(?:recipe|weather|horoscope|football|stock\s+tips?)\b",
]
_OFF_TOPIC_RE = re.compile("|".join(f"(?:{p})" for p in OFF_TOPIC), re.I)

# Words that tie a message to what the course teaches: the Claude API and what it costs.
CLAUDE_SIGNAL = re.compile(
    r"\b(?:claude|anthropic|tokens?|prompt(?:s|ing)?|system\s+prompt|cache_control|"
    r"prompt\s+caching|cache\s+(?:hit|read|write|miss)|ttl|batch(?:es)?\s+api|message\s+batch|"
    r"max_tokens|stop_sequences|usage|input_tokens|output_tokens|llm|model\s+tier|"
    r"(?:haiku|sonnet|opus|fable|mythos)\s*[\d.-]+|(?:on|use|using|switch\s+to|with)\s+"
    r"(?:haiku|sonnet|opus)|tool\s+(?:use|definitions?|schemas?)|stream(?:ing)?|"
    r"rate\s+limits?|spend(?:ing)?\s+limits?|per-user)\b",
    re.I,
)
# Anything at all about cost or the course: without one of these, a message is off topic.
COURSE_SIGNAL = re.compile(
    r"token|cost|price|pric|cach|claude|model|api|prompt|batch|request|budget|bill|spend|"
    r"latency|haiku|sonnet|opus|fable|cheap|expensive|sav(?:e|ing)|ttl|breakpoint|workload|"
    r"architect|audit|input|output|usage|rate\s+limit|stream|money|dollar|\$|call|quota|limit|"
    r"route|routing|classifier|context|history|summar|window|lesson|course",
    re.I,
)

# -- assessment: asking for the answer to a graded question --------------------------------------
ASSESSMENT = [
    r"\b(?:quiz|module\s+test|final\s+test|the\s+test|exam)\b.{0,80}\b(?:answer|option|letter|"
    r"choice|right|correct|pick|which\s+one|is\s+it\s+[a-d]\b)",
    r"\b(?:answer|option|letter|choice|right|correct|pick|which\s+one)\b.{0,80}\b(?:quiz|"
    r"module\s+test|final\s+test|the\s+test|exam)\b",
    r"\banswer\s+key\b",
    r"\bcorrect\s+(?:answers?|options?|choices?)\b",
    r"\b(?:q|question)\s*\d+\b.{0,60}\b(?:[a-d]\s+or\s+[a-d]|which\s+(?:option|one|letter)|"
    r"just\s+the\s+letter)",
    r"\bjust\s+(?:tell\s+me\s+)?the\s+letter\b",
    r"\b(?:grader|grade\s+me)\b.{0,60}\b(?:correct|answers?|choices?)\b",
]
_ASSESSMENT_RE = re.compile("|".join(f"(?:{p})" for p in ASSESSMENT), re.I | re.S)

# -- concept questions: the shape of a question about an idea ------------------------------------
_QUESTION_OPENERS = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+|quick\s+q(?:uestion)?[:,]?\s+|q:\s*)?(?:does|do|did|is|are|"
    r"was|were|can|could|should|would|will|why|when|what|which|how|where|who|isn't|doesn't|"
    r"explain|tell\s+me|difference|eli5|any\s+way|is\s+there)\b",
    re.I,
)


@dataclass(frozen=True)
class Intent:
    kind: str  # assessment | off-topic | concept | scenario
    concept: Match | None = None


def is_assessment_request(text: str) -> bool:
    return bool(_ASSESSMENT_RE.search(text))


def is_off_topic(text: str, *, follow_up: bool = False) -> bool:
    """Outside the course: an off-topic pattern and no Claude signal; or, opening a
    conversation, no word of the course at all (a follow-up leans on the turns before)."""
    if CLAUDE_SIGNAL.search(text):
        return False
    if _OFF_TOPIC_RE.search(text):
        return True
    return not follow_up and not COURSE_SIGNAL.search(text)


_WHAT_IF = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what\s+if|what\s+about|how\s+about|"
    r"and\s+(?:on|with|for)|same\s+(?:but|with|on)|now\s+(?:with|on)|suppose|"
    r"instead)\b",
    re.I,
)


def looks_like_question(text: str) -> bool:
    first = re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0]
    return (
        "?" in text or bool(_QUESTION_OPENERS.match(first)) or bool(_QUESTION_OPENERS.match(text))
    )


def read_intent(
    text: str, *, has_scenario: bool, prompt_pasted: bool = False, follow_up: bool = False
) -> Intent:
    """The intent of `text` (the learner's words, without a pasted prompt).

    `has_scenario`: the message gives figures an engine can price (token counts, a volume, a
    pasted usage object). `prompt_pasted`: the message carries a prompt to audit, so a test or a
    cache backend mentioned inside it says nothing about the learner's intent. `follow_up`: the
    conversation already holds a scenario, which a "what if ..." changes.
    """
    if is_assessment_request(text):
        return Intent("assessment")
    if not has_scenario and not prompt_pasted and is_off_topic(text, follow_up=follow_up):
        return Intent("off-topic")
    if prompt_pasted or (follow_up and _WHAT_IF.match(text)):
        return Intent("scenario")
    match = concept_base().find(text) if looks_like_question(text) else None
    if match is not None and not has_scenario:
        return Intent("concept", match)
    return Intent("scenario", match)
