"""Helpers for the authoring tests: logged-in clients and form data built from live rows."""

import pytest
from django.test import Client

from authoring.forms import LessonForm
from authoring.lessons import lesson_snapshot
from courses.export import dump_yaml

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def author(client: Client, instructor: object) -> Client:
    client.force_login(instructor)
    return client


@pytest.fixture
def learner_client(learner: object) -> Client:
    client = Client()
    client.force_login(learner)
    return client


def lesson_form_data(lesson: object, **changes: object) -> dict:
    """What the lesson editor posts for `lesson`, with some fields changed."""
    data = LessonForm.initial_from(lesson_snapshot(lesson))
    data.update(changes)
    return {key: value for key, value in data.items()}


def lab_form_data(lab: object, **changes: str) -> dict:
    data = {
        "title": lab.title,
        "task": lab.task_markdown,
        "try_asking": lab.try_asking,
        "greeting": lab.greeting_markdown,
        "system_prompt": lab.system_prompt,
    }
    data.update(changes)
    return data


def question_form_data(question: dict, **changes: object) -> dict:
    """What the question editor posts for a draft question (see authoring/quizzes.py)."""
    data: dict = {"stem": question["stem"]}
    if question.get("lesson"):
        data["lesson"] = question["lesson"]
    if question.get("slot") is not None:
        data["slot"] = str(question["slot"])
    if question.get("scenario"):
        data["scenario"] = dump_yaml(question["scenario"])
    for i, option in enumerate(question["options"]):
        data[f"option-{i}-id"] = option["id"] or ""
        data[f"option-{i}-text"] = option["text"]
        data[f"option-{i}-feedback"] = option["feedback"]
        if option.get("computes"):
            data[f"option-{i}-computes"] = option["computes"]
        if option["correct"]:
            data["correct"] = str(i)
    data.update(changes)
    return data
