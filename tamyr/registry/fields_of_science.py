"""The OECD Fields of Science and Technology (FORD, Frascati Manual 2007) as shipped in `data/fields_of_science.json`:
six major fields and 42 fields, named in every interface language.

Loaded by migration 0014 (and again by tests after a transactional test's flush empties the table); rows are
matched by code and brought up to date, so running it again after the file's translations are corrected changes
names and nothing else, and people and organizations keep their fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "fields_of_science.json"


def entries() -> list[dict[str, Any]]:
    """The file's fields, majors before their children: {"code", "name": {language: text}}."""
    return list(json.loads(DATA.read_text(encoding="utf-8"))["fields"])


def position(code: str) -> int:
    """Sort key in the classification's own order: 2.9 before 2.10."""
    major, _dot, minor = code.partition(".")
    return int(major) * 100 + (int(minor) if minor else 0)


def sync_fields(model: Any) -> None:
    """Create or update every field; `model` is ExpertiseField (the historical one in a migration)."""
    for entry in entries():
        code = entry["code"]
        major, _dot, minor = code.partition(".")
        model.objects.update_or_create(
            code=code,
            defaults={"name": entry["name"], "parent_id": major if minor else None, "position": position(code)},
        )
