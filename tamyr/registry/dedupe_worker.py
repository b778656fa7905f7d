"""The entry points of duplicate detection's key-computing processes (see `dedupe._record_keys`).

Imports nothing of Django at load time: a spawned process loads the module of the function it runs first, and
model modules cannot load before `django.setup()`.
"""

from __future__ import annotations

import os
from typing import Any


def start() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")
    import django

    django.setup()


def keys(chunk: list[tuple[Any, ...]]) -> Any:
    """(blocking keys, sort keys) of each record of the chunk; see `dedupe.keys_of_fields`."""
    from tamyr.names import name_keys
    from tamyr.registry.dedupe import keys_of_fields

    try:
        return keys_of_fields(chunk)
    finally:
        # each name passes through a worker once: its cache of name keys would only grow (to hundreds of MB)
        name_keys.cache_clear()
