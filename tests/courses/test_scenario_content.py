"""Scenario items in the content files: read, checked by drawing, and written back the same."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from courses.content import ContentError, load_course, sync_course
from courses.export import export_course
from quizzes.models import Question

MODULE = "modules/07-cost-optimization"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def edit_item(content: Path, key: str, change) -> None:
    path = content / MODULE / "test.yaml"
    data = yaml.safe_load(path.read_text())
    change(next(q for q in data["questions"] if q["key"] == key))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_sync_reads_the_template_and_what_each_option_computes(db, content):
    sync_course(load_course(content))
    question = Question.objects.get(key="mt-sc-pc-2")
    assert question.scenario["kind"] == "ttl-choice-sparse"
    assert question.scenario["params"]["requests"] == {"min": 30, "max": 300, "step": 10}
    assert question.choices.get(is_correct=True).computes == "key"
    assert set(question.choices.values_list("computes", flat=True)) == {
        "key", "the-dearer-ttl", "assumed-steady-traffic", "no-caching"
    }  # fmt: skip


def test_sync_then_export_then_sync_keeps_the_scenarios(db, content, tmp_path):
    sync_course(load_course(content))
    out = tmp_path / "exported"
    export_course(out)
    exported = yaml.safe_load((out / MODULE / "test.yaml").read_text())
    item = next(q for q in exported["questions"] if q["key"] == "mt-sc-ms-1")
    assert item["scenario"]["kind"] == "routing-net-saving"
    assert [o["computes"] for o in item["options"]][2] == "key"
    assert not sync_course(load_course(out)).changed


def test_a_bad_range_is_refused_naming_the_file_and_the_item(content):
    edit_item(content, "mt-sc-pc-1", lambda q: q["scenario"]["params"].update(
        requests={"min": 500, "max": 100}
    ))  # fmt: skip
    with pytest.raises(ContentError) as caught:
        load_course(content)
    message = str(caught.value)
    assert "test.yaml" in message and "mt-sc-pc-1" in message
    assert "scenario.params.requests: min 500 and max 100" in message


def test_an_unknown_placeholder_or_computation_is_refused(content):
    edit_item(content, "mt-sc-te-1", lambda q: q.update(stem=q["stem"] + " {users}"))
    with pytest.raises(ContentError, match=r"\{users\} is not a parameter"):
        load_course(content)


def test_a_correct_option_that_is_not_the_key_is_refused(content):
    def swap(q: dict) -> None:
        q["options"][0]["correct"], q["options"][1]["correct"] = True, False
        q["options"][1].pop("correct")

    edit_item(content, "mt-sc-te-1", swap)
    with pytest.raises(ContentError, match="the correct option must compute 'key'"):
        load_course(content)


def test_each_lesson_quiz_keeps_three_questions_one_of_them_a_scenario(course_sources):
    (module,) = course_sources
    for quiz in module.quizzes:
        assert len(quiz.questions) == 3, quiz.lesson
        assert sum(bool(q.scenario) for q in quiz.questions) == 1, quiz.lesson


def test_the_items_the_scenario_slots_displaced_are_pooled_where_their_objective_fits(
    course_sources,
):
    (module,) = course_sources
    by_key = {q.key: q for q in module.test.questions}
    scenario_slots = {q.slot for q in module.test.questions if q.scenario}
    # The minimum cacheable length (read from the cache counters) and cutting input or output.
    for key, slot in {"mt-pc-3": 8, "mt-pc-7": 8, "mt-ms-3": 11, "mt-ms-6": 11}.items():
        assert by_key[key].slot == slot and slot not in scenario_slots
        assert {q.lesson for q in module.test.questions if q.slot == slot} == {by_key[key].lesson}
    keyed = next(c for c in by_key["mt-pc-7"].choices if c.is_correct)
    assert "min_cacheable_tokens" in keyed.text_markdown
