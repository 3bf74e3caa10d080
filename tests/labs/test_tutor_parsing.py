"""The offline tutor's reader: numbers, periods, prompt parts, models, comparisons, what-ifs,
pasted prompts and the facts of a conversation. No database needed."""

from decimal import Decimal

import pytest

from labs.calculator.pricing import load_price_table
from labs.tutor.common import QUESTIONS
from labs.tutor.reading import (
    FOLLOW_UP_PHRASES,
    conversation_facts,
    expected_fields,
    extract_facts,
    extract_prompt,
    find_models,
    order_models,
    parse_number,
    parse_period,
    part_of,
    to_volume,
)
from labs.tutor.types import Turn

TABLE = load_price_table()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200,000", "200000"),
        ("200k", "200000"),
        ("200K", "200000"),
        ("1.2 million", "1200000"),
        ("2M", "2000000"),
        ("2m", "2000000"),
        ("1,500-token", "1500"),
        ("1.5K tokens", "1500"),
        ("1.5k", "1500"),
        ("50 thousand", "50000"),
        ("fifty thousand", "50000"),
        ("two hundred thousand", "200000"),
        ("half a million", "500000"),
        ("a million", "1000000"),
        ("a few hundred", "300"),
        ("3 billion", "3000000000"),
        ("1,234,567", "1234567"),
        ("0.5", "0.5"),
        ("twenty", "20"),
        ("300 tokens", "300"),
    ],
)
def test_numbers_are_read_as_people_write_them(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "lots", "$500", "a"])
def test_text_that_is_not_a_number_reads_as_none(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("per day", "day"),
        ("a day", "day"),
        ("each day", "day"),
        ("every day", "day"),
        ("/day", "day"),
        ("/ day", "day"),
        ("daily", "day"),
        ("nightly", "day"),
        ("every night", "day"),
        ("per business day", "day"),
        ("a month", "month"),
        ("per month", "month"),
        ("/month", "month"),
        ("/mo", "month"),
        ("monthly", "month"),
        ("per hour", "hour"),
        ("an hour", "hour"),
        ("hourly", "hour"),
        ("per week", "week"),
        ("weekly", "week"),
        ("a year", "year"),
        ("annually", "year"),
        ("per minute", "minute"),
        ("per second", "second"),
    ],
)
def test_periods_are_read_in_any_usual_phrasing(text, unit):
    assert parse_period(text) == unit


@pytest.mark.parametrize("text", ["tokens", "per request", "a user", "each call"])
def test_phrases_that_are_not_periods_read_as_none(text):
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("value", "unit", "requests", "per"),
    [
        ("50000", "day", 50_000, "day"),
        ("1200000", "month", 1_200_000, "month"),
        ("500", "hour", 12_000, "day"),
        ("10", "minute", 14_400, "day"),
        ("1", "second", 86_400, "day"),
        ("70000", "week", 10_000, "day"),
        ("3650000", "year", 10_000, "day"),
        ("10000", "week", 1_429, "day"),
    ],
)
def test_other_periods_convert_to_requests_a_day(value, unit, requests, per):
    volume = to_volume(Decimal(value), unit)
    assert (volume.requests, volume.per) == (requests, per)
    assert (volume.note is None) == (unit in ("day", "month"))


@pytest.mark.parametrize(
    ("message", "requests", "per"),
    [
        ("50,000 requests a day", 50_000, "day"),
        ("50,000 requests per day", 50_000, "day"),
        ("50k requests/day", 50_000, "day"),
        ("200k/day", 200_000, "day"),
        ("it handles 40,000 requests daily", 40_000, "day"),
        ("a nightly job of 200,000 feedback entries nightly", 200_000, "day"),
        ("1.2 million requests a month", 1_200_000, "month"),
        ("2M calls/month", 2_000_000, "month"),
        ("half a million requests per month", 500_000, "month"),
        ("fifty thousand requests every day", 50_000, "day"),
        ("500 requests an hour", 12_000, "day"),
        ("10,000 requests a week", 1_429, "day"),
        ("a few hundred requests a day", 300, "day"),
        ("a request every 10 minutes", 144, "day"),
        ("1,000 users, each sends 20 messages a day", 20_000, "day"),
        ("Volume: 50,000 requests/day", 50_000, "day"),
        ("runs at 20,000 requests a day on Sonnet 5.5", 20_000, "day"),
    ],
)
def test_request_volumes_are_read_with_their_period(message, requests, per):
    facts = extract_facts(message, TABLE)
    assert (facts.requests, facts.per) == (requests, per)


