"""Workload descriptions for the architecture plan, read from YAML or JSON.

A workload is a mapping: `name`, `requests_per_day`, `latency` (realtime, interactive, seconds,
minutes -> real time; hours, overnight, daily, batch -> batch), `output` (tokens), `prompt`
(token counts of tools, system, examples, documents, history, user; the parts may also sit at the
top level), and optionally `task`, `tier`, `model`, `current_model`, `repeat_rate` (0 to <1: the
share of requests an app-level cache could answer) and `users`. Errors name the workload and the
field: "workload 'Support chat': latency: expected one of ...".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .costs import PromptParts
from .errors import CalculatorError
from .pricing import TIERS

REALTIME_LATENCIES = ("realtime", "interactive", "seconds", "minutes")
BATCH_LATENCIES = ("hours", "overnight", "daily", "batch")
TASK_TIERS = {
    **dict.fromkeys(
        ("classification", "extraction", "moderation", "tagging", "routing", "faq"), "haiku"
    ),
    **dict.fromkeys(
        (
            "chat",
            "support",
            "summarization",
            "drafting",
            "writing",
            "rag",
            "qa",
            "translation",
            "general",
        ),
        "sonnet",
    ),
    **dict.fromkeys(("reasoning", "analysis", "code", "agent", "research", "planning"), "opus"),
}
PART_NAMES = ("tools", "system", "examples", "documents", "history", "user")
_SPEC_FIELDS = {
    "name",
    "requests_per_day",
    "latency",
    "task",
    "tier",
    "model",
    "current_model",
    "prompt",
    "output",
    "repeat_rate",
    "users",
    *PART_NAMES,
}


@dataclass(frozen=True)
class WorkloadSpec:
    name: str
    requests_per_day: int
    latency: str
    parts: PromptParts
    output_tokens: int
    task: str = "general"
    tier: str | None = None
    model: str | None = None
    current_model: str | None = None
    repeat_rate: Decimal = Decimal(0)
    users: int | None = None

    @property
    def pattern(self) -> str:
        return "batch" if self.latency in BATCH_LATENCIES else "realtime_streaming"


def parse_workloads(data: Any) -> list[WorkloadSpec]:
    """Validate a list of workload mappings (or {"workloads": [...]}); errors name the workload
    and the field."""
    if isinstance(data, Mapping) and "workloads" in data:
        data = data["workloads"]
    if not isinstance(data, list) or not data:
        raise CalculatorError("plan: expected a non-empty list of workloads")
    return [_parse_spec(raw, i) for i, raw in enumerate(data, start=1)]


def load_workloads(path: Path) -> list[WorkloadSpec]:
    """Read and validate workloads from a YAML or JSON file (the terminal's `plan --file`)."""
    return parse_workloads(read_workloads_file(path))


def read_workloads_file(path: Path) -> Any:
    """The raw data of a YAML or JSON workloads file; only the terminal reads files."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CalculatorError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise CalculatorError(f"{Path(path).name}: not valid YAML or JSON: {exc}") from exc
    return data


def _parse_spec(raw: Any, position: int) -> WorkloadSpec:
    label = f"workload #{position}"
    if not isinstance(raw, Mapping):
        raise CalculatorError(f"{label}: expected a mapping")
    if isinstance(raw.get("name"), str) and raw["name"].strip():
        label = f"workload {raw['name']!r}"
    else:
        raise CalculatorError(f"{label}: name: missing")
    unknown = sorted(set(raw) - _SPEC_FIELDS)
    if unknown:
        raise CalculatorError(f"{label}: {unknown[0]}: unknown field")

    def count(name: str, value: Any, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise CalculatorError(f"{label}: {name}: expected a whole number >= {minimum}")
        return value

    for required in ("requests_per_day", "latency", "output"):
        if raw.get(required) is None:
            raise CalculatorError(f"{label}: {required}: missing")
    latency = raw["latency"]
    if latency not in REALTIME_LATENCIES + BATCH_LATENCIES:
        choices = ", ".join(REALTIME_LATENCIES + BATCH_LATENCIES)
        raise CalculatorError(f"{label}: latency: expected one of {choices}")
    task = raw.get("task") or "general"
    if task not in TASK_TIERS:
        raise CalculatorError(f"{label}: task: expected one of {', '.join(TASK_TIERS)}")
    tier = raw.get("tier")
    if tier is not None and tier not in TIERS:
        raise CalculatorError(f"{label}: tier: expected one of {', '.join(TIERS)}")
    prompt = raw.get("prompt") or {}
    if not isinstance(prompt, Mapping) or set(prompt) - set(PART_NAMES):
        raise CalculatorError(f"{label}: prompt: expected parts among {', '.join(PART_NAMES)}")
    parts = {}
    for part in PART_NAMES:
        if part in prompt and part in raw:
            raise CalculatorError(f"{label}: {part}: given twice")
        parts[part] = count(f"prompt.{part}", prompt.get(part, raw.get(part, 0)))
    repeat = raw.get("repeat_rate", 0)
    try:
        repeat_rate = Decimal(str(repeat))
    except InvalidOperation:
        repeat_rate = Decimal(-1)
    if isinstance(repeat, bool) or not (0 <= repeat_rate < 1):
        raise CalculatorError(f"{label}: repeat_rate: expected a share from 0 up to 1")
    users = raw.get("users")
    for name in ("model", "current_model"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise CalculatorError(f"{label}: {name}: expected a model id")
    return WorkloadSpec(
        name=raw["name"],
        requests_per_day=count("requests_per_day", raw["requests_per_day"], 1),
        latency=latency,
        parts=PromptParts(**parts),
        output_tokens=count("output", raw["output"]),
        task=task,
        tier=tier,
        model=raw.get("model"),
        current_model=raw.get("current_model"),
        repeat_rate=repeat_rate,
        users=count("users", users, 1) if users is not None else None,
    )
