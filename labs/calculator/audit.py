"""Prompt audit: find the tokens a prompt pays for without need, and trim them.

Deterministic rules, applied sentence by sentence (a sentence ends at . ! or ? followed by a
space; every line is at least one sentence):

- empty_preamble: a "You are ..." / "As an AI ..." sentence carrying flattery ("incredibly
  helpful", "world-class", "brilliant"...). The rewrite drops the flattery words and drops the
  sentence when only a generic role is left ("You are an assistant.").
- filler: politeness and pep talk that changes nothing ("Take a deep breath", "Thank you").
  Dropped.
- repetition: a sentence equal to an earlier one once case and punctuation are ignored, or
  sharing at least 80% of its words with an earlier one (both 4+ words). The later copy is
  dropped.
- length_inviting_words: "thorough", "comprehensive", "detailed", "in-depth", "exhaustive",
  "extensive", "elaborate", "verbose", "in great detail", "as much detail as possible"... The
  rewrite turns a run of such adjectives into "concise", the adverbs into "briefly", and drops
  the "in detail" phrases.
- no_output_format: nothing names a format (JSON, a list, a table, "reply with"...).
- no_length_bound: nothing bounds the length ("at most 3 sentences", "under 100 words",
  "brief", "concise"...).

The last two cannot be fixed by trimming; they come back as `suggested_additions`. Token counts
are estimates (about 4 characters a token); the dollar saving counts input tokens only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .caching import DAYS_PER_MONTH, PERIOD_ASSUMPTION, PERIOD_MINUTES, check_choice
from .calls import check_count, model_warnings, token_cost
from .errors import CalculatorError
from .pricing import Model
from .tokens import ESTIMATE_LABEL, estimate_tokens

_INTENSIFIERS = r"incredibly|extremely|very|highly|super|truly|really|amazingly|exceptionally"
_FLATTERY = (
    r"helpful|smart|intelligent|brilliant|amazing|genius|world[- ]class|knowledgeable|"
    r"capable|talented|wonderful|excellent|outstanding|top[- ]notch|friendly|kind|patient|"
    r"caring|polite|cheerful|enthusiastic|eager"
)
# "... who loves helping people": a warm clause that instructs nothing.
_WARM_CLAUSE = re.compile(
    r",?\s*(?:who|that)\s+(?:always\s+)?(?:loves?|likes?|enjoys?|is (?:always )?(?:happy|glad|"
    r"eager))\s+(?:to\s+)?(?:help(?:ing)?|assist(?:ing)?)(?:\s+(?:people|users|everyone|"
    r"customers|others))?",
    re.I,
)
# What is left of a sentence once its length words are gone, if it asked nothing else.
_DIRECTIVE_ONLY = {
    "please", "always", "remember", "to", "be", "and", "answer", "answers", "respond", "reply",
    "concise", "briefly", "the", "a", "in", "your", "you", "should", "must", "make", "sure",
    "that", "are", "also", "every", "time", "give", "write", "keep", "it",
}  # fmt: skip
_FLATTERY_WORD = re.compile(rf"\b(?:{_FLATTERY})\b", re.I)
_ROLE_START = re.compile(r"^\s*(?:you are|you're|as an? (?:ai|assistant|language model))\b", re.I)
_FLATTERY_RUN = re.compile(
    rf"\b(?:(?:{_INTENSIFIERS})\s+)*(?:{_FLATTERY})\b(?:\s*(?:,|and)\s*(?:(?:{_INTENSIFIERS})\s+)*"
    rf"(?:{_FLATTERY})\b)*(?:\s+and)?",
    re.I,
)
# A list of describing words in a role sentence ("an incredibly intelligent, empathetic and
# world-class customer support AI"): when it holds flattery, the whole list goes, so the rewrite
# does not keep a stray "an, empathetic and". An item is an adjective-looking word.
_ADJ_ITEM = (
    rf"(?:(?:{_INTENSIFIERS})\s+)?(?:{_FLATTERY}|[a-z-]+(?:ic|ful|ive|ous|ent|ant|al|ate|able|"
    r"ible|-class|-notch))"
)
_ADJ_LIST = re.compile(
    rf"\b{_ADJ_ITEM}(?:\s*,\s*{_ADJ_ITEM})*(?:,?\s+and\s+{_ADJ_ITEM})?(?=\s+[a-z])", re.I
)


def _drop_flattery(sentence: str) -> str:
    """The role sentence without its flattering words."""

    def drop(m: re.Match[str]) -> str:
        return (
            ""
            if _FLATTERY_WORD.search(m.group(0)) and re.search(r",|\band\b", m.group(0))
            else m.group(0)
        )

    dropped = _FLATTERY_RUN.sub("", _ADJ_LIST.sub(drop, sentence))
    return re.sub(r"\b([Aa]n?|[Tt]he)\s*,\s*", r"\1 ", dropped)  # "a, precise" -> "a precise"


_GENERIC_ROLE = re.compile(
    r"^\s*(?:you are|you're)\s+(?:an?|the)\s+(?:ai\s+)?(?:assistant|ai|chatbot|bot|"
    r"language model|model|helper)\s*[.!]?\s*$",
    re.I,
)
_FILLER = re.compile(
    r"^\s*(?:take a deep breath|thank you|thanks|i (?:would|will) (?:really )?appreciate|"
    r"please do your best|do your best|you can do (?:it|this)|good luck|"
    # Pep talk about the model itself: it constrains nothing the answer must do.
    r"you (?:really |truly )?(?:love|enjoy|like) (?:helping|to help|assisting)|"
    r"you are the (?:best|greatest|smartest|most \w+) \w+(?: \w+)? in the world|"
    r"you always go above and beyond)\b",
    re.I,
)
_LENGTH_ADJ = r"thorough|comprehensive|detailed|in[- ]depth|exhaustive|extensive|elaborate|verbose"
_LENGTH_ADV = r"thoroughly|comprehensively|exhaustively|extensively|elaborately|verbosely"
_LENGTH_WORDS = re.compile(
    rf"\b(?:{_LENGTH_ADJ}|{_LENGTH_ADV})\b|\bin (?:great |full |complete )?detail\b|"
    r"\bas (?:much detail|detailed|thorough|comprehensive|complete) as possible\b|"
    r"\bleave nothing out\b|\b(?:cover|explain) everything\b",
    re.I,
)
_LENGTH_ADJ_RUN = re.compile(
    rf"\b(?:(?:very|extremely|highly|really)\s+)?(?:{_LENGTH_ADJ})\b"
    rf"(?:\s*(?:,|and|or)\s*(?:(?:very|extremely|highly|really)\s+)?(?:{_LENGTH_ADJ})\b)*",
    re.I,
)
_FORMAT = re.compile(
    r"\b(?:json|yaml|xml|csv|markdown|html|bullet(?:ed)?|bullets|numbered|list|table|heading|"
    r"headings|format(?:ted)?|template|schema|respond (?:only )?with|reply (?:only )?with|"
    r"answer (?:only )?with|return (?:only )?(?:a|an|the)|in the form of|one word|one line|"
    r"yes or no)\b",
    re.I,
)
_LENGTH_BOUND = re.compile(
    r"\b(?:at most|no more than|not more than|fewer than|less than|under|maximum|max|limit|"
    r"up to|within)\s+\d+|\b\d+\s*(?:words?|sentences?|lines?|paragraphs?|bullets?|"
    r"bullet points?|items?|tokens?|characters?)\b|\b(?:one|two|three|four|five|a single)\s+"
    r"(?:words?|sentences?|lines?|paragraphs?|bullets?)\b|\b(?:brief|briefly|concise|concisely|"
    r"short|succinct|terse)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class PromptAudit:
    text: str
    rewrite: str
    findings: tuple[Finding, ...]
    suggested_additions: tuple[str, ...]
    model: Model | None = None
    requests: int | None = None
    per: str = "day"

    @property
    def tokens_estimate(self) -> int:
        return estimate_tokens(self.text)

    @property
    def rewrite_tokens_estimate(self) -> int:
        return estimate_tokens(self.rewrite)

    @property
    def tokens_saved(self) -> int:
        return self.tokens_estimate - self.rewrite_tokens_estimate

    @property
    def saving_usd(self) -> Decimal | None:
        """Input dollars saved per period at the model's standard input price."""
        if self.model is None or self.requests is None:
            return None
        return token_cost(self.tokens_saved * self.requests, self.model.prices.input)

    @property
    def saving_per_month_usd(self) -> Decimal | None:
        saving = self.saving_usd
        if saving is None:
            return None
        return saving * DAYS_PER_MONTH if self.per == "day" else saving

    def as_dict(self) -> dict[str, Any]:
        assumptions = [
            f"Token counts are an {ESTIMATE_LABEL}.",
            "The rewrite only trims; the suggested additions (a format, a length bound) cut "
            "output tokens, which this audit cannot measure.",
        ]
        if self.model is not None:
            assumptions += [
                f"The saving is input tokens only, at {self.model.display_name}'s input price, "
                f"per {self.per}.",
                PERIOD_ASSUMPTION,
            ]
        return {
            "command": "audit",
            "characters": len(self.text),
            "tokens_estimate": self.tokens_estimate,
            "findings": [f.as_dict() for f in self.findings],
            "rewrite": self.rewrite,
            "rewrite_tokens_estimate": self.rewrite_tokens_estimate,
            "tokens_saved": self.tokens_saved,
            "suggested_additions": list(self.suggested_additions),
            "model": self.model.id if self.model else None,
            "requests": self.requests,
            "per": self.per,
            "saving_usd": self.saving_usd,
            "saving_per_month_usd": self.saving_per_month_usd,
            "assumptions": assumptions,
            "warnings": model_warnings(self.model) if self.model else [],
        }


