"""The matcher that tells a lab message asking for a module-test item (labs/tutor/open_test.py)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from labs.tutor.open_test import found_in_conversation, matching_item, numbers_in, words_in


@dataclass(frozen=True)
class Item:
    key: str
    stem: str
    options: tuple[str, ...] = ()


def test_figures_are_read_scaled_and_without_model_versions():
    found = numbers_in("Sonnet 5.5, 1k req/day, a 2,000-token prompt, 1.5M a month, 80% and $12.60")
    assert found == {
        Decimal(1000), Decimal(2000), Decimal(1_500_000), Decimal(80), Decimal("0.8"),
        Decimal("12.6"),
    }  # fmt: skip
    assert numbers_in("claude-haiku-4-5-20251001 on Opus 5") == set()


def test_words_are_stemmed_and_drop_what_every_cost_question_says():
    assert words_in("Caching the cached prefix") == {"cach", "prefix"}
    assert words_in("tokens per request per day") == set()


STEM = (
    "A Sonnet 5.5 endpoint handles 1,000 requests a day. Each request sends a 2,000-token "
    "system prompt and a 1,000-token user message and receives an 800-token answer. No caching "
    "or batch. What does the endpoint cost per day?"
)
ITEM = Item("te-1", f"<p>{STEM}</p>", ("<p>$12.60</p>", "<p>$9.00</p>"))


@pytest.mark.parametrize(
    "message",
    [
        "sonnet 5.5, 1k req/day, 2k token system prompt, 1k user msg, 800 out. daily cost?",
        "What would 1000 calls a day cost with 2000 system tokens, 1000 user tokens, 800 output?",
        "is an endpoint on sonnet at 1000 a day with a 2k system prompt about $12.60 a day?",
    ],
)
def test_a_paraphrase_with_the_items_figures_is_caught(message):
    found = matching_item(message, [ITEM])
    assert found is not None and found.item is ITEM


@pytest.mark.parametrize(
    "message",
    [
        "What does Sonnet 5.5 cost at 50,000 requests a day with a 1,200-token system prompt, a "
        "300-token user message and 400 output tokens?",
        # Two of the item's round numbers among the learner's own: their scenario, not the item.
        "Sonnet 5.5, 20,000 requests a day: 2,000-token system prompt, 1,000 tokens of docs, "
        "100-token question, 300-token answer. What's the daily cost?",
        "How much does a 1,000-token prompt cost on Haiku 5.5?",
        "thanks!",
    ],
)
def test_a_question_with_other_figures_is_not_caught(message):
    assert matching_item(message, [ITEM]) is None


WORDY = Item(
    "pc-2",
    "A request uses three breakpoints: after the tool definitions, after the system prompt, and "
    "at the end of the conversation history. You add one new tool to the tool list. On the next "
    "request, which cached sections can still be read from the cache?",
)


def test_an_item_without_figures_is_caught_by_its_wording():
    message = (
        "with breakpoints after the tool definitions, after the system prompt and at the end of "
        "the history, I add a new tool to the list: which cached sections can still be read?"
    )
    assert matching_item(message, [WORDY, ITEM]).item is WORDY


def test_a_question_on_the_same_idea_in_other_words_is_not_caught():
    assert matching_item("does adding a tool break the prompt cache?", [WORDY]) is None


def test_a_paraphrase_split_over_two_turns_is_caught_but_not_a_thanks_after_it():
    earlier = ["sonnet 5.5 endpoint, 1k requests a day, 2k-token system prompt"]
    assert found_in_conversation("1k user message and 800 out: daily cost?", earlier, [ITEM])
    assert found_in_conversation("thanks, that helps", earlier, [ITEM]) is None


def test_every_numeric_item_of_the_course_test_is_caught_by_a_paraphrase(course):
    from quizzes.models import Question

    paraphrases = {
        "mt-te-1": "Sonnet 5.5, 1k requests/day, 2k token system prompt, 1k user msg, 800 out "
        "tokens. Daily cost?",
        "mt-te-5": "haiku 5.5 agent: 10,000 req per day, tools 1500 tokens, system 500, user 300,"
        " answers 200. what's it cost daily",
        "mt-te-2": "If every turn adds 200 tokens and the app resends the full conversation, how "
        "many tokens get sent over 10 turns in total?",
        "mt-pc-1": "I cache a 25k token contract (5 min TTL) and ask 10 questions quickly on "
        "Sonnet 5. How much do I save on those tokens with caching?",
        "mt-ms-5": "100k requests a day on Sonnet 5.5 with 300 in / 50 out. 80% could go to Haiku"
        " 5.5. A classifier on Sonnet reads 300 tokens and writes 5. What does routing save?",
        "mt-pcx-8": "100,000 req/day, 4000 token system prompt, 500 user, 300 output: move Sonnet"
        " 5.5 to Haiku 5.5, then cache the system prompt, then batch. which step saves most?",
        "mt-pc-5": "A job runs on Opus 5.5 every 10 minutes all day with the same 20k-token "
        "prefix; which cache TTL is cheapest?",
        "mt-te-4": "Haiku 5.5 request with 104k prompt tokens, uncached, 2k answer: how is it "
        "billed?",
    }
    items = [
        Item(q.key, q.stem_html, tuple(c.text_html for c in q.choices.all()))
        for q in Question.objects.filter(quiz__kind="test")
    ]
    assert {i.key for i in items} >= paraphrases.keys()
    for key, message in paraphrases.items():
        found = matching_item(message, items)
        assert found is not None and found.item.key == key, (key, found)


def test_the_labs_example_questions_match_no_test_item(course):
    from labs.models import Lab
    from quizzes.models import Question

    items = [Item(q.key, q.stem_html) for q in Question.objects.filter(quiz__kind="test")]
    for lab in Lab.objects.all():
        assert matching_item(lab.try_asking, items) is None, lab.slug


@dataclass(frozen=True)
class StatedItem(Item):
    state: str = "open"
    number: int = 1


def test_the_tutors_front_layer_declines_an_open_item_and_notes_a_missed_one():
    from labs.tutor import answer

    message = "sonnet 5.5, 1k req/day, 2k token system prompt, 1k user msg, 800 out. daily cost?"
    declined = answer("cost-estimator", message, [], test_items=[StatedItem("te-1", STEM)])
    assert declined.kind == "refuse" and not declined.calculations
    assert "You have the module test open" in declined.text
    missed = StatedItem("te-1", STEM, state="missed")
    worked = answer("cost-estimator", message, [], test_items=[missed])
    assert worked.calculations and "which you missed" in worked.text
    assert answer("cost-estimator", UNRELATED_TO_STEM, [], test_items=[missed]).calculations


UNRELATED_TO_STEM = "Haiku 5.5 at 2,000 requests a day, 3,000-token system prompt, 600 output?"
