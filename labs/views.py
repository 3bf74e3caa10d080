import logging
import time
from collections.abc import Iterable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import instructor_required, staff_required
from config.params import BadParameter, parse_id, parse_int
from courses.navigation import course_outline
from courses.progress import module_progress
from labs.conversation import OFFLINE_LABEL, offline_reason
from labs.eval_requests import request_lab_evaluation
from labs.eval_runs import latest_runs
from labs.limits import (
    PENDING,
    RETRYABLE,
    LabInputError,
    check_no_pending,
    check_rate,
    clean_message,
    reserve_retry,
)
from labs.models import ApiCall, Calculation, Conversation, Lab, Message
from labs.reports import spend_report
from labs.scenarios import (
    Scenario,
    ScenarioError,
    check_recalculation_rate,
    has_scenario,
    read_input,
    recalculate,
    restore,
    scenario_for,
)
from labs.spending import engine_status
from labs.streams import reply_events
from labs.tasks import reply

log = logging.getLogger(__name__)


def _get_lab(module: str, lesson: str) -> Lab:
    outline = course_outline()
    lesson_obj = outline.lesson(outline.module(module), lesson)
    # The lab row itself, not the outline's copy: its texts are re-rendered with update() when
    # prices change, which does not retire the outline.
    try:
        lab = Lab.objects.get(lesson=lesson_obj)
    except Lab.DoesNotExist:
        raise Http404("This lesson has no lab.") from None
    lab.lesson = lesson_obj
    return lab


def _get_conversation_for_user(
    request: HttpRequest, pk: int, lab: Lab | None = None
) -> Conversation:
    filters = {"pk": pk, "user": request.user, "is_trial": False}
    if lab is not None:
        filters["lab"] = lab
    return get_object_or_404(Conversation.objects.select_related("lab__lesson__module"), **filters)


def _get_message_for_user(request: HttpRequest, pk: int) -> Message:
    return get_object_or_404(
        Message.objects.select_related("conversation__lab__lesson__module").prefetch_related(
            "calculations"
        ),
        pk=pk, conversation__user=request.user, role=Message.Role.ASSISTANT,
    )  # fmt: skip


def _get_calculation_for_user(request: HttpRequest, pk: int) -> Calculation:
    # Trials are an instructor's preview of an edited lab, shown on the authoring page only.
    return get_object_or_404(
        Calculation.objects.select_related("message__conversation__lab__lesson__module"),
        pk=pk, message__conversation__user=request.user,
        message__conversation__is_trial=False,
    )  # fmt: skip


def enqueue_reply(message_id: int) -> bool:
    """Send the reply task; False when the broker is unreachable. The message stays queued
    and the sweep sends it again once the broker is back, so nothing is lost."""
    try:
        reply.delay(message_id)
    except Exception:  # kombu raises transport-specific errors
        log.exception("could not enqueue reply %s; the sweep will retry", message_id)
        return False
    return True


def _recent_conversations(request: HttpRequest, lab: Lab) -> list[Conversation]:
    """The learner's 20 latest conversations in this lab, each with what it cost so far, in
    one query: the page lists them and usually shows one of them."""
    recent = list(
        Conversation.objects.filter(user=request.user, lab=lab, is_trial=False).annotate(
            spent=Sum("messages__api_calls__cost_usd"),
            spent_uncached=Sum("messages__api_calls__uncached_cost_usd"),
        )[:20]
    )
    for conversation in recent:
        conversation.lab = lab
    return recent


def _meter(conversation: Conversation | None) -> dict:
    if conversation is None:
        return {"cost": 0, "saved": 0, "offline": bool(offline_reason(budgets=False))}
    if hasattr(conversation, "spent"):  # read with _recent_conversations
        totals = {"cost": conversation.spent, "uncached": conversation.spent_uncached}
    else:
        totals = ApiCall.objects.filter(message__conversation=conversation).aggregate(
            cost=Sum("cost_usd"), uncached=Sum("uncached_cost_usd")
        )
    cost = totals["cost"] or 0
    uncached = totals["uncached"] or 0
    return {
        "cost": cost,
        "saved": max(uncached - cost, 0),
        "offline": not cost and bool(offline_reason(budgets=False)),
    }


