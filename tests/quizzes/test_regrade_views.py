"""Regrading the module test: dry run, apply with a reason, the learner's note; staff only."""

from decimal import Decimal

import pytest
from django.test import Client

from authoring.pricing import current_price_table
from labs.calculator import PriceTable
from quizzes.models import Answer, Attempt, Choice, Regrade, RegradeChange
from quizzes.regrade import preview
from quizzes.retakes import start_test_attempt
from quizzes.scenarios import KEY, TTL_CHOICES
from tests.quizzes.helpers import attempt_url, make_attempt, module_test, one_per_slot

pytestmark = pytest.mark.django_db
URL = "/reports/regrade/"


def fixed_item_key_moved(attempt: Attempt) -> Answer:
    """An instructor corrects a fixed item's key (in the admin): the option this learner
    picked, marked wrong when they submitted, is now the right one."""
    answer = (
        attempt.answers.filter(is_correct=False, question__scenario={})
        .select_related("question")
        .first()
    )
    Choice.objects.filter(question=answer.question).update(is_correct=False)
    Choice.objects.filter(pk=answer.choice_id).update(is_correct=True)
    return answer


@pytest.fixture
def staff(admin_user: object) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def graded(learner: object, course: object) -> Attempt:
    # 11 of 15: one short of the pass mark, so one answer regraded right makes it a pass.
    return make_attempt(learner, module_test(), 11, questions=one_per_slot(module_test()))


def test_the_dry_run_lists_the_attempts_whose_score_would_change_and_writes_nothing(staff, graded):
    answer = fixed_item_key_moved(graded)
    response = staff.post(URL, {"quiz": module_test().pk, "action": "preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert graded.user.username in page
    assert "11/15" in page and "12/15 (passed)" in page
    assert f"{answer.question.key}: wrong → right" in page
    graded.refresh_from_db()
    assert graded.score == 11 and not Regrade.objects.exists()
    assert not Answer.objects.get(pk=answer.pk).is_correct


def test_applying_with_a_reason_rescores_and_the_learner_sees_a_note(staff, graded, learner):
    fixed_item_key_moved(graded)
    response = staff.post(
        URL, {"quiz": module_test().pk, "action": "apply", "reason": "Key of item corrected."}
    )
    assert response.status_code == 302
    graded.refresh_from_db()
    assert (graded.score, graded.passed) == (12, True)
    change = RegradeChange.objects.get()
    assert (change.attempt_id, change.old_score, change.new_score) == (graded.pk, 11, 12)
    learner_client = Client()
    learner_client.force_login(learner)
    page = learner_client.get(attempt_url(graded, "result/")).content.decode()
    assert "This attempt was regraded" in page
    assert "Key of item corrected." in page and "from 11 to 12" in page
    # Applying again finds nothing more to change.
    staff.post(URL, {"quiz": module_test().pk, "action": "apply", "reason": "Again."})
    assert RegradeChange.objects.count() == 1


def test_applying_without_a_reason_is_refused_and_keeps_the_dry_run(staff, graded):
    fixed_item_key_moved(graded)
    response = staff.post(URL, {"quiz": module_test().pk, "action": "apply", "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for the regrade" in response.content.decode()
    assert graded.user.username in response.content.decode()
    graded.refresh_from_db()
    assert graded.score == 11 and not Regrade.objects.exists()


def test_a_reason_too_long_is_refused_and_what_was_typed_is_kept(staff, graded):
    fixed_item_key_moved(graded)
    reason = "x" * 2001
    response = staff.post(URL, {"quiz": module_test().pk, "action": "apply", "reason": reason})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Regrade.objects.exists()


@pytest.mark.parametrize("raw", ["", "abc", "-1"])
def test_a_missing_or_bad_test_is_a_clear_400(staff, course, raw):
    response = staff.post(URL, {"quiz": raw, "action": "preview"})
    assert response.status_code == 400
    assert "Choose the test to regrade." in response.content.decode()


def test_a_quiz_that_is_not_the_test_is_a_404(staff, course):
    from quizzes.models import Quiz

    lesson_quiz = Quiz.objects.filter(kind=Quiz.Kind.LESSON).first()
    assert staff.post(URL, {"quiz": lesson_quiz.pk}).status_code == 404


def test_learners_and_instructors_cannot_regrade(client, learner, instructor, graded):
    fixed_item_key_moved(graded)
    for user in (learner, instructor):
        client.force_login(user)
        assert client.get(URL).status_code in (302, 403)
        response = client.post(URL, {"quiz": module_test().pk, "action": "apply", "reason": "r"})
        assert response.status_code in (302, 403)
    graded.refresh_from_db()
    assert graded.score == 11 and not Regrade.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_post_without_the_csrf_token_is_refused(admin_user, graded):
    fixed_item_key_moved(graded)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(URL, {"quiz": module_test().pk, "action": "apply", "reason": "r"})
    assert response.status_code == 403
    assert not Regrade.objects.exists()


def dearer_long_cache(table: PriceTable) -> PriceTable:
    """A price change under which the 5-minute cache is the cheaper lifetime for sparse
    traffic too: the 1-hour write costs 500 times input."""
    data = table.to_data()
    for model in data["models"]:
        model["prices"]["cache_write_1h"] = str(500 * Decimal(model["prices"]["input"]))
        model.pop("bands", None)
    return PriceTable.from_data(data).on(table.date)


def test_a_price_change_that_makes_the_other_lifetime_right_is_found_by_the_dry_run(
    learner, course
):
    attempt, _ = start_test_attempt(learner, module_test())
    qid = next(
        int(pk) for pk, data in attempt.draws.items() if "values" in data
        and Choice.objects.filter(question_id=pk, computes="the-dearer-ttl").exists()
    )  # fmt: skip
    choices = {c.computes: c for c in Choice.objects.filter(question_id=qid)}
    # Under today's prices the 1-hour cache is the right one for sparse traffic.
    assert attempt.draws[str(qid)]["labels"][str(choices[KEY].pk)] == TTL_CHOICES["1h"]
    Answer.objects.create(attempt=attempt, question_id=qid, choice=choices[KEY], is_correct=True)
    from quizzes.grading import finish_attempt

    finish_attempt(attempt)
    attempt.refresh_from_db()
    changes = preview(module_test(), dearer_long_cache(current_price_table()))
    change = next(c for c in changes if c.attempt.pk == attempt.pk)
    assert change.new_score == attempt.score - 1
    assert [(was, now) for _, was, now in change.answers] == [(True, False)]
    # Under today's prices nothing moves.
    assert preview(module_test()) == []
