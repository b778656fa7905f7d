"""Dates and times of events, always in the event's own time zone: "January 13 – 14, 2026, Vienna time (UTC+1)".

The dates, times and the zone's city come from CLDR (tamyr.core.cldr) in the reader's language, so Hungarian reads
"2026. január 13–14., Bécs idő szerint (UTC+1)" and Kazakh "2026 ж. 13–14 қаңтар, Вена уақыты (UTC+1)".
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.core import cldr

register = template.Library()


def _zone(value: Any) -> zoneinfo.ZoneInfo:
    if isinstance(value, zoneinfo.ZoneInfo):
        return value
    try:
        return zoneinfo.ZoneInfo(str(value or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local(value: datetime, zone: Any) -> datetime:
    """The instant `value` on the wall clock of `zone` (a zone name or ZoneInfo)."""
    return timezone.localtime(value, _zone(zone))


def offset_label(moment: datetime) -> str:
    """ "UTC+5", "UTC+5:30": written the same in every language (letter abbreviations such as CET are English)."""
    return cldr.offset(moment)


def zone_label(event: Any, at: datetime | None = None) -> str:
    """ "Vienna time (UTC+1)", "Вена уақыты (UTC+1)", "Bécs idő szerint (UTC+1)": the zone's city in the reader's
    language (from CLDR) and its offset at the event; never "Europe/Vienna"."""
    return cldr.zone_label(_zone(event.time_zone), at or event.starts_at)


def _last_day(start: datetime, end: datetime) -> date:
    """The last calendar day an event occupies: one ending at midnight does not occupy the next day."""
    if end > start and end.time() == time(0, 0):
        return end.date() - timedelta(days=1)
    return end.date()


def days_spanned(start: datetime, end: datetime, zone: Any) -> tuple[date, date]:
    """First and last day of the event on the calendar of `zone`."""
    first, last = local(start, zone), local(end, zone)
    return first.date(), max(first.date(), _last_day(first, last))


def date_range(start: datetime, end: datetime, zone: Any) -> str:
    """ "14 January 2026", "13–14 January 2026", "2026. január 13–14.", in the event's zone and the reader's order."""
    first_day, last_day = days_spanned(start, end, zone)
    return cldr.date_range(first_day, last_day)


def time_range(start: datetime, end: datetime, zone: Any) -> str:
    """ "09:00–17:00" on the wall clock of `zone`, as the reader's language writes times."""
    return cldr.time_range(start, end, zone=_zone(zone))


def event_when(event: Any) -> str:
    """ "13 – 14 January 2026, Vienna time (UTC+1)", or "14 January 2026, 09:00–17:00, Vienna time (UTC+1)"."""
    first_day, last_day = days_spanned(event.starts_at, event.ends_at, event.time_zone)
    dates = date_range(event.starts_at, event.ends_at, event.time_zone)
    if first_day == last_day:
        dates = _("%(date)s, %(times)s") % {
            "date": dates,
            "times": time_range(event.starts_at, event.ends_at, event.time_zone),
        }
    return _("%(dates)s, %(zone)s") % {"dates": dates, "zone": zone_label(event)}


@register.filter(name="event_when")
def event_when_filter(event: Any) -> str:
    """{{ event|event_when }} → "13 – 14 January 2026, Vienna time (UTC+1)"."""
    return event_when(event)


@register.filter(name="event_dates")
def event_dates_filter(event: Any) -> str:
    """{{ event|event_dates }} → "13–14 January 2026" (no zone; for lists where space is short)."""
    return date_range(event.starts_at, event.ends_at, event.time_zone)


@register.filter(name="zone_label")
def zone_label_filter(event: Any) -> str:
    return zone_label(event)


@register.filter(name="in_zone")
def in_zone(value: datetime | None, zone: Any) -> Any:
    """{{ session.starts_at|in_zone:event.time_zone|ltime }}: the wall-clock time in the event's zone.

    Same as Django's `timezone` filter; kept here so templates of events need one library."""
    if value is None:
        return ""
    from django.templatetags.tz import do_timezone

    return do_timezone(value, _zone(zone))


@register.simple_tag
def session_times(session: Any, zone: Any) -> str:
    return time_range(session.starts_at, session.ends_at, zone)


@register.filter(name="language_name")
def language_name(code: str) -> str:
    """ "kk" → "Kazakh", "қазақ тілі", "kazah" (CLDR, in the reader's language), else the code itself."""
    return cldr.language_name(str(code or ""))
