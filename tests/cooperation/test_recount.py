"""Counting many indicators at once (recount.py) gives the numbers the named queries give one by one, in a fixed
number of queries; a change recounts only the indicators that may count it; bursts enqueue one recount."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tamyr.cooperation import recount, selectors, services, tasks
from tamyr.cooperation.models import Indicator, IndicatorPeriod
from tamyr.cooperation.queries import QUERIES
from tamyr.events import services as event_services
from tamyr.events.models import Registration
from tamyr.events.signals import registrations_changed
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory, country
from tests.factories.cooperation import MeasureFactory, PlanWorld
from tests.learning.factories import CourseFactory, EnrollmentFactory, GroupFactory

YEAR = (date(2026, 1, 1), date(2026, 12, 31), 10)
HALVES = [(date(2026, 1, 1), date(2026, 6, 30), 10), (date(2026, 7, 1), date(2026, 12, 31), 10)]


def at(month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def computed(
    world: PlanWorld, measure: Any, query: str, params: dict[str, Any] | None = None, periods: Any = None
) -> Indicator:
    return services.indicator_create(
        measure=measure,
        title={"en": "Counted"},
        unit="people",
        source="computed",
        query=query,
        params=params or {},
        periods=periods or [YEAR],
        acting_user=world.coordinator,
    )


def measure(world: PlanWorld, code: str) -> Any:
    return MeasureFactory(direction=world.direction, plan=world.plan, code=code, lead=world.kz)


def one_by_one(period: IndicatorPeriod) -> int:
    """The straightforward count: the named query for this one period."""
    return QUERIES[period.indicator.query].count(selectors.scope_of(period))


def computed_at(indicator: Indicator) -> list[datetime | None]:
    return list(
        IndicatorPeriod.objects.filter(indicator=indicator).order_by("starts_on").values_list("computed_at", flat=True)
    )


@pytest.mark.parametrize("probe_pairs", [0, 10_000], ids=["people-gathered", "people-looked-up"])
def test_counting_all_at_once_gives_the_numbers_of_the_queries_one_by_one(
    world: PlanWorld, probe_pairs: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr(recount, "PROBE_PAIRS", probe_pairs)
    rng = random.Random(13)
    kinds = ["training", "forum", "concert"]
    events = [
        EventFactory(
            organizer=rng.choice([world.kz, world.az, world.tr, world.hu]),
            kind=rng.choice(kinds),
            starts_at=at(rng.randint(1, 12), rng.randint(1, 28)),
            capacity=None,
            status=rng.choice(["published", "published", "cancelled"]),
        )
        for _ in range(12)
    ]
    events.append(EventFactory(kind="training", starts_at=at(4), capacity=None))  # outside the network
    codes = ["KZ", "AZ", "TR", "HU", "DE"]
    people = []
    for _ in range(40):
        person = PersonFactory(residence_country=country(rng.choice(codes)), birth_year=rng.randint(1960, 2015))
        if rng.random() < 0.3:
            person.citizenships.add(country(rng.choice(codes)))
        people.append(person)
    for person in people:
        for event in rng.sample(events, rng.randint(0, 4)):
            RegistrationFactory(
                event=event, person=person, status=rng.choice(["confirmed", "confirmed", "pending", "cancelled"])
            )
    courses = [CourseFactory(provider=rng.choice([world.kz, world.az])) for _ in range(3)]
    for person in people:
        course = rng.choice(courses)
        done = rng.random() < 0.6
        EnrollmentFactory(
            group=GroupFactory(course=course, capacity=None),
            person=person,
            status="completed" if done else "active",
            completed_at=at(rng.randint(1, 12)) if done else None,
        )
    linked = measure(world, "2.2")
    linked.events.add(*events[:4])
    with_course = measure(world, "2.3")
    with_course.courses.add(courses[0])
    for owner in (world.measure, linked):
        computed(world, owner, "unique_participants", periods=HALVES)
        computed(world, owner, "unique_participants", {"kind": "training"})
        computed(world, owner, "unique_participants", {"countries": ["DE", "hu"]})
        computed(world, owner, "young_registered", periods=HALVES)
        computed(world, owner, "young_registered", {"max_age": 25, "min_age": 18, "member_states": True})
    computed(world, world.measure, "courses_completed", periods=HALVES)
    computed(world, with_course, "courses_completed", {"countries": ["KZ"]})

    IndicatorPeriod.objects.update(actual=None, computed_at=None)
    assert services.recompute_all() == IndicatorPeriod.objects.count()

    periods = list(IndicatorPeriod.objects.select_related("indicator__measure__plan"))
    assert len(periods) == 17
    assert [(p.pk, int(p.actual or 0)) for p in periods] == [(p.pk, one_by_one(p)) for p in periods]
    assert any(p.actual for p in periods)  # the comparison is not between zeros only


def test_counting_every_indicator_takes_the_same_queries_for_many_indicators(
    world: PlanWorld, django_assert_max_num_queries: Any
) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(3), capacity=None)
    RegistrationFactory(event=training, person=PersonFactory(residence_country=country("KZ")))
    computed(world, world.measure, "unique_participants")
    computed(world, world.measure, "young_registered")
    with django_assert_max_num_queries(26):
        services.recompute_all()
    for n in range(30):
        owner = measure(world, f"3.{n}")
        owner.events.add(EventFactory(organizer=world.az, kind="forum", starts_at=at(5), capacity=None))
        computed(world, owner, "unique_participants", periods=HALVES)
        computed(world, owner, "young_registered", {"kind": "forum"})
    with django_assert_max_num_queries(26):
        assert services.recompute_all() == 2 + 30 * 3


def test_a_new_registration_recounts_only_the_indicators_that_may_count_its_event(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    elsewhere = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    links_it = measure(world, "2.2")
    links_it.events.add(forum)
    links_another = measure(world, "2.3")
    links_another.events.add(elsewhere)
    touched = [
        computed(world, links_it, "unique_participants"),
        computed(world, world.measure, "unique_participants"),  # the network's events: the forum is one
        computed(world, world.measure, "young_registered", {"kind": "forum"}),
    ]
    untouched = [
        computed(world, links_another, "unique_participants"),  # counts its own event only
        computed(world, world.measure, "unique_participants", {"kind": "training"}),
        computed(world, world.measure, "courses_completed"),
    ]
    halves = computed(world, links_it, "unique_participants", periods=HALVES)
    before = {indicator.pk: computed_at(indicator) for indicator in [*touched, *untouched, halves]}
    person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz, birth_year=2000)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(event=forum, person=person, acting_user=world.admin_kz)

    for indicator in touched:
        assert computed_at(indicator) != before[indicator.pk], indicator
    for indicator in untouched:
        assert computed_at(indicator) == before[indicator.pk], indicator
    first_half, second_half = computed_at(halves)
    assert (first_half, second_half != before[halves.pk][1]) == (before[halves.pk][0], True)
    assert [IndicatorPeriod.objects.get(indicator=i).actual for i in touched] == [Decimal(1), Decimal(1), Decimal(1)]


def test_the_periods_that_may_count_an_event_leave_out_other_kinds_and_other_links(world: PlanWorld) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    other = measure(world, "2.2")
    other.events.add(EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None))
    network = computed(world, world.measure, "unique_participants")
    computed(world, world.measure, "unique_participants", {"kind": "training"})
    computed(world, other, "unique_participants")
    found = set(selectors.computed_periods_for_event(forum.pk).values_list("indicator_id", flat=True))
    assert found == {network.pk}


def test_a_completion_recounts_only_the_indicators_that_may_count_its_course(world: PlanWorld) -> None:
    course = CourseFactory(provider=world.kz)
    links_another = measure(world, "2.2")
    links_another.courses.add(CourseFactory(provider=world.kz))
    network = computed(world, world.measure, "courses_completed")
    computed(world, links_another, "courses_completed")
    found = set(selectors.computed_periods_for_course(course.pk).values_list("indicator_id", flat=True))
    assert found == {network.pk}


def test_changes_while_a_recount_waits_enqueue_nothing_more() -> None:
    key = tasks.event_key(987654)
    assert tasks.mark_pending(key) is True
    assert tasks.mark_pending(key) is False
    assert tasks.mark_pending(key) is False
    tasks._clear(key)
    assert tasks.mark_pending(key) is True
    tasks._clear(key)


def test_a_mark_left_by_a_lost_recount_no_longer_holds_changes_back() -> None:
    from huey.contrib.djhuey import HUEY

    key = tasks.event_key(987655)
    HUEY.put(key, 0.0)  # marked long ago: its task never ran
    assert tasks.mark_pending(key) is True
    assert tasks.mark_pending(key) is False
    tasks._clear(key)


def changed_without_people(event_id: int) -> None:
    """A change whose people the sender does not know (`person_ids` absent): the recount path."""
    registrations_changed.send(sender=Registration, event_id=event_id, changed_at=timezone.now())


def test_a_burst_of_changes_of_unknown_people_enqueues_one_recount(world: PlanWorld, monkeypatch: Any) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    computed(world, world.measure, "unique_participants")
    enqueued: list[int] = []
    monkeypatch.setattr(tasks, "recompute_for_event", lambda event_id, changed_at, people: enqueued.append(event_id))
    monkeypatch.setattr(tasks, "recompute_wide_for_event", lambda event_id, changed_at, people: None)
    for _ in range(5):
        RegistrationFactory(event=forum, person=PersonFactory(residence_country=country("KZ")))
        changed_without_people(forum.pk)
    assert enqueued == [forum.pk]
    tasks._clear(tasks.event_key(forum.pk))
    tasks._clear(tasks.wide_key(forum.pk))


def test_each_registration_reconciles_its_person_without_a_recount(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    links_it = measure(world, "2.2")
    links_it.events.add(forum)
    linked = computed(world, links_it, "unique_participants")
    wide = computed(world, world.measure, "unique_participants")
    services.recompute_all()  # the counts are built: from now on every change is a person's rows

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("counted again instead of row by row")

    monkeypatch.setattr(recount, "build", refuse)
    monkeypatch.setattr(recount, "count_specs", refuse)
    for _ in range(3):
        person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz)
        with django_capture_on_commit_callbacks(execute=True):
            event_services.registration_create(event=forum, person=person, acting_user=world.admin_kz)
    assert IndicatorPeriod.objects.get(indicator=linked).actual == 3
    assert IndicatorPeriod.objects.get(indicator=wide).actual == 3


def test_a_recount_sees_the_changes_made_while_it_waited(world: PlanWorld, monkeypatch: Any) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    links_it = measure(world, "2.2")
    links_it.events.add(forum)
    indicator = computed(world, links_it, "unique_participants")
    waiting: list[tuple[int, datetime, None]] = []
    monkeypatch.setattr(
        tasks,
        "recompute_for_event",
        lambda event_id, changed_at, people: waiting.append((event_id, changed_at, people)),
    )
    monkeypatch.setattr(tasks, "recompute_wide_for_event", lambda event_id, changed_at, people: None)
    for _ in range(3):
        RegistrationFactory(event=forum, person=PersonFactory(residence_country=country("KZ")))
        changed_without_people(forum.pk)
    monkeypatch.undo()
    assert len(waiting) == 1
    tasks.recompute_for_event(*waiting[0])  # the worker runs it now (immediately in tests)
    assert IndicatorPeriod.objects.get(indicator=indicator).actual == 3
    assert tasks.mark_pending(tasks.event_key(forum.pk)) is True  # cleared: the next change enqueues again
    tasks._clear(tasks.event_key(forum.pk))
    tasks._clear(tasks.wide_key(forum.pk))


def test_a_count_never_overwrites_a_later_one(world: PlanWorld) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    indicator = computed(world, world.measure, "unique_participants")
    period = IndicatorPeriod.objects.get(indicator=indicator)
    later = timezone.now() + timedelta(minutes=5)
    IndicatorPeriod.objects.filter(pk=period.pk).update(actual=7, computed_at=later)
    RegistrationFactory(event=forum, person=PersonFactory(residence_country=country("KZ")))
    assert services.recount([period.pk]) == 0
    assert IndicatorPeriod.objects.get(pk=period.pk).actual == 7


def test_the_indicators_over_the_whole_network_are_recounted_by_a_task_of_their_own(
    world: PlanWorld, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    forum = EventFactory(organizer=world.kz, kind="forum", starts_at=at(9), capacity=None)
    links_it = measure(world, "2.2")
    links_it.events.add(forum)
    linked = computed(world, links_it, "unique_participants")
    wide = computed(world, world.measure, "unique_participants")
    later: list[tuple[int, datetime, list[int] | None]] = []
    monkeypatch.setattr(
        tasks,
        "recompute_wide_for_event",
        lambda event_id, changed_at, person_ids: later.append((event_id, changed_at, person_ids)),
    )
    person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(event=forum, person=person, acting_user=world.admin_kz)
    assert IndicatorPeriod.objects.get(indicator=linked).actual == 1
    assert IndicatorPeriod.objects.get(indicator=wide).actual != 1  # not yet: its task waits in the queue
    monkeypatch.undo()
    assert [(event_id, people) for event_id, _at, people in later] == [(forum.pk, [person.pk])]
    tasks.recompute_wide_for_event(*later[0])
    assert IndicatorPeriod.objects.get(indicator=wide).actual == 1
