"""One lab turn, whoever answers it: the offline tutor now, Claude when configured.

Used by the Celery task (`labs.tasks.reply`) and by `manage.py lab` alike, so the terminal and
the web page run the same code.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from labs.concept_base import published_concept_base
from labs.models import Lab, Message
from labs.tutor import ToolCall, Turn, open_test
from labs.tutor import answer as tutor_answer
from labs.tutor.concepts import using_concept_base

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
    from quizzes.open_items import lab_items

    # The published price table: an instructor's price change reaches the labs at once.
    table = current_price_table()
    # The learner's module-test items: while a test is open no lab works one out. Checked here,
    # once for either engine and before any API call, so Claude is not even asked; no item text
    # is ever sent (labs/tutor/open_test.py).
    items = lab_items(user)
    earlier = [t.text for t in history if t.role == "user" and t.text]
    found = open_test.found_in_conversation(text, earlier, items)
    reason = offline_reason(user)
    if found is not None and found.item.state in open_test.DECLINED:
        return TurnResult(
            text=open_test.decline_text(found.item),
            calculations=[],
            engine=Message.Engine.OFFLINE,
            notice="A module-test question while it is held back: Claude was not asked."
            if not (offline or reason)
            else "",
        )
    if offline or reason:
        # The published concept base, from the database: an instructor's publish reaches the
        # next answer.
        with using_concept_base(published_concept_base()):
            reply = tutor_answer(lab.engine, text, history, table)
        # The tutor writes its whole text at once: publish it before the cards are stored, the
        # same way Claude's text is, so the page shows it as soon as it exists and Stop works.
        stopped = on_text is not None and not on_text(reply.text)
        result = TurnResult(
            text=reply.text,
            calculations=reply.calculations,
            engine=Message.Engine.OFFLINE,
            notice=reason if not offline else "Offline mode was asked for.",
            stopped=stopped,
            asked_follow_up=reply.asked_follow_up,
        )
        refused = reply.kind == "refuse"
    else:
        from labs.claude import run_claude_turn  # the only module that imports anthropic

        result = run_claude_turn(
            lab, history, text, user=user, on_text=on_text, conversation=conversation,
            message=message, table=table,
        )  # fmt: skip
        refused = False
    if found is not None and not refused:
        # A missed item whose right answer the review shows: worked out, with a note added
        # after the reply (never in the prompt; the note names no test content).
        result.text = result.text.rstrip() + "\n\n" + open_test.missed_note(found.item)
    return result


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
