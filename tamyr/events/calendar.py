"""iCalendar (RFC 5545) for one event and feeds per organization and network."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from tamyr.events.models import Event, EventStatus


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Tamyr//Diaspora network//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", f"event-{event.pk}@tamyr")
    component.add("dtstamp", timezone.now())
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
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
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
