"""The cost estimator with a pasted prompt template ("... {git_log} ..."), the history-replay
reply's lesson link, and a concept question that comes with an unfinished scenario: the idea is
answered and the engine's question for the missing figure is kept, not replaced."""

from decimal import Decimal

import pytest

from .pricing_by_hand import MILLION, prices
from .tutor_helpers import make_ask

estimate = make_ask("cost-estimator")
TOKEN_ECONOMICS = "/modules/cost-optimization/lessons/token-economics/"


@pytest.mark.parametrize(
    ("message", "slot"),
    [
        ('how many tokens is this prompt and what does it cost per call on sonnet 5.5?\n"""\n'
         "You are a release-notes writer. Given the git log below, write a summary for customers "
         'in three bullet points.\n{git_log}\n"""', "{git_log}"),
        ("cost per call on haiku 5.5 for this?\n```\nSummarise the ticket below for an agent in "
         "two sentences. Keep names out.\n{{ticket_body}}\n```", "{ticket_body}"),
        ('sonnet 5.5, what would this template cost? """Answer the customer using the policy '
         'excerpt. Be polite and brief. Policy: {policy} Question: {question}"""', "{policy}"),
    ],
)  # fmt: skip
def test_a_pasted_template_is_estimated_and_its_placeholder_and_answer_sizes_are_asked(
    message, slot
):
    reply = estimate(message)

    assert reply.asked_follow_up and reply.text.rstrip().endswith("?")
    assert "`count_tokens`" in reply.text
    assert f"`{slot}`" in reply.text
    assert "how long is a typical answer" in reply.text
    assert TOKEN_ECONOMICS in reply.text
    audit = next(c for c in reply.calculations if c.tool == "audit_prompt")
    one = next(c for c in reply.calculations if c.tool == "estimate_cost")
    fixed = audit.output["tokens_estimate"]
    assert f"about **{fixed:,} tokens**" in reply.text
    # The template alone, priced by hand: its tokens at the model's input price, no output.
    assert Decimal(one.output["total_usd"]) == fixed * prices(one.input["model"])["input"] / MILLION


def test_the_history_replay_reply_links_its_lesson_section():
    reply = estimate("if every turn adds ~200 tok and we replay the full history each time, how "
                     "much input do we send in total over a 10-turn chat?")  # fmt: skip

    # 200 x (1 + 2 + ... + 10) = 11,000 tokens over the conversation.
    assert "**11,000 input tokens**" in reply.text
    assert f"{TOKEN_ECONOMICS}#conversation-history-is-replayed" in reply.text


@pytest.mark.parametrize(
    ("message", "concept"),
    [
        ("why is output priced higher than input? we use sonnet 5.5 with a 2k sys prompt",
         "Is output always five times the input price?"),
        ("does a shorter max_tokens lower the input bill? our haiku 5.5 prompt is 3k tokens",
         "Does a shorter max_tokens lower the input bill?"),
        ("is the 5-minute cache refreshed on each hit? we send a 4k system prompt on sonnet 5.5",
         "Is the cache lifetime refreshed on a hit?"),
    ],
)  # fmt: skip
def test_a_concept_answer_does_not_replace_the_engines_question(message, concept):
    reply = estimate(message)

    assert f"**{concept}**" in reply.text
    assert reply.asked_follow_up
    assert "Could you tell me how many tokens an answer is" in reply.text
