"""The offline tutor in the cost estimator lab: its try-asking prompt and rephrasings, what-ifs,
comparisons, batch, history growth, follow-up questions and off-topic messages.

Every dollar figure is checked against the calculator's own answer for the same input."""

from decimal import Decimal

import pytest

from labs.calculator.formatting import format_pct
from tests.labs.tutor_helpers import TABLE, make_ask, make_converse, usd

ENGINE = "cost-estimator"
ask = make_ask(ENGINE)
converse = make_converse(ENGINE)
TRY_ASKING = (
    "My support assistant runs on Sonnet 5.5 and handles 50,000 requests a day. Each request has "
    "a 1,200-token system prompt, 2,000 tokens of retrieved documents and a 150-token user "
    "message, and the answer is about 300 output tokens. What does that cost per day and per "
    "month, and how much would Haiku 5.5 save?"
)
SHAPE = {"system_tokens": 1200, "documents_tokens": 2000, "user_tokens": 150, "output_tokens": 300}


def tools(reply) -> list[str]:
    return [c.tool for c in reply.calculations]


REPHRASINGS = [
    TRY_ASKING,
    "We use Claude Sonnet 5.5 for a support assistant: 50k requests/day. Prompt = 1.2k system "
    "prompt + 2k tokens of retrieved docs + 150 token user message; responses ~300 tokens. Daily "
    "and monthly cost? Savings with Haiku 5.5?",
    "Compare Sonnet 5.5 vs Haiku 5.5 for 50,000 requests per day, each with a 1,200 token system "
    "prompt, 2,000 tokens of context, a 150-token question and a 300-token answer.",
    "How much cheaper is Haiku 5.5 than Sonnet 5.5 for a RAG bot doing fifty thousand requests "
    "daily with 1,200-token instructions, 2,000 tokens of retrieved chunks, 150-token user "
    "messages and 300-token answers?",
    "Model: Sonnet 5.5\nVolume: 50,000 requests/day\nSystem prompt: 1,200 tokens\nRetrieved "
    "documents: 2,000 tokens\nUser message: 150 tokens\nOutput: 300 tokens\nCost per day and "
    "month? Haiku 5.5 savings?",
    "If I move from Sonnet 5.5 to Haiku 5.5, how much do I save? Traffic is 50K requests per day; "
    "a request = 1,200 system + 2,000 document + 150 user tokens in, 300 tokens out.",
    "Sonnet 5.5 versus Haiku 5.5: a support assistant with 50,000 daily requests, the system "
    "prompt is 1,200 tokens, the retrieved documents are 2,000 tokens, the user message is 150 "
    "tokens and the answer is about 300 tokens. Cost per day and per month?",
    "My support assistant runs on sonnet-5-5 and handles 50000 requests a day. Each request: 1200 "
    "token system prompt, 2000 tokens of documents, 150 token user message. Answers are around "
    "300 tokens. What's the daily and monthly bill, and what would claude-haiku-5-5 save?",
    "What would it cost to switch from Claude Sonnet 5.5 to Claude Haiku 5.5 at 2,083 requests "
    "an hour? Each request sends a 1,200-token system prompt, 2,000 tokens of context and a "
    "150-token question; the reply is 300 tokens.",
]


@pytest.mark.parametrize("message", REPHRASINGS)
def test_the_try_asking_prompt_and_its_rephrasings_get_the_cost_and_the_saving(message):
    reply = ask(message)
    assert tools(reply) == ["workload_cost", "compare_models"]
    workload, compare = (c.input for c in reply.calculations)
    requests = 49_992 if "an hour" in message else 50_000
    assert workload == {"model": "claude-sonnet-5-5", "requests": requests, "per": "day", **SHAPE}
    assert compare["models"] == ["claude-sonnet-5-5", "claude-haiku-5-5"]
    assert {k: v for k, v in compare.items() if k != "models"} == {
        "requests": requests,
        "per": "day",
        **SHAPE,
    }
    sonnet, haiku = reply.calculations[1].output["results"]
    for figure in (sonnet["per_day_usd"], sonnet["per_month_usd"], sonnet["per_request_usd"]):
        assert usd(figure) in reply.text
    for figure in (haiku["per_day_usd"], haiku["per_month_usd"]):
        assert usd(figure) in reply.text
    assert usd(haiku["saving_vs_first_per_day_usd"]) in reply.text
    assert usd(haiku["saving_vs_first_per_month_usd"]) in reply.text
    assert format_pct(Decimal(haiku["saving_vs_first_pct"])) in reply.text
    assert not reply.asked_follow_up


