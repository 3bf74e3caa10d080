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
    # Other clouds' and services' bills: numbers in them size no Claude workload.
    r"\b(?:lambda\s+(?:functions?|invocations?|costs?)|fargate|dynamodb|rds\s+instances?|"
    r"cloud\s+run|cloud\s+functions|azure\s+functions|bigquery|snowflake\s+credits?|"
    r"(?:aws|gcp|azure|vercel|heroku|datadog)\s+(?:bill|invoice|costs?|spend))\b",
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
    r"route|routing|classifier|context|history|summar|window|lesson|course|"
    # The words of prompt design the prompt auditor teaches: "does the 'You are a world-class
    # assistant' intro do anything?"
    r"preamble|persona|\bintro\b|flatter|instructions?\b|you\s+are\s+an?\s",
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
    # "module test q about ...: is it the 'three batches' one or the other?": choosing between
    # a graded question's options.
    r"\b(?:quiz|module\s+test|final\s+test|exam)\s+(?:q|question)\b.{0,160}\b(?:is\s+it|or\s+the)\b",
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


# A question about what something costs, to be priced rather than explained.
_COST_QUERY = re.compile(
    r"\bhow\s+much\b|\bwhat(?:'s|\s+is|\s+does|\s+do|\s+would|\s+will)?\b[^?]{0,40}\bcost\b|"
    r"\b(?:price|estimate|calculate|compute|quote)\s+(?:it|this|that|the|my|our)\b|"
    r"\bsav(?:e|es|ing|ings)\b[^?]{0,30}\b(?:per|a|each)\s+(?:day|month|year)\b|"
    r"\b(?:daily|monthly|yearly|annual)\s+(?:cost|bill|spend|total)\b|"
    r"\bcost\s+(?:per|a|each)\s+(?:day|month|year|request|call)\b",
    re.I,
)
# Where a message asking two things splits: "how many breakpoints, and does an edit ...?"
_SECOND_QUESTION = re.compile(
    r"\?\s+|[,;]?\s+and\s+(?=(?:if|does|do|is|are|can|will|would|what|how|why|when|which|"
    r"should)\b)|[,;]\s+(?:also|plus)\s+",
    re.I,
)
# An idea question (yes/no or why) that carries numbers: "is a 700-token prompt long enough to
# cache?". A question asking for an amount in a period is a scenario to price instead.
_IDEA_OPENER = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+|quick\s+q(?:uestion)?[:,]?\s+)?(?:does|do|did|is|are|can|"
    r"could|should|would|will|why|isn't|doesn't|won't|any\s+reason)\b",
    re.I,
)
_PERIOD_ASKED = re.compile(
    r"\b(?:monthly|daily|weekly|yearly|annual(?:ly)?|per\s+(?:day|month|year|week)|"
    r"an?\s+(?:day|month|year|week)|/\s*(?:day|mo|month|yr|year))\b",
    re.I,
)
# A concept strong enough to answer a question that also carries numbers.
STRONG_SCORE = 5.0


@dataclass(frozen=True)
class Intent:
    kind: str  # assessment | off-topic | concept | scenario
    concept: Match | None = None
    # More concepts when the message asks two things, each matched on its own clause.
    also: tuple[Match, ...] = ()
    # A scenario question that is really about an idea: explain it, then compute if possible.
    explain: bool = False
    # The concept answers only if the engine has nothing specific to say.
    fallback: bool = False


# Quoted text and fenced blocks are data the learner pasted (a workload's name, a prompt to
# audit): a request for answers inside them is not the learner's own request, and is not obeyed
# either (the engine prices the data; no test content is in any prompt to give away).
_QUOTED_RE = re.compile(r"```.*?```|\"[^\"\n]{8,}\"|\u201c[^\u201d\n]{8,}\u201d", re.S)


def own_words(message: str) -> str:
    """The message without what it quotes."""
    return _QUOTED_RE.sub(" ", message)


def is_assessment_request(text: str) -> bool:
    return bool(_ASSESSMENT_RE.search(own_words(text)))


def is_off_topic(text: str, *, follow_up: bool = False, has_scenario: bool = False) -> bool:
    """Outside the course: an off-topic pattern and no Claude signal; or, opening a
    conversation without figures, no word of the course at all (a follow-up leans on the turns
    before). Figures do not make "40M Lambda invocations a month" a Claude workload."""
    if CLAUDE_SIGNAL.search(text):
        return False
    if _OFF_TOPIC_RE.search(text):
        return True
    return not follow_up and not has_scenario and not COURSE_SIGNAL.search(text)


_WHAT_IF = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what\s+if|what\s+about|how\s+about|if\b|"
    r"and\s+(?:on|with|for)|same\s+(?:but|with|on)|now\s+(?:with|on)|suppose|"
    r"instead)\b",
    re.I,
)


