"""Scenario items: fresh numbers per attempt, keyed by the calculator, stored with the attempt."""

import difflib
import random
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from authoring.pricing import current_price_table, publish_prices
from labs.calculator.commands import run
from labs.calculator.formatting import format_usd
from quizzes.items import live_items
from quizzes.models import Attempt, Question
from quizzes.retakes import start_test_attempt
from quizzes.scenarios import KEY, ScenarioError, draw, spec_problems
from tests.quizzes.helpers import (
    attempt_token,
    attempt_url,
    module_test,
    ordered_question_ids,
    right_choice,
    submit,
    wrong_choice,
)

pytestmark = pytest.mark.django_db
TEST_START = "/modules/cost-optimization/test/start/"


def calculator_key(kind: str, v: dict, table: object) -> tuple[str, str]:
    """The right answer as the calculator's own command layer gives it: (amount shown, label)."""
    if kind == "history-input-cost":
        out = run("history", {"turns": v["turns"], "turn_tokens": v["turn_tokens"],
                              "model": v["model"]}, table)  # fmt: skip
        return format_usd(Decimal(out["full_usd"])), ""
    if kind == "cached-prefix-daily":
        out = run("workload", {"model": v["model"], "requests": v["requests"], "per": "day",
                               "system": v["prefix"], "user": v["user"], "output": v["output"],
                               "cache_prefix": v["prefix"], "ttl": v["ttl"]}, table)  # fmt: skip
        return format_usd(Decimal(out["per_day_usd"])), ""
    if kind == "ttl-choice-sparse":
        costs = {}
        for ttl in ("5m", "1h"):
            out = run("cache", {"model": v["model"], "prefix": v["prefix"],
                                "requests": v["requests"], "per": "day", "ttl": ttl,
                                "traffic": "poisson"}, table)  # fmt: skip
            costs[ttl] = Decimal(out["with_cache_usd"])
        best = min(costs, key=costs.__getitem__)
        return format_usd(costs[best]), {"5m": "A 5-minute cache", "1h": "A 1-hour cache"}[best]
    if kind == "routing-net-saving":
        share = Decimal(v["simple_pct"]) / 100
        out = run("routing", {
            "mix": {"cheap": share, "strong": 1 - share},
            "models": {"cheap": v["cheap_model"], "strong": v["model"]},
            "baseline": v["model"], "requests": v["requests"], "per": "day",
            "input": v["input"], "output": v["output"], "classifier": v["cheap_model"],
            "classifier_input": v["classifier_input"],
            "classifier_output": v["classifier_output"],
        }, table)  # fmt: skip
        return format_usd(Decimal(out["saving_usd"])), ""
    if kind in ("spend-ceiling", "batch-monthly"):
        user = v["cap"] if kind == "spend-ceiling" else v["user"]
        out = run("workload", {"model": v["model"], "requests": v["requests"], "per": "day",
                               "system": v["system"], "user": user, "output": v["output"],
                               "batch": kind == "batch-monthly"}, table)  # fmt: skip
        return format_usd(Decimal(out["per_month_usd"])), ""
    raise AssertionError(f"no independent key for {kind}")


def scenario_questions() -> list[Question]:
    return list(Question.objects.exclude(scenario={}).filter(is_active=True).prefetch_related(
        "choices"
    ))  # fmt: skip


def assert_keys_match(table: object, draws_per_item: int = 25) -> None:
    rng = random.Random(7)
    questions = scenario_questions()
    assert len(questions) >= 11
    for question in questions:
        key_choice = next(c for c in question.choices.all() if c.computes == KEY)
        for _ in range(draws_per_item):
            drawn = draw(question, table, rng)
            outcome = drawn.outcomes[key_choice.pk]
            expected = calculator_key(question.scenario["kind"], drawn.values, table)
            assert (format_usd(outcome.amount), outcome.label) == expected, (question.key, drawn)
            shown = [(format_usd(o.amount), o.label) for o in drawn.outcomes.values()]
            assert len(set(shown)) == len(shown), (question.key, shown)


def raised_prices(table: object) -> dict:
    """The published table with every current model's prices changed (a price edit)."""
    data = table.to_data()
    for model in data["models"]:
        if model["id"] in ("claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5"):
            model["prices"] = {
                k: str(Decimal(p) * Decimal("1.2")) for k, p in model["prices"].items()
            }
            model["source"] = "test price edit"
            model["price_date"] = "2026-12-01"
            model.pop("bands", None)
    return data


def test_every_scenario_key_matches_the_calculator_over_many_draws(course):
    assert_keys_match(current_price_table())


def test_every_scenario_key_matches_the_calculator_after_a_price_edit(course, instructor):
    before = current_price_table()
    publish_prices(raised_prices(before), instructor)
    after = current_price_table()
    assert (
        after.get("claude-sonnet-5-5").prices.input != before.get("claude-sonnet-5-5").prices.input
    )
    assert_keys_match(after)


