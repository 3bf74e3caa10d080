"""Shared by the tutor tests: ask a lab, hold a conversation, show money as the tutor does.

Every calculation the tutor reports is checked against a fresh calculator call, so a figure in a
reply can only come from the calculator.
"""

from collections.abc import Callable
from decimal import Decimal

from labs.calculator.formatting import format_usd
from labs.calculator.pricing import load_price_table
from labs.calculator.tools import call_tool
from labs.tutor import Turn, TutorReply, answer

TABLE = load_price_table()


def usd(value: str) -> str:
    return format_usd(Decimal(value))


def make_ask(engine: str) -> Callable[..., TutorReply]:
    def ask(message: str, history: list[Turn] | None = None) -> TutorReply:
        reply = answer(engine, message, history or [], TABLE)
        for call in reply.calculations:
            assert not call.is_error, call.output
            assert call.output == call_tool(call.tool, call.input, TABLE)
        return reply

    return ask


def make_converse(engine: str) -> Callable[..., TutorReply]:
    ask = make_ask(engine)

    def converse(*messages: str) -> TutorReply:
        history: list[Turn] = []
        reply = None
        for message in messages:
            reply = ask(message, history)
            history += [Turn("user", message), Turn("assistant", reply.text)]
        return reply

    return converse
