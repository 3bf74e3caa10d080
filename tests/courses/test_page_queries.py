"""Every learner page costs a fixed, small number of queries, however much history there is,
and the content cached per version (courses/navigation.py) never shows an old text."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Lesson, LessonProgress
from labs.models import ApiCall, Calculation, Conversation, Lab, Message
from quizzes.models import Answer, Attempt, Choice, Question, Quiz

M = "/modules/cost-optimization"
QUESTION = re.compile(r'name="question" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="([0-9a-f]+)"')
MAX_QUERIES = 8


def make_history(client) -> dict[str, str]:
    """Through the real views: read a lesson, answer a quiz question, get a lab reply with a
    card, submit a test. Returns the pages to measure."""
    client.post(f"{M}/lessons/token-economics/complete/")
    quiz = client.get(f"{M}/lessons/token-economics/quiz/").content.decode()
    client.post(f"{M}/lessons/token-economics/quiz/answer/",
                {"question": QUESTION.search(quiz).group(1), "choice": CHOICE.findall(quiz)[0]},
                headers={"HX-Request": "true"})  # fmt: skip
    sent = client.post(f"{M}/lessons/token-economics/lab/send/",
                       {"text": "What does Haiku 5.5 cost at 1,000 requests a day?"})  # fmt: skip
    assert "/lab/c/" in sent.headers["location"]
    base = re.search(r".*/attempts/\d+/", client.post(f"{M}/test/start/").headers["location"])
    base = base.group(0)
    number = 1
    while (page := client.get(f"{base}questions/{number}/")).status_code == 200:
        html = page.content.decode()
        client.post(
            f"{base}answer/",
            {
                "question": QUESTION.search(html).group(1),
                "choice": CHOICE.findall(html)[0],
                "go": "stay",
            },
        )
        number += 1
    assert "/result/" in client.post(f"{base}submit/").headers["location"]
    return {
        "dashboard": "/",
        "module": f"{M}/",
        "lesson": f"{M}/lessons/token-economics/",
        "quiz": f"{M}/lessons/token-economics/quiz/",
        "lab": sent.headers["location"],
        "lab (latest conversation)": f"{M}/lessons/token-economics/lab/",
        "test": f"{M}/test/",
        "result": f"{base}result/",
    }


def grow_history(user) -> None:
    """Much more of everything the pages read: every lesson read, finished quiz attempts, more
    conversations with cards and logged calls, older test attempts with answers."""
    now = timezone.now()
    for lesson in Lesson.objects.all():
        LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    for quiz in Quiz.objects.filter(kind="lesson"):
        for score in range(3):
            Attempt.objects.create(user=user, quiz=quiz, submitted_at=now, score=score, total=3)
    for lab in Lab.objects.all():
        for _ in range(3):
            conversation = Conversation.objects.create(user=user, lab=lab, title="more")
            for i in range(4):
                Message.objects.create(conversation=conversation, role="user", text=f"q{i}")
                reply = Message.objects.create(
                    conversation=conversation,
                    role="assistant",
                    text="ok",
                    html="<p>ok</p>",
                    status="done",
                )
                Calculation.objects.create(message=reply, order=1, tool="t", input={},
                                           output={}, html="<p>card</p>")  # fmt: skip
                ApiCall.objects.create(message=reply, user=user, lab=lab)
    test = Quiz.objects.get(kind="test")
    questions = list(Question.objects.filter(quiz=test)[:15])
    for days in (40, 30, 20):
        attempt = Attempt.objects.create(
            user=user, quiz=test, submitted_at=now - timedelta(days=days), score=5, total=15,
            choice_order={str(q.pk): [] for q in questions},
        )  # fmt: skip
        Attempt.objects.filter(pk=attempt.pk).update(started_at=now - timedelta(days=days))
        for question in questions:
            Answer.objects.create(attempt=attempt, question=question,
                                  choice=question.choices.first(), is_correct=False)  # fmt: skip


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_every_learner_page_uses_at_most_eight_queries_whatever_the_history(
    client, learner, other_learner, course
):
    client.force_login(learner)
    pages = make_history(client)
    for url in pages.values():
        client.get(url)  # the outline and question caches fill on a first visit
    small = {name: count_queries(client, url) for name, url in pages.items()}
    grow_history(learner)
    grow_history(other_learner)
    for url in pages.values():
        client.get(url)  # growing the history saved no content: nothing to re-read
    large = {name: count_queries(client, url) for name, url in pages.items()}
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small


def test_a_renamed_lesson_shows_its_new_title_on_the_next_page(client, learner, course):
    client.force_login(learner)
    assert "Token economics" in client.get(f"{M}/").content.decode()
    lesson = Lesson.objects.get(slug="token-economics")
    lesson.title = "Tokens, priced"
    lesson.save()
    html = client.get(f"{M}/").content.decode()
    assert "Tokens, priced" in html
    assert "Token economics" not in html


def test_an_edited_quiz_option_shows_on_the_quiz_page_at_once(client, learner, course):
    client.force_login(learner)
    url = f"{M}/lessons/token-economics/quiz/"
    client.get(url)
    choice = Choice.objects.filter(question__quiz__lesson__slug="token-economics").first()
    choice.text_html = "<p>A freshly edited option</p>"
    choice.save()
    assert "A freshly edited option" in client.get(url).content.decode()


def test_re_rendering_after_a_price_change_retires_the_cached_questions(client, learner, course):
    from authoring.impact import rerender_course
    from authoring.pricing import current_price_table

    client.force_login(learner)
    url = f"{M}/lessons/token-economics/quiz/"
    client.get(url)
    # As if the stored HTML were from an older price table: re-rendering writes it with
    # update(), which sends no signal.
    question = Question.objects.filter(quiz__lesson__slug="token-economics").first()
    rendered = question.stem_html
    Question.objects.filter(pk=question.pk).update(stem_html="<p>stale</p>")
    assert rerender_course(current_price_table()) >= 1
    html = client.get(url).content.decode()
    assert "stale" not in html
    assert rendered in html


@pytest.mark.parametrize(
    "url",
    [
        f"{M}/lessons/no-such-lesson/",
        f"{M}/lessons/no-such/quiz/",
        "/modules/no-such-module/",
        "/modules/no-such-module/test/",
    ],
)
def test_an_unknown_module_or_lesson_is_a_404(client, learner, course, url):
    client.force_login(learner)
    assert client.get(url).status_code == 404


def test_a_result_page_of_another_learners_attempt_is_a_404(client, learner, other_learner, course):
    client.force_login(other_learner)
    pages = make_history(client)
    client.force_login(learner)
    assert client.get(pages["result"]).status_code == 404