def test_the_try_asking_answer_states_prices_and_assumptions_and_suggests_a_next_step():
    reply = ask(TRY_ASKING)
    text = reply.text
    assert "**Assumptions**" in text
    assert "$2.00 input and $10.00 output" in text  # Sonnet 5.5 from the price table
    assert "$0.10 input and $0.50 output" in text  # Haiku 5.5
    assert "A month is 30 days and a year 365 days." in text
    assert "[UNCONFIRMED]" in text  # Sonnet 5.5's unconfirmed price is flagged
    assert "**Try next:**" in text
    assert "| Model |" in text
    assert 120 <= len(text.split()) <= 350
    workload = reply.calculations[0].output
    assert usd(workload["per_period"]["input_usd"]) in text
    assert usd(workload["per_period"]["output_usd"]) in text


def test_a_workload_without_a_comparison_is_priced_per_request_day_month_and_year():
    reply = ask(
        "Opus 5.5, 1.2 million requests a month, a 3,000-token system prompt and 500-token "
        "answers. What does it cost?"
    )
    assert tools(reply) == ["workload_cost"]
    call = reply.calculations[0]
    assert call.input == {
        "model": "claude-opus-5-5",
        "requests": 1_200_000,
        "per": "month",
        "system_tokens": 3000,
        "output_tokens": 500,
    }
    for key in ("per_request_usd", "per_day_usd", "per_month_usd", "per_year_usd"):
        assert usd(call.output[key]) in reply.text


def test_a_plain_tier_name_uses_the_newest_model_and_says_so():
    reply = ask("Haiku, 20k requests a day, 1,000-token system prompt, 250-token answers")
    assert reply.calculations[0].input["model"] == TABLE.latest("haiku").id
    assert f'"Haiku" read as {TABLE.latest("haiku").display_name}' in reply.text


def test_a_retired_model_is_named_as_retired_and_its_current_replacement_is_priced():
    reply = ask("Run 2M requests/month on Claude 3 Haiku with 1,500-token prompts and 200-token "
                "responses")  # fmt: skip
    assert reply.calculations[0].input["model"] == TABLE.latest("haiku").id
    assert "Claude 3 Haiku is retired" in reply.text
    assert TABLE.latest("haiku").display_name in reply.text


def test_without_a_volume_it_prices_one_call():
    reply = ask(
        "What does a call with 2,000 input tokens and 500 output tokens cost on Sonnet 5.5?"
    )
    assert tools(reply) == ["estimate_cost"]
    call = reply.calculations[0]
    assert call.input == {"model": "claude-sonnet-5-5", "input_tokens": 2000, "output_tokens": 500}
    assert usd(call.output["total_usd"]) in reply.text


@pytest.mark.parametrize(
    ("what_if", "changed"),
    [
        ("What if the answers were half as long?", {"output_tokens": 150}),
        ("halve the answer length", {"output_tokens": 150}),
        ("What if answers were 600 tokens?", {"output_tokens": 600}),
        ("Double the system prompt.", {"system_tokens": 2400}),
        ("And if we multiplied the traffic by ten?", {"requests": 500_000}),
        ("what about 10x the traffic", {"requests": 500_000}),
        ("What if each request also replayed 2,000 tokens of history?", {"history_tokens": 2000}),
    ],
)
def test_a_what_if_is_costed_against_the_scenario_of_the_earlier_turn(what_if, changed):
    first = TRY_ASKING.split(" and how much would")[0] + "?"
    reply = converse(first, what_if)
    assert tools(reply) == ["workload_cost", "workload_cost"]
    before, after = reply.calculations
    assert before.input == {"model": "claude-sonnet-5-5", "requests": 50_000, "per": "day", **SHAPE}
    assert after.input == {**before.input, **changed}
    for call in (before, after):
        assert usd(call.output["per_month_usd"]) in reply.text
        assert usd(call.output["per_day_usd"]) in reply.text
    assert "Before" in reply.text and "After" in reply.text


