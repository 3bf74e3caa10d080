"""Every place a request carries an id, a number or a date: bad values get a clear 400 or a
form error, never a 500, and what the person typed is still there.

`"²".isdigit()` is true but `int("²")` raises; `int("٣")` is 3; `9999-12-31` parses but the day
after it does not exist. Each case below is one view or form field fed each of those.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from authoring.history import record_revision
from authoring.lessons import lesson_snapshot
from authoring.models import Kind, Revision
from authoring.quizzes import clean_quiz, quiz_snapshot
from config.params import BadParameter, parse_date, parse_id, parse_int
from courses.models import Lesson
from labs.calculator import load_price_table
from labs.models import Message
from quizzes.models import Attempt, Quiz
from tests.authoring.conftest import lesson_form_data, question_form_data
from tests.labs.conftest import LAB_URL

pytestmark = pytest.mark.django_db

BAD_VALUES = ["²", "٣", "-1", "99999999999999999999", "1e3", "9999-12-31"]
HTMX = {"HTTP_HX_REQUEST": "true"}
QUIZ_URL = "/modules/cost-optimization/lessons/token-economics/quiz/"
TEST_URL = "/modules/cost-optimization/test/"
# Phrases the parser's messages use; a readable error contains one of them.
# The last: answer options are opaque per-attempt tokens now, so a number is an unknown option.
EXPLAINED = ("digits 0-9", "YYYY-MM-DD", "must be from", "must be between", "not understood",
             "Select a valid choice", "is not one of this question")  # fmt: skip
TYPED = "Words the person typed and must not lose"


@dataclass
class Case:
    name: str
    send: Callable[[Client, dict, str], object]
    expect: str  # "400" (a page or fragment saying why) or "form" (a form error, 4xx)
    keeps_typed: bool = False


def _login(client: Client, user: object) -> Client:
    client.force_login(user)
    return client


def _start_test(client: Client) -> Attempt:
    client.post(TEST_URL + "start/")
    return Attempt.objects.filter(quiz__kind="test").latest("started_at")


def quiz_question(client, w, value):
    _login(client, w["learner"])
    return client.post(QUIZ_URL + "answer/", {"question": value, "choice": "1"}, **HTMX)


def quiz_choice(client, w, value):
    _login(client, w["learner"])
    question = Quiz.objects.get(lesson__slug="token-economics").questions.first()
    return client.post(QUIZ_URL + "answer/", {"question": question.pk, "choice": value}, **HTMX)


def module_test_question(client, w, value):
    _login(client, w["learner"])
    attempt = _start_test(client)
    url = f"{TEST_URL}attempts/{attempt.pk}/answer/"
    return client.post(url, {"question": value, "choice": "1"}, **HTMX)


def module_test_choice(client, w, value):
    _login(client, w["learner"])
    attempt = _start_test(client)
    question_id = next(iter(attempt.choice_order))
    url = f"{TEST_URL}attempts/{attempt.pk}/answer/"
    return client.post(url, {"question": question_id, "choice": value}, **HTMX)


def lab_conversation(client, w, value):
    _login(client, w["learner"])
    return client.post(LAB_URL + "send/", {"text": TYPED, "conversation": value})


def lab_conversation_htmx(client, w, value):
    _login(client, w["learner"])
    return client.post(LAB_URL + "send/", {"text": TYPED, "conversation": value}, **HTMX)


def revision_against(client, w, value):
    _login(client, w["instructor"])
    lesson = w["lesson"]
    return client.get(
        reverse("authoring:revision", args=["lesson", lesson.pk, w["revision"].number]),
        {"against": value},
    )


def spend_days(client, w, value):
    _login(client, w["admin"])
    return client.get("/labs/spend/", {"days": value})


def _report(url: str, field: str, who: str = "admin"):
    def send(client, w, value):
        _login(client, w[who])
        return client.get(url, {field: value})

    send.__name__ = f"{url} {field}"
    return send


def retake_quiz(client, w, value):
    _login(client, w["admin"])
    url = reverse("quizzes:report_grant", args=[w["learner"].pk])
    return client.post(url, {"quiz": value, "kind": "grant", "reason": TYPED})


def lesson_minutes(client, w, value):
    _login(client, w["instructor"])
    data = lesson_form_data(w["lesson"], minutes=value, guiding_question=TYPED)
    return client.post(reverse("authoring:lesson", args=[w["lesson"].pk]), data)


def lesson_preview_minutes(client, w, value):
    _login(client, w["instructor"])
    data = lesson_form_data(w["lesson"], minutes=value, guiding_question=TYPED)
    return client.post(reverse("authoring:lesson_preview", args=[w["lesson"].pk]), data, **HTMX)


def module_test_pass_mark(client, w, value):
    _login(client, w["instructor"])
    quiz = Quiz.objects.get(kind="test")
    return client.post(reverse("authoring:quiz", args=[quiz.pk]), {"title": TYPED,
                                                                   "pass_mark": value})  # fmt: skip


def _question_post(client, w, **changes):
    _login(client, w["instructor"])
    quiz = Quiz.objects.get(lesson__slug="token-economics")
    question = next(q for q in clean_quiz(quiz, quiz_snapshot(quiz))["questions"])
    data = question_form_data(question, stem=TYPED, **changes)
    return client.post(reverse("authoring:question", args=[quiz.pk, question["key"]]), data)


def option_id(client, w, value):
    return _question_post(client, w, **{"option-0-id": value})


def option_position(client, w, value):
    return _question_post(client, w, **{"option-0-position": value})


def option_row(client, w, value):
    return _question_post(client, w, **{f"option-{value}-text": "x"})


def _price(field: str):
    def send(client, w, value):
        _login(client, w["instructor"])
        model = load_price_table().get("claude-sonnet-5-5").to_data()
        data = {
            "status": model["status"], **model["prices"],
            "batch_discount": model["batch_discount"], "retired": "",
            "source": TYPED, "price_date": "2026-12-01",
        }  # fmt: skip
        data[field] = value
        return client.post(reverse("authoring:price_model", args=["claude-sonnet-5-5"]), data)

    send.__name__ = f"price {field}"
    return send


CASES = [
    Case("lesson quiz question", quiz_question, "400"),
    Case("lesson quiz choice", quiz_choice, "400"),
    Case("module test question", module_test_question, "400"),
    Case("module test choice", module_test_choice, "400"),
    Case("lab send conversation", lab_conversation, "400", keeps_typed=True),
    Case("lab send conversation (htmx)", lab_conversation_htmx, "400", keeps_typed=True),
    Case("revision ?against=", revision_against, "400"),
    Case("spend ?days=", spend_days, "400"),
    Case("reports ?date_from=", _report("/reports/", "date_from"), "form"),
    Case("reports ?date_to=", _report("/reports/", "date_to"), "form"),
    Case("attempts ?date_to=", _report("/reports/attempts/", "date_to"), "form"),
    Case("questions ?date_to=", _report("/reports/questions/", "date_to", "instructor"), "form"),
    Case("attempts.csv ?date_to=", _report("/reports/attempts.csv", "date_to"), "400"),
    Case("answers.csv ?date_from=", _report("/reports/answers.csv", "date_from"), "400"),
    Case("retake grant quiz", retake_quiz, "form", keeps_typed=True),
    Case("lesson minutes", lesson_minutes, "form", keeps_typed=True),
    Case("test pass mark", module_test_pass_mark, "form", keeps_typed=True),
    Case("question option id", option_id, "form", keeps_typed=True),
    Case("question option position", option_position, "form", keeps_typed=True),
    Case("question option row", option_row, "form", keeps_typed=True),
    Case("price retired", _price("retired"), "form", keeps_typed=True),
    Case("price applies from", _price("price_date"), "form", keeps_typed=True),
]


@pytest.fixture
def w(course, learner, instructor, admin_user) -> dict:
    lesson = Lesson.objects.get(slug="token-economics")
    revision = record_revision(
        Kind.LESSON, lesson.pk, lesson_snapshot(lesson), user=None,
        source=Revision.Source.FILES, note="test",
    )  # fmt: skip
    return {"learner": learner, "instructor": instructor, "admin": admin_user,
            "lesson": lesson, "revision": revision}  # fmt: skip


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_number_or_date_is_refused_with_a_reason_never_a_500(client, w, case, value):
    if case.send is option_row and "-" in value:
        pytest.skip(f"option-{value}-text is not an option row's name: the form ignores it")
    response = case.send(client, w, value)
    body = response.content.decode() if not response.streaming else ""
    if case.expect == "400":
        assert response.status_code == 400, (response.status_code, body[:500])
    else:
        assert response.status_code in (400, 422) or (
            response.status_code == 200 and 'role="alert"' in body
        ), (response.status_code, body[:500])
    assert any(phrase.lower() in body.lower() for phrase in EXPLAINED), body[:2000]
    if case.keeps_typed:
        assert TYPED in body


def test_a_bad_conversation_id_sends_nothing(client, learner, course):
    client.force_login(learner)
    client.post(LAB_URL + "send/", {"text": TYPED, "conversation": "²"})
    assert not Message.objects.exists()


def test_the_lesson_preview_shows_a_half_typed_reading_time_as_none(client, w):
    for value in BAD_VALUES:
        response = lesson_preview_minutes(client, w, value)
        assert response.status_code == 200, value
        assert TYPED in response.content.decode()


def test_a_bad_date_filter_does_not_widen_an_export_to_everything(client, admin_user, course):
    client.force_login(admin_user)
    response = client.get("/reports/attempts.csv", {"date_to": "9999-12-31"})
    assert response.status_code == 400
    assert "date_to" in response.content.decode()


# --- the parser itself -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "٣", "-1", "1e3", "+5", " ", "", "0x10", "1_000", None])
def test_parse_int_takes_only_ascii_digits(value):
    with pytest.raises(BadParameter):
        parse_int(value, "n")


def test_parse_id_keeps_to_the_database_integer_range():
    assert parse_id("9223372036854775807", "id") == 2**63 - 1
    assert parse_id(" 42 ", "id") == 42
    for value in ("0", "9223372036854775808", "9" * 5000):
        with pytest.raises(BadParameter, match="must be from 1"):
            parse_id(value, "id")


def test_parse_date_takes_iso_dates_in_a_range_a_day_can_be_added_to():
    assert parse_date("2026-12-01", "d").isoformat() == "2026-12-01"
    for value in (
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "\u0661\u0662\u0663\u0664-\u0660\u0661-\u0660\u0661",
        "12/01/2026",
        "2026-1-1",
    ):
        with pytest.raises(BadParameter):
            parse_date(value, "d")
