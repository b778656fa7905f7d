"""The PostgreSQL refresh (GROUPING SETS over integer codes) gives the same summaries as the portable SQL that runs
on SQLite, on the same facts: people in several organizations, years, quarters, domains, languages, a merge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from tamyr.analytics import aggregates
from tamyr.analytics.models import ActivityMonthly, ReachCountry, ReachLanguage, ReachMonthly, ReachSummary
from tamyr.registry.models import SpokenLanguage
from tests.calls.factories import ApplicationFactory, CallFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, PersonFactory, country
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL path runs on PostgreSQL"),
]

MOMENTS = [datetime(2024, 11, 5, 12, tzinfo=UTC), datetime(2025, 2, 10, 12, tzinfo=UTC),
           datetime(2025, 8, 20, 12, tzinfo=UTC)]  # fmt: skip


def _varied_data() -> None:
    from tamyr.learning.models import Enrollment

    network = NetworkFactory()
    organizations = [OrganizationFactory() for _ in range(3)]
    for member in organizations[:2]:
        NetworkMembershipFactory(network=network, organization=member)
    events = [EventFactory(organizer=org, starts_at=moment) for org in organizations for moment in MOMENTS]
    group = GroupFactory(course=CourseFactory(provider=organizations[1]))
    call = CallFactory(organization=organizations[2])
    codes, genders = ("HU", "TR", "KZ", "IS"), ("female", "male", "", "other")
    people = [
        PersonFactory(
            residence_country=country(codes[n % 4]),
            gender=genders[n % 4],
            birth_year=None if n % 7 == 0 else 1950 + 3 * n + (1 if n % 5 == 0 else 0),
        )
        for n in range(24)
    ]
    for n, person in enumerate(people):
        for k in range(1 + n % 4):
            RegistrationFactory(person=person, event=events[(n * 5 + k * 2) % len(events)])
        if n % 3 == 0:
            Enrollment.objects.create(person=person, group=group, status="active")
        if n % 4 == 1:
            ApplicationFactory(person=person, call=call, status="submitted", submitted_at=MOMENTS[n % 3])
        if n % 2 == 0:
            SpokenLanguage.objects.create(person=person, language=("kk", "ru", "tr")[n % 3])
        if n % 6 == 0:
            SpokenLanguage.objects.create(person=person, language="en")
    people[1].merged_into = people[2]
    people[1].save(update_fields=["merged_into", "updated_at"])


def _snapshot() -> dict[str, Any]:
    return {
        "summary": sorted(
            ReachSummary.objects.values_list(
                "scope", "scope_id", "period", "domain", "country", "age_band", "gender", "people"
            )
        ),
        "country": sorted(
            ReachCountry.objects.values_list("scope", "scope_id", "period", "domain", "country", "gender", "people")
        ),
        "language": sorted(ReachLanguage.objects.values_list("scope", "scope_id", "period", "language", "people")),
        "monthly": sorted(ReachMonthly.objects.values_list("scope", "scope_id", "month", "people")),
        "activity": sorted(ActivityMonthly.objects.values_list("organization_id", "month", "measure", "value")),
    }


@pytest.mark.parametrize(("arrays", "chunk_facts"), [(True, aggregates.CHUNK_FACTS), (False, aggregates.CHUNK_FACTS),
                                                     (False, 7)])  # fmt: skip
def test_the_postgres_and_portable_summaries_agree(
    arrays: bool, chunk_facts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted by sorting arrays, by SQL in one chunk, and by SQL in chunks of a few people each (the chunks'
    sums): the same figures as the portable SQL."""
    monkeypatch.setattr(aggregates, "COUNT_WITH_ARRAYS", arrays)
    monkeypatch.setattr(aggregates, "CHUNK_FACTS", chunk_facts)
    _varied_data()
    aggregates.refresh(full=True)
    if chunk_facts == 7:
        with connection.cursor() as cursor:
            assert len(aggregates._person_chunks(cursor)) > 5
    fast = _snapshot()
    assert len(fast["summary"]) > 50 and fast["language"]
    with connection.cursor() as cursor:
        aggregates._rebuild_summaries_portable(cursor)
        aggregates._rebuild_countries(cursor)
        aggregates._rebuild_activity(cursor)
    assert _snapshot() == fast


def test_a_second_full_refresh_keeps_the_facts_indexes() -> None:
    _varied_data()
    aggregates.refresh(full=True)
    aggregates.refresh(full=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'analytics_reachfact'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"analytics_reachfact_grain", "analytics_fact_org_month"} <= names


def test_the_postgres_fact_load_gives_the_portable_facts() -> None:
    """The full refresh's grouped load (`_facts_select_postgres`) and the portable SELECT give the same facts:
    country, gender and age band of the surviving record (one person is merged)."""
    _varied_data()
    columns = "person_id, organization_id, month, kind, country, age_band, gender, count"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ({aggregates._facts_select_postgres()}) f({columns})")
        fast = sorted(cursor.fetchall())
        cursor.execute(aggregates._facts_select(affected_only=False))
        portable = sorted(cursor.fetchall())
    assert len(fast) > 40
    assert fast == portable


def test_keys_too_wide_to_pack_fall_back_to_the_sql_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    from tamyr.analytics import counting

    _varied_data()
    aggregates.refresh(full=True)
    expected = _snapshot()
    monkeypatch.setattr(counting, "PERSON_BITS", 1)  # person ids more than 2 apart: the packed keys overflow
    aggregates.refresh(full=True)
    assert _snapshot() == expected
