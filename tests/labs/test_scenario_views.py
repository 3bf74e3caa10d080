"""The "What I understood" form above each calculation card: correct a figure, see the card
recalculated in place (htmx) or after a redirect (no JavaScript), go back to what was read."""

import html

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from labs import scenarios
from labs.calculator.pricing import load_price_table
from labs.calculator.tools import call_tool
from labs.cards import render_card, render_error_card
from labs.models import Calculation, Message
from tests.labs.conftest import LAB_URL, make_conversation

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
WORKLOAD = {
    "model": "claude-sonnet-5-5", "requests": 50000, "per": "day", "system_tokens": 1200,
    "user_tokens": 150, "output_tokens": 300,
}  # fmt: skip


def make_calculation(user, lab, tool="workload_cost", tool_input=None, order=1) -> Calculation:
    tool_input = dict(WORKLOAD if tool_input is None else tool_input)
    conversation = make_conversation(user, lab, "What does this cost?")
    reply = conversation.messages.get(role="assistant")
    output = call_tool(tool, tool_input, load_price_table())
    return Calculation.objects.create(
        message=reply, order=order, tool=tool, input=tool_input, output=output,
        html=render_card(output, tool_input),
    )  # fmt: skip


def url(calculation: Calculation) -> str:
    return f"/labs/calculations/{calculation.pk}/"


def form(tool_input: dict, **changes: object) -> dict:
    """The form as a browser posts it: every field, flags only when ticked."""
    data = {k: v for k, v in {**tool_input, **changes}.items() if v is not False}
    return {k: ("on" if v is True else v) for k, v in data.items()}


def test_changing_a_figure_recalculates_the_card_in_place_and_says_what_changed(
    client, learner, lab
):
    calculation = make_calculation(learner, lab)
    before = calculation.output["per_day_usd"]
    client.force_login(learner)
    response = client.post(url(calculation), form(WORKLOAD, output_tokens="150"), headers=HTMX)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<html" not in page
    assert f'id="calculation-{calculation.pk}"' in page
    assert "These figures are for your edited inputs" in page
    assert "You changed: Output tokens 300 → 150." in page
    assert "Back to what I read" in page
    calculation.refresh_from_db()
    assert calculation.input == {**WORKLOAD, "output_tokens": 150}
    assert calculation.original_input == WORKLOAD
    expected = call_tool("workload_cost", calculation.input, load_price_table())
    assert calculation.output == expected
    assert calculation.output["per_day_usd"] != before
    assert calculation.html == render_card(expected, calculation.input)
    assert calculation.html in response.content.decode()


def test_without_javascript_the_form_redirects_back_to_the_card(client, learner, lab):
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    response = client.post(url(calculation), form(WORKLOAD, requests="1,000"))
    conversation = calculation.message.conversation_id
    assert response.status_code == 302
    assert response.url == f"{LAB_URL}c/{conversation}/#calculation-{calculation.pk}"
    calculation.refresh_from_db()
    assert calculation.input["requests"] == 1000
    page = html.unescape(client.get(response.url).content.decode())
    assert "You changed: Requests 50,000 → 1,000." in page


def test_the_lab_page_shows_what_i_understood_above_each_card(client, learner, lab):
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{calculation.message.conversation_id}/").content.decode()
    block = page[page.index(f'id="calculation-{calculation.pk}"') :]
    assert block.index("What I understood") < block.index('class="calc-card')
    for text in ("Requests", "per", "System prompt tokens", "Output tokens",
                 "Cached prefix tokens", "Cache lifetime", "Traffic"):  # fmt: skip
        assert f">{text}</label>" in block
    assert 'name="output_tokens" value="300" min="0" max="10000000"' in block
    assert '<option value="claude-sonnet-5-5" selected>' in block
    assert 'name="batch" value="on">' in block  # a checkbox, not ticked
    assert "Back to what I read" not in block  # nothing edited yet


