"""The offline tutor's entry point: route a lab message to its engine.

`answer(engine, message, history, table)` reads the conversation (see `parsing`), lets the lab's
engine run the calculator through `labs.calculator.tools.call_tool` (see `calc`), and returns the
Markdown reply with every calculator call recorded for the calculation cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from types import ModuleType

from labs.calculator.pricing import PriceTable, load_price_table

from . import (
    architecture_advisor,
    caching_strategist,
    checklist,
    cost_estimator,
    guard,
    open_test,
    prompt_auditor,
)
from .calc import Calculator
from .common import (
    Context,
    assessment_reply,
    helpful_reply,
    is_assessment_question,
    is_greeting,
)
from .concept_answers import concept_text, off_topic_text, varying_text
from .cost_estimator.template import pasted_template
from .intents import Intent, read_intent
from .parsing import conversation_facts
from .reading import Conversation
from .types import Turn, TutorReply

ENGINES: dict[str, ModuleType] = {
    "cost-estimator": cost_estimator,
    "caching-strategist": caching_strategist,
    "prompt-auditor": prompt_auditor,
    "architecture-advisor": architecture_advisor,
}


# Numbers that describe a workload; "5x", "20 s" or "5-minute" alone do not.
SCENARIO_KINDS = frozenset({"tokens", "token_total", "volume", "count", "turns", "users"})


def _has_scenario(conv: object) -> bool:
    """The message gives figures to price, or changes the scenario of the turns before."""
    new, base = conv.new, conv.base  # type: ignore[attr-defined]
    # "one request", "two things": a number in words without a scale is not a quantity.
    if any(n.kind in SCENARIO_KINDS and not n.wordy for n in new.numbers):
        return True
    return base.has_numbers and bool(new.modifiers or new.models or new.batch)


# The prompt auditor reads some numbers its own way: the shared guard checks its answer after
# the fact (the cost estimator and the caching strategist run it before they price; the
# architecture advisor's workload reader places every number it uses, and measured, the guard
# there turned right answers into questions without catching a wrong one).
_POST_GUARDED = frozenset({"prompt-auditor"})


def _input_numbers(calculations: list) -> set[Decimal]:
    """Every number in the calculations' inputs (shares too), to tell a used number."""
    found: set[Decimal] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.add(Decimal(str(value)))

    for call in calculations:
        walk(call.input)
    return found


def _concept(intent: Intent, conv: Conversation, table: PriceTable) -> str:
    """The concept answer, after the learner's own qualifier where one changes it."""
    return varying_text(conv.new.varying) + concept_text([intent.concept, *intent.also], table)


def _refusal(reply: TutorReply) -> TutorReply:
    reply.kind = "refuse"
    return reply


def answer(
    engine: str,
    message: str,
    history: list[Turn],
    table: PriceTable | None = None,
    test_items: Sequence[open_test.Item] = (),
) -> TutorReply:
    """The offline tutor's reply to `message` in the lab `engine`, given the earlier turns.

    `test_items`: the learner's module-test items (quizzes/open_items.py). One of an attempt in
    progress (or missed, its answer still withheld) is declined before any engine reads the
    message; one missed whose answer the review shows is worked out, with a note saying so."""
    earlier = [t.text for t in history if t.role == "user" and getattr(t, "text", "")]
    found = open_test.found_in_conversation(message, earlier, test_items)
    if found is not None and getattr(found.item, "state", open_test.OPEN) in open_test.DECLINED:
        if engine not in ENGINES:
            raise ValueError(f"unknown lab engine {engine!r}; expected one of {', '.join(ENGINES)}")
        return TutorReply(open_test.decline_text(found.item), kind="refuse")
    reply = _answer(engine, message, history, table)
    if found is not None and reply.kind != "refuse":
        reply.text = reply.text.rstrip() + "\n\n" + open_test.missed_note(found.item)
    return reply


