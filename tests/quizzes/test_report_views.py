from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Attempt, Question, Quiz, RetakeGrant
from quizzes.reports import ReportFilter, median_percent, question_stats, quiz_summaries
from tests.conftest import make_user
from tests.quizzes.helpers import (
    lesson_quiz,
    make_attempt,
    module_test,
    one_per_slot,
    questions_of,
)

pytestmark = pytest.mark.django_db

STAFF_ONLY = ["/reports/", "/reports/attempts/", "/reports/attempts.csv", "/reports/answers.csv"]
QUESTIONS = "/reports/questions/"


def learner_url(user: User) -> str:
    return f"/reports/learners/{user.pk}/"


def prefetched(quiz: Quiz) -> list[Question]:
    """A lesson quiz's questions, or a test form (one item per slot), choices prefetched."""
    questions = one_per_slot(quiz) if quiz.kind == Quiz.Kind.TEST else questions_of(quiz)
    return list(
        Question.objects.filter(pk__in=[q.pk for q in questions])
        .order_by("slot", "order")
        .prefetch_related("choices")
    )


def populate(count: int, start: int = 0) -> None:
    """`count` learners, each with the four lesson quizzes and two module test attempts."""
    quizzes = [(quiz, prefetched(quiz)) for quiz in Quiz.objects.order_by("pk")]
    for i in range(start, start + count):
        user = User.objects.create(username=f"learner{i:03}", email=f"l{i}@example.com")
        for quiz, questions in quizzes:
            if quiz.kind == Quiz.Kind.TEST:
                make_attempt(user, quiz, (i * 7) % 16, questions=questions)
                make_attempt(user, quiz, (i * 5 + 3) % 16, questions=questions)
            else:
                make_attempt(user, quiz, i % 4, questions=questions)


def test_anonymous_visitors_are_sent_to_login(client, learner, course):
    for url in [*STAFF_ONLY, QUESTIONS, learner_url(learner)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next=")
    response = client.post(learner_url(learner) + "retakes/", {"reason": "x"})
    assert response.status_code == 302
    assert not RetakeGrant.objects.exists()


def test_learners_get_no_report_page(client, learner, course):
    client.force_login(learner)
    for url in [*STAFF_ONLY, QUESTIONS, learner_url(learner)]:
        assert client.get(url).status_code == 403, url


def test_instructors_see_question_statistics_only(client, instructor, learner, course):
    client.force_login(instructor)
    assert client.get(QUESTIONS).status_code == 200
    for url in [*STAFF_ONLY, learner_url(learner)]:
        assert client.get(url).status_code == 403, url
    data = {"quiz": module_test().pk, "kind": "grant", "reason": "please"}
    assert client.post(learner_url(learner) + "retakes/", data).status_code == 403
    assert not RetakeGrant.objects.exists()


def test_instructors_cannot_single_out_a_learner(
    client, instructor, learner, other_learner, course
):
    make_attempt(learner, module_test(), 15)
    make_attempt(other_learner, module_test(), 0)
    client.force_login(instructor)
    html = client.get(QUESTIONS, {"learner": learner.username}).content.decode()
    assert 'name="learner"' not in html
    assert "2 submitted attempts" in html  # the learner filter was ignored


def test_admins_see_every_report(client, admin_user, learner, course):
    make_attempt(learner, module_test(), 12)
    client.force_login(admin_user)
    for url in [*STAFF_ONLY, QUESTIONS, learner_url(learner)]:
        assert client.get(url).status_code == 200, url
    html = client.get("/reports/").content.decode()
    assert learner.username in html
    assert "Module 7 test" in html
    html = client.get("/reports/attempts/").content.decode()
    assert learner.username in html and "12/15 (80%)" in html and "Passed" in html


def test_the_overview_shows_learners_attempts_mean_median_and_pass_rate(client, admin_user, course):
    test = module_test()
    for name, right in (("amy", 12), ("ben", 11), ("cal", 15)):
        make_attempt(make_user(name), test, right)
    client.force_login(admin_user)
    html = client.get("/reports/").content.decode()
    row = html.split("Module 7 test")[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0].strip() for c in row.split("<td")[1:]]
    # learners, attempts, mean, median, pass rate (attempts), learners passed
    assert cells[:6] == ["3", "3", "84%", "80%", "67%", "2"]


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(course, learner):
    test = module_test()
    for right in (9, 11, 12, 15):
        make_attempt(learner, test, right)
    attempts = Attempt.objects.filter(quiz=test)
    assert median_percent(attempts, 4) == pytest.approx((100 * 11 / 15 + 80) / 2)
    summary = next(s for s in quiz_summaries(ReportFilter(), [test]))
    assert summary.attempts == 4 and summary.learners == 1
    assert summary.mean == pytest.approx(100 * 47 / 60)
    assert summary.pass_rate == 50


