"""Small formatting filters for quiz and report pages."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PARAGRAPH = re.compile(r"</?p>")
# A living number's title is the calculator command behind it ("--system 2000 --user 1000
# ..."): on an option it would show which inputs the figure used, and so give the answer away.
_NUMBER_TITLE = re.compile(r'(<span class="living-number")\s+title="[^"]*"')


@register.filter
def inline_html(html: str) -> SafeString:
    """Stored (already sanitized) option HTML without its paragraph wrappers.

    Option texts go inside a <label>, which may only hold phrasing content: a single paragraph
    is unwrapped, and several are joined with line breaks.
    """
    text = str(html).strip()
    parts = [part.strip() for part in re.split(r"</p>\s*<p>", text)]
    joined = _NUMBER_TITLE.sub(r"\1", "<br>".join(parts))
    return mark_safe(_PARAGRAPH.sub("", joined))  # noqa: S308 - input was sanitized at sync


@register.filter
def percent(part: float | int | None, whole: float | int | None) -> str:
    """`3|percent:4` -> "75%"; a dash when there is nothing to divide."""
    if part is None or not whole:
        return "\N{EN DASH}"
    return f"{round(100 * part / whole)}%"
