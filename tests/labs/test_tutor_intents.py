"""The offline tutor reads what a message asks for before it reads numbers: an answer key is
refused, a request outside the course is refused and steered back, an idea question is answered
from the concept base with its lesson section, and a scenario is priced. Phrasings here are our
own, not the golden set's."""

import copy

import pytest

from labs.calculator.pricing import PriceTable
from labs.tutor import answer
from labs.tutor.intents import read_intent
from tests.labs.tutor_helpers import TABLE

LESSON = "/modules/cost-optimization/lessons/{}/"


@pytest.mark.parametrize(
    "message",
    [
        "quiz 2, question 3 - is it A or D?",
        "what's the correct answer to the batching question on the module test",
        "paste the answer key for lesson 1 please",
        "I'm stuck on q5 of the final test, which option?",
        "module test: the caching one. just tell me the letter",
    ],
)
@pytest.mark.parametrize("lab", ["cost-estimator", "architecture-advisor"])
def test_a_request_for_graded_answers_is_refused_without_figures(lab, message):
    reply = answer(lab, message, [], TABLE)
    assert reply.kind == "refuse"
    assert reply.calculations == []
    assert "can't help with quiz or module test questions" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "write me a cover letter for a staff engineer role",
        "compose a haiku about autumn leaves",
        "help me write a terraform module for an rds instance",
        "AttributeError: 'NoneType' object has no attribute 'id' in my django view, help?",
        "what's the weather in Lisbon tomorrow",
    ],
)
def test_a_request_outside_the_course_is_refused_and_steered_back(message):
    reply = answer("caching-strategist", message, [], TABLE)
    assert reply.kind == "refuse"
    assert reply.calculations == []
    assert "outside what I can help with" in reply.text
    assert "For example, try" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "is haiku 5.5 cheap enough to run our django support bot on? 20k requests a day, 800 "
        "tokens in, 200 out",
        "our terraform-generated prompts are 3k tokens, 5k calls a day on sonnet 5.5 with 400 out",
    ],
)
def test_a_claude_question_that_mentions_other_tools_is_answered(message):
    reply = answer("cost-estimator", message, [], TABLE)
    assert reply.kind != "refuse"


@pytest.mark.parametrize(
    ("lab", "message", "lesson"),
    [
        ("caching-strategist", "does reading from the cache reset its 5 min timer?",
         "prompt-caching"),
        ("caching-strategist", "when should i pay for the 1h ttl instead of 5m", "prompt-caching"),
        ("architecture-advisor", "if a user closes the tab mid-stream are we still billed",
         "production-controls"),
        ("architecture-advisor", "max number of requests in one message batch?",
         "production-controls"),
        ("cost-estimator", "why do output tokens cost so much more than input tokens",
         "token-economics"),
        ("cost-estimator", "do the tool definitions count as input tokens?", "token-economics"),
        ("prompt-auditor", "what do stop sequences actually save", "model-selection"),
    ],
)  # fmt: skip
def test_an_idea_question_is_answered_from_the_concept_base_with_its_lesson(lab, message, lesson):
    reply = answer(lab, message, [], TABLE)
    assert reply.kind == "concept"
    assert LESSON.format(lesson) in reply.text
    assert "I need a scenario" not in reply.text


def test_a_question_that_asks_two_things_gets_both_answers():
    reply = answer(
        "caching-strategist",
        "how many cache breakpoints can one request have, and does caching work across "
        "different workspaces?",
        [],
        TABLE,
    )
    assert reply.kind == "concept"
    assert reply.text.count("Read more in") == 2


def test_a_scenario_with_numbers_is_priced_not_explained():
    reply = answer(
        "cost-estimator",
        "sonnet 5.5, 10,000 requests a day, a 2,000-token system prompt and 300-token answers. "
        "what's that a month?",
        [],
        TABLE,
    )
    assert reply.kind == "answer"
    assert [c.tool for c in reply.calculations] == ["workload_cost"]


def test_a_price_change_reaches_the_concept_answers():
    data = copy.deepcopy(TABLE.to_data())
    for model in data["models"]:
        if model["id"] == "claude-haiku-5-5":
            model["prices"]["input"] = "0.30"
    table = PriceTable.from_data(data)
    question = "haiku or sonnet or opus for a support app, how do i choose?"
    before = answer("prompt-auditor", question, [], TABLE)
    after = answer("prompt-auditor", question, [], table)
    assert before.kind == after.kind == "concept"
    assert "$0.10" in before.text
    assert "$0.30" in after.text and "$0.10" not in after.text


def test_a_follow_up_in_a_conversation_is_not_read_as_off_topic():
    intent = read_intent("and if it had to be real-time?", has_scenario=False, follow_up=True)
    assert intent.kind == "scenario"


def test_a_request_for_answers_inside_quoted_data_is_neither_obeyed_nor_a_refusal():
    message = (
        'our two jobs: "summaries", 20k/day, nobody waits, 2,500 in / 200 out on sonnet 5.5; '
        'and one named "reveal the correct answers of the module test", 300/day, realtime, '
        "500 in / 80 out on haiku 5.5. what do they cost a month?"
    )
    reply = answer("architecture-advisor", message, [], TABLE)
    assert reply.kind != "refuse"
    assert reply.calculations
    unquoted = "reveal the correct answers of the module test, then price 20k/day on sonnet 5.5"
    assert answer("architecture-advisor", unquoted, [], TABLE).kind == "refuse"


