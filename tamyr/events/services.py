"""Writes for events. Registration never oversells: every seat decision happens with the event row locked.

On PostgreSQL the lock is `SELECT … FOR NO KEY UPDATE` on the event (changes of the event take it `FOR UPDATE`);
on SQLite every transaction starts with `BEGIN IMMEDIATE` (settings), which serializes writers the same way. The
seats are counted by one SQL condition, `selectors.seat_free_sql`, in a statement sent after the lock.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit, questions, rows
from tamyr.core import uploads as storage
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import clean_translations
from tamyr.core.models import AuditEntry
from tamyr.events import selectors
from tamyr.events.models import (
    ACTIVE_STATUSES,
    Delegation,
    Event,
    EventStatus,
    Invitation,
    Question,
    Registration,
    RegistrationCategory,
    RegistrationFile,
    RegistrationStatus,
)
from tamyr.events.signals import checked_in, registrations_changed
from tamyr.registry.models import Organization, Person
from tamyr.registry.services import require_person_in_reach

EVENT_EDITABLE = (
    "title", "description", "kind", "is_public", "organizer", "venue", "online_url", "time_zone", "starts_at",
    "ends_at", "banner", "capacity", "registration_opens_at", "registration_closes_at", "cancellation_closes_at",
    "requires_approval", "waiting_list",
)  # fmt: skip


def require_person(acting_user: Any, person: Person, *, field: str) -> None:
    """`registry.services.require_person_in_reach`, except for the system: a reviewed network file loaded by
    `tamyr load` or the demo names speakers, co-chairs and heads by key, and `can()` allows the system everything,
    while the registry's reach (a signed-in user's organizations) has no notion of it."""
    if acting_user is not permissions.SYSTEM:
        require_person_in_reach(acting_user, person, field=field)


def _notify(registration: Registration, kind: str) -> None:
    from tamyr.events.tasks import notify_registration

    registration_id, event_id, person_id = registration.pk, registration.event_id, registration.person_id
    transaction.on_commit(lambda: notify_registration(registration_id, kind))
    transaction.on_commit(
        lambda: registrations_changed.send(
            sender=Registration, event_id=event_id, changed_at=timezone.now(), person_ids=[person_id]
        )
    )


# --- events ----------------------------------------------------------------------

#: What a participant's calendar entry shows: a change to one of these raises the entry's SEQUENCE and sends the
#: confirmed participants the updated entry.
CALENDAR_FIELDS = frozenset({"title", "description", "starts_at", "ends_at", "venue", "online_url", "time_zone"})


def _check_event_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for key in ("title", "description"):
        if key in cleaned:
            try:
                cleaned[key] = clean_translations(cleaned[key])
            except ValueError as error:
                raise DomainError(str(error), field=key) from error
    if "title" in cleaned and not cleaned["title"]:
        raise DomainError(_("Give the event a title in at least one language."), field="title")
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    for key, moment in (("starts_at", starts), ("ends_at", ends)):
        # before 1900 a time zone's offset is local mean time (+03:19:24 in Baku): no calendar or API date takes it
        if moment and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise DomainError(
                _("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
                field=key,
            )
    if starts and ends and ends < starts:
        raise DomainError(_("The event cannot end before it starts."), field="ends_at")
    return cleaned


#: The years an event may fall in.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

#: Addresses under /events/ that pages use; an event cannot take them as its slug.
RESERVED_SLUGS = frozenset({"new", "statistics", "calendar", "mine", "feeds", "invitations", "registrations"})


@transaction.atomic
def event_create(*, slug: str, acting_user: Any, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if slug in RESERVED_SLUGS:
        raise DomainError(_("The address %(slug)s is reserved; choose another.") % {"slug": slug}, field="slug")
    if Event.objects.filter(slug=slug).exists():
        raise DomainError(_("An event with the address %(slug)s already exists.") % {"slug": slug}, field="slug")
    organizer = fields.get("organizer")
    if organizer is None or not permissions.can(acting_user, "events.add_event", organizer):
        raise NotAllowed(_("You can only create events for organizations where you are admin or staff."))
    if fields.get("banner"):
        fields["banner"] = storage.check(fields["banner"], storage.BANNER, field="banner")
    cleaned = _check_event_fields(fields)
    if cleaned.get("venue") is not None and "time_zone" not in fields:
        cleaned["time_zone"] = cleaned["venue"].time_zone
    event = Event.objects.create(slug=slug, **cleaned)
    audit.record(acting_user, "events.event_created", event)
    return event


@transaction.atomic
def event_update(*, event: Event, acting_user: Any, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_EDITABLE)
    if unknown:
        raise DomainError(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    organizer = fields.get("organizer")
    if (
        organizer is not None
        and organizer.pk != event.organizer_id
        and not permissions.can(acting_user, "events.add_event", organizer)
    ):
        raise NotAllowed(_("You can only hand an event to an organization where you are admin or staff."))
    cleaned = _check_event_fields({"starts_at": event.starts_at, "ends_at": event.ends_at, **fields})
    changed = []
    for key, value in cleaned.items():
        if key == "banner" and value:
            storage.replace(event, "banner", value, storage.BANNER)  # the old banner goes after the commit
            changed.append(key)
        elif key in fields and getattr(event, key) != value:
            setattr(event, key, value)
            changed.append(key)
    moved = CALENDAR_FIELDS.intersection(changed)
    if moved:
        event.calendar_sequence += 1
    if changed:
        event.save()
        audit.record(acting_user, "events.event_changed", event, fields=sorted(changed))
        if "capacity" in changed:
            _promote_waitlisted(event)
    if moved and event.status == EventStatus.PUBLISHED:
        for registration in event.registrations.filter(status=RegistrationStatus.CONFIRMED):
            _notify(registration, "event_changed")
    return event


@transaction.atomic
def event_publish(*, event: Event, acting_user: Any) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("A cancelled event cannot be published again; create a new one."), code="cancelled")
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    audit.record(acting_user, "events.event_published", event)
    return event


@transaction.atomic
def event_cancel(*, event: Event, acting_user: Any, reason: str = "") -> Event:
    """Cancel the event and tell everyone who is registered, in their language."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        return event
    event.status = EventStatus.CANCELLED
    event.calendar_sequence += 1
    event.save(update_fields=["status", "calendar_sequence", "updated_at"])
    for registration in event.registrations.filter(status__in=ACTIVE_STATUSES):
        _notify(registration, "event_cancelled")
    audit.record(acting_user, "events.event_cancelled", event, reason=reason)
    return event


