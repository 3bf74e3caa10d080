"""A chart on a calculation card carries the figures it draws as a table for screen readers, and
hides the picture itself from them (issue 19: a chart is no text alternative on its own)."""

from decimal import Decimal

from labs.charts import bar_chart, column_chart


def test_a_bar_chart_comes_with_the_table_it_draws():
    html = bar_chart(
        "Cost per month by model",
        [("Sonnet 5.5", Decimal("120.50"), "$120.50"), ("Haiku 5.5", Decimal("40"), "$40.00")],
    )
    svg, table = html.split("</svg>")
    assert 'aria-hidden="true"' in svg
    assert '<div class="visually-hidden"><table class="chart-data">' in table
    assert "<caption>Chart: Cost per month by model</caption>" in table
    assert '<th scope="row">Sonnet 5.5</th><td>$120.50</td>' in table
    assert '<th scope="row">Haiku 5.5</th><td>$40.00</td>' in table


def test_a_column_chart_lists_each_turn_of_each_series():
    html = column_chart(
        "Input tokens sent at each turn",
        [("Full replay", [1000, 2500]), ("Window", [1000])],
        "turn",
    )
    table = html.split("</svg>")[1]
    assert '<th scope="col">Full replay (tokens)</th><th scope="col">Window (tokens)</th>' in table
    assert '<th scope="row">1</th><td>1,000</td><td>1,000</td>' in table
    assert '<th scope="row">2</th><td>2,500</td><td></td>' in table


def test_a_label_is_escaped_in_the_table_too():
    html = bar_chart("Cost <b>", [("<script>x</script>", Decimal(1), "$1.00")])
    assert "<script>" not in html and "&lt;script&gt;" in html.split("</svg>")[1]
