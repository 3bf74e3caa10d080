"""Publishing and discarding take a confirmation step that works without JavaScript, with an
optional change note kept in history; history marks a restore; times under a minute read
"just now"."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from authoring.drafts import save_draft
from authoring.labs import lab_snapshot
from authoring.lessons import lesson_snapshot
from authoring.models import Draft, Kind, Revision
from authoring.quizzes import quiz_snapshot
from courses.models import Lesson
from quizzes.models import Quiz
from tests.authoring.conftest import HTMX, lesson_form_data
from tests.authoring.test_price_views import edit_url, price_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(course: object) -> Lesson:
    return Lesson.objects.get(slug="prompt-caching")


def drafts(author, instructor, lab) -> dict[str, tuple[str, str]]:
    """Kind -> (publish url, discard url), with one draft of each kind saved by `instructor`."""
    lesson = Lesson.objects.get(slug="prompt-caching")
    quiz = Quiz.objects.get(lesson=lesson)
    save_draft(Kind.LESSON, lesson.pk, {**lesson_snapshot(lesson), "title": "New"}, instructor)
    save_draft(Kind.QUIZ, quiz.pk, {**quiz_snapshot(quiz), "title": "Renamed quiz"}, instructor)
    save_draft(Kind.LAB, lab.pk, {**lab_snapshot(lab), "title": "Renamed lab"}, instructor)
    assert author.post(edit_url(), price_form(output="12")).status_code == 302
    return {
        Kind.LESSON: (
            reverse("authoring:lesson_publish", args=[lesson.pk]),
            reverse("authoring:lesson_discard", args=[lesson.pk]),
        ),
        Kind.QUIZ: (
            reverse("authoring:quiz_publish", args=[quiz.pk]),
            reverse("authoring:quiz_discard", args=[quiz.pk]),
        ),
        Kind.LAB: (
            reverse("authoring:lab_publish", args=[lab.slug]),
            reverse("authoring:lab_discard", args=[lab.slug]),
        ),
        Kind.PRICES: (reverse("authoring:prices_publish"), reverse("authoring:prices_discard")),
    }


def test_a_publish_button_leads_to_a_confirmation_page_and_publishes_nothing(
    author, instructor, lab
):
    for kind, (publish, _discard) in drafts(author, instructor, lab).items():
        response = author.post(publish)
        assert response.status_code == 302, kind
        assert response["Location"] == publish, kind  # on to the confirmation page
        assert not Revision.objects.filter(kind=kind, source="app").exists(), kind
        page = author.get(publish)
        html = page.content.decode()
        assert page.status_code == 200, kind
        assert "<h1>Publish " in html, kind
        assert 'name="confirm" value="yes"' in html and 'name="note"' in html, kind
        assert "saved by ines just now" in html, kind
        assert "<script" not in html.split("<main", 1)[1], kind  # no JavaScript needed


def test_a_confirmed_publish_keeps_its_change_note_in_history(author, instructor, lab):
    for kind, (publish, _discard) in drafts(author, instructor, lab).items():
        response = author.post(publish, {"confirm": "yes", "note": "  Fixes   the wording "})
        assert response.status_code == 302, kind
        revision = Revision.objects.filter(kind=kind, source="app").get()
        assert revision.note.startswith("Fixes the wording"), kind
        assert not Draft.objects.filter(kind=kind).exists(), kind
        history = author.get(
            reverse("authoring:history", args=[kind, revision.object_id])
        ).content.decode()
        assert "Fixes the wording" in history, kind


def test_a_change_note_too_long_is_refused_and_kept_and_nothing_is_published(
    author, instructor, lab
):
    publish, _ = drafts(author, instructor, lab)[Kind.LESSON]
    note = "why " * 200
    response = author.post(publish, {"confirm": "yes", "note": note})
    assert response.status_code == 400
    html = response.content.decode()
    assert "keep it to 500" in html
    assert note.strip() in html  # what was typed is still there
    assert not Revision.objects.filter(source="app").exists()
    assert Draft.objects.filter(kind=Kind.LESSON).exists()


def test_save_and_publish_from_the_editor_saves_the_draft_then_asks(author, lesson):
    publish = reverse("authoring:lesson_publish", args=[lesson.pk])
    response = author.post(publish, lesson_form_data(lesson, title="Caching, checked"))
    assert response["Location"] == publish
    assert Draft.objects.get(kind=Kind.LESSON).data["title"] == "Caching, checked"
    lesson.refresh_from_db()
    assert lesson.title != "Caching, checked"  # learners see nothing yet
    assert author.post(publish, {"confirm": "yes"}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Caching, checked"


def test_with_htmx_the_publish_button_moves_the_page_to_the_confirmation(author, lesson):
    publish = reverse("authoring:lesson_publish", args=[lesson.pk])
    response = author.post(publish, lesson_form_data(lesson, title="Via htmx"), **HTMX)
    assert response["HX-Redirect"] == publish
    assert not Revision.objects.filter(source="app").exists()


def test_discard_asks_first_and_keeps_the_draft_until_confirmed(author, instructor, lab):
    for kind, (_publish, discard) in drafts(author, instructor, lab).items():
        response = author.post(discard)
        assert response["Location"] == discard, kind
        assert Draft.objects.filter(kind=kind).exists(), kind
        html = author.get(discard).content.decode()
        assert "cannot be brought back" in html, kind
        assert author.post(discard, {"confirm": "yes"}).status_code == 302, kind
        assert not Draft.objects.filter(kind=kind).exists(), kind


def test_without_a_draft_the_confirmation_page_says_there_is_nothing_to_do(author, lesson):
    publish = reverse("authoring:lesson_publish", args=[lesson.pk])
    page = author.get(publish)
    assert page.status_code == 200
    assert "There is no draft to publish." in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    response = author.post(publish, {"confirm": "yes"}, follow=True)
    assert "There is no draft to publish." in response.content.decode()
    assert not Revision.objects.filter(source="app").exists()
    discard = author.get(reverse("authoring:lesson_discard", args=[lesson.pk]))
    assert "There is no draft to discard." in discard.content.decode()


def test_learners_and_anonymous_visitors_get_no_confirmation_page(client, learner, lesson):
    publish = reverse("authoring:lesson_publish", args=[lesson.pk])
    assert client.get(publish).status_code == 302  # to the login page
    client.force_login(learner)
    assert client.get(publish).status_code == 403
    assert client.post(publish, {"confirm": "yes"}).status_code == 403


def test_history_marks_a_restore_as_a_restore(author, lesson):
    publish = reverse("authoring:lesson_publish", args=[lesson.pk])
    original = lesson.title
    author.post(publish, {**lesson_form_data(lesson, title="Changed"), "confirm": "yes"})
    author.post(reverse("authoring:restore", args=["lesson", lesson.pk, 1]))
    author.post(publish, {"confirm": "yes"})
    lesson.refresh_from_db()
    assert lesson.title == original
    html = author.get(reverse("authoring:history", args=["lesson", lesson.pk])).content.decode()
    v1 = reverse("authoring:revision", args=["lesson", lesson.pk, 1])
    assert f'>v3</a>: restored <a href="{v1}">v1</a>' in html
    assert "Restored version 1" in html
    assert ": restored" not in html.split(">v2</a>")[1].split("</td>")[0]  # v2 was an edit


def test_times_under_a_minute_read_just_now():
    template = Template("{% load course_text %}{{ when|ago }}")
    now = timezone.now()
    assert template.render(Context({"when": now - timedelta(seconds=20)})) == "just now"
    assert template.render(Context({"when": now - timedelta(minutes=5)})) == "5\xa0minutes ago"
