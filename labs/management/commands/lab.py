import json

from django.core.management.base import BaseCommand, CommandError

from labs.conversation import TurnResult, run_turn
from labs.models import Conversation, Lab, Message
from labs.tutor import Turn


class Command(BaseCommand):
    help = (
        'Ask a lab from the terminal: lab <lab-slug> "message" ["next message" ...] '
        "[--conversation ID] [--offline] [--json]. Several messages are answered in turn, each "
        "with the ones before it as history; --conversation starts from that conversation's "
        "turns in the database. Nothing is written to the conversation."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("slug", help="cost-estimator, caching-strategist, prompt-auditor, ...")
        parser.add_argument("messages", nargs="+", metavar="message")
        parser.add_argument(
            "--conversation", type=int, metavar="ID",
            help="continue this conversation: its finished turns are the history",
        )  # fmt: skip
        parser.add_argument("--offline", action="store_true", help="use the offline tutor")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: object, slug: str, messages: list[str], conversation: int | None,
               offline: bool, json: bool, **options: object) -> None:  # fmt: skip
        lab = Lab.objects.filter(slug=slug).first()
        if lab is None:
            known = ", ".join(Lab.objects.values_list("slug", flat=True)) or "none (sync_content)"
            raise CommandError(f"no lab {slug!r}; labs: {known}")
        texts = [m.strip() for m in messages]
        for position, text in enumerate(texts, start=1):
            if not text:
                raise CommandError(
                    "the message is empty" if len(texts) == 1 else f"message {position} is empty"
                )
        history: list[Turn] = []
        user = None
        if conversation is not None:
            found = _conversation(conversation, lab)
            history, user = _turns(found), found.user
            from labs.tasks import lab_for  # an instructor's trial asks the edited lab

            lab = lab_for(found)
        results: list[tuple[str, TurnResult]] = []
        for text in texts:
            result = run_turn(lab, history, text, offline=offline or None, user=user)
            results.append((text, result))
            history = [*history, Turn(role="user", text=text)]
            if result.text:
                history.append(Turn(role="assistant", text=result.text))
        if json:
            turns = [{"message": text, **_as_json(result)} for text, result in results]
            # The last reply at the top level, as a single message always printed it.
            self.stdout.write(_dumps({"lab": lab.slug, "conversation": conversation,
                                      **_as_json(results[-1][1]), "turns": turns}))  # fmt: skip
            return
        for text, result in results:
            if len(results) > 1:
                self.stdout.write(f"\n> {text}\n")
            if result.notice:
                self.stderr.write(result.notice)
            self.stdout.write(result.text)
            for call in result.calculations:
                self.stdout.write(f"\n[calculation] {call.tool}: {_dumps(call.input)}")


def _conversation(pk: int, lab: Lab) -> Conversation:
    found = Conversation.objects.select_related("lab", "user").filter(pk=pk).first()
    if found is None:
        raise CommandError(f"no conversation {pk}")
    if found.lab_id != lab.pk:
        raise CommandError(f"conversation {pk} belongs to the {found.lab.slug} lab, not {lab.slug}")
    return found


def _turns(conversation: Conversation) -> list[Turn]:
    """The conversation's finished turns, oldest first, as the worker would send them."""
    rows = conversation.messages.filter(
        status__in=(Message.Status.DONE, Message.Status.STOPPED)
    ).exclude(text="")
    return [Turn(role=role, text=text) for role, text in rows.values_list("role", "text")]


def _as_json(result: TurnResult) -> dict:
    return {
        "engine": result.engine,
        "reply": result.text,
        "calculations": [
            {"tool": c.tool, "input": c.input, "output": c.output, "is_error": c.is_error}
            for c in result.calculations
        ],
        "usage": result.usage,
        "notice": result.notice,
    }


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, default=str)