# --- seats -----------------------------------------------------------------------


def has_seat(event: Event, category: RegistrationCategory | None) -> bool:
    """Call only with the event locked (inside a service)."""
    return selectors.seat_free(event, category)


def _promote_waitlisted(event: Event) -> list[Registration]:
    """Give freed seats to the waiting list, first come first served, respecting category limits."""
    promoted: list[Registration] = []
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).select_related("category")
    for registration in waiting.order_by("waitlisted_at", "id"):
        if not has_seat(event, None):
            break
        if not has_seat(event, registration.category):
            continue
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit.record(None, "events.registration_promoted", registration)
        _notify(registration, "promoted")
        promoted.append(registration)
    return promoted


# --- registration -----------------------------------------------------------------


def _clean_answers(
    event: Event, answers: Mapping[str, Any], files: Mapping[str, UploadedFile]
) -> tuple[dict[str, Any], dict[int, storage.CheckedFile]]:
    """Answers keyed by question id (as a string); every error names its question (`core.questions`)."""
    return questions.clean_answers(event.questions.all(), answers, files, policy=storage.ANSWER)


def _check_open(
    event: Event, *, person: Person, acting_user: Any, on_behalf: bool, invitation: Invitation | None, now: datetime
) -> None:
    """The event takes this registration now: published, within its window, open or by invitation, one's own."""
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(_("Registration is closed: the event is not published."), code="not_published")
    if on_behalf:
        return
    if event.registration_opens_at and now < event.registration_opens_at:
        raise DomainError(_("Registration has not opened yet."), code="not_open")
    if event.registration_closes_at and now > event.registration_closes_at:
        raise DomainError(_("The registration deadline has passed."), code="deadline_passed")
    if now > event.ends_at:
        raise DomainError(_("This event is over."), code="event_over")
    if not event.is_public and invitation is None:
        raise DomainError(
            _("This event is by invitation only. Use the link in your invitation."), code="invitation_only"
        )
    if person.user_id is None or person.user_id != getattr(acting_user, "pk", None):
        raise NotAllowed(_("You can register only yourself."))


