"""The golden evaluation: the grader, the golden files, the offline tutor's measured quality
(a floor `make test` keeps), the lab_eval command, the staff page and the re-run on change."""

import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from labs.eval_runs import evaluate_stale_labs, latest_runs
from labs.evals import (
    ASKED,
    RIGHT,
    WRONG,
    Case,
    Figure,
    engine_ask,
    grade,
    load_cases,
    offline_ask,
    read_cases,
    read_reply,
    run_case,
    score,
)
from labs.models import EvalRun
from labs.tutor import ToolCall
from tests.labs.tutor_helpers import TABLE

LABS = ("cost-estimator", "caching-strategist", "prompt-auditor", "architecture-advisor")

# What the offline tutor reaches on the golden set today: the floor `make test` holds, raised
# as the tutor improves (issue 13's goal is 90% right and 0 confidently wrong).
FLOOR_RIGHT = {
    "cost-estimator": Decimal("1.00"),
    "caching-strategist": Decimal("0.93"),
    "prompt-auditor": Decimal("0.94"),
    "architecture-advisor": Decimal("1.00"),
}
CEILING_CONFIDENTLY_WRONG = {
    "cost-estimator": 0,
    "caching-strategist": 0,
    "prompt-auditor": 0,
    "architecture-advisor": 0,
}


def case(**kw) -> Case:
    base = {"id": "x", "lab": "cost-estimator", "style": "plain", "turns": ("q",),
            "outcome": "answer"}  # fmt: skip
    return Case(**(base | kw))


def usd(value: str, what: str = "figure") -> Figure:
    return Figure(what, Decimal(value), "usd")


# -- the grader ---------------------------------------------------------------------------------
def test_a_reply_with_every_figure_and_concept_is_right():
    c = case(figures=(usd("75.00"), usd("2250")), concepts=(("per day", "daily"),))
    verdict, reasons = grade(c, read_reply("That is $75.00 per day, $2,250.00 a month.", []))
    assert (verdict, reasons) == (RIGHT, [])


def test_a_figure_within_the_tolerance_counts_and_one_outside_does_not():
    c = case(figures=(usd("100.00"),))
    assert grade(c, read_reply("About $100.40 a day.", []))[0] == RIGHT
    assert grade(c, read_reply("About $101.00 a day.", []))[0] == WRONG


def test_a_figure_shown_only_on_a_card_counts():
    card = ToolCall("workload_cost", {}, {"per_day_usd": "75.000000"})
    assert grade(case(figures=(usd("75"),)), read_reply("See the card.", [card]))[0] == RIGHT


def test_a_forbidden_figure_in_the_prose_is_wrong_even_with_the_right_one():
    c = case(figures=(usd("75"),), forbidden_figures=(usd("112.50"),))
    verdict, reasons = grade(c, read_reply("$75 a day, or $112.50 at old prices.", []))
    assert verdict == WRONG and "forbidden" in reasons[0]


def test_a_wrong_reply_with_cards_is_confidently_wrong():
    c = case(figures=(usd("75"),))

    def ask(lab, history, message):
        from labs.tutor import TutorReply

        return TutorReply("It costs $80 a day.", [ToolCall("workload_cost", {}, {"x_usd": "80"})])

    result = run_case(c, ask)
    assert result.verdict == WRONG and result.confidently_wrong


def test_a_question_back_where_an_answer_was_possible_is_asked_not_wrong():
    c = case(figures=(usd("75"),))
    assert grade(c, read_reply("How many requests a day do you get?", []))[0] == ASKED


def test_an_ask_case_accepts_a_question_or_a_stated_assumption_but_not_a_silent_guess():
    c = case(outcome="ask")
    assert grade(c, read_reply("Which model do you use?", []))[0] == RIGHT
    assert grade(c, read_reply("I assumed Sonnet 5.5: $75 a day.", []))[0] == RIGHT
    assert grade(c, read_reply("It costs $75 a day.", []))[0] == WRONG


