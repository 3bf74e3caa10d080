"""The prompt auditor on phrasings it was never tuned for, one class of reading per test: output
trims priced at the output price, a share of a prompt named as dead weight, a smaller size said
to be enough, a cut from a prompt that is already cached, a missing model, the period asked for,
a prompt pasted after an introducing line or inside a request body, and classic filler."""

import pytest

from labs.calculator.audit import audit_prompt
from tests.labs.tutor_helpers import make_ask, usd

ask = make_ask("prompt-auditor")


# -- an output trim is priced at the output price ------------------------------------------------
@pytest.mark.parametrize(
    ("message", "saving"),
    [
        # 400 fewer output tokens x 1M a month x $0.50 (Haiku output) = $200.00 a month.
        ("capping summaries: avg answer length went 500 -> 100 tok. haiku 5.5, 1M calls a month. "
         "monthly saving?", "200.00"),
        # 200 fewer x 10,000 a day x $10 (Sonnet output) = $20/day, $600 a month.
        ("on sonnet 5.5 at 10k requests/day our replies dropped 350 -> 150 tokens once we asked "
         "for bullets. what's that a month?", "600.00"),
    ],
)  # fmt: skip
def test_an_output_size_before_an_arrow_is_priced_as_output_not_input(message, saving):
    reply = ask(message)
    change = reply.calculations[0]
    assert "output_tokens" in change.input["changes"]
    assert f"saves {usd(saving)} a month" in reply.text
    assert "output" in reply.text


# -- the period asked for leads ------------------------------------------------------------------
def test_a_trim_asked_per_year_is_answered_per_year_first():
    # 1,000 -> 600 system tokens: 400 x 30,000 a day x $2 (Sonnet input) = $24/day, x 365 = $8,760.
    reply = ask(
        "sonnet 5.5, 30k req/day: the system prompt goes 1,000 -> 600 tokens. what's it worth "
        "per year?"
    )
    assert f"saves {usd('8760.00')} a year" in reply.text


def test_a_trim_asked_per_day_is_answered_per_day_first():
    reply = ask("haiku 5.5, 200k calls a day, system prompt 2,000 -> 1,500 tokens. daily saving?")
    # 500 x 200,000 x $0.10 / 1e6 = $10.00 a day.
    assert f"saves {usd('10.00')} a day" in reply.text


# -- a share of a prompt named as dead weight ----------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "system prompt is ~3k tokens, ~800 of that is pleasantries we could drop. sonnet 5.5 at "
        "20k requests a day. cost of the pleasantries per month?",
        "our prompt has 2,500 tok, 800 of which are boilerplate. sonnet 5.5, 20k calls/day, "
        "what does the boilerplate cost a month?",
    ],
)
def test_a_share_of_the_prompt_named_as_filler_is_what_gets_priced(message):
    reply = ask(message)
    # 800 x 20,000 x $2 / 1e6 = $32 a day, $960 a month.
    assert reply.calculations[0].input["system_tokens"] == 800
    assert usd("960.00") in reply.text
    assert "I could not tell" not in reply.text


# -- a smaller size said to be enough ------------------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "the safety rules are ~150 tok spread over 3 places; a single ~50 tok paragraph would "
        "do. haiku 5.5, 1M req/day. saving a month?",
        "we restate the format 5 different ways, ~200 tokens; one 40 token line is enough. "
        "haiku 5.5, 1M req/day. saving per month?",
    ],
)
def test_a_smaller_size_said_to_be_enough_is_the_trimmed_size(message):
    reply = ask(message)
    change = reply.calculations[0]
    assert change.tool == "workload_change"
    before = sum(v for k, v in change.input.items() if k.endswith("_tokens"))
    after = sum(change.input["changes"].values())
    # 100 fewer tokens x 1M x $0.10 / 1e6 = $10/day, $300 a month; 160 fewer = $480.
    saved = before - after
    assert saved in (100, 160)
    assert f"saves {usd('300.00' if saved == 100 else '480.00')} a month" in reply.text


# -- a cut from a prompt that is already cached --------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "we could remove 2,000 tok from the system prompt. sonnet 5.5, 100k rpd, and the "
        "prompt is already cached, it always hits. monthly value of the cut?",
        "could drop ~2000 tokens from our cached sonnet 5.5 prompt (hit rate ~99%), 100k "
        "requests a day. worth it per month?",
    ],
)
def test_a_cut_from_an_already_cached_prompt_saves_the_cache_read_price(message):
    reply = ask(message)
    # 2,000 x 100,000 x $0.10 (cache read) / 1e6 = $20/day, about $600 a month, not $12,000.
    assert "cache read" in reply.text
    assert usd("12,000.00".replace(",", "")) not in reply.text.split("Uncached")[0]
    assert "$600." in reply.text


