"""Claude behind the labs, through the real anthropic SDK over httpx2.MockTransport."""

from decimal import Decimal

import pytest
from django.core import mail

from labs import tasks
from labs.calculator import Usage, cost_of_call, load_price_table
from labs.models import ApiCall, Conversation, Message
from tests.labs.conftest import make_conversation
from tests.labs.fake_claude import FakeClaude, error_reply, summary_reply, text_reply, tool_reply

pytestmark = pytest.mark.django_db

QUESTION = "What does Sonnet 5.5 cost at 10,000 requests a day, 2,000 input and 300 output tokens?"
WORKLOAD = {"model": "claude-sonnet-5-5", "requests": 10000, "per": "day", "user_tokens": 2000,
            "output_tokens": 300}  # fmt: skip


@pytest.fixture
def claude_on(settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    settings.CLAUDE_MAX_RETRIES = 2
    settings.LAB_MODEL = "claude-haiku-5-5"


def ask(user, lab, question=QUESTION, conversation=None):
    conversation = conversation or make_conversation(user, lab)
    Message.objects.create(conversation=conversation, role="user", text=question)
    message = Message.objects.create(conversation=conversation, role="assistant", status="queued")
    tasks.reply(message.pk)
    message.refresh_from_db()
    return message


def test_a_tool_use_round_trip_computes_with_the_calculator_and_caches_the_prefix(
    claude_on, learner, lab, monkeypatch
):
    fake = FakeClaude([
        tool_reply("workload_cost", WORKLOAD, text="Let me compute that."),
        text_reply("It comes to the figure in the card below."),
    ]).install(monkeypatch)  # fmt: skip
    message = ask(learner, lab)
    assert message.status == "done", message.error_detail
    assert message.engine == "claude"
    assert message.text == "Let me compute that.\n\nIt comes to the figure in the card below."
    (calc,) = message.calculations.all()
    assert calc.tool == "workload_cost"
    assert calc.output["command"] == "workload"
    assert "calc-card" in calc.html

    first, second = fake.requests
    for body in fake.requests:
        assert "temperature" not in body and "top_p" not in body and "top_k" not in body
        assert body["model"] == "claude-haiku-5-5"
        assert body["stream"] is True
        assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
        assert all("cache_control" not in t for t in body["tools"][:-1])
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
        marks = sum(
            "cache_control" in block
            for m in body["messages"] if isinstance(m["content"], list)
            for block in m["content"]
        ) + 2  # fmt: skip
        assert marks <= 4
    assert "Every number you state" in first["system"][0]["text"]
    # The learner's question is the moving breakpoint: written once, read by the tool round.
    assert first["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert second["messages"][-3]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    # The second request carries the tool call and its result; a first tool result is not
    # marked (a write there is rarely read: most turns end with the text that follows).
    assert second["messages"][-2]["content"][-1]["type"] == "tool_use"
    result = second["messages"][-1]["content"][0]
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_1"
    assert "cache_control" not in result
    assert '"per_day_usd"' in result["content"]
    assert fake.headers[0]["authorization"] == "Bearer sk-ant-test-key"


def test_from_the_second_tool_round_on_the_newest_tool_result_is_cached_too(
    claude_on, learner, lab, monkeypatch
):
    fake = FakeClaude([tool_reply("list_models", {}), tool_reply("list_models", {}),
                       text_reply("Done.")]).install(monkeypatch)  # fmt: skip
    assert ask(learner, lab).status == "done"
    _first, second, third = fake.requests
    assert "cache_control" not in second["messages"][-1]["content"][-1]
    assert third["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert third["messages"][-5]["content"][-1]["cache_control"] == {"type": "ephemeral"}


def test_every_call_is_logged_with_its_usage_and_cost_from_the_calculator(
    claude_on, learner, lab, monkeypatch
):
    usage = {"input_tokens": 50, "cache_creation_input_tokens": 3000,
             "cache_read_input_tokens": 0, "output_tokens": 200}  # fmt: skip
    FakeClaude([text_reply("Hello.", usage=usage)]).install(monkeypatch)
    message = ask(learner, lab)
    (call,) = ApiCall.objects.all()
    assert (call.input_tokens, call.cache_write_5m_tokens, call.cache_read_tokens,
            call.output_tokens) == (50, 3000, 0, 200)  # fmt: skip
    model = load_price_table().get("claude-haiku-5-5")
    expected = cost_of_call(
        model, Usage(input_tokens=50, cache_write_5m_tokens=3000, output_tokens=200)
    )
    assert call.cost_usd == expected.total_usd.quantize(Decimal("0.00000001"))
    assert call.user == learner and call.lab == lab and call.message == message
    assert call.request_id == "req_1"
    assert call.model == "claude-haiku-5-5"


def test_cache_reads_show_as_savings_in_the_meter(claude_on, client, learner, lab, monkeypatch):
    FakeClaude([text_reply("Hi.")]).install(monkeypatch)  # default usage reads 2,400 from cache
    message = ask(learner, lab)
    call = ApiCall.objects.get()
    assert call.uncached_cost_usd > call.cost_usd
    client.force_login(learner)
    page = client.get(
        f"/modules/cost-optimization/lessons/token-economics/lab/c/{message.conversation_id}/"
    )
    assert "caching saved" in page.content.decode()


def test_streamed_text_reaches_the_row_progressively(claude_on, learner, lab, monkeypatch):
    seen = []
    original = Message.objects.filter

    FakeClaude([text_reply("One two three four five six seven eight.", chunks=4)]).install(
        monkeypatch
    )

    import labs.tasks as t

    real_still_running = t._still_running

    def spy(message_id, attempt):
        seen.append(Message.objects.get(pk=message_id).text)
        return real_still_running(message_id, attempt)

    monkeypatch.setattr(t, "_still_running", spy)
    monkeypatch.setattr(t.timezone, "now", _ticking_clock())
    message = ask(learner, lab)
    assert message.text == "One two three four five six seven eight."
    partial = [s for s in seen if s and s != message.text]
    assert partial, seen
    assert all(message.text.startswith(p) for p in partial)
    del original


def _ticking_clock():
    from datetime import timedelta

    from django.utils import timezone as tz

    start = tz.now()
    state = {"n": 0}

    def now():
        state["n"] += 1
        return start + timedelta(seconds=state["n"])

    return now


def test_stop_ends_the_stream_early_and_keeps_the_text(claude_on, learner, lab, monkeypatch):
    FakeClaude([text_reply("First part. Second part. Third part.", chunks=3)]).install(monkeypatch)
    import labs.tasks as t

    calls = {"n": 0}

    def stop_after_first(message_id, attempt):
        calls["n"] += 1
        if calls["n"] == 1:
            Message.objects.filter(pk=message_id).update(status="stopped")
        return t.Message.objects.filter(pk=message_id, status="running").exists()

    monkeypatch.setattr(t, "_still_running", stop_after_first)
    message = ask(learner, lab)
    assert message.status == "stopped"
    assert message.text and message.text != "First part. Second part. Third part."
    assert "First" in message.text
    assert ApiCall.objects.count() == 1  # what we saw is still logged


@pytest.mark.parametrize(("status", "kind"), [(429, "rate_limit_error"), (529, "overloaded_error"),
                                               (500, "api_error")])  # fmt: skip
def test_transient_errors_are_retried_then_answered(
    claude_on, learner, lab, monkeypatch, status, kind
):
    monkeypatch.setattr("anthropic._base_client.BaseClient._calculate_retry_timeout",
                        lambda *a, **k: 0)  # fmt: skip
    fake = FakeClaude([error_reply(status, kind), text_reply("Recovered.")]).install(monkeypatch)
    message = ask(learner, lab)
    assert message.status == "done"
    assert message.text == "Recovered."
    assert len(fake.requests) == 2


def test_claude_down_after_retries_fails_cleanly_with_retry(claude_on, learner, lab, monkeypatch):
    monkeypatch.setattr("anthropic._base_client.BaseClient._calculate_retry_timeout",
                        lambda *a, **k: 0)  # fmt: skip
    fake = FakeClaude([error_reply(529, "overloaded_error")] * 3).install(monkeypatch)
    message = ask(learner, lab)
    assert len(fake.requests) == 3  # max_retries=2: three attempts
    assert message.status == "failed"
    assert "busy or unreachable" in message.error
    assert "overloaded" in message.error_detail.lower() or "529" in message.error_detail
    assert message.conversation.messages.filter(role="user").exists()


def test_a_rejected_key_tells_the_learner_and_the_admins(
    claude_on, learner, lab, monkeypatch, settings
):
    settings.ADMINS = [("Ops", "ops@example.com")]
    FakeClaude([error_reply(401, "authentication_error", "invalid x-api-key")]).install(monkeypatch)
    message = ask(learner, lab)
    assert message.status == "failed"
    assert "rejected the course's API key" in message.error
    assert "invalid x-api-key" in message.error_detail
    assert len(mail.outbox) == 1 and "rejected" in mail.outbox[0].subject


def test_a_tool_that_raises_goes_back_to_claude_as_an_error_result(
    claude_on, learner, lab, monkeypatch
):
    bad = {"model": "claude-imaginary", "input_tokens": 5, "output_tokens": 5}
    fake = FakeClaude([
        tool_reply("estimate_cost", bad),
        text_reply("That model does not exist; here is what I can say."),
    ]).install(monkeypatch)  # fmt: skip
    message = ask(learner, lab)
    assert message.status == "done"
    (calc,) = message.calculations.all()
    assert calc.is_error
    result = fake.requests[1]["messages"][-1]["content"][0]
    assert result["is_error"] is True
    assert "claude-imaginary" in result["content"]


def test_the_tool_loop_is_bounded(claude_on, learner, lab, monkeypatch, settings):
    settings.LAB_TOOL_ROUNDS = 2
    fake = FakeClaude([tool_reply("list_models", {})] * 5).install(monkeypatch)
    message = ask(learner, lab)
    assert len(fake.requests) == 2
    assert message.status == "done"
    assert "maximum number of calculator rounds" in message.text


def test_older_turns_are_summarized_by_the_cheap_model_after_k_turns(
    claude_on, learner, lab, monkeypatch, settings
):
    settings.LAB_SUMMARY_AFTER_TURNS = 4
    settings.LAB_HISTORY_WINDOW = 2
    settings.LAB_SUMMARY_MODEL = "claude-haiku-4-5"
    long = " with workload details" * 150  # folding only pays for itself on long turns
    conversation = make_conversation(
        learner, lab, "turn one" + long, "turn two" + long, "turn three" + long
    )  # 6 turns
    fake = FakeClaude([summary_reply("Learner asked three things."), text_reply("Answer.")])
    fake.install(monkeypatch)
    message = ask(learner, lab, "turn four", conversation)
    assert message.status == "done"
    summary_request, reply_request = fake.requests
    assert summary_request["model"] == "claude-haiku-4-5"
    assert "stream" not in summary_request
    assert "turn one" in summary_request["messages"][0]["content"]
    assert reply_request["system"][1]["text"].endswith("Learner asked three things.")
    sent = [m["content"] for m in reply_request["messages"]]
    assert "turn one" not in str(sent) and "turn three" in str(sent) and "turn four" in str(sent)
    conversation.refresh_from_db()
    assert conversation.summary == "Learner asked three things."
    assert conversation.summary_turns == 4
    assert set(ApiCall.objects.values_list("purpose", flat=True)) == {"summary", "reply"}


def test_a_short_history_is_sent_verbatim_because_a_summary_would_cost_more(
    claude_on, learner, lab, monkeypatch, settings
):
    settings.LAB_SUMMARY_AFTER_TURNS = 4
    settings.LAB_HISTORY_WINDOW = 2
    conversation = make_conversation(learner, lab, "turn one", "turn two", "turn three")
    fake = FakeClaude([text_reply("Answer.")]).install(monkeypatch)
    message = ask(learner, lab, "turn four", conversation)
    assert message.status == "done"
    (reply_request,) = fake.requests
    assert "turn one" in str(reply_request["messages"])
    assert len(reply_request["system"]) == 1  # no summary block
    assert not ApiCall.objects.filter(purpose="summary").exists()


def test_the_summary_is_folded_in_steps_and_left_alone_in_between(
    claude_on, learner, lab, monkeypatch, settings
):
    settings.LAB_SUMMARY_AFTER_TURNS = 4
    settings.LAB_HISTORY_WINDOW = 2
    long = " with workload details" * 150
    conversation = make_conversation(
        learner, lab, "turn one" + long, "turn two" + long, "turn three" + long
    )
    fake = FakeClaude([summary_reply("First summary."), text_reply("Answer four.")])
    fake.install(monkeypatch)
    ask(learner, lab, "turn four" + long, conversation)
    fake.script = [text_reply("Answer five.")]  # one more turn: 4 turns after the summary
    ask(learner, lab, "turn five" + long, conversation)
    summary_request, fourth, fifth = fake.requests
    assert "stream" not in summary_request
    # The fifth turn reuses the summary unchanged: its prompt starts as the fourth's did.
    assert fifth["system"] == fourth["system"]
    assert [m["content"] for m in fifth["messages"][:2]] == [
        m["content"] if isinstance(m["content"], str) else m["content"][0]["text"]
        for m in fourth["messages"][:2]
    ]
    conversation.refresh_from_db()
    assert conversation.summary_turns == 4
    assert ApiCall.objects.filter(purpose="summary").count() == 1


def test_past_the_learners_daily_budget_the_offline_tutor_answers(
    claude_on, learner, lab, monkeypatch, settings
):
    settings.LAB_DAILY_BUDGET_USD = Decimal("0.01")
    ApiCall.objects.create(user=learner, model="claude-haiku-5-5", cost_usd=Decimal("0.02"))
    fake = FakeClaude([text_reply("should not be used")]).install(monkeypatch)
    message = ask(learner, lab)
    assert fake.requests == []
    assert message.engine == "offline"
    assert "today's Claude budget" in message.notice


def test_past_the_site_budget_the_offline_tutor_answers(
    claude_on, learner, other_learner, lab, monkeypatch, settings
):
    settings.SITE_DAILY_BUDGET_USD = Decimal("1")
    ApiCall.objects.create(user=other_learner, model="claude-haiku-5-5", cost_usd=Decimal("1.5"))
    fake = FakeClaude([text_reply("should not be used")]).install(monkeypatch)
    message = ask(learner, lab)
    assert fake.requests == []
    assert "course has reached its daily Claude budget" in message.notice


def test_the_anomaly_alert_mails_the_admins_once_per_hour(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from labs.spending import check_anomaly

    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.LAB_ANOMALY_FLOOR_USD = Decimal("1")
    now = timezone.now()
    for hours in range(2, 26):
        call = ApiCall.objects.create(model="claude-haiku-5-5", cost_usd=Decimal("0.10"))
        ApiCall.objects.filter(pk=call.pk).update(created_at=now - timedelta(hours=hours))
    assert check_anomaly(now) is False  # a normal hour
    ApiCall.objects.create(model="claude-haiku-5-5", cost_usd=Decimal("2.00"))
    assert check_anomaly(now + timedelta(seconds=1)) is True
    assert check_anomaly(now + timedelta(seconds=2)) is False  # once per hour
    assert len(mail.outbox) == 1
    assert "anomaly" in mail.outbox[0].subject


def test_the_anomaly_alert_ignores_spend_under_the_floor(db, settings):
    from labs.spending import check_anomaly

    settings.LAB_ANOMALY_FLOOR_USD = Decimal("5")
    ApiCall.objects.create(model="claude-haiku-5-5", cost_usd=Decimal("2.00"))
    assert check_anomaly() is False


def test_no_prompt_contains_module_test_content(course, lab):
    """Prompt injection cannot reveal test answers: no test text is ever in a prompt."""
    from labs.claude import RULES, system_blocks, tool_definitions
    from labs.models import Lab
    from quizzes.models import Choice, Question

    prompts = [RULES, str(tool_definitions())] + [
        str(system_blocks(each)) for each in Lab.objects.all()
    ]
    test_text = [
        *Question.objects.filter(quiz__kind="test").values_list("stem_markdown", flat=True),
        *Choice.objects.filter(question__quiz__kind="test").values_list(
            "feedback_markdown", flat=True
        ),
    ]
    items = Question.objects.filter(quiz__kind="test").count()
    assert items >= 32  # the pooled items of 15 slots
    assert len(test_text) == items * 5  # each stem and its 4 feedbacks
    for text in test_text:
        snippet = text.strip()[:60]
        assert all(snippet not in prompt for prompt in prompts), snippet
    assert Conversation.objects.count() == 0


def test_the_lab_command_goes_through_claude_with_a_key_and_reports_usage_and_cost(
    claude_on, lab, monkeypatch, capsys
):
    import json

    from django.core.management import call_command

    FakeClaude([tool_reply("workload_cost", WORKLOAD), text_reply("Done.")]).install(monkeypatch)
    call_command("lab", "cost-estimator", QUESTION, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "claude"
    assert data["reply"] == "Done."
    assert data["calculations"][0]["output"]["command"] == "workload"
    calls = list(ApiCall.objects.all())
    assert len(calls) == 2
    assert Decimal(data["usage"]["cost_usd"]) == sum(c.cost_usd for c in calls)
    assert data["usage"]["cache_read_input_tokens"] == 4800
