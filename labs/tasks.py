"""Lab replies, produced by Celery workers.

A task takes a message id and claims the row with a conditional UPDATE; a duplicate delivery (or
the sweep re-queuing a reply that did get delivered) finds nothing to claim and does nothing. The
result lives in the row; the page polls it.
"""

import logging
import traceback
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from courses.rendering import render_untrusted_markdown
from labs.cards import render_card, render_error_card
from labs.conversation import history_before, run_turn
from labs.models import Calculation, Conversation, Lab, Message
from labs.tutor import ToolCall

log = logging.getLogger(__name__)

MAX_CLAIMS = 3  # a reply whose worker died this many times is failed, not retried forever
FAILED_TEXT = "The assistant could not answer this time. Your message is saved: press Retry."


def card_html(call: ToolCall) -> str:
    if call.is_error:
        return render_error_card(call.tool, call.input, str(call.output.get("error", "")))
    return render_card(call.output, call.input)


def lab_for(conversation: Conversation) -> Lab:
    """The lab as this conversation asks it: an instructor's trial uses the edited fields."""
    if conversation.lab_overrides:
        from authoring.labs import lab_with

        return lab_with(conversation.lab, conversation.lab_overrides)
    return conversation.lab


def claim(message_id: int) -> bool:
    return bool(
        Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
            status=Message.Status.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
            error_detail="",
        )
    )


def _still_running(message_id: int) -> bool:
    return Message.objects.filter(pk=message_id, status=Message.Status.RUNNING).exists()


@shared_task(name="labs.reply", ignore_result=True, acks_late=True)
def reply(message_id: int) -> None:
    if not claim(message_id):
        log.info("reply %s: nothing to claim (already taken or stopped)", message_id)
        return
    message = Message.objects.select_related("conversation__lab", "conversation__user").get(
        pk=message_id
    )
    history, question = history_before(message)
    last_save = [0.0]

    def on_text(so_far: str) -> bool:
        # Stream partial text into the row at most ~4 times a second; stop when asked.
        now = timezone.now().timestamp()
        if now - last_save[0] > 0.25:
            last_save[0] = now
            Message.objects.filter(pk=message_id, status=Message.Status.RUNNING).update(
                text=so_far, html=render_untrusted_markdown(so_far)
            )
        return _still_running(message_id)

    try:
        result = run_turn(
            lab_for(message.conversation), history, question,
            user=message.conversation.user, on_text=on_text,
            conversation=message.conversation, message=message,
        )  # fmt: skip
    except Exception as exc:
        # Expected failures (Claude down, key rejected) arrive here already classified by
        # labs.claude with a safe message; anything else is a bug, logged with its traceback.
        safe = getattr(exc, "safe_message", FAILED_TEXT)
        log.exception("reply %s failed", message_id)
        Message.objects.filter(pk=message_id, status=Message.Status.RUNNING).update(
            status=Message.Status.FAILED,
            error=safe,
            error_detail="".join(traceback.format_exception(exc))[-4000:],
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        final = Message.Status.STOPPED if result.stopped else Message.Status.DONE
        updated = Message.objects.filter(
            pk=message_id, status__in=(Message.Status.RUNNING, Message.Status.STOPPED)
        ).update(
            text=result.text,
            html=render_untrusted_markdown(result.text),
            engine=result.engine,
            notice=result.notice[:300],
            finished_at=timezone.now(),
        )
        if updated:
            # A Stop pressed meanwhile wins over done.
            Message.objects.filter(pk=message_id, status=Message.Status.RUNNING).update(
                status=final
            )
            Calculation.objects.filter(message_id=message_id).delete()
            Calculation.objects.bulk_create(
                Calculation(
                    message_id=message_id, order=i, tool=c.tool, input=c.input, output=c.output,
                    is_error=c.is_error, html=card_html(c),
                )
                for i, c in enumerate(result.calculations, start=1)
            )  # fmt: skip


@shared_task(name="labs.sweep", ignore_result=True)
def sweep() -> int:
    """Re-queue replies that were never delivered (broker down at send time) or whose worker
    died mid-reply; fail those that keep dying. Runs every minute (celery beat)."""
    now = timezone.now()
    stuck_running = Message.objects.filter(
        status=Message.Status.RUNNING,
        started_at__lt=now
        - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + settings.LAB_SWEEP_GRACE_SECONDS),
    )
    stuck_running.filter(attempts__gte=MAX_CLAIMS).update(
        status=Message.Status.FAILED,
        error=FAILED_TEXT,
        error_detail="worker lost the reply too many times",
        finished_at=now,
    )
    stuck = list(stuck_running.values_list("pk", flat=True)[:500])
    # Conditional: a reply that finished meanwhile is left alone.
    Message.objects.filter(pk__in=stuck, status=Message.Status.RUNNING).update(
        status=Message.Status.QUEUED
    )
    undelivered = list(
        Message.objects.filter(
            status=Message.Status.QUEUED,
            updated_at__lt=now - timedelta(seconds=settings.LAB_SWEEP_GRACE_SECONDS),
        ).values_list("pk", flat=True)[:500]
    )
    resend = sorted(set(stuck) | set(undelivered))
    for pk in resend:
        Message.objects.filter(pk=pk).update(updated_at=now)
        reply.delay(pk)
    return len(resend)
