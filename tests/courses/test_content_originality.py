"""The course is written in our own words: no 12-word run is copied from the source page."""

import re

import pytest

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