def test_at_least_five_slots_over_all_four_lessons_are_scenario_slots(course):
    quiz = module_test()
    scenario = quiz.questions.filter(is_active=True).exclude(scenario={})
    slots = set(scenario.values_list("slot", flat=True))
    assert {2, 6, 7, 10, 14} <= slots
    lessons = set(scenario.values_list("lesson__slug", flat=True))
    assert lessons == {
        "token-economics",
        "prompt-caching",
        "model-selection",
        "production-controls",
    }
    kinds = {q.scenario["kind"] for q in scenario}
    assert {"ttl-choice-sparse", "routing-net-saving"} <= kinds


def test_every_lesson_quiz_has_a_scenario_item(course):
    from quizzes.models import Quiz

    for quiz in Quiz.objects.filter(kind=Quiz.Kind.LESSON):
        assert quiz.questions.filter(is_active=True).exclude(scenario={}).exists(), quiz


def scenario_ids(attempt: Attempt) -> set[str]:
    return {qid for qid, data in attempt.draws.items() if "values" in data}


def start(client: Client) -> Attempt:
    response = client.post(TEST_START)
    assert response.status_code == 302
    return Attempt.objects.filter(submitted_at__isnull=True).latest("started_at")


def page_text(client: Client, attempt: Attempt, number: int) -> str:
    response = client.get(attempt_url(attempt, f"questions/{number}/"))
    assert response.status_code == 200
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def test_two_attempts_by_one_learner_differ_in_items_or_values(client, learner, course, settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0
    client.force_login(learner)
    first = start(client)
    submit(client, first)
    second = start(client)
    assert second.pk != first.pk
    assert set(first.choice_order) != set(second.choice_order) or first.draws != second.draws
    # Slots 7 and 10 hold only scenario items: both attempts drew numbers for them.
    assert len(scenario_ids(first)) >= 2 and len(scenario_ids(second)) >= 2
    # And the pages show the drawn numbers, not placeholders.
    result = client.get(attempt_url(first, "result/")).content.decode()
    assert not re.search(r"\{[a-z_]+\}", unescape(strip_tags(result)))
    for number in range(1, len(second.choice_order) + 1):
        assert not re.search(r"\{[a-z_]+\}", page_text(client, second, number))


def test_an_attempt_shows_the_numbers_it_drew_and_their_amounts(client, learner, course):
    client.force_login(learner)
    attempt = start(client)
    ids = ordered_question_ids(attempt)
    qid = next(pk for pk in ids if str(pk) in scenario_ids(attempt))
    number = ids.index(qid) + 1
    text = page_text(client, attempt, number)
    stored = attempt.draws[str(qid)]
    for shown in stored["shown"].values():
        assert shown in text
    for amount in stored["amounts"].values():
        assert format_usd(Decimal(amount)) in text


def test_grading_and_review_stay_the_same_after_a_price_edit(client, learner, course, instructor):
    client.force_login(learner)
    attempt = start(client)
    ids = ordered_question_ids(attempt)
    for qid in ids:
        question = Question.objects.get(pk=qid)
        right = str(qid) in scenario_ids(attempt)
        choice = right_choice(question) if right else wrong_choice(question)
        client.post(attempt_url(attempt, "answer/"),
                    {"question": qid, "choice": attempt_token(attempt, choice)})  # fmt: skip
    submit(client, attempt)
    attempt.refresh_from_db()
    score = attempt.score
    assert score == len(scenario_ids(attempt))
    client.get(attempt_url(attempt, "result/"))  # shows (and uses up) the "Submitted" message
    review = result_text(client, attempt)
    publish_prices(raised_prices(current_price_table()), instructor)
    attempt.refresh_from_db()
    assert attempt.score == score
    after = result_text(client, attempt)
    changed = [
        line for line in difflib.unified_diff(review.splitlines(), after.splitlines(), lineterm="")
    ]
    assert after == review, "\n".join(changed[:40])


def result_text(client: Client, attempt: Attempt) -> str:
    """The result page's main content as the learner reads it (tokens and nonces differ on
    every response, so they are left out)."""
    html = client.get(attempt_url(attempt, "result/")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'(nonce|value)="[^"]*"', "", main)


def test_a_price_change_during_an_attempt_leaves_its_amounts_alone(
    client, learner, course, instructor
):
    client.force_login(learner)
    attempt = start(client)
    ids = ordered_question_ids(attempt)
    qid = next(pk for pk in ids if str(pk) in scenario_ids(attempt))
    number = ids.index(qid) + 1
    before = page_text(client, attempt, number)
    publish_prices(raised_prices(current_price_table()), instructor)
    assert page_text(client, attempt, number) == before


def test_live_items_gives_the_open_attempts_stems_with_their_numbers(learner, course):
    assert live_items(learner) == []
    attempt, _ = start_test_attempt(learner, module_test())
    stems = live_items(learner)
    assert len(stems) == len(attempt.choice_order)
    values = [v for d in attempt.draws.values() for v in d.get("shown", {}).values()]
    joined = " ".join(unescape(strip_tags(s)) for s in stems)
    assert all(v in joined for v in values)
    assert not re.search(r"\{[a-z_]+\}", joined)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(1))
    assert live_items(learner) == []


