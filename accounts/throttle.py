"""Login throttling: a fixed window of failed attempts per username and per client address.

Counts live in the cache (Redis in production, a file cache on one machine), so every web process
sees the same count. A successful login does not reset the address counter: an attacker with one
valid account must not be able to clear it.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown")
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


def is_throttled(request: HttpRequest, username: str) -> bool:
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    return any((cache.get(key) or 0) >= limit for key in _keys(request, username))


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW)


def clear_user(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0])
