"""Dates and times of events, always in the event's own time zone: "13–14 January 2026, Vienna time (CET)".

The date patterns go through gettext (with a context saying what they are) so a language that writes dates
year first, like Hungarian, can reorder them without code changes.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
    """ "CET" where the zone has a letter abbreviation, else "UTC+5" or "UTC+5:30"."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-" and name != "UTC":
        return name
    offset = moment.utcoffset()
    if offset is None or not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(event: Any, at: datetime | None = None) -> str:
    """ "Vienna time (CET)": the venue's city (or the zone's city) and the zone's abbreviation at the event."""
    zone = _zone(event.time_zone)
    moment = local(at or event.starts_at, zone)
    venue = getattr(event, "venue", None)
    city = venue.city if venue is not None and venue.city else str(zone.key).rsplit("/", 1)[-1].replace("_", " ")
    abbreviation = offset_label(moment)
    if city in ("UTC", abbreviation):
        return abbreviation
    return _("%(city)s time (%(zone)s)") % {"city": city, "zone": abbreviation}


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
    """ "14 January 2026", "13–14 January 2026", "30 November – 2 December 2025", in the event's zone."""
    first, last = local(start, zone), local(end, zone)
    first_day, last_day = days_spanned(start, end, zone)
    full = pgettext("date format of one day, as in 14 January 2026", "j E Y")
    if first_day == last_day:
        return date_format(first, full)
    if (first_day.year, first_day.month) == (last_day.year, last_day.month):
        return _("%(start)s–%(end)s") % {
            "start": date_format(first, pgettext("date format of the first day of a range within a month", "j")),
            "end": date_format(last, full),
        }
    if first_day.year == last_day.year:
        return _("%(start)s – %(end)s") % {
            "start": date_format(first, pgettext("date format of the first day of a range within a year", "j E")),
            "end": date_format(last, full),
        }
    return _("%(start)s – %(end)s") % {"start": date_format(first, full), "end": date_format(last, full)}


def time_range(start: datetime, end: datetime, zone: Any) -> str:
    """ "09:00–17:00" on the wall clock of `zone`."""
    return f"{date_format(local(start, zone), 'H:i')}–{date_format(local(end, zone), 'H:i')}"


def event_when(event: Any) -> str:
    """ "13–14 January 2026, Vienna time (CET)", or "14 January 2026, 09:00–17:00, Vienna time (CET)"."""
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
    """{{ event|event_when }} → "13–14 January 2026, Vienna time (CET)"."""
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
    """{{ session.starts_at|in_zone:event.time_zone|time:"H:i" }}: the wall-clock time in the event's zone.

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
    """ "kk" → "Kazakh" (in the visitor's language where Django knows it), else the code itself."""
    from django.conf.locale import LANG_INFO
    from django.utils.translation import gettext as translate_text

    info = LANG_INFO.get(str(code).lower())
    if not info or "name" not in info:
        return str(code)
    return translate_text(info["name"])
