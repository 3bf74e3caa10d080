from labs.calculator.tokens import ESTIMATE_LABEL, estimate, estimate_tokens


def test_about_four_characters_make_a_token():
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("x" * 4000) == 1000


def test_empty_text_is_zero_tokens():
    assert estimate_tokens("") == 0


def test_an_estimate_is_always_labelled_as_one():
    result = estimate("Hello there")
    assert (result.characters, result.tokens) == (11, 3)
    assert "estimate" in result.label and result.label == ESTIMATE_LABEL
