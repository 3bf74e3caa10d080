"""The course's own Claude spend: logging each call with its cost, budgets, and the anomaly alert.

Every cost here comes from the calculator (`cost_of_api_usage`); nothing multiplies a token count
by a price in this module.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.db.models import Sum
from django.utils import timezone

from labs.calculator import (
    PriceTable,
    Usage,
    cost_of_api_usage,
    cost_of_call,
    load_price_table,
)
from labs.calculator.formatting import format_usd
from labs.models import ApiCall

log = logging.getLogger(__name__)


def _day_start() -> datetime:
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def _sum(**filters: Any) -> Decimal:
    return ApiCall.objects.filter(**filters).aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)


def learner_spend_today(user: Any) -> Decimal:
    return _sum(user=user, created_at__gte=_day_start())


def site_spend_today() -> Decimal:
    return _sum(created_at__gte=_day_start())


def budget_reason(user: Any) -> str:
    """Why Claude may not answer now because of a budget, or ""."""
    if user is not None and learner_spend_today(user) >= settings.LAB_DAILY_BUDGET_USD:
        return (
            f"You have used today's Claude budget for the labs (${settings.LAB_DAILY_BUDGET_USD}), "
            "so the offline tutor answers until midnight UTC."
        )
    if site_spend_today() >= settings.SITE_DAILY_BUDGET_USD:
        return (
            "The course has reached its daily Claude budget, so the offline tutor answers "
            "until midnight UTC."
        )
    return ""


@dataclass(frozen=True)
class EngineStatus:
    """Who answers the labs right now and why, with the budgets in force (for /labs/spend/)."""

    claude: bool  # False: the offline tutor answers every learner
    reason: str
    model: str
    learner_budget: Decimal
    site_budget: Decimal
    site_spent_today: Decimal
    learners_over_budget: int  # today: they get the offline tutor while Claude answers others


def engine_status() -> EngineStatus:
    from labs.conversation import offline_reason

    spent = site_spend_today()
    over = (
        ApiCall.objects.filter(created_at__gte=_day_start(), user__isnull=False)
        .values("user")
        .annotate(total=Sum("cost_usd"))
        .filter(total__gte=settings.LAB_DAILY_BUDGET_USD)
        .count()
    )
    # The same reasons, in the same order, as the check that decides each reply
    # (offline_reason), so this page cannot say Claude answers while the labs run offline.
    reason = offline_reason(None, budgets=False)
    claude = not reason and spent < settings.SITE_DAILY_BUDGET_USD
    if not reason and not claude:
        reason = (
            f"The site has spent ${spent:.2f} today, which reaches its daily Claude budget, so "
            "the offline tutor answers everyone until midnight UTC."
        )
    elif claude:
        reason = (
            f"An API key is configured and the site is under today's budget, so Claude "
            f"({settings.LAB_MODEL}) answers, except for learners past their own budget."
        )
    return EngineStatus(
        claude=claude,
        reason=reason,
        model=settings.LAB_MODEL,
        learner_budget=settings.LAB_DAILY_BUDGET_USD,
        site_budget=settings.SITE_DAILY_BUDGET_USD,
        site_spent_today=spent,
        learners_over_budget=over,
    )


def log_call(
    *, model: str, usage: dict[str, Any], purpose: str, user: Any = None, lab: Any = None,
    message: Any = None, request_id: str = "", table: PriceTable | None = None,
) -> ApiCall:  # fmt: skip
    """Store one API call with every usage field and its cost, then check for an anomaly."""
    priced = (table or load_price_table()).get(model)
    cost = cost_of_api_usage(priced, usage)
    u = cost.usage
    # What the same call would have cost with no caching: every prompt token at the input price.
    uncached = cost_of_call(
        priced, Usage(input_tokens=u.prompt_tokens, output_tokens=u.output_tokens)
    )
    call = ApiCall.objects.create(
        message=message, user=user, lab=lab, purpose=purpose, model=priced.id,
        input_tokens=u.input_tokens, cache_write_5m_tokens=u.cache_write_5m_tokens,
        cache_write_1h_tokens=u.cache_write_1h_tokens, cache_read_tokens=u.cache_read_tokens,
        output_tokens=u.output_tokens, cost_usd=cost.total_usd,
        uncached_cost_usd=uncached.total_usd, request_id=request_id[:120],
    )  # fmt: skip
    log.info(
        "claude call model=%s purpose=%s in=%s w5m=%s w1h=%s read=%s out=%s cost=%s",
        priced.id, purpose, u.input_tokens, u.cache_write_5m_tokens, u.cache_write_1h_tokens,
        u.cache_read_tokens, u.output_tokens, cost.total_usd,
    )  # fmt: skip
    check_anomaly()
    return call


def check_anomaly(now: datetime | None = None) -> bool:
    """Alert the admins (once per hour) when the last hour's spend is over three times the
    trailing hourly average of the 24 hours before it, and over LAB_ANOMALY_FLOOR_USD."""
    now = now or timezone.now()
    last_hour = _sum(created_at__gte=now - timedelta(hours=1), created_at__lte=now)
    if last_hour < settings.LAB_ANOMALY_FLOOR_USD:
        return False
    trailing = _sum(
        created_at__gte=now - timedelta(hours=25), created_at__lt=now - timedelta(hours=1)
    )
    average = trailing / 24
    if last_hour <= 3 * average:
        return False
    # cache.add is atomic: one alert per hour across every worker process.
    if not cache.add(f"labs:anomaly-alert:{now:%Y%m%d%H}", True, timeout=3600):
        return False
    text = (
        f"Claude spend in the last hour is {format_usd(last_hour)}, against a trailing hourly "
        f"average of {format_usd(average)} (24 hours before it). Check /labs/spend/ for the "
        "learners and labs behind it."
    )
    log.warning("spend anomaly: %s", text)
    mail_admins("Claude spend anomaly", text, fail_silently=True)
    return True
