"""Markdown to sanitized HTML, once, at content sync or on save.

Lesson, quiz and lab text is Python-Markdown with tables, fenced code (Pygments), heading anchors
and callouts, plus the course's *living numbers*: shortcodes that the calculator fills in, so a
price change in the table changes every lesson (see content/README.md):

    {{ price MODEL FIELD }}             a price per million tokens
    {{ model MODEL FIELD }}             another field of a model's entry
    {{ calc COMMAND ARGS... | FIELD }}  one field of a calculator command's JSON answer
    ```calc                             a whole answer as a table
    COMMAND ARGS...
    ```

Everything that comes out goes through nh3, so even an instructor's raw HTML cannot run script.
"""

import re
import shlex
from decimal import Decimal
from html import escape

import markdown
import nh3
from labs.calculator.cli import run_command
from labs.calculator.formatting import format_pct, format_tokens, format_usd
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from labs.calculator import PriceTable, load_price_table
from labs.calculator.errors import CalculatorError

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}

SHORTCODE = re.compile(r"\{\{\s*((?:price|model|calc)\b[^{}]*?)\s*\}\}")
CALC_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})\s*calc\s*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S
)


class LivingNumberError(ValueError):
    """A shortcode that cannot be computed; the message says which and why."""


def format_value(field: str, value: object) -> str:
    """Show a calculator value the way the course shows figures."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.endswith("_usd"):
        return format_usd(Decimal(str(value)))
    if field.endswith("_pct"):
        return format_pct(Decimal(str(value)))
    if isinstance(value, int):
        return format_tokens(value)
    if value is None:
        return "—"
    return str(value)


def _dig(data: object, path: str, shortcode: str) -> object:
    current = data
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            raise LivingNumberError(f"{{{{ {shortcode} }}}}: the answer has no field {path!r}")
    return current


def _model_field(table: PriceTable, name: str, field: str) -> object:
    entry = table.get(name).to_data()
    if field in entry.get("prices", {}):
        return entry["prices"][field]
    if field in entry:
        return entry[field]
    raise LivingNumberError(f"model {name!r} has no field {field!r}")


def evaluate_shortcode(shortcode: str, table: PriceTable) -> tuple[str, str]:
    """Return (text to show, the calculation it came from) for one `{{ ... }}` shortcode."""
    kind, _, rest = shortcode.partition(" ")
    try:
        if kind in ("price", "model"):
            parts = rest.split()
            if len(parts) != 2:
                raise LivingNumberError(
                    f"{{{{ {shortcode} }}}}: write {{{{ {kind} MODEL FIELD }}}}"
                )
            name, field = parts
            value = _model_field(table, name, field)
            if kind == "price":
                if field not in (
                    "input",
                    "output",
                    "cache_write_5m",
                    "cache_write_1h",
                    "cache_read",
                ):
                    raise LivingNumberError(f"{{{{ {shortcode} }}}}: {field!r} is not a price")
                return format_usd(Decimal(str(value))), f"{name} {field} price per million tokens"
            return format_value(field, value), f"{name} {field}"
        command, bar, path = rest.partition("|")
        if not bar or not path.strip():
            raise LivingNumberError(
                f"{{{{ {shortcode} }}}}: write {{{{ calc COMMAND ARGS | FIELD }}}}"
            )
        answer = run_command([*shlex.split(command), "--json"], table=table)
        field = path.strip()
        return format_value(
            field.rsplit(".", 1)[-1], _dig(answer, field, shortcode)
        ), command.strip()
    except CalculatorError as exc:
        raise LivingNumberError(f"{{{{ {shortcode} }}}}: {exc}") from exc


def _label(key: str) -> str:
    words = key.removesuffix("_usd").removesuffix("_pct").replace("_", " ")
    return words[:1].upper() + words[1:]


def _cell(key: str, value: object) -> str:
    numeric = isinstance(value, int | Decimal) or key.endswith(("_usd", "_pct"))
    cls = ' class="num"' if numeric else ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"<td{cls}>{escape(format_value(key, value))}</td>"


def _table(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [k for k, v in row.items() if k not in columns and not isinstance(v, dict)]
    head = "".join(f"<th>{escape(_label(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(c, row.get(c)) for c in columns) + "</tr>" for row in rows
    )
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def render_calc_block(command: str, table: PriceTable) -> str:
    """A calculator answer as HTML: scalar fields as a two-column table, lists as tables."""
    try:
        answer = run_command([*shlex.split(command), "--json"], table=table)
    except CalculatorError as exc:
        raise LivingNumberError(f"calc block {command!r}: {exc}") from exc
    parts = [
        '<figure class="calc-block"><figcaption>Computed by the course calculator: '
        f"<code>{escape(command)}</code></figcaption>"
    ]
    scalars = [(k, v) for k, v in answer.items() if not isinstance(v, list | dict)]
    if scalars:
        rows = "".join(
            f'<tr><th scope="row">{escape(_label(k))}</th>{_cell(k, v)}</tr>' for k, v in scalars
        )
        parts.append(f'<div class="table-wrap"><table><tbody>{rows}</tbody></table></div>')
    for key, value in answer.items():
        if key == "assumptions":
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            parts.append(_table(value))
        elif isinstance(value, list) and value:
            parts.append(
                f"<p><strong>{escape(_label(key))}:</strong> "
                + escape(", ".join(format_value(key, v) for v in value))
                + "</p>"
            )
        elif isinstance(value, dict):
            parts.append(_table([value]))
    notes = answer.get("assumptions") or []
    if notes:
        parts.append(
            '<ul class="assumptions">'
            + "".join(f"<li>{escape(str(n))}</li>" for n in notes)
            + "</ul>"
        )
    parts.append("</figure>")
    return "".join(parts)


class _LivingNumbers(Preprocessor):
    def __init__(self, md: markdown.Markdown, table: PriceTable) -> None:
        super().__init__(md)
        self.table = table

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        text = CALC_FENCE.sub(
            lambda m: (
                "\n\n"
                + self.md.htmlStash.store(render_calc_block(m["body"].strip(), self.table))
                + "\n\n"
            ),
            text,
        )

        def inline(match: re.Match) -> str:
            shown, source = evaluate_shortcode(match[1].strip(), self.table)
            html = f'<span class="living-number" title="{escape(source)}">{escape(shown)}</span>'
            return self.md.htmlStash.store(html)

        return SHORTCODE.sub(inline, text).split("\n")


class LivingNumbersExtension(Extension):
    def __init__(self, table: PriceTable) -> None:
        super().__init__()
        self.table = table

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Before fenced_code (25) so ```calc blocks are ours, not code.
        md.preprocessors.register(_LivingNumbers(md, self.table), "living_numbers", 30)


def render_markdown(text: str, *, table: PriceTable | None = None) -> str:
    """Markdown with living numbers to sanitized HTML. Raises LivingNumberError."""
    md = markdown.Markdown(
        extensions=[
            LivingNumbersExtension(table or load_price_table()),
            "tables",
            "fenced_code",
            "codehilite",
            "admonition",
            "def_list",
            "sane_lists",
            "toc",
        ],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False},
            "toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
                "toc_depth": "2-3",
            },
        },
        output_format="html",
    )
    return sanitize_html(md.convert(text))


def render_untrusted_markdown(text: str) -> str:
    """Model or learner text: Markdown without living numbers, then sanitized."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return sanitize_html(md.convert(text))


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
