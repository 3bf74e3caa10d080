import html

import pytest
from django.urls import reverse

from authoring.drafts import get_draft
from authoring.models import Draft, Kind, Revision
from authoring.quizzes import clean_quiz, quiz_snapshot
from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from tests.authoring.conftest import HTMX, question_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course: object) -> Quiz:
    return Quiz.objects.get(lesson__slug="token-economics")


@pytest.fixture
def test_quiz(course: object) -> Quiz:
    return Quiz.objects.get(kind="test")


def draft_question(quiz: Quiz, key: str) -> dict:
    data = clean_quiz(quiz, quiz_snapshot(quiz))
    return next(q for q in data["questions"] if q["key"] == key)


def answer(user: object, question: Question, choice: Choice) -> Answer:
    attempt = Attempt.objects.create(user=user, quiz=question.quiz)
    return Answer.objects.create(
        attempt=attempt, question=question, choice=choice, is_correct=choice.is_correct
    )


def question_url(quiz: Quiz, key: str) -> str:
    return reverse("authoring:question", args=[quiz.pk, key])


def test_a_question_edit_goes_to_the_draft_and_publishing_updates_the_quiz(author, quiz):
    question = draft_question(quiz, "te-q1")
    data = question_form_data(question, stem="A reworded question?")
    data["option-1-feedback"] = "Reworded feedback."
    response = author.post(question_url(quiz, "te-q1"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#q-te-q1")
    live = Question.objects.get(quiz=quiz, key="te-q1")
    assert live.stem_markdown != "A reworded question?"  # learners see nothing yet

    response = author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.stem_markdown == "A reworded question?"
    assert live.stem_html == "<p>A reworded question?</p>"
    assert live.choices.get(order=2).feedback_html == "<p>Reworded feedback.</p>"
    assert not Draft.objects.exists()
    assert Revision.objects.filter(kind=Kind.QUIZ, object_id=quiz.pk).count() == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"correct": ""}, "needs exactly one right option; 0 are marked right"),
        ({"option-2-feedback": ""}, "option C: the feedback is empty"),
        ({"option-0-text": ""}, "option A: the option text is empty"),
        (
            {f"option-{i}-{f}": "" for i in (1, 2, 3) for f in ("text", "feedback")},
            "needs 2 to 6 options; it has 1",
        ),
        (
            {f"option-{i}-{f}": f"extra {i}" for i in (4, 5, 6) for f in ("text", "feedback")},
            "needs 2 to 6 options; it has 7",
        ),
        ({"stem": "Costs {{ price claude-imaginary-9 input }}?"}, "claude-imaginary-9"),
        (
            {"option-3-text": "{{ price claude-sonnet-5-5 output }}", "option-1-text": "$10.00"},
            'options B and D both read "$10.00" under the published prices',
        ),
    ],
)
def test_a_bad_question_is_refused_with_the_reason_and_nothing_saved(author, quiz, change, reason):
    data = question_form_data(draft_question(quiz, "te-q2"), **change)
    response = author.post(question_url(quiz, "te-q2"), data)
    assert response.status_code == 422
    assert reason in response.content.decode().replace("&quot;", '"')
    assert not Draft.objects.exists()


def test_two_right_options_are_refused(author, quiz):
    data = question_form_data(draft_question(quiz, "te-q2"))
    data["correct"] = ["0", "1"]  # a tampered form: the radio button sent twice
    response = author.post(question_url(quiz, "te-q2"), data)
    assert response.status_code == 422
    assert "needs exactly one right option; 2 are marked right" in response.content.decode()
    assert not Draft.objects.exists()


