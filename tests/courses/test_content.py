import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.content import ContentError, load_course, sync_course
from courses.models import Lesson, Module
from labs.models import Lab
from quizzes.models import Choice, Question, Quiz

MODULE = "modules/07-cost-optimization"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def module_test_keys(content_dir: Path | None = None) -> list[str]:
    """The keys of the module test's items as test.yaml lists them, so counts follow the content."""
    path = Path(content_dir or settings.CONTENT_DIR) / MODULE / "test.yaml"
    return [question["key"] for question in yaml.safe_load(path.read_text())["questions"]]


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_the_course_has_four_lessons_with_a_quiz_and_a_lab_each_and_a_test(course_sources):
    (module,) = course_sources
    assert module.slug == "cost-optimization"
    assert module.number == 7
    assert module.pass_mark == 80
    assert [lesson.slug for lesson in module.lessons] == [
        "token-economics", "prompt-caching", "model-selection", "production-controls",
    ]  # fmt: skip
    assert sorted(q.lesson for q in module.quizzes) == sorted(ls.slug for ls in module.lessons)
    assert all(len(q.questions) == 3 for q in module.quizzes)
    assert sorted(lab.slug for lab in module.labs) == [
        "architecture-advisor", "caching-strategist", "cost-estimator", "prompt-auditor",
    ]  # fmt: skip
    # 15 slots, each a pool of two or more items on one lesson, at least three slots a lesson.
    assert len(module.test.questions) == len(module_test_keys())
    pools: dict[int, set[str]] = {}
    for q in module.test.questions:
        pools.setdefault(q.slot, set()).add(q.lesson)
    assert sorted(pools) == list(range(1, 16))
    assert all(sum(q.slot == slot for q in module.test.questions) >= 2 for slot in pools)
    assert all(len(lessons) == 1 for lessons in pools.values())
    for lesson in module.lessons:
        assert sum(pools[slot] == {lesson.slug} for slot in pools) >= 3


def test_every_question_has_four_options_one_right_and_feedback_for_each(course_sources):
    (module,) = course_sources
    for quiz in [*module.quizzes, module.test]:
        for question in quiz.questions:
            assert len(question.choices) == 4, question.key
            assert sum(c.is_correct for c in question.choices) == 1, question.key
            assert all(c.feedback_markdown.strip() for c in question.choices), question.key


def test_test_questions_differ_from_quiz_questions(course_sources):
    (module,) = course_sources
    quiz_stems = {q.stem_markdown for quiz in module.quizzes for q in quiz.questions}
    assert not quiz_stems & {q.stem_markdown for q in module.test.questions}


def test_lessons_render_living_numbers_and_no_shortcode_survives(course_sources):
    (module,) = course_sources
    for lesson in module.lessons:
        assert "{{" not in lesson.body_html, lesson.slug
        assert "```calc" not in lesson.body_html
        assert 'class="living-number"' in lesson.body_html or "calc-block" in lesson.body_html


def test_lesson_html_is_sanitized(content):
    lesson = content / MODULE / "lessons" / "01-token-economics.md"
    lesson.write_text(
        lesson.read_text()
        + '\n\n<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">x</a>\n'
    )
    (module,) = load_course(content)
    html = module.lessons[0].body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_sync_creates_everything_and_a_second_run_changes_nothing(db, course_sources):
    first = sync_course(course_sources)
    assert first.created
    assert Module.objects.count() == 1
    assert Lesson.objects.count() == 4
    assert Quiz.objects.filter(kind="lesson").count() == 4
    test_items = len(module_test_keys())
    assert Quiz.objects.filter(kind="test").get().questions.count() == test_items
    assert Lab.objects.count() == 4
    assert Choice.objects.count() == (4 * 3 + test_items) * 4
    stamps = list(Lesson.objects.values_list("updated_at", flat=True))
    second = sync_course(course_sources)
    assert not second.changed
    assert list(Lesson.objects.values_list("updated_at", flat=True)) == stamps


def test_the_sync_command_is_idempotent(db, capsys):
    call_command("sync_content")
    assert "content synced" in capsys.readouterr().out
    call_command("sync_content")
    assert "content unchanged" in capsys.readouterr().out


def test_a_price_change_in_the_table_changes_the_lesson(db, content, tmp_path):
    from labs.calculator import PriceTable

    data = yaml.safe_load((content / "pricing.yaml").read_text())
    before = sync_course(load_course(content, PriceTable.from_data(data)))
    assert before.created
    html_before = Lesson.objects.get(slug="token-economics").body_html
    for model in data["models"]:
        if model["id"] == "claude-sonnet-5-5":
            model["prices"]["output"] = "13.37"
    report = sync_course(load_course(content, PriceTable.from_data(data)))
    html_after = Lesson.objects.get(slug="token-economics").body_html
    assert html_after != html_before
    assert "$13.37" in html_after and "$13.37" not in html_before
    assert any(item.startswith("lesson token-economics") for item in report.updated)


