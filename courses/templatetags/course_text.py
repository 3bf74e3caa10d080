import re
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def inline_code(text: str) -> SafeString:
    """Plain text with `backticks` shown as code; everything else escaped."""
    escaped = escape(text)
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))  # noqa: S308 - escaped above


@register.filter
def ago(when: datetime | None) -> str:
    """How long ago, in words: "just now" under a minute (Django's timesince alone would say
    "0 minutes"), otherwise "3 minutes ago", "2 hours, 5 minutes ago"."""
    if when is None:
        return ""
    if timezone.now() - when < timedelta(minutes=1):
        return "just now"
    return f"{timesince(when)} ago"