def audit_prompt(
    text: str, model: Model | None = None, requests: int | None = None, per: str = "day"
) -> PromptAudit:
    """Audit a prompt; with a model and a request volume, price the trimmed tokens."""
    if not isinstance(text, str) or not text.strip():
        raise CalculatorError("the prompt to audit is empty")
    check_choice("per", per, PERIOD_MINUTES)
    if requests is not None:
        check_count("requests", requests)
    if (model is None) != (requests is None):
        raise CalculatorError("give both a model and a number of requests to price the saving")
    findings: list[Finding] = []
    seen: list[tuple[str, set[str], str]] = []
    out_lines: list[str] = []
    state = {"length_directive": ""}
    for line in text.splitlines():
        kept: list[str] = []
        for sentence in (s for s in _SENTENCE_END.split(line) if s.strip()):
            new = _audit_sentence(sentence, findings, seen, state)
            if new:
                kept.append(new)
        if kept or not line.strip():  # a line whose every sentence was dropped goes too
            out_lines.append(" ".join(kept))
    rewrite = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in out_lines)).strip()

    additions = []
    if not _FORMAT.search(text):
        findings.append(
            Finding("no_output_format", "The prompt never says what form the answer takes.")
        )
        additions.append('Name the output format, e.g. "Reply as a bulleted list."')
    if not _LENGTH_BOUND.search(text):
        findings.append(
            Finding("no_length_bound", "Nothing bounds the answer's length, so output can run on.")
        )
        additions.append('Bound the length, e.g. "Answer in at most 3 sentences."')
    return PromptAudit(text, rewrite, tuple(findings), tuple(additions), model, requests, per)