def _messages(conversation: Conversation | None) -> list[Message]:
    if conversation is None:
        return []
    return list(
        conversation.messages.prefetch_related(
            Prefetch(
                "calculations",
                queryset=Calculation.objects.only(
                    "message_id", "order", "html", "tool", "input", "original_input"
                ),
            )
        )
    )


def _with_scenarios(
    messages: Iterable[Message], bound: Mapping[int, Scenario | None] | None = None
) -> None:
    """Give each card its "What I understood" form (`calculation.scenario`). The price table
    (the model choices) is read only when some card has a form."""
    from authoring.pricing import current_price_table

    bound = bound or {}
    calculations = [c for m in messages for c in m.calculations.all() if has_scenario(c.tool)]
    if not calculations:
        return
    table = current_price_table()
    for calculation in calculations:
        if calculation.pk in bound:
            calculation.scenario = bound[calculation.pk]
        else:
            calculation.scenario = scenario_for(calculation, table)


def _lab_context(
    request: HttpRequest,
    lab: Lab,
    conversation: Conversation | None,
    recent: list[Conversation] | None = None,
    **extra: object,
) -> dict:
    messages_list = _messages(conversation)
    _with_scenarios(messages_list, extra.pop("bound", None))
    return {
        "lab": lab,
        "lesson": lab.lesson,
        "module": lab.lesson.module,
        "conversation": conversation,
        "messages_list": messages_list,
        "conversations": recent
        if recent is not None
        else Conversation.objects.filter(user=request.user, lab=lab, is_trial=False).only(
            "pk", "title", "updated_at"
        )[:20],
        "meter": _meter(conversation),
        "offline_label": OFFLINE_LABEL,
        "offline_reason": offline_reason(request.user),
        **extra,
    }


@login_required
@require_safe
def lab_page(
    request: HttpRequest, module: str, lesson: str, conversation: int | None = None
) -> HttpResponse:
    lab = _get_lab(module, lesson)
    recent = _recent_conversations(request, lab)
    if conversation is not None:
        current = next((c for c in recent if c.pk == conversation), None)
        if current is None:  # older than the 20 listed, or not the learner's (a 404)
            current = _get_conversation_for_user(request, conversation, lab)
    elif request.GET.get("new"):
        current = None
    else:
        current = recent[0] if recent else None
    context = _lab_context(request, lab, current, recent)
    if request.GET.get("ask"):
        context["draft"] = lab.try_asking
    context["progress"] = module_progress(request.user, lab.lesson.module)
    return render(request, "labs/lab.html", context)


