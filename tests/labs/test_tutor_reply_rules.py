"""Rules every reply path of every lab follows (labs/tutor/checklist.py): the headline gives the
period asked, a question about one request gets the request and the volume's period, a spend cap
or usage tier is compared with what a reached cap does, "which API pattern for each?" beside a
comparison is answered, and a figure that cannot be given is named instead of left out.

Each rule is checked over reply paths x phrasings of our own. Figures are worked out with Decimal
from content/pricing.yaml (tests/labs/pricing_by_hand.py), then shown with the site's money rule."""

import math
from decimal import Decimal

import pytest

from labs.calculator.formatting import format_usd
from labs.tutor import Turn

from .pricing_by_hand import MILLION, per_request, prices
from .tutor_helpers import make_ask

SONNET, HAIKU = "claude-sonnet-5-5", "claude-haiku-5-5"
DAYS = {"request": None, "night": 1, "day": 1, "month": 30, "year": 365}


def ask(engine: str, *messages: str):
    """The reply to the last message, the earlier ones as the conversation before it."""
    history: list[Turn] = []
    reply = None
    for message in messages:
        reply = make_ask(engine)(message, history)
        history += [Turn("user", message), Turn("assistant", reply.text)]
    return reply


def headline(text: str) -> str:
    """The reply's opening: its first paragraph, and the table that paragraph introduces."""
    blocks = text.split("\n\n")
    return "\n\n".join(blocks[:2]) if blocks[0].rstrip().endswith(":") else blocks[0]


def in_period(per_day: Decimal, per_request_usd: Decimal, period: str) -> Decimal:
    return per_request_usd if period == "request" else per_day * DAYS[period]


# -- the reply paths: (engine, earlier messages, message before the question, daily figures) -----
SONNET_DAY = per_request(SONNET, 1500, 300) * 20_000
HAIKU_DAY = per_request(HAIKU, 1500, 300) * 20_000
HUGE = per_request(SONNET, 150_000, 500)
SHORTER_DAY = per_request(SONNET, 1500, 150) * 20_000
# Caching a 3,000-token prefix on Sonnet 5.5 at 20,000 requests a day, 5-minute TTL, traffic
# steady: one write a day, every other request reads it.
_P = prices(SONNET)
CACHE_SAVING_DAY = (
    3000 * 20_000 * _P["input"] - 3000 * _P["cache_write_5m"] - 3000 * 19_999 * _P["cache_read"]
) / MILLION

PERIOD_PATHS = {
    "cost estimator": (
        "cost-estimator", (), "sonnet 5.5, 20k req/day, 1500 in 300 out.", [SONNET_DAY],
    ),
    "advisor model x batch matrix": (
        "architecture-advisor", (),
        "sonnet 5.5 realtime vs haiku 5.5 thru batch, 20k req/day, 1500 in 300 out:",
        [SONNET_DAY, SONNET_DAY / 2, HAIKU_DAY, HAIKU_DAY / 2],
    ),
    "advisor plan": (
        "architecture-advisor", (),
        "support bot on sonnet 5.5, users waiting, 20k req/day, 1500 in 300 out. plan it,",
        [SONNET_DAY],
    ),
    "advisor single huge prompt": (
        "architecture-advisor", (),
        "one msg w/ a 150k-token prompt and 500 out on sonnet 5.5, we see ~200 a day.",
        [HUGE * 200],
    ),
    "cost estimator what-if": (
        "cost-estimator", ("sonnet 5.5, 20k req/day, 1500 in 300 out",),
        "what if answers were 150 tokens?", [SONNET_DAY, SHORTER_DAY, SHORTER_DAY - SONNET_DAY],
    ),
    "caching savings": (
        "caching-strategist", (),
        "sonnet 5.5, 3k system prompt shared by every call, 200 user, 300 out, 20k req/day. "
        "what does caching save", [CACHE_SAVING_DAY],
    ),
}  # fmt: skip
PERIOD_PHRASINGS = {
    "$/yr each?": ["year"],
    "per yr?": ["year"],
    "annual?": ["year"],
    "p/mo?": ["month"],
    "per night / per month?": ["night", "month"],
}


