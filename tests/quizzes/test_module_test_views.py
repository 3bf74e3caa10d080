import re
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.progress import module_progress
from quizzes.grading import finish_attempt
from quizzes.models import Answer, Attempt, Choice, Question, RetakeGrant
from quizzes.retakes import grant_retake
from tests.quizzes.helpers import (
    HTMX,
    TEST_URL,
    answer_test,
    attempt_token,
    attempt_url,
    lesson_quiz,
    module_test,
    ordered_question_ids,
    questions_of,
    right_choice,
    submit,
    wrong_choice,
)

pytestmark = pytest.mark.django_db


def start(client) -> Attempt:
    response = client.post(TEST_URL + "start/")
    assert response.status_code == 302, response.content[:300]
    return Attempt.objects.filter(quiz__kind="test").latest("started_at")


def first_question(attempt: Attempt) -> Question:
    return Question.objects.get(pk=ordered_question_ids(attempt)[0])


def test_anonymous_visitors_are_sent_to_login(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    client.logout()
    for response in (
        client.get(TEST_URL),
        client.post(TEST_URL + "start/"),
        client.get(attempt_url(attempt)),
        client.get(attempt_url(attempt, "questions/1/")),
        client.post(attempt_url(attempt, "answer/"), {"question": 1, "choice": 1}),
        client.get(attempt_url(attempt, "review/")),
        submit(client, attempt),
        client.get(attempt_url(attempt, "result/")),
    ):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")
    assert Attempt.objects.count() == 1
    assert not Answer.objects.exists()


def test_the_test_page_states_the_rules_and_that_the_best_score_counts(client, learner, course):
    client.force_login(learner)
    html = client.get(TEST_URL).content.decode()
    assert "15 questions" in html
    assert "You pass with 12 or more correct (80%)" in html
    assert "Your best score is the one that counts" in html
    assert "10 minutes after each attempt" in html
    assert "Start the test" in html
    assert (
        'class="course-nav-test" href="/modules/cost-optimization/test/" aria-current="page"'
        in html
    )


def test_starting_shuffles_the_options_once_and_keeps_that_order(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    questions = Question.objects.filter(pk__in=[int(k) for k in attempt.choice_order])
    assert len(attempt.choice_order) == 15
    assert sorted(q.slot for q in questions) == list(range(1, 16))
    for question in questions:
        shown = attempt.choice_order[str(question.pk)]
        assert sorted(shown) == sorted(question.choices.values_list("pk", flat=True))
    url = attempt_url(attempt, "questions/1/")
    question = first_question(attempt)
    first_html = client.get(url).content.decode()
    shown = re.findall(r'name="choice" value="([^"]*)"', first_html)
    choices = {c.pk: c for c in question.choices.all()}
    # The page shows the attempt's order, each option as this attempt's token.
    expected = [
        attempt_token(attempt, choices[pk]) for pk in attempt.choice_order[str(question.pk)]
    ]
    assert shown == expected
    again = client.get(url).content.decode()
    assert re.findall(r'name="choice" value="([^"]*)"', again) == shown  # and keeps it


def test_each_attempt_gets_its_own_option_order(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    first = start(client)
    submit(client, first)
    second = start(client)
    assert second.pk != first.pk
    # 15 questions of 4 options: the chance of the same order everywhere is (1/24)^15.
    assert first.choice_order != second.choice_order


def test_starting_again_resumes_the_attempt_in_progress(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    response = client.post(TEST_URL + "start/")
    assert response.url == attempt_url(attempt)
    assert Attempt.objects.count() == 1
    assert client.get(attempt_url(attempt)).url == attempt_url(attempt, "questions/1/")


def test_no_test_question_page_reveals_the_answer(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    for number, question_id in enumerate(ordered_question_ids(attempt), start=1):
        html = client.get(attempt_url(attempt, f"questions/{number}/")).content.decode()
        main = html.split('<main id="main"')[1]
        question = Question.objects.get(pk=question_id)
        assert f"Question {number} of 15" in main
        for choice in question.choices.all():
            assert choice.feedback_html not in main
        for leak in ("is_correct", "data-", "Right answer", "feedback"):
            assert leak not in main, (number, leak)
        # The calculator command behind a figure would show which inputs it used.
        assert 'class="living-number" title=' not in main.split('class="options"')[1]


def test_an_answer_is_stored_and_can_change_until_submitting(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    question = first_question(attempt)
    url = attempt_url(attempt, "answer/")
    response = client.post(
        url, {"question": question.pk, "choice": attempt_token(attempt, wrong_choice(question))}
    )
    assert response.status_code == 302
    assert response.url == attempt_url(attempt, "questions/2/")
    client.post(
        url,
        {
            "question": question.pk,
            "choice": attempt_token(attempt, right_choice(question)),
            "go": "stay",
        },
    )
    stored = Answer.objects.get()
    assert stored.choice == right_choice(question) and stored.is_correct
    html = client.get(attempt_url(attempt, "questions/1/")).content.decode()
    assert f'value="{attempt_token(attempt, right_choice(question))}" required checked' in html
    assert "1 answered, 14 to go" in html


def test_with_htmx_an_answer_returns_the_next_question_fragment(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    question = first_question(attempt)
    response = client.post(
        attempt_url(attempt, "answer/"),
        {
            "question": question.pk,
            "choice": attempt_token(attempt, right_choice(question)),
            "go": "next",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Question 2 of 15" in html
    assert response["HX-Push-Url"] == attempt_url(attempt, "questions/2/")
    assert 'class="palette-item answered"' in html  # question 1 now shows as answered
    assert Answer.objects.count() == 1


def test_palette_navigation_with_htmx_returns_a_fragment_and_history_gets_the_page(
    client, learner, course
):
    client.force_login(learner)
    attempt = start(client)
    url = attempt_url(attempt, "questions/7/")
    fragment = client.get(url, headers=HTMX)
    assert "<html" not in fragment.content.decode()
    assert "Question 7 of 15" in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    restore = client.get(url, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()
    assert client.get(attempt_url(attempt, "questions/16/")).status_code == 404


def test_the_last_question_leads_to_the_review(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    last = Question.objects.get(pk=ordered_question_ids(attempt)[-1])
    data = {"question": last.pk, "choice": attempt_token(attempt, right_choice(last)), "go": "next"}
    response = client.post(attempt_url(attempt, "answer/"), data)
    assert response.url == attempt_url(attempt, "review/")
    response = client.post(attempt_url(attempt, "answer/"), data, headers=HTMX)
    assert response["HX-Redirect"] == attempt_url(attempt, "review/")


def test_the_review_names_the_unanswered_questions(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    ids = ordered_question_ids(attempt)
    for question_id in ids[:3] + ids[4:8] + ids[9:]:
        question = Question.objects.get(pk=question_id)
        client.post(
            attempt_url(attempt, "answer/"),
            {"question": question_id, "choice": attempt_token(attempt, right_choice(question))},
        )
    html = client.get(attempt_url(attempt, "review/")).content.decode()
    assert "You have not answered questions" in html
    assert f'href="{attempt_url(attempt, "questions/4/")}">4</a> and' in html
    assert f'href="{attempt_url(attempt, "questions/9/")}">9</a>.' in html
    assert "Submit with 2 unanswered" in html
    assert "13 of 15 answered" in html


def _answer_all_but_4_and_9(client, attempt: Attempt) -> None:
    ids = ordered_question_ids(attempt)
    for question_id in ids[:3] + ids[4:8] + ids[9:]:
        question = Question.objects.get(pk=question_id)
        client.post(
            attempt_url(attempt, "answer/"),
            {"question": question_id, "choice": attempt_token(attempt, right_choice(question))},
        )


def test_submitting_with_blank_questions_asks_for_confirmation_naming_them(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    _answer_all_but_4_and_9(client, attempt)
    response = client.post(attempt_url(attempt, "submit/"))
    assert response.status_code == 302
    assert response.url == attempt_url(attempt, "review/?confirm=unanswered#confirm")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    html = client.get(response.url).content.decode()
    assert "Submit with questions 4 and 9 unanswered?" in html
    assert "They count as wrong, and you cannot answer them after submitting." in html
    assert '<input type="hidden" name="unanswered" value="4,9">' in html
    assert "Yes, submit with 2 unanswered" in html
    assert f'href="{attempt_url(attempt, "questions/4/")}">Answer question 4 first' in html

    response = client.post(attempt_url(attempt, "submit/"), {"unanswered": "4,9"})
    assert response.url == attempt_url(attempt, "result/")
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 13


def test_a_confirmation_that_leaves_out_a_blank_question_does_not_submit(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    _answer_all_but_4_and_9(client, attempt)
    for raw in ("4", "", "9,x", "4;9"):
        response = client.post(attempt_url(attempt, "submit/"), {"unanswered": raw})
        assert response.url.endswith("review/?confirm=unanswered#confirm")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_submitting_blank_questions_with_htmx_sends_the_client_to_the_confirmation(
    client, learner, course
):
    client.force_login(learner)
    attempt = start(client)
    response = client.post(attempt_url(attempt, "submit/"), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == attempt_url(attempt, "review/?confirm=unanswered#confirm")
    html = client.get(response["HX-Redirect"]).content.decode()
    assert "Submit with questions 1, 2, 3," in html and "14 and 15 unanswered?" in html
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_fully_answered_attempt_submits_without_a_confirmation(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 15)
    assert "Yes, submit" not in client.get(attempt_url(attempt, "review/")).content.decode()
    response = client.post(attempt_url(attempt, "submit/"))
    assert response.url == attempt_url(attempt, "result/")


def test_a_passing_result_says_what_the_review_shows_and_when_a_retake_is_possible(
    client, learner, course
):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 13)
    html = submit(client, attempt, follow=True).content.decode()
    assert "This review shows the right answer to every question, with why it is right." in html
    assert "You can retake the test in 10 minutes" in html


def test_a_failing_result_says_the_right_answers_wait_for_a_pass(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 5)
    html = submit(client, attempt, follow=True).content.decode()
    assert "The right answer to a question you missed is shown once you have passed" in html
    assert "You can retake the test in 10 minutes" in html


@pytest.mark.parametrize(("right", "passed"), [(12, True), (11, False), (15, True), (0, False)])
def test_scoring_passes_at_twelve_of_fifteen_and_fails_at_eleven(
    client, learner, course, right, passed
):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, right)
    response = submit(client, attempt)
    assert response.url == attempt_url(attempt, "result/")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total, attempt.passed) == (right, 15, passed)
    assert attempt.submitted_at is not None
    html = client.get(response.url).content.decode()
    assert f"{right}/15" in html
    assert ("✓ Passed" if passed else "Not passed") in html
    progress = module_progress(learner, course)
    assert progress.test_passed is passed
    assert progress.test_best_percent == round(100 * right / 15)


def test_the_result_reviews_every_question_with_answer_right_one_and_explanation(
    client, learner, course
):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 14)
    submit(client, attempt)
    html = client.get(attempt_url(attempt, "result/")).content.decode()
    assert html.count("Your answer") == 15
    assert html.count("Right answer") == 15
    assert html.count('<span class="badge good">✓ Right</span>') == 14
    assert html.count('<span class="badge bad">✗ Wrong</span>') == 1
    last = Question.objects.get(pk=ordered_question_ids(attempt)[-1])
    assert wrong_choice(last).feedback_html in html  # why the pick was wrong
    assert right_choice(last).feedback_html in html  # and the explanation of the right one
    assert "From <a href=" in html  # which lesson to revisit


def test_a_result_before_submitting_goes_to_the_review(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    assert client.get(attempt_url(attempt, "result/")).url == attempt_url(attempt, "review/")


def test_submitting_twice_records_one_result(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 12)
    stale = Attempt.objects.get(pk=attempt.pk)  # as a second tab or a replay would hold it
    assert submit(client, attempt).status_code == 302
    attempt.refresh_from_db()
    first = (attempt.submitted_at, attempt.score, attempt.total, attempt.passed)
    response = submit(client, attempt, follow=True)
    assert "already submitted" in response.content.decode()
    assert finish_attempt(stale) is False
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.score, attempt.total, attempt.passed) == first
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_submitting_with_htmx_redirects_the_client(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    response = submit(client, attempt, headers=HTMX)
    assert response["HX-Redirect"] == attempt_url(attempt, "result/")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total, attempt.passed) == (0, 15, False)


def test_pages_of_a_submitted_attempt_lead_to_its_result(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    submit(client, attempt)
    for tail in ("", "questions/1/", "review/"):
        assert client.get(attempt_url(attempt, tail)).url == attempt_url(attempt, "result/")


def test_another_learners_attempt_is_404_and_untouched(client, learner, other_learner, course):
    client.force_login(learner)
    attempt = start(client)
    question = first_question(attempt)
    client.force_login(other_learner)
    for response in (
        client.get(attempt_url(attempt)),
        client.get(attempt_url(attempt, "questions/1/")),
        client.post(
            attempt_url(attempt, "answer/"),
            {"question": question.pk, "choice": attempt_token(attempt, right_choice(question))},
        ),
        client.get(attempt_url(attempt, "review/")),
        submit(client, attempt),
        client.get(attempt_url(attempt, "result/")),
    ):
        assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert not Answer.objects.exists()


def test_an_attempt_under_another_module_address_is_404(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    assert client.get(f"/modules/nope/test/attempts/{attempt.pk}/").status_code == 404
    assert client.get("/modules/nope/test/").status_code == 404


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("choice of another question", "not one of this question"),
        ("question of a lesson quiz", "not part of this quiz"),
        ("missing choice", "Pick one of the options first"),
        ("a choice id instead of a token", "not one of this question"),
        ("a forged token", "not one of this question"),
        ("a token of another attempt", "not one of this question"),
        ("a token far too long", "not one of this question"),
        ("question not a number", "must be sent as a number"),
        ("unknown question", "not part of this quiz"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_stored(
    client, learner, course, settings, case, message
):
    client.force_login(learner)
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    earlier = start(client)
    submit(client, earlier)
    attempt = start(client)
    first_id, second_id = ordered_question_ids(attempt)[:2]
    first, second = Question.objects.get(pk=first_id), Question.objects.get(pk=second_id)
    quiz_question = questions_of(lesson_quiz())[0]
    data = {
        "choice of another question": {
            "question": first.pk,
            "choice": attempt_token(attempt, right_choice(second)),
        },
        "question of a lesson quiz": {
            "question": quiz_question.pk,
            "choice": attempt_token(attempt, right_choice(quiz_question)),
        },
        "missing choice": {"question": first.pk},
        "a choice id instead of a token": {"question": first.pk, "choice": right_choice(first).pk},
        "a forged token": {"question": first.pk, "choice": "0123456789abcdef0123"},
        "a token of another attempt": {
            "question": first.pk,
            "choice": attempt_token(earlier, right_choice(first)),
        },
        "a token far too long": {"question": first.pk, "choice": "a" * 100_000},
        "question not a number": {
            "question": "1e3",
            "choice": attempt_token(attempt, right_choice(first)),
        },
        "unknown question": {
            "question": 987654,
            "choice": attempt_token(attempt, right_choice(first)),
        },
    }[case]
    url = attempt_url(attempt, "answer/")
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'") and "<html" not in html
    if data.get("question") == first.pk:
        assert "Question 1 of 15" in html and 'role="alert"' in html
    assert not Answer.objects.exists()

    response = client.post(url, data, follow=True)
    if data.get("question") == first.pk:
        # Without htmx: the question's page again, with the message, as a 400.
        assert response.status_code == 400
        assert "Question 1 of 15" in response.content.decode()
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Answer.objects.exists()


def test_a_submitted_attempt_cannot_be_changed(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 11)
    submit(client, attempt)
    last = Question.objects.get(pk=ordered_question_ids(attempt)[-1])
    data = {"question": last.pk, "choice": attempt_token(attempt, right_choice(last))}
    response = client.post(attempt_url(attempt, "answer/"), data, headers=HTMX)
    assert response.status_code == 400
    assert "has been submitted" in response.content.decode()
    response = client.post(attempt_url(attempt, "answer/"), data, follow=True)
    assert "has been submitted" in response.content.decode()
    assert not Answer.objects.get(attempt=attempt, question=last).is_correct
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (11, False)


def test_a_retake_waits_for_the_cooldown(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 600
    client.force_login(learner)
    attempt = start(client)
    submit(client, attempt)
    html = client.get(TEST_URL).content.decode()
    assert "You can retake the test in 10 minutes" in html
    response = client.post(TEST_URL + "start/", follow=True)
    assert "You can retake the test in 10 minutes" in response.content.decode()
    assert Attempt.objects.count() == 1
    # Once the cooldown has passed, a new attempt starts.
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(seconds=601)
    )
    assert "Retake the test" in client.get(TEST_URL).content.decode()
    second = start(client)
    assert second.pk != attempt.pk
    assert Attempt.objects.count() == 2


def test_a_shorter_cooldown_setting_applies(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    first = start(client)
    submit(client, first)
    assert start(client).pk != first.pk


def test_an_admin_grant_skips_the_cooldown_once(client, learner, admin_user, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 3600
    client.force_login(learner)
    first = start(client)
    submit(client, first)
    grant = grant_retake(learner, module_test(), "grant", "Power cut during the test", admin_user)
    assert "granted you an extra attempt" in client.get(TEST_URL).content.decode()
    second = start(client)
    assert second.pk != first.pk
    grant.refresh_from_db()
    assert grant.used_at is not None
    submit(client, second)
    client.post(TEST_URL + "start/")
    assert Attempt.objects.count() == 2  # the grant was used once; the cooldown is back


def test_an_admin_reset_voids_the_attempts_and_the_learner_starts_afresh(
    client, learner, admin_user, course, settings
):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 3600
    client.force_login(learner)
    first = start(client)
    answer_test(client, first, 13)
    submit(client, first)
    second_open = None
    grant_retake(learner, module_test(), "reset", "Shared account, scores not theirs", admin_user)
    first.refresh_from_db()
    assert first.voided
    progress = module_progress(learner, course)
    assert progress.test_best_percent is None and not progress.test_passed
    html = client.get(TEST_URL).content.decode()
    assert "Reset by an administrator" in html and "Start the test" in html
    second_open = start(client)
    assert second_open.pk != first.pk
    assert RetakeGrant.objects.get().used_at is not None


def test_a_reset_attempt_in_progress_takes_no_answers(client, learner, admin_user, course):
    client.force_login(learner)
    attempt = start(client)
    grant_retake(learner, module_test(), "reset", "Wrong account", admin_user)
    question = first_question(attempt)
    data = {"question": question.pk, "choice": attempt_token(attempt, right_choice(question))}
    response = client.post(attempt_url(attempt, "answer/"), data, headers=HTMX)
    assert response.status_code == 400
    assert "reset by an administrator" in response.content.decode()
    assert submit(client, attempt).url == TEST_URL
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not Answer.objects.exists()


def test_test_pages_need_the_right_method(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    assert client.get(TEST_URL + "start/").status_code == 405
    assert client.get(attempt_url(attempt, "answer/")).status_code == 405
    assert client.get(attempt_url(attempt, "submit/")).status_code == 405


def test_test_pages_need_the_same_few_queries_however_many_attempts(
    client, learner, course, settings, django_assert_max_num_queries
):
    from tests.quizzes.helpers import make_attempt

    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    for right in (3, 9, 12, 15, 1, 7):
        make_attempt(learner, module_test(), right)
    client.force_login(learner)
    attempt = start(client)
    answer_test(client, attempt, 5)
    pages = [TEST_URL, attempt_url(attempt, "questions/3/"), attempt_url(attempt, "review/")]
    for url in pages:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
    submit(client, attempt)
    with django_assert_max_num_queries(14):
        assert client.get(attempt_url(attempt, "result/")).status_code == 200


RADIO_VALUE = re.compile(r'<input type="radio" name="choice" value="([^"]*)"')


def test_no_test_page_sends_a_choice_id_as_a_radio_value(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    first = start(client)
    submit(client, first)
    attempt = start(client)
    ids = {str(pk) for pk in Choice.objects.values_list("pk", flat=True)}
    earlier_tokens = {
        attempt_token(first, c) for c in Choice.objects.filter(question__quiz=module_test())
    }
    for number in range(1, 16):
        html = client.get(attempt_url(attempt, f"questions/{number}/")).content.decode()
        values = RADIO_VALUE.findall(html)
        assert len(values) == 4
        for value in values:
            assert value not in ids and re.fullmatch(r"[0-9a-f]{20}", value), value
            assert value not in earlier_tokens  # tokens are the attempt's own
