"""What every lab engine shares: the turn's context, model choice, the follow-up question, and
the replies for off-topic messages and assessment questions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from labs.calculator.errors import UnknownModel
from labs.calculator.pricing import REPO_ROOT, Model, PriceTable

from .calc import Calculator
from .intents import is_assessment_request
from .reading import (
    Conversation,
    ModelMention,
    order_models,
)
from .types import Turn, TutorReply
from .writing import Reply, join_words


@dataclass
class Context:
    engine: str
    message: str
    history: list[Turn]
    table: PriceTable
    calc: Calculator
    conv: Conversation
    notes: list[str] = field(default_factory=list)

    def reply(self, text: str, *, follow_up: bool = False) -> TutorReply:
        return TutorReply(text=text, calculations=list(self.calc.calls), asked_follow_up=follow_up)


# -- models -------------------------------------------------------------------------------------
@dataclass
class ModelChoice:
    baseline: Model | None
    targets: list[Model]
    notes: list[str]
    unknown: list[str]
    defaulted: bool = False
    # One sentence per retired model named: it is no longer served, so today's model of its
    # tier is priced in its place. The engines open their reply with these.
    retired: list[str] = field(default_factory=list)


def choose_models(
    conv: Conversation, table: PriceTable, *, default: bool = True, compare: bool = False
) -> ModelChoice:
    """The model in use and the models to compare it with, from the new message and the
    earlier turns. With `compare`, a single model named in a follow-up ("what about Opus 5.5?")
    is compared with the model named earlier, and "it runs on X" replaces it; without, any model
    named in the new message replaces the earlier one."""
    new_known = order_models(conv.new.models)
    base_known = order_models(conv.base.models)
    unknown = [m.text for m in conv.new.unknown_models()]
    chosen: list[ModelMention]
    if len(new_known) >= 2 or (new_known and not base_known):
        chosen = new_known
    elif new_known:
        strong = any(m.role == "baseline" for m in conv.new.models if m.model is not None)
        if strong or "model" in conv.expect or not compare:
            chosen = [new_known[0], *[m for m in base_known[1:] if "model" in conv.expect]]
        else:
            chosen = [base_known[0], *new_known]
    elif base_known:
        chosen = base_known if conv.expect else base_known[:1]
    else:
        chosen = []
    notes = [m.note for m in chosen if m.note]
    models: list[Model] = []
    for mention in chosen:
        assert mention.model is not None
        if all(m.id != mention.model.id for m in models):
            models.append(mention.model)
    if not models and default and not unknown:
        model = table.latest("sonnet")
        notes.append(
            f"No model named, so I used {model.display_name}, the newest current Sonnet "
            "(name another to change it)."
        )
        return ModelChoice(model, [], notes, unknown, defaulted=True)
    if not models:
        return ModelChoice(None, [], notes, unknown)
    models, retired = replace_retired(models, table)
    return ModelChoice(models[0], models[1:], notes, unknown, retired=retired)


def replace_retired(models: Sequence[Model], table: PriceTable) -> tuple[list[Model], list[str]]:
    """Each retired model swapped for the newest current model of its tier, with a sentence
    naming both. A retired model's old prices are never the answer: nobody can buy them."""
    out: list[Model] = []
    said: list[str] = []
    for model in models:
        current = _latest(table, model.tier) if model.status == "retired" else None
        if current is not None:
            when = f"is retired (since {model.retired:%Y-%m-%d})" if model.retired else "is retired"
            said.append(
                f"{model.display_name} {when}: the API no longer serves it, so I priced "
                f"today's {model.tier.capitalize()}, **{current.display_name}**, in its place "
                "(check it on your own test set before you switch)."
            )
            model = current
        if all(m.id != model.id for m in out):
            out.append(model)
    return out, said


def retired_notes(models: Sequence[Model], table: PriceTable) -> list[str]:
    """Point from a retired or deprecated model to the newest current one of its tier."""
    notes = []
    for model in models:
        if model.status in ("retired", "deprecated"):
            current = _latest(table, model.tier)
            if current is None:
                continue
            notes.append(
                f"For a current price, try the newest {model.tier.capitalize()}, "
                f"{current.display_name}."
            )
    return notes


def _latest(table: PriceTable, tier: str) -> Model | None:
    try:
        return table.latest(tier)
    except UnknownModel:
        return None


def unknown_model_text(names: Sequence[str], table: PriceTable) -> str:
    current = [m.display_name for m in table.models if m.status == "current" and m.tier != "mythos"]
    quoted = join_words([f'"{n}"' for n in names])
    return (
        f"I could not find {quoted} in the course price table. Which model do you mean? "
        f"The current models are {join_words(current, 'or')}."
    )


