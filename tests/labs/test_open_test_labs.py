"""Labs that know a module test is open: through the lab view, the worker and (for Claude) the
real SDK over the fake transport."""

import pytest
from django.utils import timezone

from labs import tasks
from labs.models import Calculation, Message
from quizzes.models import Attempt, Question
from tests.labs.conftest import LAB_URL, make_conversation
from tests.labs.fake_claude import FakeClaude, text_reply
from tests.quizzes.helpers import TEST_URL, submit

pytestmark = pytest.mark.django_db

# A paraphrase of each slot-1 item (an attempt draws one of them): the item's figures in the
# learner's own shorthand, none of its sentences.
PARAPHRASES = {
    "mt-te-1": "sonnet 5.5, 1k req/day, 2k token system prompt, 1k user msg, 800 out. daily cost?",
    "mt-te-5": "haiku 5.5 agent: 10,000 req per day, tools 1500 tokens, system 500, user 300, "
    "answers 200. what's it cost daily",
}
UNRELATED = (
    "What does Sonnet 5.5 cost at 50,000 requests a day with a 1,200-token system prompt, a "
    "300-token user message and 400 output tokens?"
)


@pytest.fixture(autouse=True)
def no_cooldown(settings):
    settings.TEST_RETAKE_COOLDOWN_SECONDS = 0


def start_test(client) -> tuple[Attempt, str]:
    """Start the module test through its view; the attempt and a paraphrase of its first item."""
    # Slot 1 also holds an agent-loop item answered in tokens; these tests paraphrase the two
    # priced scenarios, so the draw is kept to them.
    Question.objects.filter(slot=1, quiz__kind="test").exclude(key__in=PARAPHRASES).delete()
    assert client.post(TEST_URL + "start/").status_code == 302
    attempt = Attempt.objects.get(quiz__kind="test")
    keys = set(
        Question.objects.filter(pk__in=[int(k) for k in attempt.choice_order]).values_list(
            "key", flat=True
        )
    )
    (key,) = keys & PARAPHRASES.keys()
    return attempt, PARAPHRASES[key]


