"""The calculator's commands as one typed, validated entry point.

Three doors lead to the engines: the terminal (`cli.py`, argparse), Claude's tools (`tools.py`,
JSON) and the course's living numbers (`{{ calc ... }}` shortcodes and ```calc blocks, read by
`command_line.py`). All three end in `run(name, values, table)`, which knows each command's
parameters, their types and their bounds, and refuses everything else. Two consequences matter:

- Nothing here reads a file, stdin or the network. A prompt to audit and the workloads of a plan
  arrive as values; only the terminal may read them from a file, and it does so itself, before
  calling `run`.
- Every number has an upper bound, so no input can make an engine compute for long or return a
  huge answer (an instructor's preview runs on every keystroke; a learner reaches the tools
  through Claude). Out of range is a CalculatorError naming the parameter and its limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .command_table import COMMANDS
from .formatting import to_jsonable
from .params import Command, CommandError, Param, coerce
from .pricing import PriceTable

__all__ = [
    "COMMANDS",
    "Command",
    "CommandError",
    "Param",
    "describe",
    "execute",
    "run",
    "tool_values",
]


def run(
    name: str,
    values: Mapping[str, Any],
    table: PriceTable,
    *,
    from_text: bool = False,
    label: Callable[[Param], str] | None = None,
) -> dict[str, Any]:
    """Run one command on checked values; returns the JSON-able answer (money as `_usd` strings)."""
    return to_jsonable(execute(name, values, table, from_text=from_text, label=label))


def execute(
    name: str,
    values: Mapping[str, Any],
    table: PriceTable,
    *,
    from_text: bool = False,
    label: Callable[[Param], str] | None = None,
) -> dict[str, Any]:
    """Run one command on checked values; returns the engine's answer (Decimals, dataclasses).

    `values` maps parameter names to values (None means not given). `from_text` accepts numbers
    written as text ("25,000"), as a command line gives them. `label` names a parameter in an
    error message (default: its command-line flag).
    """
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(f"unknown command {name!r}; the commands are {', '.join(COMMANDS)}")
    label = label or (lambda p: p.cli_flag)
    known = {p.name for p in command.params}
    unknown = [key for key in values if key not in known]
    if unknown:
        raise CommandError(f"{name}: unknown parameter {unknown[0]!r}")
    checked: dict[str, Any] = {}
    for param in command.params:
        value = values.get(param.name)
        if value is None:
            if param.required:
                raise CommandError(f"{name}: missing required {label(param)}")
            checked[param.name] = param.default
        else:
            checked[param.name] = coerce(param, value, label(param), from_text=from_text)
    return command.run(checked, table)


def tool_values(name: str, tool_input: Mapping[str, Any]) -> dict[str, Any]:
    """Claude's tool input (field names) as parameter values (names); unknown fields refused."""
    command = COMMANDS[name]
    by_field = {p.tool_field: p for p in command.params}
    values = {}
    for key, value in tool_input.items():
        param = by_field.get(key)
        if param is None:
            raise CommandError(f"unknown field {key!r}")
        values[param.name] = value
    return values


def describe(params: Sequence[Param]) -> str:
    """The options of a command, for error messages and the authoring help."""
    return " ".join(p.cli_flag + ("" if p.kind == "flag" else " N") for p in params)
