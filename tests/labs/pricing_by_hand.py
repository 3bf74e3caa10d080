"""Figures worked by hand for the tutor tests: prices read straight from content/pricing.yaml
with Decimal (not through the calculator), so a test's expected figure never comes from the
code it checks."""

from decimal import Decimal
from pathlib import Path

import yaml

_PRICES = Path(__file__).resolve().parents[2] / "content" / "pricing.yaml"
MILLION = Decimal(1_000_000)


def prices(model_id: str) -> dict[str, Decimal]:
    """Base prices per million tokens of one model, as written in the price table."""
    data = yaml.safe_load(_PRICES.read_text())
    row = next(m for m in data["models"] if m["id"] == model_id)
    return {k: Decimal(v) for k, v in row["prices"].items()}


def band(model_id: str) -> tuple[int, dict[str, Decimal]]:
    """The first long-prompt band of a model: (prompt tokens above which it applies, prices)."""
    data = yaml.safe_load(_PRICES.read_text())
    row = next(m for m in data["models"] if m["id"] == model_id)
    first = row["bands"][0]
    return first["above_prompt_tokens"], {k: Decimal(v) for k, v in first["prices"].items()}


def per_request(model_id: str, prompt: int, output: int) -> Decimal:
    """One uncached real-time request, at the long-prompt band when the prompt is above it."""
    p = prices(model_id)
    data = yaml.safe_load(_PRICES.read_text())
    row = next(m for m in data["models"] if m["id"] == model_id)
    for b in row.get("bands") or []:
        if prompt > b["above_prompt_tokens"]:
            p = {k: Decimal(v) for k, v in b["prices"].items()}
    return (prompt * p["input"] + output * p["output"]) / MILLION


def dollars(value: Decimal) -> str:
    """Money as the replies show it: the amount is computed here, by hand; only its writing
    follows the course's one money rule (cents from a dollar up, up to four places below)."""
    from labs.calculator.formatting import format_usd

    return format_usd(value)
