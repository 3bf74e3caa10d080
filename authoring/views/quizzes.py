import random

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import instructor_required
from authoring.drafts import AuthoringError, discard_draft, get_draft, save_draft
from authoring.forms import QuestionForm, QuizForm, option_rows, submitted_rows
from authoring.history import diff_draft
from authoring.models import Kind
from authoring.pricing import current_price_table
from authoring.quizzes import (
    add_as_new_question,
    answered_questions,
    clean_question,
    clean_quiz,
    find_question,
    is_test,
    move_question,
    new_key,
    preview_draws,
    publish_quiz,
    put_question,
    question_problems,
    quiz_cue_problems,
    quiz_snapshot,
    remove_question,
)
from authoring.views.common import ask_first, done
from courses.export import dump_yaml
from courses.rendering import LivingNumberError, render_markdown
from quizzes.models import Answer, Quiz
from quizzes.scenarios import ScenarioError, draw_values_and_amounts, fill_html, shown_values

NEW = "new"


def _get_quiz(pk: int) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("module", "lesson"), pk=pk)


def _draft_data(quiz: Quiz) -> dict:
    draft = get_draft(Kind.QUIZ, quiz.pk)
    return clean_quiz(quiz, draft.data if draft else quiz_snapshot(quiz))


def _lessons(quiz: Quiz) -> list[tuple[str, str]] | None:
    if not is_test(quiz):
        return None
    lessons = quiz.module.lessons.all()
    return [(lesson.slug, f"L{lesson.order} {lesson.title}") for lesson in lessons]


def _editor_url(quiz: Quiz, key: str = "") -> str:
    url = reverse("authoring:quiz", args=[quiz.pk])
    return f"{url}#q-{key}" if key else url