def test_reset_and_unfinished_attempts_do_not_count(course, learner, admin_user):
    test = module_test()
    make_attempt(learner, test, 15)
    Attempt.objects.update(voided=True)
    make_attempt(learner, test, 3, submitted=False)
    summary = quiz_summaries(ReportFilter(), [test])[0]
    assert summary.attempts == 0 and summary.mean is None and summary.median is None


def test_filters_by_date_range_and_learner(client, admin_user, course):
    test = module_test()
    amy, ben = make_user("amy"), make_user("ben")
    march = datetime(2026, 3, 10, 12, tzinfo=UTC)
    make_attempt(amy, test, 15, when=march)
    make_attempt(ben, test, 3, when=march + timedelta(days=30))
    make_attempt(amy, lesson_quiz(), 2, when=march + timedelta(days=30))
    client.force_login(admin_user)

    html = client.get("/reports/attempts/", {"date_from": "2026-03-01", "date_to": "2026-03-10"})
    html = html.content.decode()
    assert "1 attempt matching the filter" in html
    assert "15/15" in html and "3/15" not in html

    html = client.get("/reports/attempts/", {"learner": "ben"}).content.decode()
    assert "1 attempt matching the filter" in html and "3/15" in html

    html = client.get("/reports/", {"date_from": "2026-04-01"}).content.decode()
    assert ">amy</a>" in html and ">ben</a>" in html
    assert "Token economics quiz" in html
    html = client.get("/reports/", {"date_to": "2026-03-31"}).content.decode()
    assert ">amy</a>" in html and ">ben</a>" not in html  # no attempts in range


def test_a_bad_filter_is_shown_and_not_applied(client, admin_user, learner, course):
    make_attempt(learner, module_test(), 12)
    client.force_login(admin_user)
    response = client.get(
        "/reports/attempts/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    html = response.content.decode()
    assert "The start date is after the end date." in html
    assert "1 attempt," in html
    html = client.get("/reports/attempts/", {"date_from": "not-a-date"}).content.decode()
    assert "Must be a date written as YYYY-MM-DD" in html


def test_the_learner_page_shows_progress_quiz_attempts_and_test_attempts(
    client, admin_user, learner, course
):
    make_attempt(learner, lesson_quiz(), 1)
    make_attempt(learner, lesson_quiz(), 3)
    make_attempt(learner, module_test(), 13)
    client.force_login(admin_user)
    html = client.get(learner_url(learner)).content.decode()
    assert learner.email in html
    assert "Module 7: " in html and "steps to complete the module done" in html
    assert "left: read lessons 1, 2, 3 and 4" in html
    assert "best test score 87%" in html
    quiz_section = html.split("Token economics quiz")[1].split("</section>")[0]
    assert "best 3/3 (100%)" in quiz_section
    assert quiz_section.count("<tr") == 3  # header + two attempts
    assert "13/15 (87%)" in html
    assert "Grant or reset a test attempt" in html
    assert client.get("/reports/learners/999999/").status_code == 404


def test_an_admin_grants_an_attempt_with_a_recorded_reason(client, admin_user, learner, course):
    client.force_login(admin_user)
    data = {"quiz": module_test().pk, "kind": "grant", "reason": "  Browser crashed  "}
    response = client.post(learner_url(learner) + "retakes/", data)
    assert response.status_code == 302
    grant = RetakeGrant.objects.get()
    assert (grant.user, grant.kind, grant.reason, grant.granted_by) == (
        learner, "grant", "Browser crashed", admin_user,
    )  # fmt: skip
    assert grant.used_at is None
    html = client.get(response.url).content.decode()
    assert "may start an extra attempt now" in html
    assert "Reason: Browser crashed" in html and "not used yet" in html


def test_an_admin_reset_voids_the_learners_test_attempts(client, admin_user, learner, course):
    attempt = make_attempt(learner, module_test(), 5)
    quiz_attempt = make_attempt(learner, lesson_quiz(), 1)
    client.force_login(admin_user)
    data = {"quiz": module_test().pk, "kind": "reset", "reason": "Took it for a colleague"}
    client.post(learner_url(learner) + "retakes/", data)
    attempt.refresh_from_db()
    quiz_attempt.refresh_from_db()
    assert attempt.voided and not quiz_attempt.voided
    assert RetakeGrant.objects.get().kind == "reset"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "grant", "reason": ""},
        {"kind": "grant", "reason": "   "},
        {"kind": "bogus", "reason": "why"},
        {"kind": "grant", "reason": "why", "quiz": "abc"},
    ],
)
def test_a_grant_needs_a_reason_and_a_valid_action(client, admin_user, learner, course, data):
    client.force_login(admin_user)
    data = {"quiz": module_test().pk, **data}
    response = client.post(learner_url(learner) + "retakes/", data)
    assert response.status_code == 400
    assert (
        'class="error"' in response.content.decode() or "form-errors" in response.content.decode()
    )
    assert not RetakeGrant.objects.exists()


