"""The calculator's commands: each one's parameters (types, defaults, bounds) and its engine.

`COMMANDS` is the table that the three doors share (see `commands.py`): the terminal's argparse
options, Claude's tool schemas and the living numbers' flags are all made from these rows, so a
parameter and its limit are written once.
"""

from __future__ import annotations

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
from .history import conversation_history
from .params import (
    MAX_TURNS,
    Command,
    CommandError,
    Param,
    coerce,
)
from .plan import plan_architecture
from .pricing import PRICE_FIELDS, Model, PriceTable
from .routing import route_traffic
from .workload_specs import parse_workloads

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
