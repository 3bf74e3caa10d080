"""The living numbers' door to the calculator: a shortcode's command line, read and run.

`{{ calc cache --model M --prefix 4000 ... }}` in a lesson and a ```calc block both arrive here as
one line of text. It is split like a shell would, but only the command's own flags are accepted,
each once: there is no --file and no stdin, so a shortcode can compute but never read. The values
then go through `commands.run`, which checks their types and bounds like every other door.
"""

from __future__ import annotations

import shlex
from typing import Any

from .commands import COMMANDS, CommandError, run
from .params import MAX_COMMAND_LINE_CHARS, _fmt
from .pricing import PriceTable


def parse_command_line(line: str) -> tuple[str, dict[str, Any]]:
    """A living number's command line (`cache --model M --prefix 4000 ...`) as (name, values).

    Only the command's own flags are accepted, each once; there is no --file and no stdin, so a
    shortcode can compute but never read. Raises CommandError with a message for the author.
    """
    if len(line) > MAX_COMMAND_LINE_CHARS:
        raise CommandError(
            f"the command line is longer than {_fmt(MAX_COMMAND_LINE_CHARS)} characters"
        )
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise CommandError(f"cannot read the command line: {exc}") from None
    if not words:
        raise CommandError("no command given")
    name, *rest = words
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(f"unknown command {name!r}; the commands are {', '.join(COMMANDS)}")
    flags = {p.cli_flag: p for p in command.params}
    values: dict[str, Any] = {}
    i = 0
    while i < len(rest):
        word = rest[i]
        flag, eq, inline = word.partition("=")
        param = flags.get(flag)
        if param is None:
            if flag in ("--file", "--stdin", "-"):
                raise CommandError(
                    f"{name}: {flag} is not allowed here: a living number cannot read files"
                )
            if flag == "--json":
                i += 1
                continue  # harmless: the answer is JSON anyway
            allowed = ", ".join(flags) or "none"
            raise CommandError(f"{name}: unknown option {flag!r}; its options are {allowed}")
        if param.name in values:
            raise CommandError(f"{name}: {flag} is given twice")
        if param.kind == "flag":
            if eq:
                raise CommandError(f"{name}: {flag} takes no value")
            values[param.name] = True
            i += 1
            continue
        if eq:
            values[param.name] = inline
            i += 1
        elif i + 1 < len(rest):
            values[param.name] = rest[i + 1]
            i += 2
        else:
            raise CommandError(f"{name}: {flag} needs a value")
    return name, values


def run_command_line(line: str, table: PriceTable) -> dict[str, Any]:
    """Parse and run a living number's command line; the only way content reaches the engines."""
    name, values = parse_command_line(line)
    return run(name, values, table, from_text=True, label=lambda p: p.cli_flag)
