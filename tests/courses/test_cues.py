"""The sync refuses quizzes whose options give the right answer away to a learner who does not
read them (courses/cues.py): the longest option, one favoured position, an absolute word only in
wrong options, feedback shared between options."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.content import load_course
from courses.cues import Item, cue_problems
from quizzes.models import Question
from tests.courses.test_content import MODULE, edit_yaml, module_test_keys

QUIZ = f"{MODULE}/quizzes/token-economics.yaml"
TEST = f"{MODULE}/test.yaml"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def _right(question: dict) -> dict:
    return next(o for o in question["options"] if o.get("correct"))


def _key_first(question: dict) -> None:
    options = question["options"]
    options.sort(key=lambda o: not o.get("correct"))


def test_the_course_as_written_gives_no_answer_away(content):
    modules = load_course(content)
    assert modules[0].test is not None
    assert len(modules[0].test.questions) == len(module_test_keys(content))


def test_a_quiz_whose_right_option_is_the_longest_in_most_items_is_refused_at_sync(db, content):
    def pad_keys(data: dict) -> None:
        for question in data["questions"]:
            _right(question)["text"] += " This holds for every model in the price table today."

    edit_yaml(content / QUIZ, pad_keys)
    expected = (
        r"(?s)token-economics\.yaml: questions: .*the right option is the longest in 3 of 3 "
        r"questions \(te-q1, te-q2, te-q3\); at most 1 may be"
    )
    with pytest.raises(CommandError, match=expected):
        call_command("sync_content", path=str(content))
    assert not Question.objects.exists()


def test_a_quiz_that_keys_the_same_position_in_most_items_is_refused(content):
    def key_first(data: dict) -> None:
        for question in data["questions"]:
            _key_first(question)

    edit_yaml(content / QUIZ, key_first)
    with pytest.raises(CommandError, match=r"option A is the right one in 3 of 3 questions"):
        call_command("sync_content", path=str(content), check=True)


def test_a_module_test_that_keys_a_position_fewer_than_twice_is_refused(content):
    keyed_d = [
        question["key"]
        for question in yaml.safe_load((content / TEST).read_text())["questions"]
        if question["options"][3].get("correct")
    ]
    kept = keyed_d[-1]

    def key_first_in_all_but_one(data: dict) -> None:
        # Moving every D key but one to A leaves D keyed once.
        for question in data["questions"]:
            if question["key"] in keyed_d and question["key"] != kept:
                _key_first(question)

    edit_yaml(content / TEST, key_first_in_all_but_one)
    with pytest.raises(
        CommandError,
        match=rf"(?s)test\.yaml: questions: .*option D is the right one in 1 question \({kept}\); "
        r"in a module test each of A to D must be right at least 2 times",
    ):
        call_command("sync_content", path=str(content), check=True)


def test_an_absolute_word_in_wrong_options_only_is_refused_naming_the_item(content):
    def never_in_a_distractor(data: dict) -> None:
        question = data["questions"][0]
        wrong = next(o for o in question["options"] if not o.get("correct"))
        wrong["text"] = "Never more than " + wrong["text"]

    edit_yaml(content / QUIZ, never_in_a_distractor)
    with pytest.raises(
        CommandError, match=r'te-q1: "never" appears only in wrong options \(option A\)'
    ):
        call_command("sync_content", path=str(content), check=True)


def test_two_options_with_the_same_feedback_are_refused_naming_them(content):
    def shared_feedback(data: dict) -> None:
        options = data["questions"][2]["options"]
        options[3]["feedback"] = options[2]["feedback"]

    edit_yaml(content / QUIZ, shared_feedback)
    with pytest.raises(
        CommandError, match=r"te-q3: options C and D have the same feedback; each option needs"
    ):
        call_command("sync_content", path=str(content), check=True)


def _item(label: str, lengths: list[int], correct: int) -> Item:
    return Item(
        label=label,
        options=["x" * n for n in lengths],
        feedback=[f"why {i}" for i in range(len(lengths))],
        correct=correct,
    )


def test_a_third_of_items_with_the_longest_right_option_is_allowed_and_one_more_is_not():
    spread = [_item(f"q{i}", [10, 20, 30, 40], 1 + i % 2) for i in range(4)]
    longest = [_item(f"l{i}", [20, 30, 40, 50], 3) for i in range(3)]
    assert cue_problems(spread[:4] + longest[:2], test=False) == []
    problems = cue_problems(spread[:4] + longest, test=False)
    assert len(problems) == 1 and "longest in 3 of 7" in problems[0]


def test_a_tie_for_the_longest_option_does_not_count_as_the_right_one_being_longest():
    items = [_item(f"q{i}", [40, 40, 10, 10], i) for i in range(2)]
    assert cue_problems(items, test=False) == []


def test_a_single_question_is_not_refused_for_its_position():
    assert cue_problems([_item("q1", [10, 20], 0)], test=False) == []


def test_a_sync_that_moves_an_answered_questions_right_option_retires_it_and_keeps_answers(
    db, content, learner
):
    from quizzes.models import Answer, Attempt

    call_command("sync_content", path=str(content))
    live = Question.objects.get(key="te-q1")
    chosen = live.choices.get(is_correct=True)
    attempt = Attempt.objects.create(user=learner, quiz=live.quiz)
    Answer.objects.create(attempt=attempt, question=live, choice=chosen, is_correct=True)

    def key_last(data: dict) -> None:
        options = data["questions"][0]["options"]
        options[1], options[3] = options[3], options[1]

    edit_yaml(content / QUIZ, key_last)
    call_command("sync_content", path=str(content))

    live.refresh_from_db()
    assert (live.key, live.is_active) == (f"te-q1-r{live.pk}", False)
    chosen.refresh_from_db()
    assert chosen.is_correct and chosen.answers.count() == 1  # the answer keeps its meaning
    fresh = Question.objects.get(quiz=live.quiz, key="te-q1")
    assert fresh.is_active and fresh.pk != live.pk
    assert fresh.choices.get(is_correct=True).order == 4
    assert fresh.choices.get(order=4).text_markdown == chosen.text_markdown
    # A second run finds the files and the database in step.
    call_command("sync_content", path=str(content))
    assert Question.objects.filter(quiz=live.quiz).count() == 4


def test_a_sync_that_rewords_an_answered_question_updates_it_in_place(db, content, learner):
    from quizzes.models import Answer, Attempt

    call_command("sync_content", path=str(content))
    live = Question.objects.get(key="te-q1")
    attempt = Attempt.objects.create(user=learner, quiz=live.quiz)
    Answer.objects.create(
        attempt=attempt, question=live, choice=live.choices.first(), is_correct=False
    )
    edit_yaml(content / QUIZ, lambda data: data["questions"][0].update(stem="Reworded?"))
    call_command("sync_content", path=str(content))
    live.refresh_from_db()
    assert (live.key, live.is_active, live.stem_markdown) == ("te-q1", True, "Reworded?")
