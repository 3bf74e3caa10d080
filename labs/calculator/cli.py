"""The calculator's command line: `python -m labs.calculator COMMAND [options] [--json]`.

`run_command(argv)` returns exactly the JSON object `--json` prints; `main(argv)` prints it (or a
readable table) and returns the exit code. Bad input (an unknown model, a negative or missing
number) raises CalculatorError in `run_command` and exits 2 with one line on stderr in `main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .caching import CACHE_TRAFFIC_MODELS, PERIOD_MINUTES, TRAFFIC_MODELS, TTL_MINUTES
from .commands import execute
from .errors import CalculatorError
from .formatting import render_text, to_jsonable
from .pricing import PriceTable, todays_price_table
from .workload_specs import read_workloads_file

PROG = "python -m labs.calculator"


class UsageError(CalculatorError):
    """A malformed command line (argparse's complaint, as one line)."""


class CalculatorArgumentParser(argparse.ArgumentParser):
    """argparse with errors raised as one-line UsageError, and no abbreviated flags (a lesson's
    command line must name every flag in full, so a typo can't silently pick another flag)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(" ".join(message.split()))


# -- argument types -----------------------------------------------------------------------------
def _whole(text: str, minimum: int) -> int:
    try:
        number = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if number < minimum:
        what = "negative" if minimum == 0 else f"below {minimum}"
        raise argparse.ArgumentTypeError(f"must not be {what}, got {text!r}")
    return int(number)


def count(text: str) -> int:
    """A token count: a whole number, 0 or more."""
    return _whole(text, 0)


def positive(text: str) -> int:
    """A request or turn count: a whole number, 1 or more."""
    return _whole(text, 1)


def model_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected model ids separated by commas")
    return names


def pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for item in (i.strip() for i in text.split(",") if i.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"expected name=value pairs, got {item!r}")
        out.append((key.strip(), value.strip()))
    if not out:
        raise argparse.ArgumentTypeError("expected name=value pairs separated by commas")
    return out


# -- the parser ---------------------------------------------------------------------------------
def _add_workload_options(
    p: argparse.ArgumentParser,
    *,
    model: bool = True,
    batch: bool = True,
    prefix_required: bool = False,
) -> None:
    if model:
        p.add_argument("--model", required=True, help="model id or alias")
    p.add_argument("--requests", type=positive, required=True, help="requests per --per")
    p.add_argument("--per", choices=tuple(PERIOD_MINUTES), required=True)
    for part in ("system", "tools", "examples", "documents", "history", "user"):
        p.add_argument(f"--{part}", type=count, default=0, metavar="N", help=f"{part} tokens")
    p.add_argument("--output", type=count, required=True, metavar="N", help="output tokens")
    p.add_argument(
        "--cache-prefix",
        type=count,
        default=0,
        required=prefix_required,
        metavar="N",
        help="tokens at the start of the prompt to cache",
    )
    p.add_argument("--ttl", choices=tuple(TTL_MINUTES), default="5m")
    p.add_argument("--traffic", choices=TRAFFIC_MODELS, default="steady")
    if batch:
        p.add_argument("--batch", action="store_true", help="Message Batches API (half price)")


def build_parser() -> CalculatorArgumentParser:
    parser = CalculatorArgumentParser(prog=PROG, description="The course's cost calculator.")
    common = CalculatorArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    p = command("models", "the price table (models the API serves; --all adds retired ones)")
    p.add_argument("--all", action="store_true")

    p = command("cost", "one call from its usage")
    p.add_argument("--model", required=True)
    p.add_argument("--input", type=count, required=True, metavar="N", help="uncached input tokens")
    p.add_argument("--output", type=count, required=True, metavar="N")
    p.add_argument("--cache-write-5m", type=count, default=0, metavar="N")
    p.add_argument("--cache-write-1h", type=count, default=0, metavar="N")
    p.add_argument("--cache-read", type=count, default=0, metavar="N")
    p.add_argument("--batch", action="store_true")

    _add_workload_options(command("workload", "a workload per request, day, month and year"))

    p = command("change", "a what-if: one workload before and after a change, and the difference")
    _add_workload_options(p)
    p.add_argument(
        "--set", type=pairs, required=True, metavar="field=value,...",
        help="fields to change, e.g. output=150 or model=claude-haiku-5-5",
    )  # fmt: skip

    p = command("compare", "one workload across models, savings against the first")
    p.add_argument("--models", type=model_list, required=True, metavar="M1,M2,...")
    _add_workload_options(p, model=False)

    p = command("cache", "prompt caching of a prefix: cost with and without, break-even")
    p.add_argument("--model", required=True)
    p.add_argument("--prefix", type=count, required=True, metavar="N")
    p.add_argument("--requests", type=positive, required=True)
    p.add_argument("--per", choices=tuple(PERIOD_MINUTES), required=True)
    p.add_argument("--ttl", choices=tuple(TTL_MINUTES), default="5m")
    p.add_argument("--traffic", choices=CACHE_TRAFFIC_MODELS, default="steady")
    p.add_argument(
        "--interval-minutes", type=positive, metavar="N",
        help="minutes between requests (--traffic interval): a cron job's fixed gap",
    )  # fmt: skip

    _add_workload_options(command("batch", "real time against batch, per month"), batch=False)

    p = command("routing", "a traffic mix across tiers against one model")
    p.add_argument("--mix", type=pairs, required=True, metavar="tierA=0.7,tierB=0.3")
    p.add_argument("--models", type=pairs, required=True, metavar="tierA=M1,tierB=M2")
    p.add_argument("--baseline", required=True)
    p.add_argument("--requests", type=positive, required=True)
    p.add_argument("--per", choices=tuple(PERIOD_MINUTES), required=True)
    p.add_argument("--input", type=count, required=True, metavar="N")
    p.add_argument("--output", type=count, required=True, metavar="N")
    p.add_argument("--classifier")
    p.add_argument("--classifier-input", type=count, metavar="N")
    p.add_argument("--classifier-output", type=count, metavar="N")

    p = command("history", "input tokens per turn: full replay against a window")
    p.add_argument("--turns", type=positive, required=True)
    p.add_argument("--turn-tokens", type=count, required=True, metavar="N")
    p.add_argument("--system", type=count, default=0, metavar="N")
    p.add_argument(
        "--reply", type=count, metavar="N",
        help="answer tokens per turn: --turn-tokens is then the user message alone, and each "
        "answer is replayed from the next request on",
    )  # fmt: skip
    p.add_argument("--window", type=positive, metavar="K")
    p.add_argument("--summary", type=count, metavar="S")
    p.add_argument("--model", help="price the input (needed for --cache)")
    p.add_argument("--cache", action="store_true", help="cost with prompt caching")
    p.add_argument("--ttl", choices=tuple(TTL_MINUTES), default="5m")

    p = command("stack", "model switch, then caching, then batch: each step's monthly cost")
    p.add_argument("--from", dest="from_model", required=True, metavar="M1")
    p.add_argument("--to", dest="to_model", required=True, metavar="M2")
    _add_workload_options(p, model=False, prefix_required=True)

    p = command("audit", "audit a prompt read from --file or stdin")
    p.add_argument("--file", type=Path)
    p.add_argument("--text", help="the prompt itself (instead of --file or stdin)")
    p.add_argument("--model")
    p.add_argument("--requests", type=count)
    p.add_argument("--per", choices=tuple(PERIOD_MINUTES), default="day")

    p = command("plan", "an architecture plan for workloads in a YAML or JSON file")
    p.add_argument("--file", type=Path, required=True)
    return parser


# -- running --------------------------------------------------------------------------------------
# The terminal is the one door that may read a file (or stdin): it reads the prompt or the
# workloads itself and hands them to the typed command layer as values, like every other caller.
_TERMINAL_ONLY = ("command", "json", "file")


def _values(args: argparse.Namespace) -> dict[str, Any]:
    values = {k: v for k, v in vars(args).items() if k not in _TERMINAL_ONLY}
    if args.command == "audit":
        if args.file is not None and args.text is not None:
            raise UsageError("give the prompt with --file or --text, not both")
        if args.text is None:
            if args.file is not None:
                try:
                    values["text"] = args.file.read_text(encoding="utf-8")
                except OSError as exc:
                    raise UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
            else:
                values["text"] = sys.stdin.read()
    elif args.command == "plan":
        values["workloads"] = read_workloads_file(args.file)
    return values


def _run(
    argv: Sequence[str], table: PriceTable | None
) -> tuple[argparse.Namespace, dict[str, Any]]:
    args = build_parser().parse_args(list(argv))
    return args, execute(args.command, _values(args), table or todays_price_table())


def run_command(argv: Sequence[str], table: PriceTable | None = None) -> dict[str, Any]:
    """Run one command and return the object `--json` prints (money as `_usd` strings)."""
    _, result = _run(argv, table)
    return to_jsonable(result)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args, result = _run(sys.argv[1:] if argv is None else argv, None)
    except CalculatorError as exc:
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_jsonable(result), indent=2, ensure_ascii=False))
    else:
        print(render_text(result))
    return 0