def test_a_volume_without_a_period_is_read_as_a_day_and_flagged():
    facts = extract_facts("We get 5,000 requests.", TABLE)
    assert (facts.requests, facts.per, facts.volume_assumed_per) == (5_000, "day", True)


def test_a_price_in_dollars_is_not_a_volume():
    facts = extract_facts("Our budget is $500 a month.", TABLE)
    assert facts.requests is None


@pytest.mark.parametrize(
    ("phrase", "part"),
    [
        ("system prompt", "system"),
        ("system message", "system"),
        ("instructions", "system"),
        ("user message", "user"),
        ("the user's question", "user"),
        ("history", "history"),
        ("conversation history", "history"),
        ("documents", "documents"),
        ("retrieved chunks", "documents"),
        ("context", "documents"),
        ("few-shot examples", "examples"),
        ("examples", "examples"),
        ("tool definitions", "tools"),
        ("tools", "tools"),
        ("response", "output"),
        ("output", "output"),
        ("answer", "output"),
        ("replies", "output"),
    ],
)
def test_parts_of_a_prompt_are_named_in_many_ways(phrase, part):
    assert part_of(phrase) == part


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("a 1,200-token system prompt", {"system": 1200}),
        ("2,000 tokens of retrieved documents", {"documents": 2000}),
        ("a 150-token user message", {"user": 150}),
        ("the answer is about 300 output tokens", {"output": 300}),
        ("1.5K tokens of few-shot examples", {"examples": 1500}),
        ("2,500 tokens of tool definitions", {"tools": 2500}),
        ("history of 2k tokens", {"history": 2000}),
        ("System prompt: 1,200 tokens", {"system": 1200}),
        ("system prompt: 1200, output: 300", {"system": 1200, "output": 300}),
        ("answers around 250 tokens", {"output": 250}),
        ("1.2k system prompt + 2k tokens of docs", {"system": 1200, "documents": 2000}),
        ("1,200 system + 150 user tokens in, 300 tokens out", {"system": 1200, "user": 150}),
        ("each request is about 3,500 tokens in and 300 out", {"input": 3500, "output": 300}),
        ("2,000 input tokens and 500 output tokens", {"input": 2000, "output": 500}),
        (
            "The system prompt is 800 tokens and the documents are 4k tokens",
            {"system": 800, "documents": 4000},
        ),
        ("400-token feedback entries and 20-token answers", {"user": 400, "output": 20}),
        ("Output: 300 tokens\nUser message: 150 tokens", {"output": 300, "user": 150}),
    ],
)
def test_token_counts_land_in_the_right_part(message, parts):
    facts = extract_facts(message, TABLE)
    for part, tokens in parts.items():
        assert facts.parts.get(part) == tokens, (part, facts.parts)


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("Sonnet 5.5", "claude-sonnet-5-5"),
        ("sonnet-5-5", "claude-sonnet-5-5"),
        ("claude-sonnet-5-5", "claude-sonnet-5-5"),
        ("Claude Sonnet 5.5", "claude-sonnet-5-5"),
        ("Sonnet 4.6", "claude-sonnet-4-6"),
        ("Claude 3 Haiku", "claude-3-haiku-20240307"),
        ("haiku-4-5", "claude-haiku-4-5-20251001"),
        ("Claude Haiku 4.5", "claude-haiku-4-5-20251001"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"),
        ("Claude 3.5 Sonnet", "claude-3-5-sonnet-20241022"),
        ("Sonnet 3.7", "claude-3-7-sonnet-20250219"),
        ("Opus 4.1", "claude-opus-4-1-20250805"),
        ("Opus 5.5", "claude-opus-5-5"),
        ("Fable 5.1", "claude-fable-5-1"),
        ("Haiku 5.5", "claude-haiku-5-5"),
    ],
)
def test_model_names_and_aliases_resolve_through_the_price_table(name, model_id):
    mentions = find_models(f"We run it on {name} today.", TABLE)
    assert [m.model.id for m in mentions if m.model] == [model_id]
    assert mentions[0].tier is None


