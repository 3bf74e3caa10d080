from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.errors import CalculatorError
from labs.calculator.history import (
    cached_turns,
    conversation_history,
    full_replay_tokens,
    window_tokens,
)


def test_full_replay_sends_the_system_prompt_and_every_turn_so_far():
    assert full_replay_tokens(3, 200, system=1000) == [1200, 1400, 1600]


def test_ten_turns_of_200_tokens_send_11000_tokens_55_times_one_turn():
    result = conversation_history(10, 200)
    assert result.per_turn[-1] == 2000
    assert result.cumulative_tokens == 11_000
    assert result.as_dict()["cumulative_vs_one_turn"] == 55


def test_a_window_keeps_the_last_k_turns_plus_a_summary():
    assert window_tokens(5, 200, 1000, window=3, summary=150) == [1200, 1400, 1600, 1750, 1750]


def test_the_window_saving_is_against_full_replay():
    result = conversation_history(10, 200, window=4, summary=100).as_dict()
    assert result["window_cumulative_tokens"] == sum(result["window_per_turn"])
    assert result["window_saving_tokens"] == 11_000 - result["window_cumulative_tokens"]
    assert result["window_saving_pct"] == Decimal(result["window_saving_tokens"]) * 100 / 11_000


def test_cached_full_replay_reads_the_previous_turn_and_writes_the_new_one(table):
    turns = cached_turns([1200, 1400, 1600], table.get("claude-opus-5-5"))
    assert [(t.input_tokens, t.cache_write_tokens, t.cache_read_tokens) for t in turns] == [
        (0, 1200, 0),
        (0, 200, 1200),
        (0, 200, 1400),
    ]


def test_a_prompt_below_the_minimum_is_never_written(table):
    turns = cached_turns([3000, 4000, 5000], table.get("claude-haiku-4-5"))  # minimum 4,096
    assert [(t.input_tokens, t.cache_write_tokens, t.cache_read_tokens) for t in turns] == [
        (3000, 0, 0),
        (4000, 0, 0),
        (0, 5000, 0),
    ]


def test_a_sliding_window_keeps_only_the_system_prompt_cached(table):
    prompts = window_tokens(4, 200, 1000, window=2, summary=100)
    turns = cached_turns(prompts, table.get("claude-opus-5-5"), slides_after=2, system=1000)
    assert (turns[3].input_tokens, turns[3].cache_read_tokens) == (500, 1000)


def test_history_with_a_model_prices_the_input_with_and_without_caching(table):
    result = conversation_history(
        10, 200, 1000, window=4, summary=150, model=table.get("claude-opus-5-5"), cache=True
    ).as_dict()
    assert result["full_usd"] == Decimal(21_000) * 4 / 1_000_000
    assert result["full_cached_usd"] < result["full_usd"]
    assert result["window_cached_usd"] < result["window_usd"] < result["full_usd"]
    assert len(result["full_cached_per_turn"]) == 10


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0, 200), {}, "turns must be at least 1"),
        ((3, -1), {}, "must not be negative"),
        ((3, 200), {"summary": 100}, "needs a window"),
        ((3, 200), {"window": 0}, "at least 1 turn"),
        ((3, 200), {"cache": True}, "needs a model"),
    ],
)
def test_history_refuses_bad_input(args, kwargs, message):
    with pytest.raises(CalculatorError, match=message):
        conversation_history(*args, **kwargs)


def test_per_request_replay_sends_earlier_answers_but_not_the_new_one():
    # 800 system + 5 earlier exchanges of 150 + 250 + the new 150-token message = 2,950.
    assert full_replay_tokens(6, 150, system=800, reply=250)[-1] == 2950


def test_per_request_replay_totals_and_prices_the_whole_conversation(table):
    result = conversation_history(
        6, 150, 800, reply=250, model=table.get("claude-sonnet-5-5")
    ).as_dict()
    # 6 x 950 + 400 x (0 + 1 + ... + 5) = 5,700 + 6,000 tokens, at $2 per million on Sonnet 5.5.
    assert result["cumulative_tokens"] == 11_700
    assert result["full_usd"] == Decimal("0.0234")
    assert result["reply_tokens"] == 250
    assert "its own answer is output" in result["assumptions"][0]


def test_a_per_request_window_counts_the_new_message_alone():
    # window of 2: the previous exchange (150 + 250) and the new message, plus a 60-token summary.
    assert window_tokens(4, 150, 800, window=2, summary=60, reply=250) == [
        950,
        1350,
        1410,
        1410,
    ]


def test_negative_reply_tokens_are_refused():
    with pytest.raises(CalculatorError, match="reply tokens"):
        conversation_history(3, 100, reply=-1)