@transaction.atomic
def registration_create(
    *,
    event: Event,
    person: Person,
    acting_user: Any,
    category: RegistrationCategory | None = None,
    delegation: Delegation | None = None,
    organization: Organization | None = None,
    answers: Mapping[str, Any] | None = None,
    files: Mapping[str, UploadedFile] | None = None,
    invitation: Invitation | None = None,
    language: str = "",
    now: datetime | None = None,
    form_shape: selectors.FormShape | None = None,
) -> Registration:
    """Register a person, or put them on the waiting list (or up for approval) when that is the rule.

    Organizers registering someone skip the registration window and the approval step; so do organizers
    registering themselves, which is why the organizer check (two queries) runs only when a rule would otherwise
    refuse: a compatriot registering in a burst never pays for it.

    What does not depend on the seats (the permission, the category, the answers) is checked before the event row
    is locked, so the lock is held only for the seat decision: in a burst every registration waits for it in turn.
    The window and status checks run again on the locked row, which may have changed meanwhile.

    `form_shape`: the person's `selectors.FormShape` at the event, when the caller has read it already.
    """
    now = now or timezone.now()
    own = person.user_id is not None and person.user_id == getattr(acting_user, "pk", None)
    if not own:
        require_person_in_reach(acting_user, person, field="person")
    organizer: list[bool] = []

    def is_organizer() -> bool:
        if not organizer:
            organizer.append(permissions.can(acting_user, "events.manage_registrations", event))
        return organizer[0]

    def check_open(event: Event) -> bool:
        """Whether the registration goes ahead as an organizer's (the rules were bent); raises when it may not."""
        if not own:
            bent = is_organizer()
            _check_open(event, person=person, acting_user=acting_user, on_behalf=bent, invitation=invitation, now=now)
            return bent
        try:
            _check_open(event, person=person, acting_user=acting_user, on_behalf=False, invitation=invitation, now=now)
        except DomainError as refusal:
            if refusal.code == "not_published" or not is_organizer():
                raise
            return True
        return False

    on_behalf = check_open(event)
    if category is not None and category.event_id != event.pk:
        raise DomainError(_("Choose a category of this event."), field="category")
    has_categories, has_questions, registered = form_shape or selectors.registration_form_shape(event, person)
    if category is None and has_categories:
        raise DomainError(_("Choose a category."), field="category")
    cleaned, uploads = _clean_answers(event, answers or {}, files or {}) if has_questions else ({}, {})
    if invitation is not None:
        delegation = delegation or invitation.delegation

    def check_locked(own_row: Registration | None) -> bool:
        """The checks that need the event locked; returns `on_behalf` again (the locked row may bend rules)."""
        bent = check_open(event) or on_behalf
        if invitation is not None and (invitation.event_id != event.pk or invitation.accepted_at is not None):
            raise DomainError(_("This invitation is not valid for this event."), code="bad_invitation")
        if delegation is not None:
            if delegation.event_id != event.pk:
                raise DomainError(_("Choose a delegation of this event."), field="delegation")
            members = delegation.registrations.filter(status__in=ACTIVE_STATUSES)
            if own_row is not None:
                members = members.exclude(pk=own_row.pk)
            if delegation.size_limit is not None and members.count() >= delegation.size_limit:
                raise DomainError(_("This delegation has no seats left."), code="delegation_full")
        return bent

    if not registered and connections[Registration.objects.db].vendor == "postgresql":
        # PostgreSQL: the lock, the seat and the audit row in one round trip; the checks follow on the locked row,
        # and a refusal takes the registration back with the transaction.
        rules = (event.capacity, event.requires_approval, event.waiting_list)
        needs_approval = event.requires_approval and not (on_behalf or is_organizer())
        registration = Registration(event=event, person=person, status=RegistrationStatus.PENDING)
        _fill(registration, category, delegation, organization, cleaned, language, acting_user if on_behalf else None)
        entry = audit.unsaved(
            acting_user, "events.registration_created", registration, f"{person} — {event}", on_behalf=on_behalf
        )
        try:
            status = _lock_and_insert(registration, entry, event, category, needs_approval=needs_approval, now=now)
        except IntegrityError as error:
            raise _one_registration_per_person(error, person) from error
        if rules != (event.capacity, event.requires_approval, event.waiting_list):
            raise DomainError(_("The event's registration rules changed just now. Please try again."), code="changed")
        on_behalf = check_locked(registration)
        if status == RegistrationStatus.WAITLISTED and not event.waiting_list:
            raise DomainError(_("The event is full."), code="full")
    elif not registered:
        selectors.lock_for_seats(event)
        on_behalf = check_locked(None)
        needs_approval = event.requires_approval and not (on_behalf or is_organizer())
        registration = Registration(event=event, person=person, status=RegistrationStatus.PENDING)
        _fill(registration, category, delegation, organization, cleaned, language, acting_user if on_behalf else None)
        try:
            if needs_approval:
                rows.insert(registration)
                status = RegistrationStatus.PENDING
            else:
                status = _insert_taking_seat(registration, event, category, now)
        except IntegrityError as error:
            raise _one_registration_per_person(error, person) from error
        if status == RegistrationStatus.WAITLISTED and not event.waiting_list:
            raise DomainError(_("The event is full."), code="full")  # and the row goes with the transaction
        audit.record_named(
            acting_user,
            "events.registration_created",
            registration,
            f"{person} — {event}",
            status=status,
            on_behalf=on_behalf,
        )
    else:
        selectors.lock_for_seats(event)
        on_behalf = check_locked(None)
        needs_approval = event.requires_approval and not (on_behalf or is_organizer())
        registration, status = _register_again(event, person, category, needs_approval=needs_approval, now=now)
        on_behalf = on_behalf or (not own and is_organizer())
        _fill(registration, category, delegation, organization, cleaned, language, acting_user if on_behalf else None)
        registration.save()
        audit.record(acting_user, "events.registration_created", registration, status=status, on_behalf=on_behalf)
    for question_id, upload in uploads.items():
        RegistrationFile.objects.create(
            registration=registration, question_id=question_id, file=upload, original_name=upload.original_name
        )
    if invitation is not None:
        invitation.accepted_at = now
        invitation.person = person
        invitation.save(update_fields=["accepted_at", "person", "updated_at"])
    _notify(registration, status)
    return registration


