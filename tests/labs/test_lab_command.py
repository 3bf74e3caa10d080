import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labs.models import Conversation, Lab, Message

pytestmark = pytest.mark.django_db


def test_the_lab_command_answers_offline_in_json(lab, capsys):
    call_command("lab", "cost-estimator", lab.try_asking, "--offline", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "offline"
    assert data["reply"]
    assert data["calculations"]
    first = data["calculations"][0]
    assert {"tool", "input", "output"} <= first.keys()
    assert first["output"]["command"]


def test_the_lab_command_prints_readable_text(lab, capsys):
    call_command(
        "lab",
        "caching-strategist",
        "Should I cache a 3,000-token system prompt on Sonnet 5.5 at 20,000 requests a day?",
        "--offline",
    )
    out = capsys.readouterr().out
    assert "$" in out
    assert "[calculation]" in out


def test_the_lab_command_refuses_an_unknown_lab(lab):
    with pytest.raises(CommandError, match="no lab 'oracle'"):
        call_command("lab", "oracle", "hi", "--offline")


FIRST = (
    "What does Sonnet 5.5 cost at 50,000 requests a day with a 1,000-token system prompt "
    "and 400 output tokens?"
)


def compared_models(turn: dict) -> list[str]:
    return [
        model
        for call in turn["calculations"]
        if call["tool"] == "compare_models"
        for model in call["input"]["models"]
    ]


def test_several_messages_are_answered_in_turn_each_with_the_ones_before(lab, capsys):
    call_command("lab", "cost-estimator", FIRST, "and on haiku 5.5?", "--offline", "--json")
    data = json.loads(capsys.readouterr().out)
    first, second = data["turns"]
    assert first["message"] == FIRST
    assert first["calculations"][0]["input"]["requests"] == 50000
    # The follow-up names no workload: it is priced on the first message's.
    assert second["message"] == "and on haiku 5.5?"
    assert "claude-haiku-5-5" in compared_models(second)
    assert all(c["input"]["requests"] == 50000 for c in second["calculations"])
    assert data["reply"] == second["reply"]  # the last reply stays at the top level


def test_several_messages_print_each_reply_under_its_message(lab, capsys):
    call_command("lab", "cost-estimator", FIRST, "and on haiku 5.5?", "--offline")
    out = capsys.readouterr().out
    assert out.index(f"> {FIRST}") < out.index("> and on haiku 5.5?")
    assert out.count("[calculation]") >= 3
    assert "Claude Haiku 5.5" in out.split("> and on haiku 5.5?")[1]


def test_a_conversation_id_continues_that_conversations_history(lab, learner, capsys):
    conversation = Conversation.objects.create(user=learner, lab=lab, title="t")
    Message.objects.create(conversation=conversation, role="user", text=FIRST)
    Message.objects.create(
        conversation=conversation, role="assistant", text="It costs $300.00 a day."
    )
    # A reply that failed is not history, as the worker would not send it either.
    Message.objects.create(conversation=conversation, role="assistant", status="failed", text="x")
    call_command(
        "lab", "cost-estimator", "and on haiku 5.5?", "--conversation", str(conversation.pk),
        "--offline", "--json",
    )  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["conversation"] == conversation.pk
    assert "claude-haiku-5-5" in compared_models(data)
    assert conversation.messages.count() == 3  # read, not written
    # The same follow-up with no history has no workload to price.
    call_command("lab", "cost-estimator", "and on haiku 5.5?", "--offline", "--json")
    assert compared_models(json.loads(capsys.readouterr().out)) == []


def test_the_lab_command_refuses_a_missing_or_foreign_conversation_and_empty_messages(lab, learner):
    with pytest.raises(CommandError, match="no conversation 999"):
        call_command("lab", "cost-estimator", "hi", "--conversation", "999", "--offline")
    other = Lab.objects.get(slug="caching-strategist")
    conversation = Conversation.objects.create(user=learner, lab=other, title="t")
    with pytest.raises(CommandError, match="belongs to the caching-strategist lab"):
        call_command(
            "lab", "cost-estimator", "hi", "--conversation", str(conversation.pk), "--offline"
        )
    with pytest.raises(CommandError, match="message 2 is empty"):
        call_command("lab", "cost-estimator", "hi", "  ", "--offline")
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("lab", "cost-estimator", "hi", "--conversation", "abc", "--offline")
