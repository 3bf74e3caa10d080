"""What I understood: the scenario behind a calculation card, as a form the learner can correct.

A card's tool call is the tutor's (or Claude's) reading of the question. The form shows that
reading field by field, built from the calculator's own parameters (`tools.tool_params`), so its
bounds and choices are the ones `call_tool` enforces. A submitted form is read back into a tool
input and run through `call_tool` with the published price table, like any other call: nothing
here computes a figure.

The row is updated in place. The first edit keeps the reading in `Calculation.original_input`,
because the reply's text still describes it: the card says which inputs changed, and "Back to
what I read" runs the original again.

A plan's workloads stay read-only: each is a nested mapping whose words (latency, task, prompt
parts) the plan's own parser interprets, and a second, smaller form for them would drift from
that parser. The message box is the way to describe a workload again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction

from labs.calculator.errors import CalculatorError
from labs.calculator.params import MAX_MODELS, MAX_PROMPT_CHARS, Param, coerce
from labs.calculator.pricing import PriceTable
from labs.calculator.tools import call_tool, tool_params
from labs.cards import render_card, render_error_card
from labs.models import Calculation

# Each recalculation is a few milliseconds of calculator work and one row write, but it is
# still work a script could ask for in a loop; this bounds it per learner and clock hour.
RECALCULATIONS_PER_HOUR = 120

LABELS = {
    "model": "Model", "models": "Models", "requests": "Requests", "per": "per",
    "system_tokens": "System prompt tokens", "tools_tokens": "Tool definition tokens",
    "examples_tokens": "Example tokens", "documents_tokens": "Document tokens",
    "history_tokens": "Conversation history tokens", "user_tokens": "User message tokens",
    "output_tokens": "Output tokens", "input_tokens": "Input tokens",
    "cache_prefix_tokens": "Cached prefix tokens", "prefix_tokens": "Cached prefix tokens",
    "ttl": "Cache lifetime", "traffic": "Traffic", "batch": "Batch API (half price)",
    "cache_write_5m_tokens": "5-minute cache writes",
    "cache_write_1h_tokens": "1-hour cache writes",
    "cache_read_tokens": "Cache reads", "mix": "Share of traffic", "baseline": "Single model",
    "classifier": "Classifier model", "classifier_input_tokens": "Classifier input tokens",
    "classifier_output_tokens": "Classifier output tokens", "turns": "Turns",
    "turn_tokens": "Tokens each turn adds", "window": "Turns kept in the window",
    "summary_tokens": "Summary tokens", "cache": "With prompt caching",
    "from_model": "Model today", "to_model": "Model after the switch", "prompt": "Prompt",
    "include_retired": "Include retired models", "workloads": "Workloads",
}  # fmt: skip
# Labels for a tool whose field means something else there.
TOOL_LABELS = {
    ("routing_savings", "models"): "Model per tier",
    ("stack_savings", "batch"): "Then the Batch API",
    ("history_growth", "model"): "Model to price the input",
    ("audit_prompt", "model"): "Model to price the saving",
    ("audit_prompt", "requests"): "Requests",
}
CHOICE_LABELS = {
    "5m": "5 minutes", "1h": "1 hour", "day": "day", "month": "month",
    "steady": "steady", "poisson": "random (Poisson)",
}  # fmt: skip
WIDGETS = {
    "count": "number", "positive": "number", "choice": "select", "flag": "checkbox",
    "model": "select", "models": "group", "pairs": "group", "shares": "group",
    "text": "textarea", "workloads": "readonly", "changes": "readonly",
}  # fmt: skip


class ScenarioError(Exception):
    """The form cannot be run as typed; `errors` maps a tool field ("" for the whole form) to a
    message for the learner."""

    def __init__(self, errors: dict[str, str], status: int = 400) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors, self.status = errors, status


@dataclass
class Field:
    key: str  # the tool field; its errors are filed under it
    name: str  # the form field
    label: str
    widget: str  # number, select, checkbox, textarea, group, readonly
    value: str = ""
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    minimum: str = ""
    maximum: str = ""
    step: str = "1"
    required: bool = False
    error: str = ""
    parts: list[Field] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    html_id: str = ""  # unique on the page, which shows many cards

    @property
    def wide(self) -> bool:
        return self.widget in ("group", "textarea", "readonly")


@dataclass
class Scenario:
    calculation_id: int
    fields: list[Field]
    editable: bool
    error: str = ""
    changes: list[str] = field(default_factory=list)
    edited: bool = False


def label_for(tool: str, param: Param) -> str:
    key = param.tool_field
    return TOOL_LABELS.get((tool, key)) or LABELS.get(key) or key.replace("_", " ").capitalize()


def _params(tool: str) -> tuple[Param, ...]:
    try:
        return tool_params(tool)
    except CalculatorError:
        return ()  # not a calculator tool (an old row, or a name Claude invented)


def has_scenario(tool: str) -> bool:
    return bool(_params(tool))


def is_editable(tool: str) -> bool:
    return any(p.kind != "workloads" for p in _params(tool))


def _tiers(current: Mapping[str, Any]) -> list[str]:
    """Routing's tier names, from the calculation itself, never from the form."""
    names: list[str] = []
    for key in ("mix", "models"):
        value = current.get(key)
        if isinstance(value, Mapping):
            names += [str(k) for k in value]
    return list(dict.fromkeys(names))[:10]


