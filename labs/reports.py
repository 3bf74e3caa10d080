"""What the course's own Claude calls cost: aggregated in the database, a fixed query count."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from labs.models import ApiCall

TOTALS = {
    "cost": Sum("cost_usd"),
    "uncached": Sum("uncached_cost_usd"),
    "calls": Count("id"),
    "input": Sum("input_tokens"),
    "writes": Sum(F("cache_write_5m_tokens") + F("cache_write_1h_tokens")),
    "reads": Sum("cache_read_tokens"),
    "output": Sum("output_tokens"),
}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    cost = row.get("cost") or Decimal(0)
    uncached = row.get("uncached") or Decimal(0)
    prompt = (row.get("input") or 0) + (row.get("writes") or 0) + (row.get("reads") or 0)
    return {
        **row,
        "cost": cost,
        "saved": max(uncached - cost, Decimal(0)),
        "hit_rate": round(100 * (row.get("reads") or 0) / prompt, 1) if prompt else None,
    }


def spend_report(days: int = 30) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=days)
    calls = ApiCall.objects.filter(created_at__gte=since)
    return {
        "days": days,
        "total": _finish(calls.aggregate(**TOTALS)),
        "by_day": [
            _finish(r)
            for r in calls.annotate(day=TruncDate("created_at"))
            .values("day").annotate(**TOTALS).order_by("-day")
        ],
        "by_lab": [
            _finish(r)
            for r in calls.values("lab__title").annotate(**TOTALS).order_by("-cost")
        ],
        "by_learner": [
            _finish(r)
            for r in calls.values("user__username").annotate(**TOTALS).order_by("-cost")[:20]
        ],
        "by_purpose": [
            _finish(r) for r in calls.values("purpose").annotate(**TOTALS).order_by("-cost")
        ],
        "costliest": list(
            calls.filter(message__isnull=False)
            .values("message__conversation", "message__conversation__title",
                    "user__username", "lab__title")
            .annotate(cost=Sum("cost_usd"), calls=Count("id"))
            .order_by("-cost")[:10]
        ),
    }  # fmt: skip
