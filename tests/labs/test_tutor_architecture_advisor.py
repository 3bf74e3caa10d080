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
    # The plan, then the batch step on its own for the tagging job on today's model.
    assert [c.tool for c in reply.calculations] == ["plan_architecture", "batch_savings"]
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
    before, after = [c for c in reply.calculations if c.tool == "plan_architecture"]
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


# -- workloads as engineers type them (issue 13) -------------------------------------------------
def test_an_abbreviated_workload_that_nobody_reads_until_tomorrow_is_planned_as_a_batch():
    # 40,000 x (800 x $2 + 200 x $2 + 50 x $10) / 1e6 = $100 a day, $3,000 a month; batch half.
    reply = ask(
        "moderation queue, 40k req/day, runs realtime today but nobody looks at the flags "
        "before tomorrow. 800 sys / 200 in / 50 out on sonnet 5.5. what would you change?"
    )
    assert not reply.asked_follow_up
    assert "$3,000.00 a month in real time" in reply.text
    assert "$1,500.00 through the Message Batches API" in reply.text
    assert "100,000 requests or 256 MB" in reply.text
    assert "within 24 hours" in reply.text
    assert "custom_id" in reply.text and "expire" in reply.text


def test_a_workload_without_a_deadline_is_planned_as_real_time_and_says_so():
    # 10,000 x (1,000 x $0.10 + 200 x $0.50) / 1e6 = $2 a day, $60 a month on Haiku 5.5.
    reply = ask("reply drafter on haiku 5.5, 10k req/day, 1k in / 200 out. monthly?")
    assert not reply.asked_follow_up
    assert "no deadline given, so I assumed someone waits" in reply.text
    assert usd("60") in reply.text


def test_batch_or_realtime_without_a_deadline_is_asked_back():
    reply = ask("invoice parser, 25k req/day on sonnet 5.5, 1.5k in / 100 out. batch or realtime?")
    assert reply.asked_follow_up
    assert "how soon" in reply.text.lower() or "needed" in reply.text.lower()


def test_a_retired_current_model_is_named_and_todays_model_of_its_tier_priced():
    # Sonnet 5.5: 5,000 x (1,000 x $2 + 200 x $10) / 1e6 = $20 a day, $600 a month.
    # Sonnet 4's old $3 / $15 would give $30 a day, $900 a month.
    reply = ask(
        "helpdesk chat on claude-sonnet-4-20250514, users waiting, 5k req/day, 1k in / 200 out. "
        "monthly?"
    )
    assert "Claude Sonnet 4 is retired" in reply.text
    assert usd("600") in reply.text
    assert usd("900") not in reply.text
    assert all(c.input.get("workloads", [{}])[0].get("current_model") != "claude-sonnet-4-0"
               for c in reply.calculations)  # fmt: skip


def test_a_batch_size_question_without_token_sizes_gets_the_concept_not_a_question():
    reply = ask("our nightly export is about 250k requests. can a single batch take all of it?")
    assert not reply.asked_follow_up
    assert reply.kind == "concept"
    assert "100,000" in reply.text


def test_switch_then_cache_then_batch_gives_the_monthly_after_each_step():
    # Opus 5.5: 60,000 x (4,400 x $4 + 100 x $20) / 1e6 = $1,176 a day, $35,280 a month.
    # Sonnet 5.5: 60,000 x (4,400 x $2 + 100 x $10) / 1e6 = $588 a day, $17,640 a month.
    # 1h cache: 4,000 x $0.10 + 400 x $2 + 100 x $10 = $0.0022 a request, about $3,960 a month
    # plus one write a day; batch halves that, about $1,980.
    reply = ask(
        "claims triage: 60k req/day, 4k-token shared system prompt, ~400 tok claim, ~100 tok "
        "out, on opus 5.5 realtime today. walk me through: switch to sonnet 5.5, then cache the "
        "prefix with the 1h ttl, then batch. monthly after each step?"
    )
    assert "stack_savings" in [c.tool for c in reply.calculations]
    assert usd("35280") in reply.text and usd("17640") in reply.text
    assert "$3,96" in reply.text and "$1,98" in reply.text
    assert "what the previous one left" in reply.text


def test_batch_on_one_model_or_real_time_on_another_prices_all_four_and_stacks_them():
    # Opus 5.5: 30,000 x (2,000 x $4 + 100 x $20) / 1e6 = $300 a day, $9,000 a month; batch
    # $4,500. Sonnet 5.5: 30,000 x (2,000 x $2 + 100 x $10) / 1e6 = $150 a day, $4,500 a month;
    # batch $2,250.
    reply = ask(
        "for the digest job (30k/day, ~2k in / 100 out): keep opus 5.5 but batch it, or move to "
        "sonnet 5.5 realtime? which is cheaper?"
    )
    assert [c.tool for c in reply.calculations] == ["batch_savings", "batch_savings"]
    for figure in ("9000", "4500", "2250"):
        assert usd(figure) in reply.text
    assert "not either-or" in reply.text
    assert "Claude Sonnet 5.5 on batch" in reply.text


