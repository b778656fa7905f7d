"""Bulk work on measures: one change for many measures, and imports of measures and reported values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tamyr.cooperation import services_bulk
from tamyr.cooperation.models import Measure, ReportedValue
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tests.factories import with_totp
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def _csv(tmp_path: Path, text: str, name: str = "measures.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- bulk edit --------------------------------------------------------------------------------------------------


def test_a_coordinator_changes_the_status_of_many_measures_at_once(world: PlanWorld) -> None:
    other = MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    result = services_bulk.measures_bulk_update(
        plan=world.plan, codes=["2.1", "2.2"], status="in_progress", acting_user=world.coordinator
    )
    other.refresh_from_db()
    assert result.changed == ["2.1", "2.2"] and other.status == "in_progress"


def test_a_lead_organization_changes_only_its_own_measures(world: PlanWorld) -> None:
    other = MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    result = services_bulk.measures_bulk_update(
        plan=world.plan, codes=["2.1", "2.2"], ends_on=date(2026, 6, 30), acting_user=world.staff_kz
    )
    other.refresh_from_db()
    assert result.changed == ["2.1"] and [code for code, _reason in result.refused] == ["2.2"]
    assert other.ends_on is None


def test_only_a_coordinator_hands_a_measure_to_another_lead(world: PlanWorld) -> None:
    result = services_bulk.measures_bulk_update(
        plan=world.plan, codes=["2.1"], lead=world.az, acting_user=world.admin_kz
    )
    world.measure.refresh_from_db()
    assert result.refused and world.measure.lead_id == world.kz.pk


def test_a_bulk_edit_refuses_an_organization_outside_the_network(world: PlanWorld) -> None:
    from tests.factories import OrganizationFactory

    with pytest.raises(DomainError):
        services_bulk.measures_bulk_update(
            plan=world.plan, codes=["2.1"], partners=[OrganizationFactory()], acting_user=world.coordinator
        )


def test_a_bulk_edit_that_would_turn_dates_around_refuses_that_measure(world: PlanWorld) -> None:
    world.measure.starts_on = date(2026, 5, 1)
    world.measure.save()
    result = services_bulk.measures_bulk_update(
        plan=world.plan, codes=["2.1"], ends_on=date(2026, 4, 1), acting_user=world.coordinator
    )
    assert result.refused and not result.changed


def test_every_measure_a_bulk_edit_changes_is_audited(world: PlanWorld) -> None:
    services_bulk.measures_bulk_update(
        plan=world.plan, codes=["2.1"], partners=[world.az, world.tr], acting_user=world.coordinator
    )
    entry = AuditEntry.objects.get(action="cooperation.measure_updated")
    assert entry.data["bulk"] is True and "partners" in entry.data["changed"]


def test_the_bulk_page_says_how_many_changed_and_which_were_refused(world: PlanWorld, client: Client) -> None:
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    response = signed_in(client, world.staff_kz).post(
        f"/plans/{world.plan.slug}/bulk/", {"codes": ["2.1", "2.2"], "status": "completed"}, follow=True
    )
    text = response.content.decode()
    assert "1 measure changed." in text and "2.2 (You may not change this measure.)" in text


def test_the_bulk_page_is_refused_to_staff_leading_no_measure(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.admins[world.tr.slug]).get(f"/plans/{world.plan.slug}/bulk/")
    assert response.status_code == 403


def test_the_bulk_page_takes_the_same_queries_for_many_measures(
    world: PlanWorld, client: Client, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, world.coordinator)
    for n in range(30):
        MeasureFactory(direction=world.direction, plan=world.plan, code=f"3.{n}", lead=world.az).partners.add(world.kz)
    with django_assert_max_num_queries(25):
        response = client.get(f"/plans/{world.plan.slug}/bulk/")
    assert response.content.count(b'name="codes"') == 31


# --- import -----------------------------------------------------------------------------------------------------

MEASURES = (
    "code,direction,title,title_kk,lead,partners,status,starts_on,ends_on\n"
    "2.1,,,,,diaspora-az-test;yturkiye-test,in_progress,,\n"
    "2.5,2,Youth forum,Жастар форумы,otandastar-test,,planned,2026-03-01,31.05.2026\n"
)


def test_a_dry_run_shows_what_would_be_created_and_changed_and_writes_nothing(world: PlanWorld, tmp_path: Path) -> None:
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, MEASURES), kind="measures", acting_user=world.coordinator, dry_run=True
    )
    assert report.created == ["2.5"] and report.changed == [("2.1", ["partners", "status"])]
    assert not Measure.objects.filter(code="2.5").exists()


def test_an_import_creates_and_changes_measures(world: PlanWorld, tmp_path: Path) -> None:
    services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, MEASURES), kind="measures", acting_user=world.coordinator
    )
    created = Measure.objects.get(plan=world.plan, code="2.5")
    assert created.title == {"en": "Youth forum", "kk": "Жастар форумы"} and created.ends_on == date(2026, 5, 31)


def test_an_import_with_one_bad_row_writes_no_row(world: PlanWorld, tmp_path: Path) -> None:
    text = MEASURES + "2.6,2,Film week,,nowhere-org,,planned,2026-13-01,\n"
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, text), kind="measures", acting_user=world.coordinator
    )
    assert [(row.line, row.column) for row in report.bad_rows] == [(4, "lead")]
    assert not Measure.objects.filter(code="2.5").exists()


def test_the_report_names_the_row_and_column_a_service_refuses(world: PlanWorld, tmp_path: Path) -> None:
    text = "code,starts_on,ends_on\n2.1,2026-06-01,2026-01-01\n"
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, text), kind="measures", acting_user=world.coordinator
    )
    assert [(row.line, row.column) for row in report.bad_rows] == [(2, "ends_on")]


def test_a_lead_organization_cannot_import_changes_to_another_organizations_measure(
    world: PlanWorld, tmp_path: Path
) -> None:
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az)
    text = "code,status\n2.1,completed\n2.2,completed\n"
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, text), kind="measures", acting_user=world.staff_kz
    )
    assert [row.line for row in report.bad_rows] == [3] and not report.written


def test_reported_values_are_imported_awaiting_approval(world: PlanWorld, tmp_path: Path) -> None:
    indicator = IndicatorFactory(measure=world.measure)
    PeriodFactory(indicator=indicator)
    text = 'measure,indicator,period,value,evidence_url\n2.1,1,2026-06-30,"12,5",https://example.org/minutes\n'
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, text), kind="actuals", acting_user=world.staff_kz
    )
    assert report.written and ReportedValue.objects.get().value == Decimal("12.5")


def test_a_reported_value_without_evidence_is_a_bad_row(world: PlanWorld, tmp_path: Path) -> None:
    PeriodFactory(indicator=IndicatorFactory(measure=world.measure))
    text = "measure,indicator,period,value,evidence_url\n2.1,1,2026-06-30,4,\n"
    report = services_bulk.import_rows(
        plan=world.plan, path=_csv(tmp_path, text), kind="actuals", acting_user=world.staff_kz
    )
    assert report.bad_rows[0].line == 2 and not ReportedValue.objects.exists()


def test_an_unknown_column_stops_the_import_before_any_row(world: PlanWorld, tmp_path: Path) -> None:
    with pytest.raises(DomainError):
        services_bulk.import_rows(
            plan=world.plan,
            path=_csv(tmp_path, "code,colour\n2.1,red\n"),
            kind="measures",
            acting_user=world.coordinator,
        )


def test_the_import_page_shows_every_bad_row(
    world: PlanWorld, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    upload = SimpleUploadedFile("m.csv", b"code,status\n2.1,sleeping\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the import (immediately in tests)
        posted = signed_in(client, world.coordinator).post(
            f"/plans/{world.plan.slug}/import/", {"kind": "measures", "file": upload}
        )
    response = client.get(posted["Location"])
    assert b"sleeping" in response.content and b"Unknown status" in response.content


def test_the_import_command_imports_measures(world: PlanWorld, tmp_path: Path) -> None:
    from django.core.management import call_command

    call_command(
        "import", "measures", str(_csv(tmp_path, MEASURES)), "--plan", world.plan.slug, "--user", "coordinator"
    )
    assert Measure.objects.filter(plan=world.plan, code="2.5").exists()
