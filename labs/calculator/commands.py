"""The calculator's commands as one typed, validated entry point.

Three doors lead to the engines: the terminal (`cli.py`, argparse), Claude's tools (`tools.py`,
JSON) and the course's living numbers (`{{ calc ... }}` shortcodes and ```calc blocks, parsed by
`parse_command_line`). All three end in `run(name, values, table)`, which knows each command's
parameters, their types and their bounds, and refuses everything else. Two consequences matter:

- Nothing here reads a file, stdin or the network. A prompt to audit and the workloads of a plan
  arrive as values; only the terminal may read them from a file, and it does so itself, before
  calling `run`.
- Every number has an upper bound, so no input can make an engine compute for long or return a
  huge answer (an instructor's preview runs on every keystroke; a learner reaches the tools
  through Claude). Out of range is a CalculatorError naming the parameter and its limit.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .audit import audit_prompt
from .caching import (
    CACHE_TRAFFIC_MODELS,
    PERIOD_MINUTES,
    TRAFFIC_MODELS,
    TTL_MINUTES,
    plan_cache,
)
from .calls import Usage, cost_of_call
from .changes import change_workload
from .costs import (
    PromptParts,
    Workload,
    batch_savings,
    compare_models,
    cost_of_workload,
    stack_savings,
)
from .formatting import to_jsonable
from .history import conversation_history
from .params import (
    MAX_COMMAND_LINE_CHARS,
    MAX_MODELS,
    MAX_NAME_CHARS,
    MAX_PROMPT_CHARS,
    MAX_REQUESTS,
    MAX_TIERS,
    MAX_TOKENS,
    MAX_TURNS,
    MAX_WORKLOADS,
    Command,
    CommandError,
    Param,
    _fmt,
    coerce,
)
from .plan import plan_architecture
from .pricing import PRICE_FIELDS, Model, PriceTable
from .routing import route_traffic
from .workload_specs import parse_workloads

__all__ = [
    "COMMANDS", "MAX_COMMAND_LINE_CHARS", "MAX_MODELS", "MAX_NAME_CHARS", "MAX_PROMPT_CHARS",
    "MAX_REQUESTS", "MAX_TIERS", "MAX_TOKENS", "MAX_TURNS", "MAX_WORKLOADS", "Command",
    "CommandError", "Param", "coerce", "execute", "parse_command_line", "run",
    "run_command_line", "tool_values",
]  # fmt: skip

# -- the commands -------------------------------------------------------------------------------
_PARTS = ("system", "tools", "examples", "documents", "history", "user")


def _workload_params(*, model: bool = True, batch: bool = True, prefix_required: bool = False):
    params = []
    if model:
        params.append(Param("model", "model", "Model id or alias.", required=True))
    params += [
        Param("requests", "positive", "Requests per period.", required=True),
        Param("per", "choice", "Period of requests.", required=True, choices=tuple(PERIOD_MINUTES)),
        *(
            Param(part, "count", f"{part} tokens per request.", default=0, tool=f"{part}_tokens")
            for part in _PARTS
        ),
        Param("output", "count", "Output tokens per request.", required=True, tool="output_tokens"),
        Param(
            "cache_prefix",
            "count",
            "Tokens at the start of the prompt to cache (0: none).",
            default=0,
            required=prefix_required,
            tool="cache_prefix_tokens",
        ),
        Param("ttl", "choice", "Cache lifetime.", default="5m", choices=tuple(TTL_MINUTES)),
        Param("traffic", "choice", "Arrival model.", default="steady", choices=TRAFFIC_MODELS),
    ]
    if batch:
        params.append(Param("batch", "flag", "Message Batches API (half price).", default=False))
    return tuple(params)


def _workload(v: dict[str, Any], *, batch: bool | None = None) -> Workload:
    return Workload(
        requests=v["requests"],
        per=v["per"],
        parts=PromptParts(**{part: v[part] for part in _PARTS}),
        output_tokens=v["output"],
        cache_prefix_tokens=v["cache_prefix"],
        ttl=v["ttl"],
        traffic=v["traffic"],
        batch=v.get("batch", False) if batch is None else batch,
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


def _models(v: dict[str, Any], table: PriceTable) -> dict[str, Any]:
    models = table.models if v["all"] else table.available()
    return {
        "command": "models",
        "unit": "USD per million tokens",
        "include_retired": v["all"],
        "models": [model_row(m) for m in models],
        "assumptions": [
            "Prices are USD per million tokens; a batch request pays batch_discount x each.",
            "A band's prices bill every token of a request whose prompt (input + cache writes + "
            "cache reads) is above its threshold.",
        ],
        "warnings": [f"{m.display_name}: prices [UNCONFIRMED]." for m in models if m.unconfirmed],
    }


def _cost(v: dict[str, Any], table: PriceTable) -> Any:
    usage = Usage(
        input_tokens=v["input"],
        output_tokens=v["output"],
        cache_write_5m_tokens=v["cache_write_5m"],
        cache_write_1h_tokens=v["cache_write_1h"],
        cache_read_tokens=v["cache_read"],
    )
    return cost_of_call(table.get(v["model"]), usage, batch=v["batch"]).as_dict()


def _routing(v: dict[str, Any], table: PriceTable) -> Any:
    classifier = None
    if v["classifier"]:
        for name in ("classifier_input", "classifier_output"):
            if v[name] is None:
                raise CommandError(f"--classifier needs --{name.replace('_', '-')}")
        classifier = table.get(v["classifier"])
    elif v["classifier_input"] is not None or v["classifier_output"] is not None:
        raise CommandError("--classifier-input and --classifier-output need --classifier M")
    return route_traffic(
        v["mix"],
        {tier: table.get(name) for tier, name in v["models"].items()},
        table.get(v["baseline"]),
        v["requests"],
        v["per"],
        v["input"],
        v["output"],
        classifier=classifier,
        classifier_input=v["classifier_input"] or 0,
        classifier_output=v["classifier_output"] or 0,
    ).as_dict()


def _history(v: dict[str, Any], table: PriceTable) -> Any:
    if v["summary"] is not None and v["window"] is None:
        raise CommandError("--summary needs --window K")
    return conversation_history(
        v["turns"],
        v["turn_tokens"],
        v["system"],
        window=v["window"],
        summary=v["summary"] or 0,
        model=table.get(v["model"]) if v["model"] else None,
        cache=v["cache"],
        ttl=v["ttl"],
        reply=v["reply"],
    ).as_dict()


_CHANGEABLE = {p.name: p for p in _workload_params()}


def _change(v: dict[str, Any], table: PriceTable) -> Any:
    """The workload of `v`, and the same with the fields in v["set"] changed."""
    after = dict(v)
    changed = []
    by_field = {**_CHANGEABLE, **{p.tool_field: p for p in _CHANGEABLE.values()}}
    for key, value in v["set"].items():
        param = by_field.get(str(key).removeprefix("--").replace("-", "_"))
        if param is None:
            raise CommandError(
                f"--set: {key!r} is not a field of the workload; use one of "
                f"{', '.join(p.tool_field for p in _CHANGEABLE.values())}"
            )
        after[param.name] = coerce(param, value, f"--set {key}", from_text=isinstance(value, str))
        changed.append(param.tool_field)
    return change_workload(
        table.get(v["model"]), _workload(v), table.get(after["model"]), _workload(after),
        tuple(changed),
    ).as_dict()  # fmt: skip


def _cache(v: dict[str, Any], table: PriceTable) -> Any:
    if v["traffic"] == "interval" and v["interval_minutes"] is None:
        raise CommandError("--traffic interval needs --interval-minutes N")
    if v["traffic"] != "interval" and v["interval_minutes"] is not None:
        raise CommandError("--interval-minutes needs --traffic interval")
    return plan_cache(
        table.get(v["model"]),
        v["prefix"],
        v["requests"],
        v["per"],
        v["ttl"],
        v["traffic"],
        interval_minutes=v["interval_minutes"],
    ).as_dict()


def _audit(v: dict[str, Any], table: PriceTable) -> Any:
    model = table.get(v["model"]) if v["model"] else None
    if model is not None and v["requests"] is None:
        raise CommandError("--model needs --requests N to price the saving")
    if model is None and v["requests"] is not None:
        raise CommandError("--requests needs --model M to price the saving")
    return audit_prompt(v["text"], model, v["requests"], v["per"]).as_dict()


_PER = Param("per", "choice", "Period of requests.", required=True, choices=tuple(PERIOD_MINUTES))
_TTL = Param("ttl", "choice", "Cache lifetime.", default="5m", choices=tuple(TTL_MINUTES))

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "models",
            "the price table (models the API serves; --all adds retired ones)",
            (
                Param(
                    "all",
                    "flag",
                    "Also list retired models.",
                    default=False,
                    tool="include_retired",
                ),
            ),
            _models,
        ),
        Command(
            "cost",
            "one call from its usage",
            (
                Param("model", "model", "Model id or alias.", required=True),
                Param(
                    "input", "count", "Uncached input tokens.", required=True, tool="input_tokens"
                ),
                Param("output", "count", "Output tokens.", required=True, tool="output_tokens"),
                Param(
                    "cache_write_5m",
                    "count",
                    "5-minute cache writes.",
                    default=0,
                    tool="cache_write_5m_tokens",
                ),
                Param(
                    "cache_write_1h",
                    "count",
                    "1-hour cache writes.",
                    default=0,
                    tool="cache_write_1h_tokens",
                ),
                Param("cache_read", "count", "Cache reads.", default=0, tool="cache_read_tokens"),
                Param("batch", "flag", "Billed through the Batches API.", default=False),
            ),
            _cost,
        ),
        Command(
            "workload",
            "a workload per request, day, month and year",
            _workload_params(),
            lambda v, t: cost_of_workload(t.get(v["model"]), _workload(v)).as_dict(),
        ),
        Command(
            "change",
            "a what-if: one workload before and after a change, and the difference",
            (
                *_workload_params(),
                Param(
                    "set",
                    "changes",
                    "Fields to change, e.g. output_tokens=150 or model=claude-haiku-5-5.",
                    required=True,
                    tool="changes",
                ),
            ),
            _change,
        ),
        Command(
            "compare",
            "one workload across models, savings against the first",
            (
                Param("models", "models", "Model ids; the first is the baseline.", required=True),
                *_workload_params(model=False),
            ),
            lambda v, t: compare_models([t.get(n) for n in v["models"]], _workload(v)).as_dict(),
        ),
        Command(
            "cache",
            "prompt caching of a prefix: cost with and without, break-even",
            (
                Param("model", "model", "Model id or alias.", required=True),
                Param(
                    "prefix",
                    "count",
                    "Tokens in the cached prefix.",
                    required=True,
                    tool="prefix_tokens",
                ),
                Param("requests", "positive", "Requests per period.", required=True),
                _PER,
                _TTL,
                Param(
                    "traffic",
                    "choice",
                    "Arrival model.",
                    default="steady",
                    choices=CACHE_TRAFFIC_MODELS,
                ),
                Param(
                    "interval_minutes",
                    "positive",
                    "Minutes between requests, for the interval traffic model.",
                    maximum=PERIOD_MINUTES["month"],
                ),
            ),
            _cache,
        ),
        Command(
            "batch",
            "real time against batch, per month",
            _workload_params(batch=False),
            lambda v, t: batch_savings(t.get(v["model"]), _workload(v, batch=False)).as_dict(),
        ),
        Command(
            "routing",
            "a traffic mix across tiers against one model",
            (
                Param("mix", "shares", "Share of traffic per tier.", required=True),
                Param("models", "pairs", "Model per tier.", required=True),
                Param("baseline", "model", "The one model to compare against.", required=True),
                Param("requests", "positive", "Requests per period.", required=True),
                _PER,
                Param(
                    "input",
                    "count",
                    "Input tokens per request.",
                    required=True,
                    tool="input_tokens",
                ),
                Param(
                    "output",
                    "count",
                    "Output tokens per request.",
                    required=True,
                    tool="output_tokens",
                ),
                Param("classifier", "model", "Classifier model."),
                Param(
                    "classifier_input",
                    "count",
                    "Classifier input tokens.",
                    tool="classifier_input_tokens",
                ),
                Param(
                    "classifier_output",
                    "count",
                    "Classifier output tokens.",
                    tool="classifier_output_tokens",
                ),
            ),
            _routing,
        ),
        Command(
            "history",
            "input tokens per turn: full replay against a window",
            (
                Param("turns", "positive", "Number of turns.", required=True, maximum=MAX_TURNS),
                Param("turn_tokens", "count", "Tokens each turn adds.", required=True),
                Param("system", "count", "System prompt tokens.", default=0, tool="system_tokens"),
                Param(
                    "reply",
                    "count",
                    "Answer tokens per turn; turn_tokens is then the user message alone and "
                    "each answer is replayed from the next request on.",
                    tool="reply_tokens",
                ),
                Param("window", "positive", "Turns kept in the window.", maximum=MAX_TURNS),
                Param("summary", "count", "Summary tokens.", tool="summary_tokens"),
                Param("model", "model", "Model to price the input."),
                Param("cache", "flag", "Cost with prompt caching.", default=False),
                _TTL,
            ),
            _history,
        ),
        Command(
            "stack",
            "model switch, then caching, then batch: each step's monthly cost",
            (
                Param("from_model", "model", "Model today.", required=True, flag="--from"),
                Param("to_model", "model", "Model after the switch.", required=True, flag="--to"),
                *_workload_params(model=False, prefix_required=True),
            ),
            lambda v, t: stack_savings(
                t.get(v["from_model"]),
                t.get(v["to_model"]),
                _workload(v, batch=False),
                include_batch=v["batch"],
            ).as_dict(),
        ),
        Command(
            "audit",
            "audit a prompt",
            (
                Param("text", "text", "The prompt text to audit.", required=True, tool="prompt"),
                Param("model", "model", "Model to price the saving."),
                Param("requests", "count", "Requests per period, to price the saving."),
                Param(
                    "per",
                    "choice",
                    "Period of requests.",
                    default="day",
                    choices=tuple(PERIOD_MINUTES),
                ),
            ),
            _audit,
        ),
        Command(
            "plan",
            "an architecture plan for a list of workloads",
            (Param("workloads", "workloads", "Workloads to plan.", required=True),),
            lambda v, t: plan_architecture(parse_workloads(v["workloads"]), t).as_dict(),
        ),
    )
}


# -- entry points -------------------------------------------------------------------------------
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
