from __future__ import annotations

import pytest
from django.conf import settings

from tamyr.core.errors import DomainError
from tamyr.events import services
from tamyr.events.models import RegistrationStatus
from tests.events.factories import CategoryFactory, EventFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _self_registering_person():  # type: ignore[no-untyped-def]
    user = UserFactory()
    person = PersonFactory(user=user, email=user.email)
    return user, person


def _register(event, category=None):  # type: ignore[no-untyped-def]
    user, person = _self_registering_person()
    return services.registration_create(event=event, person=person, acting_user=user, category=category)


def test_registrations_are_confirmed_until_capacity_then_waitlisted():
    event = EventFactory(capacity=2)
    statuses = [_register(event).status for _ in range(3)]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]


def test_cancelling_a_confirmed_seat_promotes_the_first_waiting():
    event = EventFactory(capacity=1)
    first = _register(event)
    waiting = _register(event)
    services.registration_cancel(registration=first, acting_user=first.person.user)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_a_person_cannot_register_twice():
    event = EventFactory(capacity=5)
    user, person = _self_registering_person()
    services.registration_create(event=event, person=person, acting_user=user)
    with pytest.raises(DomainError) as error:
        services.registration_create(event=event, person=person, acting_user=user)
    assert error.value.code == "already_registered"


def test_category_capacity_is_kept_apart_from_event_capacity():
    event = EventFactory(capacity=10)
    scholars = CategoryFactory(event=event, capacity=1)
    assert _register(event, scholars).status == RegistrationStatus.CONFIRMED
    assert _register(event, scholars).status == RegistrationStatus.WAITLISTED


def test_check_in_refuses_a_second_scan(org_staff, organization):
    event = EventFactory(capacity=5, organizer=organization)
    registration = _register(event)
    services.registration_check_in(event=event, code=registration.code, acting_user=org_staff)
    with pytest.raises(DomainError) as error:
        services.registration_check_in(event=event, code=registration.code, acting_user=org_staff)
    assert error.value.code == "already_checked_in"


def test_check_in_refuses_an_unknown_code(org_staff, organization):
    event = EventFactory(organizer=organization)
    with pytest.raises(DomainError) as error:
        services.registration_check_in(event=event, code="NOPE123", acting_user=org_staff)
    assert error.value.code == "unknown_code"


def test_confirmation_mail_is_sent_with_calendar_and_qr(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    message = mailoutbox[-1]
    assert registration.code in message.body
    assert {name.rsplit(".", 1)[-1] for name, _content, _type in message.attachments} == {"ics", "png"}


def test_the_audit_row_of_a_registration_says_the_seat_it_got():
    from tamyr.core import audit

    event = EventFactory(capacity=1)
    _register(event)
    waiting = _register(event)
    (entry,) = audit.entries_for(waiting).filter(action="events.registration_created")
    assert entry.data["status"] == RegistrationStatus.WAITLISTED
    assert entry.target_label.endswith(str(event))


def test_a_full_event_without_waiting_list_writes_no_registration():
    from tamyr.events.models import Registration

    event = EventFactory(capacity=1, waiting_list=False)
    _register(event)
    with pytest.raises(DomainError) as error:
        _register(event)
    assert error.value.code == "full"
    assert Registration.objects.filter(event=event).count() == 1


def test_a_capacity_changed_while_registering_is_never_passed():
    """The organizer lowers the capacity after the registration read the event and before it took the lock: the
    seat is decided on the new capacity (SQLite re-reads it under the lock) or refused with a request to try again
    (PostgreSQL decides in the statement that follows the lock, on what it read before); never confirmed."""
    from django.db import connection

    from tamyr.events.models import Event, Registration

    event = EventFactory(capacity=1)
    _register(event)
    stale = Event.objects.get(pk=event.pk)
    stale.capacity = 5  # what the registration read
    user, person = _self_registering_person()
    if connection.vendor == "postgresql":
        with pytest.raises(DomainError) as error:
            services.registration_create(event=stale, person=person, acting_user=user)
        assert error.value.code == "changed"
        assert not Registration.objects.filter(person=person).exists()
    else:
        registration = services.registration_create(event=stale, person=person, acting_user=user)
        assert registration.status == RegistrationStatus.WAITLISTED


def test_registration_start_reads_the_event_the_person_and_the_form_in_one_query(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
):
    from tamyr.events import selectors

    event = EventFactory(capacity=5)
    CategoryFactory(event=event)
    user, person = _self_registering_person()
    with django_assert_num_queries(1):
        found, own, shape = selectors.registration_start(event.slug, user.pk)
    assert (found.pk, own.pk, shape) == (event.pk, person.pk, (True, False, False))
    assert selectors.registration_start(event.slug, UserFactory().pk)[1:] == (None, None)
    assert selectors.registration_start("no-such-event", user.pk) == (None, None, None)


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the one-round-trip seat decision is PostgreSQL's",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as tests/events/test_concurrency.py says why
@pytest.mark.parametrize("server_side_binding", [True, False])
def test_on_postgres_both_ways_of_sending_the_seat_decision_keep_capacity(server_side_binding):  # type: ignore[no-untyped-def]
    """With prepared statements (a psycopg pipeline) and without them (two statements in one string), the lock, the
    seat and the audit row are written alike."""
    from django.db import connection

    from tamyr.core.models import AuditEntry

    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    connection.close()
    options["server_side_binding"] = server_side_binding
    try:
        event = EventFactory(capacity=1)
        statuses = [_register(event).status for _ in range(2)]
        assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
        audited = AuditEntry.objects.filter(action="events.registration_created").order_by("id")
        assert [entry.data["status"] for entry in audited] == statuses
    finally:
        connection.close()
        options.clear()
        options.update(saved)