def _model_options(table: PriceTable, value: str, *, optional: bool) -> list[tuple[str, str]]:
    options = [(m.id, m.display_name) for m in table.available()]
    if value and value not in {v for v, _ in options}:
        # What was read (an alias, a retired id) or typed stays selectable, as it was given.
        options.insert(0, (value, value))
    if optional:
        options.insert(0, ("", "none"))
    return options


def _slot_label(position: int, value: str) -> str:
    if position == 0:
        return "Baseline"
    return f"Model {position + 1}" if value else "Add a model"


def _shown(value: Any) -> str:
    """A value as a form field holds it."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def _workload_line(workload: Any) -> str:
    if not isinstance(workload, Mapping):
        return str(workload)[:200]
    name = str(workload.get("name") or "Workload")
    facts = [
        f"{k.replace('_', ' ')} {v:,}" if isinstance(v, int) and not isinstance(v, bool)
        else f"{k.replace('_', ' ')} {v}"
        for k, v in workload.items()
        if k != "name" and not isinstance(v, Mapping | list)
    ]  # fmt: skip
    return f"{name}: {', '.join(facts)}"[:300]


def _field(
    tool: str, param: Param, current: Mapping[str, Any], table: PriceTable,
    posted: Mapping[str, Any] | None, errors: Mapping[str, str],
) -> Field:  # fmt: skip
    key = param.tool_field
    widget = WIDGETS[param.kind]
    out = Field(key=key, name=key, label=label_for(tool, param), widget=widget,
                required=param.required, error=errors.get(key, ""))  # fmt: skip
    raw = current.get(key)
    if raw is None:
        raw = param.default
    if param.kind in ("count", "positive"):
        out.value = posted.get(key, "") if posted is not None else _shown(raw)
        out.minimum = "1" if param.kind == "positive" else "0"
        out.maximum = str(param.limit)
    elif param.kind == "choice":
        out.value = posted.get(key, "") if posted is not None else _shown(raw)
        out.options = [(c, CHOICE_LABELS.get(c, c)) for c in param.choices]
        if out.value and out.value not in param.choices:
            out.options.insert(0, (out.value, out.value))  # as typed, beside its error
        if not param.required and param.default is None:
            out.options.insert(0, ("", "none"))
    elif param.kind == "flag":
        out.checked = key in posted if posted is not None else raw is True
    elif param.kind == "model":
        out.value = posted.get(key, "") if posted is not None else _shown(raw)
        out.options = _model_options(table, out.value, optional=not param.required)
    elif param.kind == "models":
        if posted is not None:
            chosen = [v for v in posted.getlist(key) if v]
        else:
            chosen = [str(v) for v in raw] if isinstance(raw, list) else []
        chosen = chosen[:MAX_MODELS]
        slots = [*chosen, ""] if len(chosen) < MAX_MODELS else chosen
        out.parts = [
            Field(key=key, name=key, widget="select", value=value, label=_slot_label(i, value),
                  options=_model_options(table, value, optional=True))
            for i, value in enumerate(slots)
        ]  # fmt: skip
    elif param.kind in ("shares", "pairs"):
        given = raw if isinstance(raw, Mapping) else {}
        for i, tier in enumerate(_tiers(current)):
            name = f"{key}.{i}"
            value = posted.get(name, "") if posted is not None else _shown(given.get(tier))
            if param.kind == "shares":
                part = Field(key=key, name=name, label=tier, widget="number", value=value,
                             minimum="0", maximum="1", step="0.01", required=True)  # fmt: skip
            else:
                part = Field(key=key, name=name, label=tier, widget="select", value=value,
                             options=_model_options(table, value, optional=False))  # fmt: skip
            out.parts.append(part)
    elif param.kind == "text":
        out.value = posted.get(key, "") if posted is not None else _shown(raw)
        out.maximum = str(MAX_PROMPT_CHARS)
    elif param.kind == "workloads":
        out.lines = [_workload_line(w) for w in raw] if isinstance(raw, list) else []
    elif param.kind == "changes":
        # A what-if's change is what the question asked: shown, not edited (edit the "before").
        given = raw if isinstance(raw, Mapping) else {}
        out.lines = [f"{k.replace('_', ' ')}: {v}" for k, v in given.items()]
    return out


def scenario_for(
    calculation: Calculation, table: PriceTable, *,
    posted: Mapping[str, Any] | None = None, errors: Mapping[str, str] | None = None,
) -> Scenario | None:  # fmt: skip
    """The form for one card: its current input, or what the learner posted (kept as typed)
    with the errors beside their fields. None for a tool the calculator does not know."""
    params = _params(calculation.tool)
    if not params:
        return None
    errors = errors or {}
    current = calculation.input if isinstance(calculation.input, Mapping) else {}
    fields = [_field(calculation.tool, p, current, table, posted, errors) for p in params]
    for i, item in enumerate(f for top in fields for f in (top, *top.parts)):
        item.html_id = f"calc-{calculation.pk}-{i}"
    known = {f.key for f in fields}
    stray = [message for key, message in errors.items() if key not in known]
    original = calculation.original_input
    return Scenario(
        calculation_id=calculation.pk,
        fields=fields,
        editable=is_editable(calculation.tool),
        error=" ".join(stray),
        changes=describe_changes(calculation.tool, original, current) if original else [],
        edited=original is not None,
    )


def read_input(
    calculation: Calculation, posted: Mapping[str, Any], table: PriceTable
) -> dict[str, Any]:
    """The posted form as a tool input, each value checked against its parameter's bounds.
    Raises ScenarioError with one message per field that is wrong."""
    if not is_editable(calculation.tool):
        raise ScenarioError({"": "This calculation has nothing to change here."})
    current = calculation.input if isinstance(calculation.input, Mapping) else {}
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for param in _params(calculation.tool):
        key, label = param.tool_field, label_for(calculation.tool, param)
        try:
            value = _read(param, label, posted, current, table)
        except CalculatorError as exc:
            errors[key] = " ".join(str(exc).split())
            continue
        # A default the reading did not state stays unstated, so the card lists what it did.
        if value is None or (value == param.default and key not in current):
            continue
        values[key] = value
    if errors:
        raise ScenarioError(errors)
    return values


def _read(
    param: Param, label: str, posted: Mapping[str, Any], current: Mapping[str, Any],
    table: PriceTable,
) -> Any:  # fmt: skip
    key = param.tool_field
    kind = param.kind
    if kind == "flag":
        return key in posted
    if kind in ("workloads", "changes"):
        return current.get(key)  # read-only: as they were read
    if kind == "models":
        chosen = [str(v).strip() for v in posted.getlist(key) if str(v).strip()]
        if not chosen:
            raise CalculatorError(f"{label}: choose at least one model")
        checked = coerce(param, chosen, label)  # the count and lengths first: then the lookups
        for name in checked:
            table.get(name)
        return checked
    if kind in ("shares", "pairs"):
        given = {}
        for i, tier in enumerate(_tiers(current)):
            raw = str(posted.get(f"{key}.{i}", "")).strip()
            if not raw:
                raise CalculatorError(f"{label}: {tier}: give a value")
            given[tier] = raw
        checked = coerce(param, given, label)
        if kind == "pairs":
            for name in checked.values():
                table.get(name)
        # JSON has no Decimal; a share such as 0.7 survives a float, as Claude sends it.
        return {k: float(v) for k, v in checked.items()} if kind == "shares" else checked
    raw = posted.get(key, "")
    raw = raw.replace("\r\n", "\n") if kind == "text" else str(raw).strip()
    if not raw.strip():
        if param.required:
            what = {"model": "choose a model", "text": "paste the prompt"}.get(kind, "give a value")
            raise CalculatorError(f"{label}: {what}")
        return None
    if kind == "model":
        name = coerce(param, raw, label)
        table.get(name)  # an unknown model is named as such, with the close matches
        return name
    return coerce(param, raw, label, from_text=True)


_FLAG = re.compile(r"--[a-z0-9-]+(?: [A-Z]\b)?")


def _file_error(tool: str, message: str) -> dict[str, str]:
    """The calculator's message for a combination of fields, filed under the first field it
    names, in the form's words rather than the command line's."""
    params = _params(tool)
    message = " ".join(message.removeprefix(f"{tool}: ").split())
    by_flag = {p.cli_flag: p for p in params}
    named = [by_flag[m.split(" ")[0]] for m in _FLAG.findall(message) if m.split(" ")[0] in by_flag]
    message = _FLAG.sub(
        lambda m: (
            f"“{label_for(tool, by_flag[m.group().split(' ')[0]])}”"
            if m.group().split(" ")[0] in by_flag else m.group()
        ),
        message,
    )  # fmt: skip
    if not named:
        named = [p for p in params if re.search(rf"\b{re.escape(p.tool_field)}\b", message)]
    return {(named[0].tool_field if named else ""): message}


def recalculate(calculation: Calculation, tool_input: dict[str, Any], table: PriceTable) -> None:
    """Run the card again on the learner's input and store it; the first edit keeps the
    original reading. Raises ScenarioError with the calculator's message; nothing is stored."""
    try:
        output = call_tool(calculation.tool, tool_input, table)
    except CalculatorError as exc:
        raise ScenarioError(_file_error(calculation.tool, str(exc))) from None
    with transaction.atomic():
        # Locked so two tabs editing the same card cannot both take their input as the original.
        row = (
            Calculation.objects.select_for_update()
            .only("input", "original_input")
            .get(pk=calculation.pk)
        )
        original = row.original_input if row.original_input is not None else row.input
        calculation.original_input = None if tool_input == original else original
        calculation.input, calculation.output, calculation.is_error = tool_input, output, False
        calculation.html = render_card(output, tool_input)
        calculation.save(update_fields=["input", "output", "is_error", "html", "original_input"])


