"""The offline tutor in the caching strategist lab: breakpoints, eligibility, TTL choice, savings,
break-even, follow-up questions and off-topic messages, checked against the calculator."""

from decimal import Decimal

import pytest

from tests.labs.tutor_helpers import make_ask, make_converse, usd

ENGINE = "caching-strategist"
ask = make_ask(ENGINE)
converse = make_converse(ENGINE)
TRY_ASKING = (
    "My support bot runs on Sonnet 5.5 with 40,000 requests a day. Each request has 2,500 tokens "
    "of tool definitions, a 3,000-token system prompt and a 150-token user message, and the "
    "answer is about 300 output tokens. Where should the cache breakpoints go, should I use the "
    "5-minute or the 1-hour TTL, and how much would caching save per day?"
)


REPHRASINGS = [
    TRY_ASKING,
    "Where do I put cache_control breakpoints? Sonnet 5.5, 40k requests/day, tools 2.5k tokens, "
    "system prompt 3k tokens, user message 150 tokens, output 300 tokens. 5m or 1h TTL? Daily "
    "savings?",
    "We send 40,000 requests per day to Sonnet 5.5. The prompt is 2,500 tokens of tools, then a "
    "3,000 token system prompt, then a 150-token user turn; responses average 300 tokens. How "
    "should I cache it and what does it save a day?",
    "Should I use the 1-hour cache for a Sonnet 5.5 bot with 40,000 daily requests? It sends "
    "2,500 tokens of tool schemas and a 3,000-token system prompt before a 150-token question, "
    "and answers in about 300 tokens.",
    "Help me plan prompt caching. Model: Sonnet 5.5. Requests: 40,000 per day. Tools: 2,500 "
    "tokens. System: 3,000 tokens. User: 150 tokens. Output: 300 tokens.",
    "Claude Sonnet 5.5 support bot, forty thousand requests every day: 2,500-token tool "
    "definitions, 3,000-token system prompt, 150-token user message, answers around 300 tokens. "
    "Which TTL, where are the breakpoints, and what is the daily saving?",
    "Caching question: sonnet-5-5 at 40000 requests a day; each call = 2500 tokens of tools + "
    "3000-token system prompt + 150-token user message, 300 output tokens. Best TTL and savings?",
    "Our bot (Sonnet 5.5) handles 1.2 million requests a month with 2,500 tokens of tool "
    "definitions, a 3,000-token system prompt and a 150-token user message; output is 300 "
    "tokens. Where should the breakpoints go and which TTL is cheaper?",
]


@pytest.mark.parametrize("message", REPHRASINGS)
def test_the_try_asking_prompt_and_its_rephrasings_get_breakpoints_ttl_and_saving(message):
    reply = ask(message)
    tool_names = [c.tool for c in reply.calculations]
    assert tool_names == ["caching_plan", "caching_plan", "workload_cost", "workload_cost"]
    five, hour, plain, cached = reply.calculations
    per = "month" if "month" in message else "day"
    requests = 1_200_000 if per == "month" else 40_000
    expected = {"model": "claude-sonnet-5-5", "prefix_tokens": 5500, "requests": requests}
    assert five.input == {**expected, "per": per, "ttl": "5m", "traffic": "poisson"}
    assert hour.input == {**expected, "per": per, "ttl": "1h", "traffic": "poisson"}
    assert plain.input == {
        "model": "claude-sonnet-5-5",
        "requests": requests,
        "per": per,
        "tools_tokens": 2500,
        "system_tokens": 3000,
        "user_tokens": 150,
        "output_tokens": 300,
    }
    assert cached.input == {**plain.input, "cache_prefix_tokens": 5500, "ttl": "5m",
                            "traffic": "poisson"}  # fmt: skip
    text = reply.text
    # Breakpoints after the tools and after the system prompt; the user message after them.
    assert "After the tool definitions: caches the first 2,500 tokens" in text
    assert "After the system prompt: caches the first 5,500 tokens" in text
    assert "user message changes on every request" in text
    # The busy workload keeps the cheaper 5-minute write.
    assert "**5-minute TTL**" in text
    for plan in (five.output, hour.output):
        assert usd(plan["saving_usd"]) in text
        assert usd(plan["with_cache_usd"]) in text
        assert str(plan["break_even_hits"]) in text
    assert usd(plain.output["per_day_usd"]) in text
    assert usd(cached.output["per_day_usd"]) in text
    assert not reply.asked_follow_up


