"""The course's shared cost calculator: price table, exact cost math and scenario engines.

Pure Python (no Django). Money is `decimal.Decimal`, rounded only for display. Entry points:

- `load_price_table()` / `PriceTable.from_data()` and `PriceTable.get(name)`: the price table;
  `PriceTable.on(date)` reads each model's status on a date (`Model.status_on`), and
  `todays_price_table()` is the edges' default, the one clock read.
- `cost_of_call`, `cost_of_api_usage`: one request from its usage record.
- `cost_of_workload`, `compare_models`, `batch_savings`, `stack_savings`: workloads.
- `plan_cache`, `plan_breakpoints`, `break_even_hits`: prompt caching.
- `route_traffic`, `conversation_history`, `estimate_tokens`, `audit_prompt`, `plan_architecture`.
- `cli.run_command(argv)` and `tools.call_tool(name, input)`: the JSON answers the course shows.
"""

from __future__ import annotations

from .calls import CallCost, Usage, cost_of_api_usage, cost_of_call
from .errors import CalculatorError, PriceTableError, UnknownModel
from .pricing import Model, PriceBand, Prices, PriceTable, load_price_table, todays_price_table

__all__ = [
    "CalculatorError",
    "CallCost",
    "Model",
    "PriceBand",
    "PriceTable",
    "PriceTableError",
    "Prices",
    "UnknownModel",
    "Usage",
    "cost_of_api_usage",
    "cost_of_call",
    "load_price_table",
    "todays_price_table",
]
