"""The demo's estimates load from tamyr/demo/estimates.yaml as a network file, twice without change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics.models import DiasporaEstimate, EstimateMeasure
from tamyr.core import netfiles

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "tamyr" / "demo" / "estimates.yaml"


def test_demo_estimates_load_with_their_sources_and_again_change_nothing() -> None:
    source = [(DEMO.name, DEMO.read_text(encoding="utf-8"))]
    netfiles.load(source, acting_user=SYSTEM)
    count = DiasporaEstimate.objects.count()
    assert count >= 5
    assert not DiasporaEstimate.objects.filter(url="").exists()
    assert set(DiasporaEstimate.objects.values_list("measure", flat=True)) == {EstimateMeasure.ETHNIC}
    again = netfiles.load(source, acting_user=SYSTEM)
    assert not again.has_changes and DiasporaEstimate.objects.count() == count


def test_a_bad_estimate_in_a_file_is_reported_with_its_line() -> None:
    text = "version: 1\nestimates:\n  - origin: KZ\n    residence: QQ\n    year: 2010\n    point: 5\n" \
           "    publisher: P\n    title: T\n"  # fmt: skip
    with pytest.raises(netfiles.NetfileError, match="bad.yaml:3"):
        netfiles.load([("bad.yaml", text)], acting_user=SYSTEM)
