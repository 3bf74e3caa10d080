"""The offline tutor reads quantities as engineers type them (issue 13, "Reading").

Phrasings are our own, not the golden evaluation's; every expected figure is worked by hand from
content/pricing.yaml (Haiku 5.5 $0.10 / $0.50, Sonnet 5.5 $2 / $10, Opus 5.5 $4 / $20 per
million input / output tokens; a month is 30 days, a year 365), never by calling the calculator.
"""

import pytest

from .tutor_helpers import make_ask, make_converse

estimate = make_ask("cost-estimator")
converse_estimate = make_converse("cost-estimator")


# -- class 1: quantities it did not read --------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "figures"),
    [
        # 1,500 x $0.10 + 200 x $0.50 per million = $0.00025 a request; x 40,000 = $10 a day.
        ("haiku 5.5: 40k reqs/day, ~1.5k in / 200 out. cost a month?", ["$10.00", "$300.00"]),
        # 2 a second = 172,800 a day; 1,000 x $4 + 100 x $20 per million = $0.006 a request.
        ("opus 5.5, 2 req/s, in/out 1k/100", ["$1,036.80", "$31,104.00"]),
        # "sonet" is Sonnet 5.5: 8,000 x $2 + 500 x $10 per million = $0.021; x 1,000 a day.
        ("sonet 5.5 w/ 8k ctx + 500 out, 1,000 calls/day", ["$21.00", "$630.00"]),
        # 700 + 300 input x $0.10 + 50 x $0.50 per million = $0.000125; x 10,000 = $1.25 a day.
        ("700 sys / 300 usr msg / 50 out, haiku 5.5, 10k/day", ["$1.25", "$37.50"]),
        # sizes first, labels after: 3,000 x $2 + 250 x $10 per million = $0.0085; x 5,000.
        ("sonnet 5.5, 3k/250 in/out tokens, 5k a day", ["$42.50", "$1,275.00"]),
        # "2.5k prompt" is a size, not 2,500 prompts: 2,500 x $4 + 300 x $20 = $0.016; x 600.
        ("opus 5.5, 600 requests a day, 2.5k prompt / 300 completion tokens", ["$9.60"]),
    ],
)
def test_abbreviated_sizes_and_rates_are_read_and_priced(message: str, figures: list[str]) -> None:
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    for figure in figures:
        assert figure in reply.text, (figure, reply.text)


def test_a_monthly_volume_stays_monthly_and_is_not_rounded_through_a_day() -> None:
    # 2,000 x $0.10 + 400 x $0.50 per million = $0.0004 a request; 900,000 a month = $360.
    reply = estimate("haiku 5.5, 900k req/mo, 2k in / 400 out")

    assert "900,000 requests a month" in reply.text
    assert "$360.00 a month" in reply.text
    assert "$12.00 a day" in reply.text


def test_a_misspelt_tier_is_read_and_the_reading_is_stated() -> None:
    reply = estimate("haiuk 5.5 with 10k calls a day, 1k in and 100 out")

    # 1,000 x $0.10 + 100 x $0.50 per million = $0.00015; x 10,000 = $1.50 a day.
    assert "$1.50 a day" in reply.text
    assert '"haiuk 5.5" read as Claude Haiku 5.5' in reply.text


def test_the_label_after_a_number_wins_over_the_one_before_it() -> None:
    # 600 is the system prompt, 400 the input, 20 the output: not 400 for the system prompt.
    reply = estimate("sonnet 5.5: 600 sys / 400 in / 20 out, 1k a day")

    # (600 + 400) x $2 + 20 x $10 per million = $0.0022; x 1,000 = $2.20 a day.
    assert "$2.20 a day" in reply.text
    assert "600-token system prompt" in reply.text


# -- class 5: a retired model is named as retired and today's replacement is priced -----------
def test_a_retired_model_is_named_and_todays_model_of_its_tier_is_priced() -> None:
    reply = estimate("claude-3-5-haiku-20241022, 20k calls a day, 1k in / 200 out, monthly?")

    # Haiku 5.5: 1,000 x $0.10 + 200 x $0.50 per million = $0.0002; x 20,000 = $4 a day.
    assert "Claude 3.5 Haiku is retired" in reply.text
    assert "$4.00" in reply.text
    assert "$120.00 a month" in reply.text
    # At 3.5 Haiku's old $0.80 / $4.00 the month would be $960: a price nobody can buy.
    assert "$960.00" not in reply.text
    assert {c.input["model"] for c in reply.calculations} == {"claude-haiku-5-5"}


def test_the_caching_lab_plans_a_retired_models_cache_on_its_replacement() -> None:
    ask = make_ask("caching-strategist")
    reply = ask("claude-opus-4-20250514, 6k system prompt, 2k calls a day. caching saving/day?")

    assert "Claude Opus 4 is retired" in reply.text
    assert reply.calculations
    assert {c.input["model"] for c in reply.calculations} == {"claude-opus-5-5"}