@pytest.mark.parametrize("phrase", PERIOD_PHRASINGS)
@pytest.mark.parametrize("path", PERIOD_PATHS)
def test_the_headline_gives_every_period_asked_in_every_reply_path(path, phrase):
    engine, before, message, per_day = PERIOD_PATHS[path]

    reply = ask(engine, *before, f"{message} {phrase}")

    top = headline(reply.text)
    for period in PERIOD_PHRASINGS[phrase]:
        for day in per_day:
            # A change may read "-$900.00" or "$900.00 a month less": the amount is the same.
            assert format_usd(abs(day) * DAYS[period]) in top, (period, reply.text)


# -- one request with a volume --------------------------------------------------------------------
REQUEST_PATHS = {
    "cost estimator": ("cost-estimator", "sonnet 5.5, 20k req/day, 1500 in 300 out.",
                       per_request(SONNET, 1500, 300), 20_000),
    "advisor plan": ("architecture-advisor", "support bot on sonnet 5.5, users waiting, 20k "
                     "req/day, 1500 in 300 out.", per_request(SONNET, 1500, 300), 20_000),
    "advisor single huge prompt": ("architecture-advisor", "150k-token prompt, 500 out on sonnet "
                                   "5.5, we see ~200 a day.", HUGE, 200),
}  # fmt: skip
REQUEST_PHRASINGS = [
    "what does one of those msgs cost?",
    "cost per msg?",
    "how much is a single call?",
    "$/call?",
]


@pytest.mark.parametrize("phrase", REQUEST_PHRASINGS)
@pytest.mark.parametrize("path", REQUEST_PATHS)
def test_a_question_about_one_request_gets_the_request_and_the_volume_per_day(path, phrase):
    engine, message, one, count = REQUEST_PATHS[path]

    reply = ask(engine, f"{phrase} {message}")

    top = headline(reply.text)
    assert f"{format_usd(one)} a request" in top or f"| {format_usd(one)} |" in top, reply.text
    assert format_usd(one * count) in top, reply.text


# -- spend caps and usage tiers --------------------------------------------------------------------
CAP_PATHS = {
    "cost estimator": ("cost-estimator", "sonnet 5.5, 20k req/day, 1500 in 300 out."),
    "advisor plan": ("architecture-advisor", "support bot on sonnet 5.5, users waiting, 20k "
                     "req/day, 1500 in 300 out. plan?"),
    "advisor model x batch matrix": ("architecture-advisor", "sonnet 5.5 realtime vs batch, 20k "
                                     "req/day, 1500 in 300 out."),
}  # fmt: skip
CAP_PHRASINGS = [
    "is the $1k/mo cap gonna bite? what happens when we hit it",
    "we're on the Build tier, will we run into the limit?",
    "our spend limit is $1,000 a month",
]


@pytest.mark.parametrize("phrase", CAP_PHRASINGS)
@pytest.mark.parametrize("path", CAP_PATHS)
def test_a_spend_cap_or_tier_is_compared_and_a_reached_cap_explained_in_every_path(path, phrase):
    engine, message = CAP_PATHS[path]

    reply = ask(engine, f"{message} {phrase}")

    month = SONNET_DAY * 30  # $3,600.00 in real time, over the $1,000 cap
    reached = math.ceil(Decimal(1000) / SONNET_DAY)
    assert "of $1,000.00 a month:" in reply.text
    verdict = (
        f"{format_usd(month)} a month (**exceeds the cap**: at {format_usd(SONNET_DAY)} a day it "
        f"is reached on day {reached} of a month)"
    )
    assert verdict in reply.text, reply.text
    assert "HTTP 429" in reply.text and "`enforced_spend_limit_reached`" in reply.text
    assert "until the limit resets at 00:00 UTC on the first day of the next month" in reply.text
    assert "or someone raises it" in reply.text


# -- several questions in one message -------------------------------------------------------------
def test_a_model_x_batch_matrix_with_a_pattern_question_answers_both_parts():
    reply = ask(
        "architecture-advisor",
        "sonnet 5.5 realtime vs haiku 5.5 thru batch, 20k req/day, 1500 in 300 out: $/yr each? "
        "and which api pattern for each?",
    )

    top = headline(reply.text)
    for day in (SONNET_DAY, HAIKU_DAY / 2):
        assert format_usd(day * 365) in top
    assert "**Which API pattern.**" in reply.text
    assert "the Messages API with streaming when a user waits" in reply.text
    assert "Message Batches API, half price on every token" in reply.text


