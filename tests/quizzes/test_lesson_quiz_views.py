import re

import pytest
from django.contrib.auth.models import User

from courses.progress import module_progress
from quizzes.models import Answer, Attempt, Choice
from tests.quizzes.helpers import (
    HTMX,
    QUIZ_URL,
    lesson_quiz,
    module_test,
    questions_of,
    quiz_token,
    right_choice,
    wrong_choice,
)

pytestmark = pytest.mark.django_db


def answer(client, question, choice, htmx=True):
    """Post an answer as the page would: the option's token for the logged-in learner."""
    user_id = client.session.get("_auth_user_id")
    token = quiz_token(User.objects.get(pk=user_id), choice) if user_id else "0" * 20
    data = {"question": question.pk, "choice": token}
    return client.post(QUIZ_URL + "answer/", data, headers=HTMX if htmx else {})


def test_anonymous_visitors_are_sent_to_login_and_nothing_is_stored(client, course):
    question = questions_of(lesson_quiz())[0]
    for response in (
        client.get(QUIZ_URL),
        answer(client, question, right_choice(question)),
        client.post(QUIZ_URL + "retake/"),
    ):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")
    assert not Attempt.objects.exists()
    assert not Answer.objects.exists()


def test_the_quiz_page_shows_every_question_and_option_but_no_answer(client, learner, course):
    client.force_login(learner)
    response = client.get(QUIZ_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page"' in html  # the course navigation marks the quiz
    for question in questions_of(lesson_quiz()):
        assert f'name="question" value="{question.pk}"' in html
        for choice in question.choices.all():
            assert f'name="choice" value="{quiz_token(learner, choice)}"' in html
        correct = right_choice(question)
        # Neither which option is right nor any explanation reaches the page before answering.
        assert correct.feedback_html not in html
        assert re.sub("<[^>]+>", "", correct.feedback_html)[:60] not in html
        for choice in question.choices.all():
            assert choice.feedback_html not in html
    for leak in ("is_correct", "data-", "feedback-right", "Right answer", "option right"):
        assert leak not in html.split('<main id="main"')[1], leak


def test_a_lesson_without_a_quiz_or_an_unknown_one_is_404(client, learner, course):
    client.force_login(learner)
    assert client.get("/modules/cost-optimization/lessons/nope/quiz/").status_code == 404
    assert client.get("/modules/nope/lessons/token-economics/quiz/").status_code == 404


def test_a_right_answer_with_htmx_returns_the_question_with_why_it_is_right(
    client, learner, course
):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    choice = right_choice(question)
    response = answer(client, question, choice)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="q-{question.key}"' in html
    assert "✓ Right" in html
    assert choice.feedback_html in html
    assert "autofocus" in html  # focus moves to the feedback for screen readers
    assert 'id="quiz-summary"' in html and 'hx-swap-oob="true"' in html
    assert "1 of 3 answered" in html
    stored = Answer.objects.get()
    assert stored.attempt.user == learner
    assert stored.choice == choice and stored.is_correct
    assert stored.attempt.submitted_at is None


def test_a_wrong_answer_explains_why_it_tempts_and_which_option_is_right(client, learner, course):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    wrong, right = wrong_choice(question), right_choice(question)
    html = answer(client, question, wrong).content.decode()
    assert "Why it is tempting, and why it is wrong" in html
    assert wrong.feedback_html in html
    assert "The right answer is" in html
    assert right.feedback_html in html
    assert not Answer.objects.get().is_correct


def test_without_htmx_an_answer_redirects_to_the_question_which_shows_its_feedback(
    client, learner, course
):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[1]
    response = answer(client, question, right_choice(question), htmx=False)
    assert response.status_code == 302
    assert response.url == f"{QUIZ_URL}#q-{question.key}"
    html = client.get(QUIZ_URL).content.decode()
    assert right_choice(question).feedback_html in html
    assert Answer.objects.filter(question=question).count() == 1


def test_answering_every_question_completes_the_attempt_with_its_score(client, learner, course):
    client.force_login(learner)
    quiz = lesson_quiz()
    first, second, third = questions_of(quiz)
    answer(client, first, right_choice(first))
    answer(client, second, right_choice(second))
    attempt = Attempt.objects.get()
    assert attempt.submitted_at is None
    html = answer(client, third, wrong_choice(third)).content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert (attempt.score, attempt.total, attempt.passed) == (2, 3, False)
    assert "Quiz complete." in html and "You scored 2 out of 3" in html
    assert "Take the quiz again" in html
    status = module_progress(learner, course).status_for(quiz.lesson)
    assert status.quiz_done and status.quiz_best == 2


def test_a_retake_keeps_every_attempt_and_the_best_score_counts(client, learner, course):
    client.force_login(learner)
    quiz = lesson_quiz()
    questions = questions_of(quiz)
    for question in questions:
        answer(client, question, right_choice(question))
    assert client.post(QUIZ_URL + "retake/").status_code == 302
    assert client.post(QUIZ_URL + "retake/").status_code == 302  # a double click: one new attempt
    assert Attempt.objects.filter(user=learner).count() == 2
    for question in questions:
        answer(client, question, wrong_choice(question))
    attempts = list(Attempt.objects.filter(user=learner).order_by("started_at"))
    assert [(a.score, a.total) for a in attempts] == [(3, 3), (0, 3)]
    html = client.get(QUIZ_URL).content.decode()
    assert "This attempt" in html and "0/3" in html
    assert "Best score" in html and "3/3" in html
    assert module_progress(learner, course).status_for(quiz.lesson).quiz_best == 3


def test_a_retake_while_an_attempt_is_in_progress_starts_nothing(client, learner, course):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    answer(client, question, right_choice(question))
    client.post(QUIZ_URL + "retake/")
    assert Attempt.objects.count() == 1
    assert Answer.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("choice of another question", "not one of this question"),
        ("question of another quiz", "not part of this quiz"),
        ("question of the module test", "not part of this quiz"),
        ("missing choice", "Pick one of the options first"),
        ("missing question", "did not say which question"),
        ("a choice id instead of a token", "not one of this question"),
        ("a forged token", "not one of this question"),
        ("another learner's token", "not one of this question"),
        ("question not a number", "must be sent as a number"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    client, learner, other_learner, course, case, message
):
    client.force_login(learner)
    first, second, _ = questions_of(lesson_quiz())
    other_quiz_question = questions_of(lesson_quiz("prompt-caching"))[0]
    test_question = questions_of(module_test())[0]

    def token(choice):
        return quiz_token(learner, choice)

    data = {
        "choice of another question": {"question": first.pk, "choice": token(right_choice(second))},
        "question of another quiz": {
            "question": other_quiz_question.pk,
            "choice": token(right_choice(other_quiz_question)),
        },
        "question of the module test": {
            "question": test_question.pk,
            "choice": right_choice(test_question).pk,
        },
        "missing choice": {"question": first.pk},
        "missing question": {"choice": token(right_choice(first))},
        "a choice id instead of a token": {"question": first.pk, "choice": right_choice(first).pk},
        "a forged token": {"question": first.pk, "choice": "f" * 20},
        "another learner's token": {
            "question": first.pk,
            "choice": quiz_token(other_learner, right_choice(first)),
        },
        "question not a number": {"question": "first", "choice": token(right_choice(first))},
    }[case]
    known_question = data.get("question") == first.pk
    response = client.post(QUIZ_URL + "answer/", data, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "<html" not in html
    if known_question:
        # The question's form comes back, with the message, ready for another try.
        assert f'name="question" value="{first.pk}"' in html
        assert 'role="alert"' in html
    assert not Answer.objects.exists()
    assert not Attempt.objects.exists()

    response = client.post(QUIZ_URL + "answer/", data)
    if known_question:
        # Without htmx: the whole quiz page again, the message at the question, as a 400.
        assert response.status_code == 400
        page = response.content.decode()
        assert f'name="question" value="{first.pk}"' in page
    else:
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    assert message in page.replace("&#x27;", "'")
    assert not Answer.objects.exists()
    assert not Attempt.objects.exists()


def test_the_same_question_cannot_be_answered_twice_in_one_attempt(client, learner, course):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    answer(client, question, wrong_choice(question))
    response = answer(client, question, right_choice(question))
    assert response.status_code == 400
    assert "already answered this question" in response.content.decode()
    stored = Answer.objects.get()
    assert not stored.is_correct


def test_a_finished_attempt_takes_no_more_answers(client, learner, course):
    client.force_login(learner)
    questions = questions_of(lesson_quiz())
    for question in questions:
        answer(client, question, wrong_choice(question))
    attempt = Attempt.objects.get()
    response = answer(client, questions[0], right_choice(questions[0]))
    assert response.status_code == 400
    assert "finished this attempt" in response.content.decode()
    assert Answer.objects.count() == 3
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_one_learners_answers_do_not_show_for_another(client, learner, other_learner, course):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    answer(client, question, right_choice(question))
    client.force_login(other_learner)
    html = client.get(QUIZ_URL).content.decode()
    assert right_choice(question).feedback_html not in html
    assert "0 of 3 answered" in html
    # Their first answer starts their own attempt; the other learner's is untouched.
    answer(client, question, wrong_choice(question))
    assert Attempt.objects.filter(user=other_learner).count() == 1
    assert Answer.objects.filter(attempt__user=learner).get().is_correct


def test_answering_needs_a_post(client, learner, course):
    client.force_login(learner)
    assert client.get(QUIZ_URL + "answer/").status_code == 405
    assert client.get(QUIZ_URL + "retake/").status_code == 405


def test_the_quiz_page_needs_the_same_few_queries_however_many_attempts(
    client, learner, course, django_assert_max_num_queries
):
    from tests.quizzes.helpers import make_attempt

    client.force_login(learner)
    make_attempt(learner, lesson_quiz(), 1)
    client.get(QUIZ_URL)
    with django_assert_max_num_queries(16):
        client.get(QUIZ_URL)
    for right in (0, 2, 3, 1, 2, 3, 0):
        make_attempt(learner, lesson_quiz(), right)
    with django_assert_max_num_queries(16):
        html = client.get(QUIZ_URL).content.decode()
    assert "Finished attempts" in html and "<dd>8</dd>" in html


RADIO_VALUE = re.compile(r'<input type="radio" name="choice" value="([^"]*)"')
LESSONS = ["token-economics", "prompt-caching", "model-selection", "production-controls"]


def quiz_url(lesson: str) -> str:
    return f"/modules/cost-optimization/lessons/{lesson}/quiz/"


def test_no_quiz_page_sends_a_choice_id_as_a_radio_value(client, learner, course):
    client.force_login(learner)
    ids = {str(pk) for pk in Choice.objects.values_list("pk", flat=True)}
    for lesson in LESSONS:
        values = RADIO_VALUE.findall(client.get(quiz_url(lesson)).content.decode())
        assert len(values) == 12
        for value in values:
            assert value not in ids and re.fullmatch(r"[0-9a-f]{20}", value), value


def shown_order(client, user, lesson: str) -> list[list[int]]:
    """The choice ids of each question, in the order the learner's page shows them."""
    html = client.get(quiz_url(lesson)).content.decode()
    orders = []
    for question in questions_of(lesson_quiz(lesson)):
        by_token = {quiz_token(user, c): c.pk for c in question.choices.all()}
        orders.append([by_token[v] for v in RADIO_VALUE.findall(html) if v in by_token])
    return orders


def test_the_options_are_shuffled_for_each_learner_and_stay_put_on_a_reload(
    client, learner, other_learner, course
):
    client.force_login(learner)
    mine = {lesson: shown_order(client, learner, lesson) for lesson in LESSONS}
    assert mine == {lesson: shown_order(client, learner, lesson) for lesson in LESSONS}
    file_order = {
        lesson: [
            list(q.choices.order_by("order").values_list("pk", flat=True))
            for q in questions_of(lesson_quiz(lesson))
        ]
        for lesson in LESSONS
    }
    # 12 questions of 4 options: the chance that a shuffle keeps the file's order everywhere,
    # or gives two learners the same order everywhere, is (1/24)^12.
    assert mine != file_order
    client.force_login(other_learner)
    assert mine != {lesson: shown_order(client, other_learner, lesson) for lesson in LESSONS}


def test_the_feedback_names_the_letter_the_learner_saw(client, learner, course):
    client.force_login(learner)
    question = questions_of(lesson_quiz())[0]
    wrong = wrong_choice(question)
    letters = "ABCD"
    position = shown_order(client, learner, "token-economics")[0].index(wrong.pk)
    html = answer(client, question, wrong).content.decode()
    assert f"You picked {letters[position]}." in html
