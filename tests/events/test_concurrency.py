"""No overselling under real concurrency: many threads, each with its own database connection, register at once.

On PostgreSQL (CI runs the whole suite a second time there) the threads talk to the test database itself and the
event row lock (`SELECT … FOR UPDATE`) is what keeps them apart. On SQLite the test database is an in-memory one
that other connections cannot share safely, so the SQLite tests copy it to a file (SQLite's backup API, a few
milliseconds) and point the threads' connections at that file; there `BEGIN IMMEDIATE` serializes the writers.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections

from tamyr.core.errors import DomainError
from tamyr.events import services
from tamyr.events.models import Event, Registration, RegistrationStatus
from tests.events.factories import EventFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

# serialized_rollback: a transactional test ends by emptying the tables, and the countries that a migration loads
# must come back for the tests after it
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL (CI runs the suite there too): row locks, parallel connections"
)
sqlite = pytest.mark.skipif(not ON_SQLITE, reason="the SQLite variant; PostgreSQL has its own tests")

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread with its own connection, all released together; returns each result or
    the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            connection.ensure_connection()  # connect first, so the barrier releases queries, not handshakes
            barrier.wait(timeout=60)
            results[index] = calls[index]()
        except BaseException as error:  # every outcome is reported to the test, none is lost in a thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a registration hung"
    return results


def people(count: int) -> list[tuple[Any, Any]]:
    """`count` compatriots, each with an account and their own record (sharing one keeping organization)."""
    keeper = OrganizationFactory()
    result = []
    for _ in range(count):
        user = UserFactory()
        result.append((user, PersonFactory(user=user, email=user.email, registered_by=keeper)))
    return result


def register(event: Event, user: Any, person: Any) -> Callable[[], Registration]:
    return lambda: services.registration_create(event=event, person=person, acting_user=user)


def errors(results: list[Any]) -> list[BaseException]:
    return [result for result in results if isinstance(result, BaseException)]


# --- PostgreSQL: the test database itself ---------------------------------------------------------------------


@postgres
def test_forty_people_at_once_fill_ten_seats_and_the_rest_wait() -> None:
    event = EventFactory(capacity=10)
    results = at_once([register(event, user, person) for user, person in people(40)])
    assert errors(results) == []
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {CONFIRMED: 10, WAITLISTED: 30}
    assert Registration.objects.filter(event=event).values("person").distinct().count() == 40


@postgres
def test_twenty_attempts_by_one_person_make_one_registration() -> None:
    event = EventFactory(capacity=10)
    [(user, person)] = people(1)
    results = at_once([register(event, user, person) for _ in range(20)])
    refused = errors(results)
    assert len(refused) == 19
    assert all(isinstance(error, DomainError) and not isinstance(error, IntegrityError) for error in refused)
    assert {error.code for error in refused if isinstance(error, DomainError)} == {"already_registered"}
    assert Registration.objects.filter(event=event, person=person).count() == 1


@postgres
def test_cancellations_and_registrations_at_once_never_pass_capacity() -> None:
    event = EventFactory(capacity=10)
    seated = [register(event, user, person)() for user, person in people(10)]
    waiting = [register(event, user, person)() for user, person in people(5)]
    assert {registration.status for registration in waiting} == {WAITLISTED}

    most_seen = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal most_seen
        try:
            while not done.is_set():
                seen = Registration.objects.filter(event=event, status=CONFIRMED).count()
                most_seen = max(most_seen, seen)
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    cancels = [
        (lambda r=registration: services.registration_cancel(registration=r, acting_user=r.person.user))
        for registration in seated[:5]
    ]
    newcomers = [register(event, user, person) for user, person in people(20)]
    try:
        results = at_once([*cancels, *newcomers])
    finally:
        done.set()
        watcher.join(timeout=30)
    assert errors(results) == []
    assert most_seen <= 10
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 10
    # the freed seats went to those already waiting, in their order, not to whoever came in at that moment
    assert set(Registration.objects.filter(pk__in=[r.pk for r in waiting]).values_list("status", flat=True)) == {
        CONFIRMED
    }


# --- SQLite: a file copy of the test database, shared by the threads --------------------------------------------


@contextlib.contextmanager
def threads_on_a_file_copy(tmp_path: Path) -> Iterator[Path]:
    """Copy the in-memory test database to a file and let connections made by new threads open that file."""
    path = tmp_path / "burst.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield path
    finally:
        connections.settings["default"] = original


def file_counts(path: Path, event: Event) -> tuple[Counter[str], int]:
    with contextlib.closing(sqlite3.connect(path)) as database:
        rows = database.execute(
            "SELECT status, person_id FROM events_registration WHERE event_id = ?", (event.pk,)
        ).fetchall()
    return Counter(status for status, _person in rows), len({person for _status, person in rows})


@sqlite
def test_sqlite_forty_people_at_once_fill_ten_seats(tmp_path: Path) -> None:
    event = EventFactory(capacity=10)
    pairs = people(40)
    with threads_on_a_file_copy(tmp_path) as path:
        results = at_once([register(event, user, person) for user, person in pairs])
    assert errors(results) == []
    statuses, persons = file_counts(path, event)
    assert statuses == {CONFIRMED: 10, WAITLISTED: 30}
    assert persons == 40


@sqlite
def test_sqlite_twenty_attempts_by_one_person_make_one_registration(tmp_path: Path) -> None:
    event = EventFactory(capacity=10)
    [(user, person)] = people(1)
    with threads_on_a_file_copy(tmp_path) as path:
        results = at_once([register(event, user, person) for _ in range(20)])
    refused = errors(results)
    assert len(refused) == 19
    assert {getattr(error, "code", repr(error)) for error in refused} == {"already_registered"}
    statuses, persons = file_counts(path, event)
    assert (sum(statuses.values()), persons) == (1, 1)
