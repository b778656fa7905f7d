"""The seeds' calls for `tamyr demo`: a network file (`tamyr/demo/calls.yaml`), loaded as `tamyr load` loads one.

Hungary's scholarship for Kazakhstani students, the OTS youth programme, the Joint Investment Fund and the Otandas
Scholars Forum's call (seeds 000 and 004). Generated applications are not made yet (issue 12's demo item).
"""

from __future__ import annotations

from pathlib import Path

from tamyr.calls.models import Application, Call, QuotaGroup
from tamyr.core import netfiles

CALLS_FILE = Path(__file__).resolve().parents[1] / "demo" / "calls.yaml"


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the calls; returns counts to print."""
    netfiles.load([(f"tamyr/demo/{CALLS_FILE.name}", CALLS_FILE.read_text(encoding="utf-8"))])
    return {
        "calls": Call.objects.count(),
        "quota groups": QuotaGroup.objects.count(),
        "applications": Application.objects.count(),
    }
