"""What a learner may send to a lab, checked before anything is saved or queued.

Every refusal is a `LabInputError` whose message is safe and useful to show as it is.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.utils import timezone

from labs.models import Conversation, Message

PENDING = (Message.Status.QUEUED, Message.Status.RUNNING)
# A reply the learner may ask for again: it failed, or they stopped it.
RETRYABLE = (Message.Status.FAILED, Message.Status.STOPPED)


class LabInputError(ValueError):
    pass


def clean_message(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise LabInputError("Write a question first: the message is empty.")
    limit = settings.LAB_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise LabInputError(
            f"Your message is {len(text):,} characters; the limit is {limit:,}. "
            "Shorten it, or send it in two parts."
        )
    return text


def check_rate(user: AbstractBaseUser) -> None:
    """At most LAB_MESSAGES_PER_HOUR learner messages in any rolling hour."""
    limit = settings.LAB_MESSAGES_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    recent = list(
        Message.objects.filter(
            conversation__user=user, role=Message.Role.USER, created_at__gte=since
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        free_at = recent[-1] + timedelta(hours=1)
        minutes = max(1, round((free_at - timezone.now()).total_seconds() / 60))
        raise LabInputError(
            f"You have sent {limit} lab messages in the last hour, the limit. "
            f"You can send again at {free_at:%H:%M} UTC (in about {minutes} minute"
            f"{'s' if minutes != 1 else ''})."
        )


def reserve_retry(user: AbstractBaseUser) -> None:
    """A retry asks for a new reply without a new message, so it does not show in the hourly
    count above: retries have their own budget of LAB_MESSAGES_PER_HOUR per clock hour, reserved
    atomically (cache.add then cache.incr) before the reply is queued."""
    limit = settings.LAB_MESSAGES_PER_HOUR
    now = timezone.now()
    key = f"lab-retries:{user.pk}:{now:%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: start the hour again
        cache.add(key, 1, timeout=3600)
        used = 1
    if used > limit:
        raise LabInputError(
            f"You have retried {limit} replies this hour, the limit. "
            f"You can retry again after {now:%H}:59 UTC, or send a new message."
        )


def check_no_pending(conversation: Conversation) -> None:
    if conversation.messages.filter(role=Message.Role.ASSISTANT, status__in=PENDING).exists():
        raise LabInputError(
            "The assistant is still answering your last message. "
            "Wait for it, or press Stop, then send this one."
        )