@login_required
@require_POST
def lab_send(request: HttpRequest, module: str, lesson: str) -> HttpResponse:
    lab = _get_lab(module, lesson)
    raw = request.POST.get("text", "")
    conversation_id = request.POST.get("conversation") or None
    current = None
    if conversation_id:
        try:
            conversation_pk = parse_id(conversation_id, "conversation")
        except BadParameter as exc:
            # Keep what the learner typed: show it again with the reason, send nothing.
            context = _lab_context(request, lab, None, error=str(exc), draft=raw)
            template = "labs/lab.html#conversation" if request.htmx else "labs/lab.html"
            return render(request, template, context, status=400)
        current = _get_conversation_for_user(request, conversation_pk, lab)
    try:
        text = clean_message(raw)
        with transaction.atomic():
            # The hourly count and the insert must be one step, or parallel sends all pass the
            # count before any of them inserts. PostgreSQL: lock the learner's row, so their
            # sends queue here. SQLite ignores the lock, but its transactions are IMMEDIATE
            # (settings), so the atomic block already holds the database's write lock.
            User.objects.select_for_update().only("pk").get(pk=request.user.pk)
            check_rate(request.user)
            if current is None:
                current = Conversation.objects.create(user=request.user, lab=lab, title=text[:80])
            else:
                # Lock the conversation so two tabs cannot both pass the pending check.
                current = Conversation.objects.select_for_update().get(pk=current.pk)
                check_no_pending(current)
            Message.objects.create(conversation=current, role=Message.Role.USER, text=text)
            pending = Message.objects.create(
                conversation=current, role=Message.Role.ASSISTANT, status=Message.Status.QUEUED
            )
            current.save(update_fields=["updated_at"])
        # Enqueued after the block has committed (requests are not wrapped in a transaction), so
        # the worker always finds the rows; if the broker is down the reply stays queued, the
        # learner is told, and the sweep sends it once the broker is back.
        sent = [enqueue_reply(pending.pk)]
    except LabInputError as exc:
        if request.htmx:
            context = _lab_context(request, lab, current, error=str(exc), draft=raw)
            return render(request, "labs/lab.html#conversation", context, status=422)
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect(_conversation_url(lab, current))
    url = _conversation_url(lab, current)
    notice = "" if all(sent) else (
        "Your message is saved. The reply service is busy; the answer will appear here as soon "
        "as a worker picks it up."
    )  # fmt: skip
    if request.htmx:
        response = render(
            request,
            "labs/lab.html#conversation",
            _lab_context(request, lab, current, notice=notice),
        )
        response["HX-Push-Url"] = url
        return response
    if notice:
        from django.contrib import messages

        messages.warning(request, notice)
    return redirect(url)


def _conversation_url(lab: Lab, conversation: Conversation | None) -> str:
    base = reverse("labs:lab", args=[lab.lesson.module.slug, lab.lesson.slug])
    return f"{base}c/{conversation.pk}/" if conversation else base


def _message_context(message: Message, **extra: object) -> dict:
    """What the reply's bubble shows: its cards' forms, and the cost meter once finished."""
    context = {"message": message, "offline_label": OFFLINE_LABEL, **extra}
    if not message.conversation.is_trial:
        _with_scenarios([message])
    if message.status not in PENDING:
        context["meter"] = _meter(message.conversation)
        context["oob_meter"] = True
    return context


def _message_response(
    request: HttpRequest, pk: int, status: int = 200, **extra: object
) -> HttpResponse:
    """The reply's bubble for htmx (with the cost meter once it is finished), else a redirect to
    its conversation. Shared by the poll (GET) and by Stop and Retry (POST)."""
    message = _get_message_for_user(request, pk)
    if not request.htmx:
        return redirect(_conversation_url(message.conversation.lab, message.conversation))
    context = _message_context(message, **extra)
    return render(request, "labs/lab.html#assistant_message", context, status=status)


@login_required
@require_safe
def message_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    return _message_response(request, pk)


