"""The concept base: short answers to the questions learners ask about the lessons' ideas.

Content starts in `content/modules/<module>/concepts/<lesson>.yaml` (format in that folder's
README), which sync_content loads into `labs.Concept` for instructors to edit: a lab turn answers
from the published rows (labs/concept_base.py, set with `using_concept_base`), a direct call to
the tutor with no database from the files. Answers may hold living numbers
(`{{ price MODEL FIELD }}`), filled in from the price table the tutor is given, so a price change
reaches the answers at once.

Retrieval is BM25 (the `bm25s` library: a well-kept, tested implementation; 64 short documents
need no database index, and one in-memory ranker serves SQLite and PostgreSQL alike) over each
concept's title, its sample questions and its keywords, with English stemming from
`snowballstemmer`. `find_concept(question)` returns the best match only when it clears a score
floor and beats the runner-up by a margin, so a question the base does not cover gets no answer
from it rather than a confident wrong one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import bm25s
import snowballstemmer
import yaml

# Below this BM25 score the best match is a coincidence of common words, not the question.
MIN_SCORE = 2.2
# The best match must beat the second by this factor, or the question sits between two ideas.
MIN_MARGIN = 1.08
# A "why" question takes a concept that gives a reason when it scores this share of the best.
REASON_SHARE = 0.75
_STEMMER = snowballstemmer.stemmer("english")
# Words that carry no topic in a learner's question; bm25s's English list would drop "not",
# "no" and "more", which do carry meaning here, so the list is ours.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "than",
        "then",
        "so",
        "and",
        "or",
        "if",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "get",
        "got",
        "am",
        "any",
        "some",
        "just",
        "also",
        "please",
        "pls",
        "thanks",
        "hi",
        "hey",
        "claude",
        "api",
        "really",
        "actually",
        "still",
        "ever",
    ]
)
_WORD = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)*")
# A question asking for a reason, and a concept whose title gives one.
_WHY_QUESTION = re.compile(
    r"\b(?:why|how\s+come|what(?:'s|\s+is)\s+the\s+reason)\b(?!\s+not\b)", re.I
)
_REASON_TITLE = re.compile(r"^\s*why\b", re.I)


def _asks_why(question: str) -> bool:
    return bool(_WHY_QUESTION.search(question))


class ConceptFileError(ValueError):
    """A concept file that does not follow the format; the message names file and concept."""


@dataclass(frozen=True)
class Concept:
    slug: str
    lesson: str
    section: str
    title: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str  # Markdown with living numbers
    module: str
    # Other lessons that teach the idea too: "lesson-slug#section-id".
    also: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return lesson_url(self.module, self.lesson, self.section)

    def also_links(self) -> list[tuple[str, str, str]]:
        """(lesson, section, url) of each other lesson that teaches the idea."""
        out = []
        for item in self.also:
            lesson, _, section = item.partition("#")
            out.append((lesson, section, lesson_url(self.module, lesson, section)))
        return out


def lesson_url(module: str, lesson: str, section: str = "") -> str:
    anchor = f"#{section}" if section else ""
    return f"/modules/{module}/lessons/{lesson}/{anchor}"


@dataclass(frozen=True)
class Match:
    concept: Concept
    score: float
    runner_up: Concept | None
    runner_up_score: float


def words(text: str) -> list[str]:
    """Lower-cased, stemmed content words: what BM25 compares."""
    text = text.lower().replace("\u2019", "'").replace("'s ", " ").replace("n't", " not")
    tokens = [t for t in _WORD.findall(text) if t not in STOPWORDS]
    return _STEMMER.stemWords(tokens)


def read_concepts(path: Path, module: str) -> list[Concept]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConceptFileError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise ConceptFileError(f"{path.name}: expected a mapping with lesson and concepts")
    lesson = str(data.get("lesson") or path.stem)
    out = []
    for i, raw in enumerate(data["concepts"]):
        where = f"{path.name}: concepts[{i}]"
        if not isinstance(raw, dict):
            raise ConceptFileError(f"{where}: expected a mapping")
        for key in ("slug", "title", "answer"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise ConceptFileError(f"{where}: {key}: missing")
        known = {"slug", "section", "title", "questions", "keywords", "answer", "also"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConceptFileError(f"{where}: {unknown[0]}: unknown key")
        questions = raw.get("questions") or []
        keywords = raw.get("keywords") or []
        also = raw.get("also") or []
        if not all(isinstance(x, list) for x in (questions, keywords, also)):
            raise ConceptFileError(f"{where}: questions, keywords and also are lists")
        for item in also:
            if not isinstance(item, str) or not re.fullmatch(r"[a-z0-9-]+(#[a-z0-9_-]+)?", item):
                raise ConceptFileError(f"{where}: also: write lesson-slug#section-id, got {item!r}")
        out.append(
            Concept(
                slug=raw["slug"],
                lesson=lesson,
                section=str(raw.get("section") or ""),
                title=raw["title"].strip(),
                questions=tuple(str(q) for q in questions),
                keywords=tuple(str(k) for k in keywords),
                answer=raw["answer"].strip(),
                module=module,
                also=tuple(also),
            )
        )
    return out


def _module_slug(module_dir: Path) -> str:
    try:
        data = yaml.safe_load((module_dir / "module.yaml").read_text(encoding="utf-8"))
        return str(data.get("slug") or module_dir.name)
    except (OSError, yaml.YAMLError, AttributeError):
        return module_dir.name


def load_concepts(content_dir: Path) -> list[Concept]:
    concepts: list[Concept] = []
    seen: set[str] = set()
    for module_dir in sorted(p for p in content_dir.glob("modules/*") if p.is_dir()):
        module = _module_slug(module_dir)
        for path in sorted(module_dir.glob("concepts/*.yaml")):
            for concept in read_concepts(path, module):
                if concept.slug in seen:
                    raise ConceptFileError(f"{path.name}: {concept.slug}: slug used twice")
                seen.add(concept.slug)
                concepts.append(concept)
    return concepts


class ConceptBase:
    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = concepts
        self._lock = threading.Lock()
        documents = []
        for c in concepts:
            # The title and the sample questions say how learners ask; keywords twice, since
            # they are the author's own statement of the topic.
            text = " ".join([c.title, *c.questions, *c.keywords, *c.keywords])
            documents.append(words(text))
        self.ranker = bm25s.BM25()
        if documents:
            self.ranker.index(documents, show_progress=False)

    def rank(self, question: str, k: int = 3) -> list[tuple[Concept, float]]:
        query = [w for w in words(question) if w]
        if not query or not self.concepts:
            return []
        vocabulary = self.ranker.vocab_dict
        query = [w for w in query if w in vocabulary]
        if not query:
            return []
        with self._lock:  # bm25s keeps scratch state per call
            scores = self.ranker.get_scores(query)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [(self.concepts[i], float(scores[i])) for i in order if scores[i] > 0]

    def find(self, question: str) -> Match | None:
        ranked = self.rank(question)
        if not ranked:
            return None
        best, score = ranked[0]
        runner, runner_score = ranked[1] if len(ranked) > 1 else (None, 0.0)
        if score < MIN_SCORE:
            return None
        if _asks_why(question) and not _REASON_TITLE.match(best.title):
            # "why" is a stopword to BM25, yet it is what tells "why is output 5x?" (a reason)
            # from "is output always 5x?" (a fact): a close concept that gives the reason
            # answers first, and the fact is offered after it.
            reason = next(
                ((c, s) for c, s in ranked[1:] if _REASON_TITLE.match(c.title)
                 and s >= MIN_SCORE and s >= score * REASON_SHARE),
                None,
            )  # fmt: skip
            if reason is not None:
                return Match(reason[0], reason[1], best, score)
        if runner is not None and runner.slug != best.slug and score < runner_score * MIN_MARGIN:
            # Two ideas fit about as well: better to ask which one than to pick.
            return Match(best, score, runner, runner_score)
        return Match(best, score, None, runner_score)


@lru_cache(maxsize=4)
def _base_for(content_dir: str, stamp: tuple[Any, ...]) -> ConceptBase:
    return ConceptBase(load_concepts(Path(content_dir)))


# The base the tutor answers from in this turn. `labs.conversation.run_turn` (every turn a learner,
# an instructor's trial or `manage.py lab` asks) sets the published base from the database
# (labs/concept_base.py); a direct call to the tutor with none set, as the offline golden
# evaluation makes without a database, reads the files.
_current: ContextVar[ConceptBase | None] = ContextVar("concept_base", default=None)


@contextmanager
def using_concept_base(base: ConceptBase) -> Iterator[ConceptBase]:
    token = _current.set(base)
    try:
        yield base
    finally:
        _current.reset(token)


def concept_base(content_dir: Path | None = None) -> ConceptBase:
    """The base set by `using_concept_base`; otherwise the one in `content_dir`'s files,
    rebuilt when a concept file changes."""
    current = _current.get()
    if current is not None and content_dir is None:
        return current
    if content_dir is None:
        from django.conf import settings

        content_dir = Path(settings.CONTENT_DIR)
    files = sorted(content_dir.glob("modules/*/concepts/*.yaml"))
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _base_for(str(content_dir), stamp)
