"""Small server-rendered SVG charts for calculation cards: no script, no CDN, CSP-safe.

Values arrive as Decimals; they are turned into pixel lengths here and nowhere else. Each chart
comes with the table it draws, visually hidden: a screen reader reads the figures row by row
instead of a picture it cannot see (issue 19), and the SVG itself is hidden from it.
"""

from decimal import Decimal
from html import escape

WIDTH = 560
LABEL_W = 190
VALUE_W = 110
BAR_H = 22
GAP = 8


def bar_chart(
    title: str, items: list[tuple[str, Decimal, str]], *, highlight_last: bool = False
) -> str:
    """Horizontal bars. `items` are (label, value, value as shown)."""
    if not items:
        return ""
    top = max((value for _, value, _ in items), default=Decimal(0))
    span = WIDTH - LABEL_W - VALUE_W
    height = len(items) * (BAR_H + GAP) + GAP
    rows = []
    for i, (label, value, shown) in enumerate(items):
        y = GAP + i * (BAR_H + GAP)
        length = int(span * value / top) if top > 0 and value > 0 else 0
        cls = "bar bar-accent" if highlight_last and i == len(items) - 1 else "bar"
        rows.append(
            f'<text class="chart-label" x="{LABEL_W - 8}" y="{y + BAR_H - 6}" text-anchor="end">'
            f"{escape(_clip(label))}</text>"
            f'<rect class="{cls}" x="{LABEL_W}" y="{y}" width="{max(length, 2)}" '
            f'height="{BAR_H}" rx="3"/>'
            f'<text class="chart-value" x="{LABEL_W + max(length, 2) + 6}" y="{y + BAR_H - 6}">'
            f"{escape(shown)}</text>"
        )
    table = _data_table(title, ["Item", "Amount"], [[label, shown] for label, _, shown in items])
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" aria-hidden="true" focusable="false">'
        f"{''.join(rows)}</svg>{table}"
    )


def column_chart(title: str, series: list[tuple[str, list[int]]], x_label: str) -> str:
    """Vertical columns per x position, one colour per series (e.g. tokens sent per turn)."""
    points = max((len(values) for _, values in series), default=0)
    if not points:
        return ""
    top = max((max(values) for _, values in series if values), default=0) or 1
    plot_h, left, bottom = 150, 48, 28
    step = (WIDTH - left - 10) / points
    bar_w = max(2.0, step / (len(series) + 0.6))
    parts = []
    for s, (_name, values) in enumerate(series):
        for i, value in enumerate(values):
            h = plot_h * value / top
            x = left + i * step + s * bar_w
            parts.append(
                f'<rect class="bar series-{s}" x="{x:.1f}" y="{10 + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{max(h, 1):.1f}"><title>{escape(_name)}, '
                f"{x_label} {i + 1}: {value:,} tokens</title></rect>"
            )
    axis = (
        f'<text class="chart-label" x="{left - 6}" y="18" text-anchor="end">{top:,}</text>'
        f'<text class="chart-label" x="{left - 6}" y="{10 + plot_h}" text-anchor="end">0</text>'
        f'<text class="chart-label" x="{left}" y="{10 + plot_h + 20}">{x_label} 1</text>'
        f'<text class="chart-label" x="{WIDTH - 10}" y="{10 + plot_h + 20}" text-anchor="end">'
        f"{x_label} {points}</text>"
    )
    legend = "".join(
        f'<tspan class="legend-{s}" dx="{12 if s else 0}">■ {escape(name)}</tspan>'
        for s, (name, _) in enumerate(series)
    )
    header = [x_label.capitalize()] + [f"{name} (tokens)" for name, _ in series]
    body = [
        [str(i + 1)] + [f"{values[i]:,}" if i < len(values) else "" for _, values in series]
        for i in range(points)
    ]
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {plot_h + bottom + 30}" aria-hidden="true" '
        f'focusable="false">{"".join(parts)}{axis}'
        f'<text class="chart-label" x="{left}" y="{plot_h + bottom + 24}">{legend}</text></svg>'
        f"{_data_table(title, header, body)}"
    )


def _data_table(title: str, header: list[str], rows: list[list[str]]) -> str:
    """The chart's figures as a table that only assistive technology sees."""
    head = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in header)
    body = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    # The box is hidden, not the table: a table grows to its content whatever its width says,
    # so a hidden table alone still widened a phone's page (sideways scroll at 390 px).
    return (
        f'<div class="visually-hidden"><table class="chart-data">'
        f"<caption>Chart: {escape(title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
