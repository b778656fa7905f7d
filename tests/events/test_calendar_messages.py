"""Calendar entries that follow the event: stable UIDs, SEQUENCE on change, and CANCEL messages by e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tamyr.events import services
from tamyr.events.models import Event
from tests.events.factories import EventFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _register(event: Event) -> Any:
    user = UserFactory()
    person = PersonFactory(user=user, email=user.email)
    return services.registration_create(event=event, person=person, acting_user=user)


def _calendar_of(message: Any) -> tuple[Calendar, str]:
    (content, mimetype) = next((c, t) for name, c, t in message.attachments if name.endswith(".ics"))
    return Calendar.from_ical(content), mimetype


def _vevent(calendar: Calendar) -> Any:
    return next(iter(calendar.walk("VEVENT")))


def test_two_events_never_share_a_calendar_uid() -> None:
    first, second = EventFactory(), EventFactory()
    assert first.calendar_uid != second.calendar_uid


def test_the_downloaded_entry_is_the_same_on_every_download(client: Client) -> None:
    event = EventFactory()
    url = reverse("events:event_ics", kwargs={"slug": event.slug})
    assert client.get(url).content == client.get(url).content


def test_the_uid_carries_the_sites_host_and_survives_a_reload(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://tamyr.example.org"
    event = EventFactory()
    response = client.get(reverse("events:event_ics", kwargs={"slug": event.slug}))
    uid = str(_vevent(Calendar.from_ical(response.content))["UID"])
    assert uid == f"{Event.objects.get(pk=event.pk).calendar_uid}@tamyr.example.org"


def test_a_confirmation_is_a_request_with_the_participant_as_attendee(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    calendar, mimetype = _calendar_of(mailoutbox[-1])
    vevent = _vevent(calendar)
    assert str(calendar["METHOD"]) == "REQUEST" and "method=REQUEST" in mimetype
    assert str(vevent["ATTENDEE"]) == f"mailto:{registration.person.email}"
    assert vevent["ORGANIZER"]


def test_moving_an_event_raises_its_sequence_and_sends_the_update(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        _register(event)
    mailoutbox.clear()
    moved_to = event.starts_at + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, acting_user=None, starts_at=moved_to)
    assert Event.objects.get(pk=event.pk).calendar_sequence == 1
    calendar, _mimetype = _calendar_of(mailoutbox[-1])
    vevent = _vevent(calendar)
    assert (str(calendar["METHOD"]), int(vevent["SEQUENCE"])) == ("REQUEST", 1)
    assert vevent.decoded("DTSTART") == moved_to.replace(microsecond=0)


def test_a_change_the_calendar_does_not_show_sends_nothing(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        _register(event)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, acting_user=None, capacity=10)
    assert mailoutbox == [] and Event.objects.get(pk=event.pk).calendar_sequence == 0


def test_a_cancelled_registration_sends_a_cancel_for_the_same_uid(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    confirmed = _vevent(_calendar_of(mailoutbox[-1])[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, acting_user=registration.person.user)
    calendar, _mimetype = _calendar_of(mailoutbox[-1])
    vevent = _vevent(calendar)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["UID"]) == str(confirmed["UID"])
    assert int(vevent["SEQUENCE"]) > int(confirmed["SEQUENCE"])
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_a_cancelled_event_sends_everyone_a_cancel(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        _register(event)
        _register(event)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, acting_user=None)
    methods = [str(_calendar_of(message)[0]["METHOD"]) for message in mailoutbox]
    assert methods == ["CANCEL", "CANCEL"]
