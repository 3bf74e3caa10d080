"""The offline tutor in the production architecture advisor lab: workloads described in words
become calculator plans; what-ifs re-plan before and after; missing facts are asked for."""

import pytest

from tests.labs.tutor_helpers import TABLE, make_ask, make_converse, usd

ENGINE = "architecture-advisor"
ask = make_ask(ENGINE)
converse = make_converse(ENGINE)
TRY_ASKING = (
    "I run two workloads. First, a customer support chat: 50,000 requests per day, real-time "
    "with a user waiting, a 3,000-token system prompt, 300-token user messages and 250-token "
    "answers, on Sonnet 5.5. Second, a nightly job that tags customer feedback: 200,000 requests "
    "per day, results needed by the next morning, a 600-token system prompt, 400-token feedback "
    "entries and 20-token answers, also on Sonnet 5.5. What architecture and controls do you "
    "recommend, and what would each cost per month before and after?"
)
CHAT = {
    "requests_per_day": 50_000,
    "latency": "realtime",
    "output": 250,
    "prompt": {"system": 3000, "user": 300},
    "current_model": "claude-sonnet-5-5",
}
TAGGING = {
    "requests_per_day": 200_000,
    "latency": "overnight",
    "task": "tagging",
    "output": 20,
    "prompt": {"system": 600, "user": 400},
    "current_model": "claude-sonnet-5-5",
}


def without(spec: dict, *keys: str) -> dict:
    return {k: v for k, v in spec.items() if k not in keys}


REPHRASINGS = [
    TRY_ASKING,
    "I have two workloads:\n1. Customer support chat - 50,000 requests/day, real-time (user "
    "waiting), 3,000-token system prompt, 300-token user messages, 250-token answers, Sonnet 5.5."
    "\n2. Feedback tagging - 200,000 requests/day, needed by next morning, 600-token system "
    "prompt, 400-token feedback entries, 20-token answers, Sonnet 5.5.\nRecommend an "
    "architecture and monthly cost before/after.",
    "- support chat: 50k requests a day, a user is waiting, system prompt 3k tokens, user message "
    "300 tokens, output 250 tokens\n- feedback tagging: 200k requests a day, overnight is fine, "
    "system prompt 600 tokens, feedback 400 tokens, output 20 tokens\nBoth run on Sonnet 5.5 "
    "today. What should the architecture be?",
    "Plan my production setup. The first workload is a live support chat handling 50,000 "
    "requests per day with a 3,000 token system prompt, 300 token user messages and 250 token "
    "replies. The second is a nightly tagging job of 200,000 customer feedback entries per day "
    "(results by tomorrow morning), 600-token system prompt, 400-token entries, 20-token tags. "
    "Both use Sonnet 5.5.",
    "Workload A: support chatbot on Sonnet 5.5, 50,000 requests a day, real-time, 3,000-token "
    "system prompt, 300-token user messages, 250-token answers. Workload B: tag customer "
    "feedback overnight, 200,000 requests a day, 600-token system prompt, 400-token entries, "
    "20-token answers, Sonnet 5.5. Costs before and after?",
    "We have a real-time support chat (50,000 requests a day; 3,000-token system prompt; "
    "300-token messages; 250-token answers) and an overnight feedback tagger (200,000 requests a "
    "day; 600-token system prompt; 400-token entries; 20-token answers), both on Sonnet 5.5. "
    "What do you recommend?",
    "Two jobs on Sonnet 5.5. One is a customer support chat with a person waiting: 1.5 million "
    "requests a month, 3,000-token system prompt, 300-token messages, 250-token answers. The "
    "other tags feedback in the background: 6 million requests a month, 600-token system "
    "prompt, 400-token entries, 20-token answers.",
    "Support chat (user waiting) gets 50,000 requests daily with a 3,000-token system prompt, "
    "300-token user messages and 250-token answers.\nFeedback tagging runs nightly on 200,000 "
    "entries per day with a 600-token system prompt, 400-token entries and 20-token answers.\n"
    "Everything runs on Sonnet 5.5. Plan it.",
]


