"""Lab replies, produced by Celery workers.

A task takes a message id and claims the row with a conditional UPDATE; a duplicate delivery (or
the sweep re-queuing a reply that did get delivered) finds nothing to claim and does nothing. The
result lives in the row, written as it arrives; the page's event stream reads it.
"""

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db import (
    DatabaseError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F, Q, QuerySet
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


# Pauses between tries of the claim when the database is busy (SQLite's "database is locked"
# once another writer held it past SQLITE_TIMEOUT): a few short tries, then Celery retries the
# task, and past that the reply is still queued, so the sweep sends it again.
CLAIM_BACKOFF = (0.2, 0.5, 1.0)
TASK_RETRY_SECONDS = 2
REPLY_SAVE_SECONDS = 0.1  # the least time between two saves of a reply's partial text


def claim(message_id: int) -> int | None:
    """Take a queued reply: the attempt number this worker now owns, or None when there was
    nothing to claim (already taken, stopped, or done)."""
    for pause in (*CLAIM_BACKOFF, None):
        try:
            with transaction.atomic():
                now = timezone.now()
                taken = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
                    status=Message.Status.RUNNING, started_at=now, heartbeat_at=now,
                    attempts=F("attempts") + 1, error="", error_detail="",
                )  # fmt: skip
                if not taken:
                    return None
                # Read in the same transaction, under the lock the update holds.
                return Message.objects.values_list("attempts", flat=True).get(pk=message_id)
        except OperationalError:
            if pause is None:
                raise
            log.warning("reply %s: database busy while claiming; trying again", message_id)
            close_old_connections()  # drop a connection the error left unusable
            time.sleep(pause)
    return None  # not reached: the last try returns or raises


def _mine(message_id: int, attempt: int) -> QuerySet[Message]:
    # A reply this worker still owns: running, and not re-queued and claimed again by another
    # worker since (after a heartbeat was missed), so a late writer never clobbers the new run.
    return Message.objects.filter(pk=message_id, status=Message.Status.RUNNING, attempts=attempt)


def _still_running(message_id: int, attempt: int) -> bool:
    return _mine(message_id, attempt).exists()


def heartbeat_seconds() -> float:
    return settings.LAB_HEARTBEAT_TIMEOUT_SECONDS / 4


@contextmanager
def heartbeat(message_id: int, attempt: int) -> Iterator[None]:
    """Stamp the reply's heartbeat from a side thread while the body runs: a Claude call can
    go quiet for long stretches, and only a dead process should stop the beat."""
    done = threading.Event()

    def beat() -> None:
        try:
            while not done.wait(heartbeat_seconds()):
                try:
                    _mine(message_id, attempt).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # One missed beat is harmless; several in a row let the sweep re-run it.
                    log.warning("reply %s: could not write the heartbeat", message_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{message_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


@shared_task(name="labs.reply", ignore_result=True, acks_late=True, bind=True, max_retries=5)
def reply(self: Task, message_id: int) -> None:
    try:
        attempt = claim(message_id)
    except OperationalError as exc:
        # Still queued: Celery tries again shortly; if every try fails, the sweep re-sends it.
        raise self.retry(exc=exc, countdown=TASK_RETRY_SECONDS) from exc
    if attempt is None:
        log.info("reply %s: nothing to claim (already taken or stopped)", message_id)
        return
    with heartbeat(message_id, attempt):
        answer(message_id, attempt)


def answer(message_id: int, attempt: int) -> None:
    """Run the turn for a claimed reply and store the result."""
    message = Message.objects.select_related("conversation__lab", "conversation__user").get(
        pk=message_id
    )
    history, question = history_before(message)
    last_save = [float("-inf")]

    def on_text(so_far: str) -> bool:
        # The page's stream reads the row (labs/streams.py): the first text is saved at once,
        # later text at most every REPLY_SAVE_SECONDS, so a fast model costs ten writes a second,
        # not one per token. The final write below always carries the whole text. Sanitized
        # here exactly as the finished reply is, so the page never sees raw model HTML.
        now = time.monotonic()
        if now - last_save[0] >= REPLY_SAVE_SECONDS:
            last_save[0] = now
            _mine(message_id, attempt).update(
                text=so_far, html=render_untrusted_markdown(so_far), updated_at=timezone.now()
            )
        return _still_running(message_id, attempt)

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
        _mine(message_id, attempt).update(
            status=Message.Status.FAILED,
            error=safe,
            error_detail="".join(traceback.format_exception(exc))[-4000:],
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        final = Message.Status.STOPPED if result.stopped else Message.Status.DONE
        updated = Message.objects.filter(
            pk=message_id,
            status__in=(Message.Status.RUNNING, Message.Status.STOPPED),
            attempts=attempt,
        ).update(
            text=result.text,
            html=render_untrusted_markdown(result.text),
            engine=result.engine,
            notice=result.notice[:300],
            finished_at=timezone.now(),
        )
        if updated:
            # A Stop pressed meanwhile wins over done.
            _mine(message_id, attempt).update(status=final)
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
    """Re-queue replies that were never delivered (broker down at send time, or every claim
    failed) or whose worker died mid-reply; fail those that keep dying. Beat runs it every
    LAB_SWEEP_INTERVAL_SECONDS."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.LAB_HEARTBEAT_TIMEOUT_SECONDS)
    past_limit = now - timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT + settings.LAB_SWEEP_GRACE_SECONDS
    )
    stuck_running = Message.objects.filter(
        # A worker that stopped beating has died; the time limit is the backstop for one that
        # beats but never finishes (Celery kills it at the hard limit anyway).
        Q(heartbeat_at__lt=stale)
        | Q(heartbeat_at__isnull=True, started_at__lt=stale)
        | Q(started_at__lt=past_limit),
        status=Message.Status.RUNNING,
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
        try:
            reply.delay(pk)
        except Exception:  # kombu raises transport-specific errors; the next sweep tries again
            log.exception("sweep: could not send reply %s", pk)
    return len(resend)


@shared_task(name="labs.evaluate", ignore_result=True)
def evaluate(force: bool = False) -> int:
    """Re-run the golden evaluation of every lab whose last run is stale (labs/eval_runs.py)."""
    from labs.eval_runs import evaluate_stale_labs

    return len(evaluate_stale_labs(force=force))
