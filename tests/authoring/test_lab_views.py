import pytest
from django.urls import reverse

from authoring.models import Draft, Kind, Revision
from labs.calculator.cli import run_command
from labs.conversation import TurnResult
from labs.models import Lab
from labs.tutor import ToolCall, TutorReply
from tests.authoring.conftest import HTMX, lab_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(course: object) -> Lab:
    return Lab.objects.get(slug="cost-estimator")


@pytest.fixture
def tutor(monkeypatch: pytest.MonkeyPatch) -> list:
    """The offline tutor, answering with one calculation; records what it was asked."""
    asked = []

    def answer(engine: str, message: str, history: list, table: object = None) -> TutorReply:
        asked.append((engine, message))
        argv = ["cost", "--model", "claude-sonnet-5-5", "--input", "2000", "--output", "500"]
        output = run_command([*argv, "--json"])
        return TutorReply(
            text="It costs **about a cent**.",
            calculations=[
                ToolCall(tool="cost", input={"model": "claude-sonnet-5-5"}, output=output)
            ],
        )

    monkeypatch.setattr("labs.conversation.tutor_answer", answer)
    return asked


def test_a_lab_edit_is_a_draft_until_published(author, learner_client, lab):
    url = reverse("authoring:lab", args=[lab.slug])
    data = lab_form_data(lab, task="Estimate a **new** workload.", greeting="Hello again.")
    assert author.post(url, data).status_code == 302
    lab.refresh_from_db()
    assert lab.task_markdown != "Estimate a **new** workload."
    assert Draft.objects.get(kind=Kind.LAB).data["task"] == "Estimate a **new** workload."

    assert (
        author.post(
            reverse("authoring:lab_publish", args=[lab.slug]), {"confirm": "yes"}
        ).status_code
        == 302
    )
    lab.refresh_from_db()
    assert lab.task_html == "<p>Estimate a <strong>new</strong> workload.</p>"
    assert lab.greeting_markdown == "Hello again."
    assert Revision.objects.filter(kind=Kind.LAB, object_id=lab.pk).count() == 2
    page = learner_client.get(lab.lesson.get_absolute_url() + "lab/").content.decode()
    assert "Estimate a <strong>new</strong> workload." in page


def test_an_empty_field_is_refused_and_nothing_saved(author, lab):
    response = author.post(
        reverse("authoring:lab", args=[lab.slug]), lab_form_data(lab, system_prompt="  ")
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Draft.objects.exists()


def test_publishing_a_broken_shortcode_is_refused_naming_the_field(author, lab):
    data = lab_form_data(lab, greeting="Hi! {{ price claude-imaginary-9 input }}")
    response = author.post(
        reverse("authoring:lab_publish", args=[lab.slug]), {**data, "confirm": "yes"}
    )
    assert response.status_code == 422
    assert "The greeting: {{ price claude-imaginary-9 input }}" in response.content.decode()
    lab.refresh_from_db()
    assert "imaginary" not in lab.greeting_markdown


def test_the_preview_renders_task_and_greeting_with_htmx(author, lab):
    data = lab_form_data(lab, task="Sonnet output costs {{ price claude-sonnet-5-5 output }}.")
    response = author.post(reverse("authoring:lab_preview", args=[lab.slug]), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="preview"')
    assert 'class="living-number"' in html
    response = author.post(reverse("authoring:lab_preview", args=[lab.slug]), data)
    assert response.status_code == 302


def test_trying_the_lab_shows_the_reply_and_its_calculation_cards(author, lab, tutor):
    data = {**lab_form_data(lab), "message": "What does one call cost?"}
    response = author.post(reverse("authoring:lab_try", args=[lab.slug]), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tried"')
    assert "It costs <strong>about a cent</strong>." in html
    assert 'class="calc-card calc-cost"' in html
    assert "Offline tutor" in html
    assert tutor == [("cost-estimator", "What does one call cost?")]
    assert not Draft.objects.exists()  # trying saves nothing


def test_trying_uses_the_unsaved_fields_in_the_editor(author, lab, monkeypatch):
    seen = []

    def fake_run_turn(lab: Lab, history: list, text: str, **kwargs: object) -> TurnResult:
        seen.append((lab.system_prompt, lab.pk, history, text))
        return TurnResult(text="ok", calculations=[], engine="offline")

    monkeypatch.setattr("labs.conversation.run_turn", fake_run_turn)
    data = {**lab_form_data(lab, system_prompt="Edited prompt."), "message": ""}
    author.post(reverse("authoring:lab_try", args=[lab.slug]), data, **HTMX)
    assert seen == [("Edited prompt.", lab.pk, [], lab.try_asking)]
    lab.refresh_from_db()
    assert lab.system_prompt != "Edited prompt."


def test_trying_without_htmx_shows_the_answer_once_after_a_redirect(author, lab, tutor):
    url = reverse("authoring:lab_try", args=[lab.slug])
    response = author.post(url, {"message": "How much?"})
    assert response.status_code == 302
    assert response["Location"].endswith("#try")
    page = author.get(reverse("authoring:lab", args=[lab.slug])).content.decode()
    assert "It costs <strong>about a cent</strong>." in page
    page = author.get(reverse("authoring:lab", args=[lab.slug])).content.decode()
    assert "about a cent" not in page


def test_a_failing_tutor_shows_a_message_instead_of_an_error_page(author, lab, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("labs.conversation.tutor_answer", broken)
    response = author.post(reverse("authoring:lab_try", args=[lab.slug]), {"message": "Hi"}, **HTMX)
    assert response.status_code == 200
    assert "The lab could not answer" in response.content.decode()


def test_a_too_long_message_is_refused(author, lab, tutor, settings):
    settings.LAB_MAX_MESSAGE_CHARS = 10
    response = author.post(
        reverse("authoring:lab_try", args=[lab.slug]), {"message": "x" * 11}, **HTMX
    )
    assert "Keep the message under 10 characters." in response.content.decode()
    assert tutor == []


def test_an_unknown_lab_is_404(author, course):
    assert author.get(reverse("authoring:lab", args=["nope"])).status_code == 404


def test_with_claude_configured_a_trial_is_answered_by_the_worker_not_the_request(
    author, lab, settings, monkeypatch
):
    from labs.models import Conversation, Message
    from tests.labs.fake_claude import FakeClaude, text_reply

    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.LABS_OFFLINE = False
    sent = []
    monkeypatch.setattr("labs.views.reply.delay", sent.append)  # what the worker would get
    fake = FakeClaude([text_reply("Edited lab says hi.")]).install(monkeypatch)
    data = lab_form_data(lab)
    data["system_prompt"] = "An edited system prompt for the trial."
    response = author.post(reverse("authoring:lab_try", args=[lab.slug]), data, **HTMX)
    assert response.status_code == 200
    trial = Conversation.objects.get(is_trial=True)
    pending = trial.messages.get(role="assistant")
    assert sent == [pending.pk]
    assert fake.requests == []  # nothing called Claude inside the request
    html = response.content.decode()
    assert f'id="message-{pending.pk}"' in html and "sse-connect=" in html

    from labs.tasks import reply

    reply(pending.pk)  # the worker's turn
    pending.refresh_from_db()
    assert pending.status == "done" and pending.text == "Edited lab says hi."
    assert "An edited system prompt for the trial." in fake.requests[0]["system"][0]["text"]
    # Trials stay out of the instructor's own lab history and progress.
    page = author.get(f"/modules/cost-optimization/lessons/{lab.lesson.slug}/lab/").content.decode()
    assert "Trial:" not in page
    assert Message.objects.filter(conversation__is_trial=False).count() == 0
