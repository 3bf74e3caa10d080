"""Staff (admins and instructors) trying the course are left out of score reports, question
statistics and the CSV exports by default; "Include staff" shows them."""

import pytest

from quizzes.models import Answer
from tests.quizzes.helpers import lesson_quiz, make_attempt, module_test

pytestmark = pytest.mark.django_db


def listed(response, attr: str = "username") -> list[str]:
    """The usernames on the report page's table (a name in the page header is not a row)."""
    rows = response.context["page"].object_list
    if attr == "username":
        return [row.username for row in rows]
    return [row.user.username for row in rows]


@pytest.fixture
def attempts(learner, instructor, admin_user, course) -> None:
    for user in (learner, instructor, admin_user):
        make_attempt(user, module_test(), 12)
        make_attempt(user, lesson_quiz(), 3)


def test_the_overview_lists_only_learners_and_counts_only_their_attempts(
    client, admin_user, attempts
):
    client.force_login(admin_user)
    response = client.get("/reports/")
    html = response.content.decode()
    assert listed(response) == ["lena"]
    test_row = next(s for s in response.context["summaries"] if s.quiz == module_test())
    assert (test_row.learners, test_row.attempts) == (1, 1)
    assert 'name="staff"' in html and "Include staff (admins and instructors)" in html


def test_include_staff_shows_them_and_keeps_the_choice_in_the_export_links(
    client, admin_user, attempts
):
    client.force_login(admin_user)
    response = client.get("/reports/", {"staff": "on"})
    html = response.content.decode()
    assert listed(response) == ["ada", "ines", "lena"]
    test_row = next(s for s in response.context["summaries"] if s.quiz == module_test())
    assert (test_row.learners, test_row.attempts) == (3, 3)
    assert "/reports/attempts.csv?staff=1" in html
    assert 'name="staff" checked' in html or "checked" in html.split('name="staff"')[1][:40]


def test_the_attempt_list_leaves_staff_out_unless_asked(client, admin_user, attempts):
    client.force_login(admin_user)
    assert set(listed(client.get("/reports/attempts/"), attr="user.username")) == {"lena"}
    everyone = listed(client.get("/reports/attempts/", {"staff": "1"}), attr="user.username")
    assert set(everyone) == {"lena", "ines", "ada"}


def test_the_csv_exports_leave_staff_out_by_default(client, admin_user, attempts):
    client.force_login(admin_user)
    for url in ("/reports/attempts.csv", "/reports/answers.csv"):
        body = b"".join(client.get(url).streaming_content).decode()
        assert "lena" in body, url
        assert "ines" not in body and ",ada," not in body, url
        body = b"".join(client.get(url, {"staff": "1"}).streaming_content).decode()
        assert "ines" in body and ",ada," in body, url


def test_question_statistics_count_only_learners_answers(client, instructor, attempts):
    client.force_login(instructor)
    quiz = lesson_quiz()
    response = client.get("/reports/questions/", {"quiz": quiz.pk})
    assert response.status_code == 200
    question = quiz.questions.order_by("order").first()
    learners = Answer.objects.filter(question=question, attempt__user__username="lena").count()
    assert Answer.objects.filter(question=question).count() == 3 * learners  # staff answered too
    [quiz_stats] = response.context["stats"]
    stat = next(s for s in quiz_stats.questions if s.question == question)
    assert stat.answers == learners