@pytest.mark.parametrize(
    ("relative", "change", "expected"),
    [
        ("module.yaml", lambda d: d.pop("title"), "module.yaml: title: is missing"),
        ("module.yaml", lambda d: d.update(pass_mark=120), "pass_mark: must be a percentage"),
        ("module.yaml", lambda d: d["lessons"].append("ghost"), "no lesson file has slug 'ghost'"),
        (
            "quizzes/token-economics.yaml",
            lambda d: [o.update(correct=True) for o in d["questions"][0]["options"]],
            "needs exactly one correct option, has 4",
        ),
        (
            "quizzes/token-economics.yaml",
            lambda d: d["questions"][1]["options"][2].update(feedback=""),
            "options[2].feedback: is missing",
        ),
        (
            "quizzes/token-economics.yaml",
            lambda d: d["questions"][0].update(options=d["questions"][0]["options"][:1]),
            "needs 2 to 6 options, has 1",
        ),
        (
            "labs/cost-estimator.yaml",
            lambda d: d.update(engine="oracle"),
            "engine: 'oracle' is not",
        ),
        (
            "test.yaml",
            lambda d: d.update(
                questions=[q for q in d["questions"] if q["lesson"] != "production-controls"]
            ),
            "lesson 'production-controls' has 0 slots; the test needs at least 3 per lesson",
        ),
        (
            "test.yaml",
            lambda d: d.update(
                questions=[q for q in d["questions"] if q["key"] not in ("mt-pcx-8", "mt-pcx-12")]
            ),
            "slot 15 has 1 item (mt-pcx-3); each slot needs at least 2 testing the same objective",
        ),
        (
            "test.yaml",
            lambda d: d["questions"][0].update(slot=16),
            "questions[0] (mt-te-1).slot: is 16; a slot is a number from 1 to 15",
        ),
        (
            "test.yaml",
            lambda d: d["questions"][0].update(slot=0),
            "questions[0] (mt-te-1).slot: is 0; a slot is a number from 1 to 15",
        ),
        (
            "test.yaml",
            lambda d: d["questions"][0].pop("slot"),
            "questions[0] (mt-te-1).slot: is missing",
        ),
        (
            "test.yaml",
            lambda d: d["questions"][0].update(slot=5),
            "slot 5 mixes lessons (prompt-caching, token-economics)",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_field(content, relative, change, expected):
    path = content / MODULE / relative
    edit_yaml(path, change)
    with pytest.raises(ContentError) as caught:
        load_course(content)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_bad_shortcode_is_refused_naming_the_lesson(content):
    lesson = content / MODULE / "lessons" / "02-prompt-caching.md"
    lesson.write_text(lesson.read_text() + "\n\nCosts {{ price claude-imaginary-9 input }}.\n")
    with pytest.raises(ContentError) as caught:
        load_course(content)
    assert "02-prompt-caching.md: body:" in str(caught.value)
    assert "claude-imaginary-9" in str(caught.value)


def test_broken_yaml_is_refused_clearly(content):
    (content / MODULE / "labs" / "prompt-auditor.yaml").write_text("title: [unclosed\n")
    with pytest.raises(ContentError, match=r"prompt-auditor\.yaml: not valid YAML"):
        load_course(content)


def test_a_failed_sync_writes_nothing(db, content):
    edit_yaml(content / MODULE / "test.yaml", lambda d: d["questions"][3].pop("stem"))
    with pytest.raises(CommandError, match=r"test.yaml: questions\[3\] \(.*\)\.stem: is missing"):
        call_command("sync_content", path=str(content))
    assert not Module.objects.exists()
    assert not Question.objects.exists()


def test_a_question_removed_from_the_file_leaves_the_quiz_but_keeps_its_row(db, content):
    sync_course(load_course(content))
    edit_yaml(content / MODULE / "quizzes" / "prompt-caching.yaml", lambda d: d["questions"].pop())
    report = sync_course(load_course(content))
    assert report.deactivated == ["question pc-q3"]
    assert Question.objects.get(key="pc-q3").is_active is False


def test_export_then_sync_changes_nothing(db, content, tmp_path):
    from courses.export import export_course

    sync_course(load_course(content))
    out = tmp_path / "exported"
    written = export_course(out)
    assert any(p.name == "01-token-economics.md" for p in written)
    assert (out / MODULE / "test.yaml").exists()
    report = sync_course(load_course(out))
    assert not report.changed, report
    # And exporting again writes nothing new.
    assert export_course(out) == []


def sonnet_4_6_priced_as_sonnet_5_5(data: dict) -> None:
    """Under this table two options of mt-te-1 (Sonnet 5.5 and Sonnet 4.6 at the same token
    counts; the first right, the second wrong) both read "$14.00"."""
    sonnet_5_5 = next(m for m in data["models"] if m["id"] == "claude-sonnet-5-5")
    sonnet_4_6 = next(m for m in data["models"] if m["id"] == "claude-sonnet-4-6")
    sonnet_4_6["prices"] = dict(sonnet_5_5["prices"])


def test_a_price_table_that_makes_two_options_read_the_same_is_refused_at_sync(db, content):
    edit_yaml(content / "pricing.yaml", sonnet_4_6_priced_as_sonnet_5_5)
    expected = (
        r'test\.yaml: questions\[0\] \(mt-te-1\)\.options: options C and D both read "\$14\.00"'
    )
    with pytest.raises(CommandError, match=expected):
        call_command("sync_content", path=str(content), check=True)
    with pytest.raises(CommandError, match=expected):
        call_command("sync_content", path=str(content))
    assert not Question.objects.exists()


def test_two_options_that_read_the_same_in_a_file_are_refused_naming_the_question(content):
    def same_text(data: dict) -> None:
        options = data["questions"][1]["options"]
        options[3]["text"] = f"  {options[0]['text']}  "

    edit_yaml(content / MODULE / "quizzes" / "prompt-caching.yaml", same_text)
    with pytest.raises(ContentError, match=r"questions\[1\] \(pc-q2\)\.options: options A and D"):
        load_course(content)


def _set(path_key: str, value):
    """A change for edit_yaml: set a dotted path (list indexes as numbers)."""

    def change(data):
        *parents, last = path_key.split(".")
        for part in parents:
            data = data[int(part)] if part.isdecimal() else data[part]
        data[last] = value

    return change


@pytest.mark.parametrize(
    "relative, key, field",
    [
        (f"{MODULE}/module.yaml", "pass_mrak", "pass_mrak"),
        (f"{MODULE}/quizzes/token-economics.yaml", "questions.0.hint", "questions[0] (te-q1).hint"),
        (f"{MODULE}/quizzes/token-economics.yaml", "questions.0.options.1.corect",
         "questions[0] (te-q1).options[1].corect"),
        (f"{MODULE}/quizzes/token-economics.yaml", "shuffle", "shuffle"),
        (f"{MODULE}/labs/cost-estimator.yaml", "model", "model"),
        (f"{MODULE}/test.yaml", "time_limit", "time_limit"),
    ],
)  # fmt: skip
def test_an_unknown_field_is_refused_naming_the_file_and_the_field(content, relative, key, field):
    edit_yaml(content / relative, _set(key, True))
    with pytest.raises(ContentError) as info:
        load_course(content)
    assert info.value.path.endswith(relative)
    assert info.value.field == field
    assert "is not a field here" in str(info.value)


def test_an_unknown_front_matter_field_is_refused_naming_the_lesson(content):
    path = content / MODULE / "lessons" / "01-token-economics.md"
    path.write_text(path.read_text().replace("\nslug:", "\ndraft: true\nslug:", 1))
    with pytest.raises(ContentError, match=r"01-token-economics\.md: draft: is not a field here"):
        load_course(content)


def test_an_unknown_price_table_field_is_refused_by_the_sync_command(db, content):
    path = content / "pricing.yaml"
    path.write_text(path.read_text().replace("version: 1\n", "version: 1\ncurrency: EUR\n", 1))
    with pytest.raises(CommandError, match=r"pricing\.yaml.*unknown top-level field 'currency'"):
        call_command("sync_content", path=str(content), check=True)


@pytest.mark.parametrize(
    "relative",
    [f"{MODULE}/module.yaml", f"{MODULE}/lessons/02-prompt-caching.md", f"{MODULE}/test.yaml",
     "pricing.yaml"],
)  # fmt: skip
def test_a_file_that_is_not_utf8_is_refused_naming_it(db, content, relative):
    path = content / relative
    path.write_bytes(path.read_bytes() + "\n# café\n".encode("latin-1"))  # é is 0xe9 in Latin-1
    with pytest.raises(CommandError, match=rf"{relative.split('/')[-1]}.*not UTF-8"):
        call_command("sync_content", path=str(content), check=True)


def test_a_non_numeric_reading_time_is_refused_naming_the_lesson(content):
    path = content / MODULE / "lessons" / "01-token-economics.md"
    path.write_text(path.read_text().replace("\nminutes: 30\n", "\nminutes: \u00b2\n", 1))
    with pytest.raises(ContentError, match=r"01-token-economics\.md: minutes: must be"):
        load_course(content)


def test_a_deleted_test_file_is_refused_and_the_test_and_its_attempts_stay(db, content, learner):
    from quizzes.models import Attempt

    call_command("sync_content", path=str(content))
    test = Quiz.objects.get(kind="test")
    Attempt.objects.create(user=learner, quiz=test, total=15)
    (content / MODULE / "test.yaml").unlink()
    for options in ({"check": True}, {}):
        with pytest.raises(CommandError, match=r"test\.yaml: is missing, but the database"):
            call_command("sync_content", path=str(content), **options)
    test.refresh_from_db()
    assert test.questions.filter(is_active=True).count() == len(module_test_keys())
    assert Attempt.objects.filter(quiz=test).count() == 1
