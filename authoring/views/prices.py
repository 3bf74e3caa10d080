from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import instructor_required
from authoring.drafts import AuthoringError, discard_draft, get_draft, save_draft
from authoring.forms import PriceModelForm
from authoring.impact import figure_changes, group_by_lesson, option_collisions
from authoring.models import PRICES_ID, Kind, Revision, StatusRender
from authoring.pricing import (
    build_table,
    change_model,
    current_price_table,
    find_model,
    publish_prices,
    table_changes,
)
from authoring.views.common import ask_first, done


def _get_price_revision(number: int) -> Revision:
    return get_object_or_404(
        Revision.objects.select_related("author"),
        kind=Kind.PRICES, object_id=PRICES_ID, number=number,
    )  # fmt: skip


def _working_data() -> dict:
    """The table being edited: the draft if there is one, else the published table."""
    draft = get_draft(Kind.PRICES, PRICES_ID)
    return draft.data if draft else current_price_table().to_data()


def _page(
    request: HttpRequest, *, problems: list[str] | None = None, status: int = 200
) -> HttpResponse:
    published = current_price_table()
    draft = get_draft(Kind.PRICES, PRICES_ID)
    changes, impact, draft_problems, collisions = [], [], [], []
    changed_models: set[str] = set()
    if draft:
        changes = table_changes(published.to_data(), draft.data)
        changed_models = {line.split(":", 1)[0] for line in changes}
        try:
            draft_table = build_table(draft.data)
            # First in the report: questions the draft would make unanswerable.
            collisions = option_collisions(draft_table)
            impact = group_by_lesson(figure_changes(published, draft_table))
        except AuthoringError as exc:
            draft_problems = exc.problems
    models = []
    today = {m.id: m.status for m in published.models}
    for model in (draft.data if draft else published.to_data())["models"]:
        # The status a learner reads today (the calendar's), beside the one the table states.
        models.append(
            {
                **model,
                "changed": model["id"] in changed_models,
                "status_today": today.get(model["id"]),
            }
        )
    # The last days on which a retirement date moved a status, with the texts that moved.
    recent = [run for run in StatusRender.objects.all()[:30] if run.changes][:3]
    status_renders = [{"run": run, "impact": group_by_lesson(run.effects)} for run in recent]
    context = {
        "models": models,
        "draft": draft,
        "changes": changes,
        "impact": impact,
        "collisions": collisions,
        "problems": (problems or []) + draft_problems,
        "status_renders": status_renders,
        "latest": Revision.objects.filter(kind=Kind.PRICES, object_id=PRICES_ID)
        .select_related("author")
        .order_by("-number")
        .first(),
    }
    return render(request, "authoring/prices.html", context, status=status)


@instructor_required
@require_safe
def prices(request: HttpRequest) -> HttpResponse:
    """The price table (the draft, when there is one), its pending changes, and which lesson
    figures publishing them would change."""
    return _page(request)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def price_model(request: HttpRequest, model_id: str) -> HttpResponse:
    """Edit one model's prices and status into the price-table draft."""
    data = _working_data()
    model = find_model(data, model_id)
    if model is None:
        raise Http404("No such model in the price table")
    if request.method == "POST":
        form = PriceModelForm(request.POST)
        if form.is_valid():
            try:
                changed = change_model(data, model_id, form.changes())
            except AuthoringError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                save_draft(Kind.PRICES, PRICES_ID, changed, request.user)
                messages.success(
                    request,
                    f"{model['display_name']} changed in the draft. Check which lesson figures "
                    "move, then publish.",
                )
                return done(request, reverse("authoring:prices") + "#pending")
        status = 422
    else:
        form = PriceModelForm(initial=PriceModelForm.initial_from(model))
        status = 200
    template = "authoring/price_model.html#form" if request.htmx else "authoring/price_model.html"
    return render(request, template, {"model": model, "form": form}, status=status)


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def prices_publish(request: HttpRequest) -> HttpResponse:
    """Ask for confirmation, then publish the price changes with their optional change note."""
    draft = get_draft(Kind.PRICES, PRICES_ID)
    back = reverse("authoring:prices")
    nothing = "There is no price change to publish."
    asking, note = ask_first(
        request,
        action="publish",
        what="the price table",
        draft=draft,
        back_url=back,
        nothing=nothing,
    )
    if asking:
        return asking
    try:
        revision = publish_prices(draft.data, request.user, note=note)
    except AuthoringError as exc:
        return _page(request, problems=exc.problems, status=422)
    lessons = len(group_by_lesson(revision.effects))
    messages.success(
        request,
        f"Published price table version {revision.number}. Every lesson, quiz and lab now uses "
        f"it; figures changed in {lessons} lesson{'s' if lessons != 1 else ''}.",
    )
    return done(request, reverse("authoring:price_change", args=[revision.number]))


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def prices_discard(request: HttpRequest) -> HttpResponse:
    draft = get_draft(Kind.PRICES, PRICES_ID)
    back = reverse("authoring:prices")
    nothing = "There are no price changes to discard."
    asking, _ = ask_first(
        request,
        action="discard",
        what="the price table",
        draft=draft,
        back_url=back,
        nothing=nothing,
    )
    if asking:
        return asking
    if discard_draft(Kind.PRICES, PRICES_ID):
        messages.success(request, "Price changes discarded.")
    return done(request, back)


@instructor_required
@require_safe
def price_change(request: HttpRequest, number: int) -> HttpResponse:
    """What one published price change did: the fields changed and the lesson figures moved."""
    revision = _get_price_revision(number)
    previous = (
        Revision.objects.filter(kind=Kind.PRICES, object_id=PRICES_ID, number__lt=number)
        .order_by("-number")
        .first()
    )
    changes = table_changes(previous.data, revision.data) if previous else []
    return render(
        request,
        "authoring/price_change.html",
        {
            "revision": revision,
            "previous": previous,
            "changes": changes,
            "impact": group_by_lesson(revision.effects),
        },
    )