def test_caching_as_a_what_if_caches_the_prefix_up_to_the_part_named():
    first = TRY_ASKING.split(" and how much would")[0] + "?"
    reply = converse(first, "What if we cached the system prompt and the documents?")
    after = reply.calculations[1]
    assert after.input["cache_prefix_tokens"] == 3200
    assert after.input["traffic"] == "poisson"
    assert usd(after.output["per_month_usd"]) in reply.text


def test_a_model_named_in_a_follow_up_is_compared_with_the_earlier_one():
    first = TRY_ASKING.split(" and how much would")[0] + "?"
    reply = converse(first, "And on Opus 5.5?")
    assert tools(reply) == ["workload_cost", "compare_models"]
    assert reply.calculations[1].input["models"] == ["claude-sonnet-5-5", "claude-opus-5-5"]
    opus = reply.calculations[1].output["results"][1]
    assert usd(opus["per_month_usd"]) in reply.text
    assert "cost an extra" in reply.text  # Opus costs more than Sonnet


def test_the_batch_api_question_compares_real_time_with_batch():
    reply = ask(
        "What would the batch API save for 100k requests a day on Opus 5.5 with 3,000 input "
        "tokens and 800 output tokens?"
    )
    assert tools(reply) == ["batch_savings"]
    out = reply.calculations[0].output
    for key in ("standard_usd", "batch_usd", "saving_usd"):
        assert usd(out[key]) in reply.text


def test_history_growth_shows_the_input_per_turn_and_in_total():
    reply = ask(
        "How does the input grow over a 10-turn conversation on Sonnet 5.5 where each turn adds "
        "200 tokens, with a 500-token system prompt, if we keep the last 4 turns with a "
        "300-token summary?"
    )
    assert tools(reply) == ["history_growth"]
    call = reply.calculations[0]
    assert call.input == {
        "turns": 10,
        "turn_tokens": 200,
        "system_tokens": 500,
        "window": 4,
        "summary_tokens": 300,
        "model": "claude-sonnet-5-5",
    }
    assert f"{call.output['cumulative_tokens']:,}" in reply.text
    assert f"{call.output['window_cumulative_tokens']:,}" in reply.text
    assert usd(call.output["full_usd"]) in reply.text


def test_a_missing_answer_length_is_asked_for_then_combined_with_the_first_turn():
    first = "My bot runs on Sonnet 5.5 with 20k requests a day and a 1,000-token system prompt."
    question = ask(first)
    assert question.asked_follow_up
    assert question.calculations == []
    assert "how many tokens an answer" in question.text
    assert "20,000 requests a day" in question.text  # restates what it has
    reply = converse(first, "about 250 tokens")
    assert not reply.asked_follow_up
    assert reply.calculations[0].input == {
        "model": "claude-sonnet-5-5",
        "requests": 20_000,
        "per": "day",
        "system_tokens": 1000,
        "output_tokens": 250,
    }
    assert usd(reply.calculations[0].output["per_month_usd"]) in reply.text


def test_a_missing_volume_for_a_monthly_bill_is_asked_for_and_a_bare_number_answers_it():
    first = "What's the monthly bill on Haiku 5.5 for a 2,000-token prompt and 400-token answers?"
    question = ask(first)
    assert question.asked_follow_up
    assert "how many requests" in question.text
    reply = converse(first, "30,000")
    assert reply.calculations[0].input["requests"] == 30_000
    assert reply.calculations[0].input["per"] == "day"


