"""The guard and the qualifiers that change the answer, in the cost estimator and the caching
strategist: a number the tutor could not place is asked about, never priced; a traffic window,
thinking tokens, "N things of M tokens", parts that change on every call and several models
named are read into the scenario.

Figures are worked by hand from content/pricing.yaml: Sonnet 5.5 $2 in / $10 out / $2.50 5m
write / $0.10 read; Opus 5.5 $4 / $20 / $5 5m write / $0.20 read."""

from decimal import Decimal

from tests.labs.tutor_helpers import make_ask, make_converse, usd

ask_estimator = make_ask("cost-estimator")
ask_caching = make_ask("caching-strategist")


def per_day(reply) -> list[Decimal]:
    return [
        Decimal(c.output["per_day_usd"]) for c in reply.calculations if c.tool == "workload_cost"
    ]


def savings(reply) -> dict[str, Decimal]:
    return {
        c.output["display_name"]: Decimal(c.output["saving_usd"])
        for c in reply.calculations
        if c.tool == "caching_plan" and c.input.get("ttl") == "5m"
    }


# -- the guard -----------------------------------------------------------------------------------
def test_a_number_the_tutor_cannot_place_is_asked_about_and_nothing_is_priced():
    reply = ask_estimator(
        "sonnet 5.5, 2k tokens in and 300 out, 5k requests a day, spread over 3 replicas. cost?"
    )
    assert reply.asked_follow_up and not reply.calculations
    assert "**3**" in reply.text and "replicas" in reply.text


def test_the_caching_lab_asks_too_rather_than_planning_around_an_unplaced_number():
    reply = ask_caching(
        "opus 5.5: a 6k system prompt, 12k requests a day across 4 regions. which ttl?"
    )
    assert reply.asked_follow_up and not reply.calculations
    assert "**4**" in reply.text


def test_two_sizes_for_one_slot_are_asked_about_instead_of_keeping_the_last():
    reply = ask_estimator(
        "sonnet 5.5, the system prompt is 1,000 tokens, sometimes the system prompt hits "
        "4,000 tokens, 200 out, 3k req/day"
    )
    assert reply.asked_follow_up and not reply.calculations
    assert "**1,000**" in reply.text


def test_a_date_in_the_message_is_named_as_ignored_and_the_rest_is_priced():
    # 1,000 x $2 + 200 x $10 = $0.004 a request x 2,000 = $8.00 a day
    reply = ask_estimator(
        "since 2026-03-14 we run sonnet 5.5 with 1k in / 200 out, 2k requests a day. daily cost?"
    )
    assert per_day(reply) == [Decimal("8")]
    assert "I did not use the 2026-03-14" in reply.text


# -- qualifiers --------------------------------------------------------------------------------
def test_an_hourly_rate_in_business_hours_counts_eight_hours_not_twenty_four():
    # 300 an hour x 8 hours = 2,400 a day x $0.004 = $9.60 a day (round the clock: $28.80)
    reply = ask_estimator(
        "sonnet 5.5, 300 requests per hour, only during business hours. 1k in / 200 out. daily?"
    )
    assert per_day(reply) == [Decimal("9.6")]
    assert "2,400 requests a day" in reply.text and usd("28.80") not in reply.text


def test_a_clock_window_sets_the_hours_of_traffic():
    # 8am to 6pm = 10 hours; 300 x 10 = 3,000 a day x $0.004 = $12.00 a day
    reply = ask_estimator(
        "sonnet 5.5 at 300 requests an hour from 8am to 6pm, 1k in / 200 out. cost per day?"
    )
    assert per_day(reply) == [Decimal("12")]


def test_thinking_tokens_are_billed_as_output_on_top_of_the_visible_answer():
    # output 200 + 1,800 = 2,000: 1,000 x $2 + 2,000 x $10 = $0.022 x 1,000 = $22.00 a day
    reply = ask_estimator(
        "sonnet 5.5 with extended thinking: 1k in, 200 token visible answer plus 1,800 "
        "reasoning tokens, 1,000 calls a day. daily cost?"
    )
    assert per_day(reply) == [Decimal("22")]
    assert "thinking is billed as output" in reply.text
    assert usd("4.00") + " a day" not in reply.text


def test_a_count_of_things_of_a_size_each_is_their_total_size():
    # 3 x 500 = 1,500 example tokens; input 1,000 + 1,500 + 100 = 2,600 x $2 = 5,200 + 200 x $10
    # = 2,000 -> $0.0072 x 10,000 = $72.00 a day (500 example tokens would give $52.00)
    reply = ask_estimator(
        "sonnet 5.5: 1,000 token system prompt, 3 examples of ~500 tokens, 100 token user "
        "message, 200 out, 10k req/day"
    )
    assert per_day(reply) == [Decimal("72")]
    assert "3 x 500 tokens read as 1,500 tokens of few-shot examples" in reply.text


def test_a_count_of_tools_with_their_total_size_names_the_count_as_not_a_size():
    # tools 2,000 + system 500 + user 100 = 2,600 x $2 = 5,200 + 200 x $10 -> $0.0072 x 1,000
    reply = ask_estimator(
        "sonnet 5.5 agent with 12 tools (~2k tokens of schemas), a 500 token system prompt, a "
        "100 token user msg, 200 out, 1,000 req/day"
    )
    assert per_day(reply) == [Decimal("7.2")]
    assert "I did not use the 12" in reply.text


