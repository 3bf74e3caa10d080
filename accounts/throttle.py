"""Throttles for password guesses and for password-reset mail.

Password guesses (a login, the old password of a change) are counted per (username, client
address) pair, so an attacker's failures make only the attacker's own address wait: the real user
logging in from anywhere else is not locked out. After LOGIN_THROTTLE_ATTEMPTS failures the pair
waits LOGIN_THROTTLE_WINDOW seconds; each further failure doubles the wait, up to
LOGIN_THROTTLE_MAX_WAIT. A success clears the pair. Untouched, a count is forgotten after the
longest wait plus the window.

Each guess is reserved with an atomic increment *before* the password is checked, so parallel
guesses cannot all pass a check made before any of them is recorded: 30 at once against a limit
of 5 get the numbers 1 to 30 and only 1 to 5 are evaluated. Once a wait ends, exactly one guess
may try (it claims the retry with an atomic add); the others keep waiting.

Counts live in the default cache so every web process sees them. Atomicity by backend:
- Redis: add() is SET NX and incr() is INCRBY, each atomic on the server.
- locmem (tests): add() and incr() hold the cache's lock.
- The file cache (the embedded default) implements add() and incr() as read-then-write, so two
  processes could both read 4 and write 5. There every read-modify-write below runs under an
  exclusive flock on one lock file beside the cache files, which serialises the processes and
  threads of one machine, and the file cache serves only one machine anyway.
"""

import hashlib
import math
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


def _now() -> float:
    return time.time()


def _cache() -> BaseCache:
    return caches["default"]


@contextmanager
def _exclusive(backend: BaseCache) -> Iterator[None]:
    """Serialise read-modify-write on backends whose add() and incr() are not atomic."""
    if not isinstance(backend, FileBasedCache):
        yield
        return
    lock_path = Path(backend._dir) / "throttle.lock"  # not *.djcache: clear() and cull keep it
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock_file:
        locks.lock(lock_file, locks.LOCK_EX)
        try:
            yield
        finally:
            locks.unlock(lock_file)


def _increment(key: str, timeout: int) -> int:
    """Add one to the count at `key` and return it; the count expires `timeout` after this call."""
    backend = _cache()
    if isinstance(backend, FileBasedCache):
        with _exclusive(backend):
            count = (backend.get(key) or 0) + 1
            backend.set(key, count, timeout)
            return count
    for _ in range(3):
        if backend.add(key, 1, timeout):
            return 1
        try:
            count = backend.incr(key)
        except ValueError:  # expired between add() and incr(): start the count again
            continue
        # Also re-arms an expiry that Redis's INCR drops when the key vanished just before it.
        backend.touch(key, timeout)
        return count
    raise RuntimeError(f"could not increment throttle count {key}")


def _decrement(key: str, timeout: int) -> None:
    backend = _cache()
    if isinstance(backend, FileBasedCache):
        with _exclusive(backend):
            count = backend.get(key)
            if count:
                backend.set(key, count - 1, timeout)
        return
    # ValueError: already cleared by a success, or expired; there is nothing to give back.
    with suppress(ValueError):
        backend.decr(key)


def _claim(key: str, timeout: int) -> bool:
    """True for exactly one caller per key until it expires."""
    backend = _cache()
    with _exclusive(backend):
        return backend.add(key, 1, timeout)


def format_wait(seconds: float) -> str:
    """A wait in words, rounded up: never tell someone to come back before it is over."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return _plural(seconds, "second")
    if seconds < 3600:
        return _plural(math.ceil(seconds / 60), "minute")
    if seconds < 2 * 86400:
        return _plural(math.ceil(seconds / 3600), "hour")
    return _plural(math.ceil(seconds / 86400), "day")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _digest(*parts: str) -> str:
    # Cache keys stay short and safe whatever a username contains.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def _prefix(scope: str, username: str, address: str) -> str:
    # Case and compatibility forms of one name share a count.
    username = unicodedata.normalize("NFKC", username).strip().casefold()
    return f"throttle:{scope}:{_digest(username, address)}"


@dataclass
class Guess:
    """One reserved password guess: report how it went with succeeded() or failed()."""

    allowed: bool
    wait_seconds: float = 0
    number: int = 0
    prefix: str = ""

    @property
    def wait_text(self) -> str:
        return format_wait(self.wait_seconds)

    def succeeded(self) -> None:
        _cache().delete_many([f"{self.prefix}:n", f"{self.prefix}:lock"])

    def failed(self) -> None:
        if self.number < settings.LOGIN_THROTTLE_ATTEMPTS:
            return
        wait = _wait_after(self.number)
        # Kept as long as the count, so a finished wait is still known when the next guess comes.
        _cache().set(f"{self.prefix}:lock", _now() + wait, _memory())


def _wait_after(failures: int) -> float:
    doublings = failures - settings.LOGIN_THROTTLE_ATTEMPTS
    return min(settings.LOGIN_THROTTLE_WINDOW * 2**doublings, settings.LOGIN_THROTTLE_MAX_WAIT)


def _memory() -> int:
    return settings.LOGIN_THROTTLE_MAX_WAIT + settings.LOGIN_THROTTLE_WINDOW


def reserve_guess(scope: str, username: str, address: str) -> Guess:
    """Reserve one password guess for `username` from `address`, before the password is checked.

    A refused guess has `allowed` False and says how long to wait; the password must then not be
    checked at all. An allowed one counts as a failure until `succeeded()` is called.
    """
    prefix = _prefix(scope, username, address)
    count_key = f"{prefix}:n"
    refused = Guess(allowed=False, wait_seconds=settings.LOGIN_THROTTLE_WINDOW, prefix=prefix)
    unlock_at = _cache().get(f"{prefix}:lock")
    retry = False
    if unlock_at is not None:
        if unlock_at > _now():
            refused.wait_seconds = unlock_at - _now()
            return refused
        # The wait is over: one guess may try again, not every guess queued behind it.
        retry = _claim(f"{prefix}:retry:{unlock_at}", _memory())
        if not retry:
            return refused
    number = _increment(count_key, _memory())
    if number <= settings.LOGIN_THROTTLE_ATTEMPTS or retry:
        return Guess(allowed=True, number=number, prefix=prefix)
    # Over the limit while earlier guesses are still being checked: give the slot back, so this
    # refusal does not lengthen the wait those guesses will set.
    _decrement(count_key, _memory())
    return refused


def clear_guesses(scope: str, username: str, address: str) -> None:
    """Forget the failures of `username` from `address`, as a success does."""
    Guess(allowed=True, prefix=_prefix(scope, username, address)).succeeded()


def hit(scope: str, key: str, limit: int, window: int) -> float:
    """Count one request for `key`; the seconds to wait when it is over `limit`, else 0.

    The window slides: the count is forgotten `window` seconds after the last request.
    """
    count = _increment(f"throttle:{scope}:{_digest(key)}", window)
    return window if count > limit else 0