def test_a_bad_question_with_htmx_returns_the_form_fragment(author, quiz):
    data = question_form_data(draft_question(quiz, "te-q2"), correct="")
    response = author.post(question_url(quiz, "te-q2"), data, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="question-form"')


def test_adding_a_question_gives_it_the_next_key_and_publishes_it(author, quiz):
    data = {
        "stem": "Which side of the bill is priced higher?",
        "option-0-text": "Output", "option-0-feedback": "Yes: decoding is sequential.",
        "option-1-text": "Input", "option-1-feedback": "No: input is cheaper per token.",
        "option-2-text": "", "option-2-feedback": "",
        "correct": "0",
    }  # fmt: skip
    response = author.post(question_url(quiz, "new"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#q-te-q4")
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    new = Question.objects.get(quiz=quiz, key="te-q4")
    assert new.order == 4 and new.lesson == quiz.lesson
    assert [(c.order, c.is_correct) for c in new.choices.all()] == [(1, True), (2, False)]


def test_questions_can_be_reordered_with_htmx_and_published(author, quiz):
    url = reverse("authoring:question_move", args=[quiz.pk, "te-q3"])
    response = author.post(url, {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor"')
    assert html.index('id="q-te-q3"') < html.index('id="q-te-q2"')
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    assert list(quiz.questions.order_by("order").values_list("key", flat=True)) == [
        "te-q1", "te-q3", "te-q2",
    ]  # fmt: skip


def test_moving_without_htmx_redirects_to_the_editor(author, quiz):
    url = reverse("authoring:question_move", args=[quiz.pk, "te-q1"])
    response = author.post(url, {"direction": "down"})
    assert response.status_code == 302
    assert [q["key"] for q in get_draft(Kind.QUIZ, quiz.pk).data["questions"]][:2] == [
        "te-q2", "te-q1",
    ]  # fmt: skip


def test_options_can_be_reordered_removed_and_added_on_an_unanswered_question(author, quiz):
    question = draft_question(quiz, "te-q2")
    dropped = next(o for o in question["options"] if not o["correct"])
    right = next(o for o in question["options"] if o["correct"])
    wrong = [o for o in reversed(question["options"]) if o is not dropped and o is not right]
    # The right option goes last: the other questions key A and B, and a third at B would
    # key one position in most of the quiz, which publishing refuses.
    question["options"] = [*wrong, {"id": None, "text": "Brand new", "correct": False,
                                    "feedback": "Why not."}, right]  # fmt: skip
    author.post(question_url(quiz, "te-q2"), question_form_data(question))
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    live = Question.objects.get(quiz=quiz, key="te-q2")
    texts = [c.text_markdown for c in live.choices.order_by("order")]
    assert texts == [o["text"] for o in question["options"]]
    assert [c.order for c in live.choices.order_by("order")] == [1, 2, 3, 4]
    assert live.choices.filter(is_correct=True).count() == 1
    assert not Choice.objects.filter(pk=dropped["id"]).exists()


def test_changing_the_right_option_of_an_answered_question_is_blocked(author, learner, quiz):
    live = Question.objects.get(quiz=quiz, key="te-q1")
    right = live.choices.get(is_correct=True)
    answer(learner, live, right)
    question = draft_question(quiz, "te-q1")
    other = next(i for i, o in enumerate(question["options"]) if not o["correct"])
    response = author.post(
        question_url(quiz, "te-q1"), question_form_data(question, correct=str(other))
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "has been answered by learners (1 answer), so which option is right can" in html
    assert "Add as a new question instead" in html
    assert not Draft.objects.exists()
    live.refresh_from_db()
    assert live.choices.get(is_correct=True) == right


def test_removing_an_option_learners_chose_is_blocked(author, learner, quiz):
    live = Question.objects.get(quiz=quiz, key="te-q1")
    chosen = live.choices.filter(is_correct=False).first()
    answer(learner, live, chosen)
    question = draft_question(quiz, "te-q1")
    index = next(i for i, o in enumerate(question["options"]) if o["id"] == chosen.pk)
    data = question_form_data(question, **{f"option-{index}-remove": "1"})
    response = author.post(question_url(quiz, "te-q1"), data)
    assert response.status_code == 422
    assert "1 option that learners chose can" in response.content.decode()


def test_rewording_an_answered_question_is_allowed(author, learner, quiz):
    live = Question.objects.get(quiz=quiz, key="te-q1")
    answer(learner, live, live.choices.get(is_correct=True))
    question = draft_question(quiz, "te-q1")
    data = question_form_data(question, stem="Clearer wording?", **{"option-0-text": "Clearer"})
    assert author.post(question_url(quiz, "te-q1"), data).status_code == 302
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    live.refresh_from_db()
    assert live.stem_markdown == "Clearer wording?"
    assert Answer.objects.get().question == live  # the answer still points at it


def test_an_answered_question_can_be_replaced_by_a_new_one(author, learner, quiz):
    live = Question.objects.get(quiz=quiz, key="te-q1")
    recorded = answer(learner, live, live.choices.get(is_correct=True))
    question = draft_question(quiz, "te-q1")
    # The last wrong option: keying the first would put two of three right options at A.
    other = max(i for i, o in enumerate(question["options"]) if not o["correct"])
    data = question_form_data(question, correct=str(other), as_new="1")
    response = author.post(question_url(quiz, "te-q1"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#q-te-q4")
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    live.refresh_from_db()
    assert live.is_active is False  # retired, with its answer
    recorded.refresh_from_db()
    assert recorded.question == live and recorded.choice.is_correct
    fresh = Question.objects.get(quiz=quiz, key="te-q4")
    assert fresh.is_active and fresh.order == 1
    assert fresh.choices.get(is_correct=True).order == other + 1


def test_removing_an_answered_question_retires_it_and_an_unanswered_one_is_deleted(
    author, learner, quiz
):
    answered = Question.objects.get(quiz=quiz, key="te-q1")
    answer(learner, answered, answered.choices.first())
    for key in ("te-q1", "te-q2"):
        response = author.post(reverse("authoring:question_remove", args=[quiz.pk, key]))
        assert response.status_code == 302
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    answered.refresh_from_db()
    assert answered.is_active is False
    assert not Question.objects.filter(quiz=quiz, key="te-q2").exists()
    assert list(quiz.questions.filter(is_active=True).values_list("key", flat=True)) == ["te-q3"]


def test_removing_with_htmx_says_the_answered_question_is_retired(author, learner, quiz):
    answered = Question.objects.get(quiz=quiz, key="te-q1")
    answer(learner, answered, answered.choices.first())
    response = author.post(reverse("authoring:question_remove", args=[quiz.pk, "te-q1"]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is retired rather than deleted" in html
    assert 'id="q-te-q1"' not in html


def test_the_module_test_keeps_two_items_in_every_slot(author, test_quiz):
    active = test_quiz.questions.filter(is_active=True).count()
    for key in (
        test_quiz.questions.filter(slot=1).exclude(key="mt-te-1").values_list("key", flat=True)
    ):
        author.post(reverse("authoring:question_remove", args=[test_quiz.pk, key]))
    response = author.post(
        reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 422
    assert (
        "The module test: Slot 1 has 1 item (mt-te-1); each slot needs at least 2 testing the "
        "same objective."
    ) in html.unescape(response.content.decode())
    assert test_quiz.questions.filter(is_active=True).count() == active  # nothing published


def test_the_module_test_keeps_three_slots_per_lesson(author, test_quiz):
    active = test_quiz.questions.filter(is_active=True).count()
    for key in test_quiz.questions.filter(slot__in=[1, 2]).values_list("key", flat=True):
        author.post(reverse("authoring:question_remove", args=[test_quiz.pk, key]))
    for key in test_quiz.questions.filter(slot=3).values_list("key", flat=True):
        data = question_form_data(draft_question(test_quiz, key), slot="10")
        assert author.post(question_url(test_quiz, key), data).status_code == 302
    response = author.post(
        reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "Lesson 'token-economics' has 2 slots; the test needs at least 3 per lesson" in page
    assert "Slot 10 mixes lessons (model-selection, token-economics)" in page
    assert test_quiz.questions.filter(is_active=True).count() == active  # nothing published


def test_the_question_editor_shows_the_slot_and_publishing_keeps_it(author, test_quiz):
    page = author.get(question_url(test_quiz, "mt-pc-5")).content.decode()
    assert 'name="slot"' in page and 'value="5"' in page
    editor = author.get(reverse("authoring:quiz", args=[test_quiz.pk])).content.decode()
    assert "slot 5" in editor
    question = draft_question(test_quiz, "mt-pc-5")
    for bad in ("16", "0", "five"):
        response = author.post(question_url(test_quiz, "mt-pc-5"), question_form_data(
            question, slot=bad, stem="Reworded: " + question["stem"]))  # fmt: skip
        assert response.status_code == 422
        # What the instructor typed is shown again, not lost.
        assert "Reworded: " in response.content.decode()
    data = question_form_data(question, stem="Reworded: " + question["stem"])
    assert author.post(question_url(test_quiz, "mt-pc-5"), data).status_code == 302
    assert (
        author.post(
            reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"}
        ).status_code
        == 302
    )
    published = Question.objects.get(quiz=test_quiz, key="mt-pc-5")
    assert published.stem_markdown.startswith("Reworded: ") and published.slot == 5
    assert quiz_snapshot(test_quiz)["questions"][-1]["slot"] is not None


def test_a_new_test_question_goes_in_the_slot_the_instructor_chose(author, test_quiz):
    question = draft_question(test_quiz, "mt-pc-5")
    data = question_form_data(
        {**question, "options": [{**o, "id": None} for o in question["options"]]},
        stem="A fresh item on lifetimes under sparse traffic.", slot="7",
    )  # fmt: skip
    response = author.post(question_url(test_quiz, "new"), data)
    assert response.status_code == 302, response.content[:500]
    assert (
        author.post(
            reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"}
        ).status_code
        == 302
    )
    fresh = Question.objects.get(quiz=test_quiz, stem_markdown__startswith="A fresh item")
    assert fresh.slot == 7 and fresh.lesson.slug == "prompt-caching"


def test_a_module_test_question_names_its_lesson(author, test_quiz):
    # Both items of slot 5 move: the items of a slot are on one lesson.
    for key in ("mt-pc-1", "mt-pc-5"):
        data = question_form_data(draft_question(test_quiz, key), lesson="model-selection")
        assert author.post(question_url(test_quiz, key), data).status_code == 302
    response = author.post(question_url(test_quiz, "mt-pc-2"), question_form_data(
        draft_question(test_quiz, "mt-pc-2"), lesson=""))  # fmt: skip
    assert response.status_code == 422
    author.post(reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"})
    moved = Question.objects.get(quiz=test_quiz, key="mt-pc-1")
    assert moved.lesson.slug == "model-selection"


def test_the_test_title_and_pass_mark_are_edited_in_the_draft(author, test_quiz):
    url = reverse("authoring:quiz", args=[test_quiz.pk])
    assert author.post(url, {"title": "Module 7 test", "pass_mark": "150"}).status_code == 422
    assert author.post(url, {"title": "Module 7 test", "pass_mark": "75"}).status_code == 302
    author.post(reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"})
    test_quiz.refresh_from_db()
    assert (test_quiz.title, test_quiz.pass_mark) == ("Module 7 test", 75)


def test_the_quiz_preview_as_learner_renders_the_draft(author, quiz):
    question = draft_question(quiz, "te-q1")
    data = question_form_data(question, stem="Costs {{ price claude-sonnet-5-5 input }}?")
    author.post(question_url(quiz, "te-q1"), data)
    page = author.get(reverse("authoring:quiz_as_learner", args=[quiz.pk])).content.decode()
    assert "Preview as learner." in page
    assert 'class="living-number"' in page


def test_an_unknown_question_is_404(author, quiz):
    assert author.get(question_url(quiz, "nope")).status_code == 404
    url = reverse("authoring:question_remove", args=[quiz.pk, "nope"])
    assert author.post(url).status_code == 404


def test_options_are_reordered_by_their_positions(author, learner, quiz):
    live = Question.objects.get(quiz=quiz, key="te-q3")
    answer(learner, live, live.choices.get(order=1))  # reordering is fine even when answered
    question = draft_question(quiz, "te-q3")
    positions = {f"option-{i}-position": str(4 - i) for i in range(4)}
    response = author.post(question_url(quiz, "te-q3"), question_form_data(question, **positions))
    assert response.status_code == 302
    author.post(reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"})
    texts = list(live.choices.order_by("order").values_list("text_markdown", flat=True))
    assert texts == [o["text"] for o in reversed(question["options"])]
    assert Answer.objects.get().choice.order == 4  # the answer follows its option


def _lengthen_right_option(author, quiz: Quiz, key: str) -> None:
    question = draft_question(quiz, key)
    right = next(i for i, o in enumerate(question["options"]) if o["correct"])
    text = question["options"][right]["text"] + " This holds on every model in today's table."
    response = author.post(
        question_url(quiz, key), question_form_data(question, **{f"option-{right}-text": text})
    )
    assert response.status_code == 302


def test_the_editor_shows_a_cue_before_publishing_and_publishing_is_refused(author, quiz):
    for key in ("te-q1", "te-q2"):
        _lengthen_right_option(author, quiz, key)
    expected = (
        "This quiz (Token economics quiz): the right option is the longest in 2 of 3 questions "
        "(Question 1 (te-q1), Question 2 (te-q2)); at most 1 may be (a third)"
    )
    page = author.get(reverse("authoring:quiz", args=[quiz.pk])).content.decode()
    assert "publishing is refused until they are fixed" in page
    assert expected in page

    response = author.post(
        reverse("authoring:quiz_publish", args=[quiz.pk]), {"confirm": "yes"}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor"')
    assert "Not published. Please fix:" in html and expected in html
    live = Question.objects.get(quiz=quiz, key="te-q1").choices.get(is_correct=True)
    assert "today's table" not in live.text_markdown
    assert get_draft(Kind.QUIZ, quiz.pk) is not None  # nothing the instructor typed is lost


def test_publishing_a_test_with_an_absolute_word_only_in_a_wrong_option_is_refused(
    author, test_quiz
):
    question = draft_question(test_quiz, "mt-te-3")
    wrong = next(i for i, o in enumerate(question["options"]) if not o["correct"])
    text = "Never measure again: " + question["options"][wrong]["text"]
    data = question_form_data(question, **{f"option-{wrong}-text": text})
    assert author.post(question_url(test_quiz, "mt-te-3"), data).status_code == 302
    response = author.post(
        reverse("authoring:quiz_publish", args=[test_quiz.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 422
    assert (
        'The module test: Question 3 (mt-te-3): "never" appears only in wrong options '
        f"(option {'ABCD'[wrong]})"
    ) in html.unescape(response.content.decode())
    assert not Choice.objects.filter(text_markdown__startswith="Never measure").exists()


def test_an_editor_with_no_cues_shows_no_warning(author, quiz):
    page = author.get(reverse("authoring:quiz", args=[quiz.pk])).content.decode()
    assert "give answers away" not in page
