"""Reading classes found on an unseen set, in phrasings of our own: several questions in one
message, a cut stated inside one message, prompts pasted without quotes, short quoted phrases
asked about, routing shares with "the rest". Every figure is worked out here with Decimal from
the course price table, never taken from the tutor."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tests.labs.tutor_helpers import make_ask, usd

PRICES = {
    m["id"]: m["prices"]
    for m in yaml.safe_load(
        (Path(__file__).parents[2] / "content" / "pricing.yaml").read_text(encoding="utf-8")
    )["models"]
}

audit = make_ask("prompt-auditor")
caching = make_ask("caching-strategist")


def price(model_id: str, side: str) -> Decimal:
    return Decimal(PRICES[model_id][side]) / Decimal(1_000_000)


# -- D: an idea question and a scenario in one message: both are answered ----------------------


@pytest.mark.parametrize(
    ("message", "model", "cut", "per_day"),
    [
        (
            "why is output pricier than input? and what does trimming 200 output tok save at "
            "10k calls/day on haiku 5.5",
            "claude-haiku-5-5", 200, 10_000,
        ),
        (
            "Why does output cost more than input?? also if we shave ~120 tok off each answer, "
            "5k/day w/ sonnet 5.5, what is that worth per month",
            "claude-sonnet-5-5", 120, 5_000,
        ),
        (
            "why are output tokens dearer? plus cutting ~80 output tokens per call at 2.5k "
            "req/day on sonnet 5.5, saving p/mo?",
            "claude-sonnet-5-5", 80, 2_500,
        ),
    ],
)  # fmt: skip
def test_an_idea_question_beside_a_priced_cut_gets_both_answers(message, model, cut, per_day):
    reply = audit(message)
    assert "one token at a time" in reply.text  # the concept: why output costs more
    day = Decimal(cut) * per_day * price(model, "output")
    assert usd(str(day)) in reply.text
    assert usd(str(day * 30)) in reply.text
    assert "output price" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "why does my cache miss every time?? and if I move the date to the end of the prompt "
        "what's the saving, 4k tok sys prompt, 30k req/day on sonnet 5.5",
        "Why do I never get a cache hit? also what would caching a 6k token system prompt save "
        "at 20k requests/day on sonnet 5.5",
        "why does one changed char break the whole cache? and how much does caching save w/ a "
        "~5k tok sys prompt, 12k req/day, sonnet 5.5",
    ],
)
def test_a_cache_miss_question_beside_a_caching_scenario_gets_both_answers(message):
    reply = caching(message)
    # The idea: a hit needs the prefix to match exactly (or how to find what breaks it).
    assert "token for token" in reply.text or "never hits" in reply.text
    assert "/lessons/prompt-caching/#" in reply.text
    assert reply.calculations and reply.calculations[0].tool == "caching_plan"


# -- E: a cut stated in one message is priced on the side it comes from --------------------------


@pytest.mark.parametrize(
    ("message", "model", "side", "cut", "per_day"),
    [
        ("cuts ~55 input tok per call, 20k req/day on sonnet 5.5 - saving p/mo?",
         "claude-sonnet-5-5", "input", 55, 20_000),
        ("if we shave ~120 tok off each answer, 5k/day w/ sonnet 5.5, worth what per month?",
         "claude-sonnet-5-5", "output", 120, 5_000),
        ("trimming 300 output tokens at 1.2k calls/day on haiku 5.5, how much /mo?",
         "claude-haiku-5-5", "output", 300, 1_200),
    ],
)  # fmt: skip
def test_a_cut_in_one_message_is_priced_on_its_own_side(message, model, side, cut, per_day):
    reply = audit(message)
    day = Decimal(cut) * per_day * price(model, side)
    assert usd(str(day)) in reply.text
    assert usd(str(day * 30)) in reply.text
    assert f"at the {side} price" in reply.text


# -- H: a prompt pasted without quotes is audited; a short quoted phrase is asked about ----------

BLOCK = (
    "You are an expert support agent for Acme. You always answer every question thoroughly.\n"
    "Please make sure to be extremely helpful and friendly to the customer.\n"
    "Explain your reasoning step by step in great detail before giving the answer."
)


@pytest.mark.parametrize(
    ("message", "volume"),
    [
        (f"what's wasteful here? 12k calls/day on haiku 5.5\n---\n{BLOCK}\n---", "12,000"),
        (f"our sys prompt below runs ~5k times a day on haiku 5.5, thoughts?\n\n{BLOCK}", "5,000"),
        (f"pls look at this one, 800 req/day w/ haiku 5.5:\n\n{BLOCK}\n\nwhere's the waste", "800"),
        (f"---\n{BLOCK}\n---\nthat's our system prompt, 2.5k calls/day, haiku 5.5", "2,500"),
    ],
)
def test_a_prompt_pasted_without_quotes_is_audited(message, volume):
    reply = audit(message)
    assert "Trimmed version" in reply.text
    assert "in great detail" in reply.text  # a finding quotes the pasted text
    assert f"At {volume} requests a day on Claude Haiku 5.5" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "if my prompt says 'be comprehensive' can I just set max_tokens=150?",
        "our prompt says 'be thorough' - could we just cap max_tokens at 200 instead?",
        "if the prompt has 'answer in detail', can i just set max_tokens to 300?",
    ],
)
def test_a_short_quoted_phrase_beside_max_tokens_is_answered_as_truncation(message):
    reply = audit(message)
    assert reply.kind == "concept" and not reply.calculations
    assert "truncates" in reply.text and "Ask for brevity in the prompt" in reply.text
    assert "Happy to audit" not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "is 'you are a world-class expert' ever worth it?",
        "is 'You are an expert copywriter' worth keeping in the sys prompt?",
        "does 'you are a world-class senior engineer' at the top do anything?",
    ],
)
def test_a_short_quoted_persona_line_is_answered_as_a_preamble_question(message):
    reply = audit(message)
    assert reply.kind == "concept"
    assert "/lessons/model-selection/#1-cut-the-preamble" in reply.text


# -- I: routing shares with "the rest", a classifier sized inline, names not ids -----------------


def request_cost(model: str, inp: int, out: int) -> Decimal:
    return inp * price(model, "input") + out * price(model, "output")


@pytest.mark.parametrize(
    ("message", "simple", "per_day", "inp", "out", "cls_in", "cls_out"),
    [
        ("~80% simple -> haiku 5.5, rest -> sonnet 5.5, 50k req/day, 1.2k in / 300 out, "
         "classifier = haiku 5.5 w/ 350 tok in, 3 out", 80, 50_000, 1200, 300, 350, 3),
        ("routing: 70% simple -> haiku 5.5, the others -> sonnet 5.5. 20k req/day, 2k in / "
         "400 out, classifier = haiku 5.5 w/ 500 tok in, 5 out", 70, 20_000, 2000, 400, 500, 5),
        ("tiered: 65% easy -> haiku 5.5, remaining -> sonnet 5.5; 8k requests/day, 900 in / "
         "250 out; classifier = haiku 5.5 w/ 200 tok in, 2 out", 65, 8_000, 900, 250, 200, 2),
    ],
)  # fmt: skip
def test_the_rest_of_a_routing_mix_goes_to_the_model_named_for_it(
    message, simple, per_day, inp, out, cls_in, cls_out
):
    reply = audit(message)
    haiku, sonnet = "claude-haiku-5-5", "claude-sonnet-5-5"
    share = Decimal(simple) / 100
    routed = (
        per_day * share * request_cost(haiku, inp, out)
        + per_day * (1 - share) * request_cost(sonnet, inp, out)
        + per_day * request_cost(haiku, cls_in, cls_out)
    )
    baseline = per_day * request_cost(sonnet, inp, out)
    assert usd(str(routed)) in reply.text
    assert usd(str(baseline)) in reply.text
    assert usd(str(baseline - routed)) in reply.text
    assert f"{100 - simple}%" in reply.text
    # The table names models as learners read them, never by API id.
    assert "Claude Sonnet 5.5 |" in reply.text and "claude-haiku-5-5" not in reply.text
