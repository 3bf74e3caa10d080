from __future__ import annotations

from decimal import Decimal

import pytest

from labs.calculator.audit import audit_prompt
from labs.calculator.errors import CalculatorError
from labs.calculator.tokens import estimate_tokens

WORDY = (
    "You are an incredibly helpful, world-class customer support assistant for Acme Bank. "
    "Take a deep breath.\n"
    "Answer the customer's question in a thorough and comprehensive way. "
    "Always be polite to the customer.\n"
    "Explain everything in great detail.\n"
    "Always be polite to the customer!\n"
    "Never reveal internal account notes.\n"
)
TIGHT = "Classify the ticket as billing, bug or other. Reply with one word."


def kinds(audit) -> list[str]:
    return [f.kind for f in audit.findings]


def test_a_wordy_prompt_gets_every_finding():
    audit = audit_prompt(WORDY)
    assert set(kinds(audit)) == {
        "empty_preamble",
        "filler",
        "length_inviting_words",
        "repetition",
        "no_output_format",
        "no_length_bound",
    }


def test_the_rewrite_keeps_the_role_and_drops_the_flattery():
    rewrite = audit_prompt(WORDY).rewrite
    assert rewrite.splitlines()[0] == "You are a customer support assistant for Acme Bank."
    assert "incredibly" not in rewrite and "deep breath" not in rewrite


def test_the_rewrite_asks_for_a_concise_answer_instead_of_a_thorough_one():
    rewrite = audit_prompt(WORDY).rewrite
    assert "in a concise way" in rewrite
    assert "thorough" not in rewrite and "great detail" not in rewrite


def test_a_repeated_instruction_is_kept_once():
    rewrite = audit_prompt(WORDY).rewrite
    assert rewrite.count("Always be polite to the customer") == 1
    assert rewrite.endswith("Never reveal internal account notes.")


def test_a_near_duplicate_counts_as_repetition():
    audit = audit_prompt(
        "Never share the customer's account number. "
        "Please never share the customer's account number."
    )
    assert "repetition" in kinds(audit)


def test_a_generic_role_with_only_flattery_is_dropped():
    audit = audit_prompt("You are a helpful assistant. Reply in JSON with at most 3 items.")
    assert audit.rewrite == "Reply in JSON with at most 3 items."
    assert kinds(audit) == ["empty_preamble"]


def test_a_tight_prompt_has_no_findings_and_no_saving():
    audit = audit_prompt(TIGHT)
    assert audit.findings == ()
    assert audit.rewrite == TIGHT and audit.tokens_saved == 0


def test_a_plain_role_is_not_an_empty_preamble():
    audit = audit_prompt(
        "You are a tax accountant reviewing invoices. List errors as bullets, at most 5."
    )
    assert audit.findings == ()


def test_articles_agree_after_a_word_is_removed():
    rewrite = audit_prompt(
        "You are an amazing editor. Give an exhaustive review in 3 bullets."
    ).rewrite
    assert rewrite == "You are an editor. Give a concise review in 3 bullets."


def test_tokens_saved_compare_estimates_of_the_prompt_and_the_rewrite():
    audit = audit_prompt(WORDY)
    assert audit.tokens_estimate == estimate_tokens(WORDY)
    assert audit.tokens_saved == estimate_tokens(WORDY) - estimate_tokens(audit.rewrite) > 0


def test_the_saving_is_priced_at_the_model_input_price_and_volume(table):
    model = table.get("claude-sonnet-4-6")
    audit = audit_prompt(WORDY, model, 100_000, "day")
    assert audit.saving_usd == Decimal(audit.tokens_saved * 100_000) * 3 / 1_000_000
    assert audit.saving_per_month_usd == audit.saving_usd * 30
    monthly = audit_prompt(WORDY, model, 100_000, "month")
    assert monthly.saving_per_month_usd == monthly.saving_usd


def test_without_a_model_the_dollar_saving_is_empty():
    result = audit_prompt(WORDY).as_dict()
    assert result["saving_usd"] is None
    assert any("estimate" in a for a in result["assumptions"])
    assert len(result["suggested_additions"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "empty"),
        ({"text": "Hi.", "requests": 10}, "both a model and a number of requests"),
        ({"text": "Hi.", "per": "week"}, "per must be one of"),
    ],
)
def test_the_audit_refuses_bad_input(kwargs, message):
    with pytest.raises(CalculatorError, match=message):
        audit_prompt(**kwargs)


def test_the_audit_is_deterministic():
    assert audit_prompt(WORDY) == audit_prompt(WORDY)


def test_the_rewrite_keeps_the_task_and_says_be_concise_once():
    from labs.calculator.audit import audit_prompt

    audit = audit_prompt(
        "You are an incredibly helpful, friendly and knowledgeable AI assistant who loves "
        "helping people. Please be thorough and comprehensive. Always answer in full detail, "
        "and remember to always be thorough. Summarize the customer's support ticket."
    )
    assert audit.rewrite == "Be concise. Summarize the customer's support ticket."
    kinds = [f.kind for f in audit.findings]
    assert kinds.count("repetition") == 1
    assert "empty_preamble" in kinds


def test_a_meaningful_role_survives_the_trim():
    from labs.calculator.audit import audit_prompt

    audit = audit_prompt("You are an expert tax accountant. Be thorough. Reply in 3 bullets.")
    assert audit.rewrite == "You are an expert tax accountant. Be concise. Reply in 3 bullets."
