"""Writes through the cooperation API: each goes through a service, refers only to objects the caller may name."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tamyr.cooperation import services, services_projects
from tamyr.cooperation.models import Measure, Practice, PracticeStatus, ReportedValue, SignOff, ValueStatus
from tests.events.factories import EventFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, with_totp
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld


def api(user: Any) -> APIClient:
    client = APIClient()
    with_totp(user)
    client.force_authenticate(user)
    return client


def test_a_coordinator_adds_a_measure(world: PlanWorld) -> None:
    body = {"code": "2.7", "title": {"en": "Film week"}, "lead": world.az.slug, "direction": "2"}
    response = api(world.coordinator).post(f"/api/v1/plans/{world.plan.slug}/measures/", body, format="json")
    assert response.status_code == 201 and response.json()["lead"] == world.az.slug


def test_a_measure_cannot_name_an_organization_outside_the_network(world: PlanWorld) -> None:
    outsider = OrganizationFactory(slug="outsider")
    response = api(world.coordinator).patch(
        f"/api/v1/plans/{world.plan.slug}/measures/2.1/", {"partners": ["outsider"]}, format="json"
    )
    assert response.status_code == 400 and not world.measure.partners.filter(pk=outsider.pk).exists()


def test_a_measure_cannot_link_an_event_the_caller_cannot_see(world: PlanWorld) -> None:
    hidden = EventFactory(status="draft")
    response = api(world.staff_kz).patch(
        f"/api/v1/plans/{world.plan.slug}/measures/2.1/", {"events": [hidden.slug]}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "events"


def test_the_lead_organization_changes_its_measures_status(world: PlanWorld) -> None:
    response = api(world.staff_kz).patch(
        f"/api/v1/plans/{world.plan.slug}/measures/2.1/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"


def test_an_organization_admin_cannot_touch_another_organizations_measure(world: PlanWorld) -> None:
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    response = api(world.admin_kz).patch(
        f"/api/v1/plans/{world.plan.slug}/measures/2.2/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 403 and Measure.objects.get(code="2.2").status == "planned"


def test_the_lead_organization_cannot_rename_its_measure(world: PlanWorld) -> None:
    response = api(world.staff_kz).patch(
        f"/api/v1/plans/{world.plan.slug}/measures/2.1/", {"title": {"en": "Mine now"}}, format="json"
    )
    assert response.status_code == 403


def test_the_bulk_endpoint_lists_the_refused_measures(world: PlanWorld) -> None:
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    response = api(world.staff_kz).post(
        f"/api/v1/plans/{world.plan.slug}/measures/bulk/",
        {"codes": ["2.1", "2.2"], "status": "completed"},
        format="json",
    )
    assert response.json()["changed"] == ["2.1"] and response.json()["refused"][0]["code"] == "2.2"


def test_the_import_endpoint_dry_runs_a_file(world: PlanWorld) -> None:
    upload = SimpleUploadedFile("m.csv", b"code,status\n2.1,completed\n", content_type="text/csv")
    response = api(world.coordinator).post(
        f"/api/v1/plans/{world.plan.slug}/import/", {"kind": "measures", "file": upload, "dry_run": "true"}
    )
    world.measure.refresh_from_db()
    assert response.json()["changed"] == [{"code": "2.1", "fields": ["status"]}] and world.measure.status == "planned"


def _pdf() -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Minutes")
    page.save()
    return SimpleUploadedFile("minutes.pdf", buffer.getvalue(), content_type="application/pdf")


def test_the_lead_reports_a_value_with_an_evidence_file(world: PlanWorld) -> None:
    period = PeriodFactory(indicator=IndicatorFactory(measure=world.measure))
    response = api(world.staff_kz).post(
        f"/api/v1/plans/{world.plan.slug}/periods/{period.pk}/values/", {"value": "7", "evidence_file": _pdf()}
    )
    assert response.status_code == 201 and ReportedValue.objects.get().evidence_name == "minutes.pdf"


def test_an_evidence_file_that_is_not_what_it_claims_is_refused(world: PlanWorld) -> None:
    period = PeriodFactory(indicator=IndicatorFactory(measure=world.measure))
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = api(world.staff_kz).post(
        f"/api/v1/plans/{world.plan.slug}/periods/{period.pk}/values/", {"value": "7", "evidence_file": fake}
    )
    assert response.status_code == 400 and not ReportedValue.objects.exists()


def test_the_coordinator_approves_a_reported_value(world: PlanWorld) -> None:
    period = PeriodFactory(indicator=IndicatorFactory(measure=world.measure))
    reported = services.value_report(
        period=period, value=5, evidence_url="https://example.org/r", acting_user=world.staff_kz
    )
    response = api(world.coordinator).post(
        f"/api/v1/plans/{world.plan.slug}/values/{reported.pk}/decision/", {"approve": True}, format="json"
    )
    period.refresh_from_db()
    assert response.json()["status"] == ValueStatus.APPROVED and period.actual == Decimal(5)


def test_a_member_institutions_admin_signs_off_through_the_api(world: PlanWorld) -> None:
    services.version_submit(plan=world.plan, acting_user=world.coordinator)
    response = api(world.admin_kz).post(
        f"/api/v1/plans/{world.plan.slug}/sign-off/",
        {"organization": world.kz.slug, "decision": "approve"},
        format="json",
    )
    assert response.status_code == 201 and SignOff.objects.get().signed_by == world.admin_kz


def test_an_observer_cannot_sign_off_through_the_api(world: PlanWorld) -> None:
    services.version_submit(plan=world.plan, acting_user=world.coordinator)
    response = api(world.admins[world.hu.slug]).post(
        f"/api/v1/plans/{world.plan.slug}/sign-off/",
        {"organization": world.hu.slug, "decision": "approve"},
        format="json",
    )
    assert response.status_code == 403


def test_a_project_cannot_claim_a_network_its_lead_is_not_in(world: PlanWorld) -> None:
    other = NetworkFactory(slug="other-network")
    response = api(world.staff_kz).post(
        "/api/v1/projects/",
        {"slug": "gala", "lead": world.kz.slug, "title": {"en": "Gala"}, "network": other.slug},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "network"


def test_the_lead_changes_its_project(world: PlanWorld) -> None:
    services_projects.project_create(slug="gala", lead=world.kz, title={"en": "Gala"}, acting_user=world.staff_kz)
    response = api(world.staff_kz).patch("/api/v1/projects/gala/", {"place": "Vienna"}, format="json")
    assert response.status_code == 200 and response.json()["place"] == "Vienna"


def _accepted_practice(world: PlanWorld) -> Practice:
    practice = services_projects.practice_submit(
        organization=world.az,
        network=world.network,
        slug="open-academy",
        title={"en": "NGO open academy"},
        contact_email="academy@example.org",
        acting_user=world.admins[world.az.slug],
    )
    return services_projects.practice_review(practice=practice, accept=True, acting_user=world.coordinator)


def test_a_changed_practice_goes_back_to_review(world: PlanWorld) -> None:
    _accepted_practice(world)
    response = api(world.admins[world.az.slug]).patch(
        "/api/v1/practices/open-academy/", {"summary": {"en": "Now weekly."}}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == PracticeStatus.SUBMITTED


def test_another_organization_cannot_change_a_practice(world: PlanWorld) -> None:
    _accepted_practice(world)
    response = api(world.admin_kz).patch("/api/v1/practices/open-academy/", {"theme": "youth"}, format="json")
    assert response.status_code == 403


def test_the_practices_owner_answers_a_learning_request(world: PlanWorld) -> None:
    practice = _accepted_practice(world)
    asked = services_projects.learn_request(
        practice=practice, organization=world.kz, message="May we learn?", acting_user=world.admin_kz
    )
    response = api(world.admins[world.az.slug]).post(
        f"/api/v1/practices/open-academy/requests/{asked.pk}/answer/",
        {"accept": True, "answer": "Come in May."},
        format="json",
    )
    assert response.json()["status"] == "accepted"


def test_a_practice_submitted_in_the_name_of_an_organization_of_someone_else_is_refused(world: PlanWorld) -> None:
    NetworkMembershipFactory(network=world.network, organization=OrganizationFactory(slug="ngo-x"))
    response = api(world.admin_kz).post(
        "/api/v1/practices/",
        {
            "slug": "x",
            "organization": "ngo-x",
            "network": world.network.slug,
            "title": {"en": "X"},
            "contact_email": "x@example.org",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "organization"
