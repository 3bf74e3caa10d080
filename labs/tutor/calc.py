"""The tutor's only door to the numbers: the calculator tools Claude gets, each call recorded as
a ToolCall so the page can show it as a calculation card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labs.calculator.errors import CalculatorError
from labs.calculator.pricing import PriceTable
from labs.calculator.tools import call_tool

from .types import ToolCall


class CalculationFailed(Exception):
    """The calculator refused an input; the message is one line the learner can read."""


class Calculator:
    """Runs calculator tools against one price table and keeps the calls in order."""

    def __init__(self, table: PriceTable) -> None:
        self.table = table
        self.calls: list[ToolCall] = []

    def run(self, tool: str, tool_input: Mapping[str, Any]) -> dict[str, Any]:
        given = dict(tool_input)
        try:
            output = call_tool(tool, given, self.table)
        except CalculatorError as exc:
            message = " ".join(str(exc).split())
            self.calls.append(ToolCall(tool, given, {"error": message}, True))
            raise CalculationFailed(message) from exc
        self.calls.append(ToolCall(tool, given, output))
        return output