@pytest.mark.parametrize("tier", ["Haiku", "Sonnet", "Opus", "Fable", "haiku", "Claude Sonnet"])
def test_a_plain_tier_name_is_the_newest_current_model_and_says_so(tier):
    (mention,) = find_models(f"What would {tier} cost?", TABLE)
    key = tier.lower().removeprefix("claude ")
    assert mention.model == TABLE.latest(key)
    assert mention.note and mention.model.display_name in mention.note


def test_a_version_the_table_does_not_know_is_reported_not_guessed():
    (mention,) = find_models("How about Sonnet 9?", TABLE)
    assert mention.model is None


def test_a_model_name_does_not_swallow_the_number_after_it():
    facts = extract_facts("Haiku 50,000 requests/day", TABLE)
    assert facts.models[0].model == TABLE.latest("haiku")
    assert facts.requests == 50_000


@pytest.mark.parametrize(
    ("message", "order"),
    [
        ("Sonnet 5.5 versus Haiku 5.5", ["claude-sonnet-5-5", "claude-haiku-5-5"]),
        ("Sonnet 5.5 vs Haiku 5.5", ["claude-sonnet-5-5", "claude-haiku-5-5"]),
        ("compare Opus 5.5 and Sonnet 5.5", ["claude-opus-5-5", "claude-sonnet-5-5"]),
        ("switch from Sonnet 4.6 to Haiku 5.5", ["claude-sonnet-4-6", "claude-haiku-5-5"]),
        ("move from Opus 4.8 to Sonnet 5.5", ["claude-opus-4-8", "claude-sonnet-5-5"]),
        ("How much cheaper is Haiku 5.5 than Opus 5.5?", ["claude-opus-5-5", "claude-haiku-5-5"]),
        ("What would Opus 5.5 cost compared with Sonnet 5.5?",
         ["claude-sonnet-5-5", "claude-opus-5-5"]),
        ("It runs on Sonnet 5.5; how much would Haiku 5.5 save?",
         ["claude-sonnet-5-5", "claude-haiku-5-5"]),
        ("Would Haiku 5.5 save money? We are running on Opus 5.5.",
         ["claude-opus-5-5", "claude-haiku-5-5"]),
        ("Use Haiku 5.5 instead of Sonnet 5.5", ["claude-sonnet-5-5", "claude-haiku-5-5"]),
    ],
)  # fmt: skip
def test_comparisons_put_the_model_in_use_first(message, order):
    ordered = order_models(find_models(message, TABLE))
    assert [m.model.id for m in ordered] == order


@pytest.mark.parametrize(
    ("message", "target", "factor"),
    [
        ("what if the answers were half as long?", "output", "0.5"),
        ("halve the answer length", "output", "0.5"),
        ("double the system prompt", "system", "2"),
        ("what if the system prompt doubled", "system", "2"),
        ("multiply the traffic by ten", "requests", "10"),
        ("10x the traffic", "requests", "10"),
        ("what if responses were 50% shorter", "output", "0.5"),
        ("triple the documents", "documents", "3"),
        ("what if traffic grew 20% more", "requests", "1.2"),
    ],
)
def test_what_if_changes_name_a_target_and_a_factor(message, target, factor):
    facts = extract_facts(message, TABLE)
    assert [(m.target, m.factor) for m in facts.modifiers] == [(target, Decimal(factor))]


def test_a_number_word_is_not_a_what_if():
    assert extract_facts("half a million requests per month", TABLE).modifiers == []