@pytest.mark.parametrize("message", REPHRASINGS)
def test_the_try_asking_prompt_and_its_rephrasings_get_a_costed_plan_per_workload(message):
    reply = ask(message)
    assert [c.tool for c in reply.calculations] == ["plan_architecture"]
    call = reply.calculations[0]
    chat, tagging = call.input["workloads"]
    assert without(chat, "name", "task", "latency") == without(CHAT, "latency")
    assert chat["latency"] in ("realtime", "interactive")
    assert chat["task"] in ("support", "chat")
    assert without(tagging, "name", "latency") == without(TAGGING, "latency")
    assert tagging["latency"] in ("overnight", "batch")
    out = call.output
    support, tags = out["workloads"]
    assert support["api_pattern"] == "realtime_streaming"
    assert tags["api_pattern"] == "batch"
    assert tags["model"] == TABLE.latest("haiku").id
    text = reply.text
    for figure in ("total_before_monthly_usd", "total_after_monthly_usd", "total_saving_usd"):
        assert usd(out[figure]) in text
    for w in out["workloads"]:
        assert usd(w["before_monthly_usd"]) in text
        assert usd(w["after_monthly_usd"]) in text
        budget = next(c for c in w["controls"] if c["kind"] == "budget_alert")
        assert usd(budget["threshold_usd"]) in text
    assert "Message Batches API" in text
    assert "real-time calls with streaming" in text
    assert not reply.asked_follow_up


def test_the_plan_names_each_workloads_biggest_step_and_states_assumptions():
    reply = ask(TRY_ASKING)
    out = reply.calculations[0].output
    chat, tags = out["workloads"]
    caching = next(s for s in chat["steps"] if s["step"] == "caching")
    model = next(s for s in tags["steps"] if s["step"] == "model")
    assert f"The biggest step is caching, saving {usd(caching['saving_usd'])}" in reply.text
    assert f"The biggest step is the model choice, saving {usd(model['saving_usd'])}" in reply.text
    assert "**Assumptions**" in reply.text
    assert "A month is 30 days" in reply.text
    assert "test it on your own examples first" in reply.text


@pytest.mark.parametrize(
    ("what_if", "field", "value"),
    [
        ("What if the tagging job had to be real-time?", "latency", "realtime"),
        ("What if the feedback tagging could wait a few hours?", "latency", "hours"),
        ("What if the support chat's system prompt were 6,000 tokens?", "prompt",
         {"system": 6000, "user": 300}),
        ("What if support chat traffic doubled?", "requests_per_day", 100_000),
    ],
)  # fmt: skip
def test_changing_one_assumption_replans_before_and_after(what_if, field, value):
    reply = converse(TRY_ASKING, what_if)
    before, after = reply.calculations
    assert before.tool == after.tool == "plan_architecture"
    index = 1 if "tag" in what_if else 0
    assert after.input["workloads"][index][field] == value
    assert before.input["workloads"][index][field] != value
    other = 1 - index
    assert after.input["workloads"][other] == before.input["workloads"][other]
    assert usd(before.output["total_after_monthly_usd"]) in reply.text
    assert usd(after.output["total_after_monthly_usd"]) in reply.text


def test_missing_latency_and_answer_length_are_asked_for_then_combined():
    first = "I run a ticket summarizer: 50,000 requests a day and a 3,000-token system prompt."
    question = ask(first)
    assert question.asked_follow_up
    assert question.calculations == []
    assert "how soon" in question.text and "how many tokens an answer" in question.text
    assert "ticket summarizer" in question.text
    reply = converse(first, "a user is waiting, and answers are about 250 tokens")
    assert not reply.asked_follow_up
    (spec,) = reply.calculations[0].input["workloads"]
    assert spec["requests_per_day"] == 50_000
    assert spec["latency"] == "realtime"
    assert spec["output"] == 250
    assert spec["prompt"] == {"system": 3000}


def test_a_chat_is_read_as_interactive_and_the_reply_says_so():
    reply = ask(
        "A support chat: 50,000 requests a day, a 3,000-token system prompt, 250-token answers."
    )
    (spec,) = reply.calculations[0].input["workloads"]
    assert spec["latency"] == "interactive"
    assert "read as interactive" in reply.text


def test_a_bare_number_answers_the_follow_up_about_answer_length():
    reply = converse(
        "I have a support chat with 50,000 requests a day and a 3,000-token system prompt.",
        "a user is waiting",
        "250",
    )
    (spec,) = reply.calculations[0].input["workloads"]
    assert spec["output"] == 250


def test_a_monthly_volume_is_converted_to_requests_a_day_and_stated():
    reply = ask(
        "A support chat gets 1.5 million requests a month with a user waiting: 3,000-token system "
        "prompt, 300-token user messages, 250-token answers on Sonnet 5.5."
    )
    (spec,) = reply.calculations[0].input["workloads"]
    assert spec["requests_per_day"] == 50_000
    assert "read as 50,000 a day" in reply.text


@pytest.mark.parametrize("message", ["Tell me a joke", "What should I name my cat?"])
def test_off_topic_messages_get_what_the_lab_can_compute_with_an_example(message):
    reply = ask(message)
    assert reply.calculations == []
    assert "In this lab I can work out" in reply.text
    assert not reply.asked_follow_up
