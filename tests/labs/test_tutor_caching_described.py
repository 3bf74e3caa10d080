"""The caching strategist on two readings it was never tuned for: a changing value described (not
pasted) as going at the top of a prompt part, and pasted usage where every call writes, priced
against proper hits at the learner's volume."""

import pytest

from tests.labs.tutor_helpers import make_ask, make_converse, usd

ask = make_ask("caching-strategist")
converse = make_converse("caching-strategist")


@pytest.mark.parametrize(
    "follow_up",
    [
        "marketing asks us to start the system prompt with the customer's name. ok for caching?",
        "can we put the current date and time at the beginning of the system prompt? does that "
        "hurt the cache?",
        "we'd like the session id on the first line of the system prompt for tracing. problem?",
    ],
)
def test_a_changing_value_described_at_the_top_of_the_system_prompt_is_said_to_break_it(
    follow_up,
):
    reply = converse(
        "haiku 5.5 helpdesk, 50k requests a day: 4k tok of tool definitions, then a 3k tok "
        "system prompt, then the user's question. where do the breakpoints go?",
        follow_up,
    )
    assert "breaks the cache" in reply.text
    assert "user message" in reply.text
    assert "tool definitions before it still hit" in reply.text
    # Both layouts priced: 4,000 cached tokens at the top, all 7,000 once the value moves.
    prefixes = [c.input["prefix_tokens"] for c in reply.calculations]
    assert prefixes == [7000, 4000]


def test_a_changing_value_somewhere_else_is_not_read_as_at_the_top():
    reply = converse(
        "haiku 5.5 helpdesk, 50k requests a day: 4k tok of tool definitions, then a 3k tok "
        "system prompt, then the user's question. where do the breakpoints go?",
        "we also pass the customer's name in the user message. fine?",
    )
    assert "breaks the cache" not in reply.text


USAGE = '{"input_tokens": 50, "cache_creation_input_tokens": 8000, "cache_read_input_tokens": 0, "output_tokens": 300}'  # noqa: E501


@pytest.mark.parametrize(
    "message",
    [
        f"haiku 5.5, three calls in a row a few seconds apart:\n{USAGE}\n{USAGE}\n{USAGE}\n"
        "why no cache hits? what does this cost us at 10k calls a day compared with hitting?",
        f"call A {USAGE}\ncall B {USAGE}\nboth on haiku 5.5, same prompt, seconds apart. we do "
        "10,000 of these a day - how much are the misses costing?",
    ],
)
def test_calls_that_all_write_are_priced_as_hits_and_the_misses_per_day(message):
    reply = ask(message)
    # Haiku 5.5: write call 50 x 0.10 + 8,000 x 0.125 + 300 x 0.50 = 5 + 1,000 + 150 = $0.001155;
    # hit call 5 + 8,000 x 0.01 (read) + 150 = $0.000235. Difference $0.00092 x 10,000 =
    # $9.20 a day.
    assert "$0.000235 as a hit" in reply.text
    assert f"{usd('9.20')} more a day" in reply.text
