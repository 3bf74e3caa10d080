"""A what-if: one workload before and after a change, and the difference, per request, day,
30-day month and 365-day year. A change that raises the cost says so: the difference is signed
(after minus before) and `direction` is "more", "less" or "same", so no caller can offer a dearer
step as a saving."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .costs import Workload, WorkloadCost, cost_of_workload
from .pricing import Model

PERIODS = ("per_request_usd", "per_day_usd", "per_month_usd", "per_year_usd")


@dataclass(frozen=True)
class WorkloadChange:
    before: WorkloadCost
    after: WorkloadCost
    changed: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        before, after = self.before.as_dict(), self.after.as_dict()
        difference = {f"difference_{k}": after[k] - before[k] for k in PERIODS}
        base = before["per_month_usd"]
        delta = difference["difference_per_month_usd"]
        direction = "more" if delta > 0 else "less" if delta < 0 else "same"
        notes = [n for n in before["warnings"] + after["warnings"]]
        return {
            "command": "change",
            "changed": list(self.changed),
            "before": before,
            "after": after,
            **difference,
            "change_pct": (delta / base * 100) if base else Decimal(0),
            "direction": direction,
            "assumptions": [
                "The difference is after minus before: positive costs more, negative saves.",
                *[a for a in after["assumptions"] if a not in before["assumptions"]],
                *before["assumptions"],
            ],
            "warnings": list(dict.fromkeys(notes)),
        }


def change_workload(
    model: Model, workload: Workload, new_model: Model, new_workload: Workload,
    changed: tuple[str, ...],
) -> WorkloadChange:  # fmt: skip
    return WorkloadChange(
        cost_of_workload(model, workload), cost_of_workload(new_model, new_workload), changed
    )
