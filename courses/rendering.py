"""Markdown to sanitized HTML, once, at content sync or on save.

Lesson, quiz and lab text is Python-Markdown with tables, fenced code (Pygments), heading anchors
and callouts, plus the course's *living numbers*: shortcodes that the calculator fills in, so a
price change in the table changes every lesson (see content/README.md):

    {{ price MODEL FIELD }}             a price per million tokens
    {{ model MODEL FIELD }}             another field of a model's entry; `status` and
                                        `retirement` ("retires on" / "retired on" a date)
                                        follow the date the table is read on; the ratios
                                        the prices imply are fields too (RATIO_FIELDS)
    {{ calc COMMAND ARGS... | FIELD }}  one field of a calculator command's JSON answer
    ```calc                             a whole answer as a table
    COMMAND ARGS...
    ```

Calculations go through `labs.calculator.command_line.run_command_line`, the typed entry point that
Claude's tools use too: only a command's own options, each bounded; nothing can read a file or
stdin (`audit --file` is the terminal's alone).

Everything that comes out goes through nh3, so even an instructor's raw HTML cannot run script.
"""

import re
import secrets
from decimal import Decimal
from html import escape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from labs.calculator import Model, PriceTable, todays_price_table
from labs.calculator.command_line import run_command_line
from labs.calculator.errors import CalculatorError
from labs.calculator.formatting import format_price
from labs.cards import format_value, render_card

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
# Model and learner text gets no class, id, title or image: a reply could otherwise dress a
# paragraph as a site banner or a button, clash with an element the page addresses by id
# (`#cost-meter`, which htmx swaps), or show a picture of the site's own UI.
UNTRUSTED_TAGS = ALLOWED_TAGS - {"img"}
UNTRUSTED_ATTRIBUTES = {
    "*": set(),  # an empty set replaces nh3's default generic attributes (lang, title)
    "a": {"href"},
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


def retirement_phrase(model: Model) -> str:
    """'retires on 2026-11-30' before the date, 'retired on 2026-11-30' from it on (on the date
    the table is read on), so a sentence about a retirement stays true as the calendar passes."""
    if model.retired is None:
        if model.status == "retired":
            return "retired (the date is not in the price table)"
        raise LivingNumberError(
            f"model {model.id!r} has no retirement date in the price table: write its status "
            "with {{ model MODEL status }} instead"
        )
    verb = "retired" if model.status == "retired" else "retires"
    return f"{verb} on {model.retired.isoformat()}"


# Ratios a lesson would otherwise write by hand ("writes cost 1.25x", "reads at a tenth", "half
# price in a batch"): computed from the model's own prices, so they move when a price does. Each
# is (numerator price, subtract from 1 / subtract 1 / as is) against the model's input price.
RATIO_FIELDS = {
    "output_multiplier": ("output", "as is"),
    "cache_write_5m_multiplier": ("cache_write_5m", "as is"),
    "cache_write_1h_multiplier": ("cache_write_1h", "as is"),
    "cache_read_multiplier": ("cache_read", "as is"),
    "cache_write_5m_premium": ("cache_write_5m", "minus one"),
    "cache_write_1h_premium": ("cache_write_1h", "minus one"),
    "cache_read_saving": ("cache_read", "one minus"),
}


def format_multiplier(ratio: Decimal) -> str:
    """1.25 -> "1.25x", 2 -> "2x", 0.050 -> "0.05x"."""
    text = f"{ratio.normalize():f}"
    return f"{text}x"


def _ratio_field(model: Model, field: str) -> str:
    price_name, kind = RATIO_FIELDS[field]
    base = model.prices.input
    if not base:
        raise LivingNumberError(f"model {model.id!r} has no input price to compare with")
    ratio = getattr(model.prices, price_name) / base
    if kind == "minus one":
        ratio -= 1
    elif kind == "one minus":
        ratio = 1 - ratio
    return format_multiplier(ratio)


def _model_field(table: PriceTable, name: str, field: str) -> object:
    model = table.get(name)
    if field in RATIO_FIELDS:
        return _ratio_field(model, field)
    if field == "batch_saving_pct":
        # What the Message Batches API takes off every line: 1 - the table's batch multiplier.
        return (1 - Decimal(str(model.batch_discount))) * 100
    # The status and the retirement follow the date the table is read on, never the status
    # the file states: what is true of a model changes with the calendar (see PriceTable.on).
    if field == "status":
        return model.status
    if field == "retires":
        return model.retired.isoformat() if model.retired else None
    if field == "retirement":
        return retirement_phrase(model)
    entry = model.to_data()
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
                return format_price(Decimal(str(value))), f"{name} {field} price per million tokens"
            return format_value(field, value), f"{name} {field}"
        command, bar, path = rest.partition("|")
        if not bar or not path.strip():
            raise LivingNumberError(
                f"{{{{ {shortcode} }}}}: write {{{{ calc COMMAND ARGS | FIELD }}}}"
            )
        answer = run_command_line(command, table)
        field = path.strip()
        return format_value(
            field.rsplit(".", 1)[-1], _dig(answer, field, shortcode)
        ), command.strip()
    except (CalculatorError, ArithmeticError) as exc:
        raise LivingNumberError(f"{{{{ {shortcode} }}}}: {exc}") from exc


def render_calc_block(command: str, table: PriceTable) -> str:
    """A whole calculator answer as a card (trusted HTML: built from numbers, all escaped)."""
    try:
        answer = run_command_line(command, table)
    except (CalculatorError, ArithmeticError) as exc:
        raise LivingNumberError(f"calc block {command!r}: {exc}") from exc
    return render_card(answer, caption=command)


class _LivingNumbers(Preprocessor):
    def __init__(self, md: markdown.Markdown, table: PriceTable, slots: dict[str, str]) -> None:
        super().__init__(md)
        self.table = table
        self.slots = slots

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)

        def block(match: re.Match) -> str:
            # Cards carry SVG, which the sanitizer would strip: they are our own escaped HTML,
            # so they wait in a slot and go in after sanitizing.
            token = f"calcslot{secrets.token_hex(8)}x"
            self.slots[token] = render_calc_block(match["body"].strip(), self.table)
            return f"\n\n{token}\n\n"

        text = CALC_FENCE.sub(block, text)

        def inline(match: re.Match) -> str:
            shown, source = evaluate_shortcode(match[1].strip(), self.table)
            html = f'<span class="living-number" title="{escape(source)}">{escape(shown)}</span>'
            return self.md.htmlStash.store(html)

        return SHORTCODE.sub(inline, text).split("\n")


class LivingNumbersExtension(Extension):
    def __init__(self, table: PriceTable) -> None:
        super().__init__()
        self.table = table
        self.slots: dict[str, str] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Before fenced_code (25) so ```calc blocks are ours, not code.
        md.preprocessors.register(_LivingNumbers(md, self.table, self.slots), "living_numbers", 30)


def render_markdown(text: str, *, table: PriceTable | None = None) -> str:
    """Markdown with living numbers to sanitized HTML. Raises LivingNumberError."""
    living = LivingNumbersExtension(table or todays_price_table())
    md = markdown.Markdown(
        extensions=[
            living,
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
    html = sanitize_html(md.convert(text))
    for token, card in living.slots.items():
        html = html.replace(f"<p>{token}</p>", card).replace(token, card)
    return html


def render_untrusted_markdown(text: str) -> str:
    """Model or learner text: Markdown without living numbers, then sanitized."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return nh3.clean(
        md.convert(text),
        tags=UNTRUSTED_TAGS,
        attributes=UNTRUSTED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