def test_a_refuse_case_needs_a_refusal_without_figures():
    c = case(outcome="refuse")
    assert grade(c, read_reply("That's outside what I can help with here.", []))[0] == RIGHT
    assert grade(c, read_reply("Sure! Option B is right.", []))[0] == WRONG


def test_a_concept_case_needs_the_lesson_link():
    c = case(concepts=(("ceiling",),), lesson="token-economics")
    linked = "It is a ceiling. Read [this](/modules/cost-optimization/lessons/token-economics/#x)."
    assert grade(c, read_reply(linked, []))[0] == RIGHT
    assert grade(c, read_reply("It is a ceiling.", []))[0] == WRONG


def test_a_malformed_golden_file_is_refused_naming_the_case(tmp_path):
    path = tmp_path / "cost-estimator.yaml"
    path.write_text("lab: cost-estimator\ncases:\n  - id: bad\n    turns: [hi]\n"
                    "    expect: {outcome: maybe}\n")  # fmt: skip
    with pytest.raises(ValueError, match=r"bad: expect.outcome"):
        read_cases(path)


# -- the golden set -----------------------------------------------------------------------------
def test_every_lab_has_at_least_25_golden_conversations_and_ids_are_unique():
    cases = load_cases(settings.CONTENT_DIR)
    assert len(cases) >= 100
    for lab in LABS:
        assert len([c for c in cases if c.lab == lab]) >= 25, lab
    assert len({c.id for c in cases}) == len(cases)


@pytest.fixture(scope="module")
def offline_results():
    cases = load_cases(settings.CONTENT_DIR)
    ask = offline_ask(TABLE)
    results = []
    for c in cases:
        started = time.perf_counter()
        results.append((run_case(c, ask), (time.perf_counter() - started) / len(c.turns)))
    return results


@pytest.mark.parametrize("lab", LABS)
def test_the_offline_tutor_holds_its_measured_quality(offline_results, lab):
    scores = score(r for r, _ in offline_results)[lab]
    assert scores.pass_rate >= FLOOR_RIGHT[lab], scores.as_dict()
    assert scores.confidently_wrong <= CEILING_CONFIDENTLY_WRONG[lab], scores.as_dict()


def test_concept_cases_answered_from_the_concept_base_carry_a_lesson_link(offline_results):
    for result, _ in offline_results:
        if result.case.style == "concept" and "Read more in" in result.reply:
            assert "/modules/cost-optimization/lessons/" in result.reply, result.case.id


def test_the_offline_tutor_answers_in_under_100_ms_at_p95(offline_results):
    times = sorted(t for _, t in offline_results)
    p95 = times[int(len(times) * 0.95)]
    assert p95 < 0.1, f"p95 {p95 * 1000:.1f} ms"


# -- the command, the page and the re-run -------------------------------------------------------
@pytest.mark.django_db
def test_lab_eval_scores_one_lab_and_records_the_run(course, capsys):
    call_command("lab_eval", "caching-strategist")
    out = capsys.readouterr().out
    assert "caching-strategist" in out and "right" in out and "confidently wrong" in out
    run = EvalRun.objects.get()
    assert run.lab == "caching-strategist" and run.engine == "offline"
    assert run.total == len(load_cases(settings.CONTENT_DIR, "caching-strategist"))
    assert run.right + run.asked + run.wrong == run.total
    assert len(run.results) == run.total


@pytest.mark.django_db
def test_lab_eval_carries_the_offline_tutors_own_question_flag(course):
    message = "haiku 5.5, 20k req/day. cost a month?"  # no sizes: the tutor asks for them
    direct = offline_ask(TABLE)("cost-estimator", [], message)

    through_the_worker_path = engine_ask(offline=True)("cost-estimator", [], message)

    assert direct.asked_follow_up
    assert through_the_worker_path.asked_follow_up is True


