from collections.abc import Iterator

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Every test starts with nothing cached (public pages are cached between requests)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Tests hash many staff passwords; the real hasher's slowness is its point, not theirs."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_photos(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Photos a test stores go to a folder of its own, never the checkout's var/private."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")