def _answer(
    engine: str, message: str, history: list[Turn], table: PriceTable | None = None
) -> TutorReply:
    module = ENGINES.get(engine)
    if module is None:
        raise ValueError(f"unknown lab engine {engine!r}; expected one of {', '.join(ENGINES)}")
    table = table or load_price_table()
    history = [t for t in history if getattr(t, "text", "")]
    conv = conversation_facts(message, history, table, read_prompt=engine == "prompt-auditor")
    ctx = Context(engine, message, history, table, Calculator(table), conv)
    # The learner's own words: a prompt pasted for audit may mention a test or a cache backend.
    pasted = conv.new.prompt_text is not None and len(conv.new.prompt_text.split()) >= 8
    # A pasted template ("... {git_log} ...") is a scenario to estimate, not a concept question.
    pasted = pasted or (engine == "cost-estimator" and pasted_template(message) is not None)
    own_words = conv.new.text if pasted else message
    if conv.new.prompt_text is None and is_assessment_question(message):
        return _refusal(assessment_reply(ctx, module.EXAMPLE))
    intent = read_intent(
        own_words,
        has_scenario=_has_scenario(conv),
        prompt_pasted=pasted,
        follow_up=conv.base.has_numbers or bool(conv.expect) or bool(conv.user_turns),
    )
    if intent.kind == "assessment":
        return _refusal(assessment_reply(ctx, module.EXAMPLE))
    if intent.kind == "off-topic":
        if not own_words.strip() or is_greeting(own_words):
            return helpful_reply(ctx, module.CAPABILITIES, module.EXAMPLE, topic=module.TOPIC)
        return TutorReply(
            off_topic_text(module.TOPIC, module.CAPABILITIES, module.EXAMPLE), kind="refuse"
        )
    if intent.kind == "concept" and intent.concept is not None:
        return TutorReply(_concept(intent, conv, table), kind="concept")
    run: Callable[[Context], TutorReply] = module.answer
    reply = run(ctx)
    if reply.calculations and not reply.asked_follow_up and engine in _POST_GUARDED:
        # The engine priced something: every number the learner gave must have been used by a
        # calculation (read its own way is fine) or be named; otherwise it prices a scenario it
        # did not understand, and a card would make that look authoritative.
        found = guard.check(conv.new)
        used = _input_numbers(reply.calculations)
        found.unclear = [
            n for n in found.unclear if n.value not in used and n.value / 100 not in used
        ]
        if not found.passed:
            ctx.calc.calls.clear()
            return guard.question(ctx, found, "")
    # The rules every priced reply follows, whichever engine wrote it (the period asked, one
    # request, spend caps, the API pattern, and naming what could not be given).
    reply = checklist.finish(reply, own_words, conv)
    if intent.fallback and intent.concept is not None:
        # No scenario in the message (a setting such as "max_tokens=150" is no scenario): an
        # engine asking for one ("paste the prompt") has nothing to add, so the concept answers.
        if (reply.kind == "generic" and not reply.calculations) or (
            reply.asked_follow_up and not _prompt_or_volume(conv.new)
        ):
            return TutorReply(_concept(intent, conv, table), kind="concept")
        if reply.asked_follow_up:
            # The learner gave figures the engine still needs one more of: the idea answers what
            # it can and the engine's question stays (a concept must not swallow it).
            reply.text = _concept(intent, conv, table) + "\n" + reply.text
        return reply
    if intent.explain and intent.concept is not None and reply.asked_follow_up:
        if not _prompt_or_volume(conv.new):
            return TutorReply(_concept(intent, conv, table), kind="concept")
        reply.text = _concept(intent, conv, table) + "\n" + reply.text
        return reply
    if intent.explain and intent.concept is not None:
        explained = _concept(intent, conv, table)
        if reply.kind == "refuse":
            return TutorReply(explained, kind="concept")
        reply.text = explained + "\n" + reply.text
    return reply


def _prompt_or_volume(facts) -> bool:
    """The message sizes part of a prompt, a volume or a call: a scenario the engine's question
    completes. An output size alone ("max_tokens=150") is a setting asked about, not one."""
    return bool(set(facts.parts) - {"output"} or facts.requests or facts.usages)
