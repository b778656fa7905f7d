"""Time zones of events, calls and course groups: the validator, the form's choices and typing times in a zone.

Times are stored in UTC and typed on the wall clock of the venue's zone. A zone is stored as its IANA name
("Asia/Almaty"), which people never read: forms offer it as its city and country in the reader's language,
"Алматы · Қазақстан · UTC+5", sorted as the reader's language sorts, and pages show "Алматы уақыты (UTC+5)".

These lived in tamyr.events until several apps needed them; `tamyr.events.models.validate_time_zone` and
`tamyr.events.forms_staff` still name them, since migrations refer to the validator by that path.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache, lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tamyr.core import cldr, collation

#: Zone names kept only for compatibility; the form does not offer them (they remain valid where already stored).
HIDDEN_PREFIXES = ("Etc/", "SystemV/", "posix/", "right/", "US/")


@cache
def zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zone_names():
        raise ValidationError(_("%(value)s is not a time zone name such as Europe/Vienna."), params={"value": value})


@cache
def offered_zones() -> tuple[str, ...]:
    """The zones a form offers: those the tz database's zone table places in a country (so no old aliases such as
    America/Atka beside America/Adak); without the table, every zone with a city."""
    cities = {name for name in zone_names() if "/" in name and not name.startswith(HIDDEN_PREFIXES)}
    placed = cities & set(cldr.zone_territories())
    return tuple(sorted(placed or cities))


@lru_cache(maxsize=16)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    labelled = [(name, cldr.zone_choice_label(name, language)) for name in offered_zones()]
    ordered = collation.sorted_by(labelled, lambda pair: pair[1], language)
    return (("UTC", "UTC"), *ordered)


def time_zone_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(IANA name, "Алматы · Қазақстан · UTC+5") for every zone, sorted by city in the reader's language.

    Cached per language for the life of the process; the offsets in the labels are those of the day it started,
    which only matters across a daylight-saving change."""
    return list(_choices(cldr.language_code(language)))


class TimeZoneChoiceField(forms.ChoiceField):
    """A time zone picked from the localized list; any valid IANA name is accepted, so a record that keeps an old
    alias ("Europe/Kiev", set through the API or a network file) can still be saved unchanged."""

    def valid_value(self, value: Any) -> bool:
        return value in zone_names() or super().valid_value(value)


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone; the form attaches the event's zone in `clean()`."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return None if result is None else timezone.make_naive(result, dt.UTC)

    def prepare_value(self, value: Any) -> Any:
        return value  # initial values are already naive local times


def in_zone(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """A naive time typed in `zone` → an aware datetime (stored in UTC)."""
    return None if value is None else value.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def local(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """An aware datetime → the naive local time in `zone`, for a form's initial value."""
    return None if value is None else timezone.localtime(value, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
