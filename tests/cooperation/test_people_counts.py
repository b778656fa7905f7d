"""Network-wide counts of distinct people kept row by row (recount.build / reconcile, docs/decisions/0030): one
change moves the number by the person's rows, never by a recount, and the number stays what the named query
counts through new registrations, cancellations, merges, undone merges and deletions."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from tamyr.cooperation import recount, selectors, services
from tamyr.cooperation.models import CountedPerson, Indicator, IndicatorPeriod, PeopleCount
from tamyr.cooperation.queries import QUERIES
from tamyr.events import services as event_services
from tamyr.events.models import Registration
from tamyr.registry import merge
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory, country
from tests.factories.cooperation import PlanWorld

YEAR = (date(2026, 1, 1), date(2026, 12, 31), 10)


def at(month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def soon(day: int) -> datetime:
    """A day still to come in the plan's year (registration is open)."""
    return at(12, day)


def wide(world: PlanWorld, query: str = "unique_participants", params: dict[str, Any] | None = None) -> Indicator:
    """An indicator over the whole network's events (its measure links none), counted once."""
    indicator = services.indicator_create(
        measure=world.measure,
        title={"en": "Counted"},
        unit="people",
        source="computed",
        query=query,
        params=params or {},
        periods=[YEAR],
        acting_user=world.coordinator,
    )
    services.recompute_all()
    return indicator


def period(indicator: Indicator) -> IndicatorPeriod:
    return IndicatorPeriod.objects.select_related("indicator__measure__plan").get(indicator=indicator)


def reference(indicator: Indicator) -> int:
    found = period(indicator)
    return QUERIES[found.indicator.query].count(selectors.scope_of(found))


def actual(indicator: Indicator) -> int:
    return int(period(indicator).actual or 0)


