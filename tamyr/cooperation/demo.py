"""The OTS Joint Action Plan 2026 for `tamyr demo`: a network file (`tamyr/demo/plan.yaml`), loaded as `tamyr load`
loads one, after the events and courses whose figures its computed indicators count (seed 000)."""

from __future__ import annotations

from pathlib import Path

from tamyr.cooperation.models import Indicator, Measure, Plan
from tamyr.core import netfiles

PLAN_FILE = Path(__file__).resolve().parents[1] / "demo" / "plan.yaml"


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the plan; returns counts to print."""
    netfiles.load([(f"tamyr/demo/{PLAN_FILE.name}", PLAN_FILE.read_text(encoding="utf-8"))])
    return {
        "plans": Plan.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
    }