def ask_lab(client, text, django_capture_on_commit_callbacks) -> Message:
    """Send through the lab view and let the worker answer (on commit, as in production)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LAB_URL + "send/", {"text": text})
    assert response.status_code == 302
    reply = Message.objects.filter(role="assistant").latest("created_at")
    assert reply.status == "done", reply.error_detail
    return reply


def test_the_offline_lab_declines_a_paraphrase_of_an_open_item_and_answers_it_after_submitting(
    client, learner, lab, settings, django_capture_on_commit_callbacks
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    client.force_login(learner)
    attempt, paraphrase = start_test(client)

    during = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "You have the module test open" in during.text
    assert "Submit the test and ask me again" in during.text
    assert "$" not in during.text
    assert not Calculation.objects.filter(message=during).exists()

    submit(client, attempt)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None

    after = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "test open" not in after.text
    assert "$" in after.text
    assert Calculation.objects.filter(message=after).exists()
    # The learner missed it (left blank), and the policy shows right answers: the reply says so.
    assert "which you missed" in after.text
    assert f"attempts/{attempt.pk}/result/" in after.text


def test_an_unrelated_question_with_other_figures_is_answered_while_the_test_is_open(
    client, learner, lab, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    start_test(client)
    reply = ask_lab(client, UNRELATED, django_capture_on_commit_callbacks)
    assert "test open" not in reply.text
    assert "$" in reply.text
    assert Calculation.objects.filter(message=reply).exists()


def test_the_labs_try_asking_prompts_are_answered_while_the_test_is_open(
    client, learner, lab, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    start_test(client)
    reply = ask_lab(client, lab.try_asking, django_capture_on_commit_callbacks)
    assert "test open" not in reply.text
    assert Calculation.objects.filter(message=reply).exists()


# Each paraphrase in two messages, neither caught on its own.
SPLIT = {
    "mt-te-1": (
        "sonnet 5.5 endpoint, 1k req/day, 2k token system prompt",
        "1k user msg, 800 out. daily cost?",
    ),
    "mt-te-5": (
        "haiku 5.5 agent: 10,000 req per day, tools 1500 tokens",
        "system 500, user 300, answers 200. daily cost?",
    ),
}


def test_a_paraphrase_split_over_two_messages_is_declined_too(
    client, learner, lab, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    attempt, _ = start_test(client)
    (key,) = (
        set(
            Question.objects.filter(pk__in=[int(k) for k in attempt.choice_order]).values_list(
                "key", flat=True
            )
        )
        & SPLIT.keys()
    )
    first, second = SPLIT[key]
    alone = ask_lab(client, first, django_capture_on_commit_callbacks)
    assert "test open" not in alone.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LAB_URL + "send/", {"text": second, "conversation": alone.conversation_id}
        )
    assert response.status_code == 302
    reply = Message.objects.filter(role="assistant").latest("created_at")
    assert reply.pk != alone.pk and reply.conversation_id == alone.conversation_id
    assert "You have the module test open" in reply.text


def test_a_missed_item_stays_declined_until_the_learner_passes_under_the_default_policy(
    client, learner, lab, settings, django_capture_on_commit_callbacks
):
    assert settings.TEST_REVIEW_RIGHT_ANSWERS == "after-passing"
    client.force_login(learner)
    attempt, paraphrase = start_test(client)
    submit(client, attempt)  # all blank: not passed

    held = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "once you have passed the test" in held.text
    assert f"attempts/{attempt.pk}/result/" in held.text
    assert not Calculation.objects.filter(message=held).exists()

    # A later attempt passed (its items do not matter here): the review now shows right answers.
    Attempt.objects.create(
        user=learner, quiz=attempt.quiz, choice_order={}, submitted_at=timezone.now(),
        score=15, total=15, passed=True,
    )  # fmt: skip
    passed = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "$" in passed.text
    assert "which you missed" in passed.text


@pytest.fixture
def claude_on(settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    settings.CLAUDE_MAX_RETRIES = 0
    settings.LAB_MODEL = "claude-haiku-5-5"


def ask_worker(user, lab, text) -> Message:
    conversation = make_conversation(user, lab)
    Message.objects.create(conversation=conversation, role="user", text=text)
    message = Message.objects.create(conversation=conversation, role="assistant", status="queued")
    tasks.reply(message.pk)
    message.refresh_from_db()
    return message


def test_claude_is_not_asked_about_an_open_item_and_is_after_submission(
    claude_on, client, learner, lab, settings, monkeypatch
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    fake = FakeClaude([text_reply("Here is the cost, from the calculator.")]).install(monkeypatch)
    client.force_login(learner)
    attempt, paraphrase = start_test(client)

    during = ask_worker(learner, lab, paraphrase)
    assert fake.requests == []  # the check ran before any API call
    assert "You have the module test open" in during.text
    assert during.engine == "offline"
    assert "Claude was not asked" in during.notice

    submit(client, attempt)
    after = ask_worker(learner, lab, paraphrase)
    assert len(fake.requests) == 1
    assert after.engine == "claude"
    assert after.text.startswith("Here is the cost, from the calculator.")
    assert "which you missed" in after.text
    # No test content reached the prompt: neither a stem nor an option.
    sent = str(fake.requests[0])
    for question in Question.objects.filter(quiz__kind="test"):
        assert question.stem_markdown.strip()[:60] not in sent
        for choice in question.choices.all():
            assert choice.feedback_markdown.strip()[:60] not in sent


def test_a_paraphrase_of_a_scenario_item_with_its_drawn_figures_is_declined_during_the_attempt(
    client, learner, lab, settings, django_capture_on_commit_callbacks
):
    settings.TEST_REVIEW_RIGHT_ANSWERS = "always"
    # Slot 6 kept to its scenario item, so the attempt draws fresh figures for it.
    scenario = Question.objects.get(key="mt-sc-pc-1")
    Question.objects.filter(slot=6, quiz__kind="test").exclude(pk=scenario.pk).delete()
    client.force_login(learner)
    assert client.post(TEST_URL + "start/").status_code == 302
    attempt = Attempt.objects.get(quiz__kind="test")
    v = attempt.draws[str(scenario.pk)]["values"]
    shown = attempt.draws[str(scenario.pk)]["shown"]
    paraphrase = (
        f"{shown['model']}, {v['requests']} req/day, {v['prefix']} token prefix cached "
        f"({v['ttl']}), then {v['user']} tokens of question and {v['output']} out. per day?"
    )

    during = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "You have the module test open" in during.text
    assert "$" not in during.text
    assert not Calculation.objects.filter(message=during).exists()

    submit(client, attempt)
    after = ask_lab(client, paraphrase, django_capture_on_commit_callbacks)
    assert "test open" not in after.text
    assert "which you missed" in after.text