# -- no model named: ask, do not price a default -------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "removing that boilerplate cuts ~300 tok per call, we do 40k calls a day. $/month?",
        "we can cut 1,200 tokens from the prompt at 5k requests a day. how much is that monthly?",
    ],
)
def test_a_cut_without_a_model_asks_which_model(message):
    reply = ask(message)
    assert reply.asked_follow_up
    assert "Which model" in reply.text
    assert not reply.calculations


# -- a prompt pasted after an introducing line or in a request body ------------------------------
def test_a_prompt_pasted_after_a_line_ending_in_a_colon_is_audited():
    reply = ask(
        "can you review this system prompt, haiku 5.5 at 50k calls a day:\n\n"
        "You are a brilliant and amazing writing coach. Give thorough feedback on the essay "
        "below. Please be comprehensive and cover everything the student could improve.\n\n"
        "{{ essay }}"
    )
    assert reply.calculations[0].tool == "audit_prompt"
    assert "Empty preamble" in reply.text and "Words that invite length" in reply.text


def test_a_request_body_is_audited_on_its_system_string_and_a_retired_model_is_named():
    reply = ask(
        "what's wrong with this call? ~20k a day\n\n"
        '{"model": "claude-3-haiku-20240307", "max_tokens": 2048, "system": "You are a '
        "friendly assistant. You are a friendly assistant who tags support emails. Explain "
        'your reasoning in great detail.", "messages": []}'
    )
    assert "retired" in reply.text
    assert "Repetition" in reply.text
    assert "Words that invite length" in reply.text


# -- classic filler and a rewrite that reads as sentences -----------------------------------------
@pytest.mark.parametrize(
    ("prompt", "kept"),
    [
        ("You are a brilliant, meticulous and world-class tax advisor. Answer in JSON.",
         "You are a tax advisor."),
        ("You are Max, an extremely smart, empathetic and friendly travel agent. You love helping "
         "people. Reply in 2 sentences.", "You are Max, a travel agent."),
    ],
)  # fmt: skip
def test_flattery_in_a_list_of_describing_words_goes_without_leaving_stray_commas(prompt, kept):
    audit = audit_prompt(prompt)
    assert audit.rewrite.startswith(kept)
    assert ", ," not in audit.rewrite and "a," not in audit.rewrite


@pytest.mark.parametrize(
    "sentence",
    [
        "You are the smartest research assistant in the world.",
        "You always go above and beyond.",
        "You truly enjoy helping people.",
    ],
)
def test_pep_talk_about_the_model_is_filler(sentence):
    audit = audit_prompt(f"{sentence} Classify the ticket as billing or other.")
    assert any(f.kind == "filler" for f in audit.findings)
    assert audit.rewrite == "Classify the ticket as billing or other."


def test_a_sentence_said_again_with_more_after_it_is_a_repetition():
    audit = audit_prompt(
        "You are a support assistant. You are a support assistant for the billing team. Reply "
        "in one sentence."
    )
    assert any(f.kind == "repetition" for f in audit.findings)


def test_a_length_request_that_leaves_only_its_reason_is_dropped():
    audit = audit_prompt(
        "Be thorough. Make sure to cover everything so the reader learns a lot. Reply in JSON."
    )
    assert "So the reader" not in audit.rewrite


# -- a qualifier stated with a concept question --------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "can caching help with our search results context? the retrieved passages change on "
        "every request",
        "we put ~4k tok of rag chunks in each prompt; caching them would fix the bill, right? "
        "the chunks are different per query though",
    ],
)
def test_parts_said_to_differ_on_every_call_are_answered_as_never_read_from_the_cache(message):
    reply = ask(message)
    assert reply.text.startswith("You say the retrieved chunks or documents differ on every call")
    assert "never read" in reply.text and "retrieve fewer" in reply.text
    assert not reply.calculations


def test_a_concept_question_without_that_qualifier_gets_the_plain_answer():
    reply = ask("can I cache the retrieved documents?")
    assert "You say" not in reply.text


