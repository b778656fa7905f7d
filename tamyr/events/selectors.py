"""Reads of events, with joins applied here so list pages and endpoints run a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tamyr.accounts import permissions
from tamyr.core import rows
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.events.models import (
    Delegation,
    Event,
    EventStatus,
    Question,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from tamyr.registry.models import Person


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    # distinct: filters through co-organizers or networks join several rows per event, which would multiply counts
    return qs.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED), distinct=True
        ),
    )


def event_list(
    *,
    user: Any = None,
    search: str = "",
    country: str = "",
    kind: str = "",
    organizer: str = "",
    network: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    online: bool | None = None,
    include_drafts: bool = False,
) -> QuerySet[Event]:
    """Public events (and the user's own drafts when `include_drafts`), filtered as the list page offers."""
    qs = Event.objects.select_related("organizer", "venue", "venue__country").prefetch_related("co_organizers")
    visible = Q(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    if include_drafts and user is not None:
        scope = permissions.people_write_scope(user)
        if scope is None:
            visible = Q()
        elif scope:
            visible |= Q(organizer_id__in=scope) | Q(co_organizers__in=scope)
    qs = qs.filter(visible)
    if search:
        condition = Q(slug__icontains=search)
        for code in LANGUAGE_CODES:
            condition |= Q(**{f"title__{code}__icontains": search})
        qs = qs.filter(condition)
    if country:
        qs = qs.filter(venue__country_id=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if organizer:
        qs = qs.filter(Q(organizer__slug=organizer) | Q(co_organizers__slug=organizer))
    if network:
        qs = qs.filter(Q(organizer__networks__slug=network) | Q(co_organizers__networks__slug=network))
    if date_from:
        qs = qs.filter(ends_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        qs = qs.filter(starts_at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    if online is True:
        qs = qs.exclude(online_url="")
    elif online is False:
        qs = qs.filter(online_url="")
    return _with_counts(qs.distinct()).order_by("-starts_at", "slug")


def event_get(slug: str) -> Event:
    return (
        _with_counts(Event.objects.filter(slug=slug))
        .select_related("organizer", "venue", "venue__country")
        .prefetch_related(
            "co_organizers",
            "co_chairs",
            "categories",
            "questions",
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("venue").prefetch_related(
                    Prefetch("speakers", queryset=SessionSpeaker.objects.select_related("person")),
                    "materials",
                ),
            ),
            Prefetch(
                "delegations",
                queryset=Delegation.objects.select_related("country", "organization", "head").annotate(
                    member_count=Count(
                        "registrations",
                        filter=Q(registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]),
                    )
                ),
            ),
            "photos",
        )
        .get()
    )


def registrations_of_event(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .select_related("person", "person__residence_country", "category", "delegation", "organization")
        .order_by("status", "created_at", "id")
    )


def registrations_of_person(person: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("event", "event__venue", "category")
        .order_by("-event__starts_at")
    )


def registration_for(event: Event, person: Any) -> Registration | None:
    if person is None:
        return None
    return Registration.objects.filter(event=event, person=person).first()


# --- the seat decision ---------------------------------------------------------------------------------------------
# Plain SQL: these run on every registration of a burst, where building the equivalent ORM queries cost more
# processor time than the database spends answering them. Both statements are portable (SQLite and PostgreSQL).


FormShape = tuple[bool, bool, bool]
"""(whether the event has categories, whether it has questions, whether the person has a registration row at it,
active or not)."""


def _shape_sql(person_id: str) -> str:
    categories, questions = RegistrationCategory._meta.db_table, Question._meta.db_table
    registrations, events = Registration._meta.db_table, Event._meta.db_table
    return (  # table names from the models
        f"EXISTS (SELECT 1 FROM {categories} WHERE event_id = {events}.id), "
        f"EXISTS (SELECT 1 FROM {questions} WHERE event_id = {events}.id), "
        f"EXISTS (SELECT 1 FROM {registrations} WHERE event_id = {events}.id AND person_id = {person_id})"
    )


def registration_form_shape(event: Event, person: Any) -> FormShape:
    """The `FormShape` of `person` at `event`, in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_shape_sql('%s')} FROM {Event._meta.db_table} WHERE id = %s", [person.pk, event.pk])
        has_categories, has_questions, registered = cursor.fetchone()
    return bool(has_categories), bool(has_questions), bool(registered)


def registration_start(slug: str, user_id: Any) -> tuple[Event | None, Person | None, FormShape | None]:
    """What registering the signed-in user needs first, in one round trip: the event with this slug (None when there
    is none), the user's person record (None when they have none) and, with both, their `FormShape`."""
    events, people = Event._meta.db_table, Person._meta.db_table
    event_columns, event_width = rows.columns(Event)
    person_columns, person_width = rows.columns(Person)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {event_columns}, {person_columns}, {_shape_sql(f'{people}.id')} "
            f"FROM {events} LEFT JOIN {people} ON {people}.user_id = %s WHERE {events}.slug = %s LIMIT 1",
            [user_id, slug],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None, None
    event = rows.build(Event, row[:event_width])
    person_row = row[event_width : event_width + person_width]
    if person_row[0] is None:
        return event, None, None
    has_categories, has_questions, registered = row[event_width + person_width :]
    return event, rows.build(Person, person_row), (bool(has_categories), bool(has_questions), bool(registered))


SEAT_FIELDS = (
    "status", "is_public", "ends_at", "capacity", "registration_opens_at", "registration_closes_at",
    "requires_approval", "waiting_list",
)  # fmt: skip
"""What the seat decision reads from the event row once it is locked."""


def lock_for_seats(event: Event) -> None:
    """Lock the event row and read its `SEAT_FIELDS` again into `event`: an organizer may have changed them
    meanwhile. PostgreSQL: `FOR NO KEY UPDATE`, which every other seat decision and every change of the event
    waits for, but not the foreign-key checks of registrations committing meanwhile. SQLite: the transaction's
    `BEGIN IMMEDIATE` already holds the database."""
    locked = rows.load(Event, "id = %s", [event.pk], lock="no key update")
    if locked is None:
        raise Event.DoesNotExist
    for name in SEAT_FIELDS:
        setattr(event, name, getattr(locked, name))


def seat_free_sql(event: Event, category: RegistrationCategory | None) -> tuple[str, list[Any]]:
    """An SQL condition that holds when a seat is free at `event` (and in `category`) and its parameters; true when
    there is no limit. Meaningful only in a statement sent after the event row was locked (`lock_for_seats`): on
    PostgreSQL a statement sees what was committed before it began, so the lock and the count cannot be one
    statement."""
    table = Registration._meta.db_table
    confirmed = RegistrationStatus.CONFIRMED.value
    limits: list[str] = []
    params: list[Any] = []
    if event.capacity is not None:
        limits.append(f"(SELECT COUNT(*) FROM {table} WHERE event_id = %s AND status = %s) < %s")
        params += [event.pk, confirmed, event.capacity]
    if category is not None and category.capacity is not None:
        limits.append(f"(SELECT COUNT(*) FROM {table} WHERE event_id = %s AND status = %s AND category_id = %s) < %s")
        params += [event.pk, confirmed, category.pk, category.capacity]
    return " AND ".join(limits) or "1 = 1", params


def seat_free(event: Event, category: RegistrationCategory | None) -> bool:
    """Whether a seat is free at `event` (and in `category`), by `seat_free_sql`: call it with the event locked."""
    seat, params = seat_free_sql(event, category)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE WHEN {seat} THEN 1 ELSE 0 END", params)
        (free,) = cursor.fetchone()
    return bool(free)
