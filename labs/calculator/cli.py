"""The calculator's command line: `python -m labs.calculator COMMAND [options] [--json]`.

`run_command(argv)` returns exactly the JSON object `--json` prints; `main(argv)` prints it (or a
readable table) and returns the exit code. Bad input (an unknown model, a negative or missing
number) raises CalculatorError in `run_command` and exits 2 with one line on stderr in `main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .audit import audit_prompt
from .caching import PERIOD_MINUTES, TRAFFIC_MODELS, TTL_MINUTES, plan_cache
from .calls import Usage, cost_of_call
from .costs import (
    PromptParts,
    Workload,
    batch_savings,
    compare_models,
    cost_of_workload,
    stack_savings,
)
from .errors import CalculatorError
from .formatting import render_text, to_jsonable
from .history import conversation_history
from .plan import plan_architecture
from .pricing import PRICE_FIELDS, Model, PriceTable, load_price_table
from .routing import route_traffic
from .workload_specs import load_workloads

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

    p = command("compare", "one workload across models, savings against the first")
    p.add_argument("--models", type=model_list, required=True, metavar="M1,M2,...")
    _add_workload_options(p, model=False)

    p = command("cache", "prompt caching of a prefix: cost with and without, break-even")
    p.add_argument("--model", required=True)
    p.add_argument("--prefix", type=count, required=True, metavar="N")
    p.add_argument("--requests", type=positive, required=True)
    p.add_argument("--per", choices=tuple(PERIOD_MINUTES), required=True)
    p.add_argument("--ttl", choices=tuple(TTL_MINUTES), default="5m")
    p.add_argument("--traffic", choices=TRAFFIC_MODELS, default="steady")

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


# -- commands -----------------------------------------------------------------------------------
def _workload(args: argparse.Namespace, *, batch: bool | None = None) -> Workload:
    parts = PromptParts(
        tools=args.tools,
        system=args.system,
        examples=args.examples,
        documents=args.documents,
        history=args.history,
        user=args.user,
    )
    return Workload(
        requests=args.requests,
        per=args.per,
        parts=parts,
        output_tokens=args.output,
        cache_prefix_tokens=args.cache_prefix,
        ttl=args.ttl,
        traffic=args.traffic,
        batch=getattr(args, "batch", False) if batch is None else batch,
    )


def model_row(model: Model) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": model.id,
        "display_name": model.display_name,
        "tier": model.tier,
        "status": model.status,
        "released": model.released,
        "retired": model.retired,
    }
    row |= {f"{kind}_per_mtok_usd": model.prices.get(kind) for kind in PRICE_FIELDS}
    row |= {
        "batch_discount": model.batch_discount,
        "min_cacheable_tokens": model.min_cacheable_tokens,
        "bands": [
            {"above_prompt_tokens": b.above_prompt_tokens}
            | {f"{kind}_per_mtok_usd": b.prices.get(kind) for kind in PRICE_FIELDS}
            | {"note": b.note}
            for b in model.bands
        ],
        "unconfirmed": model.unconfirmed,
        "note": model.note,
        "source": model.source,
        "price_date": model.price_date,
        "aliases": list(model.aliases),
    }
    return row


def _models(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    models = table.models if args.all else table.available()
    return {
        "command": "models",
        "unit": "USD per million tokens",
        "include_retired": args.all,
        "models": [model_row(m) for m in models],
        "assumptions": [
            "Prices are USD per million tokens; a batch request pays batch_discount x each.",
            "A band's prices bill every token of a request whose prompt (input + cache writes + "
            "cache reads) is above its threshold.",
        ],
        "warnings": [f"{m.display_name}: prices [UNCONFIRMED]." for m in models if m.unconfirmed],
    }


def _cost(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    usage = Usage(
        input_tokens=args.input,
        output_tokens=args.output,
        cache_write_5m_tokens=args.cache_write_5m,
        cache_write_1h_tokens=args.cache_write_1h,
        cache_read_tokens=args.cache_read,
    )
    return cost_of_call(table.get(args.model), usage, batch=args.batch).as_dict()


def _workload_cmd(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    return cost_of_workload(table.get(args.model), _workload(args)).as_dict()


def _compare(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    models = [table.get(name) for name in args.models]
    return compare_models(models, _workload(args)).as_dict()


def _cache(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    plan = plan_cache(
        table.get(args.model), args.prefix, args.requests, args.per, args.ttl, args.traffic
    )
    return plan.as_dict()


def _batch(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    return batch_savings(table.get(args.model), _workload(args, batch=False)).as_dict()


def _routing(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    mix: dict[str, Decimal] = {}
    for tier, share in args.mix:
        try:
            mix[tier] = Decimal(share)
        except InvalidOperation:
            raise UsageError(
                f"argument --mix: share of {tier!r} is not a number: {share!r}"
            ) from None
    models = {tier: table.get(name) for tier, name in args.models}
    classifier = None
    if args.classifier:
        for flag in ("classifier_input", "classifier_output"):
            if getattr(args, flag) is None:
                raise UsageError(f"--classifier needs --{flag.replace('_', '-')}")
        classifier = table.get(args.classifier)
    elif args.classifier_input is not None or args.classifier_output is not None:
        raise UsageError("--classifier-input and --classifier-output need --classifier M")
    return route_traffic(
        mix,
        models,
        table.get(args.baseline),
        args.requests,
        args.per,
        args.input,
        args.output,
        classifier=classifier,
        classifier_input=args.classifier_input or 0,
        classifier_output=args.classifier_output or 0,
    ).as_dict()


def _history(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    if args.summary is not None and args.window is None:
        raise UsageError("--summary needs --window K")
    return conversation_history(
        args.turns,
        args.turn_tokens,
        args.system,
        window=args.window,
        summary=args.summary or 0,
        model=table.get(args.model) if args.model else None,
        cache=args.cache,
        ttl=args.ttl,
    ).as_dict()


def _stack(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    workload = _workload(args, batch=False)
    return stack_savings(
        table.get(args.from_model), table.get(args.to_model), workload, include_batch=args.batch
    ).as_dict()


def _audit(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    if args.file is not None and args.text is not None:
        raise UsageError("give the prompt with --file or --text, not both")
    if args.text is not None:
        text = args.text
    elif args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
    else:
        text = sys.stdin.read()
    model = table.get(args.model) if args.model else None
    if model is not None and args.requests is None:
        raise UsageError("--model needs --requests N to price the saving")
    if model is None and args.requests is not None:
        raise UsageError("--requests needs --model M to price the saving")
    return audit_prompt(text, model, args.requests, args.per).as_dict()


def _plan(args: argparse.Namespace, table: PriceTable) -> dict[str, Any]:
    return plan_architecture(load_workloads(args.file), table).as_dict()


COMMANDS: dict[str, Callable[[argparse.Namespace, PriceTable], dict[str, Any]]] = {
    "models": _models,
    "cost": _cost,
    "workload": _workload_cmd,
    "compare": _compare,
    "cache": _cache,
    "batch": _batch,
    "routing": _routing,
    "history": _history,
    "stack": _stack,
    "audit": _audit,
    "plan": _plan,
}


def _run(
    argv: Sequence[str], table: PriceTable | None
) -> tuple[argparse.Namespace, dict[str, Any]]:
    args = build_parser().parse_args(list(argv))
    return args, COMMANDS[args.command](args, table or load_price_table())


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
