"""The calculator as Claude tools.

`TOOLS` holds the tool definitions to pass as `tools=` to the Messages API; `call_tool(name,
input)` runs one and returns the same JSON-able dict the command line prints with `--json`
(money as `_usd` strings). Each tool maps onto one command of `commands.py`, the same typed,
bounded entry point the command line and the living numbers use, so all three answer alike.
Bad input and unknown tools raise CalculatorError with a one-line message to return to Claude
as an `is_error` tool result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .commands import COMMANDS, Param, run, tool_values
from .errors import CalculatorError
from .pricing import PriceTable, todays_price_table


def _int(description: str, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "description": description}


_MODEL = {"type": "string", "description": "Model id or alias, e.g. claude-sonnet-5-5."}
_PER = {"type": "string", "enum": ["day", "month"], "description": "Period of `requests`."}
_TTL = {"type": "string", "enum": ["5m", "1h"], "description": "Cache lifetime (default 5m)."}
_TRAFFIC = {
    "type": "string",
    "enum": ["steady", "poisson"],
    "description": "steady: first request writes, the rest hit (default). poisson: random "
    "arrivals, miss when the gap exceeds the TTL.",
}
_WORKLOAD = {
    "requests": _int("Requests per period.", 1),
    "per": _PER,
    "system_tokens": _int("System prompt tokens per request."),
    "tools_tokens": _int("Tool definition tokens per request."),
    "examples_tokens": _int("Few-shot example tokens per request."),
    "documents_tokens": _int("Document tokens per request."),
    "history_tokens": _int("Conversation history tokens per request."),
    "user_tokens": _int("User message tokens per request."),
    "output_tokens": _int("Output tokens per request."),
    "cache_prefix_tokens": _int("Tokens at the start of the prompt to cache (0: none)."),
    "ttl": _TTL,
    "traffic": _TRAFFIC,
    "batch": {"type": "boolean", "description": "Send through the Batches API (half price)."},
}
_WORKLOAD_REQUIRED = ["requests", "per", "output_tokens"]

# tool name -> (CLI command, description, properties, required)
_SPECS: dict[str, tuple[str, str, dict[str, Any], list[str]]] = {
    "list_models": (
        "models",
        "List the price table: USD per million tokens for input, output, cache writes (5m, 1h) "
        "and cache hits, batch discount, minimum cacheable prefix, status, unconfirmed flags.",
        {"include_retired": {"type": "boolean", "description": "Also list retired models."}},
        [],
    ),
    "estimate_cost": (
        "cost",
        "Cost of one API call from its usage. input_tokens excludes cached tokens, as the API "
        "reports it.",
        {
            "model": _MODEL,
            "input_tokens": _int("Uncached input tokens (usage.input_tokens)."),
            "output_tokens": _int("Output tokens, thinking included."),
            "cache_write_5m_tokens": _int("Tokens written to the 5-minute cache."),
            "cache_write_1h_tokens": _int("Tokens written to the 1-hour cache."),
            "cache_read_tokens": _int("Tokens read from the cache."),
            "batch": {"type": "boolean", "description": "Billed through the Batches API."},
        },
        ["model", "input_tokens", "output_tokens"],
    ),
    "workload_cost": (
        "workload",
        "Cost of a workload (a request shape sent N times a day or month) per request, day, "
        "30-day month and 365-day year, with optional caching and batch.",
        {"model": _MODEL, **_WORKLOAD},
        ["model", *_WORKLOAD_REQUIRED],
    ),
    "workload_change": (
        "change",
        "A what-if on one workload: its cost before and after changing some fields (a model, "
        "the volume, a prompt part, the output length, caching, batch), and the signed "
        "difference per request, day, 30-day month and 365-day year.",
        {
            "model": _MODEL,
            **_WORKLOAD,
            "changes": {
                "type": "object",
                "description": "Fields to change and their new values, named as above: "
                '{"output_tokens": 150} or {"model": "claude-haiku-5-5", "batch": true}.',
            },
        },
        ["model", *_WORKLOAD_REQUIRED, "changes"],
    ),
    "compare_models": (
        "compare",
        "Cost of one workload on several models, with each model's saving against the first.",
        {
            "models": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "Model ids; the first is the baseline.",
            },
            **_WORKLOAD,
        },
        ["models", *_WORKLOAD_REQUIRED],
    ),
    "caching_plan": (
        "cache",
        "Prompt caching of a prefix: eligibility, writes and reads, cost with and without "
        "caching per period, saving and break-even hits.",
        {
            "model": _MODEL,
            "prefix_tokens": _int("Tokens in the cached prefix."),
            "requests": _int("Requests per period sharing the prefix.", 1),
            "per": _PER,
            "ttl": _TTL,
            "traffic": {
                **_TRAFFIC,
                "enum": ["steady", "poisson", "interval"],
                "description": _TRAFFIC["description"] + " interval: a fixed gap of "
                "interval_minutes between requests (a cron job); a gap longer than the TTL "
                "means every request writes.",
            },
            "interval_minutes": _int("Minutes between requests (traffic interval).", 1),
        },
        ["model", "prefix_tokens", "requests", "per"],
    ),
    "batch_savings": (
        "batch",
        "Monthly cost of a workload in real time against the Batches API (stacks with caching).",
        {"model": _MODEL, **{k: v for k, v in _WORKLOAD.items() if k != "batch"}},
        ["model", *_WORKLOAD_REQUIRED],
    ),
    "routing_savings": (
        "routing",
        "Cost of routing traffic across tiers (plus a classifier per request) against sending "
        "everything to one baseline model, per period.",
        {
            "mix": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                "description": 'Share of traffic per tier, adding up to 1: {"simple": 0.7, ...}.',
            },
            "models": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": 'Model per tier: {"simple": "claude-haiku-5-5", ...}.',
            },
            "baseline": _MODEL,
            "requests": _int("Requests per period.", 1),
            "per": _PER,
            "input_tokens": _int("Input tokens per request."),
            "output_tokens": _int("Output tokens per request."),
            "classifier": _MODEL,
            "classifier_input_tokens": _int("Classifier input tokens per request."),
            "classifier_output_tokens": _int("Classifier output tokens per request."),
        },
        ["mix", "models", "baseline", "requests", "per", "input_tokens", "output_tokens"],
    ),
    "history_growth": (
        "history",
        "Input tokens per turn and in total when a conversation replays its whole history, "
        "against a window of the last K turns plus a summary; with a model, input costs, "
        "optionally with caching.",
        {
            "turns": _int("Number of turns.", 1),
            "turn_tokens": _int("Tokens each turn adds."),
            "system_tokens": _int("System prompt tokens."),
            "reply_tokens": _int(
                "Answer tokens per turn. With it, turn_tokens is the new user message alone and "
                "request k carries system + (k - 1) x (turn + reply) + turn: an answer is "
                "replayed from the next request on, never in its own."
            ),
            "window": _int("Turns kept in the window.", 1),
            "summary_tokens": _int("Summary tokens once older turns are dropped."),
            "model": _MODEL,
            "cache": {"type": "boolean", "description": "Cost with prompt caching (needs model)."},
            "ttl": _TTL,
        },
        ["turns", "turn_tokens"],
    ),
    "stack_savings": (
        "stack",
        "Monthly cost after each step of model switch, then caching, then batch, with each "
        "step's share of the total reduction.",
        {
            "from_model": _MODEL,
            "to_model": _MODEL,
            **_WORKLOAD,
        },
        ["from_model", "to_model", *_WORKLOAD_REQUIRED, "cache_prefix_tokens"],
    ),
    "audit_prompt": (
        "audit",
        "Audit a prompt: estimated tokens, findings (empty preamble, repetition, no output "
        "format, length-inviting words, no length bound), a trimmed rewrite, tokens saved and, "
        "with a model and volume, dollars saved.",
        {
            "prompt": {"type": "string", "description": "The prompt text to audit."},
            "model": _MODEL,
            "requests": _int("Requests per period, to price the saving."),
            "per": _PER,
        },
        ["prompt"],
    ),
    "plan_architecture": (
        "plan",
        "Plan a production setup per workload: API pattern, model tier, caching, controls, and "
        "the monthly cost before and after each step.",
        {
            "workloads": {
                "type": "array",
                "minItems": 1,
                "description": "Workloads: name, requests_per_day, latency (realtime, "
                "interactive, seconds, minutes, hours, overnight, daily, batch), task, output, "
                "prompt {tools, system, examples, documents, history, user}; optional tier, "
                "model, current_model, repeat_rate, users.",
                "items": {"type": "object"},
            }
        },
        ["workloads"],
    ),
}


def _bounded(command: str, props: dict[str, Any]) -> dict[str, Any]:
    """The tool's properties with each number's upper bound from the command layer, so Claude
    sees the limit that `call_tool` enforces."""
    params = {p.tool_field: p for p in COMMANDS[command].params}
    out = {}
    for field, schema in props.items():
        param = params[field]  # a KeyError here is a tool naming a field its command lacks
        if schema.get("type") == "integer" and param.limit is not None:
            schema = {**schema, "maximum": param.limit}
        out[field] = schema
    return out


TOOLS: list[dict[str, Any]] = [
    {
        "name": name,
        "description": description,
        "input_schema": {
            "type": "object",
            "properties": _bounded(command, props),
            "required": required,
        },
    }
    for name, (command, description, props, required) in _SPECS.items()
]


def _check(tool: str, field: str, value: Any, schema: Mapping[str, Any]) -> None:
    kind = schema.get("type")
    ok = {
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, Mapping),
    }.get(kind, True)
    if not ok:
        raise CalculatorError(f"{tool}: {field}: expected {kind}, got {value!r}")
    if "minimum" in schema and value < schema["minimum"]:
        raise CalculatorError(f"{tool}: {field}: must be at least {schema['minimum']}, got {value}")
    if "enum" in schema and value not in schema["enum"]:
        raise CalculatorError(f"{tool}: {field}: expected one of {', '.join(schema['enum'])}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            _check(tool, f"{field}[{i}]", item, schema["items"])
    if kind == "object" and "additionalProperties" in schema:
        for key, item in value.items():
            _check(tool, f"{field}.{key}", item, schema["additionalProperties"])


def call_tool(
    name: str, tool_input: Mapping[str, Any], table: PriceTable | None = None
) -> dict[str, Any]:
    """Run a calculator tool; returns the CLI's `--json` object for the matching command."""
    if name not in _SPECS:
        raise CalculatorError(f"unknown tool {name!r}; the tools are {', '.join(_SPECS)}")
    if not isinstance(tool_input, Mapping):
        raise CalculatorError(f"{name}: expected an object of arguments")
    command, _, props, required = _SPECS[name]
    for field in required:
        if tool_input.get(field) is None:
            raise CalculatorError(f"{name}: missing required field {field!r}")
    for field, value in tool_input.items():
        if field not in props:
            raise CalculatorError(f"{name}: unknown field {field!r}")
        if value is not None:
            _check(name, field, value, props[field])
    given = {k: v for k, v in tool_input.items() if v is not None}
    return run(
        command,
        tool_values(command, given),
        table or todays_price_table(),
        label=lambda param: f"{name}: {param.tool_field}",
    )


def tool_params(name: str) -> tuple[Param, ...]:
    """The parameters a tool takes, in its command's order; each names its input field in
    `Param.tool_field`. Lets a form offer exactly what `call_tool` accepts, with its bounds."""
    if name not in _SPECS:
        raise CalculatorError(f"unknown tool {name!r}; the tools are {', '.join(_SPECS)}")
    command, _, props, _ = _SPECS[name]
    return tuple(p for p in COMMANDS[command].params if p.tool_field in props)
