"""Scenario templates in the quiz editor: a preview of draws, and problems before publish."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from authoring.quizzes import clean_quiz, quiz_problems, quiz_snapshot
from courses.export import dump_yaml
from quizzes.models import Question, Quiz
from tests.authoring.conftest import question_form_data

pytestmark = pytest.mark.django_db


def draft_question(quiz: Quiz, key: str) -> dict:
    data = clean_quiz(quiz, quiz_snapshot(quiz))
    return next(q for q in data["questions"] if q["key"] == key)


@pytest.fixture
def quiz(course: object) -> Quiz:
    return Quiz.objects.get(lesson__slug="token-economics")


def url(quiz: Quiz, key: str) -> str:
    return reverse("authoring:question", args=[quiz.pk, key])


def text_of(response: object) -> str:
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def test_the_editor_previews_three_draws_with_their_keys_and_distractors(author, quiz):
    response = author.get(url(quiz, "te-q3"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Preview: 3 draws under the published prices" in text
    for n in (1, 2, 3):
        assert f"Draw {n}" in text
    preview = text[text.index("Preview: 3 draws") :]
    assert len(re.findall(r"\$[\d,.]+ for the session", preview)) == 12
    assert preview.count("(key, the right answer)") == 3
    assert "(only-the-last-request)" in preview
    assert not re.search(r"\{[a-z_]+\}", preview)
    # The scenario is editable as YAML.
    assert "kind: history-input-cost" in response.content.decode()


def test_a_bad_range_is_a_problem_and_what_was_typed_is_kept(author, quiz):
    question = draft_question(quiz, "te-q3")
    bad = dict(question["scenario"], params={**question["scenario"]["params"],
                                             "turns": {"min": 40, "max": 20}})  # fmt: skip
    data = question_form_data(question, scenario=dump_yaml(bad))
    response = author.post(url(quiz, "te-q3"), data)
    assert response.status_code == 422
    text = text_of(response)
    assert "scenario.params.turns: min 40 and max 20" in text
    assert "min: 40" in response.content.decode()
    assert Question.objects.get(key="te-q3").scenario["params"]["turns"]["min"] != 40


def test_a_template_whose_options_always_collide_is_a_problem(author, quiz):
    question = draft_question(quiz, "te-q3")
    data = question_form_data(question)
    data["option-1-computes"] = data["option-0-computes"]  # two options, one computation
    response = author.post(url(quiz, "te-q3"), data)
    assert response.status_code == 422
    assert "two options compute the same thing" in text_of(response)


def test_scenario_yaml_that_does_not_parse_is_a_form_error(author, quiz):
    data = question_form_data(draft_question(quiz, "te-q3"), scenario="kind: [unclosed")
    response = author.post(url(quiz, "te-q3"), data)
    assert response.status_code == 422
    assert "The scenario is not valid YAML" in text_of(response)


def test_a_range_edit_is_saved_and_published_with_the_quiz(author, quiz):
    question = draft_question(quiz, "te-q3")
    params = {**question["scenario"]["params"], "turns": {"min": 16, "max": 18, "step": 1}}
    spec = dict(question["scenario"], params=params)
    response = author.post(
        url(quiz, "te-q3"), question_form_data(question, scenario=dump_yaml(spec))
    )
    assert response.status_code == 302
    publish = reverse("authoring:quiz_publish", args=[quiz.pk])
    assert author.post(publish, {"confirm": "yes"}).status_code == 302
    live = Question.objects.get(key="te-q3")
    assert live.scenario["params"]["turns"] == {"min": 16, "max": 18, "step": 1}
    assert sorted(live.choices.values_list("computes", flat=True)) == sorted(
        o["computes"] for o in question["options"]
    )


def test_the_published_quizzes_with_scenario_items_have_no_problems(course):
    for quiz in Quiz.objects.all():
        from authoring.pricing import current_price_table

        assert (
            quiz_problems(quiz, clean_quiz(quiz, quiz_snapshot(quiz)), current_price_table()) == []
        )


def test_the_quiz_as_learners_see_it_shows_a_drawn_scenario(author, quiz):
    response = author.get(reverse("authoring:quiz_as_learner", args=[quiz.pk]))
    assert response.status_code == 200
    text = text_of(response)
    assert "for the session" in text
    assert not re.search(r"\{[a-z_]+\}", text)
