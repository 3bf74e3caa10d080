import pytest
from django.urls import reverse

from authoring.models import Draft, Kind, Revision
from courses.models import Lesson
from tests.authoring.conftest import HTMX, lesson_form_data

pytestmark = pytest.mark.django_db

MARKER = "A sentence an instructor added in the app."


@pytest.fixture
def lesson(course: object) -> Lesson:
    return Lesson.objects.get(slug="token-economics")


def test_an_edit_is_a_draft_until_published_then_learners_see_it(author, learner_client, lesson):
    edit_url = reverse("authoring:lesson", args=[lesson.pk])
    body = lesson.body_markdown + f"\n{MARKER}\n"
    response = author.post(edit_url, lesson_form_data(lesson, body_markdown=body))
    assert response.status_code == 302
    draft = Draft.objects.get(kind=Kind.LESSON, object_id=lesson.pk)
    assert MARKER in draft.data["body_markdown"]
    lesson.refresh_from_db()
    assert MARKER not in lesson.body_markdown
    assert MARKER not in learner_client.get(lesson.get_absolute_url()).content.decode()

    # The editor shows the draft and its preview.
    page = author.get(edit_url).content.decode()
    assert page.count(MARKER) >= 2  # the textarea and the rendered preview
    assert "Draft</span> saved by ines" in page

    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert MARKER in lesson.body_markdown and MARKER in lesson.body_html
    assert not Draft.objects.filter(kind=Kind.LESSON).exists()
    assert MARKER in learner_client.get(lesson.get_absolute_url()).content.decode()
    revisions = Revision.objects.filter(kind=Kind.LESSON, object_id=lesson.pk).order_by("number")
    assert [(r.number, r.source) for r in revisions] == [(1, "files"), (2, "app")]
    assert revisions[1].author.username == "ines"
    assert revisions[1].in_files is False


def test_save_and_publish_from_the_form_in_one_step(author, lesson):
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        {
            **lesson_form_data(lesson, title="Token economics, revised", minutes="35"),
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.minutes) == ("Token economics, revised", 35)


def test_the_preview_renders_living_numbers_as_learners_see_them(author, lesson):
    body = "The output price is {{ price claude-sonnet-5-5 output }} per million tokens."
    response = author.post(
        reverse("authoring:lesson_preview", args=[lesson.pk]),
        lesson_form_data(lesson, body_markdown=body),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="preview"')
    assert '<span class="living-number" title="claude-sonnet-5-5 output price' in html
    assert "$10.00" in html
    assert "<html" not in html
    assert not Draft.objects.exists()  # the preview saves nothing


def test_a_broken_shortcode_shows_in_the_preview_instead_of_failing(author, lesson):
    response = author.post(
        reverse("authoring:lesson_preview", args=[lesson.pk]),
        lesson_form_data(lesson, body_markdown="Costs {{ price claude-imaginary-9 input }}."),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A living number can\u2019t be computed" in html
    assert "claude-imaginary-9" in html


def test_the_preview_without_htmx_goes_back_to_the_editor(author, lesson):
    response = author.post(
        reverse("authoring:lesson_preview", args=[lesson.pk]), lesson_form_data(lesson)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:lesson", args=[lesson.pk])


def test_the_editor_fields_post_to_the_live_preview(author, lesson):
    page = author.get(reverse("authoring:lesson", args=[lesson.pk])).content.decode()
    preview_url = reverse("authoring:lesson_preview", args=[lesson.pk])
    assert f'hx-post="{preview_url}"' in page
    assert 'hx-trigger="input changed delay:400ms"' in page
    assert "<script>" not in page and 'style="' not in page


def test_publishing_a_broken_shortcode_is_refused_and_changes_nothing(author, lesson):
    before = lesson.body_html
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        {
            **lesson_form_data(lesson, body_markdown="Costs {{ price claude-imaginary-9 input }}."),
            "confirm": "yes",
        },
    )
    assert response.status_code == 422
    assert "Lesson text: {{ price claude-imaginary-9 input }}" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.body_html == before
    assert not Revision.objects.exists()
    # The work is not lost: it stays as the draft.
    assert "imaginary" in Draft.objects.get().data["body_markdown"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"key_terms": "Token without a definition"}, "write it as “Term: definition”"),
        ({"minutes": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_saved(author, lesson, changes, message):
    response = author.post(
        reverse("authoring:lesson", args=[lesson.pk]), lesson_form_data(lesson, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Draft.objects.exists()


def test_a_bad_edit_with_htmx_returns_only_the_editor_fragment(author, lesson):
    response = author.post(
        reverse("authoring:lesson", args=[lesson.pk]), lesson_form_data(lesson, title=""), **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor"')
    assert "This field is required." in html


def test_a_successful_htmx_publish_redirects_the_page(author, lesson):
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        {**lesson_form_data(lesson, title="Retitled"), "confirm": "yes"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("authoring:lesson", args=[lesson.pk])


def test_publishing_nothing_new_says_so(author, lesson):
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        {**lesson_form_data(lesson), "confirm": "yes"},
    )
    assert response.status_code == 422
    assert "Nothing to publish" in response.content.decode()


def test_preview_as_learner_shows_the_draft_in_the_lesson_page(author, lesson):
    author.post(
        reverse("authoring:lesson", args=[lesson.pk]),
        lesson_form_data(lesson, body_markdown=lesson.body_markdown + f"\n{MARKER}\n"),
    )
    page = author.get(reverse("authoring:lesson_as_learner", args=[lesson.pk])).content.decode()
    assert "Preview as learner." in page
    assert MARKER in page
    assert 'class="course-nav"' in page  # the learner's page around it


def test_discarding_the_draft_keeps_the_published_lesson(author, lesson):
    author.post(reverse("authoring:lesson", args=[lesson.pk]), lesson_form_data(lesson, title="X"))
    response = author.post(
        reverse("authoring:lesson_discard", args=[lesson.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    assert not Draft.objects.exists()
    lesson.refresh_from_db()
    assert lesson.title == "Token economics"


def test_an_unknown_lesson_is_404(author, course):
    assert author.get(reverse("authoring:lesson", args=[99999])).status_code == 404
