"""The concept base in the editor: list, editor, preview, try it, publish, discard, history."""

import pytest
from django.test import Client
from django.urls import reverse

from authoring.concepts import concept_snapshot
from authoring.forms import ConceptForm
from authoring.models import Draft, Kind, Revision
from authoring.pricing import current_price_table
from labs.conversation import run_turn
from labs.models import Concept, Lab
from labs.tutor.concept_answers import fill_living_numbers
from tests.authoring.conftest import HTMX

pytestmark = pytest.mark.django_db

QUESTION = "how does prompt caching work"
NEW_ANSWER = (
    "It keeps the processed start of the prompt for a while, never the reply. A read costs "
    "{{ price claude-sonnet-5-5 cache_read }} on Sonnet."
)


@pytest.fixture
def concept(course: object) -> Concept:
    return Concept.objects.select_related("lesson").get(slug="what-prompt-caching-stores")


def form_data(concept: Concept, **changes: str) -> dict:
    data = ConceptForm.initial_from(concept_snapshot(concept))
    data = {name: data[name] for name in ConceptForm.base_fields}
    data.update(changes)
    return data


def edit_url(concept: Concept) -> str:
    return reverse("authoring:concept", args=[concept.pk])


def publish_url(concept: Concept) -> str:
    return reverse("authoring:concept_publish", args=[concept.pk])


def tutor_says(question: str = QUESTION) -> str:
    """What the caching strategist's offline tutor answers, through the turn the worker runs."""
    lab = Lab.objects.get(slug="caching-strategist")
    return run_turn(lab, [], question, offline=True).text


def test_a_learner_is_refused_and_a_visitor_sent_to_log_in(learner_client, client, concept):
    for url in (edit_url(concept), reverse("authoring:concepts", args=[concept.lesson_id])):
        assert learner_client.get(url).status_code == 403
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    response = learner_client.post(publish_url(concept), {**form_data(concept), "confirm": "yes"})
    assert response.status_code == 403
    assert not Draft.objects.exists() and not Revision.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(instructor, concept):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    response = client.post(edit_url(concept), form_data(concept, title="Changed?"))
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_the_lesson_list_shows_each_concept_with_its_section_in_few_queries(
    author, concept, django_assert_max_num_queries
):
    url = reverse("authoring:concepts", args=[concept.lesson_id])
    with django_assert_max_num_queries(8):
        response = author.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    count = Concept.objects.filter(lesson=concept.lesson).count()
    assert count >= 16
    assert html.count('href="/author/concepts/') == count
    assert concept.title in html
    assert "How prompt caching works" in html  # its section's heading, not its anchor


def test_the_editor_offers_only_the_lessons_headings_as_sections_in_few_queries(
    author, concept, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = author.get(edit_url(concept))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="how-prompt-caching-works" selected>' in html
    assert 'value="a-prefix-matched-exactly"' in html
    assert 'value="what-you-are-billed-for"' not in html  # a heading of another lesson


def test_the_preview_is_the_tutors_answer_with_living_numbers_and_the_lesson_link(author, concept):
    data = form_data(concept, answer=NEW_ANSWER)
    response = author.post(reverse("authoring:concept_preview", args=[concept.pk]), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="preview"')
    read_price = fill_living_numbers(
        "{{ price claude-sonnet-5-5 cache_read }}", current_price_table()
    )
    assert "{{" not in html and f"costs {read_price} on Sonnet" in html  # the living number
    assert 'href="/modules/cost-optimization/lessons/prompt-caching/#how-prompt-caching-works"' in (
        html
    )
    assert "Read more in" in html
    # Exactly what the tutor says once it is published.
    author.post(publish_url(concept), {**data, "confirm": "yes"})
    assert f"costs {read_price} on Sonnet" in tutor_says()


def test_a_draft_leaves_the_tutors_answer_alone_until_it_is_published(author, concept):
    before = tutor_says()
    assert "never the model's answer" in before
    response = author.post(edit_url(concept), form_data(concept, answer=NEW_ANSWER))
    assert response.status_code == 302
    assert Draft.objects.get(kind=Kind.CONCEPT, object_id=concept.pk).data["answer"] == NEW_ANSWER
    assert tutor_says() == before

    response = author.post(publish_url(concept))  # the editor's button: to the confirmation
    assert response.status_code == 302 and response["Location"] == publish_url(concept)
    assert "Publish the concept" in author.get(publish_url(concept)).content.decode()
    response = author.post(publish_url(concept), {"confirm": "yes", "note": "Shorter."})
    assert response.status_code == 302
    concept.refresh_from_db()
    assert concept.answer == NEW_ANSWER
    after = tutor_says()
    assert "never the reply" in after and "never the model's answer" not in after
    revisions = Revision.objects.filter(kind=Kind.CONCEPT, object_id=concept.pk)
    assert [r.note for r in revisions.order_by("number")][-1] == "Shorter."
    assert not Draft.objects.exists()


def test_a_published_retitle_changes_which_concept_a_question_finds(author, concept):
    question = "what does the warm hamster cost"
    assert "warm hamster" not in tutor_says(question)
    data = form_data(concept, questions=QUESTION + "\nwhat does a warm hamster cost per hour")
    data["keywords"] += ", warm hamster"
    assert author.post(publish_url(concept), {**data, "confirm": "yes"}).status_code == 302
    assert concept.title in tutor_says(question)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"answer": "  "}, "This field is required."),
        (
            {"answer": "Costs {{ price claude-imaginary-9 input }}."},
            "The answer: {{ price claude-imaginary-9 input }}",
        ),
        ({"slug": "cache-needs-exact-prefix"}, "already used by another concept"),
        (
            {"questions": QUESTION + "\ndoes the cache need an exact match"},
            "retrieves \u201cWhy does one small change make the whole cache miss?\u201d first",
        ),
    ],
)
def test_problems_are_shown_in_the_editor_and_block_publishing(author, concept, changes, problem):
    before = concept_snapshot(concept)
    data = form_data(concept, **changes)
    response = author.post(publish_url(concept), {**data, "confirm": "yes"})
    html = response.content.decode()
    assert response.status_code == 422
    assert problem in html.replace("&ldquo;", "\u201c").replace("&#x27;", "'")
    assert "Not published" in html or "This field is required." in html
    concept.refresh_from_db()
    assert concept_snapshot(concept) == before
    # What was typed is kept: in the form, and as the draft.
    field = "answer" if "answer" in changes else next(iter(changes))
    assert changes[field].strip().split("\n")[-1][:20] in html
    assert not Revision.objects.filter(kind=Kind.CONCEPT).exists()


