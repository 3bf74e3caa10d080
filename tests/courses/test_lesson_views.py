import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import LessonProgress

pytestmark = pytest.mark.django_db

LESSON = "/modules/cost-optimization/lessons/token-economics/"


def test_anonymous_visitors_are_sent_to_login(client, course):
    for url in ("/modules/cost-optimization/", LESSON):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_the_welcome_page_is_public(client, course):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Start the course" in response.content


def test_a_lesson_page_shows_its_question_objectives_text_terms_and_next_steps(
    client, learner, course
):
    client.force_login(learner)
    response = client.get(LESSON)
    assert response.status_code == 200
    lesson = course.lessons.get(slug="token-economics")
    html = response.content.decode()
    assert lesson.guiding_question.replace("'", "&#x27;") in html or lesson.guiding_question in html
    assert lesson.objectives[0][:30] in html.replace("&#x27;", "'")
    assert "Key terms" in html
    assert LESSON + "quiz/" in html
    assert LESSON + "lab/" in html
    assert "/modules/cost-optimization/lessons/prompt-caching/" in html  # next lesson
    assert "Module test" in html


def test_an_unknown_lesson_or_module_is_404(client, learner, course):
    client.force_login(learner)
    assert client.get("/modules/cost-optimization/lessons/nope/").status_code == 404
    assert client.get("/modules/nope/").status_code == 404


def test_marking_a_lesson_read_records_progress_once(client, learner, course):
    client.force_login(learner)
    url = LESSON + "complete/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert LessonProgress.objects.filter(user=learner).count() == 1
    page = client.get(LESSON).content.decode()
    assert "You have marked this lesson as read" in page


def test_marking_read_with_htmx_returns_only_the_fragment(client, learner, course):
    client.force_login(learner)
    response = client.post(LESSON + "complete/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have marked this lesson as read" in html
    assert "<html" not in html
    assert LessonProgress.objects.filter(user=learner).exists()


def test_marking_read_needs_post_and_login(client, learner, course):
    assert client.post(LESSON + "complete/").status_code == 302
    assert not LessonProgress.objects.exists()
    client.force_login(learner)
    assert client.get(LESSON + "complete/").status_code == 405


def test_one_learners_progress_does_not_show_for_another(client, learner, other_learner, course):
    client.force_login(learner)
    client.post(LESSON + "complete/")
    client.force_login(other_learner)
    page = client.get(LESSON).content.decode()
    assert "Mark this lesson as read" in page


def test_the_dashboard_shows_progress_and_continue_link(client, learner, course):
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "Continue: L1 Token economics" in html or "Continue: L1" in html
    client.post(LESSON + "complete/")
    html = client.get("/").content.decode()
    assert "1 of 5 steps to complete the module done" in html
    assert "Continue: L1 practice quiz" in html


@pytest.mark.parametrize(
    "url", ["/", "/modules/cost-optimization/", LESSON,
            "/modules/cost-optimization/lessons/production-controls/"],
)  # fmt: skip
def test_pages_use_a_small_fixed_number_of_queries(client, learner, course, url):
    client.force_login(learner)
    client.post(LESSON + "complete/")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # 10: the nav's "Author" link asks once whether the user is an instructor.
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]


def test_objectives_show_backticked_names_as_code_and_escape_the_rest():
    from courses.templatetags.course_text import inline_code

    assert inline_code("Use `cache_control` <b>now</b>") == (
        "Use <code>cache_control</code> &lt;b&gt;now&lt;/b&gt;"
    )
