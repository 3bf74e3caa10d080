from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import instructor_required
from authoring.models import PRICES_ID, Draft, Kind, Revision
from courses.models import Module


def _states() -> tuple[dict, dict]:
    drafts = {(d.kind, d.object_id): d for d in Draft.objects.select_related("author")}
    latest: dict = {}
    pending = set(
        Revision.objects.filter(in_files=False).values_list("kind", "object_id").distinct()
    )
    for revision in Revision.objects.select_related("author").order_by("-number"):
        key = (revision.kind, revision.object_id)
        if key not in latest:
            latest[key] = {"revision": revision, "unexported": key in pending}
    return drafts, latest


def _row(kind: str, obj: object, label: str, drafts: dict, latest: dict) -> dict:
    key = (kind, obj.pk if obj is not None else PRICES_ID)
    state = latest.get(key, {})
    return {
        "kind": kind,
        "object_id": key[1],
        "label": label,
        "draft": drafts.get(key),
        "revision": state.get("revision"),
        "unexported": state.get("unexported", False),
    }


@instructor_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    drafts, latest = _states()
    modules = []
    for module in Module.objects.prefetch_related("lessons__quiz", "lessons__lab", "quizzes"):
        rows = []
        for lesson in module.lessons.all():
            item = {"lesson": lesson}
            item["lesson_row"] = _row(Kind.LESSON, lesson, lesson.title, drafts, latest)
            quiz = getattr(lesson, "quiz", None)
            lab = getattr(lesson, "lab", None)
            item["quiz_row"] = quiz and _row(Kind.QUIZ, quiz, quiz.title, drafts, latest)
            item["lab_row"] = lab and _row(Kind.LAB, lab, lab.title, drafts, latest)
            item["quiz"], item["lab"] = quiz, lab
            rows.append(item)
        test = next((q for q in module.quizzes.all() if q.kind == "test"), None)
        modules.append({
            "module": module,
            "rows": rows,
            "test": test,
            "test_row": test and _row(Kind.QUIZ, test, test.title, drafts, latest),
        })  # fmt: skip
    prices_row = _row(Kind.PRICES, None, "Price table", drafts, latest)
    return render(
        request, "authoring/dashboard.html", {"modules": modules, "prices_row": prices_row}
    )
