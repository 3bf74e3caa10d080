"""`/healthz`: is the database answering, is the Celery broker reachable, does a worker listen?

The status code is about the web tier only (database and broker): a load balancer that routes
web traffic must not take web machines out because the workers are down. The worker's state is
in the body for monitoring: "ok" when at least one worker answered a ping, "absent" when none did
(lab replies then wait in the queue), "unknown" when the broker could not be asked.
"""

import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app


def _check_database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not answering"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_broker() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises transport-specific errors
        return {"ok": False, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "transport": str(transport),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


# A ping waits this long for replies; an idle worker answers in a few milliseconds.
WORKER_PING_TIMEOUT = 0.5
# Load balancers poll every few seconds: ask the workers at most this often.
WORKER_CACHE_SECONDS = 10
WORKER_CACHE_KEY = "healthz:worker"


def _check_worker() -> dict[str, object]:
    """Celery's remote-control ping (the broadcast every worker's main process answers, even
    while its pool is busy with lab replies), cached for WORKER_CACHE_SECONDS."""
    cached = cache.get(WORKER_CACHE_KEY)
    if cached is not None:
        return cached
    started = time.perf_counter()
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT)
    except Exception as exc:  # kombu raises transport-specific errors
        result: dict[str, object] = {"state": "unknown", "error": exc.__class__.__name__}
    else:
        result = {"state": "ok" if replies else "absent", "count": len(replies)}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    cache.set(WORKER_CACHE_KEY, result, WORKER_CACHE_SECONDS)
    return result


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    worker = _check_worker() if checks["broker"]["ok"] else {"state": "unknown"}
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **checks,
            "worker": worker["state"],
            "worker_detail": worker,
        },
        status=200 if healthy else 503,
    )
