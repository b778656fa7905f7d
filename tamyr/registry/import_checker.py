"""The entry points of an import's checking processes (see `imports._checked_chunks`).

A separate module that imports nothing of Django at load time: a spawned process loads the module of the function
it runs before anything else, and model modules cannot load before `django.setup()`.
"""

from __future__ import annotations

import os
from typing import Any

_validator: Any = None


def start(mapping: dict[str, str], header: list[str], countries: dict[str, str], language: str, encoding: str) -> None:
    """Set up a checking process: Django (translations of the messages; no database is touched) and the validator."""
    global _validator
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")
    import django

    django.setup()
    from django.utils import translation

    from tamyr.registry.imports import Validator

    translation.activate(language or "en")
    _validator = Validator(mapping, header, countries, encoding)


def check(chunk: list[tuple[int, Any]]) -> Any:
    """(good rows, problems, number of bad rows) of one chunk."""
    if _validator is None:
        raise RuntimeError("the checking process was not started")
    from tamyr.names import name_keys

    try:
        return _validator.check_chunk(chunk)
    finally:
        name_keys.cache_clear()  # rows pass through once: the cache of name keys would only grow
