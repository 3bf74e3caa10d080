"""content/ and the database stay in step: export_content, sync_content and the price table."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from authoring.concepts import concept_snapshot
from authoring.files import export_to_files, sync_from_files
from authoring.forms import ConceptForm
from authoring.models import Kind, Revision
from authoring.pricing import current_price_table
from authoring.snapshots import prices_yaml
from courses.models import Lesson
from labs.calculator import PriceTable, load_price_table
from labs.models import Concept
from labs.tutor.concepts import load_concepts
from tests.authoring.conftest import lesson_form_data
from tests.authoring.test_price_views import edit_url, price_form

pytestmark = pytest.mark.django_db

LESSON_FILE = "modules/07-cost-optimization/lessons/01-token-economics.md"
CONCEPT_FILE = "modules/07-cost-optimization/concepts/token-economics.yaml"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def sync(content: Path, **options: object) -> str:
    from io import StringIO

    out = StringIO()
    call_command("sync_content", path=str(content), stdout=out, **options)
    return out.getvalue()


def publish_lesson_edit(author: object, marker: str) -> Lesson:
    lesson = Lesson.objects.get(slug="token-economics")
    data = lesson_form_data(lesson, body_markdown=lesson.body_markdown + f"\n{marker}\n")
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]), {**data, "confirm": "yes"}
    )
    assert response.status_code == 302
    return lesson


def test_the_first_sync_records_the_price_table_and_a_second_changes_nothing(content):
    assert "content synced" in sync(content)
    revision = Revision.objects.get(kind=Kind.PRICES)
    assert revision.source == "files" and revision.in_files
    assert current_price_table().to_data() == load_price_table().to_data()
    assert "content unchanged" in sync(content)


def test_sync_refuses_to_overwrite_newer_edits_published_in_the_app(author, content):
    sync(content)
    lesson = publish_lesson_edit(author, "Edited in the app.")
    # Someone changes the same lesson in the files without exporting first.
    path = content / LESSON_FILE
    path.write_text(path.read_text() + "\nEdited in the files.\n")
    with pytest.raises(CommandError) as caught:
        sync(content)
    message = str(caught.value)
    assert "content/ is older than these edits published in the app" in message
    assert "Lesson 1: Token economics (version 2, published by ines" in message
    assert "export_content" in message and "--force" in message
    lesson.refresh_from_db()
    assert "Edited in the app." in lesson.body_markdown  # nothing was written

    assert "content synced" in sync(content, force=True)
    lesson.refresh_from_db()
    assert "Edited in the files." in lesson.body_markdown
    assert "Edited in the app." not in lesson.body_markdown
    latest = Revision.objects.filter(kind=Kind.LESSON, object_id=lesson.pk).first()
    assert (latest.source, latest.in_files) == ("files", True)
    assert "content unchanged" in sync(content)


def test_sync_refuses_to_overwrite_a_price_change_published_in_the_app(author, content):
    sync(content)
    author.post(edit_url(), price_form(output="12"))
    author.post(reverse("authoring:prices_publish"), {"confirm": "yes"})
    with pytest.raises(CommandError, match=r"Price table \(version 2, published by ines"):
        sync(content)
    assert current_price_table().get("claude-sonnet-5-5").prices.output == 12


def test_once_exported_app_edits_no_longer_block_later_file_edits(author, content):
    sync(content)
    lesson = publish_lesson_edit(author, "Edited in the app.")
    export_to_files(content)
    # Reviewers then change a lab and the same lesson in the files: the files are newer now.
    lab = content / "modules/07-cost-optimization/labs/prompt-auditor.yaml"
    data = yaml.safe_load(lab.read_text())
    data["try_asking"] = "A new suggestion."
    lab.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    path = content / LESSON_FILE
    path.write_text(path.read_text().replace("Edited in the app.", "Edited in review."))
    out = sync(content)
    assert "lab prompt-auditor (try_asking)" in out
    assert "lesson token-economics" in out
    lesson.refresh_from_db()
    assert "Edited in review." in lesson.body_markdown


def publish_concept_edit(author: object, slug: str, answer: str) -> Concept:
    concept = Concept.objects.get(slug=slug)
    data = ConceptForm.initial_from(concept_snapshot(concept))
    data = {name: data[name] for name in ConceptForm.base_fields}
    response = author.post(
        reverse("authoring:concept_publish", args=[concept.pk]),
        {**data, "answer": answer, "confirm": "yes"},
    )
    assert response.status_code == 302
    return concept


def test_export_then_sync_is_a_no_op_including_prices_and_concepts(author, content):
    sync(content)
    publish_lesson_edit(author, "Kept through export.")
    author.post(edit_url(), price_form(output="12", source="https://example.com/new-prices"))
    assert author.post(reverse("authoring:prices_publish"), {"confirm": "yes"}).status_code == 302
    answer = "Per token only.\n\nTwo meters: input at {{ price claude-sonnet-5-5 input }}."
    publish_concept_edit(author, "billed-for-tokens-not-time", answer)
    assert Revision.objects.filter(in_files=False).exists()

    written = export_to_files(content)
    assert {p.name for p in written} == {
        "01-token-economics.md",
        "pricing.yaml",
        "token-economics.yaml",
    }
    concepts = yaml.safe_load((content / CONCEPT_FILE).read_text())
    assert concepts["lesson"] == "token-economics"
    assert concepts["concepts"][0]["slug"] == "billed-for-tokens-not-time"
    assert concepts["concepts"][0]["answer"] == answer + "\n"  # a literal block, as by hand
    assert "also" not in concepts["concepts"][0]  # as the hand-written entry has it
    assert concepts["concepts"][1]["also"] == [
        "production-controls#early-termination-and-what-a-disconnect-costs"
    ]
    # The exported file reads back as the concept base the tutor's files give.
    by_slug = {c.slug: c for c in load_concepts(content)}
    assert by_slug["billed-for-tokens-not-time"].answer == answer
    assert not Revision.objects.filter(in_files=False).exists()
    assert "Kept through export." in (content / LESSON_FILE).read_text()
    table = load_price_table(content / "pricing.yaml")  # the file loads, in the same schema
    assert table.get("claude-sonnet-5-5").prices.output == 12
    assert table.get("claude-sonnet-5-5").source == "https://example.com/new-prices"
    text = (content / "pricing.yaml").read_text()
    assert text.startswith("# The course's price table")  # its comments are kept
    assert "# ---- current models" in text

    stamps = list(Lesson.objects.values_list("updated_at", flat=True))
    concept_stamps = list(Concept.objects.values_list("updated_at", flat=True))
    report = sync_from_files(content)
    assert not report.changed, report
    assert list(Lesson.objects.values_list("updated_at", flat=True)) == stamps
    assert list(Concept.objects.values_list("updated_at", flat=True)) == concept_stamps
    assert export_to_files(content) == []


def test_the_export_command_writes_the_price_table(author, content, capsys):
    sync(content)
    author.post(edit_url(), price_form(output="12"))
    author.post(reverse("authoring:prices_publish"), {"confirm": "yes"})
    call_command("export_content", path=str(content))
    assert "pricing.yaml" in capsys.readouterr().out
    call_command("export_content", path=str(content))
    assert "content/ already matches the database" in capsys.readouterr().out


def test_an_unchanged_price_table_is_written_back_byte_for_byte():
    text = (settings.CONTENT_DIR / "pricing.yaml").read_text()
    data = PriceTable.from_data(yaml.safe_load(text)).to_data()
    assert prices_yaml(data, text) == text


def test_sync_check_validates_the_price_file_too(content):
    (content / "pricing.yaml").write_text("version: 1\nmodels: []\n")
    with pytest.raises(CommandError, match=r"pricing\.yaml"):
        call_command("sync_content", path=str(content), check=True)


def test_exporting_an_unchanged_course_leaves_the_hand_written_files_alone(content):
    sync(content)
    before = {p: p.read_text() for p in content.rglob("*") if p.is_file()}
    assert export_to_files(content) == []
    assert {p: p.read_text() for p in content.rglob("*") if p.is_file()} == before


def test_the_first_sync_loads_every_concept_and_a_changed_file_updates_it(content):
    assert "content synced" in sync(content)
    assert Concept.objects.count() == len(load_concepts(content)) >= 64
    path = content / CONCEPT_FILE
    path.write_text(path.read_text().replace("Per token only:", "Only per token:"))
    out = sync(content)
    assert "concept billed-for-tokens-not-time (answer)" in out
    assert Concept.objects.get(slug="billed-for-tokens-not-time").answer.startswith("Only per")


def test_sync_refuses_to_overwrite_a_concept_published_in_the_app(author, content):
    sync(content)
    publish_concept_edit(author, "billed-for-tokens-not-time", "Edited in the app.")
    path = content / CONCEPT_FILE
    path.write_text(path.read_text().replace("Per token only:", "Edited in the files:"))
    with pytest.raises(
        CommandError, match=r"Concept: Am I billed for time.*\(version 2, published"
    ):
        sync(content)
    assert Concept.objects.get(slug="billed-for-tokens-not-time").answer == "Edited in the app."


def test_a_concept_removed_from_its_file_is_removed_from_the_base(content):
    sync(content)
    path = content / CONCEPT_FILE
    data = yaml.safe_load(path.read_text())
    data["concepts"] = data["concepts"][1:]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert "retired 1: concept billed-for-tokens-not-time" in sync(content)
    assert not Concept.objects.filter(slug="billed-for-tokens-not-time").exists()


def test_a_broken_concept_file_stops_the_sync_naming_file_and_concept(content):
    sync(content)
    path = content / CONCEPT_FILE
    path.write_text(path.read_text().replace("- slug: billed-for-tokens-not-time", "- name: x", 1))
    with pytest.raises(CommandError, match=r"token-economics\.yaml: concepts\[0\]: slug: missing"):
        sync(content)
    assert Concept.objects.filter(slug="billed-for-tokens-not-time").exists()


def test_sync_check_validates_the_concept_files_too(content):
    path = content / CONCEPT_FILE
    path.write_text(path.read_text().replace("- slug: billed-for-tokens-not-time", "- name: x", 1))
    with pytest.raises(CommandError, match=r"token-economics\.yaml: concepts\[0\]: slug: missing"):
        call_command("sync_content", path=str(content), check=True)