def test_the_try_asking_answer_states_prices_traffic_and_assumptions():
    reply = ask(TRY_ASKING)
    text = reply.text
    assert "$2.00 input, $2.50 5-minute write, $4.00 1-hour write, $0.10 cache read" in text
    assert "Poisson" in text
    assert "A month is 30 days" in text
    assert "caches a prefix only from 512 tokens up" in text
    assert "[UNCONFIRMED]" in text
    assert "**Try next:**" in text


def test_sparse_traffic_picks_the_one_hour_ttl_from_the_expected_hit_rates():
    reply = ask(
        "Opus 5.5 with a few hundred requests a day and a 6,000-token system prompt: 5-minute or "
        "1-hour TTL?"
    )
    five, hour = (c.output for c in reply.calculations)
    assert five["requests"] == 300
    assert Decimal(hour["saving_usd"]) > Decimal(five["saving_usd"])
    assert "**1-hour TTL**" in reply.text
    assert usd(hour["saving_usd"]) in reply.text


def test_steady_traffic_uses_the_steady_model_when_the_learner_says_so():
    reply = ask("Sonnet 5.5, 5,000 requests a day at a steady rate, 4,000-token system prompt")
    assert {c.input["traffic"] for c in reply.calculations} == {"steady"}


def test_a_prefix_below_the_minimum_is_not_cacheable_and_says_why():
    reply = ask("Haiku 4.5, 10,000 requests a day, a 1,000-token system prompt. Should I cache?")
    assert [c.tool for c in reply.calculations] == ["caching_plan"]
    out = reply.calculations[0].output
    assert out["eligible"] is False
    assert "**Not cacheable.**" in reply.text
    assert "4,096" in reply.text


def test_an_eligibility_question_without_traffic_reads_the_minimum_from_the_price_table():
    reply = ask("Is a 300-token system prompt cacheable on Haiku 4.5?")
    assert [c.tool for c in reply.calculations] == ["list_models"]
    assert reply.text.startswith("**No**")
    assert "4,096" in reply.text


def test_a_model_with_an_unknown_minimum_is_flagged():
    reply = ask("Haiku 5.5, 20,000 requests a day, a 2,000-token system prompt")
    assert "not known [UNCONFIRMED]" in reply.text


def test_the_follow_up_question_asks_for_traffic_then_uses_the_earlier_prompt_sizes():
    first = "Sonnet 5.5 bot with 2,000 tokens of tools and a 4,000-token system prompt."
    question = ask(first)
    assert question.asked_follow_up
    assert "how many requests" in question.text
    reply = converse(first, "about 500 an hour")
    assert not reply.asked_follow_up
    assert reply.calculations[0].input == {
        "model": "claude-sonnet-5-5",
        "prefix_tokens": 6000,
        "requests": 12_000,
        "per": "day",
        "ttl": "5m",
        "traffic": "poisson",
    }
    assert "12,000 a day" in reply.text  # the conversion is stated


def test_a_new_volume_in_a_follow_up_recomputes_the_earlier_plan():
    reply = converse(TRY_ASKING, "What if we only had 200 requests a day?")
    five, hour = reply.calculations[:2]
    assert five.input["requests"] == hour.input["requests"] == 200
    assert five.input["prefix_tokens"] == 5500


def test_usage_fields_are_explained_for_the_earlier_plan():
    reply = converse(TRY_ASKING, "Which usage fields would prove the plan works?")
    assert "cache_creation_input_tokens" in reply.text
    assert "cache_read_input_tokens" in reply.text
    assert "5,500" in reply.text


def test_an_idea_question_without_numbers_is_answered_from_the_concept_base():
    # Was a generic list of what the lab computes (issue 13, class 3): an idea gets an answer.
    reply = ask("How does caching work?")
    assert reply.kind == "concept"
    assert "/modules/cost-optimization/lessons/prompt-caching/" in reply.text


@pytest.mark.parametrize("message", ["What is the capital of Peru?"])
def test_questions_without_numbers_get_what_the_lab_can_compute_with_an_example(message):
    reply = ask(message)
    assert reply.calculations == []
    assert "In this lab I can work out" in reply.text
    assert "> " in reply.text