def _words(sentence: str) -> set[str]:
    return set(_WORD.findall(sentence.lower()))


def _norm(sentence: str) -> str:
    return " ".join(_WORD.findall(sentence.lower()))


def _quote(sentence: str, limit: int = 60) -> str:
    s = " ".join(sentence.split())
    return f'"{s if len(s) <= limit else s[: limit - 3] + "..."}"'


def _audit_sentence(
    sentence: str,
    findings: list[Finding],
    seen: list[tuple[str, set[str], str]],
    state: dict[str, str],
) -> str:
    """Return the sentence as the rewrite keeps it ("" to drop it), recording findings."""
    stripped = " ".join(sentence.split())
    if _FILLER.match(stripped):
        findings.append(Finding("filler", f"{_quote(stripped)} changes nothing: drop it."))
        return ""
    norm, words = _norm(stripped), _words(stripped)
    for earlier_norm, earlier_words, earlier in seen:
        same = len(words) >= 2 and norm == earlier_norm
        overlap = (
            len(words) >= 4
            and len(earlier_words) >= 4
            and len(words & earlier_words) / len(words | earlier_words) >= 0.8
        )
        if same or overlap:
            findings.append(
                Finding("repetition", f"{_quote(stripped)} repeats {_quote(earlier)}: say it once.")
            )
            return ""
        if len(earlier_words) >= 3 and norm.startswith(earlier_norm + " "):
            # "You are a helpful assistant. You are a helpful assistant that writes ...": the
            # later sentence says the earlier one again and more; the earlier copy is the waste.
            findings.append(
                Finding(
                    "repetition",
                    f"{_quote(stripped)} repeats {_quote(earlier)} word for word before adding "
                    "to it: say it once.",
                )
            )
    seen.append((norm, words, stripped))

    result = stripped
    if _ROLE_START.match(result) and _FLATTERY_WORD.search(result):
        findings.append(
            Finding(
                "empty_preamble",
                f"{_quote(stripped)} flatters instead of instructing: keep only the role.",
            )
        )
        result = _WARM_CLAUSE.sub("", _drop_flattery(result))
        result = _tidy(_fix_articles(result))
        if _GENERIC_ROLE.match(result) or not _words(result) - {"you", "are", "a", "an", "the"}:
            return ""
    hits = [m.group(0) for m in _LENGTH_WORDS.finditer(result)]
    if hits:
        words_found = ", ".join(dict.fromkeys(h.lower() for h in hits))
        findings.append(
            Finding(
                "length_inviting_words",
                f"{words_found} invite{'s' if len(hits) == 1 else ''} a long answer; "
                "ask for a concise one.",
            )
        )
        result = re.sub(
            r"\s*(?:with |in )?as (?:much detail|detailed|thorough|comprehensive|complete) "
            r"as possible",
            "",
            result,
            flags=re.I,
        )
        result = re.sub(r"\s*in (?:great |full |complete )?detail\b", "", result, flags=re.I)
        result = re.sub(
            r"\s*\b(?:leave nothing out|(?:cover|explain) everything)\b", "", result, flags=re.I
        )
        result = re.sub(rf"\b(?:{_LENGTH_ADV})\b", "briefly", result, flags=re.I)
        result = _LENGTH_ADJ_RUN.sub(_concise, result)
        result = _tidy(_fix_articles(result))
        # "Make sure to explain everything in full detail so the customer understands": with
        # the length words gone only the reason for them is left, so the sentence asked for
        # length and nothing else.
        purpose_only = re.match(
            r"^\s*(?:(?:please\s+)?(?:make sure|be sure|ensure)\s+(?:to\s+)?)?so\b", result, re.I
        )
        if purpose_only or not _words(result) - _DIRECTIVE_ONLY:
            # The sentence only asked for length. Say "be concise" once.
            if state["length_directive"]:
                findings.append(
                    Finding(
                        "repetition",
                        f"{_quote(stripped)} repeats the length instruction of "
                        f"{_quote(state['length_directive'])}: say it once.",
                    )
                )
                return ""
            state["length_directive"] = stripped
            return "Be concise."
    return result


def _concise(match: re.Match[str]) -> str:
    return "Concise" if match.group(0)[:1].isupper() else "concise"


def _needs_an(word: str) -> bool:
    w = word.lower()
    if w.startswith(("hour", "honest", "honor", "honour", "heir")):
        return True
    if w.startswith(("one", "once", "uni", "use", "usu", "uti", "eu")):
        return False
    return w[:1] in "aeiou"


def _fix_articles(text: str) -> str:
    """Make "a"/"an" agree with the word that now follows it (after a word was removed)."""

    def article(m: re.Match[str]) -> str:
        word, following = m.group(1), m.group(2)
        fixed = "an" if _needs_an(following) else "a"
        return (fixed.capitalize() if word[:1].isupper() else fixed) + " " + following

    return re.sub(r"\b(an?)\s+([A-Za-z][\w-]*)", article, text)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*(?=[.!?])", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^[,;:\s]+", "", text)
    if re.fullmatch(r"[\W_]*", text):
        return ""
    return text[0].upper() + text[1:] if text[0].islower() else text