# -- follow-up questions ------------------------------------------------------------------------
QUESTIONS = {
    "requests": "how many requests it handles a day (or a month)",
    "output": "how many tokens an answer is, roughly (the output)",
    "system": "how many tokens the system prompt and the other parts of the prompt are "
    "(documents, tools, history, the user message)",
    "user": "how many tokens the user message is",
    "turns": "how many turns a conversation has",
    "model": "which model it runs on",
}


def follow_up(ctx: Context, fields: Sequence[str], known: str, why: str) -> TutorReply:
    """One clear question for the missing fields; `known` restates what the tutor has so far."""
    asks = [QUESTIONS[f] for f in fields]
    if len(asks) == 1:
        question = f"Could you tell me {asks[0]}?"
    else:
        question = f"Could you tell me {join_words(asks)}?"
    reply = Reply()
    if known:
        reply.add(f"So far I have {known}.")
    reply.add(f"{why} {question}")
    reply.add(
        'You can answer in your own words, for example "about 20k a day" or "answers are '
        'around 300 tokens"; I will keep what you already told me.'
    )
    return ctx.reply(reply.render(), follow_up=True)


# -- assessment questions and off-topic messages ------------------------------------------------
_WORD_RE = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _assessment_stems() -> tuple[frozenset[str], ...]:
    """Word sets of the course's quiz and module test questions (never their answers)."""
    import yaml

    stems: list[frozenset[str]] = []
    content = Path(REPO_ROOT) / "content" / "modules"
    for path in sorted(content.glob("*/test.yaml")) + sorted(content.glob("*/quizzes/*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for question in data.get("questions", []) or []:
            words = frozenset(_WORD_RE.findall(str(question.get("stem", "")).lower()))
            if len(words) >= 12:
                stems.append(words)
    return tuple(stems)


def is_assessment_question(message: str) -> bool:
    """A message that asks for quiz or module test answers (the table in `intents`: a graded
    question and an answer asked for together, so "the test set" or "which option is cheaper"
    are not refused), or pastes one of their questions."""
    if is_assessment_request(message):
        return True
    words = set(_WORD_RE.findall(message.lower()))
    if len(words) < 12:
        return False
    return any(len(stem & words) / len(stem) >= 0.85 for stem in _assessment_stems())


def assessment_reply(ctx: Context, example: str) -> TutorReply:
    reply = Reply()
    reply.add(
        "I can't help with quiz or module test questions, here or anywhere in the course: "
        "working them out is how the course checks what you've learned."
    )
    reply.add(
        "I'm glad to explain the idea behind one, or to compute a scenario of your own that uses "
        f"the same concept. For example:\n\n> {example}"
    )
    return ctx.reply(reply.render())


ON_TOPIC_RE = re.compile(
    r"token|cost|price|pric|cach|claude|model|api|prompt|batch|request|budget|bill|spend|"
    r"latency|haiku|sonnet|opus|fable|cheap|expensive|sav(?:e|ing)|ttl|breakpoint|workload|"
    r"architect|audit|input|output|usage|rate\s+limit|stream|money|dollar|\$",
    re.I,
)


_GREETING_RE = re.compile(
    r"^\s*(?:hi|hello|hey|good\s+(?:morning|afternoon|evening)|thanks?(?:\s+you)?|thx|cheers)"
    r"\b[\s!.,]*(?:there|tutor)?[\s!.]*$",
    re.I,
)


def is_greeting(text: str) -> bool:
    return bool(_GREETING_RE.match(text))


def helpful_reply(
    ctx: Context, capabilities: Sequence[str], example: str, *, topic: str, extra: str = ""
) -> TutorReply:
    """What the lab can compute, with an example, for a message it cannot turn into numbers."""
    reply = Reply()
    if _GREETING_RE.match(ctx.message):
        reply.add(
            "Hello! I'm the offline tutor: every figure I give comes from the course calculator."
        )
    elif ctx.message.strip() and not ON_TOPIC_RE.search(ctx.message):
        reply.add(
            f"That's outside what I can help with here: this lab is about {topic}, and every "
            "figure I give comes from the course calculator."
        )
    else:
        reply.add(
            "I answer with figures from the course calculator, so I need a scenario with "
            "numbers in it."
        )
    if extra:
        reply.add(extra)
    reply.add("In this lab I can work out:\n\n" + "\n".join(f"- {c}" for c in capabilities))
    reply.add(f"Try a message like this one:\n\n> {example}")
    generic = ctx.reply(reply.render())
    generic.kind = "generic"  # nothing specific to say: the concept base may have it
    return generic
