"""Attendance statistics per event and across events, checked against the records they count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tamyr.events import statistics
from tamyr.events.models import Event
from tamyr.registry.models import Organization
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    country,
)

pytestmark = pytest.mark.django_db

CHECKED_IN = datetime(2026, 1, 13, 18, 0, tzinfo=UTC)


@pytest.fixture
def event(organization: Organization) -> Event:
    return EventFactory(
        organizer=organization,
        capacity=None,
        starts_at=datetime(2026, 1, 13, 17, 0, tzinfo=UTC),
        ends_at=datetime(2026, 1, 14, 16, 0, tzinfo=UTC),
    )


def person(code: str = "TR", gender: str = "", birth_year: int | None = 1990) -> Any:
    return PersonFactory(residence_country=country(code) if code else None, gender=gender, birth_year=birth_year)


@pytest.fixture
def registrations(event: Event) -> None:
    """Three from Türkiye, two from Germany, one without a country; plus one cancelled who must not count."""
    RegistrationFactory(event=event, person=person("TR", "female", 2010), checked_in_at=CHECKED_IN)  # 16: under 18
    RegistrationFactory(event=event, person=person("TR", "female", 2008))  # 18: 18–24
    RegistrationFactory(event=event, person=person("TR", "male", 1992), status="waitlisted")  # 34: 25–34
    RegistrationFactory(event=event, person=person("DE", "male", 1961), checked_in_at=CHECKED_IN)  # 65: 65+
    RegistrationFactory(event=event, person=person("DE", "", None), status="pending")  # unknown age
    RegistrationFactory(event=event, person=person("", "other", 1982))  # 44: 35–44
    RegistrationFactory(event=event, person=person("KZ", "female", 1990), status="cancelled")


def rows(table: statistics.Table) -> dict[str, tuple[int, int, int]]:
    return {row.key: (row.registered, row.confirmed, row.attended) for row in table.rows}


def tables(event: Event) -> dict[str, statistics.Table]:
    return {table.name: table for table in statistics.event_statistics(event).tables}


@pytest.mark.usefixtures("registrations")
def test_totals_match_the_records(event: Event) -> None:
    stats = statistics.event_statistics(event)
    assert (stats.registered, stats.confirmed, stats.waitlisted, stats.pending, stats.attended, stats.cancelled) == (
        6, 4, 1, 1, 2, 1,
    )  # fmt: skip


@pytest.mark.usefixtures("registrations")
def test_by_country_of_residence(event: Event) -> None:
    assert rows(tables(event)["country"]) == {"TR": (3, 2, 1), "DE": (2, 1, 1), "unknown": (1, 1, 0)}


@pytest.mark.usefixtures("registrations")
def test_by_gender(event: Event) -> None:
    assert rows(tables(event)["gender"]) == {
        "female": (2, 2, 1), "male": (2, 1, 1), "other": (1, 1, 0), "unknown": (1, 0, 0),
    }  # fmt: skip


@pytest.mark.usefixtures("registrations")
def test_by_age_band_in_the_year_of_the_event(event: Event) -> None:
    assert rows(tables(event)["age"]) == {
        "under_18": (1, 1, 1), "18_24": (1, 1, 0), "25_34": (1, 0, 0), "35_44": (1, 1, 0), "45_54": (0, 0, 0),
        "55_64": (0, 0, 0), "65_plus": (1, 1, 1), "unknown": (1, 0, 0),
    }  # fmt: skip


def test_by_organization_represented(event: Event) -> None:
    centre = OrganizationFactory(name={"en": "Kazakh Cultural Centre Istanbul"})
    RegistrationFactory.create_batch(2, event=event, organization=centre)
    RegistrationFactory(event=event)
    table = tables(event)["organization"]
    assert [(row.label, row.registered) for row in table.rows] == [
        ("Kazakh Cultural Centre Istanbul", 2), ("Not given", 1),
    ]  # fmt: skip


def test_the_statistics_page_runs_a_fixed_number_of_queries(
    client: Client, org_staff: User, event: Event, django_assert_max_num_queries: Any
) -> None:
    for code in ("TR", "DE", "KZ", "HU", "AZ", "UZ", "KG"):
        for _index in range(3):
            RegistrationFactory(event=event, person=person(code), organization=OrganizationFactory())
    client.force_login(org_staff)
    with django_assert_max_num_queries(18):  # 14 today, whatever the number of rows
        response = client.get(reverse("events:event_statistics", kwargs={"slug": event.slug}))
    assert response.status_code == 200
    assert '<meter class="bar"' in response.content.decode()


@pytest.mark.usefixtures("registrations")
def test_the_csv_export_holds_every_table(client: Client, org_staff: User, event: Event) -> None:
    client.force_login(org_staff)
    response = client.get(reverse("events:event_statistics", kwargs={"slug": event.slug}), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Table", "Group", "Registered", "Confirmed", "Attended"]
    assert ["By country of residence", "Türkiye", "3", "2", "1"] in lines
    assert ["By gender", "Female", "2", "2", "1"] in lines


# --- across events -----------------------------------------------------------------------------------------------


def test_a_person_who_came_to_two_events_counts_once(organization: Organization, org_staff: User) -> None:
    forum = EventFactory(organizer=organization, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC), capacity=None)
    kurultai = EventFactory(organizer=organization, starts_at=datetime(2026, 9, 20, 9, tzinfo=UTC), capacity=None)
    regular = person("TR")
    RegistrationFactory(event=forum, person=regular)
    RegistrationFactory(event=kurultai, person=regular)
    RegistrationFactory(event=kurultai, person=person("DE"))
    RegistrationFactory(event=kurultai, person=person("DE"), status="waitlisted")
    result = statistics.overview(org_staff, year=2026)
    assert (result.people, result.countries) == (2, 2)
    assert {event.slug: event.participants for event in result.events} == {forum.slug: 1, kurultai.slug: 2}
    assert {row.key: row.registered for row in result.by_country} == {"TR": 1, "DE": 1}


def test_took_part_can_mean_checked_in(organization: Organization, org_staff: User) -> None:
    event = EventFactory(organizer=organization, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC), capacity=None)
    RegistrationFactory(event=event, checked_in_at=CHECKED_IN)
    RegistrationFactory(event=event)
    assert statistics.overview(org_staff, year=2026, kind="confirmed").people == 2
    assert statistics.overview(org_staff, year=2026, kind="attended").people == 1


def test_only_events_of_organizations_the_user_may_see_count(organization: Organization, org_staff: User) -> None:
    ours = EventFactory(organizer=organization, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    theirs = EventFactory(starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    RegistrationFactory(event=ours)
    RegistrationFactory(event=theirs)
    result = statistics.overview(org_staff, year=2026)
    assert [event.pk for event in result.events] == [ours.pk]
    assert result.people == 1


def test_filters_by_year_and_network(organization: Organization, org_staff: User) -> None:
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=organization)
    this_year = EventFactory(organizer=organization, starts_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    last_year = EventFactory(organizer=organization, starts_at=datetime(2025, 11, 21, 9, tzinfo=UTC))
    RegistrationFactory(event=this_year)
    RegistrationFactory(event=last_year)
    assert statistics.overview(org_staff, year=2025).people == 1
    assert statistics.overview(org_staff, year=None, network=network).people == 2
    assert statistics.overview(org_staff, year=None, network=NetworkFactory()).people == 0


def test_the_overview_page_says_how_many_people_from_how_many_countries(
    client: Client, org_staff: User, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    year = datetime.now(UTC).year
    first = EventFactory(organizer=organization, starts_at=datetime(year, 3, 1, 9, tzinfo=UTC))
    second = EventFactory(organizer=organization, starts_at=datetime(year, 4, 1, 9, tzinfo=UTC))
    someone = person("TR")
    RegistrationFactory(event=first, person=someone)
    RegistrationFactory(event=second, person=someone)
    RegistrationFactory(event=second, person=person("HU"))
    client.force_login(org_staff)
    with django_assert_max_num_queries(20):
        response = client.get("/events/statistics/")
    text = " ".join(response.content.decode().split())
    assert f"<strong>2</strong> people from <strong>2</strong> countries took part in our events in {year}" in text
    export = client.get("/events/statistics/", {"export": "csv", "year": year})
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode().lstrip("\ufeff"))))
    assert ["All events", "", "People", "2"] in lines


def test_merged_duplicates_would_count_as_one_person() -> None:
    """The registry may add `Person.merged_into`; the counting key follows it only when the field exists."""
    expression = statistics.person_key()
    if statistics._has_merged_into():
        assert "merged_into" in str(expression)
    else:
        assert str(expression) == "F(person)"
