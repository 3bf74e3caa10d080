"""The lesson's "On this page" outline: built from the headings' own ids, so every section the
concept base and the labs link to is both a heading on the page and an entry in the outline."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.outline import lesson_outline
from labs.tutor.concepts import load_concepts

pytestmark = pytest.mark.django_db

MODULE = "/modules/cost-optimization/lessons/"
LESSON = MODULE + "prompt-caching/"
# A section link written into an offline tutor's text: "/lessons/<slug>/#<id>" or
# f"...({LESSON}#<id>)" with LESSON a lesson's address in that module.
LITERAL_LINK = re.compile(r"/lessons/([a-z0-9-]+)/#([a-z0-9-]+)")
CONSTANT = re.compile(r'^LESSON = "/modules/[a-z0-9-]+/lessons/([a-z0-9-]+)/"', re.M)
CONSTANT_LINK = re.compile(r"\{LESSON\}#([a-z0-9-]+)")


def outline_links(html: str) -> list[str]:
    block = re.search(r'<aside class="outline-desktop">(.*?)</aside>', html, re.S)
    assert block, "no desktop outline on the page"
    return re.findall(r'href="#([^"]+)"', block[1])


def section_links_in_the_labs() -> set[tuple[str, str]]:
    links: set[tuple[str, str]] = set()
    for path in Path(settings.BASE_DIR, "labs").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        links |= set(LITERAL_LINK.findall(source))
        constant = CONSTANT.search(source)
        if constant:
            links |= {(constant[1], anchor) for anchor in CONSTANT_LINK.findall(source)}
    return links


def test_the_outline_lists_every_section_and_subsection_in_page_order(client, learner, course):
    client.force_login(learner)
    html = client.get(LESSON).content.decode()
    body = course.lessons.get(slug="prompt-caching").body_html
    headings = re.findall(r'<h[23] id="([^"]+)"', body)
    assert len(headings) > 5
    assert outline_links(html) == [*headings, "key-terms"]
    assert "On this page" in html
    # The phone's copy is a <details> (collapsible without JavaScript), closed to begin with.
    assert re.search(
        r'<details class="lesson-outline outline-phone">\s*<summary>On this page', html
    )


def test_outline_entries_read_as_the_heading_without_its_permalink(course):
    body = course.lessons.get(slug="prompt-caching").body_html
    first = lesson_outline(body)[0]
    assert first.text == "How prompt caching works"
    assert first.anchor == "how-prompt-caching-works"
    assert [child.text for child in first.children] == ["A prefix, matched exactly"]


def test_an_h3_before_any_h2_stands_on_its_own():
    outline = lesson_outline('<h3 id="a">A</h3><h2 id="b">B <code>x</code></h2><h3 id="c">C</h3>')
    assert [(e.level, e.anchor, e.text) for e in outline] == [(3, "a", "A"), (2, "b", "B x")]
    assert [e.anchor for e in outline[1].children] == ["c"]


def test_every_section_the_concept_base_and_the_labs_link_to_is_a_heading_and_an_outline_entry(
    client, learner, course
):
    client.force_login(learner)
    targets: set[tuple[str, str]] = section_links_in_the_labs()
    for concept in load_concepts(Path(settings.CONTENT_DIR)):
        targets.add((concept.lesson, concept.section))
        for lesson, section, _url in concept.also_links():
            targets.add((lesson, section))
    assert ("model-selection", "measure-first") in targets  # the lab links were found
    assert len(targets) > 40
    pages: dict[str, str] = {}
    for lesson, section in sorted(targets):
        if lesson not in pages:
            response = client.get(f"{MODULE}{lesson}/")
            assert response.status_code == 200, lesson
            pages[lesson] = response.content.decode()
        assert f'id="{section}"' in pages[lesson], (lesson, section)
        assert section in outline_links(pages[lesson]), (lesson, section)
