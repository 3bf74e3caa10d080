"""The reply to a concept question: the concept base's answer, its living numbers filled in
from the price table, and the lesson section to read."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from labs.calculator.pricing import PriceTable

from .concepts import Concept, Match

_SHORTCODE = re.compile(r"\{\{\s*((?:price|model|calc)\b[^{}]*?)\s*\}\}")


def fill_living_numbers(markdown: str, table: PriceTable) -> str:
    """The concept's Markdown with each living number replaced by its value as plain text."""
    from courses.rendering import LivingNumberError, evaluate_shortcode

    def value(match: re.Match[str]) -> str:
        try:
            return evaluate_shortcode(match[1].strip(), table)[0]
        except LivingNumberError:
            return "(a figure the price table cannot give)"

    return _SHORTCODE.sub(value, markdown)


_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*$", re.M)


@lru_cache(maxsize=16)
def _lesson_titles(content_dir: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Lesson titles by slug, and heading texts by (lesson slug, heading anchor)."""
    from markdown.extensions.toc import slugify

    titles: dict[str, str] = {}
    headings: dict[tuple[str, str], str] = {}
    for path in Path(content_dir).glob("modules/*/lessons/*.md"):
        head = path.read_text(encoding="utf-8").split("---", 2)
        if len(head) != 3:
            continue
        slug = title = ""
        for line in head[1].splitlines():
            key, _, val = line.partition(":")
            if key.strip() == "slug":
                slug = val.strip()
            elif key.strip() == "title":
                title = val.strip()
        titles[slug] = title or slug
        for text in _HEADING.findall(head[2]):
            headings[(slug, slugify(text, "-"))] = text.replace("`", "")
    return titles, headings


def lesson_title(slug: str) -> str:
    from django.conf import settings

    titles, _ = _lesson_titles(str(settings.CONTENT_DIR))
    return titles.get(slug, slug.replace("-", " ").capitalize())


def section_title(concept: Concept) -> str:
    from django.conf import settings

    if not concept.section:
        return ""
    _, headings = _lesson_titles(str(settings.CONTENT_DIR))
    return headings.get(
        (concept.lesson, concept.section), concept.section.replace("-", " ").capitalize()
    )


def _where(lesson: str, section: str) -> str:
    from django.conf import settings

    where = lesson_title(lesson)
    if section:
        _, headings = _lesson_titles(str(settings.CONTENT_DIR))
        heading = headings.get((lesson, section), section.replace("-", " ").capitalize())
        where += f" \u203a {heading}"
    return where


def link(concept: Concept) -> str:
    return f"[{_where(concept.lesson, concept.section)}]({concept.url})"


def also_links(concept: Concept) -> str:
    return ", ".join(
        f"[{_where(lesson, section)}]({url})" for lesson, section, url in concept.also_links()
    )


def concept_text(matches: list[Match], table: PriceTable) -> str:
    """One answer per concept asked about, each with its lesson section; a close runner-up of
    a single question is named, so a near miss costs the learner one click, not a wrong idea."""
    parts = []
    for match in matches:
        concept = match.concept
        read_more = f"Read more in {link(concept)}"
        if concept.also:
            read_more += f"; also in {also_links(concept)}"
        parts += [
            f"**{concept.title}**",
            fill_living_numbers(concept.answer, table),
            read_more + ".",
        ]
    only = matches[0] if len(matches) == 1 else None
    if only is not None and only.runner_up is not None:
        parts.append(
            f"If you meant something closer to \u201c{only.runner_up.title}\u201d, see "
            f"{link(only.runner_up)}, or ask me that directly."
        )
    return "\n\n".join(parts) + "\n"


_VARYING_NAMES = {"documents": "retrieved chunks or documents", "examples": "few-shot examples"}


def varying_text(varying: list[str]) -> str:
    """The learner's own qualifier applied before a concept answer: parts that differ on every
    call ("the retrieved chunks differ on every call") can never be read back from a cache."""
    names = [_VARYING_NAMES.get(p, p) for p in varying]
    if not names:
        return ""
    what = " and ".join(names)
    fewer = (
        "retrieve fewer, shorter, better-ranked chunks"
        if "documents" in varying
        else "send fewer, shorter examples"
    )
    return (
        f"You say the {what} differ on every call. Then a cache entry for them would be "
        "written on every call and never read, so caching them costs more than sending them "
        "plainly: only the stable prefix before them (tools, system prompt) can be cached. What "
        f"cuts their cost is sending less: {fewer}, and check on your test set that the answers "
        "hold up.\n\n"
    )


def off_topic_text(topic: str, capabilities: list[str], example: str) -> str:
    """A polite no for a request outside the course, and the way back to the lab."""
    things = "\n".join(f"- {c}" for c in capabilities)
    return (
        f"That's outside what I can help with here: this lab is about {topic}, and every "
        "figure I give comes from the course calculator.\n\n"
        f"In this lab I can work out:\n\n{things}\n\n"
        f"For example, try:\n\n> {example}\n"
    )
