"""Calculation cards: a calculator answer shown as a person reads it.

One presentation for every place a calculation appears: lesson `calc` blocks, and the cards
under lab replies (offline tutor and Claude alike). Each card says what was computed, the inputs,
the key results in a table, a chart where a picture says it better, and the assumptions.
"""

from decimal import Decimal
from html import escape
from typing import Any

from labs.calculator.formatting import format_pct, format_price, format_tokens, format_usd
from labs.charts import bar_chart, column_chart

TITLES = {
    "models": "Price table",
    "cost": "Cost of one call",
    "workload": "Workload cost",
    "compare": "Model comparison",
    "cache": "Prompt caching",
    "batch": "Batch API saving",
    "routing": "Tiered routing",
    "history": "Conversation history growth",
    "stack": "The combined savings stack",
    "audit": "Prompt audit",
    "plan": "Architecture plan",
    "change": "What-if: before and after",
}
# The fields each card puts in its results table, in order.
KEY_FIELDS = {
    "change": ["direction", "difference_per_request_usd", "difference_per_day_usd",
               "difference_per_month_usd", "difference_per_year_usd", "change_pct"],
    "cost": ["input_usd", "cache_write_5m_usd", "cache_write_1h_usd", "cache_read_usd",
             "output_usd", "total_usd"],
    "workload": ["prompt_tokens", "output_tokens", "per_request_usd", "per_day_usd",
                 "per_month_usd", "per_year_usd"],
    "cache": ["eligible", "min_cacheable_tokens", "writes", "reads", "hit_rate_pct",
              "without_cache_usd", "with_cache_usd", "saving_usd", "saving_pct",
              "break_even_hits"],
    "batch": ["standard_usd", "batch_usd", "saving_usd", "saving_pct"],
    "compare": ["prompt_tokens", "output_tokens"],
    "routing": ["baseline_usd", "classifier_usd", "routed_usd", "saving_usd", "saving_pct"],
    "history": ["cumulative_tokens", "cumulative_vs_one_turn", "window_cumulative_tokens",
                "window_saving_tokens", "window_saving_pct"],
    "stack": ["before_monthly_usd", "after_monthly_usd", "total_reduction_usd",
              "total_reduction_pct"],
    "audit": ["tokens_estimate", "rewrite_tokens_estimate", "tokens_saved", "saving_usd"],
}  # fmt: skip
LABELS = {
    "input_usd": "Input", "output_usd": "Output", "cache_write_5m_usd": "Cache writes (5 min)",
    "cache_write_1h_usd": "Cache writes (1 hour)", "cache_read_usd": "Cache reads",
    "total_usd": "Total", "per_request_usd": "Per request", "per_day_usd": "Per day",
    "per_month_usd": "Per month (30 days)", "per_year_usd": "Per year (365 days)",
    "prompt_tokens": "Prompt tokens per request", "output_tokens": "Output tokens per request",
    "without_cache_usd": "Without caching", "with_cache_usd": "With caching",
    "saving_usd": "Saving", "saving_pct": "Saving", "hit_rate_pct": "Hit rate",
    "min_cacheable_tokens": "Minimum cacheable prefix", "eligible": "Prefix long enough to cache",
    "break_even_hits": "Hits needed to break even", "standard_usd": "Standard, per month",
    "batch_usd": "Batch, per month", "baseline_usd": "Single model", "routed_usd": "Routed",
    "classifier_usd": "Classifier calls", "cumulative_tokens": "Input tokens over all turns",
    "cumulative_vs_one_turn": "Times one turn",
    "window_cumulative_tokens": "With a window and summary",
    "window_saving_tokens": "Tokens the window saves", "window_saving_pct": "Window saving",
    "before_monthly_usd": "Before, per month", "after_monthly_usd": "After, per month",
    "total_reduction_usd": "Total reduction", "total_reduction_pct": "Total reduction",
    "tokens_estimate": "Prompt tokens (estimate)", "rewrite_tokens_estimate": "Rewrite (estimate)",
    "tokens_saved": "Tokens saved per request",
}  # fmt: skip
INPUT_SKIP = {"command", "display_name", "assumptions", "warnings", "json"}


def format_money(value: Decimal) -> str:
    """Money on a card or in a living number: the calculator's one rule (`format_usd`), so a
    card never shows "$0.004000" beside a lesson's "$0.02"."""
    return format_usd(value)


