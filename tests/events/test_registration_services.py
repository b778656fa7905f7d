from __future__ import annotations

import pytest

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