def _page(
    request: HttpRequest,
    quiz: Quiz,
    *,
    form: QuizForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
    partial: str = "",
) -> HttpResponse:
    data = _draft_data(quiz)
    draft = get_draft(Kind.QUIZ, quiz.pk)
    answered = answered_questions(quiz)
    questions = []
    for number, question in enumerate(data["questions"], start=1):
        info = answered.get(question["id"])
        questions.append({
            **question, "number": number, "answered": info.count if info else 0,
            "is_first": number == 1, "is_last": number == len(data["questions"]),
        })  # fmt: skip
    live_ids = {q["id"] for q in quiz_snapshot(quiz)["questions"]}
    leaving = [
        {"id": qid, "answered": answered.get(qid).count if answered.get(qid) else 0}
        for qid in live_ids - {q["id"] for q in data["questions"]}
    ]
    context = {
        "quiz": quiz,
        "test": is_test(quiz),
        "form": form or QuizForm(initial=data, test=is_test(quiz)),
        "draft": draft,
        "questions": questions,
        "leaving": leaving,
        "problems": problems or [],
        # Shown before publishing, so the instructor meets them before the refusal does.
        "cues": [] if problems else quiz_cue_problems(quiz, data, current_price_table()),
        "diff": diff_draft(Kind.QUIZ, quiz_snapshot(quiz), draft.data) if draft else [],
    }
    template = "authoring/quiz_edit.html"
    if request.htmx and partial:
        template += f"#{partial}"
    return render(request, template, context, status=status)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the quiz editor (the draft if any). POST: save the title (and pass mark)."""
    quiz = _get_quiz(pk)
    if request.method == "POST":
        form = QuizForm(request.POST, test=is_test(quiz))
        if not form.is_valid():
            return _page(request, quiz, form=form, status=422, partial="settings")
        data = _draft_data(quiz)
        data["title"] = form.cleaned_data["title"]
        if is_test(quiz):
            data["pass_mark"] = form.cleaned_data["pass_mark"]
        save_draft(Kind.QUIZ, quiz.pk, clean_quiz(quiz, data), request.user)
        messages.success(request, "Saved to the draft.")
        return done(request, _editor_url(quiz))
    return _page(request, quiz)


def _question_page(
    request: HttpRequest,
    quiz: Quiz,
    key: str,
    form: QuestionForm,
    rows: list[dict],
    *,
    problems: list[str] | None = None,
    blocked: bool = False,
    answered_count: int = 0,
    status: int = 200,
    question: dict | None = None,
) -> HttpResponse:
    context = {
        "quiz": quiz,
        "key": key,
        "is_new": key == NEW,
        "form": form,
        "rows": rows,
        "problems": problems or [],
        "blocked": blocked,
        "answered_count": answered_count,
        # A scenario question: a few fresh draws, each option with what it computes.
        "draws": preview_draws(question, current_price_table()) if question else [],
    }
    template = "authoring/question_edit.html"
    if request.htmx:
        template += "#form"
    return render(request, template, context, status=status)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Edit one question of the draft (key "new": add one). Saving checks the question at once:
    the options, the right one, the feedback, living numbers, and what learners answered."""
    quiz = _get_quiz(pk)
    data = _draft_data(quiz)
    index = None if key == NEW else find_question(data, key)
    if key != NEW and index is None:
        raise Http404("No such question in this quiz")
    current = data["questions"][index] if index is not None else None
    info = answered_questions(quiz).get(current["id"]) if current else None
    chosen: dict[int, int] = {}
    if info:
        # How many learners chose each option, to show next to it.
        for choice_id in Answer.objects.filter(question_id=current["id"]).values_list(
            "choice_id", flat=True
        ):
            chosen[choice_id] = chosen.get(choice_id, 0) + 1
    lessons = _lessons(quiz)
    count = info.count if info else 0
    if request.method != "POST":
        initial = (
            {"stem": current["stem"], "lesson": current.get("lesson"), "slot": current.get("slot"),
             "scenario": dump_yaml(current["scenario"]) if current.get("scenario") else ""}
            if current
            else {}
        )  # fmt: skip
        form = QuestionForm(initial=initial, lessons=lessons)
        rows = option_rows(current["options"] if current else [], chosen)
        return _question_page(
            request, quiz, key, form, rows, answered_count=count, question=current
        )

    form = QuestionForm(request.POST, lessons=lessons)
    rows = submitted_rows(request.POST, chosen)
    if not form.is_valid():
        return _question_page(request, quiz, key, form, rows, answered_count=count, status=422)
    lesson = form.cleaned_data.get("lesson") or None
    question = clean_question(
        {
            "id": current["id"] if current else None,
            "key": current["key"] if current else new_key(quiz, data, lesson),
            "lesson": lesson,
            "slot": form.cleaned_data.get("slot"),
            "stem": form.cleaned_data["stem"],
            "scenario": form.cleaned_data["scenario"],
            "options": form.cleaned_data["options"],
        },
        test=is_test(quiz),
    )
    lesson_slugs = {slug for slug, _ in lessons} if lessons is not None else None
    table = current_price_table()
    as_new = bool(request.POST.get("as_new")) and current is not None and count > 0
    problems = question_problems(
        {**question, "options": [{**o, "id": None} for o in question["options"]]}
        if as_new
        else question,
        label="This question",
        answered=None if as_new else info,
        lessons=lesson_slugs,
        table=table,
    )
    if problems:
        blocked = bool(info and info.count) and not as_new
        return _question_page(
            request, quiz, key, form, rows, problems=problems, blocked=blocked,
            answered_count=count, status=422, question=question,
        )  # fmt: skip
    if as_new:
        data = add_as_new_question(quiz, data, key, question)
        fresh = data["questions"][index]["key"]
        messages.success(
            request,
            f"Added your version as a new question, {fresh}. When you publish, question "
            f"{key} leaves the quiz and is retired; learners' answers to it are kept.",
        )
        key = fresh
    else:
        data = put_question(data, current["key"] if current else None, question)
        key = question["key"]
        messages.success(request, f"Question {key} saved to the draft.")
    save_draft(Kind.QUIZ, quiz.pk, data, request.user)
    return done(request, _editor_url(quiz, key))