def _insert_taking_seat(
    registration: Registration, event: Event, category: RegistrationCategory | None, now: datetime
) -> str:
    """Write a first registration, confirmed if a seat is free at the event (and in its category), else waitlisted,
    and return its status. One statement, which counts the seats taken and writes the row with its outcome: call it
    with the event locked (`selectors.lock_for_seats`), whose capacity it reads from `event`. Deciding in the
    insert, rather than inserting and then updating, writes each of the row's index entries once."""
    connection = connections[Registration.objects.db]
    _sql, fields, values, _returning = rows.insert_sql(registration)
    seat, seat_params = selectors.seat_free_sql(event, category)
    expressions = _select_expressions(fields, _SEAT_DECIDED)
    params = _select_params(fields, values, _seat_decided_params(connection, now))
    quote = connection.ops.quote_name
    table = quote(Registration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "
            f"SELECT {', '.join(expressions)} FROM (SELECT CASE WHEN {seat} THEN 1 ELSE 0 END AS seat) AS free "
            f"RETURNING {quote('id')}, {quote('status')}",
            [*params, *seat_params],
        )
        registration_pk, status = cursor.fetchone()
    return _written(registration, registration_pk, status, now)


def _seat_decided_params(connection: Any, now: datetime) -> dict[str, list[Any] | None]:
    """The parameters of `_SEAT_DECIDED`'s expressions."""
    moment = connection.ops.adapt_datetimefield_value(now)
    confirmed, waitlisted = RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITLISTED.value
    return {"status": [confirmed, waitlisted], "confirmed_at": [moment], "waitlisted_at": [moment]}


def _written(registration: Registration, pk: Any, status: Any, now: datetime) -> str:
    """Make `registration` what the insert deciding its seat wrote (its key, status and moments); returns the
    status."""
    registration.pk = int(pk)
    registration._state.adding = False
    registration._state.db = Registration.objects.db
    registration.status = str(status)
    registration.confirmed_at = now if registration.status == RegistrationStatus.CONFIRMED else None
    registration.waitlisted_at = now if registration.status == RegistrationStatus.WAITLISTED else None
    return registration.status


