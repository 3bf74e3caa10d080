"""The concept base the offline tutor answers idea questions from (content/.../concepts/)."""

import re
from pathlib import Path

import pytest
import yaml

from courses.rendering import render_markdown
from tests.conftest import ROOT

CONCEPTS = ROOT / "content" / "modules" / "07-cost-optimization" / "concepts"
REFERENCE = ROOT.parent / "shared" / "reference"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING_ID = re.compile(r'<h([23])[^>]*\bid="([^"]+)"')
RUN = 9  # words: a run this long shared with a lesson or a reference file is a copied sentence


def load_concepts() -> dict[str, list[dict]]:
    by_lesson = {}
    for path in sorted(CONCEPTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert data["lesson"] == path.stem, path.name
        by_lesson[data["lesson"]] = data["concepts"]
    return by_lesson


def all_concepts() -> list[dict]:
    return [concept for concepts in load_concepts().values() for concept in concepts]


def headings(body_html: str) -> dict[str, str]:
    """Heading id -> level ('2' or '3') of a rendered lesson."""
    return {anchor: level for level, anchor in HEADING_ID.findall(body_html)}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%.,'-]+", text.lower())


def test_every_lesson_has_at_least_sixteen_concepts(course_sources):
    (module,) = course_sources
    by_lesson = load_concepts()
    assert sorted(by_lesson) == sorted(lesson.slug for lesson in module.lessons)
    assert all(len(concepts) >= 16 for concepts in by_lesson.values()), {
        lesson: len(concepts) for lesson, concepts in by_lesson.items()
    }


def test_each_concept_has_the_fields_in_the_format():
    for c in all_concepts():
        assert set(c) - {"also"} == {
            "slug",
            "section",
            "title",
            "questions",
            "keywords",
            "answer",
        }, c
        assert SLUG.match(c["slug"]), c["slug"]
        assert c["title"].endswith("?"), c["slug"]
        assert 4 <= len(c["questions"]) <= 6, c["slug"]
        assert all(isinstance(q, str) and q.strip() for q in c["questions"]), c["slug"]
        assert len(set(q.lower() for q in c["questions"])) == len(c["questions"]), c["slug"]
        assert c["keywords"] and all(isinstance(k, str) and k for k in c["keywords"]), c["slug"]
        sentences = re.findall(r"[.!?](?:\s|$)", c["answer"].strip())
        assert 2 <= len(sentences) <= 5, (c["slug"], len(sentences))


def test_slugs_are_unique_across_all_files():
    slugs = [c["slug"] for c in all_concepts()]
    assert len(slugs) == len(set(slugs)), sorted(s for s in slugs if slugs.count(s) > 1)


def test_each_section_is_a_heading_of_its_lesson_and_every_h2_is_covered(course_sources):
    (module,) = course_sources
    by_lesson = load_concepts()
    for lesson in module.lessons:
        ids = headings(lesson.body_html)
        used = {c["section"] for c in by_lesson[lesson.slug]}
        assert used <= set(ids), (lesson.slug, used - set(ids))
        h2 = {anchor for anchor, level in ids.items() if level == "2"}
        uncovered = h2 - used - {"summary", "checklist"}
        assert not uncovered, (lesson.slug, uncovered)
    # "also" names another lesson's heading that teaches the idea too: it must exist.
    anchors = {lesson.slug: set(headings(lesson.body_html)) for lesson in module.lessons}
    for own, concepts in by_lesson.items():
        for c in concepts:
            also = c.get("also", [])
            assert len(also) == len(set(also)), c["slug"]
            for item in also:
                lesson, _, section = item.partition("#")
                assert lesson != own, (c["slug"], item)  # its own lesson is `section`
                assert lesson in anchors and section in anchors[lesson], (c["slug"], item)


def test_answers_render_with_living_prices_and_no_typed_ones():
    for c in all_concepts():
        answer = c["answer"]
        assert "{{ calc" not in answer, c["slug"]
        assert not re.search(r"\$\s?\d", answer), f"{c['slug']}: type prices as {{{{ price }}}}"
        assert "source page" not in answer.lower(), c["slug"]
        html = render_markdown(answer)  # raises on a shortcode the price table cannot fill
        assert "{{" not in html and "—" not in html, c["slug"]  # "—": a field with no value


def test_unconfirmed_facts_are_labelled_as_such():
    """Facts API-FACTS.md marks [UNCONFIRMED] keep the label wherever an answer states them."""
    markers = [
        r"fable 5\.2",
        r"inference_geo",
        r"is billed after an abort",
        r"1-hour entry must come before",
    ]
    for c in all_concepts():
        for marker in markers:
            if re.search(marker, c["answer"], re.I):
                assert "[UNCONFIRMED]" in c["answer"], (c["slug"], marker)


def reference_files() -> list[Path]:
    lessons = sorted((CONCEPTS.parent / "lessons").glob("*.md"))
    return lessons + sorted(REFERENCE.glob("*")) if REFERENCE.exists() else lessons


def test_answers_are_in_our_own_words():
    grams = set()
    for path in reference_files():
        src = words(path.read_text(errors="ignore"))
        grams.update(tuple(src[i : i + RUN]) for i in range(len(src) - RUN + 1))
    copied = {}
    for c in all_concepts():
        for text in [c["title"], c["answer"], *c["questions"]]:
            ours = words(text)
            runs = [
                " ".join(ours[i : i + RUN])
                for i in range(len(ours) - RUN + 1)
                if tuple(ours[i : i + RUN]) in grams
            ]
            if runs:
                copied[c["slug"]] = runs[0]
    assert copied == {}


USAGE_FIELDS = [
    "`input_tokens`",
    "`output_tokens`",
    "`cache_creation_input_tokens`",
    "`cache_read_input_tokens`",
    "5-minute and 1-hour split",
    "`service_tier`",
]


@pytest.mark.parametrize(
    ("slug", "must_say"),
    [
        ("cache-refreshed-on-hit", ["each hit", "five minutes"]),
        ("batch-size-limit", ["100,000 requests", "256 MB"]),
        ("batch-timing-and-expiry", ["24 hours", "`expired`", "29 days", "a batch is a queue"]),
        ("ephemeral-means-five-minutes", ['"ttl": "1h"', "twice the base input"]),
        ("closed-stream-billing", ["charged", "[UNCONFIRMED]"]),
        ("cache-break-even", ["first hit", "second"]),
        ("input-tokens-excludes-cached", ["sum of those three fields"]),
        ("cache-scope-keys-and-workspaces", ["workspace", "2026-02-05"]),
        ("thinking-billed-as-output", ["output price", "`usage.output_tokens`"]),
        # Streaming: the same price, the first words sooner.
        ("streaming-same-price", ["billed identically", "perceived latency", "first words"]),
        ("workload-patterns", ["first words sooner but costs the same", "within 24 hours"]),
        # A spend cap: an error until the reset, and when the reset is.
        ("spend-limit-reached", ["until the limit resets at 00:00 UTC", "next month"]),
        ("workspace-spend-limits", ["`enforced_spend_limit_reached`", "00:00 UTC"]),
        ("api-rate-limits", ["whole organization", "not per end user", "00:00 UTC"]),
        # The API's limits are the organization's, so users need limits of the app's own.
        ("per-user-rate-limits", ["whole organization", "abusive account", "stuck in a loop"]),
        ("production-cost-guard-rails", ["organization-wide rate limits", "until the month"]),
        # What to log per call.
        ("what-to-log", [*USAGE_FIELDS, "user", "feature", "model"]),
        ("measure-usage-first", [*USAGE_FIELDS, "user", "feature", "model"]),
        (
            "usage-fields",
            ["`ephemeral_5m_input_tokens`", "`service_tier`", "the user and the feature"],
        ),
        # A test set: 50-200 items from real traffic, fixed in advance.
        ("test-set-size", ["50 to 200", "real traffic", "fix the set in advance"]),
        ("cheapest-model-that-passes", ["50 to 200", "real traffic in advance"]),
        ("top-tier-is-not-a-safe-default", ["50 to 200", "real traffic", "fixed before"]),
        # Routing: the classifier is paid on every request.
        ("how-tiered-routing-works", ["on every request", "large share of the traffic"]),
        ("classifier-overhead", ["every request", "large share of traffic"]),
        ("when-routing-does-not-pay", ["billed on every request", "large share"]),
        # Retrieved chunks that change per call: only the prefix before them caches.
        ("cache-changing-documents", ["stable prefix in front of the chunks"]),
        ("documents-and-rag-cost", ["cannot be cached", "stable prefix before them"]),
        ("trim-the-context", ["cannot be cached", "stable prefix in front of them"]),
        # A date or a user name at the top breaks the prefix: move it into the user turn.
        ("cache-needs-exact-prefix", ["user name at the top", "into the user turn"]),
        ("debugging-a-cache-miss", ["the user's name", "in the user turn"]),
        ("system-prompt-every-call", ["the user's name", "in the user turn"]),
        # Batch results within 24 hours: a queue, not a deadline.
        ("batch-discount", ["within 24 hours", "cannot set an earlier deadline"]),
        ("which-traffic-can-be-batched", ["within 24 hours", "cannot ask for them sooner"]),
    ],
)
def test_key_answers_state_the_current_facts(slug, must_say):
    (concept,) = [c for c in all_concepts() if c["slug"] == slug]
    answer = " ".join(concept["answer"].split())  # a phrase may wrap across lines
    for phrase in must_say:
        assert phrase in answer, (slug, phrase)


def test_every_sample_question_retrieves_its_own_concept():
    """Two entries that answer the same question shadow each other: the tutor answers with
    whichever ranks first, and the app's editor refuses to publish either. Checked over the
    shipped files so a duplicate is caught before an instructor meets it."""
    from labs.tutor.concepts import concept_base

    base = concept_base()
    shadowed = []
    for concept in base.concepts:
        for question in concept.questions:
            match = base.find(question)
            first = match.concept if match else None
            if first is None or first.slug != concept.slug:
                shadowed.append(f"{concept.slug}: {question!r} -> {first.slug if first else None}")
    assert not shadowed, "\n".join(shadowed)
