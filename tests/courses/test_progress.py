"""What progress means: the module is complete once every lesson is read and the test passed; a
lab counts once it replied with a calculation; lesson quizzes are practice; the dashboard says
what is left, in a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Lesson, LessonProgress, Module
from courses.progress import module_progress
from labs.models import Calculation, Lab, Message
from tests.labs.conftest import make_conversation
from tests.quizzes.helpers import lesson_quiz, make_attempt, module_test

pytestmark = pytest.mark.django_db


def read(user, *orders: int) -> None:
    for lesson in Lesson.objects.filter(order__in=orders):
        LessonProgress.objects.get_or_create(user=user, lesson=lesson)


def progress_of(user):
    return module_progress(user, Module.objects.get())


def test_passing_the_test_without_reading_every_lesson_leaves_the_module_incomplete(
    client, learner, course
):
    make_attempt(learner, module_test(), 13)
    read(learner, 1, 2, 4)
    assert not progress_of(learner).complete
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "is complete" not in html
    assert "<strong>Left:</strong> read lesson 3." in html

    read(learner, 3)
    assert progress_of(learner).complete
    html = client.get("/").content.decode()
    assert "Module 7 is complete:</strong> you read every lesson and passed the module test" in html
    assert "Left:" not in html


def test_the_dashboard_says_what_is_left_to_complete_the_module(client, learner, course):
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "<strong>Left:</strong> read lessons 1, 2, 3 and 4, pass the module test." in html
    read(learner, 1, 3)
    make_attempt(learner, module_test(), 5)  # taken, not passed
    html = client.get("/").content.decode()
    assert "<strong>Left:</strong> read lessons 2 and 4, pass the module test." in html
    assert "2 of 5 steps to complete the module done" in html
    page = client.get("/modules/cost-optimization/").content.decode()
    assert "<strong>Left:</strong> read lessons 2 and 4, pass the module test." in page


def test_lesson_quizzes_and_labs_are_practice_and_do_not_count_towards_completion(
    client, learner, course
):
    make_attempt(learner, lesson_quiz(), 3)
    progress = progress_of(learner)
    assert progress.practice_done == 1 and progress.done_count == 0 and progress.percent == 0
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "L1 practice quiz" in html
    assert "practice: 1 of 8 quizzes and labs" in html
    assert "Practice quiz: best 3/3" in client.get("/modules/cost-optimization/").content.decode()


def test_a_lab_counts_once_it_has_replied_with_a_calculation(learner, course):
    lab = Lab.objects.get(slug="cost-estimator")
    conversation = make_conversation(learner, lab, "hello")  # a reply, but nothing calculated
    assert not progress_of(learner).lessons[0].lab_used
    failed = Message.objects.create(conversation=conversation, role="assistant", status="failed")
    Calculation.objects.create(message=failed, order=1, tool="workload_cost", input={}, output={})
    assert not progress_of(learner).lessons[0].lab_used  # a failed reply does not count
    reply = conversation.messages.filter(role="assistant", status="done").first()
    Calculation.objects.create(message=reply, order=1, tool="workload_cost", input={}, output={})
    assert progress_of(learner).lessons[0].lab_used


def test_the_reports_call_lesson_quizzes_practice(client, admin_user, learner, course):
    make_attempt(learner, lesson_quiz(), 2)
    client.force_login(admin_user)
    html = client.get("/reports/").content.decode()
    assert "Practice quizzes and the module test" in html
    row = html.split(lesson_quiz().title)[1].split("</th>")[0]
    assert '<span class="badge">Practice</span>' in row


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_dashboard_runs_a_bounded_number_of_queries_however_much_the_learner_did(
    client, learner, course
):
    client.force_login(learner)
    client.get("/")  # warm the session
    before = dashboard_queries(client)
    lab = Lab.objects.get(slug="cost-estimator")
    read(learner, 1, 2, 3, 4)
    for right in (1, 2, 3):
        make_attempt(learner, lesson_quiz(), right)
    for right in (5, 13):
        make_attempt(learner, module_test(), right)
    for _ in range(3):
        conversation = make_conversation(learner, lab, "a", "b")
        for reply in conversation.messages.filter(role="assistant"):
            Calculation.objects.create(message=reply, order=1, tool="t", input={}, output={})
    after = dashboard_queries(client)
    assert after == before
    assert after <= 10
