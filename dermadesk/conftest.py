from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Every test starts with nothing cached (public pages are cached between requests)."""
    cache.clear()
    yield
    cache.clear()