# -- how big a test set must be ------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "what sample size do we need to trust sonnet over opus for summarising?",
        "how many test items to be confident haiku can do our tagging?",
    ],
)
def test_how_many_examples_to_trust_a_model_is_answered_with_the_test_set_size(question):
    reply = ask(question)
    assert "50 to 200" in reply.text and "real traffic" in reply.text


# -- a new size after "down to" with words between -----------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "sonnet 5.5, 10k calls a day. answers run ~400 output tok; if we cut that to a one-line "
        "verdict (~40 tok), monthly saving?",
        "sonnet 5.5 at 10k req/day, the output is about 400 tokens, could get it down to a short "
        "json of maybe 40 tokens. what's that a month?",
    ],
)
def test_a_new_size_after_down_to_replaces_the_old_one(message):
    reply = ask(message)
    # 360 fewer output tokens x 10,000 x $10 / 1e6 = $36/day, $1,080 a month.
    assert reply.calculations[0].input["changes"] == {"output_tokens": 40}
    assert f"saves {usd('1080.00')} a month" in reply.text


# -- a size in characters ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("the system prompt is ~10,000 characters. what does it cost per month on sonnet 5.5 at "
         "5k requests a day?", "month"),
        ("sonnet 5.5, 5k req/day, our instructions are 10000 chars long. daily cost of them?",
         "day"),
    ],
)  # fmt: skip
def test_a_size_in_characters_is_read_as_about_a_quarter_as_many_tokens(message, asked):
    reply = ask(message)
    # 10,000 / 4 = 2,500 tokens x 5,000 x $2 / 1e6 = $25 a day, $750 a month.
    assert reply.calculations[0].input["system_tokens"] == 2500
    assert "characters read as about 2,500 tokens" in reply.text
    figure = usd("750.00") if asked == "month" else usd("25.00")
    assert f"**{figure} a {asked}**" in reply.text
    assert "count_tokens" in reply.text


# -- a router in front, and the tiers on the models the learner named ----------------------------
def test_a_router_is_read_as_the_classifier_and_the_rest_stays_on_the_model_named():
    reply = ask(
        "80% of our questions are easy, 20% are hard. 20k requests a day, 2,000 in / 300 out, "
        "all on opus 5.5 now. we'd add a haiku 5.5 router (~300 tok in, 3 out), send the easy "
        "ones to haiku 5.5 and the rest stays on opus. daily cost before and after?"
    )
    (call,) = reply.calculations
    assert call.tool == "routing_savings"
    assert call.input["models"] == {"simple": "claude-haiku-5-5", "complex": "claude-opus-5-5"}
    assert call.input["classifier_input_tokens"] == 300
    assert call.input["classifier_output_tokens"] == 3
    assert call.input["input_tokens"] == 2000


def test_a_tier_sent_to_sonnet_is_priced_on_sonnet_not_the_default_opus():
    reply = ask(
        "traffic: 60% simple, 40% complex. 10k req/day at 1k in / 200 out, sonnet 5.5 today. "
        "a haiku 5.5 classifier (200 tokens in, 2 out), simple ones to haiku, the others stay "
        "on sonnet. savings per day?"
    )
    (call,) = reply.calculations
    assert call.input["models"]["complex"] == "claude-sonnet-5-5"


# -- an input trim against an output trim --------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "verdict"),
    [
        # Opus 5.5: 1,000 x $4 = $0.004 against 100 x $20 = $0.002.
        ("opus 5.5: which saves more, cutting 1,000 input tokens or 100 output tokens?",
         "Trimming the 1,000 input tokens saves more"),
        # Haiku 5.5: 200 x $0.10 = $0.00002 against 40 x $0.50 = $0.00002.
        ("haiku 5.5 - is it better to cut 200 tokens of prompt or 40 tokens of answer per call?",
         "They save the same"),
    ],
)  # fmt: skip
def test_an_input_trim_and_an_output_trim_are_priced_side_by_side(message, verdict):
    reply = ask(message)
    assert verdict in reply.text
    assert "five times" in reply.text
    assert [c.tool for c in reply.calculations] == ["estimate_cost", "estimate_cost"]


# -- prompt-design words are on topic ------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "our persona paragraph, is it pulling its weight?",
        "does a flattering intro like 'you are a genius' actually help?",
    ],
)
def test_a_question_about_a_preamble_is_answered_not_refused(question):
    reply = ask(question)
    assert reply.kind == "concept"
    assert "every call" in reply.text and "test set" in reply.text