def test_parts_that_change_on_every_call_stay_out_of_the_cached_prefix():
    # Only the 1,500-token system prompt is cached: without 10,000 x 1,500 x $2 = $30.00; with
    # one write $0.00375 + 9,999 reads x 1,500 x $0.10 = $1.49985, $1.5036 in all -> saving
    # $28.4964 (caching the
    # passages too would claim $85.49)
    reply = ask_caching(
        "sonnet 5.5, 1,500-token system prompt then 3k tokens of retrieved passages that are "
        "different for each query, 10k calls a day. what does caching save?"
    )
    assert savings(reply) == {"Claude Sonnet 5.5": Decimal("28.4964")}
    assert usd("28.4964") in reply.text and "cannot be cached" in reply.text
    assert usd("85.49") not in reply.text


def test_every_model_named_in_a_caching_question_is_priced():
    # 4,000-token prefix, 20,000 a day: Sonnet saves $160.00 - $8.0096 = $151.99; Opus saves
    # $320.00 - $16.0192 = $303.98
    reply = ask_caching(
        "what does caching a 4k prefix save at 20k req/day on sonnet 5.5 vs opus 5.5, 5m ttl?"
    )
    found = savings(reply)
    assert found["Claude Sonnet 5.5"].quantize(Decimal("0.01")) == Decimal("151.99")
    assert found["Claude Opus 5.5"].quantize(Decimal("0.01")) == Decimal("303.98")
    assert usd("303.98") in reply.text


# -- what-ifs in the message that sets the scenario, and the cost of each part -----------------
def test_two_changes_asked_in_one_message_are_each_priced_against_the_same_baseline():
    # Baseline: 1,500 x $2 + 100 x $10 = 4,000 per million = $0.004 x 5,000 = $20.00 a day.
    # Output halved to 50: 3,000 + 500 = $0.0035 -> $17.50. Traffic x3: 15,000 -> $60.00.
    reply = ask_estimator(
        "sonnet 5.5, 5k requests a day, 1,500-token system prompt, 100-token answers. which "
        "saves more: halving the answers or does tripling the traffic hurt more?"
    )
    assert per_day(reply) == [Decimal("20"), Decimal("17.5"), Decimal("60")]
    assert "traffic x3" in reply.text


def test_the_cost_of_one_part_alone_is_priced_by_the_calculator():
    # Documents 4,000 x $2 = $0.008 x 2,000 a day = $16.00 a day, $480.00 a month.
    reply = ask_estimator(
        "sonnet 5.5: 500 token system prompt, 4k tokens of documents, 200 out, "
        "2k req/day. what do the documents cost alone?"
    )
    alone = [c for c in reply.calculations if c.input.get("documents_tokens") == 4000]
    assert any(Decimal(c.output["per_day_usd"]) == Decimal("16") for c in alone)
    assert f"**{usd('16')} a day** and **{usd('480')} a month**" in reply.text


# -- caching what-ifs keep their baseline ------------------------------------------------------
def test_trimming_a_cached_prompt_below_the_minimum_is_reported_as_costing_more():
    # Before: 2,000-token prompt, 20,000 a day, cached: write 2,000 x $2.50 = $0.005 + 19,999 x
    # 2,000 x $0.10 = $3.9998 -> $4.0048 ($4.00). After: 300 tokens < 512, uncached: 20,000 x 300
    # x $2 = $12.00 a day.
    converse = make_converse("caching-strategist")
    reply = converse(
        "sonnet 5.5 with a 2k token system prompt we cache, 20k requests a day. cost per day?",
        "and if we cut the system prompt to 300 tokens so it's cheaper?",
    )
    assert "costs more, not less" in reply.text
    assert f"{usd('4.0048')} to {usd('12')} a day" in reply.text
    assert "saves" not in reply.text.split("costs more")[1].split("\n")[0]


def test_a_model_switch_in_a_caching_follow_up_shows_the_saving_before_and_after():
    # 5,000-token prefix, 8,000 a day. Sonnet 5.5 saves $80.00 - ($0.0125 + 7,999 x 5,000 x
    # $0.10 = $3.9995) = $75.988. Haiku 4.5 (5,000 >= its 4,096 minimum) saves $40.00 -
    # ($0.00625 + $3.9995) = $35.99425.
    converse = make_converse("caching-strategist")
    reply = converse(
        "5k token system prompt on sonnet 5.5, 8k req/day, what does caching save per day?",
        "what about on haiku 4.5?",
    )
    assert "Before and after" in reply.text
    assert usd("75.988") in reply.text and usd("35.99425") in reply.text


def test_batch_work_is_planned_with_the_one_hour_ttl_and_the_prefix_priced_at_batch_rates():
    # 10,000 requests with a 20,000-token prefix on Sonnet 5.5: real time 10,000 x 20,000 x $2 =
    # $400.00; through the Batches API half of that, $200.00.
    reply = make_ask("caching-strategist")(
        "we send 10k requests through the batch api each night, sonnet 5.5, same 20k token "
        "prefix on all of them. how do we cache it?"
    )
    assert "take the **1-hour TTL**" in reply.text
    assert f"**{usd('200')} a day** without caching" in reply.text
