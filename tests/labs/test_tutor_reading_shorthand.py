"""The offline tutor reads engineers' shorthand (issue 13, round 2): labels on either side of a
number, counts that are not scenario figures, counted events with their own period, the period
asked, and retired or dated model ids.

Phrasings are our own. Every expected figure is worked out with Decimal from the prices in
content/pricing.yaml (tests/labs/pricing_by_hand.py), never from the tutor or the calculator.
"""

import pytest

from .pricing_by_hand import dollars, per_request
from .tutor_helpers import make_ask

estimate = make_ask("cost-estimator")
caching = make_ask("caching-strategist")

HAIKU, SONNET, OPUS = "claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5"


def _inputs(reply) -> dict:
    """The inputs of the reply's workload calculation: which slot each size landed in."""
    return next(c.input for c in reply.calculations if c.tool == "workload_cost")


def _day_and_month(model: str, prompt: int, output: int, requests: int) -> list[str]:
    day = per_request(model, prompt, output) * requests
    return [dollars(day), dollars(day * 30)]


# -- A: labels before or after the number, abbreviated, joined by "+" or "," ---------------------
@pytest.mark.parametrize(
    ("message", "model", "slots", "requests"),
    [
        (
            "sonnet 5.5, 20k req/day, tools 1.8k tok + sys 2.2k, ~300 out. cost per day?",
            SONNET,
            {"tools_tokens": 1800, "system_tokens": 2200, "output_tokens": 300},
            20_000,
        ),
        (
            "haiku 5.5: 900 sys + 300 q, 150 out, 40k calls/day",
            HAIKU,
            {"system_tokens": 900, "user_tokens": 300, "output_tokens": 150},
            40_000,
        ),
        (
            "Opus 5.5, 2k in / 250 out per call, 8k calls a day",
            OPUS,
            {"user_tokens": 2000, "output_tokens": 250},
            8_000,
        ),
        (
            "haiku 5.5 w/ 1.2k in 300 out, ~6k req p/day",
            HAIKU,
            {"user_tokens": 1200, "output_tokens": 300},
            6_000,
        ),
        (
            "webhook tagger on haiku 5.5, 300 tok sys + 200 tok event, 10 out, 50k/day",
            HAIKU,
            {"system_tokens": 300, "user_tokens": 200, "output_tokens": 10},
            50_000,
        ),
    ],
)
def test_a_label_on_either_side_of_a_number_puts_it_in_its_slot(message, model, slots, requests):
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    assert _inputs(reply) | slots == _inputs(reply), _inputs(reply)
    prompt = sum(n for slot, n in slots.items() if slot != "output_tokens")
    for figure in _day_and_month(model, prompt, slots["output_tokens"], requests):
        assert figure in reply.text, (figure, reply.text)


# -- B: counts that are not scenario figures are named, never asked about -------------------------
@pytest.mark.parametrize(
    ("message", "ignored", "model", "prompt", "output", "requests"),
    [
        ("haiku 5.5 8k req/day, 1.2k in 300 out. ok, 2 what-ifs after this", "2", HAIKU,
         1200, 300, 8_000),
        ("I ran 3 consecutive calls on sonnet 5.5, each 2k in 300 out; we do 5k/day. cost?", "3",
         SONNET, 2000, 300, 5_000),
        ("a blog said 1.39 hits per request. Sonnet 5.5 with 4k in 200 out, 10k req/day", "1.39",
         SONNET, 4000, 200, 10_000),
        ("2 workloads on sonnet 5.5, first one: 10k req/day, 2k in 300 out", "2", SONNET,
         2000, 300, 10_000),
        ("sonnet 5.5, 3k in 400 out, 20k/day. cache_creation and cache_read are both always 0",
         "0", SONNET, 3000, 400, 20_000),
    ],
)  # fmt: skip
def test_a_count_that_is_not_a_scenario_figure_is_named_as_ignored_and_the_rest_priced(
    message, ignored, model, prompt, output, requests
):
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    assert f"I did not use the {ignored} in" in reply.text
    for figure in _day_and_month(model, prompt, output, requests):
        assert figure in reply.text, (figure, reply.text)


def test_the_caching_lab_names_a_what_if_count_too_instead_of_asking_about_it():
    reply = caching("ok 2 what-ifs: sonnet 5.5, 4k sys prompt, 200 tok q, 300 out, 20k req/day")

    assert not reply.asked_follow_up, reply.text
    assert "I did not use the 2 in" in reply.text


# -- C: counted events with their own period word -------------------------------------------------
@pytest.mark.parametrize(
    ("message", "model", "prompt", "output", "requests"),
    [
        ("haiku 5.5, 50k requests per nightly run, 1k in 100 out", HAIKU, 1000, 100, 50_000),
        ("~180k lines like that per night, each 400 tok in 50 out, haiku 5.5", HAIKU, 400, 50,
         180_000),
        ("we see ~200 a day, sonnet 5.5, 3k in 500 out", SONNET, 3000, 500, 200),
        ("OPUS 5.5, ~12k log events per night, 800 in 60 out", OPUS, 800, 60, 12_000),
    ],
)  # fmt: skip
def test_a_count_with_its_own_period_word_is_the_daily_volume(
    message, model, prompt, output, requests
):
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    day = per_request(model, prompt, output) * requests
    assert dollars(day) in reply.text, (dollars(day), reply.text)


