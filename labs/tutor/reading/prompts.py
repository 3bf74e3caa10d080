"""A prompt pasted in a message: a fenced block, quoted text, or the text after "prompt:"."""

from __future__ import annotations

import re

from .models import (
    _MODEL_RES,
)
from .text import (
    _blank,
    normalize,
)

# -- pasted prompts --------------------------------------------------------------------------------
_FENCE_RE = re.compile(r"```[\w-]*\n?(?P<body>.*?)```", re.S)
_QUOTE_RES = (
    re.compile(r'"(?P<body>[^"]{12,})"', re.S),
    re.compile(r"'''(?P<body>.{12,}?)'''", re.S),
    re.compile(r"(?:^|\s)'(?P<body>[^\n]{40,}?)'(?=[.,;:!?]?(?:\s|$))"),
)
_PROMPT_LABEL_RE = re.compile(r"\bprompt\s*(?:is|reads|says)?\s*:\s*", re.I)
_META_RE = re.compile(
    r"\b(?:requests?|calls?)\s+(?:a|per|each|every)\b|/day|\bper\s+day\b|\bruns?\s+(?:on|at)\b|"
    r"\bhow\s+much\b|\bwhat\s+(?:is|would|could|does)\b|\bsave\b|\bsavings?\b|\baudit\b|"
    r"\btrim(?:med)?\s+version\b|\bwasteful\b|\b\d[\d,.]*\s*(?:k|m)?\s+(?:times|requests?|calls?)\b|"
    r"\b(?:a|per|each|every)\s+(?:day|month|week|hour)\b",
    re.I,
)


# A pasted request body: the prompt is its "system" string (JSON escapes undone).
_JSON_SYSTEM_RE = re.compile(r'"system"\s*:\s*"(?P<body>(?:[^"\\]|\\.){12,})"', re.S)
# A line that introduces a paste ("audit pls. runs on sonnet 5.5, ~25k req/day:") and, after a
# blank line, the pasted text. The line must say it is about a prompt, so a pasted layout or
# list of figures after "prompt order:" stays a description.
_INTRO_RE = re.compile(
    r"\A(?P<intro>[^\n]{0,240}\b(?:audit|review|check|trim|tighten|prompt|template|"
    r"instructions)\b[^\n]{0,240}:)[ \t]*\n[ \t]*\n(?P<body>.+)\Z",
    re.I | re.S,
)
MIN_PASTED_WORDS = 15
# A prompt between "---" lines (or after one "---" to the end of the message).
_DASHES_RE = re.compile(
    r"(?:\A|\n)[ \t]*-{3,}[ \t]*\n(?P<body>.+?)(?:\n[ \t]*-{3,}[ \t]*(?=\n|\Z)|\Z)", re.S
)
MIN_DASHED_WORDS = 8
# Text that instructs a model: it speaks to "you" or opens a line with an imperative.
_INSTRUCTS_RE = re.compile(
    r"\b(?:you|your)\b|^\s*(?:answer|be|always|never|do|don't|respond|reply|use|explain|write|"
    r"keep|return|act|summari[sz]e|classify|translate|read|list|include|avoid)\b",
    re.I | re.M,
)


def _is_prose_prompt(block: str, *, min_words: int) -> bool:
    """A block of instructions, not a list of figures: enough words, few of them numbers."""
    words = block.split()
    if len(words) < min_words or not _INSTRUCTS_RE.search(block):
        return False
    return sum(1 for w in words if re.search(r"\d", w)) <= len(words) // 10


def _pasted_block(text: str) -> tuple[str, str] | None:
    """A prompt pasted without quotes: between "---" lines, or as a paragraph of two or more
    lines of instructions (or one after a line ending in a colon) beside the learner's words."""
    m = _DASHES_RE.search(text)
    if m:
        body, meta = _split_meta(m.group("body"))
        if _is_prose_prompt(body, min_words=MIN_DASHED_WORDS):
            return body, _blank(text, m.start(), m.end()) + " " + meta
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    if len(paragraphs) < 2:
        return None
    for i, paragraph in enumerate(paragraphs):
        after_colon = i > 0 and paragraphs[i - 1].rstrip().endswith(":")
        multi_line = len(paragraph.strip().splitlines()) >= 2
        if (after_colon or multi_line) and _is_prose_prompt(paragraph, min_words=MIN_PASTED_WORDS):
            body, meta = _split_meta(paragraph)
            if not body:
                continue
            rest = [p for j, p in enumerate(paragraphs) if j != i]
            return body, "\n\n".join([*rest, meta])
    return None


def extract_prompt(text: str, *, whole_if_unmarked: bool = False) -> tuple[str | None, str]:
    """A prompt pasted in the message: a fenced block, quoted text, or everything after
    "prompt:" (trailing sentences about volume, models or savings are left out). Returns the
    prompt (None when there is none) and the message without it."""
    text = normalize(text)
    m = _FENCE_RE.search(text)
    if m and m.group("body").strip():
        return m.group("body").strip(), _blank(text, m.start(), m.end())
    m = _JSON_SYSTEM_RE.search(text)
    if m and len(m.group("body").split()) >= 3:
        body = m.group("body").replace('\\"', '"').replace("\\n", "\n").strip()
        return body, _blank(text, m.start(), m.end())
    m = _INTRO_RE.match(text)
    if m and len(m.group("body").split()) >= MIN_PASTED_WORDS:
        body, rest = _split_meta(m.group("body"))
        if body and len(body.split()) >= MIN_PASTED_WORDS:
            return body, m.group("intro") + " " + rest
    block = _pasted_block(text)
    if block is not None:
        return block
    label = _PROMPT_LABEL_RE.search(text)
    search_from = label.end() if label else 0
    for pattern in _QUOTE_RES:
        m = pattern.search(text, search_from) or pattern.search(text)
        if m and len(m.group("body").split()) >= 3:
            return m.group("body").strip(), _blank(text, m.start(), m.end())
    if label:
        body, rest = _split_meta(text[label.end() :])
        # "before we audit the prompt: what's it cost?" names the prompt, it does not paste it.
        if body and not _is_question_about_it(body):
            return body, text[: label.start()] + " " + rest
    if whole_if_unmarked and text.strip():
        body, rest = _split_meta(text)
        if body:
            return body, rest
    return None, text


def _is_question_about_it(body: str) -> bool:
    """Text after "prompt:" that is a short question about cost or volume, not a prompt."""
    return len(body.split()) < 25 and body.rstrip().endswith("?") and bool(_META_RE.search(body))


def _split_meta(text: str) -> tuple[str, str]:
    """Split pasted prompt text from trailing sentences about its use (volume, model, savings)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    if len(paragraphs) > 1 and _META_RE.search(paragraphs[-1]):
        return "\n\n".join(paragraphs[:-1]).strip(), paragraphs[-1]
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    rest: list[str] = []
    while len(sentences) > 1 and (
        _META_RE.search(sentences[-1])
        or sentences[-1].endswith("?")
        or _MODEL_RES[1].search(sentences[-1])
    ):
        rest.insert(0, sentences.pop())
    return " ".join(sentences).strip(), " ".join(rest)
