"""Snapshots as text: what history diffs show, and the price table as `pricing.yaml`.

A snapshot is the dict an editor holds (see authoring/lessons.py, quizzes.py, labs.py and
pricing.py). As text it reads like the file in content/ it is exported to, so a diff between
two revisions reads like the `git diff` a reviewer sees after export_content.
"""

import json
import re
from typing import Any

import yaml

from courses.export import dump_yaml

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MODEL_FIELD_ORDER = (
    "id", "display_name", "aliases", "tier", "status", "released", "retired", "prices",
    "batch_discount", "min_cacheable_tokens", "bands", "unconfirmed", "note", "source",
    "price_date",
)  # fmt: skip
_DATE_FIELDS = {"released", "retired", "price_date"}
# Fields the hand-written file leaves unquoted when they are plain words.
_PLAIN_FIELDS = {"id", "display_name", "tier", "status", "aliases"}
_PLAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")


def lesson_text(data: dict) -> str:
    meta = {
        "title": data.get("title", ""),
        "minutes": data.get("minutes"),
        "guiding_question": data.get("guiding_question", ""),
        "objectives": data.get("objectives", []),
        "key_terms": data.get("key_terms", []),
    }
    return f"---\n{dump_yaml(meta)}---\n{data.get('body_markdown', '')}"


def quiz_text(data: dict) -> str:
    head: dict[str, Any] = {"title": data.get("title", "")}
    if data.get("pass_mark") is not None:
        head["pass_mark"] = data["pass_mark"]
    questions = []
    for question in data.get("questions", []):
        item: dict[str, Any] = {"key": question.get("key")}
        if question.get("lesson"):
            item["lesson"] = question["lesson"]
        item["stem"] = question.get("stem", "")
        item["options"] = []
        for option in question.get("options", []):
            shown: dict[str, Any] = {"text": option.get("text", "")}
            if option.get("correct"):
                shown["correct"] = True
            shown["feedback"] = option.get("feedback", "")
            item["options"].append(shown)
        questions.append(item)
    return dump_yaml({**head, "questions": questions})


def lab_text(data: dict) -> str:
    fields = ("title", "task", "try_asking", "greeting", "system_prompt")
    return dump_yaml({name: data.get(name, "") for name in fields})


def snapshot_text(kind: str, data: dict) -> str:
    from authoring.models import Kind

    if kind == Kind.LESSON:
        return lesson_text(data)
    if kind == Kind.QUIZ:
        return quiz_text(data)
    if kind == Kind.LAB:
        return lab_text(data)
    if kind == Kind.CONCEPT:
        from authoring.concepts import concept_yaml  # it needs history, which needs this module

        return concept_yaml(data)
    return prices_yaml(data)


# --- the price table as pricing.yaml ----------------------------------------------------------


def _scalar(name: str, value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if name in _DATE_FIELDS and isinstance(value, str) and _DATE_RE.match(value):
        return value  # unquoted: YAML reads it as a date, as the hand-written file has it
    if name in _PLAIN_FIELDS and _is_plain(str(value), flow=name == "aliases"):
        return str(value)
    # A JSON string is a valid YAML double-quoted scalar; prices stay quoted strings.
    return json.dumps(str(value), ensure_ascii=False)


def _is_plain(text: str, *, flow: bool) -> bool:
    if not _PLAIN_RE.match(text) or (flow and " " in text):
        return False
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def _prices(prices: dict) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(k, v)}" for k, v in prices.items()) + "}"


def comments_by_model(old_text: str) -> tuple[list[str], dict[str, list[str]]]:
    """The comment lines of an existing pricing.yaml: its header, and the lines just above each
    model's entry, so a rewritten file keeps them."""
    lines = old_text.splitlines()
    header = []
    for line in lines:
        if line.startswith("#") or not line.strip():
            header.append(line)
        else:
            break
    above: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        match = re.match(r"^\s*- id:\s*(\S+)", line)
        if not match:
            continue
        block: list[str] = []
        j = i - 1
        while j >= len(header) and (lines[j].strip().startswith("#") or not lines[j].strip()):
            if lines[j].strip():
                block.insert(0, lines[j])
            j -= 1
        above[match[1].strip("\"'")] = block
    return header, above


def prices_yaml(data: dict, old_text: str = "") -> str:
    """The price table in pricing.yaml's layout (one block per model, prices inline)."""
    header, above = comments_by_model(old_text) if old_text else ([], {})
    out = [line for line in header]
    while out and not out[-1].strip():
        out.pop()
    out += [f"version: {data.get('version', 1)}", "models:"]
    for i, model in enumerate(data.get("models", [])):
        if i:
            out.append("")
        out += above.get(model.get("id", ""), [])
        first = True
        for name in _MODEL_FIELD_ORDER:
            if name not in model or (name == "bands" and not model[name]):
                continue
            value = model[name]
            lead = "  - " if first else "    "
            first = False
            if name == "prices":
                out.append(f"{lead}prices: {_prices(value)}")
            elif name == "aliases":
                out.append(f"{lead}aliases: [{', '.join(_scalar(name, a) for a in value)}]")
            elif name == "bands":
                out.append(f"{lead}bands:")
                for band in value:
                    out.append(f"      - above_prompt_tokens: {band['above_prompt_tokens']}")
                    out.append(f"        prices: {_prices(band['prices'])}")
                    if band.get("note"):
                        out.append(f"        note: {_scalar('note', band['note'])}")
            else:
                out.append(f"{lead}{name}: {_scalar(name, value)}")
    return "\n".join(out) + "\n"