@login_required
@require_safe
def message_stream(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply as server-sent events while it is written (labs/streams.py). It only reads the
    row the worker writes; another learner's reply is a 404 like every other view of it."""
    message = _get_message_for_user(request, pk)

    def render_text() -> str:
        current = Message.objects.only("status", "text", "html").get(pk=message.pk)
        return render_to_string("labs/lab.html#reply_text", {"message": current}, request)

    def render_done() -> str:
        current = _get_message_for_user(request, pk)
        return render_to_string(
            "labs/lab.html#assistant_message", _message_context(current), request
        )

    response = StreamingHttpResponse(
        reply_events(message.pk, render_text, render_done), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back in its buffer
    return response


@login_required
@require_POST
def message_stop(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get_message_for_user(request, pk)
    # Only a reply still in progress can be stopped; the worker sees the status and ends. A reply
    # whose worker died is stopped just the same, so the learner is never stuck waiting for it.
    Message.objects.filter(pk=message.pk, status__in=PENDING).update(
        status=Message.Status.STOPPED, finished_at=timezone.now()
    )
    return _message_response(request, pk)


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get_message_for_user(request, pk)
    try:
        with transaction.atomic():
            # The same lock as a send: a retry and a new message cannot both become pending.
            conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
            check_no_pending(conversation)
            if message.status in RETRYABLE:
                reserve_retry(request.user)
            retried = Message.objects.filter(pk=message.pk, status__in=RETRYABLE).update(
                status=Message.Status.QUEUED, error="", error_detail="", text="", html="",
                engine="", notice="", finished_at=None,
            )  # fmt: skip
            if retried:
                Calculation.objects.filter(message_id=message.pk).delete()
    except LabInputError as exc:
        if request.htmx:
            return _message_response(request, pk, status=422, retry_error=str(exc))
        messages.error(request, str(exc))
        return redirect(_conversation_url(message.conversation.lab, message.conversation))
    if retried:
        enqueue_reply(message.pk)
    return _message_response(request, pk)


@login_required
@require_POST
def calculation_recalculate(request: HttpRequest, pk: int) -> HttpResponse:
    """Run one card again on the inputs the learner corrected in its "What I understood" form."""
    from authoring.pricing import current_price_table

    calculation = _get_calculation_for_user(request, pk)
    table = current_price_table()
    try:
        check_recalculation_rate(request.user.pk, time.time())
        recalculate(calculation, read_input(calculation, request.POST, table), table)
    except ScenarioError as exc:
        # Shown again as typed, each message beside its field; the card keeps its last figures.
        scenario = scenario_for(calculation, table, posted=request.POST, errors=exc.errors)
        return _calculation_response(request, calculation, scenario, status=exc.status)
    return _calculation_response(request, calculation, scenario_for(calculation, table))


@login_required
@require_POST
def calculation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to what the tutor or Claude read: the original input, run again."""
    from authoring.pricing import current_price_table

    calculation = _get_calculation_for_user(request, pk)
    table = current_price_table()
    try:
        check_recalculation_rate(request.user.pk, time.time())
        restore(calculation, table)
    except ScenarioError as exc:
        scenario = scenario_for(calculation, table, errors=exc.errors)
        return _calculation_response(request, calculation, scenario, status=exc.status)
    return _calculation_response(request, calculation, scenario_for(calculation, table))


def _calculation_response(
    request: HttpRequest, calculation: Calculation, scenario: Scenario | None, status: int = 200
) -> HttpResponse:
    """The card with its form for htmx; without JavaScript, a redirect to the card on its
    conversation, or the whole page with the form as typed when it was refused."""
    calculation.scenario = scenario
    if request.htmx:
        return render(
            request, "labs/lab.html#calculation", {"calculation": calculation}, status=status
        )
    conversation = calculation.message.conversation
    if status == 200:
        url = _conversation_url(conversation.lab, conversation)
        return redirect(f"{url}#calculation-{calculation.pk}")
    lab = conversation.lab
    context = _lab_context(request, lab, conversation, bound={calculation.pk: scenario})
    context["progress"] = module_progress(request.user, lab.lesson.module)
    return render(request, "labs/lab.html", context, status=status)


@staff_required
@require_safe
def spend(request: HttpRequest) -> HttpResponse:
    days = parse_int(request.GET.get("days", "30"), "days", minimum=1, maximum=366)
    return render(
        request, "labs/spend.html", {"report": spend_report(days), "engine": engine_status()}
    )


@instructor_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluations(request: HttpRequest) -> HttpResponse:
    """The golden evaluation's latest pass rates per lab and engine; POST queues a re-run."""
    if request.method == "POST":
        request_lab_evaluation()
        messages.success(request, "The evaluation is queued; reload in a minute for the results.")
        return redirect("labs:evaluations")
    return render(request, "labs/evaluations.html", {"rows": latest_runs()})
