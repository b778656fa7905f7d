"""iCalendar (RFC 5545) for one event and feeds per organization and network, and the iTIP messages (RFC 5546)
that e-mails carry so an entry follows the event into the participant's calendar.

Why these fields: a calendar keeps one entry per UID and replaces it when a message with a higher SEQUENCE comes.
The UID is a stored UUID with the site's host (`Event.calendar_uid`), so it is the same in every feed, every e-mail
and after a restore; SEQUENCE is the event's revision (`Event.calendar_sequence`, raised when its time, place,
title or status changes); DTSTAMP is the moment of the last change, not of the download, so an unchanged event
reads the same every time. An e-mailed confirmation is a REQUEST with the participant as ATTENDEE; a cancelled
registration or event sends a CANCEL for the same UID, which removes the entry from the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from tamyr.events.models import Event, EventStatus, Registration

#: The iTIP methods Tamyr sends by e-mail: an entry to add or update, or one to remove.
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def uid_of(event: Event) -> str:
    host = urlparse(settings.SITE_URL).hostname or "tamyr"
    return f"{event.calendar_uid}@{host}"


def _calendar(name: str, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Tamyr//Diaspora network//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event, *, cancelled: bool = False) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", uid_of(event))
    component.add("sequence", event.calendar_sequence)
    component.add("dtstamp", event.updated_at)
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("summary", event.display_title)
    if event.display_description:
        component.add("description", event.display_description)
    where = []
    if event.venue:
        where.append(", ".join(part for part in [event.venue.name, event.venue.address, event.venue.city] if part))
    if event.online_url:
        where.append(event.online_url)
    if where:
        component.add("location", " · ".join(where))
    component.add("url", settings.SITE_URL.rstrip("/") + event.get_absolute_url())
    cancelled = cancelled or event.status == EventStatus.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("last-modified", event.updated_at)
    return component


def event_ics(event: Event) -> bytes:
    calendar = _calendar(event.display_title)
    calendar.add_component(_component(event))
    return calendar.to_ical()


def feed_ics(events: Iterable[Event], name: str) -> bytes:
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_component(event))
    return calendar.to_ical()


def registration_ics(registration: Registration, address: str, method: str) -> bytes:
    """The iTIP message for one participant: REQUEST adds or updates their entry, CANCEL removes it.

    RFC 5546 wants an ORGANIZER and the ATTENDEE in both; the organizer is the organization's address, or the
    platform's sender where it has none. A CANCEL carries the next SEQUENCE, so calendars take it as newer than
    the entry they hold."""
    event = registration.event
    calendar = _calendar(event.display_title, method)
    cancelled = method == CANCEL
    component = _component(event, cancelled=cancelled)
    if cancelled and event.status != EventStatus.CANCELLED:
        # only this person's registration ends; the event's own revision does not move
        component["sequence"] = event.calendar_sequence + 1
    organizer_address = event.organizer.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{organizer_address}")
    organizer.params["cn"] = event.organizer.display_name
    component.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{address}")
    attendee.params["cn"] = registration.person.display_name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
    component.add("attendee", attendee)
    calendar.add_component(component)
    return calendar.to_ical()
