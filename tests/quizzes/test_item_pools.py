"""The module test's item pools, through the real views: each attempt draws one item per slot,
a retake meets items the learner has not seen where the pool allows, and grading and review use
exactly the items the attempt drew."""

import re
from collections import Counter

import pytest

from quizzes.items import draw_of, stem_as_shown
from quizzes.models import Attempt, Question
from tests.quizzes.helpers import (
    TEST_URL,
    answer_test,
    attempt_token,
    attempt_url,
    module_test,
    right_choice,
    submit,
)

pytestmark = pytest.mark.django_db
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def take_test(client, right: int = 0) -> Attempt:
    """Start an attempt through the view, answer its first `right` questions right (the rest
    wrong) and submit it."""
    response = client.post(TEST_URL + "start/")
    assert response.status_code == 302
    attempt = Attempt.objects.filter(quiz__kind="test").latest("started_at")
    answer_test(client, attempt, right)
    submit(client, attempt)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    return attempt


def drawn(attempt: Attempt) -> list[Question]:
    return list(Question.objects.filter(pk__in=[int(k) for k in attempt.choice_order]))


def test_an_attempt_draws_one_item_from_each_of_the_fifteen_slots(client, learner, course):
    client.force_login(learner)
    attempt = take_test(client)
    assert attempt.total == 15
    assert sorted(q.slot for q in drawn(attempt)) == list(range(1, 16))
    assert "15 questions across the four lessons" in client.get(TEST_URL).content.decode()


def test_a_retake_draws_items_the_learner_has_not_seen(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    first = take_test(client)
    second = take_test(client)
    # Every slot holds at least two items, so no item comes back on the second attempt.
    assert {q.pk for q in drawn(first)}.isdisjoint(q.pk for q in drawn(second))
    assert sorted(q.slot for q in drawn(second)) == list(range(1, 16))


def test_once_every_item_was_seen_an_attempt_still_draws_one_per_slot_the_least_seen(
    client, learner, course, settings
):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    attempts = [take_test(client) for _ in range(3)]
    test = module_test()
    pool_sizes = Counter(test.questions.filter(is_active=True).values_list("slot", flat=True))
    seen = Counter(q.pk for attempt in attempts[:2] for q in drawn(attempt))
    third = drawn(attempts[2])
    assert sorted(q.slot for q in third) == list(range(1, 16))
    assert attempts[2].total == 15
    for question in third:
        if pool_sizes[question.slot] == 2:
            # Both items were seen once: the third attempt repeats one of them, each once more.
            assert seen[question.pk] == 1
        else:
            assert seen[question.pk] == 0  # a bigger pool still had an unseen item


def test_another_learner_is_not_steered_by_someone_elses_attempts(
    client, learner, other_learner, course
):
    client.force_login(learner)
    take_test(client)
    client.force_login(other_learner)
    theirs = take_test(client)
    assert sorted(q.slot for q in drawn(theirs)) == list(range(1, 16))


def test_grading_and_review_use_exactly_the_items_the_attempt_drew(
    client, learner, course, settings
):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    client.force_login(learner)
    take_test(client)
    attempt = take_test(client, right=15)
    assert (attempt.score, attempt.total, attempt.passed) == (15, 15, True)
    html = client.get(attempt_url(attempt, "result/")).content.decode()
    shown = set(drawn(attempt))
    test = module_test()
    for question in test.questions.filter(is_active=True):
        # A scenario item's stem as this attempt drew it; an item not drawn is looked for by
        # its longest stretch of fixed text (its whole stem for a fixed item).
        stem = stem_as_shown(attempt, question, draw_of(attempt, question.pk))
        fixed_text = max(PLACEHOLDER.split(question.stem_html), key=len)
        if question in shown:
            assert stem in html
        else:
            assert fixed_text not in html
    assert not PLACEHOLDER.search(html)


def test_an_answer_to_an_item_the_attempt_did_not_draw_is_refused(client, learner, course):
    client.force_login(learner)
    client.post(TEST_URL + "start/")
    attempt = Attempt.objects.get(user=learner)
    other = module_test().questions.exclude(pk__in=[int(k) for k in attempt.choice_order]).first()
    response = client.post(
        attempt_url(attempt, "answer/"),
        {"question": other.pk, "choice": attempt_token(attempt, right_choice(other))},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "That question is not part of this quiz." in response.content.decode()
    assert not attempt.answers.exists()
