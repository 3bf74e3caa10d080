"""One lab turn, whoever answers it: the offline tutor now, Claude when configured.

Used by the Celery task (`labs.tasks.reply`) and by `manage.py lab` alike, so the terminal and
the web page run the same code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from labs.models import Lab, Message
from labs.tutor import ToolCall, Turn
from labs.tutor import answer as tutor_answer

OFFLINE_LABEL = "Offline tutor: answers computed by the course calculator"


@dataclass
class TurnResult:
    text: str
    calculations: list[ToolCall]
    engine: str  # Message.Engine value
    usage: dict[str, Any] = field(default_factory=dict)
    notice: str = ""
    stopped: bool = False
    # The offline tutor says when its reply is a question back; the grader trusts this flag
    # (Claude's replies are read from their text), so lab_eval and `make test` score alike.
    asked_follow_up: bool = False


def offline_reason(user: Any = None, *, budgets: bool = True) -> str:
    """Why the offline tutor answers, or "" when Claude may."""
    if not settings.ANTHROPIC_API_KEY:
        return "No Claude API key is configured, so the offline tutor answers."
    if settings.LABS_OFFLINE:
        return "Labs are set to offline mode, so the offline tutor answers."
    if budgets:
        from labs.spending import budget_reason

        return budget_reason(user)
    return ""


def run_turn(
    lab: Lab,
    history: list[Turn],
    text: str,
    *,
    offline: bool | None = None,
    user: Any = None,
    on_text: Callable[[str], bool] | None = None,
    conversation: Any = None,
    message: Any = None,
) -> TurnResult:
    """Answer `text` in `lab` given the earlier turns. `on_text(so_far)` is called as text
    arrives and returns False to stop early."""
    from authoring.pricing import current_price_table

    # The published price table: an instructor's price change reaches the labs at once.
    table = current_price_table()
    reason = offline_reason(user)
    if offline or reason:
        reply = tutor_answer(lab.engine, text, history, table)
        return TurnResult(
            text=reply.text,
            calculations=reply.calculations,
            engine=Message.Engine.OFFLINE,
            notice=reason if not offline else "Offline mode was asked for.",
            asked_follow_up=reply.asked_follow_up,
        )
    from labs.claude import run_claude_turn  # the only module that imports anthropic

    return run_claude_turn(
        lab, history, text, user=user, on_text=on_text, conversation=conversation,
        message=message, table=table,
    )  # fmt: skip


def history_before(message: Message) -> tuple[list[Turn], str]:
    """The turns before the learner message that `message` (a pending reply) answers, and that
    learner message's text."""
    earlier = list(
        message.conversation.messages.filter(created_at__lte=message.created_at)
        .exclude(pk=message.pk)
        .order_by("created_at", "id")
        .values_list("role", "text", "status")
    )
    question = ""
    while earlier:
        role, text, _status = earlier.pop()
        if role == Message.Role.USER:
            question = text
            break
    turns = [
        Turn(role=role, text=text)
        for role, text, status in earlier
        if text and status in (Message.Status.DONE, Message.Status.STOPPED)
    ]
    return turns, question
