"""The caching strategist on traffic that is neither random nor steady around the clock: a job on
a fixed schedule and a burst of requests about one prefix. Figures are worked by hand from
content/pricing.yaml (Sonnet 5.5: $2 input, $2.50 5-minute write, $4 1-hour write, $0.10 read;
Opus 5.5: $4, $5, $8, $0.20) and every card is checked against the calculator."""

from tests.labs.tutor_helpers import make_ask, make_converse

ENGINE = "caching-strategist"
ask = make_ask(ENGINE)
converse = make_converse(ENGINE)


def plans(reply) -> dict[str, dict]:
    return {c.input["ttl"]: c for c in reply.calculations if c.tool == "caching_plan"}


def test_a_scheduled_job_longer_apart_than_5_minutes_writes_on_every_call():
    reply = ask(
        "sonnet 5.5 behind a scheduled job that runs every 20 minutes, 30 runs a day, with an "
        "8k system prompt. which ttl, and what does caching the prompt cost per day?"
    )
    by_ttl = plans(reply)
    assert by_ttl["5m"].input["traffic"] == "interval"
    assert by_ttl["5m"].input["interval_minutes"] == 20
    # 5m: 30 writes x 8,000 x $2.50 / 1e6 = $0.60, dearer than 30 x 8,000 x $2 / 1e6 = $0.48.
    assert by_ttl["5m"].output["with_cache_usd"] == "0.600000"
    assert by_ttl["5m"].output["without_cache_usd"] == "0.480000"
    # 1h: $0.032 write + 29 x 8,000 x $0.10 / 1e6 = $0.0232 -> $0.0552, saving $0.4248.
    assert by_ttl["1h"].output["with_cache_usd"] == "0.055200"
    assert "**1-hour TTL**" in reply.text
    assert "every call writes again" in reply.text
    assert "costs more than not caching" in reply.text
    assert "$0.4248 a day" in reply.text


def test_a_cron_gap_inside_the_ttl_writes_once_a_day():
    reply = ask(
        "opus 5.5, cron job every 3 minutes around the clock with a 5,000-token prefix. "
        "5 minute or 1 hour cache?"
    )
    by_ttl = plans(reply)
    # every 3 minutes = 480 calls a day; both entries survive a 3-minute gap.
    assert by_ttl["5m"].input["requests"] == 480
    assert (by_ttl["5m"].output["writes"], by_ttl["5m"].output["reads"]) == (1, 479)
    assert "**5-minute TTL**" in reply.text


def test_a_burst_inside_the_ttl_is_one_write_then_reads():
    reply = ask(
        "opus 5.5, a 40k-token manual, 6 lookups in under 4 minutes with a 5m cache. cost with "
        "and without caching, and how much is saved?"
    )
    by_ttl = plans(reply)
    assert by_ttl["5m"].input["traffic"] == "steady"
    # Without: 6 x 40,000 x $4 / 1e6 = $0.96. With: $0.20 write + 5 x $0.008 reads = $0.24.
    assert by_ttl["5m"].output["without_cache_usd"] == "0.960000"
    assert by_ttl["5m"].output["with_cache_usd"] == "0.240000"
    assert "$0.72" in reply.text and "75%" in reply.text
    assert "one burst within about 4 minutes" in reply.text
    # The average gap of 6 requests spread over a day says nothing about a burst.
    assert "Requests average one every" not in reply.text
    assert "Poisson" not in reply.text


def test_a_what_if_on_a_scheduled_job_keeps_its_schedule():
    reply = converse(
        "sonnet 5.5, a cron job fires every 10 minutes, 40 runs a day, 12k system prompt. "
        "which ttl?",
        "and with a 20k system prompt?",
    )
    assert all(c.input.get("traffic") == "interval" for c in reply.calculations
               if c.tool == "caching_plan")  # fmt: skip