# "... are we still billed", "if the cache expires do I pay again": a question without a "?".
_INNER_QUESTION = re.compile(
    r"\b(?:are|is|do|does|did|can|will|would|should|am)\s+(?:we|i|you|it|they|there|that|this)"
    r"\b|^\s*if\b|\b(?:but|so|and|just)\s+why\b",
    re.I,
)


def looks_like_question(text: str) -> bool:
    # Any sentence may carry the question: "the api has rpm limits. why add our own".
    sentences = re.split(r"(?<=[.!?])\s+|\n", text.strip())
    return (
        "?" in text
        or any(_QUESTION_OPENERS.match(s) for s in sentences)
        or bool(_INNER_QUESTION.search(text))
        or bool(_CLAIMS_CHECK.search(text))  # "true or false: ..." asks without a "?"
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
    if not prompt_pasted and is_off_topic(text, follow_up=follow_up, has_scenario=has_scenario):
        return Intent("off-topic")
    if prompt_pasted or (follow_up and _WHAT_IF.match(text)):
        return Intent("scenario")
    if not looks_like_question(text):
        return Intent("scenario")
    matches = find_concepts(text)
    if not matches:
        return Intent("scenario")
    first, *also = matches
    if not has_scenario and not follow_up and not _COST_QUERY.search(text):
        return Intent("concept", first, tuple(also))
    if not has_scenario:
        # The engine answers first (a price table, the plan of the turns before); the concept
        # answers when the engine has nothing specific to say.
        return Intent("scenario", first, tuple(also), fallback=True)
    last_sentence = re.split(r"(?<=[.!])\s+|\n", text.strip())[-1]
    if (
        first.score >= STRONG_SCORE
        and (_asks_idea(text) or _IDEA_OPENER.match(last_sentence))
        and not _COST_QUERY.search(text)
        and not _PERIOD_ASKED.search(text)
    ):
        return Intent("scenario", first, tuple(also), explain=True)
    idea = _idea_clause_concept(text)
    if idea is not None:
        # "why does my cache miss?? and if I move the date ... what's the saving": the idea
        # is answered first, then the engine prices the scenario in the other clause.
        return Intent("scenario", idea, explain=True)
    return Intent("scenario")


# "if my prompt says 'be thorough' can I just set max_tokens=150?": the condition comes first,
# the question about the idea after it.
_CONDITIONAL_IDEA = re.compile(
    r"^\s*if\b[^?]{0,160}?\b(?:can|could|should|does|do|is|will|would)\s+(?:i|we|you|it|that)\b",
    re.I,
)


def _asks_idea(text: str) -> bool:
    # "our prompt says 'be thorough' - could we just cap max_tokens at 200?": the question may
    # follow a statement after a dash, a comma or a colon.
    parts = re.split(r"\s+[-\u2013\u2014]+\s+|[,;:]\s+", text)
    return bool(_CONDITIONAL_IDEA.match(text) or any(_IDEA_OPENER.match(p) for p in parts))


def _idea_clause_concept(text: str) -> Match | None:
    """The concept of an idea question asked next to a scenario in one message: a clause with
    no figures that opens like a yes/no or why question and matches one concept clearly."""
    clauses = [c for c in _SECOND_QUESTION.split(text) if len(c.split()) >= 3]
    if len(clauses) < 2:
        return None
    for clause in clauses:
        if re.search(r"\d", clause) or not _IDEA_OPENER.match(clause) or _COST_QUERY.search(clause):
            continue
        match = concept_base().find(clause)
        if match is not None and match.score >= IDEA_CLAUSE_SCORE:
            return match
    return None


# A figure-free idea clause matched at least this well answers beside the scenario.
IDEA_CLAUSE_SCORE = 3.0


# A request to check several claims at once ("X, and Y. both true?"): each claim is a clause.
_CLAIMS_CHECK = re.compile(
    r"\bboth\s+(?:true|right|correct|accurate)|\b(?:are\s+)?(?:these|those|they)\s+(?:all\s+)?"
    r"(?:true|right|correct)\b|\btrue\s+or\s+false\b",
    re.I,
)
_CLAIM_SPLIT = re.compile(r"[,;]\s+and\s+|;\s+|(?<=[.!])\s+", re.I)


def find_concepts(text: str) -> list[Match]:
    """The concept the question asks about; two when it asks two things, each matched on its
    own clause and confident there, and different from each other."""
    base = concept_base()
    whole = base.find(text)
    clauses = [c for c in _SECOND_QUESTION.split(text) if len(c.split()) >= 3]
    if _CLAIMS_CHECK.search(text):
        clauses = [p for c in clauses for p in _CLAIM_SPLIT.split(c) if len(p.split()) >= 3]
    if len(clauses) < 2:
        return [whole] if whole else []
    found: list[Match] = []
    for clause in clauses:
        match = base.find(clause)
        if (
            match
            and match.runner_up is None
            and all(match.concept.slug != m.concept.slug for m in found)
        ):
            found.append(match)
    if len(found) >= 2:
        return found[:2]
    return [whole] if whole else found[:1]
