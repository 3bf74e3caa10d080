import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.exports import ANSWER_COLUMNS, ATTEMPT_COLUMNS, safe_cell
from tests.conftest import make_user
from tests.quizzes.helpers import lesson_quiz, make_attempt, module_test

pytestmark = pytest.mark.django_db


def download(client, url: str, **params: str) -> list[dict[str, str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_only_admins_download_csv(client, learner, instructor, course):
    for url in ("/reports/attempts.csv", "/reports/answers.csv"):
        assert client.get(url).status_code == 302
        client.force_login(learner)
        assert client.get(url).status_code == 403
        client.force_login(instructor)
        assert client.get(url).status_code == 403
        client.logout()


def test_the_attempts_csv_has_one_row_per_attempt(client, admin_user, learner, course):
    passed = make_attempt(learner, module_test(), 12)
    make_attempt(learner, module_test(), 11)
    make_attempt(learner, lesson_quiz(), 1, submitted=False)
    client.force_login(admin_user)
    rows = download(client, "/reports/attempts.csv")
    assert list(rows[0]) == ATTEMPT_COLUMNS
    assert len(rows) == 3
    by_id = {row["attempt_id"]: row for row in rows}
    row = by_id[str(passed.pk)]
    assert row["learner"] == "lena" and row["email"] == "lena@example.com"
    assert (row["quiz"], row["kind"], row["module"]) == (
        "Module 7 test",
        "test",
        "cost-optimization",
    )
    assert (row["score"], row["total"], row["percent"], row["passed"]) == (
        "12",
        "15",
        "80.0",
        "yes",
    )
    assert row["status"] == "submitted" and row["submitted_at"].startswith("20")
    assert sorted(r["passed"] for r in rows) == ["", "no", "yes"]
    assert [r["status"] for r in rows].count("in progress") == 1


def test_the_answers_csv_has_one_row_per_answer(client, admin_user, learner, course):
    attempt = make_attempt(learner, module_test(), 12)
    client.force_login(admin_user)
    rows = download(client, "/reports/answers.csv")
    assert list(rows[0]) == ANSWER_COLUMNS
    assert len(rows) == 15
    assert {row["attempt_id"] for row in rows} == {str(attempt.pk)}
    assert [row["is_correct"] for row in rows].count("yes") == 12
    first = rows[0]
    assert first["question_key"] == "mt-te-1" and first["question_order"] == "1"
    assert first["choice_text"].startswith("$")  # the figure as the learner saw it
    assert "{{" not in "".join(row["choice_text"] for row in rows)


def test_csv_exports_follow_the_filters(client, admin_user, course):
    amy, ben = make_user("amy"), make_user("ben")
    march = datetime(2026, 3, 10, 12, tzinfo=UTC)
    make_attempt(amy, module_test(), 15, when=march)
    make_attempt(ben, module_test(), 3, when=march + timedelta(days=40))
    client.force_login(admin_user)
    rows = download(client, "/reports/attempts.csv", learner="ben")
    assert [row["learner"] for row in rows] == ["ben"]
    rows = download(client, "/reports/answers.csv", date_to="2026-03-31")
    assert {row["learner"] for row in rows} == {"amy"} and len(rows) == 15


def test_spreadsheet_formulas_in_learner_text_are_neutralised(client, admin_user, course):
    sneaky = make_user("=HYPERLINK(x)")
    make_attempt(sneaky, lesson_quiz(), 3)
    client.force_login(admin_user)
    rows = download(client, "/reports/attempts.csv")
    assert rows[0]["learner"] == "'=HYPERLINK(x)"
    assert safe_cell("-1") == "'-1" and safe_cell(-1) == -1 and safe_cell("plain") == "plain"
