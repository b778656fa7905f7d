"""The pre-aggregated tables: what a refresh counts, following merges, incrementally."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tamyr.analytics import aggregates
from tamyr.analytics.models import ActivityMonthly, ReachFact, ReachMonthly, ReachSummary
from tamyr.registry.models import Person
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, PersonFactory, country
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = pytest.mark.django_db

MARCH = datetime(2025, 3, 10, 12, tzinfo=UTC)


def people(scope: str, scope_id: int, period: str = "all", domain: str = "all") -> int:
    return sum(
        ReachSummary.objects.filter(scope=scope, scope_id=scope_id, period=period, domain=domain).values_list(
            "people", flat=True
        )
    )


@pytest.fixture
def organization() -> object:
    return OrganizationFactory(slug="otandastar")


def test_a_person_at_two_events_and_a_course_counts_once(organization: object) -> None:
    person = PersonFactory(residence_country=country("HU"), gender="female", birth_year=1990)
    for _ in range(2):
        RegistrationFactory(person=person, event=EventFactory(organizer=organization, starts_at=MARCH))
    from tamyr.learning.models import Enrollment

    Enrollment.objects.create(
        person=person, group=GroupFactory(course=CourseFactory(provider=organization)), status="active"
    )
    aggregates.refresh(full=True)
    assert people("o", organization.pk) == 1
    assert people("p", 0) == 1
    assert people("o", organization.pk, domain="events") == 1
    row = ReachSummary.objects.get(scope="o", scope_id=organization.pk, period="2025", domain="events")
    assert (row.country, row.gender, row.age_band) == ("HU", "female", "35-44")


def test_registrations_are_counted_per_month_and_quarter(organization: object) -> None:
    RegistrationFactory(event=EventFactory(organizer=organization, starts_at=MARCH))
    aggregates.refresh(full=True)
    assert people("o", organization.pk, period="2025-Q1") == 1
    assert ReachMonthly.objects.get(scope="o", scope_id=organization.pk).month.isoformat() == "2025-03-01"
    assert ActivityMonthly.objects.get(organization_id=organization.pk, measure="registrations").value == 1
    assert ActivityMonthly.objects.get(organization_id=organization.pk, measure="events").value == 1


def test_cancelled_registrations_are_not_counted(organization: object) -> None:
    RegistrationFactory(event=EventFactory(organizer=organization, starts_at=MARCH), status="cancelled")
    aggregates.refresh(full=True)
    assert people("o", organization.pk) == 0


def test_a_network_counts_its_members_people_once() -> None:
    network = NetworkFactory()
    first, second = OrganizationFactory(), OrganizationFactory()
    for member in (first, second):
        NetworkMembershipFactory(network=network, organization=member)
    person = PersonFactory()
    RegistrationFactory(person=person, event=EventFactory(organizer=first, starts_at=MARCH))
    RegistrationFactory(person=person, event=EventFactory(organizer=second, starts_at=MARCH))
    aggregates.refresh(full=True)
    assert people("n", network.pk) == 1
    assert people("o", first.pk) == 1 and people("o", second.pk) == 1


def test_an_incremental_refresh_picks_up_a_new_registration(organization: object) -> None:
    RegistrationFactory(event=EventFactory(organizer=organization, starts_at=MARCH))
    aggregates.refresh(full=True)
    RegistrationFactory(event=EventFactory(organizer=organization, starts_at=MARCH))
    result = aggregates.refresh()
    assert not result.full and result.people >= 1
    assert people("o", organization.pk) == 2


def test_merged_people_count_once_under_the_surviving_record(organization: object) -> None:
    kept, merged = PersonFactory(), PersonFactory()
    RegistrationFactory(person=kept, event=EventFactory(organizer=organization, starts_at=MARCH))
    RegistrationFactory(person=merged, event=EventFactory(organizer=organization, starts_at=MARCH))
    aggregates.refresh(full=True)
    assert people("o", organization.pk) == 2
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    aggregates.refresh()
    assert people("o", organization.pk) == 1
    assert set(ReachFact.objects.values_list("person_id", flat=True)) == {kept.pk}
    assert Person.objects.count() == 2


def test_the_command_refreshes_and_says_what_it_did(organization: object) -> None:
    import io

    from django.core.management import call_command

    RegistrationFactory(event=EventFactory(organizer=organization, starts_at=MARCH))
    out = io.StringIO()
    call_command("refresh_analytics", "--full", stdout=out)
    assert "full refresh" in out.getvalue() and people("o", organization.pk) == 1
