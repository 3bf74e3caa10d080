import pytest
from django.urls import reverse

from authoring.drafts import AuthoringError, get_draft
from authoring.impact import figure_changes, percent_change
from authoring.models import PRICES_ID, Draft, Kind, Revision
from authoring.pricing import build_table, current_price_table, publish_prices
from courses.models import Lesson
from labs.calculator import load_price_table
from quizzes.models import Choice
from tests.authoring.conftest import HTMX

pytestmark = pytest.mark.django_db

SONNET = "claude-sonnet-5-5"


def price_form(**changes: str) -> dict:
    model = load_price_table().get(SONNET).to_data()
    data = {
        "status": model["status"],
        **model["prices"],
        "batch_discount": model["batch_discount"],
        "retired": "",
        "source": "https://platform.claude.com/docs/en/about-claude/pricing",
        "price_date": "2026-12-01",
    }
    data.update(changes)
    return data


def edit_url(model_id: str = SONNET) -> str:
    return reverse("authoring:price_model", args=[model_id])


def test_a_price_change_updates_the_lessons_and_shows_which_figures_moved(
    author, learner_client, course
):
    lesson = Lesson.objects.get(slug="token-economics")
    assert "$12.00" not in lesson.body_html

    response = author.post(edit_url(), price_form(output="12"))
    assert response.status_code == 302
    assert current_price_table().get(SONNET).prices.output == 10  # still a draft
    page = author.get(reverse("authoring:prices")).content.decode()
    assert "claude-sonnet-5-5: prices.output 10 → 12" in page
    # What publishing would change, lesson by lesson, with the biggest move first. Lesson 1
    # teaches the complete call_cost, the input/output split and agent loops with figures, so
    # dozens move; the count follows the lesson text as it is edited.
    draft = build_table(get_draft(Kind.PRICES, PRICES_ID).data)
    moved = [c for c in figure_changes(current_price_table(), draft) if c["order"] == 1]
    assert len(moved) > 30
    assert f"<strong>Lesson 1: Token economics</strong>: {len(moved)} figures change" in page
    # Lesson 3's biggest move: a test item's routing saving, net of its Sonnet classifier.
    assert "$18.60 → $25.60 (+37.6%)" in page
    assert '$10.00</td><td class="num">$12.00</td><td class="num">+20.0%' in page

    response = author.post(reverse("authoring:prices_publish"), {"confirm": "yes"})
    assert response.status_code == 302
    revision = Revision.objects.get(kind=Kind.PRICES, source="app")
    assert response["Location"] == reverse("authoring:price_change", args=[revision.number])
    assert current_price_table().get(SONNET).prices.output == 12
    assert not Draft.objects.exists()

    lesson.refresh_from_db()
    assert "$12.00" in lesson.body_html  # re-rendered through the new table
    assert "$12.00" in learner_client.get(lesson.get_absolute_url()).content.decode()
    lessons = {change["lesson"] for change in revision.effects}
    assert "Lesson 1: Token economics" in lessons
    assert {"before": "$760.00", "after": "$795.00", "change": "+4.6%"}.items() <= next(
        c for c in revision.effects if c["before"] == "$760.00"
    ).items()

    page = author.get(response["Location"]).content.decode()
    assert "Lesson figures that changed" in page
    assert "Lesson 1: Token economics" in page
    assert '$760.00</td><td class="num">$795.00</td><td class="num">+4.6%' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": ""}, "Model claude-sonnet-5-5: source: say where the new price comes from."),
        ({"price_date": ""}, "Model claude-sonnet-5-5: price_date: give the date the price"),
        ({"input": "abc"}, "model claude-sonnet-5-5: prices.input: not a number: &#x27;abc&#x27;"),
        ({"output": "-1"}, "model claude-sonnet-5-5: prices.output: must not be negative"),
        ({"batch_discount": "2"}, "batch_discount: must be above 0 and at most 1"),
        ({"price_date": "soon"}, "Must be a date written as YYYY-MM-DD"),
    ],
)
def test_a_bad_price_edit_is_refused_naming_the_model_and_field(author, course, changes, message):
    response = author.post(edit_url(), price_form(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Draft.objects.exists()


def test_a_bad_price_edit_with_htmx_returns_the_form_fragment(author, course):
    response = author.post(edit_url(), price_form(source=""), **HTMX)
    assert response.status_code == 422
    assert response.content.decode().lstrip().startswith('<form id="price-form"')


def test_a_status_change_is_kept_with_its_source_and_date(author, course):
    author.post(edit_url(), price_form(status="deprecated"))
    draft = Draft.objects.get(kind=Kind.PRICES, object_id=PRICES_ID)
    model = next(m for m in draft.data["models"] if m["id"] == SONNET)
    assert model["status"] == "deprecated"
    assert model["price_date"] == "2026-12-01"
    assert model["source"] == "https://platform.claude.com/docs/en/about-claude/pricing"


def test_edits_to_two_models_collect_in_one_draft(author, course):
    author.post(edit_url(), price_form(output="12"))
    haiku = load_price_table().get("claude-haiku-5-5").to_data()
    data = {**price_form(), **haiku["prices"], "status": "current", "input": "0.12"}
    assert author.post(edit_url("claude-haiku-5-5"), data).status_code == 302
    page = author.get(reverse("authoring:prices")).content.decode()
    assert "claude-sonnet-5-5: prices.output 10 → 12" in page
    assert "claude-haiku-5-5: prices.input" in page


def test_a_base_price_above_its_long_context_band_is_refused(author, course):
    haiku = load_price_table().get("claude-haiku-5-5").to_data()
    data = {**price_form(), **haiku["prices"], "status": "current", "input": "1.20"}
    response = author.post(edit_url("claude-haiku-5-5"), data)
    assert response.status_code == 422
    assert "model claude-haiku-5-5: bands[0].prices.input: lower than the band below it" in (
        response.content.decode()
    )


def test_an_unknown_model_is_404(author, course):
    assert author.get(edit_url("claude-imaginary-9")).status_code == 404


def test_publishing_without_a_draft_says_so(author, course):
    response = author.post(reverse("authoring:prices_publish"), {"confirm": "yes"}, follow=True)
    assert "There is no price change to publish." in response.content.decode()


def test_discarding_price_changes(author, course):
    author.post(edit_url(), price_form(output="12"))
    assert author.post(reverse("authoring:prices_discard"), {"confirm": "yes"}).status_code == 302
    assert not Draft.objects.exists()


def test_a_table_that_breaks_a_living_number_is_refused_and_nothing_changes(instructor, course):
    data = current_price_table().to_data()
    data["models"] = [m for m in data["models"] if m["id"] != SONNET]
    lesson_before = Lesson.objects.get(slug="token-economics").body_html
    with pytest.raises(AuthoringError) as caught:
        publish_prices(data, instructor)
    assert "Lesson 1 (token-economics), text" in str(caught.value)
    assert SONNET in str(caught.value)
    assert not Revision.objects.exists()
    assert Lesson.objects.get(slug="token-economics").body_html == lesson_before


def test_percent_changes_read_as_people_expect():
    assert percent_change("$760.00", "$798.00") == "+5.0%"
    assert percent_change("$1,000.00", "$900.00") == "-10.0%"
    assert percent_change("95.6%", "95.7%") == "+0.1 pts"
    assert percent_change("$0.00", "$1.00") == ""
    assert percent_change("current", "retired") == ""


def test_a_price_change_that_makes_two_options_read_the_same_is_shown_first_and_refused(
    author, learner_client, course
):
    sonnet_5_5 = load_price_table().get(SONNET).to_data()["prices"]
    form = {**price_form(), "status": "legacy", **sonnet_5_5}
    assert author.post(edit_url("claude-sonnet-4-6"), form).status_code == 302
    collision = 'Module test question mt-te-1: options C and D both read "$14.00"'

    page = author.get(reverse("authoring:prices")).content.decode().replace("&quot;", '"')
    assert collision in page
    # The impact report leads with it, before the figures that move.
    assert page.index(collision) < page.index("Figures publishing would change")

    table_before = current_price_table().to_data()
    question_html = {c.pk: c.text_html for c in Choice.objects.all()}
    response = author.post(reverse("authoring:prices_publish"), {"confirm": "yes"})
    assert response.status_code == 422
    assert "Not published. Please fix:" in response.content.decode()
    assert collision in response.content.decode().replace("&quot;", '"')
    assert current_price_table().to_data() == table_before
    assert not Revision.objects.filter(source="app").exists()
    assert {c.pk: c.text_html for c in Choice.objects.all()} == question_html
    assert Draft.objects.filter(kind=Kind.PRICES).exists()  # the draft is kept to fix