def test_anonymous_visitors_are_sent_to_login_and_nothing_changes(client, learner, lab):
    calculation = make_calculation(learner, lab)
    response = client.post(url(calculation), form(WORKLOAD, output_tokens="1"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    calculation.refresh_from_db()
    assert calculation.input == WORKLOAD


@pytest.mark.parametrize("who", ["other_learner", "admin_user"])
def test_another_learners_calculation_is_404_even_for_staff(client, learner, lab, request, who):
    calculation = make_calculation(learner, lab)
    client.force_login(request.getfixturevalue(who))
    for path in (url(calculation), url(calculation) + "restore/"):
        assert client.post(path, form(WORKLOAD, output_tokens="1")).status_code == 404
        assert client.post(path, form(WORKLOAD), headers=HTMX).status_code == 404
    calculation.refresh_from_db()
    assert calculation.input == WORKLOAD


def test_a_get_is_405_and_a_post_without_the_csrf_token_is_refused(learner, lab):
    calculation = make_calculation(learner, lab)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.get(url(calculation)).status_code == 405
    assert client.post(url(calculation), form(WORKLOAD, output_tokens="1")).status_code == 403
    calculation.refresh_from_db()
    assert calculation.input == WORKLOAD


BAD = [
    ("output_tokens", "abc", "Output tokens: not a number: 'abc'"),
    ("output_tokens", "99999999999", "Output tokens: must be at most 10,000,000"),
    ("output_tokens", "", "Output tokens: give a value"),
    ("requests", "0", "Requests: must be at least 1"),
    ("requests", "2.5", "Requests: expected a whole number"),
    ("model", "claude-nonsense-9", "unknown model 'claude-nonsense-9'"),
    ("per", "week", "per: expected one of day, month"),
]


@pytest.mark.parametrize(("name", "typed", "message"), BAD)
def test_bad_input_is_refused_beside_its_field_with_what_was_typed_kept(
    client, learner, lab, name, typed, message
):
    calculation = make_calculation(learner, lab)
    card = calculation.html
    client.force_login(learner)
    response = client.post(url(calculation), form(WORKLOAD, **{name: typed}), headers=HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    at = page.index(f'name="{name}"')
    field = page[page.rindex('<div class="field', 0, at) :]
    field = field[: field.index("</div>")]
    assert message in html.unescape(field)
    assert 'aria-invalid="true"' in field
    if name in ("model", "per"):
        assert f'<option value="{typed}" selected>' in field
    else:
        assert f'value="{typed}"' in field
    assert 'name="system_tokens" value="1200"' in page  # the rest of the form as posted too
    calculation.refresh_from_db()
    assert (calculation.input, calculation.html, calculation.original_input) == (
        WORKLOAD,
        card,
        None,
    )


def test_bad_input_without_javascript_shows_the_page_with_the_message_and_the_typed_value(
    client, learner, lab
):
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    response = client.post(url(calculation), form(WORKLOAD, output_tokens="lots"))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "<html" in page
    assert "Output tokens: not a number: 'lots'" in page
    assert 'name="output_tokens" value="lots"' in page
    calculation.refresh_from_db()
    assert calculation.input == WORKLOAD


def test_back_to_what_i_read_restores_the_original_reading(client, learner, lab):
    calculation = make_calculation(learner, lab)
    original = calculation.html
    client.force_login(learner)
    client.post(url(calculation), form(WORKLOAD, output_tokens="150", batch=True), headers=HTMX)
    calculation.refresh_from_db()
    assert calculation.input["batch"] is True
    response = client.post(url(calculation) + "restore/", headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Back to what I read" not in page
    assert "edited inputs" not in page
    calculation.refresh_from_db()
    assert calculation.input == WORKLOAD
    assert calculation.original_input is None
    assert calculation.html == original
    # Without JavaScript it redirects to the card, and a second restore changes nothing.
    response = client.post(url(calculation) + "restore/")
    assert response.status_code == 302
    assert response.url.endswith(f"#calculation-{calculation.pk}")


def test_a_second_edit_keeps_the_first_reading_as_the_original(client, learner, lab):
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    client.post(url(calculation), form(WORKLOAD, output_tokens="150"), headers=HTMX)
    response = client.post(
        url(calculation), form(WORKLOAD, output_tokens="150", model="claude-haiku-5-5"),
        headers=HTMX,
    )  # fmt: skip
    page = html.unescape(response.content.decode())
    assert (
        "You changed: Model claude-sonnet-5-5 → claude-haiku-5-5; Output tokens 300 → 150." in page
    )
    calculation.refresh_from_db()
    assert calculation.original_input == WORKLOAD
    # Typing the original figures again is the original reading: nothing is marked as edited.
    response = client.post(url(calculation), form(WORKLOAD), headers=HTMX)
    assert "edited inputs" not in response.content.decode()
    calculation.refresh_from_db()
    assert calculation.original_input is None


def test_a_card_the_calculator_refused_can_be_corrected_into_a_result(client, learner, lab):
    conversation = make_conversation(learner, lab, "Haiku at 0 requests?")
    reply = conversation.messages.get(role="assistant")
    bad = {**WORKLOAD, "requests": 0}
    calculation = Calculation.objects.create(
        message=reply, order=1, tool="workload_cost", input=bad, is_error=True,
        output={"error": "requests: must be at least 1"},
        html=render_error_card("workload_cost", bad, "requests: must be at least 1"),
    )  # fmt: skip
    client.force_login(learner)
    response = client.post(url(calculation), form(bad, requests="800"), headers=HTMX)
    assert response.status_code == 200
    calculation.refresh_from_db()
    assert not calculation.is_error
    assert calculation.output["per_day_usd"]
    assert "calc-error" not in calculation.html
    # Back to what was read is the refusal again, as an error card.
    client.post(url(calculation) + "restore/", headers=HTMX)
    calculation.refresh_from_db()
    assert calculation.is_error
    assert "calc-error" in calculation.html


def test_claudes_model_comparison_can_be_rerun_with_other_models(client, learner, lab):
    compare = {**WORKLOAD, "models": ["claude-sonnet-5-5", "claude-haiku-5-5"]}
    del compare["model"]
    calculation = make_calculation(learner, lab, "compare_models", compare)
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{calculation.message.conversation_id}/").content.decode()
    assert page.count('name="models"') == 3  # the two read and one to add
    data = form(compare, models=["claude-opus-5-5", "", "claude-haiku-5-5"])
    assert client.post(url(calculation), data, headers=HTMX).status_code == 200
    calculation.refresh_from_db()
    assert calculation.input["models"] == ["claude-opus-5-5", "claude-haiku-5-5"]
    assert [r["model"] for r in calculation.output["results"]] == calculation.input["models"]
    response = client.post(url(calculation), form(compare, models=["", ""]), headers=HTMX)
    assert response.status_code == 400
    assert "Models: choose at least one model" in response.content.decode()


def test_routing_shares_are_edited_per_tier_and_their_cross_checks_name_the_field(
    client, learner, lab
):
    routing = {
        "mix": {"simple": 0.7, "hard": 0.3},
        "models": {"simple": "claude-haiku-5-5", "hard": "claude-sonnet-5-5"},
        "baseline": "claude-sonnet-5-5", "requests": 10000, "per": "day",
        "input_tokens": 800, "output_tokens": 200,
    }  # fmt: skip
    calculation = make_calculation(learner, lab, "routing_savings", routing)
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{calculation.message.conversation_id}/").content.decode()
    assert 'name="mix.0" value="0.7"' in page
    data = {k: v for k, v in routing.items() if not isinstance(v, dict)}
    data |= {"mix.0": "0.5", "mix.1": "0.5", "models.0": "claude-haiku-5-5",
             "models.1": "claude-opus-5-5"}  # fmt: skip
    assert client.post(url(calculation), data, headers=HTMX).status_code == 200
    calculation.refresh_from_db()
    assert calculation.input["mix"] == {"simple": 0.5, "hard": 0.5}
    assert calculation.input["models"]["hard"] == "claude-opus-5-5"
    # A classifier without its token counts is the calculator's cross-check, in plain words.
    response = client.post(url(calculation), {**data, "classifier": "claude-haiku-5-5"},
                           headers=HTMX)  # fmt: skip
    assert response.status_code == 400
    assert "“Classifier model” needs “Classifier input tokens”" in html.unescape(
        response.content.decode()
    )


def test_a_plans_workloads_are_shown_read_only(client, learner, lab):
    plan = {"workloads": [{"name": "support", "requests_per_day": 20000, "latency": "interactive",
                           "task": "chat", "output": 300, "prompt": {"system": 1500}}]}  # fmt: skip
    calculation = make_calculation(learner, lab, "plan_architecture", plan)
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{calculation.message.conversation_id}/").content.decode()
    block = page[page.index(f'id="calculation-{calculation.pk}"') :]
    block = block[: block.index("calc-card")]
    assert "support: requests per day 20,000, latency interactive" in block
    assert "<form" not in block
    response = client.post(url(calculation), {"workloads": "[]"}, headers=HTMX)
    assert response.status_code == 400
    assert "nothing to change here" in response.content.decode()


def test_recalculations_are_limited_per_learner_per_hour(client, learner, lab, monkeypatch):
    monkeypatch.setattr(scenarios, "RECALCULATIONS_PER_HOUR", 2)
    cache.clear()  # counts from earlier tests in this process
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    for figure in ("100", "200"):
        response = client.post(url(calculation), form(WORKLOAD, output_tokens=figure),
                               headers=HTMX)  # fmt: skip
        assert response.status_code == 200
    response = client.post(url(calculation), form(WORKLOAD, output_tokens="999"), headers=HTMX)
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have recalculated 2 times this hour, the limit." in page
    assert 'name="output_tokens" value="999"' in page  # kept as typed
    calculation.refresh_from_db()
    assert calculation.input["output_tokens"] == 200


def test_a_recalculation_costs_a_fixed_handful_of_queries(client, learner, lab):
    calculation = make_calculation(learner, lab)
    for order in range(2, 6):
        make_calculation(learner, lab, order=order)
    client.force_login(learner)
    client.post(url(calculation), form(WORKLOAD, output_tokens="100"), headers=HTMX)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(calculation), form(WORKLOAD, output_tokens="120"),
                               headers=HTMX)  # fmt: skip
    assert response.status_code == 200
    # session, user, the card with its conversation, the price revision, lock + update (and
    # the savepoint around them)
    assert len(queries) <= 8, [q["sql"][:90] for q in queries]


def test_the_lab_page_reads_the_price_table_once_for_many_cards(client, learner, lab):
    calculation = make_calculation(learner, lab)
    reply = calculation.message
    client.force_login(learner)
    page_url = f"{LAB_URL}c/{reply.conversation_id}/"
    client.get(page_url)
    with CaptureQueriesContext(connection) as one:
        client.get(page_url)
    for order in range(2, 8):
        Calculation.objects.create(message=reply, order=order, tool="workload_cost",
                                   input=WORKLOAD, output=calculation.output, html="x")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get(page_url).content.decode()
    assert page.count("What I understood") == 7
    assert len(many) == len(one)


def test_a_finished_reply_polled_in_brings_its_forms(client, learner, lab):
    calculation = make_calculation(learner, lab)
    client.force_login(learner)
    response = client.get(f"/labs/messages/{calculation.message_id}/", headers=HTMX)
    assert "What I understood" in response.content.decode()
    assert Message.objects.get(pk=calculation.message_id).status == "done"


def test_hostile_values_are_refused_with_a_message_never_a_500(client, learner, lab):
    compare = {**WORKLOAD, "models": ["claude-sonnet-5-5"]}
    del compare["model"]
    cases = [
        ("workload_cost", WORKLOAD, {"model": "x" * 5000}, "Model: at most 100 characters"),
        ("workload_cost", WORKLOAD, {"requests": "1e400"}, "Requests: must be at most"),
        ("workload_cost", WORKLOAD, {"output_tokens": "٣٠٠"}, "Output tokens: not a number"),
        ("compare_models", compare, {"models": ["claude-haiku-5-5"] * 13}, "at most 12 models"),
        ("audit_prompt", {"prompt": "Be brief."}, {"prompt": "x" * 100_001},
         "Prompt: at most 100,000 characters"),
        ("routing_savings", {
            "mix": {"simple": 1.0}, "models": {"simple": "claude-haiku-5-5"},
            "baseline": "claude-sonnet-5-5", "requests": 10, "per": "day", "input_tokens": 1,
            "output_tokens": 1,
        }, {"mix.0": "7", "models.0": "claude-haiku-5-5"}, "expected a share from 0 to 1"),
    ]  # fmt: skip
    client.force_login(learner)
    for tool, tool_input, changes, message in cases:
        calculation = make_calculation(learner, lab, tool, tool_input)
        data = form({k: v for k, v in tool_input.items() if not isinstance(v, dict)}, **changes)
        response = client.post(url(calculation), data, headers=HTMX)
        assert response.status_code == 400, tool
        assert message in html.unescape(response.content.decode()), tool
        calculation.refresh_from_db()
        assert calculation.input == tool_input


def test_a_card_from_claudes_tool_call_is_rerun_the_same_way(client, learner, lab):
    # Claude states defaults outright (ttl, traffic, batch false): only a real change is listed.
    claude_input = {**WORKLOAD, "ttl": "5m", "traffic": "steady", "batch": False}
    calculation = make_calculation(learner, lab, tool_input=claude_input)
    Message.objects.filter(pk=calculation.message_id).update(engine="claude")
    client.force_login(learner)
    response = client.post(url(calculation), form(claude_input, ttl="1h"), headers=HTMX)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "You changed: Cache lifetime 5 minutes → 1 hour." in page
    calculation.refresh_from_db()
    assert calculation.input == {**claude_input, "ttl": "1h"}


def test_a_what_if_card_shows_its_change_read_only_and_reruns_the_before(client, learner, lab):
    what_if = {**WORKLOAD, "changes": {"output_tokens": 150}}
    calculation = make_calculation(learner, lab, "workload_change", what_if)
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{calculation.message.conversation_id}/").content.decode()
    block = page[page.index(f'id="calculation-{calculation.pk}"') :]
    assert "output tokens: 150" in block[: block.index("calc-card")]
    response = client.post(url(calculation), form(WORKLOAD, requests="10000"), headers=HTMX)
    assert response.status_code == 200
    calculation.refresh_from_db()
    assert calculation.input == {**what_if, "requests": 10000}
    assert calculation.output == call_tool("workload_change", calculation.input, load_price_table())