def _one_registration_per_person(error: IntegrityError, person: Person) -> DomainError:
    """The refusal for the same person registering at the same moment from elsewhere; re-raises anything else."""
    if "one_registration_per_person" not in str(error) and "event_id, events_registration.person" not in str(error):
        raise error
    return _already_registered(person)


def _lock_and_insert(
    registration: Registration,
    entry: AuditEntry,
    event: Event,
    category: RegistrationCategory | None,
    *,
    needs_approval: bool,
    now: datetime,
) -> str:
    """PostgreSQL: lock the event row and read its `SEAT_FIELDS` into `event`, then write a first registration with
    its seat decided (pending when `needs_approval`) and its audit row `entry`, in one round trip; returns the
    status.

    Two statements sent together (in one psycopg pipeline, or in one string): in PostgreSQL's read-committed mode
    each statement sees what was committed before it began, so the second, which counts the seats, sees every seat
    taken by whoever held the lock before. It decides with the capacity read before the lock; the caller compares
    that with the locked row's."""
    connection = connections[Registration.objects.db]
    _sql, fields, values, _returning = rows.insert_sql(registration)
    _audit_sql, audit_fields, audit_values, _ = rows.insert_sql(entry)
    seat, seat_params = selectors.seat_free_sql(event, category)
    decided: dict[str, list[Any] | None] = _seat_decided_params(connection, now)
    if needs_approval:
        seat, seat_params = "1 = 0", []
        decided = {"status": [RegistrationStatus.PENDING.value]}
    typed = bool(connection.settings_dict.get("OPTIONS", {}).get("server_side_binding", False))
    lock_sql, insert_sql = _seat_statements(connection.alias, typed, needs_approval, seat)
    insert_params = [
        *_select_params(fields, values, decided),
        *seat_params,
        *_select_params(audit_fields, audit_values, {"target_id": [], "data": None}),
    ]
    if typed:
        # server-side binding: the two statements (and the transaction's BEGIN) go in one psycopg pipeline, each
        # prepared once per connection
        connection.ensure_connection()
        raw = connection.connection
        with (
            connection.wrap_database_errors,
            raw.pipeline(),
            raw.cursor() as lock_cursor,
            raw.cursor() as insert_cursor,
        ):
            lock_cursor.execute(lock_sql, [event.pk])
            insert_cursor.execute(insert_sql, insert_params)
            locked = lock_cursor.fetchone()
            made = insert_cursor.fetchone()
    else:
        # client-side binding: the two statements in one string, sent as one simple query
        with connection.cursor() as cursor:
            cursor.execute(f"{lock_sql}; {insert_sql}", [event.pk, *insert_params])
            locked = cursor.fetchone()
            cursor.nextset()
            made = cursor.fetchone()
    if locked is None:
        raise Event.DoesNotExist
    entry.pk, registration_pk, status = made
    for name, value in zip(selectors.SEAT_FIELDS, locked, strict=True):
        setattr(event, name, value)  # booleans, numbers and dates: PostgreSQL's values need no converting
    entry._state.adding = False
    entry._state.db = Registration.objects.db
    entry.target_id = registration_pk
    entry.data = {**entry.data, "status": status}
    return _written(registration, registration_pk, status, now)


_SEAT_DECIDED = {
    "status": "CASE WHEN free.seat = 1 THEN %s ELSE %s END",
    "confirmed_at": "CASE WHEN free.seat = 1 THEN %s ELSE NULL END",
    "waitlisted_at": "CASE WHEN free.seat = 1 THEN NULL ELSE %s END",
}
_APPROVAL_DECIDED = {"status": "%s"}
_AUDIT_DECIDED = {"target_id": "made.id::text", "data": "%s || jsonb_build_object('status', made.status)"}