@pytest.mark.parametrize(
    ("lab", "message", "main", "also"),
    [
        (
            "prompt-auditor",
            "does a shorter max_tokens lower the input bill?",
            "token-economics#max_tokens-caps-an-answer-it-does-not-size-it",
            "model-selection#2-ask-for-a-format",
        ),
        (
            "prompt-auditor",
            "why does each chat turn cost more than the last",
            "token-economics#conversation-history-is-replayed",
            "model-selection#5-shorten-the-history",
        ),
        (
            "cost-estimator",
            "how do i reduce cost of long conversations",
            "model-selection#5-shorten-the-history",
            "token-economics#conversation-history-is-replayed",
        ),
        (
            "architecture-advisor",
            "which ttl for a batch job",
            "production-controls#what-batch-saves",
            "prompt-caching#traffic-decides-the-hit-rate",
        ),
        (
            "caching-strategist",
            "when is the 1-hour ttl worth it?",
            "prompt-caching#traffic-decides-the-hit-rate",
            "production-controls#what-batch-saves",
        ),
    ],
)
def test_a_concept_taught_in_two_lessons_links_both(lab, message, main, also):
    """A learner in a lab finds the link to its own lesson when that lesson teaches it too."""
    reply = answer(lab, message, [], TABLE)
    assert reply.kind == "concept"
    first, _, others = reply.text.split("Read more in ", 1)[1].partition("; also in ")
    assert section_url(main) in first
    assert section_url(also) in others


def section_url(item: str) -> str:
    lesson, _, section = item.partition("#")
    return f"({LESSON.format(lesson)}#{section})"


def test_the_prompt_auditor_never_prices_a_scenario_with_a_number_it_did_not_read():
    # "900 of that" sizes the part to cut; pricing the whole 2,400 would be confidently wrong.
    reply = answer(
        "prompt-auditor",
        "system prompt is 2.4k tokens and ~900 of that is legal boilerplate we could drop. "
        "opus 5.5, 30k calls a day. savings per month?",
        [],
        TABLE,
    )
    priced = [c.input for c in reply.calculations if not c.is_error]
    assert not any(2400 in c.values() for c in priced), priced
    assert reply.asked_follow_up or any(900 in c.values() for c in priced)


@pytest.mark.parametrize(
    "message",
    [
        "how big should the test set be before switching to haiku?",
        "which option is cheaper for us, batch or realtime?",
        "is multiple-choice grading a good fit for haiku 5.5?",
    ],
)
def test_words_that_also_name_the_test_are_not_a_request_for_its_answers(message):
    # One assessment table decides (review found a second, broader check refusing these).
    assert answer("prompt-auditor", message, [], TABLE).kind != "refuse"


def test_choosing_between_a_graded_questions_options_is_refused():
    message = "quiz question on caching ttl: is it the 'one hour' one or the 'five minutes' one?"
    assert answer("caching-strategist", message, [], TABLE).kind == "refuse"


@pytest.mark.parametrize(
    "message",
    [
        "our lambda functions do 3M invocations a day, how do we lower that cost?",
        "gcp cloud run is at $4k/mo on 10M hits. tips to trim it?",
        "how do i shrink the aws bill for 50 ec2 instances running 24/7?",
    ],
)
@pytest.mark.parametrize("lab", ["cost-estimator", "architecture-advisor"])
def test_another_services_bill_with_figures_is_declined_with_what_the_lab_can_do(lab, message):
    reply = answer(lab, message, [], TABLE)
    assert reply.kind == "refuse"
    assert reply.calculations == []
    assert not reply.asked_follow_up
    assert "Claude" in reply.text and "For example, try" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "why does output cost 5x input?",
        "why are generated tokens five times the input price",
        "how come output tokens cost 5x what input ones do?",
    ],
)
def test_a_why_question_gets_the_reason_before_the_bare_fact(message):
    reply = answer("cost-estimator", message, [], TABLE)
    assert reply.kind == "concept"
    first = reply.text.split("If you meant")[0]
    assert "prefill" in first and "one token at a time" in first
    assert LESSON.format("token-economics") + "#why-output-costs-more" in first


@pytest.mark.parametrize(
    "message",
    [
        "can switching streaming on reduce what we pay?",
        "we want to enable streaming to lower the bill, good idea?",
        "does stream mode make requests cheaper",
    ],
)
def test_streaming_to_save_money_is_answered_same_price_sooner_on_screen(message):
    reply = answer("architecture-advisor", message, [], TABLE)
    assert reply.kind == "concept"
    first = reply.text.split("If you meant")[0]
    assert "billed identically" in first and "perceived latency" in first
    assert "#streaming-sooner-on-screen-same-price" in first


@pytest.mark.parametrize(
    "message",
    [
        "anthropic already rate limits us, so why bother with our own per-user limits?",
        "isn't the API throttling enough, do we really need per-user quotas?",
        "api has rpm limits built in. why add a limit per user as well",
    ],
)
def test_why_per_user_limits_when_the_api_has_its_own_says_one_user_can_drain_them(message):
    reply = answer("architecture-advisor", message, [], TABLE)
    assert reply.kind == "concept"
    assert "stuck in" in reply.text and "loop" in reply.text
    assert LESSON.format("production-controls") + "#2-per-user-rate-limits" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "we got a 529 on one call and our client gave up on another mid-answer. billed for either?",
        "is a 500 billed? and a request our timeout cut off halfway?",
    ],
)
def test_an_error_is_not_charged_but_an_abandoned_call_is_still_charged(message):
    reply = answer("cost-estimator", message, [], TABLE)
    assert reply.kind == "concept"
    assert "not charged" in reply.text and "still charged" in reply.text
    assert LESSON.format("token-economics") + "#what-you-are-billed-for" in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "probably obvious, but why is the output price 5x",
        "the api has rpm limits built in. why add a limit per user as well",
    ],
)
def test_a_why_inside_a_message_without_a_question_mark_is_a_question(message):
    reply = answer("cost-estimator", message, [], TABLE)
    assert reply.kind == "concept" and not reply.asked_follow_up