def restore(calculation: Calculation, table: PriceTable) -> None:
    """Back to what was read: the original input, run again on today's prices. A reading the
    calculator refuses (it was an error card, or its model has gone) is an error card again."""
    with transaction.atomic():
        row = Calculation.objects.select_for_update().only("original_input").get(pk=calculation.pk)
        if row.original_input is None:
            return  # never edited, or restored already by another tab
        original = row.original_input
        try:
            output = call_tool(calculation.tool, original, table)
        except CalculatorError as exc:
            message = " ".join(str(exc).split())
            output, is_error = {"error": message}, True
            html = render_error_card(calculation.tool, original, message)
        else:
            is_error, html = False, render_card(output, original)
        calculation.input, calculation.output, calculation.is_error = original, output, is_error
        calculation.html, calculation.original_input = html, None
        calculation.save(update_fields=["input", "output", "is_error", "html", "original_input"])


def _show(param: Param, value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return CHOICE_LABELS.get(str(value), str(value)) if param.kind == "choice" else str(value)


def describe_changes(
    tool: str, original: Mapping[str, Any], current: Mapping[str, Any]
) -> list[str]:
    """What the learner changed, field by field: "Output tokens 300 → 150"."""
    out = []
    for param in _params(tool):
        key = param.tool_field
        before, after = original.get(key), current.get(key)
        before = param.default if before is None else before
        after = param.default if after is None else after
        if before == after:
            continue
        label = label_for(tool, param)
        if param.kind == "text":
            out.append(f"{label} edited")
        else:
            out.append(f"{label} {_show(param, before)} → {_show(param, after)}")
    return out


def check_recalculation_rate(user_id: int, now: float) -> None:
    """At most RECALCULATIONS_PER_HOUR per learner in a clock hour. The count lives in the cache
    every web process shares. Redis and locmem count atomically; the file cache (one machine)
    may lose a count when two requests land at the same instant, so there the bound is
    approximate, which is enough for work this cheap."""
    hour = int(now // 3600)
    key = f"labs:recalculations:{user_id}:{hour}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > RECALCULATIONS_PER_HOUR:
        minutes = max(1, round(((hour + 1) * 3600 - now) / 60))
        raise ScenarioError(
            {"": f"You have recalculated {RECALCULATIONS_PER_HOUR} times this hour, the limit. "
                 f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}."},
            status=429,
        )  # fmt: skip