def test_a_section_that_is_not_a_heading_of_the_lesson_is_refused(author, concept):
    response = author.post(edit_url(concept), form_data(concept, section="no-such-heading"))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Draft.objects.exists()
    # A draft holding one (restored from before a heading was renamed) cannot be published.
    draft = {**concept_snapshot(concept), "section": "no-such-heading"}
    Draft.objects.create(kind=Kind.CONCEPT, object_id=concept.pk, data=draft)
    response = author.post(publish_url(concept), {"confirm": "yes"})
    assert response.status_code == 422
    assert "The section #no-such-heading is not a heading of the lesson" in (
        response.content.decode()
    )


def test_more_than_six_sample_questions_are_refused_keeping_what_was_typed(author, concept):
    questions = "\n".join(f"question number {i} about caching" for i in range(7))
    response = author.post(edit_url(concept), form_data(concept, questions=questions))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Keep to 6 sample questions; there are 7." in html
    assert "question number 6 about caching" in html
    assert not Draft.objects.exists()


def test_try_it_shows_the_concept_a_question_retrieves_and_the_runner_up(author, concept):
    url = reverse("authoring:concept_try", args=[concept.pk])
    response = author.post(url, {**form_data(concept), "q": QUESTION}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="tried"')
    assert "Retrieves first" in html and concept.title.replace("'", "&#x27;") in html
    assert "this concept" in html and "Runner-up" in html
    # Unsaved edits count: a question only the edited keywords match finds it.
    edited = form_data(concept, keywords="purple elephant")
    response = author.post(url, {**edited, "q": "purple elephant"}, **HTMX)
    assert "this concept" in response.content.decode()
    assert not Draft.objects.exists()


def test_try_it_works_without_javascript(author, concept):
    response = author.post(
        reverse("authoring:concept_try", args=[concept.pk]),
        {"q": "does the cache need an exact match"},
    )
    assert response.status_code == 302
    response = author.get(response["Location"])
    html = response.content.decode()
    assert "Why does one small change make the whole cache miss?" in html
    assert "another concept" in html


def test_try_it_refuses_an_overlong_question_with_a_message(author, concept):
    response = author.post(
        reverse("authoring:concept_try", args=[concept.pk]), {"q": "cache " * 200}, **HTMX
    )
    assert response.status_code == 400
    assert "keep it under 500" in response.content.decode()
    response = author.get(edit_url(concept), {"q": "cache " * 200})
    assert response.status_code == 400
    assert "keep it under 500" in response.content.decode()


def test_discarding_a_draft_keeps_the_published_concept(author, concept):
    author.post(edit_url(concept), form_data(concept, answer=NEW_ANSWER))
    url = reverse("authoring:concept_discard", args=[concept.pk])
    assert "Discard the draft of the concept" in author.get(url).content.decode()
    assert author.post(url, {"confirm": "yes"}).status_code == 302
    assert not Draft.objects.exists()
    concept.refresh_from_db()
    assert "never the model's answer" in concept.answer


def test_history_shows_each_version_and_restoring_one_makes_it_the_draft(author, concept):
    original = concept_snapshot(concept)
    author.post(publish_url(concept), {**form_data(concept, answer=NEW_ANSWER), "confirm": "yes"})
    response = author.get(reverse("authoring:history", args=["concept", concept.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Concept: " in html and "v2" in html
    response = author.get(reverse("authoring:revision", args=["concept", concept.pk, 2]))
    assert "never the reply" in response.content.decode()  # the diff, in the file's shape
    response = author.post(reverse("authoring:restore", args=["concept", concept.pk, 1]))
    assert response.status_code == 302 and response["Location"] == edit_url(concept)
    assert Draft.objects.get(kind=Kind.CONCEPT, object_id=concept.pk).data == original
    assert author.post(publish_url(concept), {"confirm": "yes"}).status_code == 302
    concept.refresh_from_db()
    assert concept_snapshot(concept) == original


def test_a_slug_taken_between_the_check_and_the_save_is_refused_not_a_500(
    author, concept, monkeypatch
):
    # Only the edited row is locked while publishing: another concept may take the slug after
    # the problems were checked. The unique constraint catches it.
    monkeypatch.setattr("authoring.concepts.concept_problems", lambda *args, **kwargs: [])
    data = form_data(concept, slug="cache-needs-exact-prefix")
    response = author.post(publish_url(concept), {**data, "confirm": "yes"})
    assert response.status_code == 422
    assert "already used by another concept" in response.content.decode()
    concept.refresh_from_db()
    assert concept.slug == "what-prompt-caching-stores"
    assert not Revision.objects.filter(kind=Kind.CONCEPT).exists()
