"""The course is written in our own words: no 12-word run is copied from the source page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES, ROOT

SOURCE = ROOT.parent / "shared" / "reference" / "000_4b771948e9672d71.txt"
RUN = 12


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%.,'-]+", text.lower())


def copied_runs(source: str, text: str) -> list[str]:
    src = words(source)
    grams = {tuple(src[i : i + RUN]) for i in range(len(src) - RUN + 1)}
    ours = words(text)
    return [
        " ".join(ours[i : i + RUN])
        for i in range(len(ours) - RUN + 1)
        if tuple(ours[i : i + RUN]) in grams
    ]


def test_the_checker_finds_a_copied_run():
    source = "one two three four five six seven eight nine ten eleven twelve thirteen"
    assert copied_runs(
        source, "x two three four five six seven eight nine ten eleven twelve thirteen y"
    )
    assert not copied_runs(source, "two three four five six seven eight nine ten eleven twelve")


def test_no_content_file_copies_the_source_page():
    if not SOURCE.exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"the source page is missing at {SOURCE}")
        pytest.skip(f"the source page is not beside this checkout ({SOURCE})")
    source = SOURCE.read_text()
    files = [p for p in (ROOT / "content").rglob("*") if p.suffix in {".md", ".yaml", ".yml"}]
    assert len(files) >= 10
    found = {
        str(p.relative_to(ROOT)): runs[0]
        for p in files
        if (runs := copied_runs(source, p.read_text()))
    }
    assert found == {}


def test_learner_text_calls_the_old_course_the_2024_edition_never_the_source_page():
    """History is labelled as history, in the course's own words: "the 2024 edition of this
    module", never "the source page" or "the course source"."""
    root = Path(settings.CONTENT_DIR)
    offenders = []
    for path in [*root.rglob("*.md"), *root.rglob("*.yaml")]:
        if "evals" in path.parts:
            continue  # the golden conversations are test data, not learner text
        text = path.read_text(encoding="utf-8").lower()
        for phrase in ("source page", "course source", "the source for this course"):
            if phrase in text:
                offenders.append(f"{path.relative_to(root)}: {phrase!r}")
    assert offenders == []
