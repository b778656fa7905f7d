"""The plan pages: what each role sees and what a form does."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from tamyr.cooperation import services
from tamyr.cooperation.models import ReportedValue, SignOff, ValueStatus
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory, country, with_totp
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def test_the_plan_page_shows_directions_measures_and_progress(world: PlanWorld, client: Client) -> None:
    PeriodFactory(indicator__measure=world.measure, target=Decimal(10), actual=Decimal(5))
    response = signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/")
    assert b"Youth initiatives" in response.content and b'value="50"' in response.content


def test_a_plan_that_is_not_public_is_not_found_by_visitors(world: PlanWorld, client: Client) -> None:
    assert client.get(f"/plans/{world.plan.slug}/").status_code == 404


def test_a_public_plan_is_read_by_visitors(world: PlanWorld, client: Client) -> None:
    world.plan.is_public = True
    world.plan.save()
    assert client.get(f"/plans/{world.plan.slug}/").status_code == 200


def test_the_plan_page_takes_the_same_queries_for_many_measures(
    world: PlanWorld, client: Client, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, world.coordinator)
    for n in range(15):
        measure = MeasureFactory(direction=world.direction, plan=world.plan, code=f"2.{n + 2}", lead=world.az)
        measure.partners.add(world.kz)
        PeriodFactory(indicator__measure=measure, actual=Decimal(n))
    with django_assert_max_num_queries(30):
        client.get(f"/plans/{world.plan.slug}/")


def test_the_coordinator_drills_down_to_the_people_counted(world: PlanWorld, client: Client) -> None:
    event = EventFactory(organizer=world.kz, starts_at=timezone.make_aware(datetime(2026, 3, 3, 10)), capacity=None)
    RegistrationFactory(
        event=event, person=PersonFactory(display_name="Nurlan Sadykov", residence_country=country("KZ"))
    )
    indicator = services.indicator_create(
        measure=world.measure, title={"en": "Participants"}, unit="people", source="computed",
        query="unique_participants", periods=[(date(2026, 1, 1), date(2026, 12, 31), 10)], acting_user=world.coordinator,
    )  # fmt: skip
    services.indicator_recompute(indicator_id=indicator.pk)
    response = signed_in(client, world.coordinator).get(
        f"/plans/{world.plan.slug}/periods/{indicator.periods.get().pk}/counted/"
    )
    assert b"Nurlan Sadykov" in response.content


def test_a_member_institution_does_not_see_whom_a_number_counts(world: PlanWorld, client: Client) -> None:
    period = PeriodFactory(
        indicator=IndicatorFactory(measure=world.measure, source="computed", query="unique_participants")
    )
    response = signed_in(client, world.admin_kz).get(f"/plans/{world.plan.slug}/periods/{period.pk}/counted/")
    assert response.status_code == 403


def test_an_admin_of_a_member_signs_off_on_the_page(world: PlanWorld, client: Client) -> None:
    version = services.version_submit(plan=world.plan, acting_user=world.coordinator)
    signed_in(client, world.admin_kz).post(
        f"/plans/{world.plan.slug}/sign-off/",
        {"action": "sign", "organization": world.kz.slug, "decision": "approve"},
    )
    assert SignOff.objects.filter(version=version, organization=world.kz, signed_by=world.admin_kz).exists()


def test_an_observer_is_offered_a_comment_but_no_decision(world: PlanWorld, client: Client) -> None:
    services.version_submit(plan=world.plan, acting_user=world.coordinator)
    response = signed_in(client, world.admins[world.hu.slug]).get(f"/plans/{world.plan.slug}/sign-off/")
    assert b'value="comment"' in response.content and b'value="sign"' not in response.content


def test_an_observer_posting_a_decision_is_refused(world: PlanWorld, client: Client) -> None:
    services.version_submit(plan=world.plan, acting_user=world.coordinator)
    response = signed_in(client, world.admins[world.hu.slug]).post(
        f"/plans/{world.plan.slug}/sign-off/", {"action": "sign", "organization": world.hu.slug, "decision": "approve"}
    )
    assert response.status_code == 403 and not SignOff.objects.exists()


def _reported(world: PlanWorld) -> ReportedValue:
    period = PeriodFactory(indicator__measure=world.measure)
    return services.value_report(
        period=period, value="4", evidence_url="https://example.org/report", acting_user=world.staff_kz
    )


def test_the_coordinator_approves_a_reported_value_on_the_page(world: PlanWorld, client: Client) -> None:
    value = _reported(world)
    signed_in(client, world.coordinator).post(f"/plans/{world.plan.slug}/approvals/{value.pk}/", {"approve": "1"})
    value.refresh_from_db()
    assert value.status == ValueStatus.APPROVED


def test_the_lead_reports_a_value_on_the_page(world: PlanWorld, client: Client) -> None:
    period = PeriodFactory(indicator__measure=world.measure)
    signed_in(client, world.staff_kz).post(
        f"/plans/{world.plan.slug}/periods/{period.pk}/report/",
        {"value": "7", "evidence_url": "https://example.org/minutes"},
    )
    assert period.reported_values.get().value == 7


def test_the_iati_file_downloads_from_the_plan_page(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/iati.xml")
    assert response["Content-Type"].startswith("application/xml") and b"<iati-activities" in response.content


def test_the_measure_page_names_the_lead(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/measures/2.1/")
    assert world.kz.display_name.encode() in response.content


# --- API ----------------------------------------------------------------------------------------------------------


def test_the_api_gives_the_plan_with_its_measure_tree_and_progress(world: PlanWorld, client: Client) -> None:
    PeriodFactory(indicator__measure=world.measure, target=Decimal(10), actual=Decimal(5))
    response = signed_in(client, world.staff_kz).get(f"/api/v1/plans/{world.plan.slug}/")
    measure = response.json()["directions"][0]["measures"][0]
    assert (measure["code"], measure["lead"], measure["progress"]) == ("2.1", world.kz.slug, 0.5)


def test_the_api_lists_only_public_plans_to_anonymous_callers(world: PlanWorld, client: Client) -> None:
    assert client.get("/api/v1/plans/").json()["count"] == 0


def test_the_coordinator_puts_the_plan_to_the_members_at_a_meeting(world: PlanWorld, client: Client) -> None:
    meeting = EventFactory(organizer=world.tr, kind="ministerial_meeting", slug="budapest-7th")
    signed_in(client, world.coordinator).post(
        f"/plans/{world.plan.slug}/sign-off/", {"action": "submit", "meeting": meeting.slug, "note": ""}
    )
    assert world.plan.versions.get().meeting == meeting


def test_a_member_cannot_put_the_plan_to_the_members(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.admin_kz).post(f"/plans/{world.plan.slug}/sign-off/", {"action": "submit"})
    assert response.status_code == 403 and not world.plan.versions.exists()