def test_a_lesson_quiz_scenario_keeps_the_numbers_the_learner_answered(client, learner, course):
    from tests.quizzes.helpers import quiz_token

    client.force_login(learner)
    url = "/modules/cost-optimization/lessons/prompt-caching/quiz/"
    question = Question.objects.get(key="pc-q3")
    shown = " ".join(unescape(strip_tags(client.get(url).content.decode())).split())
    assert "{requests}" not in shown
    token = quiz_token(learner, right_choice(question))
    response = client.post(url + "answer/", {"question": question.pk, "choice": token})
    assert response.status_code == 302
    answer = question.answers.get()
    assert answer.is_correct and answer.drawn["values"]
    after = " ".join(unescape(strip_tags(client.get(url).content.decode())).split())
    assert answer.drawn["shown"]["requests"] in after


def test_a_template_with_a_bad_range_or_colliding_draws_is_a_problem(course):
    table = current_price_table()
    computes = [KEY, "no-caching"]
    bad = {"kind": "ttl-choice-sparse",
           "params": {"model": ["claude-sonnet-5-5"], "requests": {"min": 50, "max": 10},
                      "prefix": {"min": 1000, "max": 2000}}}  # fmt: skip
    assert any("min 50 and max 10" in p for p in spec_problems(bad, computes, [], table))
    # The right TTL computed twice: the two options always read the same, every draw collides.
    same = {
        "kind": "ttl-choice-sparse",
        "params": {"model": ["claude-sonnet-5-5"], "requests": [40], "prefix": [8000]},
    }
    problems = spec_problems(same, [KEY, "no-caching", KEY], [], table)
    assert any("exactly one option" in p for p in problems)
    with pytest.raises(ScenarioError):
        from quizzes.scenarios import draw_values_and_amounts

        draw_values_and_amounts(same, [KEY, "the-dearer-ttl", "forgot-the-write-premium"],
                                _flat_prices(table), random.Random(1))  # fmt: skip


def _flat_prices(table: object) -> object:
    """A table where caching changes nothing: every cache price is the input price."""
    from labs.calculator import PriceTable

    data = table.to_data()
    for model in data["models"]:
        p = model["prices"]
        p["cache_write_5m"] = p["cache_write_1h"] = p["cache_read"] = p["input"]
        model.pop("bands", None)
    return PriceTable.from_data(data).on(table.date)


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def scenario_in(attempt: Attempt) -> Question:
    ids = ordered_question_ids(attempt)
    return Question.objects.filter(pk__in=ids).exclude(scenario={}).order_by("slot").first()


def test_an_attempt_without_a_stored_draw_draws_on_first_view_and_keeps_it(client, learner, course):
    client.force_login(learner)
    assert client.post(TEST_START).status_code == 302
    attempt = Attempt.objects.get(user=learner)
    # As an attempt started before its items were scenarios, or made without the start view.
    Attempt.objects.filter(pk=attempt.pk).update(draws={})
    question = scenario_in(attempt)
    number = ordered_question_ids(attempt).index(question.pk) + 1
    first = page_text(client, attempt, number)
    assert not PLACEHOLDER.search(first)
    attempt.refresh_from_db()
    kept = attempt.draws[str(question.pk)]
    assert kept["shown"] and all(v in first for v in kept["shown"].values())
    assert page_text(client, attempt, number) == first  # the stored draw, not a new one


def test_a_submitted_attempt_without_a_draw_shows_its_review_with_numbers(
    client, learner, course, settings
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    client.force_login(learner)
    assert client.post(TEST_START).status_code == 302
    attempt = Attempt.objects.get(user=learner)
    submit(client, attempt)
    Attempt.objects.filter(pk=attempt.pk).update(draws={})
    html = unescape(client.get(attempt_url(attempt, "result/")).content.decode())
    assert not PLACEHOLDER.search(html)
    attempt.refresh_from_db()
    assert str(scenario_in(attempt).pk) in attempt.draws


def test_exports_and_statistics_name_a_scenario_option_by_its_method(
    client, admin_user, learner, course
):
    from quizzes.models import Answer

    question = Question.objects.get(key="mt-sc-pc-1")  # cached-prefix-daily
    wrong = question.choices.get(computes="cached-a-part-that-changes")
    attempt = Attempt.objects.create(
        user=learner, quiz=question.quiz, total=1, score=0, submitted_at=timezone.now(),
        choice_order={str(question.pk): []},
    )  # fmt: skip
    Answer.objects.create(attempt=attempt, question=question, choice=wrong, is_correct=False)
    client.force_login(admin_user)
    csv_text = b"".join(client.get("/reports/answers.csv").streaming_content).decode()
    assert "mistake: cached a part that changes" in csv_text
    assert "{amount}" not in csv_text
    stats = client.get(f"/reports/questions/?quiz={question.quiz_id}").content.decode()
    assert "key: the cost per day with the prefix cached" in stats
    assert "mistake: cached a part that changes" in stats
    assert "{amount}" not in stats