@instructor_required
@require_POST
def question_move(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    quiz = _get_quiz(pk)
    data = _draft_data(quiz)
    if find_question(data, key) is None:
        raise Http404("No such question in this quiz")
    step = -1 if request.POST.get("direction") == "up" else 1
    save_draft(Kind.QUIZ, quiz.pk, move_question(data, key, step), request.user)
    if request.htmx:
        return _page(request, quiz, partial="editor")
    return done(request, _editor_url(quiz, key))


@instructor_required
@require_POST
def question_remove(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    quiz = _get_quiz(pk)
    data = _draft_data(quiz)
    index = find_question(data, key)
    if index is None:
        raise Http404("No such question in this quiz")
    info = answered_questions(quiz).get(data["questions"][index]["id"])
    save_draft(Kind.QUIZ, quiz.pk, remove_question(data, key), request.user)
    if info and info.count:
        messages.info(
            request,
            f"Question {key} leaves the quiz when you publish. Learners have answered it, so "
            "it is retired rather than deleted: their answers are kept.",
        )
    else:
        messages.info(request, f"Question {key} removed from the draft.")
    if request.htmx:
        return _page(request, quiz, partial="editor")
    return done(request, _editor_url(quiz))


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for confirmation, then publish the draft with its optional change note."""
    quiz = _get_quiz(pk)
    draft = get_draft(Kind.QUIZ, quiz.pk)
    nothing = "There is no draft to publish."
    asking, note = ask_first(
        request,
        action="publish",
        what=_what(quiz),
        draft=draft,
        back_url=_editor_url(quiz),
        nothing=nothing,
    )
    if asking:
        return asking
    try:
        revision = publish_quiz(quiz, draft.data, request.user, note=note)
    except AuthoringError as exc:
        return _page(request, quiz, problems=exc.problems, status=422, partial="editor")
    messages.success(request, f"Published version {revision.number}: learners see it now.")
    return done(request, _editor_url(quiz))


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_discard(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _get_quiz(pk)
    draft = get_draft(Kind.QUIZ, quiz.pk)
    nothing = "There is no draft to discard."
    asking, _ = ask_first(
        request,
        action="discard",
        what=_what(quiz),
        draft=draft,
        back_url=_editor_url(quiz),
        nothing=nothing,
    )
    if asking:
        return asking
    if discard_draft(Kind.QUIZ, quiz.pk):
        messages.success(request, "Draft discarded: the editor shows the published quiz.")
    return done(request, _editor_url(quiz))


def _what(quiz: Quiz) -> str:
    return f"\u201c{quiz.title}\u201d"


@instructor_required
@require_safe
def quiz_as_learner(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's questions as learners will read them, every feedback opened."""
    quiz = _get_quiz(pk)
    data = _draft_data(quiz)
    table = current_price_table()
    questions = []
    for number, question in enumerate(data["questions"], start=1):
        # A scenario question is shown with one draw of its numbers, as a learner meets it.
        shown, outcomes = _one_draw(question, table)
        questions.append({
            "number": number, "key": question["key"], "lesson": question.get("lesson"),
            "slot": question.get("slot"),
            "problems": question_problems(question, label="This question", table=table),
            "stem_html": fill_html(_safe_render(question["stem"], table), shown),
            "options": [
                {"letter": chr(65 + i), "correct": o["correct"],
                 "text_html": fill_html(_safe_render(o["text"], table), shown, outcomes.get(i)),
                 "feedback_html": fill_html(
                     _safe_render(o["feedback"], table), shown, outcomes.get(i)
                 )}
                for i, o in enumerate(question["options"])
            ],
        })  # fmt: skip
    return render(
        request,
        "authoring/quiz_as_learner.html",
        {"quiz": quiz, "data": data, "questions": questions,
         "draft": get_draft(Kind.QUIZ, quiz.pk)},
    )  # fmt: skip


def _one_draw(question: dict, table: object) -> tuple[dict, dict]:
    """One draw's shown values and each option's outcome by index; empty for a fixed question
    or one whose template does not draw (its problems are listed)."""
    if not question.get("scenario"):
        return {}, {}
    computes = [o.get("computes", "") for o in question["options"]]
    try:
        values, outcomes = draw_values_and_amounts(
            question["scenario"], computes, table, random.Random()
        )
    except (ScenarioError, KeyError, TypeError, ValueError):
        return {}, {}
    return shown_values(values, table), dict(enumerate(outcomes))


def _safe_render(text: str, table: object) -> str:
    """Rendered HTML, or "" when a living number fails (the problem is listed separately)."""
    try:
        return render_markdown(text, table=table)
    except LivingNumberError:
        return ""