def test_the_prompt_auditor_prices_a_workload_when_no_prompt_is_pasted() -> None:
    ask = make_ask("prompt-auditor")
    reply = ask(
        "our classifier runs on claude-3-haiku-20240307 at 50k calls/day, 500 in / 10 out. "
        "before we audit the prompt: what's that a month?"
    )

    # Haiku 5.5: 500 x $0.10 + 10 x $0.50 per million = $0.000055; x 50,000 = $2.75 a day.
    assert "Claude 3 Haiku is retired" in reply.text
    assert "$82.50 a month" in reply.text
    assert "audit_prompt" not in {c.tool for c in reply.calculations}


# -- class 2: the period asked for is the period answered ---------------------------------------
@pytest.mark.parametrize(
    ("message", "answer"),
    [
        # 1,000 x $2 + 100 x $10 per million = $0.003; x 12,000 = $36 a day; x 365 days.
        (
            "sonnet 5.5 at 12k calls a day, 1k in / 100 out. what's that per year?",
            "$13,140.00 a year",
        ),
        # 500 x $4 + 50 x $20 per million = $0.003; x 600,000 = $1,800 a month; / 30 days.
        ("opus 5.5, 600k requests/mo, 500 in / 50 out; daily spend?", "$60.00 a day"),
        # 2,000 x $0.10 + 200 x $0.50 per million = $0.0003; x 7,000 = $2.10 a day; x 7 days.
        ("haiku 5.5, 7,000 req a day, 2k in / 200 out, weekly cost?", "$14.70 a week"),
    ],
)
def test_a_workload_is_answered_in_the_period_asked(message: str, answer: str) -> None:
    reply = estimate(message)

    assert answer in reply.text, reply.text


def test_a_follow_up_asking_another_period_keeps_the_scenario() -> None:
    reply = converse_estimate(
        "sonnet 5.5 at 12k calls a day, 1k in / 100 out. cost per day?", "what about per month?"
    )

    # $36 a day (above) x 30 days.
    assert "$1,080.00 a month" in reply.text


def test_a_caching_saving_is_answered_per_year_when_asked() -> None:
    ask = make_ask("caching-strategist")
    reply = ask("sonnet 5.5, 10k requests a day, 4k system prompt, 5m ttl. yearly saving?")

    # One 5-minute write ($2.50 x 4,000 / 1M = $0.01) and 9,999 reads ($0.10 x 4,000 / 1M each,
    # $3.9996) against 10,000 full-price sends ($80): $75.9904 a day, x 365 = $27,736.50.
    assert "$27,736.50 a year" in reply.text, reply.text


# -- class 4: the qualifier that changes the answer ---------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "our digest job on sonnet 5.5 sends 4k requests a day, 1k in / 200 out; nobody looks at "
        "the digests until the next morning. cost a day?",
        "sonnet 5.5, 4k requests a day, 1k in / 200 out, the reports are needed by tomorrow "
        "morning. daily cost?",
        "sonnet 5.5, 4k requests a day, 1k in / 200 out. no one is waiting on these. per day?",
    ],
)
def test_work_nobody_waits_for_is_priced_as_a_batch(message: str) -> None:
    reply = estimate(message)

    # 1,000 x $2 + 200 x $10 per million = $0.004; x 4,000 = $16 a day, half through batches.
    assert [c.tool for c in reply.calculations] == ["batch_savings"]
    assert "$8.00 a day" in reply.text
    assert "$16.00 a day" in reply.text


def test_work_a_user_waits_for_stays_real_time() -> None:
    reply = estimate(
        "sonnet 5.5, 4k requests a day, 1k in / 200 out, the user is waiting on each answer. "
        "daily cost?"
    )

    assert [c.tool for c in reply.calculations] == ["workload_cost"]
    assert "$16.00 a day" in reply.text


def test_a_count_of_documents_is_not_read_as_document_tokens() -> None:
    reply = estimate(
        "a nightly run over 30k docs on haiku 5.5, 1k in / 50 out, results needed by the "
        "morning. per night?"
    )

    # 30,000 requests: 1,000 x $0.10 + 50 x $0.50 per million = $0.000125 each, $3.75 a night,
    # $1.88 through batches (not a 30,000-token document part).
    assert "$3.75 a day" in reply.text
    assert "I read it as a day" in reply.text
    assert "30,000 tokens of documents" not in reply.text


@pytest.mark.parametrize(
    ("phrase", "requests", "per"),
    [
        ("40k rpd", 40_000, "day"),
        ("2 rps", 172_800, "day"),
        ("12k test cases/mo", 12_000, "month"),
        ("30k invoices a day", 30_000, "day"),
        ("5k evals a month", 5_000, "month"),
    ],
)
def test_rate_abbreviations_and_more_count_nouns_read_as_a_volume(phrase, requests, per):
    # Haiku 5.5 at $0.10 in / $0.50 out, 1,000 in and 100 out: $0.00015 a request.
    reply = make_ask("cost-estimator")(f"haiku 5.5, {phrase}, 1,000 in / 100 out. cost?")
    (call,) = [c for c in reply.calculations if c.tool == "workload_cost"]
    assert (call.input["requests"], call.input["per"]) == (requests, per)