@pytest.fixture
def no_recount(monkeypatch: Any) -> None:
    """After the first count, a change must not count the network's registrations again."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("counted again instead of row by row")

    monkeypatch.setattr(recount, "build", refuse)
    monkeypatch.setattr(recount, "count_specs", refuse)


def register(world: PlanWorld, event: Any, person: Any, capture: Any) -> Registration:
    with capture(execute=True):
        return event_services.registration_create(event=event, person=person, acting_user=world.admin_kz)


def test_the_first_count_lists_the_people_as_rows(world: PlanWorld) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(3), capacity=None)
    for _n in range(3):
        RegistrationFactory(event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("KZ")))
    RegistrationFactory(
        event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("DE"))
    )  # not from a member
    indicator = wide(world)
    kept = period(indicator).counter
    assert kept is not None
    assert kept.number == 3 == CountedPerson.objects.filter(count=kept).count() == actual(indicator)


def test_a_registration_of_someone_new_adds_one_without_a_recount(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=soon(20), capacity=None)
    RegistrationFactory(event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("KZ")))
    indicator = wide(world)
    request.getfixturevalue("no_recount")
    register(
        world,
        forum,
        PersonFactory(registered_by=world.kz, residence_country=country("AZ")),
        django_capture_on_commit_callbacks,
    )
    assert actual(indicator) == 2 == reference(indicator)


def test_a_second_registration_of_a_counted_person_adds_nothing(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=soon(20), capacity=None)
    concert = EventFactory(organizer=world.kz, kind="concert", starts_at=soon(21), capacity=None)
    person = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    RegistrationFactory(event=forum, person=person)
    indicator = wide(world)
    request.getfixturevalue("no_recount")
    register(world, concert, person, django_capture_on_commit_callbacks)
    assert actual(indicator) == 1 == reference(indicator)


def test_a_cancelled_registration_takes_the_person_away_only_when_no_other_counts(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=soon(20), capacity=None)
    concert = EventFactory(organizer=world.kz, kind="concert", starts_at=soon(21), capacity=None)
    person = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    indicator = wide(world)
    request.getfixturevalue("no_recount")
    first = register(world, forum, person, django_capture_on_commit_callbacks)
    second = register(world, concert, person, django_capture_on_commit_callbacks)
    assert actual(indicator) == 1
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=first, acting_user=world.admin_kz)
    assert actual(indicator) == 1 == reference(indicator)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=second, acting_user=world.admin_kz)
    assert actual(indicator) == 0 == reference(indicator)
    assert not CountedPerson.objects.filter(person_id=person.pk).exists()


def test_young_compatriots_are_kept_by_their_age_in_the_events_year(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=soon(20), capacity=None)
    indicator = wide(world, "young_registered", {"max_age": 30, "kind": "forum"})
    request.getfixturevalue("no_recount")
    register(
        world, forum, PersonFactory(registered_by=world.kz, birth_year=1996), django_capture_on_commit_callbacks
    )  # 30 in 2026
    register(
        world, forum, PersonFactory(registered_by=world.kz, birth_year=1995), django_capture_on_commit_callbacks
    )  # 31
    register(world, forum, PersonFactory(registered_by=world.kz, birth_year=None), django_capture_on_commit_callbacks)
    assert actual(indicator) == 1 == reference(indicator)


def test_merging_two_counted_people_counts_them_once_and_undoing_it_twice(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(3), capacity=None)
    concert = EventFactory(organizer=world.az, kind="concert", starts_at=at(4), capacity=None)
    keep = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    twin = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    RegistrationFactory(event=forum, person=keep)
    RegistrationFactory(event=concert, person=twin)
    indicator = wide(world)
    assert actual(indicator) == 2
    request.getfixturevalue("no_recount")
    with django_capture_on_commit_callbacks(execute=True):
        record = merge.person_merge(keep=keep, merge=twin, acting_user=world.admin_kz)
    assert actual(indicator) == 1 == reference(indicator)
    with django_capture_on_commit_callbacks(execute=True):
        merge.person_merge_undo(merge_record=record, acting_user=world.admin_kz)
    assert actual(indicator) == 2 == reference(indicator)


def test_a_deleted_person_or_registration_is_taken_away(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, request: pytest.FixtureRequest
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(3), capacity=None)
    gone = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    RegistrationFactory(event=forum, person=gone)
    deleted = RegistrationFactory(
        event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("TR"))
    )
    RegistrationFactory(event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("AZ")))
    indicator = wide(world)
    assert actual(indicator) == 3
    request.getfixturevalue("no_recount")
    with django_capture_on_commit_callbacks(execute=True):
        Registration.objects.filter(person=gone).delete()
        gone.delete()
    with django_capture_on_commit_callbacks(execute=True):
        deleted.delete()
    assert actual(indicator) == 1 == reference(indicator)


def test_a_new_event_in_the_network_builds_the_count_again(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(3), capacity=None)
    RegistrationFactory(event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("KZ")))
    indicator = wide(world)
    before = period(indicator).counter_id
    newer = EventFactory(organizer=world.kz, kind="talk", starts_at=soon(22), capacity=None)
    register(
        world,
        newer,
        PersonFactory(registered_by=world.kz, residence_country=country("TR")),
        django_capture_on_commit_callbacks,
    )
    assert actual(indicator) == 2 == reference(indicator)
    assert period(indicator).counter_id != before
    assert not PeopleCount.objects.filter(pk=before).exists()  # no period is kept by the old count


def test_periods_counting_the_same_people_share_one_count(world: PlanWorld) -> None:
    RegistrationFactory(
        event=EventFactory(organizer=world.kz, starts_at=at(3), capacity=None),
        person=PersonFactory(registered_by=world.kz, residence_country=country("KZ")),
    )
    first = wide(world)
    second = wide(world)
    assert period(first).counter_id == period(second).counter_id
    assert PeopleCount.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_registrations_of_one_new_person_at_the_same_moment_count_once() -> None:
    """PostgreSQL: two workers reconcile one person at once (two events, two tasks); the person's lock and the
    conflict-free insert keep the person counted once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    world = PlanWorld()
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=soon(20), capacity=None)
    concert = EventFactory(organizer=world.kz, kind="concert", starts_at=soon(21), capacity=None)
    RegistrationFactory(event=forum, person=PersonFactory(registered_by=world.kz, residence_country=country("AZ")))
    indicator = wide(world)
    person = PersonFactory(registered_by=world.kz, residence_country=country("KZ"))
    RegistrationFactory(event=forum, person=person)
    RegistrationFactory(event=concert, person=person)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(event_id: int) -> None:
        try:
            start.wait()
            services.recompute_wide_for_event(event_id=event_id, person_ids=[person.pk])
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(event.pk,)) for event in (forum, concert)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert actual(indicator) == 2 == reference(indicator)
    assert CountedPerson.objects.filter(person_id=person.pk).count() == 1