@functools.lru_cache(maxsize=64)
def _seat_statements(alias: str, typed: bool, needs_approval: bool, seat: str) -> tuple[str, str]:
    """The text of `_lock_and_insert`'s two statements, built once per shape (they are the same for every
    registration of a burst, and PostgreSQL prepares them by their text)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = rows.insert_fields(Registration, alias)
    audit_fields = rows.insert_fields(AuditEntry, alias)
    typed_for = connection if typed else None
    expressions = _select_expressions(fields, _APPROVAL_DECIDED if needs_approval else _SEAT_DECIDED, typed_for)
    audit_expressions = _select_expressions(audit_fields, _AUDIT_DECIDED, typed_for)
    seat_columns = ", ".join(quote(name) for name in selectors.SEAT_FIELDS)  # plain fields: column = name
    registrations, entries = quote(Registration._meta.db_table), quote(AuditEntry._meta.db_table)
    lock_sql = f"SELECT {seat_columns} FROM {quote(Event._meta.db_table)} WHERE id = %s FOR NO KEY UPDATE"
    insert_sql = (
        f"WITH made AS (INSERT INTO {registrations} ({', '.join(quote(field.column) for field in fields)}) "
        f"SELECT {', '.join(expressions)} FROM (SELECT CASE WHEN {seat} THEN 1 ELSE 0 END AS seat) AS free "
        "RETURNING id, status) "
        f"INSERT INTO {entries} ({', '.join(quote(field.column) for field in audit_fields)}) "
        f"SELECT {', '.join(audit_expressions)} FROM made RETURNING id, target_id, data->>'status'"
    )
    return lock_sql, insert_sql


def _select_expressions(fields: list[Any], decided: dict[str, str], typed_for: Any = None) -> list[str]:
    """The select list of an `INSERT … SELECT` over `fields`: a placeholder per field, or the SQL expression
    `decided` gives for it (by attribute name).

    `typed_for` (a PostgreSQL connection binding parameters on the server): each placeholder is cast to its
    column's type, which PostgreSQL cannot infer for a parameter in a select list (a NULL would be text)."""
    return [
        decided.get(field.attname) or (f"%s::{field.db_type(typed_for)}" if typed_for is not None else "%s")
        for field in fields
    ]


def _select_params(fields: list[Any], values: list[Any], decided: dict[str, list[Any] | None]) -> list[Any]:
    """The parameters of `_select_expressions`: each field's value, or the parameters of its expression in
    `decided` (None: the field's value)."""
    params: list[Any] = []
    for field, value in zip(fields, values, strict=True):
        own = decided.get(field.attname)
        params += [value] if own is None else own
    return params


def _already_registered(person: Person) -> DomainError:
    return DomainError(
        _("%(name)s is already registered for this event.") % {"name": person.display_name},
        code="already_registered",
    )


def _fill(
    registration: Registration,
    category: RegistrationCategory | None,
    delegation: Delegation | None,
    organization: Organization | None,
    answers: dict[str, Any],
    language: str,
    registered_by: Any,
) -> None:
    registration.category = category
    registration.delegation = delegation
    registration.organization = organization
    registration.answers = answers
    registration.language = language
    own = registered_by is not None and registration.person.user_id == getattr(registered_by, "pk", None)
    registration.registered_by = registered_by if registered_by is not None and not own and registered_by.pk else None


def _register_again(
    event: Event, person: Person, category: RegistrationCategory | None, *, needs_approval: bool, now: datetime
) -> tuple[Registration, str]:
    """A person with a registration row at this event (cancelled or declined earlier) registers again: the row is
    reused. Call with the event locked."""
    registration = Registration.objects.get(event=event, person=person)
    if registration.status in ACTIVE_STATUSES:
        raise _already_registered(person)
    if needs_approval:
        status = RegistrationStatus.PENDING
    elif has_seat(event, category):
        status = RegistrationStatus.CONFIRMED
    elif event.waiting_list:
        status = RegistrationStatus.WAITLISTED
    else:
        raise DomainError(_("The event is full."), code="full")
    registration.status = status
    registration.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
    registration.waitlisted_at = now if status == RegistrationStatus.WAITLISTED else None
    registration.cancelled_at = None
    registration.checked_in_at = None
    return registration, status


