"""Template filters that write dates, times, numbers, money and names the reader's way, from CLDR.

    {% load l10n_cldr %}
    {{ course.starts_on|ldate }}                     2026. május 7.  ·  7 мая 2026 г.  ·  2026 ж. 7 мамыр
    {{ plan.starts_on|ldate:"medium" }}              2026. máj. 7.
    {{ plan.starts_on|ldate:"y" }}                   2026   (any CLDR skeleton: "yMMMM", "MMMMd", …)
    {{ event.starts_at|ldatetime:event.time_zone }}  2026. május 7. 14:30, on the event's wall clock
    {{ session.starts_at|ltime:event.time_zone }}    14:30
    {{ group.starts_on|ldaterange:group.ends_on }}   2026. május 7–9.
    {{ count|lnumber }}  {{ value|lnumber:2 }}       1 234 567  ·  0,50
    {{ budget|lmoney:call.currency }}                1 234,50 ₸
    {{ "TR"|country_name }}  {{ "kk"|language_name }}  {{ event.time_zone|zone_label }}  {{ zone|zone_city }}

A datetime without a zone argument is shown on the wall clock of the active time zone, as Django's `date` does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from tamyr.core import cldr

register = template.Library()

STYLES = ("full", "long", "medium", "short")


def _own_zone(value: Any, zone: Any) -> Any:
    """The zone to read `value` in: the one given, else the zone Django's template engine already put it in (the
    active one, or the event's after `in_zone` or inside `{% timezone %}`)."""
    if zone:
        return zone
    return getattr(value, "tzinfo", None) if isinstance(value, dt.datetime) else None


@register.filter(name="ldate", expects_localtime=True)
def ldate(value: Any, style: str = "long") -> str:
    if not isinstance(value, dt.date):
        return ""
    return cldr.date(value, style or "long", zone=_own_zone(value, None))


@register.filter(name="ldatetime", expects_localtime=True)
def ldatetime(value: Any, zone: Any = None) -> str:
    """The date (long) and the time; `zone` is a time-zone name (or ZoneInfo) to read the wall clock in."""
    if not isinstance(value, dt.datetime):
        return ldate(value)
    return cldr.datetime(value, "long", zone=_own_zone(value, zone))


@register.filter(name="ldatetime_medium", expects_localtime=True)
def ldatetime_medium(value: Any, zone: Any = None) -> str:
    """As `ldatetime` with the month abbreviated, for tables where room is short."""
    if not isinstance(value, dt.datetime):
        return ldate(value, "medium")
    return cldr.datetime(value, "medium", zone=_own_zone(value, zone))


@register.filter(name="ltime", expects_localtime=True)
def ltime(value: Any, zone: Any = None) -> str:
    if not isinstance(value, dt.datetime | dt.time):
        return ""
    return cldr.time(value, zone=_own_zone(value, zone))


@register.filter(name="ldaterange", expects_localtime=True)
def ldaterange(start: Any, end: Any) -> str:
    """{{ start|ldaterange:end }}; with no end, the start alone."""
    if not isinstance(start, dt.date):
        return ""
    if not isinstance(end, dt.date):
        return cldr.date(start, zone=_own_zone(start, None))
    return cldr.date_range(start, end, zone=_own_zone(start, None))


@register.filter(name="lnumber")
def lnumber(value: Any, digits: Any = None) -> str:
    """{{ value|lnumber }} as given; {{ value|lnumber:2 }} with two decimals; {{ value|lnumber:"-2" }} with up to two
    (none for a whole number), like `floatformat`."""
    if value is None or value == "":
        return ""
    if digits in (None, ""):
        return cldr.number(value)
    text = str(digits)
    try:
        places = abs(int(text.rstrip("g")))
    except ValueError:
        return cldr.number(value)
    if text.startswith("-"):
        try:
            rounded = round(float(value), places)
        except (TypeError, ValueError):
            return str(value)
        if rounded == int(rounded):
            return cldr.number(int(rounded), 0)
        return cldr.number(rounded)
    return cldr.number(value, places)


@register.filter(name="lmoney")
def lmoney(value: Any, currency: Any = "") -> str:
    return cldr.money(value, str(currency or ""))


@register.filter(name="lpercent")
def lpercent(value: Any) -> str:
    return cldr.percent(value)


@register.filter(name="country_name")
def country_name(value: Any) -> str:
    """A country (or its ISO code) by its name in the reader's language."""
    code = getattr(value, "code", value)
    return cldr.country_name(str(code or "")) if code else ""


@register.filter(name="language_name")
def language_name(code: Any) -> str:
    return cldr.language_name(str(code or "")) if code else ""


@register.filter(name="zone_city")
def zone_city(zone: Any) -> str:
    return cldr.zone_city(zone)


@register.filter(name="zone_label")
def zone_label(zone: Any, at: Any = None) -> str:
    """{{ call.time_zone|zone_label:call.closes_at }} → "Алматы уақыты (UTC+5)"; never "Asia/Almaty".

    Given an event (anything with `time_zone` and `starts_at`), the zone of the event at its start, so this filter
    and events_tags' `zone_label` mean the same whichever library a template loads last."""
    if hasattr(zone, "time_zone"):
        at = at if isinstance(at, dt.datetime) else getattr(zone, "starts_at", None)
        zone = zone.time_zone
    return cldr.zone_label(zone, at if isinstance(at, dt.datetime) else None)