def format_value(field: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.endswith("_per_mtok_usd"):
        return format_price(Decimal(str(value)))
    if field.endswith("_usd"):
        return format_money(Decimal(str(value)))
    if field.endswith("_pct"):
        return format_pct(Decimal(str(value)))
    if isinstance(value, int):
        return format_tokens(value)
    if isinstance(value, list):
        return ", ".join(format_value(field, v) for v in value)
    return str(value)


def label(field: str) -> str:
    if field in LABELS:
        return LABELS[field]
    words = field.removesuffix("_usd").removesuffix("_pct").replace("_", " ")
    return words[:1].upper() + words[1:]


def _num(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float | Decimal) or field.endswith(("_usd", "_pct"))


def _pairs_table(pairs: list[tuple[str, Any]], css: str = "results") -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(label(k))}</th>'
        f"<td{' class=num' if _num(k, v) else ''}>{escape(format_value(k, v))}</td></tr>"
        for k, v in pairs
    )
    return f'<div class="table-wrap"><table class="{css}"><tbody>{rows}</tbody></table></div>'


def _td(key: str, value: Any) -> str:
    cls = " class=num" if _num(key, value) else ""
    return f"<td{cls}>{escape(format_value(key, value))}</td>"


def _rows_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    head = "".join(
        f"<th{' class=num' if k.endswith(('_usd', '_pct', 'tokens')) else ''}>{escape(t)}</th>"
        for k, t in columns
    )
    body = "".join(
        "<tr>" + "".join(
            _td(k, row.get(k)) for k, _ in columns
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _price_table(output: dict) -> str:
    columns = [
        ("display_name", "Model"), ("status", "Status"), ("input_per_mtok_usd", "Input"),
        ("output_per_mtok_usd", "Output"), ("cache_write_5m_per_mtok_usd", "5-min write"),
        ("cache_write_1h_per_mtok_usd", "1-hour write"), ("cache_read_per_mtok_usd", "Cache read"),
        ("min_cacheable_tokens", "Min. cacheable"),
    ]  # fmt: skip
    rows = []
    for model in output.get("models", []):
        row = dict(model)
        if model.get("unconfirmed"):
            row["display_name"] = f"{model['display_name']} [unconfirmed]"
        if model.get("retired"):
            row["status"] = f"{model['status']} {model['retired']}"
        rows.append(row)
    note = f'<p class="small-print">{escape(output.get("unit", "USD per million tokens"))}.</p>'
    return _rows_table(rows, columns) + note


def _chart(command: str, output: dict) -> str:
    per = output.get("per", "")
    if command == "compare":
        field = f"per_{per}_usd" if per in ("day", "month") else "per_month_usd"
        items = [
            (
                r.get("display_name") or r["model"],
                Decimal(r[field]),
                format_money(Decimal(r[field])),
            )
            for r in output.get("results", [])
        ]
        return bar_chart(f"Cost per {per or 'month'} by model", items)
    if command == "cache":
        items = [
            ("Without caching", Decimal(output["without_cache_usd"]),
             format_money(Decimal(output["without_cache_usd"]))),
            ("With caching", Decimal(output["with_cache_usd"]),
             format_money(Decimal(output["with_cache_usd"]))),
        ]  # fmt: skip
        return bar_chart(f"Cached-prefix cost per {per}", items, highlight_last=True)
    if command == "batch":
        items = [
            (
                "Standard",
                Decimal(output["standard_usd"]),
                format_money(Decimal(output["standard_usd"])),
            ),
            ("Batch", Decimal(output["batch_usd"]), format_money(Decimal(output["batch_usd"]))),
        ]
        return bar_chart("Cost per month", items, highlight_last=True)
    if command == "routing":
        items = [
            (
                "Single model",
                Decimal(output["baseline_usd"]),
                format_money(Decimal(output["baseline_usd"])),
            ),
            ("Routed", Decimal(output["routed_usd"]), format_money(Decimal(output["routed_usd"]))),
        ]
        return bar_chart(f"Cost per {per}", items, highlight_last=True)
    if command == "stack":
        items = [
            (s.get("description") or s["step"], Decimal(s["monthly_usd"]),
             format_money(Decimal(s["monthly_usd"])))
            for s in output.get("steps", [])
        ]  # fmt: skip
        return bar_chart("Monthly cost after each step", items, highlight_last=True)
    if command == "history" and output.get("per_turn"):
        series = [("Full replay", output["per_turn"])]
        if output.get("window_per_turn"):
            series.append(("Window + summary", output["window_per_turn"]))
        return column_chart("Input tokens sent at each turn", series, "turn")
    return ""


def _lists(command: str, output: dict) -> str:
    if command == "compare":
        per = output.get("per", "month")
        return _rows_table(output.get("results", []), [
            ("display_name", "Model"), ("per_request_usd", "Per request"),
            (f"per_{per}_usd", f"Per {per}"), ("per_month_usd", "Per month"),
            ("saving_vs_first_usd", f"Saving vs first, per {per}"),
            ("saving_vs_first_pct", "Saving"),
        ])  # fmt: skip
    if command == "stack":
        return _rows_table(output.get("steps", []), [
            ("description", "Step"), ("monthly_usd", "Monthly cost"),
            ("saving_usd", "Saving"), ("share_pct", "Share of reduction"),
        ])  # fmt: skip
    if command == "routing":
        return _rows_table(output.get("tiers", []), [
            ("tier", "Tier"), ("model", "Model"), ("share_pct", "Share"), ("cost_usd", "Cost"),
        ])  # fmt: skip
    if command == "audit":
        findings = "".join(
            f"<li><strong>{escape(f.get('kind', '').replace('_', ' '))}</strong>: "
            f"{escape(f.get('message', ''))}</li>"
            for f in output.get("findings", [])
        )
        rewrite = output.get("rewrite")
        return (f'<ul class="findings">{findings}</ul>' if findings else "") + (
            "<details><summary>Trimmed rewrite</summary>"
            f'<pre class="rewrite">{escape(rewrite)}</pre></details>'
            if rewrite else ""
        )  # fmt: skip
    if command == "plan":
        parts = []
        for w in output.get("workloads", []):
            pairs = [(k, v) for k, v in w.items() if not isinstance(v, list | dict)]
            parts.append(f"<h4>{escape(str(w.get('name', 'Workload')))}</h4>" + _pairs_table(pairs))
            for key, value in w.items():
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    cols = [(k, label(k)) for k in value[0]]
                    parts.append(_rows_table(value, cols))
                elif isinstance(value, list) and value:
                    parts.append(
                        f"<p><strong>{escape(label(key))}:</strong> "
                        f"{escape(', '.join(str(v) for v in value))}</p>"
                    )
        return "".join(parts)
    return ""


def render_card(output: dict, tool_input: dict | None = None, *, caption: str = "") -> str:
    """HTML for one calculator answer. `tool_input` (a lab tool call's input) is listed when
    given; a lesson block shows its command line as `caption` instead."""
    command = str(output.get("command", ""))
    title = TITLES.get(command, "Calculation")
    parts = [f'<figure class="calc-card calc-{escape(command)}">']
    parts.append(f'<figcaption><span class="calc-title">{escape(title)}</span>')
    if output.get("display_name"):
        parts.append(f" · {escape(str(output['display_name']))}")
    parts.append("</figcaption>")
    if tool_input:
        shown = [
            (k, v) for k, v in tool_input.items() if k not in INPUT_SKIP and v not in (None, "")
        ]
        items = "".join(
            f"<li><span>{escape(label(k))}</span> {escape(format_value(k, v))}</li>"
            for k, v in shown
        )
        parts.append(f'<ul class="calc-inputs" aria-label="Inputs">{items}</ul>')
    if command == "models":
        parts.append(_price_table(output))
    else:
        keys = KEY_FIELDS.get(command)
        if keys is None:
            keys = [
                k
                for k, v in output.items()
                if k not in INPUT_SKIP and not isinstance(v, list | dict)
            ]
        pairs = [(k, output[k]) for k in keys if k in output and output[k] is not None]
        if pairs:
            parts.append(_pairs_table(pairs))
        parts.append(_chart(command, output))
        parts.append(_lists(command, output))
    notes = [*output.get("assumptions", []), *output.get("warnings", [])]
    if notes:
        parts.append(
            '<ul class="small-print">'
            + "".join(f"<li>{escape(str(n))}</li>" for n in notes)
            + "</ul>"
        )
    if caption:
        parts.append(
            '<p class="small-print">Computed by the course calculator: '
            f"<code>{escape(caption)}</code></p>"
        )
    parts.append("</figure>")
    return "".join(parts)


def render_error_card(tool: str, tool_input: dict, message: str) -> str:
    return (
        f'<figure class="calc-card calc-error"><figcaption><span class="calc-title">'
        f"{escape(tool)}</span> could not be computed</figcaption>"
        f'<p class="error">{escape(message)}</p></figure>'
    )
