"""Concept questions to the caching strategist, in phrasings of our own: each is answered from
the concept base with the fact that decides it and a link to its prompt-caching section."""

import pytest

from tests.labs.tutor_helpers import make_ask

ask = make_ask("caching-strategist")
LESSON = "/modules/cost-optimization/lessons/prompt-caching/"


@pytest.mark.parametrize(
    "question",
    [
        "if i just set type ephemeral, how long does the cache live?",
        "is an ephemeral cache entry one hour or less?",
    ],
)
def test_ephemeral_alone_is_answered_as_five_minutes(question):
    reply = ask(question)
    assert "5-minute" in reply.text and '"1h"' in reply.text
    assert LESSON in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "we add cache_read_input_tokens to input_tokens minus the reads and get nonsense, why?",
        "is cache_read_input_tokens part of input_tokens or separate?",
    ],
)
def test_input_tokens_is_answered_as_excluding_cached_tokens(question):
    reply = ask(question)
    assert "excludes cached tokens" in reply.text
    assert LESSON in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "our support chat gets longer every message. how do i keep the history cached?",
        "which turn should carry cache_control when the conversation keeps growing?",
        "caching a multi-turn chat: where do i put the breakpoint each time?",
    ],
)
def test_a_growing_chat_is_answered_with_the_breakpoint_on_the_latest_turn(question):
    reply = ask(question)
    assert "last message" in reply.text and "20 blocks" in reply.text
    assert LESSON in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "after how many reads does a 1h cache write pay for itself?",
        "how many hits until the one-hour cache is cheaper than no cache?",
    ],
)
def test_the_one_hour_break_even_is_answered_as_two_hits(question):
    reply = ask(question)
    assert "two hits" in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "a colleague says ephemeral caching lasts an hour, and cache reads cost a tenth of input "
        "on every model. are these true?",
        "true or false: the ephemeral cache lives one hour; a cache hit is 90% off on all models",
    ],
)
def test_two_claims_checked_at_once_are_each_answered(question):
    reply = ask(question)
    assert "5-minute" in reply.text
    assert "per model" in reply.text
