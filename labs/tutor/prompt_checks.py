"""What the prompt auditor checks on top of the calculator's audit: the wording that pads a prompt
without instructing anything ("Please always make sure to", "It is very important that", "I want
you to") and instructions injected into a pasted prompt ("Ignore all previous instructions").

Both are removed from the trimmed version. An injected instruction is material to report, never
an instruction to the tutor. Each row of a table is one phrasing; a new phrasing is a new row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Padding phrases: removing them leaves the instruction they wrap ("Please always make sure to
# read the message" -> "Read the message").
PADDING: list[str] = [
    r"(?:please\s+)?(?:always\s+)?(?:make\s+sure|ensure|be\s+sure)\s+(?:that\s+)?(?:you\s+)?"
    r"(?:always\s+)?(?:to\s+)?",
    r"it\s+is\s+(?:very\s+|really\s+|extremely\s+|super\s+)?(?:important|crucial|essential|vital)"
    r"\s+(?:that\s+)?(?:you\s+)?(?:always\s+)?(?:to\s+)?",
    r"i\s+(?:want|need|would\s+like)\s+you\s+to\s+",
    r"(?:please\s+)?remember(?:\s+that|\s+to(?=\s+\w))?\s*[:,-]?\s*",
    r"please\s+",
    r"(?:you\s+should|you\s+must)\s+always\s+",
]
_PADDING_RE = re.compile(r"^\s*(?:" + "|".join(PADDING) + r")", re.I)
# Clauses inside a sentence that instruct nothing ("at all times", "and you love helping
# customers").
_EMPTY_CLAUSE_RE = re.compile(
    r",?\s+at\s+all\s+times\b|,?\s+no\s+matter\s+what\b|,?\s+and\s+(?:you\s+)?(?:really\s+)?"
    r"(?:love|loves|enjoy|enjoys|like|likes)\s+(?:helping|assisting|to\s+help)(?:\s+(?:people|"
    r"users|customers|everyone|developers|others))?",
    re.I,
)
_STOP = {
    "the", "a", "an", "and", "or", "so", "to", "of", "in", "on", "for", "you", "your", "are",
    "is", "be", "it", "that", "this", "with", "our", "we", "as", "at", "all", "their",
    "remember", "please", "always", "make", "sure", "again", "also", "never", "forget",
}  # fmt: skip
_WORD_RE = re.compile(r"[a-z']+")

# Injected instructions: a line that tries to take over the model, not to do the task.
INJECTIONS: list[str] = [
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|"
    r"earlier|preceding|other|your)\s+(?:instructions?|prompts?|rules?|directions?)",
    r"\byou\s+are\s+now\s+(?:in\s+)?(?:admin|developer|god|debug|jailbreak|dan|unrestricted)\b",
    r"\b(?:print|reveal|show|list|give|output)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:correct\s+|right\s+)?"
    r"answers?\s+(?:to|of|for)\b",
    r"\b(?:module|final)\s+(?:\d+\s+)?test\s+answers?\b",
    r"\bsystem\s+override\b|\bnew\s+instructions?\s*:",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in INJECTIONS), re.I)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Checks:
    """What the extra checks found, and the rewrite without it."""

    rewrite: str
    padding: list[str] = field(default_factory=list)  # the phrases removed
    injected: list[str] = field(default_factory=list)  # the sentences removed
    repeated: list[str] = field(default_factory=list)  # sentences that say nothing new

    @property
    def removed_text(self) -> str:
        return " ".join(self.padding + self.injected + self.repeated)


def find_injections(prompt: str) -> list[str]:
    """The sentences of `prompt` that try to take over the model."""
    out = []
    for line in prompt.splitlines():
        for sentence in _SENTENCE_RE.split(line):
            if sentence.strip() and _INJECTION_RE.search(sentence):
                out.append(sentence.strip())
    return out


def _content(sentence: str) -> set[str]:
    return {w for w in _WORD_RE.findall(sentence.lower()) if w not in _STOP and len(w) > 2}


def check_rewrite(rewrite: str, injected: list[str], original: str = "") -> Checks:
    """The calculator's rewrite with padding phrases and injected sentences taken out, each
    sentence starting with a capital letter, so the trimmed version reads as sentences."""
    checks = Checks(rewrite="", injected=list(injected))
    lines = []
    said: set[str] = set()
    for line in rewrite.splitlines():
        kept = []
        for sentence in _SENTENCE_RE.split(line):
            if not sentence.strip():
                continue
            if any(_same(sentence, s) for s in injected) or _INJECTION_RE.search(sentence):
                continue
            words = _content(sentence)
            where = original.lower().find(sentence.strip().lower()[:40])
            before = said | (_content(original[:where]) if where > 0 else set())
            if len(words) >= 4 and len(words & before) / len(words) >= 0.85:
                # Everything it says was said before ("Remember: you are a helpful assistant,
                # so always be polite"): the later copy goes.
                checks.repeated.append(sentence.strip())
                continue
            said |= words
            kept.append(_unpad(sentence, checks))
        if kept or not line.strip():
            lines.append(" ".join(s for s in kept if s))
    checks.rewrite = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return checks


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) in " ".join(b.lower().split())


def _unpad(sentence: str, checks: Checks) -> str:
    text = sentence
    while True:
        m = _PADDING_RE.match(text)
        if not m or not m.group(0).strip():
            break
        checks.padding.append(m.group(0).strip())
        text = text[m.end() :]
    for tail in list(_EMPTY_CLAUSE_RE.finditer(text))[::-1]:
        checks.padding.append(tail.group(0).strip(" ,"))
        text = text[: tail.start()] + text[tail.end() :]
    text = text.strip()
    if not re.search(r"[A-Za-z]", text):
        return ""
    return text[0].upper() + text[1:]