@pytest.mark.parametrize(
    ("message", "prompt"),
    [
        ('Audit this: "You are a helpful assistant. Be thorough." on Sonnet 5.5',
         "You are a helpful assistant. Be thorough."),
        ("Trim this ```\nYou are a bot.\nAnswer briefly.\n``` please",
         "You are a bot.\nAnswer briefly."),
        ("prompt: You are a bot. Answer the question. It runs 5,000 times a day.",
         "You are a bot. Answer the question."),
        ("Check \u201cYou are a bot. Answer the customer's question.\u201d at 10k a day",
         "You are a bot. Answer the customer's question."),
        ("Check 'You are a bot that answers the customer's question in detail.' please",
         "You are a bot that answers the customer's question in detail."),
    ],
)  # fmt: skip
def test_a_pasted_prompt_is_taken_from_quotes_a_fence_or_after_prompt(message, prompt):
    found, rest = extract_prompt(message)
    assert found == prompt
    assert prompt.splitlines()[0] not in rest


def test_without_a_marked_prompt_there_is_none():
    assert extract_prompt("Please audit my prompt")[0] is None


def test_numbers_inside_a_pasted_prompt_are_not_read_as_facts():
    conv = conversation_facts(
        'Audit: "Answer in 3 sentences for 10,000 users a day." on Haiku 5.5',
        [],
        TABLE,
        read_prompt=True,
    )
    assert conv.new.requests is None
    assert conv.new.prompt_text == "Answer in 3 sentences for 10,000 users a day."


def test_every_follow_up_question_carries_the_phrase_that_identifies_it():
    for field, question in QUESTIONS.items():
        assert expected_fields(question) == [field]
        assert FOLLOW_UP_PHRASES[field] in question


def test_a_bare_number_answers_the_question_asked_before_it():
    history = [
        Turn("user", "Sonnet 5.5 with a 1,000-token system prompt and 200-token answers"),
        Turn("assistant", f"Could you tell me {QUESTIONS['requests']}?"),
    ]
    conv = conversation_facts("about 20k", history, TABLE)
    assert (conv.merged.requests, conv.merged.per) == (20_000, "day")
    assert conv.merged.parts == {"system": 1000, "output": 200}


def test_the_newest_message_wins_when_turns_disagree():
    history = [Turn("user", "40,000 requests a day with a 3,000-token system prompt")]
    conv = conversation_facts("make that 10,000 requests a day", history, TABLE)
    assert conv.merged.requests == 10_000
    assert conv.merged.parts["system"] == 3000


@pytest.mark.parametrize(
    ("message", "ttls", "requests"),
    [
        ("should I use the 5-minute or the 1-hour TTL?", ["5m", "1h"], None),
        ("use the 5m cache", ["5m"], None),
        ("is the 1h TTL worth it", ["1h"], None),
        ("a one-hour cache lifetime", ["1h"], None),
        ("5m requests a day with the 1h TTL", ["1h"], 5_000_000),
        ("2M requests a month", [], 2_000_000),
    ],
)
def test_cache_lifetimes_are_told_apart_from_millions(message, ttls, requests):
    facts = extract_facts(message, TABLE)
    assert facts.ttls == ttls
    assert facts.requests == requests


@pytest.mark.parametrize(
    ("n", "article"),
    [(800, "an"), (8, "an"), (11, "an"), (18, "an"), (8000, "an"), (11000, "an"), (80, "an"),
     (1200, "a"), (150, "a"), (100000, "a"), (1, "a"), (3000, "a")],
)  # fmt: skip
def test_token_counts_get_the_article_they_are_read_with(n, article):
    from labs.tutor.writing import a_or_an

    assert a_or_an(n) == article


@pytest.mark.parametrize(
    "message",
    [
        "we got a 529 on one call, are we billed?",
        "every 500 from the api: do those cost us anything",
        "429 errors twice a minute, does the retry pay twice?",
    ],
)
def test_an_http_status_code_is_not_read_as_a_volume(message):
    facts = extract_facts(message, TABLE)
    assert facts.requests is None
    assert [n.kind for n in facts.numbers if n.raw.strip() in {"529", "500", "429"}] == ["status"]
