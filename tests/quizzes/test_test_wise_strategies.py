"""A learner who does not read the questions cannot pass by test-wise cues.

Forty simulated learners each play one strategy through the real views (the page they are shown,
the answer posts, the submit and the result page): always pick the longest option, the first
option as shown, or the option whose radio token sorts first. Each strategy must score below
40% on average on the module test and below 50% on each three-question lesson quiz, the
figures a careful item writer aims under; picking at random is 25%.
"""

import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.quizzes.helpers import MODULE, TEST_URL

pytestmark = pytest.mark.django_db

LEARNERS = 40
LESSONS = ("token-economics", "prompt-caching", "model-selection", "production-controls")


class _Options(HTMLParser):
    """Each answer form on a page: its question id and its options (token, shown text)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "question":
            self.forms.append({"question": attrs["value"], "options": []})
        elif tag == "input" and attrs.get("type") == "radio" and self.forms:
            self.forms[-1]["options"].append([attrs["value"], ""])
        elif tag == "span" and "option-text" in (attrs.get("class") or ""):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._text is not None:
            self.forms[-1]["options"][-1][1] = " ".join("".join(self._text).split())
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def answer_forms(html: str) -> list[dict]:
    parser = _Options()
    parser.feed(html)
    return parser.forms


def longest(options: list[list[str]]) -> str:
    return max(options, key=lambda option: len(unescape(option[1])))[0]


def first_shown(options: list[list[str]]) -> str:
    return options[0][0]


def first_token(options: list[list[str]]) -> str:
    return min(token for token, _ in options)


STRATEGIES: dict[str, Callable[[list[list[str]]], str]] = {
    "the longest option": longest,
    "the first option shown": first_shown,
    "the option whose token sorts first": first_token,
}


def _learner(n: int, strategy: str) -> Client:
    user = User.objects.create_user(f"testwise-{strategy.split()[1]}-{n}", password="x")
    client = Client()
    client.force_login(user)
    return client


def play_module_test(client: Client, pick: Callable) -> tuple[int, int]:
    """Start an attempt, answer each question as shown, submit, and read the result page."""
    attempt_url = client.post(f"{TEST_URL}start/")["Location"]
    target = client.get(attempt_url)["Location"]  # the first question
    while not target.endswith("/review/"):
        (form,) = answer_forms(client.get(target).content.decode())
        response = client.post(
            attempt_url + "answer/",
            {"question": form["question"], "choice": pick(form["options"]), "go": "next"},
        )
        assert response.status_code == 302
        target = response["Location"]
    result = client.post(attempt_url + "submit/", follow=True).content.decode()
    score = re.search(r'class="score-big">(\d+)/(\d+)', result)
    return int(score[1]), int(score[2])


def play_lesson_quiz(client: Client, lesson: str, pick: Callable) -> tuple[int, int]:
    url = f"/modules/{MODULE}/lessons/{lesson}/quiz/"
    forms = answer_forms(client.get(url).content.decode())
    assert len(forms) == 3
    for form in forms:
        data = {"question": form["question"], "choice": pick(form["options"])}
        assert client.post(url + "answer/", data).status_code == 302
    score = re.search(r"You scored (\d+) out of (\d+)", client.get(url).content.decode())
    return int(score[1]), int(score[2])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_test_wise_strategy_fails_the_module_test_on_average(course, strategy):
    pick = STRATEGIES[strategy]
    right = total = 0
    for n in range(LEARNERS):
        score, out_of = play_module_test(_learner(n, strategy), pick)
        right, total = right + score, total + out_of
    assert total == LEARNERS * 15
    assert right / total < 0.40, f"picking {strategy} scores {right / total:.0%} on average"


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_test_wise_strategy_scores_under_half_on_each_lesson_quiz(course, strategy, lesson):
    pick = STRATEGIES[strategy]
    right = total = 0
    for n in range(LEARNERS):
        score, out_of = play_lesson_quiz(_learner(n, strategy), lesson, pick)
        right, total = right + score, total + out_of
    assert total == LEARNERS * 3
    assert right / total < 0.50, f"picking {strategy} on {lesson} scores {right / total:.0%}"
