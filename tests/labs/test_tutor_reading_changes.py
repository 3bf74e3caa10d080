"""Sizes that change inside one message, and counts of counts (issue 13, second round).

Phrasings are our own, not the golden evaluation's; figures are worked by hand from
content/pricing.yaml (Haiku 5.5 $0.10 / $0.50, Sonnet 5.5 $2 / $10 per million input / output
tokens; a month is 30 days).
"""

from labs.tutor.reading import extract_facts

from .tutor_helpers import TABLE, make_ask

estimate = make_ask("cost-estimator")


def test_calls_per_unit_times_units_a_day_is_the_daily_volume():
    # 4 calls per ticket x 12,000 tickets = 48,000 calls a day; 500 x $0.10 + 100 x $0.50 per
    # million = $0.0001 a call, $4.80 a day, $144 a month.
    reply = estimate(
        "triage bot makes ~4 calls per ticket and we get ~12k tickets a day. haiku 5.5, "
        "500 in / 100 out. monthly?"
    )
    (call,) = reply.calculations
    assert call.input["requests"] == 48_000
    assert "$4.80" in reply.text and "$144.00" in reply.text
    assert "48,000 calls a day" in reply.text


def test_an_addition_with_its_total_is_the_part_at_the_total_size():
    facts = extract_facts(
        "compliance wants us to add 2k tok of disclaimer text to the system prompt (3k total)",
        TABLE,
    )
    assert facts.parts == {"system": 3000}
    assert not facts.bare and not facts.overwritten
    assert any("2,000 tokens added to the system prompt" in n for n in facts.notes)


def test_an_arrow_between_two_sizes_is_the_old_and_the_new_size_of_one_slot():
    facts = extract_facts("the prompt shrinks 2,400 -> 900 input tokens, answers ~200", TABLE)
    assert facts.parts == {"input": 900, "output": 200}
    assert facts.was == {"input": 2400}
    assert not facts.bare


def test_a_new_size_said_after_the_old_one_and_a_length_bound_are_read_not_asked_about():
    facts = extract_facts(
        "answers average ~800 tokens; with at most 5 lines we reckon ~200. 5k/day", TABLE
    )
    assert facts.parts == {"output": 200}
    assert facts.was == {"output": 800}
    assert not facts.bare and facts.requests == 5_000