def test_question_statistics_give_facility_discrimination_and_option_picks(course, learner):
    test = module_test()
    questions = prefetched(test)
    # Ten attempts; question i is right exactly when the attempt scored at least i.
    for right in (15, 14, 13, 12, 10, 8, 6, 4, 2, 1):
        make_attempt(learner, test, right, questions=questions)
    [stats] = question_stats(ReportFilter(), [test])
    assert stats.attempts == 10 and stats.group_size == 3
    assert stats.upper_cutoff == pytest.approx(100 * 13 / 15)
    assert stats.lower_cutoff == pytest.approx(100 * 4 / 15)
    by_order = {s.question.order: s for s in stats.questions}
    assert by_order[1].facility == 1.0 and by_order[1].discrimination == 0
    assert by_order[3].discrimination == pytest.approx(1 - 1 / 3)
    assert by_order[5].facility == pytest.approx(0.7)
    assert by_order[5].discrimination == pytest.approx(1.0)
    assert by_order[15].discrimination == pytest.approx(1 / 3)
    picks = {o.is_correct: o.picks for o in by_order[5].options if o.picks}
    assert picks == {True: 7, False: 3}
    assert sum(o.picks for o in by_order[5].options) == by_order[5].answers == 10
    assert all(s.small_sample for s in stats.questions)


def test_the_question_page_warns_about_small_samples(client, instructor, learner, course):
    quiz = lesson_quiz()
    questions = prefetched(quiz)
    for _ in range(10):
        make_attempt(learner, quiz, 2, questions=questions)
    client.force_login(instructor)
    html = client.get(QUESTIONS, {"quiz": quiz.pk}).content.decode()
    assert "Small sample:" in html and "small sample</span>" in html
    assert "Facility" in html and "Discrimination" in html
    assert '1.00 <span class="muted">(10/10)</span>' in html  # questions 1 and 2
    assert '0.00 <span class="muted">(0/10)</span>' in html  # question 3
    for _ in range(20):
        make_attempt(learner, quiz, 2, questions=questions)
    html = client.get(QUESTIONS, {"quiz": quiz.pk}).content.decode()
    assert "Small sample:" not in html and "small sample</span>" not in html
    assert "30 submitted attempts" in html
    assert ">Module 7 test</h2>" not in html  # only the chosen quiz


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def test_report_pages_use_a_bounded_number_of_queries_however_much_data(
    client, admin_user, course, django_assert_max_num_queries
):
    urls = [
        "/reports/", "/reports/?learner=learner0", "/reports/attempts/", QUESTIONS,
        "/reports/attempts.csv", "/reports/answers.csv",
    ]  # fmt: skip
    populate(5)
    client.force_login(admin_user)
    first = User.objects.get(username="learner000")
    small = {url: _count_queries(client, url) for url in [*urls, learner_url(first)]}
    populate(55, start=5)
    assert Attempt.objects.count() == 60 * 6
    for url, count in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                rows = b"".join(response.streaming_content).count(b"\n")
                assert rows > 300
    limits = {"/reports/": 16, QUESTIONS: 25, "/reports/attempts/": 10}
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            client.get(url)


