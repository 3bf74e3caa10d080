from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Throttle counts live in the cache; one test's guesses must not count against the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
