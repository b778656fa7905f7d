"""1EdTech's Open Badges 3.0 JSON Schema for `AchievementCredential` (from the conformance folder), compiled once.

`tests/conftest.py` checks every credential Tamyr signs during the tests against it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema

from tests.conformance import conformance_dir

SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"


@functools.cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((conformance_dir() / "openbadges-3.0" / SCHEMA_FILE).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)  # type: ignore[no-any-return]


def schema_errors(credential: Any) -> list[str]:
    """Every way `credential` breaks the schema, as "path: message" lines (empty when it conforms)."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator().iter_errors(credential)
    ]


def is_achievement_credential(document: Any) -> bool:
    types = document.get("type") if isinstance(document, dict) else None
    return isinstance(types, list) and ("OpenBadgeCredential" in types or "AchievementCredential" in types)
