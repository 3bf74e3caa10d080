import pytest
from django.urls import reverse

from authoring.history import diff_lines
from authoring.models import Draft, Kind, Revision
from courses.models import Lesson
from tests.authoring.conftest import HTMX, lesson_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(course: object) -> Lesson:
    return Lesson.objects.get(slug="prompt-caching")


def publish(author: object, lesson: Lesson, **changes: str) -> None:
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        {**lesson_form_data(lesson, **changes), "confirm": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()


def test_every_publish_is_kept_with_who_and_when(author, lesson):
    original_title = lesson.title
    publish(author, lesson, title="Caching, first pass")
    publish(author, lesson, title="Caching, second pass")
    page = author.get(reverse("authoring:history", args=["lesson", lesson.pk])).content.decode()
    assert page.count("<tr>") == 4  # header + 3 versions
    assert "ines" in page
    assert "The version before the first edit in the app" in page
    revisions = Revision.objects.filter(kind=Kind.LESSON, object_id=lesson.pk).order_by("number")
    assert [r.data["title"] for r in revisions] == [
        original_title, "Caching, first pass", "Caching, second pass",
    ]  # fmt: skip


def test_a_version_shows_its_diff_against_the_one_before(author, lesson):
    publish(author, lesson, title="Caching, revised")
    page = author.get(reverse("authoring:revision", args=["lesson", lesson.pk, 2])).content.decode()
    assert "Changes from v1 to v2" in page
    assert '<div class="diff-line diff-add">' in page
    assert "title: Caching, revised" in page
    assert 'class="diff-line diff-del"' in page


def test_the_diff_against_another_version_comes_as_a_fragment_with_htmx(author, lesson):
    publish(author, lesson, title="One")
    publish(author, lesson, title="Two")
    url = reverse("authoring:revision", args=["lesson", lesson.pk, 3]) + "?against=1"
    response = author.get(url, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="diff"')
    assert "Changes from v1 to v3" in html
    assert "<html" not in html


def test_the_diff_escapes_what_it_shows(author, lesson):
    publish(author, lesson, body_markdown=lesson.body_markdown + "\n<b onclick=x>bold</b>\n")
    page = author.get(reverse("authoring:revision", args=["lesson", lesson.pk, 2])).content.decode()
    assert "&lt;b onclick=x&gt;bold&lt;/b&gt;" in page
    assert "<b onclick" not in page


def test_restoring_an_old_version_makes_it_the_draft_then_publishing_brings_it_back(
    author, learner_client, lesson
):
    original = lesson.body_markdown
    publish(author, lesson, body_markdown="Replaced text.")
    assert "Replaced text." in learner_client.get(lesson.get_absolute_url()).content.decode()

    response = author.post(reverse("authoring:restore", args=["lesson", lesson.pk, 1]))
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:lesson", args=[lesson.pk])
    assert Draft.objects.get(kind=Kind.LESSON).data["body_markdown"] == original
    lesson.refresh_from_db()
    assert lesson.body_markdown == "Replaced text.\n"  # restoring alone changes nothing live

    author.post(reverse("authoring:lesson_publish", args=[lesson.pk]), {"confirm": "yes"})
    lesson.refresh_from_db()
    assert lesson.body_markdown == original
    assert "Replaced text." not in learner_client.get(lesson.get_absolute_url()).content.decode()
    assert Revision.objects.filter(kind=Kind.LESSON, object_id=lesson.pk).count() == 3


def test_restoring_with_htmx_redirects_the_page(author, lesson):
    publish(author, lesson, title="Changed")
    response = author.post(reverse("authoring:restore", args=["lesson", lesson.pk, 1]), **HTMX)
    assert response["HX-Redirect"] == reverse("authoring:lesson", args=[lesson.pk])


def test_a_quiz_version_can_be_restored_even_after_its_question_was_deleted(author, course):
    from quizzes.models import Question, Quiz

    quiz = Quiz.objects.get(lesson__slug="prompt-caching")
    author.post(reverse("authoring:question_remove", args=[quiz.pk, "pc-q3"]))
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    assert not Question.objects.filter(quiz=quiz, key="pc-q3").exists()
    author.post(reverse("authoring:restore", args=["quiz", quiz.pk, 1]))
    response = author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    restored = Question.objects.get(quiz=quiz, key="pc-q3")
    assert restored.is_active and restored.choices.count() == 4


def test_unknown_kinds_objects_and_versions_are_404(author, lesson):
    assert author.get(reverse("authoring:history", args=["module", 1])).status_code == 404
    assert author.get(reverse("authoring:history", args=["lesson", 99999])).status_code == 404
    assert author.get(reverse("authoring:history", args=["prices", 5])).status_code == 404
    url = reverse("authoring:revision", args=["lesson", lesson.pk, 7])
    assert author.get(url).status_code == 404
    assert (
        author.post(reverse("authoring:restore", args=["lesson", lesson.pk, 7])).status_code == 404
    )


def test_the_price_table_has_a_history_too(author, course):
    page = author.get(reverse("authoring:history", args=["prices", 0])).content.decode()
    assert "No version has been published in the app yet" in page


def test_diff_lines_mark_added_removed_and_unchanged_lines():
    lines = diff_lines("a\nb\nc\n", "a\nB\nc\n")
    assert [(line.kind, line.text) for line in lines] == [
        ("hunk", "@@ -1,3 +1,3 @@"), ("same", "a"), ("del", "b"), ("add", "B"), ("same", "c"),
    ]  # fmt: skip