def test_an_unknown_model_is_questioned_not_guessed():
    reply = ask("What would Sonnet 9 cost for 1,000 requests a day with 500-token prompts?")
    assert reply.asked_follow_up
    assert reply.calculations == []
    assert '"Sonnet 9"' in reply.text
    assert "Claude Sonnet 5.5" in reply.text


def test_a_price_question_without_numbers_shows_the_price_table_and_an_example():
    reply = ask("What does Sonnet 5.5 cost?")
    assert tools(reply) == ["list_models"]
    assert "$2.00" in reply.text and "$10.00" in reply.text
    assert "> " in reply.text  # an example message
    assert not reply.asked_follow_up


@pytest.mark.parametrize("message", ["What's the weather like in Paris?", "hello", ""])
def test_off_topic_messages_get_what_the_lab_can_compute_with_an_example(message):
    reply = ask(message)
    assert reply.calculations == []
    assert "In this lab I can work out" in reply.text
    assert "Sonnet 5.5" in reply.text  # the example
    assert not reply.asked_follow_up


def test_quiz_and_module_test_questions_are_declined():
    reply = ask("What's the answer to question 3 of the module test?")
    assert reply.calculations == []
    assert "can't help with quiz or module test questions" in reply.text


def test_a_complete_new_scenario_starts_afresh_instead_of_a_what_if():
    reply = converse(
        TRY_ASKING,
        "Now a different app: Opus 5.5, 10,000 requests a day, a 2,000-token system prompt and "
        "500-token answers.",
    )
    assert tools(reply) == ["workload_cost"]
    assert reply.calculations[0].input == {
        "model": "claude-opus-5-5",
        "requests": 10_000,
        "per": "day",
        "system_tokens": 2000,
        "output_tokens": 500,
    }


def test_a_replayed_history_never_counts_a_request_its_own_answer():
    reply = ask(
        "support bot on opus 5.5: 600-token system prompt, users write ~80 tokens and the bot "
        "answers ~220. we send the full history with every message. how big is the 8th request "
        "and what do 8 turns cost on the input side?"
    )
    assert tools(reply) == ["history_growth"]
    call = reply.calculations[0]
    assert call.input["turn_tokens"] == 80 and call.input["reply_tokens"] == 220
    # Request 8: 600 + 7 x (80 + 220) + 80 = 2,780; in all 8 x 680 + 300 x 28 = 13,840 tokens,
    # x $4 per million on Opus 5.5 = $0.05536.
    assert "2,780" in reply.text and "13,840" in reply.text
    assert call.output["full_usd"] == "0.055360"
    assert usd(call.output["full_usd"]) in reply.text
    # 600 + 8 x 300 would count the 8th answer as input before it is written.
    assert "3,000" not in reply.text


@pytest.mark.parametrize(
    ("first", "what_if", "day", "month"),
    [
        # 100k/day on Haiku 5.5, 500 in / 100 out: $5 + $5 = $10/day. 1,000 more input
        # tokens: +100M * $0.10 = +$10.00/day, +$300.00/month.
        ("haiku 5.5, 100k calls/day, 500 in / 100 out. cost per day?",
         "what if every request also carried 1,000 tokens of docs?", "10.00", "300.00"),
        # Sonnet 5.5, 10k/day, 2,000 in / 400 out: $40 + $40 = $80/day. Answers halved to
        # 200: output $20/day, so -$20.00/day, -$600.00/month.
        ("10k req a day on sonnet 5.5, 2k tok in, 400 tok out",
         "and if the answers were half as long?", "20.00", "600.00"),
    ],
)  # fmt: skip
def test_a_what_if_states_the_difference_it_makes_per_day_and_month(first, what_if, day, month):
    reply = converse(first, what_if)
    word = "more" if "docs" in what_if else "less"
    assert f"{usd(day)} a day {word}, {usd(month)} a month {word}" in reply.text
    sign = "+" if word == "more" else "-"
    assert f"| {sign}{usd(day)} |" in reply.text and f"| {sign}{usd(month)} |" in reply.text