@pytest.mark.parametrize(
    ("message", "count", "prompt", "output"),
    [
        ("sonnet 5.5: 10 questions in a row within a few minutes, 5k sys prompt, 200 tok q, "
         "300 out", 10, 5200, 300),
        ("sonnet 5.5, a user fires 8 queries back-to-back, 4k sys + 100 q, 150 out", 8, 4100, 150),
        ("Sonnet 5.5 agent: 20 calls in one burst, 6k ctx, ~500 out", 20, 6000, 500),
    ],
)  # fmt: skip
def test_requests_in_one_burst_are_priced_as_that_burst(message, count, prompt, output):
    reply = estimate(message)

    burst = per_request(SONNET, prompt, output) * count
    assert f"one burst of {count} requests costs **{dollars(burst)}**" in reply.text, reply.text
    assert "5-minute cache lifetime" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "webhook classifier on haiku 5.5: avg ~5 events/s (peaks ~20/s), 300 sys + 200 in, 10 out",
        "haiku 5.5, 5 req/s on average, spikes to 20/s, 500 in, 10 out",
        "haiku 5.5 classifier, 5 req/s (max 20/s), 300 sys + 200 tok event, 10 tok out",
    ],
)
def test_a_peak_rate_is_named_and_the_average_rate_priced(message):
    reply = estimate(message)

    # 5 a second around the clock is 432,000 a day.
    day = per_request(HAIKU, 500, 10) * 432_000
    assert dollars(day) in reply.text, reply.text
    assert "The peak of 20 a second" in reply.text


# -- F: the period asked -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "period", "per_day"),
    [
        ("haiku 5.5 w/ 1.2k in 300 out, ~6k req p/day. $/yr?", "a year",
         per_request(HAIKU, 1200, 300) * 6000),
        ("sonnet 5.5, 2k in 300 out, 1k/day. what's that per yr?", "a year",
         per_request(SONNET, 2000, 300) * 1000),
        ("opus 5.5 2k in 500 out 4k req/day, p/mo?", "a month",
         per_request(OPUS, 2000, 500) * 4000),
        ("nightly job on haiku 5.5: 30k docs per night, 3k in 200 out. cost per night?",
         "a night", per_request(HAIKU, 3000, 200) * 30_000),
    ],
)  # fmt: skip
def test_the_figure_is_given_in_the_period_asked(message, period, per_day):
    reply = estimate(message)

    multiple = {"a year": 365, "a month": 30, "a night": 1}[period]
    assert f"{dollars(per_day * multiple)} {period}" in reply.text, reply.text


def test_one_request_is_priced_when_the_message_asks_what_one_costs():
    reply = estimate("what does one of those msgs cost on sonnet 5.5 (1.5k in, 400 out) and "
                     "per day at 12k msgs?")  # fmt: skip

    one = per_request(SONNET, 1500, 400)
    assert f"({dollars(one)} a request)" in reply.text, reply.text
    assert dollars(one * 12_000) in reply.text


# -- G: retired and dated model ids --------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "retired", "since", "today", "prompt", "output", "requests"),
    [
        ("we're on claude-3-haiku-20240307, 20k req/day, 1k in 100 out. cost?", "Claude 3 Haiku",
         "2026-04-20", HAIKU, 1000, 100, 20_000),
        ("claude-3-5-sonnet-20241022 w/ 2k in 300 out, 5k/day", "Claude 3.5 Sonnet",
         "2025-10-28", SONNET, 2000, 300, 5_000),
        ("3.5 sonnet, 2k in / 300 out, 5k calls a day, $/mo?", "Claude 3.5 Sonnet", "2025-10-28",
         SONNET, 2000, 300, 5_000),
    ],
)  # fmt: skip
def test_a_retired_model_id_is_named_with_its_date_and_todays_model_priced(
    message, retired, since, today, prompt, output, requests
):
    reply = estimate(message)

    assert not reply.asked_follow_up, reply.text
    assert f"{retired} is retired (since {since})" in reply.text
    assert all(c.input["model"] == today for c in reply.calculations)
    month = per_request(today, prompt, output) * requests * 30
    assert dollars(month) in reply.text


def test_a_model_older_than_the_price_table_is_named_retired_and_not_read_as_a_number():
    reply = estimate("still running claude-2.1 for summaries, 1k/day, 4k in 500 out")

    assert '"claude-2.1" is older than every model in the course price table' in reply.text
    assert "I could not tell" not in reply.text
    assert dollars(per_request(SONNET, 4000, 500) * 1000) in reply.text


def test_a_version_before_the_tier_word_is_not_a_size():
    reply = estimate("3.7 sonnet w/ 1k in 100 out, 2k/day")

    assert "Claude 3.7 Sonnet is retired" in reply.text
    assert "I could not tell" not in reply.text
    assert dollars(per_request(SONNET, 1000, 100) * 2000) in reply.text


@pytest.mark.parametrize(
    ("lab", "message", "count"),
    [
        ("caching-strategist", "legal QA on sonnet 5.5: 25k tok contract per session, ~10 qs per "
         "contract asked within a few min, ~800 contracts/day. $/day saved w/ 5m caching?", "10"),
        ("cost-estimator", "haiku 5.5, 4 summaries per thread, 2k threads a day, 1k in 100 out",
         "4"),
        ("cost-estimator", "haiku 5.5: ~12 lookups each order, 40k orders a day, 800 in 20 out",
         "12"),
    ],
)  # fmt: skip
def test_a_count_per_thing_is_asked_about_not_dropped_or_read_as_a_size(lab, message, count):
    reply = (caching if lab == "caching-strategist" else estimate)(message)

    assert reply.asked_follow_up and not reply.calculations, reply.text
    assert f"I could not tell what the **{count}**" in reply.text
