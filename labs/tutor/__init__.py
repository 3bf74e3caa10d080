"""The offline tutor: answers lab questions from the calculator's own scenario engines.

It reads the learner's message (and the conversation so far), turns it into calculator calls,
runs them through `labs.calculator.tools.call_tool` (exactly the tools Claude gets), and writes
the answer in Markdown, stating every assumption it made. Used when no API key is configured,
when LABS_OFFLINE=1, and when a learner's or the site's Claude budget is spent.

Contract (others depend on it):

    answer(engine: str, message: str, history: list[Turn], table: PriceTable | None = None,
           test_items: Sequence[Item] = ()) -> TutorReply

`engine` is one of cost-estimator, caching-strategist, prompt-auditor, architecture-advisor.
`history` holds the earlier turns of the conversation, oldest first, without the new message.
`test_items` are the learner's module-test items (labs/tutor/open_test.py says what is declined);
labs.conversation.run_turn checks them itself, before either engine, and passes none.
"""

from labs.tutor.types import ToolCall, Turn, TutorReply

__all__ = ["ToolCall", "Turn", "TutorReply", "answer"]


def answer(
    engine: str, message: str, history: list[Turn], table: object = None, test_items: tuple = ()
) -> TutorReply:
    from labs.tutor.engines import answer as _answer

    return _answer(engine, message, history, table, test_items)
