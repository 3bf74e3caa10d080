"""Pasted usage in the architecture advisor and the prompt auditor goes through the same pricing
as the other labs: stream events keep the last cumulative value, `service_tier: "batch"` is
priced at batch prices, and the auditor says which side of the call the money goes to.

Figures worked by hand from content/pricing.yaml: Opus 5.5 $4 in / $20 out; Sonnet 5.5 $2 / $10
/ $0.10 cache read; Haiku 5.5 $0.10 / $0.50 below 100,000 prompt tokens; batch halves them."""

from decimal import Decimal

from tests.labs.tutor_helpers import make_ask

ask_advisor = make_ask("architecture-advisor")
ask_auditor = make_ask("prompt-auditor")
ask_estimator = make_ask("cost-estimator")

OPUS_STREAM = (
    "event: message_start\n"
    'data: {"type":"message_start","message":{"model":"claude-opus-5-5","usage":'
    '{"input_tokens":1800,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,'
    '"output_tokens":1}}}\n\n'
    "event: message_delta\n"
    'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":'
    '{"input_tokens":1800,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,'
    '"output_tokens":350}}'
)


def estimates(reply) -> list[Decimal]:
    return [Decimal(c.output["total_usd"]) for c in reply.calculations if c.tool == "estimate_cost"]


def test_a_pasted_stream_is_one_call_at_its_last_cumulative_usage_in_the_advisor():
    # 1,800 x $4 + 350 x $20 = 7,200 + 7,000 per million = $0.0142. Adding the two events
    # (3,600 in, 351 out) would give 14,400 + 7,020 = $0.02142.
    reply = ask_advisor(f"we sum these events in our cost tracker, is that right?\n\n{OPUS_STREAM}")
    assert estimates(reply) == [Decimal("0.0142")]
    assert "$0.0142" in reply.text and "$0.02142" not in reply.text
    assert "cumulative" in reply.text and "overwrite" in reply.text


def test_a_stream_whose_delta_carries_only_the_output_count_keeps_the_start_input():
    # 900 x $0.10 + 120 x $0.50 = 90 + 60 per million = $0.00015; message_start's placeholder
    # output of 1 is replaced, not added.
    reply = ask_estimator(
        "haiku 5.5 stream, what did it cost?\n"
        'event: message_start\ndata: {"message":{"usage":{"input_tokens":900,'
        '"output_tokens":1}}}\n'
        'event: message_delta\ndata: {"usage":{"output_tokens":120}}'
    )
    assert estimates(reply) == [Decimal("0.00015")]
    assert "120 output tokens" in reply.text


def test_the_other_counts_a_learner_quotes_beside_a_stream_are_named_as_not_priced():
    reply = ask_advisor(f"our logs say 3600 in and 351 out for this one:\n{OPUS_STREAM}")
    assert estimates(reply) == [Decimal("0.0142")]
    assert "I did not price the other counts you gave (3600 and 351)" in reply.text


def test_a_batch_service_tier_in_the_advisor_is_priced_at_batch_prices_with_the_standard_beside():
    # A call: 2,000 x $4 + 500 x $20 = $0.018 standard, $0.009 batch. x 20,000 a day = $180 a
    # day, $5,400 a month at batch prices; $360 and $10,800 at standard ones.
    reply = ask_advisor(
        "20k of these every night; finance says it's about $10.8k a month. right?\n"
        '{"custom_id":"r-1","result":{"message":{"model":"claude-opus-5-5","usage":'
        '{"input_tokens":2000,"output_tokens":500,"service_tier":"batch"}}}}'
    )
    assert estimates(reply) == [Decimal("0.009")]
    assert "**$180.00 a day** and **$5,400.00 a month**" in reply.text
    assert "$360.00 a day and $10,800.00 a month" in reply.text
    assert "matches these calls **at standard prices** a month" in reply.text


def test_the_auditor_says_the_answers_not_the_prompt_are_where_a_usage_objects_money_goes():
    # 1,000 x $2 + 600 x $10 = 2,000 + 6,000 per million = $0.008 a call, $0.006 of it output.
    # x 4,000 a day = $32.00 a day, $960.00 a month.
    reply = ask_auditor(
        'should we shorten our prompt? sonnet 5.5, 4000/day: {"input_tokens": 1000, '
        '"output_tokens": 600}'
    )
    assert estimates(reply) == [Decimal("0.008")]
    assert "**$32.00 a day** and **$960.00 a month**" in reply.text
    assert "The answers, not the prompt, are where the money goes" in reply.text
    assert "format" in reply.text and "length limit" in reply.text


def test_the_auditor_counts_cache_reads_in_the_prompt_a_usage_object_reports():
    # Prompt 200 + 5,000 read = 5,200 tokens; 200 x $2 + 5,000 x $0.10 + 100 x $10 =
    # 400 + 500 + 1,000 per million = $0.0019.
    reply = ask_auditor(
        'our prompt is tiny per usage: {"input_tokens": 200, "cache_read_input_tokens": 5000, '
        '"output_tokens": 100} sonnet 5.5'
    )
    assert estimates(reply) == [Decimal("0.0019")]
    assert "this prompt is **5,200 tokens**, not 200" in reply.text
    assert "/lessons/model-selection/#measure-first" in reply.text
