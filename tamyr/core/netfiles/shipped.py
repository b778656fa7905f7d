"""The files shipped under `tamyr/demo/`: network files that `tamyr demo` loads as `tamyr load` loads any institution's,
and the data files its generators read (who registers, how learners are drawn, the names tables).

Why here and not in each demo: every domain's demo loads its files the same way (acting as the system, planned by
stable keys, applied through the services with their audit rows, so a second run changes nothing), and one place
says where they live.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models

from tamyr.core.netfiles.loader import Plan, load

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
M = TypeVar("M", bound=models.Model)


def demo_text(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")


def demo_data(name: str) -> Any:
    """A data file of the demo (not a network file): plain YAML, dates read as dates."""
    return yaml.safe_load(demo_text(name))


def load_demo(*names: str, texts: dict[str, str] | None = None) -> Plan:
    """Load the demo's network files `tamyr/demo/NAME` together, as `tamyr load` does; `texts` replaces a file's
    text (the calls' demo moves a closing date). The plan's context says what the files declare, by section and key,
    in file order."""
    given = texts or {}
    return load([(f"tamyr/demo/{name}", given.get(name) or demo_text(name)) for name in names])


def declared(*names: str) -> dict[str, dict[str, Any]]:
    """What the demo's network files declare once loaded (see `load_demo`), by section and key, in file order."""
    return load_demo(*names).context.declared


def in_file_order(
    declared: Mapping[str, Mapping[str, Any]], section: str, model: type[M], key: str = "slug"
) -> dict[str, M]:
    """The rows of `model` that a loaded file declares in `section` (see `declared`), by their key, in file order:
    what a demo's generator hangs its people on."""
    keys = list(declared.get(section, {}))
    found = {getattr(row, key): row for row in model._default_manager.filter(**{f"{key}__in": keys})}
    return {wanted: found[wanted] for wanted in keys}