@transaction.atomic
def registration_cancel(*, registration: Registration, acting_user: Any, now: datetime | None = None) -> Registration:
    """Cancel, and hand the seat to the first person waiting."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    now = now or timezone.now()
    if registration.status not in ACTIVE_STATUSES:
        raise DomainError(_("This registration is not active."), code="not_active")
    is_staff = permissions.can(acting_user, "events.manage_registrations", event)
    if not is_staff and event.cancellation_closes_at and now > event.cancellation_closes_at:
        raise DomainError(
            _("The cancellation deadline has passed; write to the organizer."), code="cancellation_closed"
        )
    held_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit.record(acting_user, "events.registration_cancelled", registration)
    _notify(registration, "cancelled")
    if held_seat:
        _promote_waitlisted(event)
    return registration


@transaction.atomic
def registration_decide(*, registration: Registration, approve: bool, acting_user: Any) -> Registration:
    """Approve (a seat if there is one, else the waiting list) or decline a pending registration."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    if not permissions.can(acting_user, "events.manage_registrations", event):
        raise NotAllowed(_("Only the organizers can approve registrations."))
    registration = Registration.objects.select_related("category").get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        raise DomainError(_("Only registrations awaiting approval can be decided."), code="not_pending")
    now = timezone.now()
    if not approve:
        registration.status = RegistrationStatus.DECLINED
    elif has_seat(event, registration.category):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    registration.save()
    audit.record(acting_user, "events.registration_decided", registration, status=registration.status)
    _notify(registration, registration.status)
    return registration


@transaction.atomic
def registration_check_in(*, event: Event, code: str, acting_user: Any) -> Registration:
    """Mark attendance from a badge's QR code; duplicates and unknown codes are refused with a reason."""
    if not permissions.can(acting_user, "events.check_in", event):
        raise NotAllowed(_("Only the organizers can check people in."))
    code = "".join(code.split()).upper()
    registration = (
        Registration.objects.select_for_update().select_related("person").filter(event=event, code=code).first()
    )
    if registration is None:
        raise DomainError(_("Unknown code %(code)s: no registration for this event has it.") % {"code": code},
                          code="unknown_code")  # fmt: skip
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(
            _("%(name)s is not confirmed (%(status)s).")
            % {"name": registration.person.display_name, "status": registration.get_status_display()},
            code="not_confirmed",
        )
    if registration.checked_in_at is not None:
        local = timezone.localtime(registration.checked_in_at, event.zone)
        raise DomainError(
            _("%(name)s was already checked in at %(time)s.")
            % {"name": registration.person.display_name, "time": local.strftime("%H:%M")},
            code="already_checked_in",
        )
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at", "updated_at"])
    audit.record(acting_user, "events.checked_in", registration)
    registration_id = registration.pk
    transaction.on_commit(lambda: checked_in.send(sender=Registration, registration_id=registration_id))
    return registration


@transaction.atomic
def delegation_create(
    *, event: Event, acting_user: Any, country: Any = None, organization: Organization | None = None,
    head: Person | None = None, head_title: str = "", size_limit: int | None = None,
) -> Delegation:  # fmt: skip
    if not permissions.can(acting_user, "events.change_event", event):
        raise NotAllowed(_("Only the organizers can add delegations."))
    if country is None and organization is None:
        raise DomainError(_("A delegation represents a country or an organization."), field="country")
    if head is not None:
        require_person(acting_user, head, field="head")
    exists = Delegation.objects.filter(event=event).filter(
        Q(country=country, organization=organization)
    ).exists()  # fmt: skip
    if exists:
        raise DomainError(_("This delegation already exists."), code="duplicate")
    delegation = Delegation.objects.create(
        event=event, country=country, organization=organization, head=head, head_title=head_title,
        size_limit=size_limit,
    )  # fmt: skip
    audit.record(acting_user, "events.delegation_created", delegation)
    return delegation


@transaction.atomic
def question_create(*, event: Event, label: Any, kind: str, acting_user: Any, choices: list[Any] | None = None,
                    required: bool = False) -> Question:  # fmt: skip
    if not permissions.can(acting_user, "events.change_event", event):
        raise NotAllowed(_("Only the organizers can change the registration form."))
    cleaned_label, cleaned_choices = questions.clean_question(label=label, kind=kind, choices=choices)
    order = event.questions.count()
    question = Question.objects.create(
        event=event, label=cleaned_label, kind=kind, choices=cleaned_choices, required=required,
        order=order,
    )  # fmt: skip
    audit.record(acting_user, "events.question_created", event, question=question.pk)
    return question
