"""Labs in the editor: task, try-asking prompt, greeting and system prompt."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from authoring.drafts import AuthoringError, clean_text, discard_draft
from authoring.history import ensure_baseline, record_revision
from authoring.models import Kind, Revision
from authoring.pricing import current_price_table
from courses.rendering import LivingNumberError, render_markdown, render_untrusted_markdown
from labs.calculator import PriceTable
from labs.eval_requests import request_lab_evaluation
from labs.models import Lab

logger = logging.getLogger(__name__)

LAB_FIELDS = {
    "title": "The title",
    "task": "The task",
    "try_asking": "The try-asking prompt",
    "greeting": "The greeting",
    "system_prompt": "The system prompt",
}


def lab_snapshot(lab: Lab) -> dict:
    return {
        "title": lab.title,
        "task": lab.task_markdown,
        "try_asking": lab.try_asking,
        "greeting": lab.greeting_markdown,
        "system_prompt": lab.system_prompt,
    }


def clean_lab(data: dict) -> dict:
    return {name: clean_text(data.get(name)) for name in LAB_FIELDS}


def lab_problems(data: dict) -> list[str]:
    return [f"{label} is empty." for name, label in LAB_FIELDS.items() if not data[name]]


@dataclass(frozen=True)
class RenderedLab:
    task_html: str
    greeting_html: str


def render_lab(data: dict, table: PriceTable | None = None) -> RenderedLab:
    table = table or current_price_table()
    problems, html = [], {}
    for name in ("task", "greeting"):
        try:
            html[name] = render_markdown(data[name], table=table)
        except LivingNumberError as exc:
            problems.append(f"{LAB_FIELDS[name]}: {exc}")
    if problems:
        raise AuthoringError(problems)
    return RenderedLab(task_html=html["task"], greeting_html=html["greeting"])


def lab_with(lab: Lab, data: dict, rendered: RenderedLab | None = None) -> Lab:
    """An unsaved copy of the lab holding the draft (for previews and "Try it"). Never saved."""
    copy = Lab(
        pk=lab.pk, slug=lab.slug, lesson_id=lab.lesson_id, engine=lab.engine,
        title=data["title"], task_markdown=data["task"], try_asking=data["try_asking"],
        greeting_markdown=data["greeting"], system_prompt=data["system_prompt"],
        task_html=rendered.task_html if rendered else lab.task_html,
        greeting_html=rendered.greeting_html if rendered else lab.greeting_html,
    )  # fmt: skip
    return copy


def publish_problems(lab: Lab, data: dict) -> list[str]:
    """What would stop `publish_lab` now, checked before the instructor is asked to confirm."""
    data = clean_lab(data)
    problems = lab_problems(data)
    if problems:
        return problems
    try:
        render_lab(data)
    except AuthoringError as exc:
        return exc.problems
    if lab_snapshot(lab) == data:
        return ["Nothing to publish: this is the published version."]
    return []


def publish_lab(lab: Lab, data: dict, user: AbstractBaseUser, *, note: str = "") -> Revision:
    data = clean_lab(data)
    problems = lab_problems(data)
    if problems:
        raise AuthoringError(problems)
    rendered = render_lab(data)
    with transaction.atomic():
        live = Lab.objects.select_for_update().get(pk=lab.pk)
        before = lab_snapshot(live)
        if before == data:
            raise AuthoringError("Nothing to publish: this is the published version.")
        ensure_baseline(Kind.LAB, live.pk, before)
        live.title = data["title"]
        live.task_markdown, live.task_html = data["task"], rendered.task_html
        live.try_asking = data["try_asking"]
        live.greeting_markdown, live.greeting_html = data["greeting"], rendered.greeting_html
        live.system_prompt = data["system_prompt"]
        live.save()
        revision = record_revision(
            Kind.LAB, live.pk, data, user=user, source=Revision.Source.APP, note=note
        )
        discard_draft(Kind.LAB, live.pk)
        # The golden evaluation measured the old prompt or prices: measure again.
        transaction.on_commit(request_lab_evaluation)
    return revision


@dataclass(frozen=True)
class TryResult:
    message: str
    # A Claude trial runs in a worker, like a learner's message: the page polls this reply.
    pending_message_id: int | None = None
    reply_html: str = ""
    cards: tuple[str, ...] = ()
    engine: str = ""
    notice: str = ""
    error: str = ""

    def to_session(self) -> dict:
        return {**self.__dict__, "cards": list(self.cards)}

    @classmethod
    def from_session(cls, data: dict) -> "TryResult":
        return cls(**{**data, "cards": tuple(data.get("cards", ()))})


def _enqueue_trial(lab: Lab, data: dict, message: str, user: AbstractBaseUser) -> int:
    """Claude answers in a Celery worker, never in the request: save the trial as a
    conversation holding the edited fields, and queue the reply."""
    from labs.models import Conversation, Message
    from labs.views import enqueue_reply

    with transaction.atomic():
        conversation = Conversation.objects.create(
            user=user, lab=lab, title=f"Trial: {message[:70]}", is_trial=True,
            lab_overrides=data,
        )  # fmt: skip
        Message.objects.create(conversation=conversation, role=Message.Role.USER, text=message)
        pending = Message.objects.create(
            conversation=conversation, role=Message.Role.ASSISTANT, status=Message.Status.QUEUED
        )
    enqueue_reply(pending.pk)
    return pending.pk


def try_lab(lab: Lab, data: dict, message: str, user: AbstractBaseUser) -> TryResult:
    """Ask the lab as it would be with `data` published. The offline tutor answers here, in
    milliseconds, and nothing is saved. When Claude may answer (a key, budget left), the trial
    is queued for a worker like a learner's message (`_enqueue_trial`) and the page polls it."""
    from labs.cards import render_card, render_error_card
    from labs.conversation import offline_reason, run_turn
    from labs.models import Message

    if len(message) > settings.LAB_MAX_MESSAGE_CHARS:
        return TryResult(
            message=message,
            error=f"Keep the message under {settings.LAB_MAX_MESSAGE_CHARS:,} characters.",
        )
    if not offline_reason(user):
        return TryResult(
            message=message, pending_message_id=_enqueue_trial(lab, data, message, user)
        )
    try:
        result = run_turn(lab_with(lab, data), [], message, user=user)
    except Exception as exc:
        # A preview must not 500: say what happened, keep the cause for the logs.
        logger.exception("trying lab %s failed", lab.slug)
        safe = getattr(exc, "safe_message", "") or "The lab could not answer (see the server log)."
        return TryResult(message=message, error=safe)
    cards = tuple(
        render_error_card(c.tool, c.input, str(c.output.get("error", "")))
        if c.is_error
        else render_card(c.output, c.input)
        for c in result.calculations
    )
    engine = Message.Engine(result.engine).label if result.engine else ""
    return TryResult(
        message=message,
        reply_html=render_untrusted_markdown(result.text),
        cards=cards,
        engine=engine,
        notice=result.notice,
    )
