"""The offline tutor's entry point: route a lab message to its engine.

`answer(engine, message, history, table)` reads the conversation (see `parsing`), lets the lab's
engine run the calculator through `labs.calculator.tools.call_tool` (see `calc`), and returns the
Markdown reply with every calculator call recorded for the calculation cards."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from labs.calculator.pricing import PriceTable, load_price_table

from . import architecture_advisor, caching_strategist, cost_estimator, prompt_auditor
from .calc import Calculator
from .common import Context, assessment_reply, is_assessment_question
from .parsing import conversation_facts
from .types import Turn, TutorReply

ENGINES: dict[str, ModuleType] = {
    "cost-estimator": cost_estimator,
    "caching-strategist": caching_strategist,
    "prompt-auditor": prompt_auditor,
    "architecture-advisor": architecture_advisor,
}


def answer(
    engine: str, message: str, history: list[Turn], table: PriceTable | None = None
) -> TutorReply:
    """The offline tutor's reply to `message` in the lab `engine`, given the earlier turns."""
    module = ENGINES.get(engine)
    if module is None:
        raise ValueError(f"unknown lab engine {engine!r}; expected one of {', '.join(ENGINES)}")
    table = table or load_price_table()
    history = [t for t in history if getattr(t, "text", "")]
    conv = conversation_facts(message, history, table, read_prompt=engine == "prompt-auditor")
    ctx = Context(engine, message, history, table, Calculator(table), conv)
    if is_assessment_question(message):
        return assessment_reply(ctx, module.EXAMPLE)
    run: Callable[[Context], TutorReply] = module.answer
    return run(ctx)
