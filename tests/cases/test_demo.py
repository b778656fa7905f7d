from __future__ import annotations

from pathlib import Path

import pytest

from tamyr.cases.models import Case, CaseStatus, CaseTask, Referral
from tamyr.core import netfiles
from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "tamyr" / "demo" / "cases.yaml"


def _load() -> None:
    netfiles.load([("tamyr/demo/cases.yaml", DEMO.read_text(encoding="utf-8"))])


def test_the_demo_cases_load_with_their_referrals_an_overdue_task_and_a_closed_case() -> None:
    otandastar = OrganizationFactory(slug="otandastar", kind="state_institution")
    grant(UserFactory(username="staff"), otandastar, "staff")
    _load()
    assert set(Case.objects.values_list("origin_country_id", flat=True)) == {"MN", "CN", "UZ", "TR"}
    assert set(Referral.objects.values_list("status", flat=True)) == {"accepted", "rejected"}
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() == 1
    assert any(task.is_overdue() for task in CaseTask.objects.all())
    assert Case.objects.get(reference="DEMO-MN-1").stage == "housing"
    overdue = [case.reference for case in Case.objects.all() if case.is_overdue()]
    assert overdue == ["DEMO-CN-1"]  # its documents stage ran past its 30 days


def test_loading_the_demo_twice_changes_nothing() -> None:
    otandastar = OrganizationFactory(slug="otandastar", kind="state_institution")
    grant(UserFactory(username="staff"), otandastar, "staff")
    _load()
    versions = dict(Case.objects.values_list("reference", "version"))
    _load()
    assert dict(Case.objects.values_list("reference", "version")) == versions
