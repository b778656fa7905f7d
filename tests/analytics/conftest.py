from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """The map caches its drawings: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