@pytest.mark.parametrize(
    "question", ["which api pattern for each?", "streaming or batch for each of them?"]
)
def test_a_plan_with_a_pattern_question_names_the_pattern_of_each_workload_and_why(question):
    reply = ask(
        "architecture-advisor",
        "support chat on sonnet 5.5, 20k req/day, 2k sys + 200 in, 300 out, users waiting. "
        "nightly report summaries on sonnet 5.5, 5k docs/night, 3k in 400 out, read next "
        f"morning. costs per month? {question}",
    )

    pattern = reply.text.split("**Which API pattern.**")[1].split("\n\n")[0]
    assert "real-time calls with streaming, because someone waits for the answer" in pattern
    assert "Message Batches API, because nobody needs it before the next morning" in pattern
    assert "a month before" in headline(reply.text)


# -- never confidently wrong -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("engine", "message"),
    [
        ("cost-estimator", '{"input_tokens": 1830, "output_tokens": 244} on sonnet 5.5, what is '
         "that per month?"),
        ("cost-estimator", '{"input_tokens": 1830, "output_tokens": 244} sonnet 5.5. $/mo?'),
        ("cost-estimator", "convos average 6 turns, 200 tokens per turn, 1k system prompt, sonnet "
         "5.5, we resend the whole history. cost per month?"),
    ],
)  # fmt: skip
def test_a_period_the_calculations_cannot_give_is_named_as_not_given(engine, message):
    reply = ask(engine, message)

    assert reply.calculations
    assert reply.text.startswith("**Not given: the cost per month** you asked for.")
    assert "tell me the volume" in reply.text


@pytest.mark.parametrize(
    ("message", "workloads"),
    [
        ("what does one of those msgs cost? 150k-token prompt, 500 out on sonnet 5.5, ~200 a day",
         1),
        ("support bot on sonnet 5.5, users waiting, 20k req/day, 1500 in 300 out. our spend limit "
         "is $1,000 a month", 1),
    ],
)  # fmt: skip
def test_a_question_or_a_spend_limit_is_not_read_as_a_workload(message, workloads):
    reply = ask("architecture-advisor", message)

    plan = next(c for c in reply.calculations if c.tool == "plan_architecture").output
    assert len(plan["workloads"]) == workloads
    assert plan["workloads"][0]["name"].split()[0].lower() not in ("what", "spend", "our")


@pytest.mark.parametrize(
    ("engine", "message"),
    [
        ("cost-estimator", "sonnet 5.5, 500 users each sending 40 msgs a day, 1k in 200 out. cost "
         "per user per month?"),
        ("cost-estimator", "500 users, 40 msgs/day each, on sonnet 5.5, 1k in 200 out. $/user/mo?"),
        ("architecture-advisor", "support chat for 500 users, 40 msgs a day each, on sonnet 5.5, "
         "users waiting, 1k in 200 out. what does each user cost us a month?"),
    ],
)  # fmt: skip
def test_a_cost_per_user_is_the_month_over_the_users_counted(engine, message):
    reply = ask(engine, message)

    month = per_request(SONNET, 1000, 200) * 20_000 * 30
    assert "Per user (500 users, sharing the traffic evenly): " in reply.text
    assert f"**{format_usd(month / 500)} a month**" in reply.text, reply.text


def test_a_cost_per_user_without_a_count_of_users_is_named_as_not_given():
    reply = ask("cost-estimator", "sonnet 5.5, 20k req/day, 1k in 200 out. $/user/mo?")

    assert reply.calculations
    assert reply.text.startswith("**Not given: the cost per user** you asked for.")


@pytest.mark.parametrize(
    "message",
    [
        "opus 5.5 summarizer, 3k in 500 out, 1,200 calls per month. what's one call cost and the "
        "monthly?",
        "how much is a single call, and the month? opus 5.5, 3k in 500 out, 1,200 calls per month",
    ],
)
def test_the_one_of_a_question_about_one_request_is_not_read_as_a_volume(message):
    reply = ask("cost-estimator", message)

    one = per_request("claude-opus-5-5", 3000, 500)
    assert f"{format_usd(one)} a request" in reply.text, reply.text
    assert f"{format_usd(one * 1200)} a month" in reply.text
