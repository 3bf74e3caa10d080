"""Small server-rendered SVG charts for calculation cards: no script, no CDN, CSP-safe.

Values arrive as Decimals; they are turned into pixel lengths here and nowhere else.
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
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(rows)}</svg>'
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
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {plot_h + bottom + 30}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(parts)}{axis}'
        f'<text class="chart-label" x="{left}" y="{plot_h + bottom + 24}">{legend}</text></svg>'
    )


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