def test_an_instructor_narrowing_by_date_to_a_few_learners_sees_no_per_question_figures(
    client, instructor, admin_user, learner, other_learner, course
):
    quiz = lesson_quiz()
    questions = prefetched(quiz)
    lonely_day = timezone.now() - timedelta(days=40)
    make_attempt(learner, quiz, 1, when=lonely_day, questions=questions)
    for _ in range(30):
        make_attempt(other_learner, quiz, 2, questions=questions)
    narrowed = {"quiz": quiz.pk, "date_from": lonely_day.date().isoformat(),
                "date_to": lonely_day.date().isoformat()}  # fmt: skip

    client.force_login(instructor)
    html = client.get(QUESTIONS, narrowed).content.decode()
    assert "1 submitted attempt." in html
    assert "Figures withheld:" in html and "Widen the range" in html
    assert 'class="option-picks"' not in html and 'class="score-tiles compact"' not in html
    assert "(1/1)" not in html and "(0/1)" not in html and "Top group" not in html
    # The whole range is past the minimum sample: the figures are back.
    html = client.get(QUESTIONS, {"quiz": quiz.pk}).content.decode()
    assert "Figures withheld:" not in html and 'class="option-picks"' in html

    client.force_login(admin_user)
    html = client.get(QUESTIONS, narrowed).content.decode()
    assert "Figures withheld:" not in html
    assert "Small sample:" in html and 'class="option-picks"' in html


def test_unfiltered_small_samples_still_show_instructors_the_figures_with_a_warning(
    client, instructor, learner, course
):
    quiz = lesson_quiz()
    make_attempt(learner, quiz, 2)
    client.force_login(instructor)
    html = client.get(QUESTIONS, {"quiz": quiz.pk}).content.decode()
    assert "Small sample:" in html and 'class="option-picks"' in html


def second_per_slot(quiz: Quiz) -> list[Question]:
    """The other test form: the second item (in file order) of each slot."""
    pools: dict[int, list[Question]] = {}
    for question in quiz.questions.filter(is_active=True).order_by("slot", "order"):
        pools.setdefault(question.slot, []).append(question)
    return [pool[1] for _, pool in sorted(pools.items())]


def test_module_test_statistics_are_kept_per_item_and_per_slot(
    client, admin_user, learner, other_learner, course
):
    test = module_test()
    make_attempt(learner, test, 15, questions=prefetched(test))  # first items, all right
    make_attempt(other_learner, test, 0, questions=second_per_slot(test))  # second, all wrong
    [stats] = question_stats(ReportFilter(), [test])
    by_key = {s.question.key: s for s in stats.questions}
    assert (by_key["mt-te-1"].drawn, by_key["mt-te-1"].facility) == (1, 1.0)
    assert (by_key["mt-te-5"].drawn, by_key["mt-te-5"].facility) == (1, 0.0)
    assert by_key["mt-pcx-9"].drawn == 0 and by_key["mt-pcx-9"].facility is None
    assert [slot.slot for slot in stats.slots] == list(range(1, 16))
    first = stats.slots[0]
    assert [item.question.key for item in first.items] == ["mt-te-1", "mt-te-5", "mt-te-8"]
    assert (first.drawn, first.answers, first.right) == (2, 2, 1)
    assert first.facility == 0.5 and first.spread == 1.0
    assert sum(slot.drawn for slot in stats.slots) == 30

    client.force_login(admin_user)
    page = client.get(QUESTIONS, {"quiz": test.pk}).content.decode()
    assert "By slot: one item of each is drawn per attempt" in page
    row = page.split(f'id="slot-{test.pk}-1"')[1].split("</tr>")[0]
    assert "mt-te-1" in row and "mt-te-5" in row and "0.50" in row and "uneven" in row
    assert "<dt>Drawn</dt><dd>1</dd>" in page


def test_lesson_quiz_statistics_have_no_slots(course, learner):
    quiz = lesson_quiz()
    make_attempt(learner, quiz, 3, questions=prefetched(quiz))
    [stats] = question_stats(ReportFilter(), [quiz])
    assert stats.slots == [] and all(s.drawn is None for s in stats.questions)
