"""`tamyr demo`: the OTS plan adopted at the Budapest meeting by every member state's institution, and a mid-year
amendment awaiting sign-off; a second run writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tamyr.cooperation.models import Decision, Plan, PlanStatus, SignOff, VersionStatus
from tamyr.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_demo_plan_is_adopted_in_budapest_and_an_amendment_awaits_sign_off() -> None:
    call_command("demo", people=5, stdout=io.StringIO())
    plan = Plan.objects.get(slug="ots-jap-2026")
    first, amendment = plan.versions.order_by("number")
    assert plan.status == PlanStatus.IN_FORCE
    assert first.status == VersionStatus.ADOPTED
    assert first.meeting.slug == "ots-diaspora-ministerial-2025-budapest"
    signoffs = SignOff.objects.filter(version=first).select_related("organization", "signed_by")
    assert {s.organization.slug for s in signoffs} == {
        "diaspora-committee-azerbaijan",
        "ministry-labour-kyrgyzstan",
        "otandastar",
        "vatandoshlar",
        "ytb",
    }
    for signoff in signoffs:
        assert signoff.decision == Decision.APPROVE
        assert signoff.signed_by.organization_roles.filter(organization=signoff.organization, role="admin").exists()
    assert amendment.status == VersionStatus.SIGNING
    assert not amendment.signoffs.exists()
    assert "2.4" in amendment.note


def test_a_second_demo_run_writes_nothing_new() -> None:
    call_command("demo", people=5, stdout=io.StringIO())
    audited = AuditEntry.objects.count()
    versions = list(Plan.objects.get(slug="ots-jap-2026").versions.values_list("number", "status", "updated_at"))
    call_command("demo", people=5, stdout=io.StringIO())
    assert AuditEntry.objects.count() == audited
    assert (
        list(Plan.objects.get(slug="ots-jap-2026").versions.values_list("number", "status", "updated_at")) == versions
    )


def test_the_demo_loads_its_joint_projects_and_practice_library_from_the_network_file() -> None:
    from tamyr.cooperation.models import JointProject, LearnRequest, Practice

    call_command("demo", people=5, stdout=io.StringIO())
    gala = JointProject.objects.get(slug="gala-concert-vienna-2026")
    assert (gala.measure.code, gala.events.get().slug) == ("3.1", "diaspora-capacity-building-2026-vienna")
    assert Practice.objects.filter(status="accepted").count() == 4 and LearnRequest.objects.count() == 1