# -- issue 13, second round: no dearer tier, hourly figures, the answer cache, changes alone ------
def test_a_workload_on_a_cheaper_tier_is_kept_there_and_the_hour_and_its_alert_are_stated():
    # Code review is an Opus-tier task, but it runs on Haiku 5.5 today: moving up costs more.
    # 10 a second = 864,000 a day; 2,000 x $0.10 + 200 x $0.50 per million = $0.0003 a call,
    # $259.20 a day, $10.80 an hour; the 3x hourly alert sits at $32.40.
    reply = ask(
        "code review bot pushes 10 req/s on haiku 5.5, 2k in / 200 out, someone waiting. cost "
        "per hour, and where should a 3x hourly alert sit?"
    )
    plan = next(c for c in reply.calculations if c.tool == "plan_architecture")
    assert plan.input["workloads"][0]["model"] == "claude-haiku-5-5"
    assert "costs more" not in reply.text
    assert "$10.80 an hour" in reply.text and "$32.40 an hour" in reply.text


def test_an_answer_cache_is_priced_on_its_own_as_the_repeats_it_keeps_off_the_api():
    # 700 x $0.10 + 150 x $0.50 per million = $0.000145 a call. 50,000 a day: $217.50 a month;
    # with 20% served from the cache, 40,000 calls: $174 a month, a saving of $43.50.
    reply = ask(
        "help-centre faq on haiku 5.5, 50k questions/day, a user waiting, about 20% are "
        "repeats. 600 sys + 100 user, ~150 out. what would an answer cache save a month?"
    )
    change = next(c for c in reply.calculations if c.tool == "workload_change")
    assert change.input["changes"] == {"requests": 40_000}
    assert "$217.50" in reply.text and "$174.00" in reply.text
    assert "saving of **$43.50 a month**" in reply.text
    assert "per user" in reply.text and "TTL" in reply.text


def test_a_what_if_that_grows_the_prompt_states_what_the_change_alone_costs_more():
    # Before 10,000 x (1,300 x $2 + 200 x $10) / 1e6 = $46 a day, $1,380 a month; after the
    # system prompt grows to 4,000: (4,300 x $2 + 2,000) -> $106 a day, $3,180 a month.
    reply = converse(
        "ticket summarizer, sonnet 5.5, realtime, 10k req/day, 1k sys / 300 user / 200 out. "
        "monthly?",
        "what if we add 3k tok of style rules to the system prompt (4k total)?",
    )
    change = next(c for c in reply.calculations if c.tool == "workload_change")
    assert change.input["changes"] == {"system_tokens": 4000}
    assert change.output["direction"] == "more"
    assert "costs $1,800.00 more a month" in reply.text
    assert "$1,380.00 to $3,180.00" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "contract summarizer: 12k docs a day on opus 5.5, ~4k tok in, 500 out. batch or real-time?",
        "5k req/day of tagging on haiku 5.5 with 800 tok prompts, 20 tok out. realtime or batch?",
    ],
)
def test_a_missing_deadline_is_asked_as_a_question_without_pricing(message):
    reply = ask(message)
    assert reply.asked_follow_up and reply.calculations == []
    asked = [line for line in reply.text.splitlines() if "how soon" in line]
    assert asked and asked[0].rstrip().endswith("?")


@pytest.mark.parametrize(
    "message",
    [
        "our 200k/day tagger on haiku 5.5 answers in ~10 tokens, nobody waits. batch saving /mo?",
        "a nightly report job: 3k reports a day, 400-token answers, results by morning. $/mo?",
    ],
)
def test_a_workload_without_a_prompt_size_is_not_priced_on_its_output_alone(message):
    reply = ask(message)
    assert reply.asked_follow_up and reply.calculations == []
    assert "how many tokens the user message" in reply.text
    assert "**Workload 1**" not in reply.text or "our" not in reply.text.split("**")[1]


def test_the_prompt_size_given_after_the_question_completes_the_plan():
    reply = converse(
        "our 200k/day tagger on haiku 5.5 answers in ~10 tokens, nobody waits. cost a month?",
        "about 600 tokens per request",
    )
    assert not reply.asked_follow_up
    (spec,) = reply.calculations[0].input["workloads"]
    assert spec["prompt"] == {"user": 600} and spec["output"] == 10


@pytest.mark.parametrize(
    "message",
    [
        "invoice extraction: 40k req/day, 2k tok fixed sys prompt + 500 tok invoice, ~60 tok out, "
        "sonnet 5.5 realtime now, fine by tomorrow. go to haiku 5.5, cache the prompt, then "
        "batch: monthly at each step?",
        "claims triage: 60k req/day, 4k-token shared system prompt, ~400 tok claim, ~100 tok "
        "out, on opus 5.5 realtime today. step through sonnet 5.5, then caching with the 1h ttl, "
        "then batch. $/mo after each?",
    ],
)
def test_a_stepwise_plan_with_a_model_switch_says_to_pass_a_test_set_first(message):
    reply = ask(message)
    assert "stack_savings" in [c.tool for c in reply.calculations]
    assert "passes your own test set" in reply.text