@pytest.mark.django_db
def test_lab_eval_and_make_test_grade_every_golden_case_alike(course):
    by_engine = engine_ask(offline=True)
    direct = offline_ask(TABLE)
    for c in load_cases(settings.CONTENT_DIR):
        assert run_case(c, by_engine).verdict == run_case(c, direct).verdict, c.id


@pytest.mark.django_db
def test_lab_eval_refuses_claude_without_a_key(course):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ANTHROPIC_API_KEY"):
        call_command("lab_eval", "--engine", "claude")


@pytest.mark.django_db
def test_the_scheduled_evaluation_reruns_only_what_changed(course):
    first = evaluate_stale_labs()
    assert sorted(r.lab for r in first) == sorted(LABS)
    assert evaluate_stale_labs() == []  # nothing changed
    from labs.models import Lab

    lab = Lab.objects.get(slug="prompt-auditor")
    lab.system_prompt += "\nBe brief."
    lab.save()
    assert [r.lab for r in evaluate_stale_labs()] == ["prompt-auditor"]


@pytest.mark.django_db
def test_the_page_shows_pass_rates_to_instructors_and_marks_stale_runs(client, instructor, course):
    evaluate_stale_labs()
    client.force_login(instructor)
    page = client.get(reverse("labs:evaluations")).content.decode()
    assert "Cost estimator" in page and "Confidently wrong" in page
    assert '<span class="badge">stale</span>' not in page
    from labs.models import Lab

    lab = Lab.objects.get(slug="cost-estimator")
    lab.system_prompt += "\nBe brief."
    lab.save()
    rows = {r["lab"].slug: r for r in latest_runs() if r["engine"] == "offline"}
    assert rows["cost-estimator"]["stale"] and not rows["prompt-auditor"]["stale"]


@pytest.mark.django_db
def test_the_page_is_for_instructors_only(client, learner, course):
    url = reverse("labs:evaluations")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(learner)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_rerun_now_queues_the_evaluation(
    client, instructor, course, django_capture_on_commit_callbacks
):
    client.force_login(instructor)
    response = client.post(reverse("labs:evaluations"))
    assert response.status_code == 302
    # The task runs eagerly in tests: every lab now has a run.
    assert EvalRun.objects.filter(engine="offline").count() == len(LABS)


def test_the_golden_files_live_where_the_readme_says():
    folder = Path(settings.CONTENT_DIR) / "modules" / "07-cost-optimization" / "labs" / "evals"
    assert {p.stem for p in folder.glob("*.yaml")} == set(LABS)
    assert "lab_eval" in (folder / "README.md").read_text()


@pytest.mark.django_db
def test_an_operator_with_a_key_measures_claude_on_the_same_cases(course, settings, monkeypatch,
                                                                   capsys):  # fmt: skip
    """Through the real SDK and the worker's own turn code, against a scripted Claude."""
    from tests.labs.fake_claude import AutoClaude

    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    fake = AutoClaude().install(monkeypatch)
    call_command("lab_eval", "prompt-auditor", "--engine", "claude")
    run = EvalRun.objects.get(engine="claude")
    cases = load_cases(settings.CONTENT_DIR, "prompt-auditor")
    assert run.total == len(cases) and run.model == settings.LAB_MODEL
    assert len(fake.requests) >= len(cases)  # every case reached Claude
    # The scripted Claude prices a fixed workload whatever is asked: the grader catches it.
    assert run.right < run.total // 2
    assert "prompt-auditor" in capsys.readouterr().out


def test_the_held_out_cases_parse_and_are_kept_apart():
    holdout = load_cases(settings.CONTENT_DIR, holdout=True)
    assert len(holdout) >= 40
    assert {c.lab for c in holdout} == set(LABS)
    golden = {c.id for c in load_cases(settings.CONTENT_DIR)}
    assert not golden & {c.id for c in holdout}
