"""The `events` section of a network file: events with their venue, co-chairs, timetable (sessions with their own
venue, language and speakers), registration categories and questions, and delegations with their heads.

Events are matched by slug and written through `events.services` and `events.services_programme` (audited, as on
the organizers' pages); a command's load acts as `permissions.SYSTEM`. Times are written in the event's own time
zone as `YYYY-MM-DD HH:MM` and stored in UTC; or relative to the day the file is loaded, `+40d 10:00` (forty
days from today at ten, in the event's zone), for events that should stay upcoming (the demo's); a dump writes the
times it finds, as dates.

What a list in an event means (docs/decisions/0013-network-files.md): `co_organizers`, a relation like a network's
`members`, is the whole list when written. `categories`, `sessions` and `delegations` are objects that others
hang on (registrations, speakers, materials, invitations): a written list adds and changes, and never deletes the
ones it leaves out. Categories are matched by position; sessions by (start, title in the event's first language),
then, among those left over, by start alone and by that title alone when only one candidate remains on each side
(so a new title or a moved session is a change, not a new session); delegations by (country, organization);
questions, like categories, by position. People (co-chairs, speakers, heads of delegations) are named by their
`Person.key`; `co_chairs` and a session's `speakers` are relations, so a written list is the whole list. A file
never creates people by itself: a key must be on a record already or in the files' `people` section. A dump
writes people only where they agreed to be shown in public (registry.netfile_people).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.core import bulk
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import SLUG, TRANSLATED, Action, Change, Context, DumpScope, Item, Section, register
from tamyr.events import services, services_programme
from tamyr.events.models import (
    Delegation,
    Event,
    EventKind,
    EventStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationCategory,
    Session,
    SessionKind,
    SessionSpeaker,
    Venue,
)
from tamyr.registry.models import Country, NetworkMembership, Organization, Person
from tamyr.registry.netfile_people import public_people

TIME: dict[str, Any] = {
    "type": ["string", "null"],
    "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ]|[+-][0-9]{1,4}d )[0-9]{2}:[0-9]{2}$",
    "description": "YYYY-MM-DD HH:MM in the event's time zone; or +Nd HH:MM (-Nd HH:MM), N days after (before) the "
    "day the file is loaded, there.",
}
#: A time relative to the day of loading: +40d 10:00
RELATIVE = re.compile(r"^(?P<days>[+-][0-9]{1,4})d (?P<time>[0-9]{2}:[0-9]{2})$")
COUNTRY: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2"}
PERSON: dict[str, Any] = {
    "type": "string",
    "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "maxLength": 80,
    "description": "A person's key (on their record), e.g. daniyar-kadyrov.",
}
#: who spoke in a session, with the title they were given there
SPEAKER: dict[str, Any] = {
    "type": "object",
    "required": ["person"],
    "additionalProperties": False,
    "properties": {"person": PERSON, "title": {"type": "string", "maxLength": 300}},
}
QUESTION: dict[str, Any] = {
    "type": "object",
    "required": ["label"],
    "additionalProperties": False,
    "description": "Written whole: kind, choices and required take their defaults when left out.",
    "properties": {
        "label": TRANSLATED,
        "kind": {"enum": list(QuestionKind.values), "default": QuestionKind.TEXT},
        "choices": {"type": "array", "items": TRANSLATED},
        "required": {"type": "boolean", "default": False},
    },
    "if": {"required": ["kind"], "properties": {"kind": {"enum": [QuestionKind.SINGLE, QuestionKind.MULTIPLE]}}},
    "then": {"required": ["choices"], "properties": {"choices": {"minItems": 2}}},
}
#: file field -> model field, for the event's times
TIMES = {
    "starts": "starts_at",
    "ends": "ends_at",
    "registration_opens": "registration_opens_at",
    "registration_closes": "registration_closes_at",
    "cancellation_closes": "cancellation_closes_at",
}
FLAGS = ("is_public", "requires_approval", "waiting_list")
LANGUAGE_ORDER = [code for code, _name in settings.LANGUAGES]
TIME_ZONE: dict[str, Any] = {
    "enum": sorted(zoneinfo.available_timezones()),
    "description": "An IANA time zone name such as Europe/Vienna.",
}


def _first_language(title: dict[str, str]) -> str:
    """The event's first language: the first of the interface languages its title has (a stored title's key
    order is not kept by PostgreSQL, so the order is the installation's, not the file's)."""
    return next((code for code in LANGUAGE_ORDER if title.get(code)), "")


def today(zone: str) -> dt.date:
    """The day it is now in `zone`: what a relative time (`+40d 10:00`) counts from."""
    return dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()


def _time(item: Item, field: str, value: str | None, zone: str, context: Context, line: int = 0) -> dt.datetime | None:
    """A time of the file in UTC. A relative one (`+40d 10:00`) counts the days from today in the event's zone, so
    that a file (the demo's upcoming events) stays in the future; loaded again the same day, it changes nothing."""
    if not value:
        return None
    if relative := RELATIVE.match(value):
        day = today(zone) + dt.timedelta(days=int(relative["days"]))
        value = f"{day.isoformat()} {relative['time']}"
    try:
        naive = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        message = _("%(value)s is not a time; write it as YYYY-MM-DD HH:MM.") % {"value": value}
        context.problems.append(item.problem(field, message, line=line or None))
        return None
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


def _local(value: dt.datetime | None, zone: str) -> str | None:
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if value else None


def _translated(item: Item, field: str, value: Any, context: Context, line: int = 0) -> dict[str, str]:
    try:
        return clean_translations(value)
    except ValueError as error:
        context.problems.append(item.problem(field, str(error), line=line or None))
        return {}


def _translation_diff(field: str, wanted: dict[str, str], current: dict[str, str]) -> list[str]:
    return [f"{field}.{code}" for code in sorted(set(wanted) | set(current)) if wanted.get(code) != current.get(code)]


def _entries(item: Item, field: str, data: dict[str, Any] | None = None) -> list[tuple[int, int, Any]]:
    """(index, line, entry) of a list field of the item (or of `data`, a mapping inside it)."""
    entries = (item.data if data is None else data).get(field) or []
    line_of = getattr(entries, "line_of", None)
    return [(index, line_of(index) if line_of else item.line, entry) for index, entry in enumerate(entries)]


def _line_of(data: Any, key: str, default: int) -> int:
    line_of = getattr(data, "line_of", None)
    return int(line_of(key)) if line_of else default


def _key_of(person: Person | None) -> str | None:
    """How a person appears in a plan: their key, or their id for a record without one (the file cannot name it)."""
    return None if person is None else (person.key or f"#{person.pk}")


def _match(
    wanted: list[Any], existing: list[Any], keys: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]]
) -> dict[int, Any]:
    """Pair file entries with database rows: by the first key where it is equal; by each further key only where
    one candidate is left on each side. Returns {index in `wanted`: row}."""
    paired: dict[int, Any] = {}
    free = list(existing)
    for step, (of_wanted, of_row) in enumerate(keys):
        left = [index for index in range(len(wanted)) if index not in paired]
        for index in left:
            value = of_wanted(wanted[index])
            rows = [row for row in free if of_row(row) == value]
            if step and (len(rows) != 1 or sum(of_wanted(wanted[i]) == value for i in left) != 1):
                continue
            if rows:
                paired[index] = rows[0]
                free.remove(rows[0])
    return paired


VENUE_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "required": ["name", "city", "country", "time_zone"],
    "additionalProperties": False,
    "description": "Matched by name, city and country; created when missing (a file does not change a venue).",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "city": {"type": "string", "minLength": 1, "maxLength": 120},
        "country": COUNTRY,
        "address": {"type": "string", "maxLength": 300},
        "time_zone": TIME_ZONE,
    },
}


def _venue_key(spec: dict[str, Any] | None) -> tuple[str, str, str] | None:
    return (spec["name"].strip(), spec["city"].strip(), spec["country"]) if spec else None


def _venue_spec(venue: Venue) -> dict[str, Any]:
    spec = {"name": venue.name, "city": venue.city, "country": venue.country_id, "time_zone": venue.time_zone}
    if venue.address:
        spec["address"] = venue.address
    return spec


class _References:
    """What the events of a plan name outside themselves (organizations, countries, venues, people), read in one
    query each for all the events, and the checks that report a name that is nowhere."""

    def __init__(self, items: list[Item], context: Context) -> None:
        self.context = context
        named: set[str] = set()
        codes: set[str] = set()
        venue_keys: set[tuple[str, str, str]] = set()
        people: set[str] = set()
        for item in items:
            data = item.data
            named.add(data["organizer"])
            named.update(data.get("co_organizers") or [])
            people.update(data.get("co_chairs") or [])
            for delegation in data.get("delegations") or []:
                named.update([delegation["organization"]] if delegation.get("organization") else [])
                codes.update([delegation["country"]] if delegation.get("country") else [])
                people.update([delegation["head"]] if delegation.get("head") else [])
            specs = [data.get("venue")] + [session.get("venue") for session in data.get("sessions") or []]
            for session in data.get("sessions") or []:
                people.update(speaker["person"] for speaker in session.get("speakers") or [])
            for key in filter(None, map(_venue_key, specs)):
                venue_keys.add(key)
                codes.add(key[2])
        self.undeclared = {slug for slug in named if not context.declares("organizations", slug)}
        self.organizations = (
            set(Organization.objects.filter(slug__in=self.undeclared).values_list("slug", flat=True))
            if self.undeclared
            else set()
        )
        self.countries = set(Country.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
        self.venues: dict[tuple[str, str, str], Venue] = {}
        if venue_keys:
            query = Q()
            for name, city, code in venue_keys:
                query |= Q(name=name, city=city, country_id=code)
            for venue in Venue.objects.filter(query).order_by("pk"):
                self.venues.setdefault((venue.name, venue.city, venue.country_id), venue)
        undeclared_people = {key for key in people if not context.declares("people", key)}
        self.people = (
            set(
                Person.objects.filter(
                    key__in=undeclared_people, erased_at__isnull=True, merged_into__isnull=True
                ).values_list("key", flat=True)
            )
            if undeclared_people
            else set()
        ) | (people - undeclared_people)

    def check_organization(self, item: Item, field: str, slug: str, line: int = 0) -> None:
        if slug in self.undeclared and slug not in self.organizations:
            message = _("There is no organization %(slug)s: add it to the file's organizations, or load it first.") % {
                "slug": slug
            }
            self.context.problems.append(item.problem(field, message, line=line or None))

    def check_country(self, item: Item, field: str, code: str, line: int = 0) -> None:
        if code not in self.countries:
            message = _("Unknown country code %(code)s.") % {"code": code}
            self.context.problems.append(item.problem(field, message, line=line or None))

    def check_person(self, item: Item, field: str, key: str, line: int = 0) -> None:
        if key not in self.people:
            message = _(
                "There is no person with the key %(key)s: add them to the file's people, or give their record this key."
            ) % {"key": key}
            self.context.problems.append(item.problem(field, message, line=line or None))

    def venue(self, spec: dict[str, Any] | None) -> dict[str, Any]:
        """A venue as `apply` needs it: the file's spec, and the row it names when there is one."""
        key = _venue_key(spec)
        venue = self.venues.get(key) if key else None
        return {"spec": spec, "pk": venue.pk if venue else None}


@register
class EventsSection(Section):
    name = "events"
    label = gettext_lazy("event")
    depends_on = ("organizations", "people")

    def item_schema(self) -> dict[str, Any]:
        count = {"type": ["integer", "null"], "minimum": 0}
        return {
            "type": "object",
            "required": ["slug", "kind", "title", "organizer", "starts", "ends"],
            "additionalProperties": False,
            "properties": {
                "slug": SLUG,
                "kind": {"enum": list(EventKind.values)},
                "status": {"enum": list(EventStatus.values), "default": EventStatus.DRAFT},
                "title": TRANSLATED,
                "description": TRANSLATED,
                "organizer": SLUG,
                "co_organizers": {"type": "array", "items": SLUG, "description": "The whole list, when written."},
                "co_chairs": {
                    "type": "array",
                    "items": PERSON,
                    "uniqueItems": True,
                    "description": "People by key; the whole list, when written.",
                },
                "venue": VENUE_SCHEMA,
                "online_url": {"type": "string", "maxLength": 200},
                "time_zone": TIME_ZONE,
                **dict.fromkeys(TIMES, TIME),
                "capacity": count,
                **{flag: {"type": "boolean"} for flag in FLAGS},
                "categories": {
                    "type": "array",
                    "description": "Matched by position; categories left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {"name": TRANSLATED, "capacity": count},
                    },
                },
                "questions": {
                    "type": "array",
                    "description": "The registration form, matched by position; questions left out stay.",
                    "items": QUESTION,
                },
                "sessions": {
                    "type": "array",
                    "description": "Matched by start and title in the event's first language; sessions left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["title", "starts", "ends"],
                        "additionalProperties": False,
                        "properties": {
                            "title": TRANSLATED,
                            "description": TRANSLATED,
                            "kind": {"enum": list(SessionKind.values)},
                            "starts": TIME,
                            "ends": TIME,
                            "venue": {
                                **VENUE_SCHEMA,
                                "description": "Where the session is, when not at the event's venue.",
                            },
                            "room": {"type": "string", "maxLength": 120},
                            "language": {"type": "string", "maxLength": 8},
                            "speakers": {
                                "type": "array",
                                "items": SPEAKER,
                                "description": "In the order they spoke; the whole list, when written.",
                            },
                        },
                    },
                },
                "delegations": {
                    "type": "array",
                    "description": "Matched by country and organization; delegations left out stay.",
                    "items": {
                        "type": "object",
                        "anyOf": [{"required": ["country"]}, {"required": ["organization"]}],
                        "additionalProperties": False,
                        "properties": {
                            "country": COUNTRY,
                            "organization": SLUG,
                            "seats": count,
                            "head": {"anyOf": [PERSON, {"type": "null"}]},
                            "head_title": {"type": "string", "maxLength": 300},
                        },
                    },
                },
            },
        }

    # --- planning ----------------------------------------------------------------------------------------------

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        by_slug = {self.key_of(item.data): item for item in items}
        speakers = SessionSpeaker.objects.select_related("person").order_by("order", "id")
        existing = {
            event.slug: event
            for event in Event.objects.filter(slug__in=by_slug)
            .select_related("organizer", "venue")
            .prefetch_related(
                Prefetch("co_organizers", queryset=Organization.objects.only("slug")),
                Prefetch("co_chairs", queryset=Person.objects.only("key")),
                Prefetch("categories", queryset=RegistrationCategory.objects.order_by("order", "id")),
                Prefetch("questions", queryset=Question.objects.order_by("order", "id")),
                Prefetch(
                    "sessions",
                    queryset=Session.objects.select_related("venue").prefetch_related(
                        Prefetch("speakers", queryset=speakers)
                    ),
                ),
                Prefetch("delegations", queryset=Delegation.objects.select_related("organization", "head")),
            )
        }
        refs = _References(items, context)
        changes: list[Change] = []
        for slug, item in by_slug.items():
            current = existing.get(slug)
            refs.check_organization(item, "organizer", item.data["organizer"])
            for index, line, co in _entries(item, "co_organizers"):
                refs.check_organization(item, f"co_organizers[{index}]", str(co), line)
            for index, line, key in _entries(item, "co_chairs"):
                refs.check_person(item, f"co_chairs[{index}]", str(key), line)
            spec = item.data.get("venue")
            if spec:
                refs.check_country(item, "venue.country", spec["country"])
            # the zone the file's times are in: its own, else the event's, else (a new event) its venue's
            zone = item.data.get("time_zone") or (
                current.time_zone if current else (spec["time_zone"] if spec else "UTC")
            )
            wanted, status = self._event_fields(item, zone, context)
            fields, event_data = self._event_diff(current, wanted, refs)
            data: dict[str, Any] = {"event": event_data, "status": None}
            if status and (current.status if current else EventStatus.DRAFT) != status:
                if current and (current.status == EventStatus.CANCELLED or status == EventStatus.DRAFT):
                    message = _("An event's status goes from draft to published or cancelled, never back.")
                    context.problems.append(item.problem("status", message))
                fields.append("status")
                data["status"] = status
            if "co_organizers" in item.data:
                wanted_co = set(item.data["co_organizers"] or []) - {item.data["organizer"]}
                have_co = {organization.slug for organization in current.co_organizers.all()} if current else set()
                if wanted_co != have_co:
                    fields.extend(f"+co_organizers.{co}" for co in sorted(wanted_co - have_co))
                    fields.extend(f"-co_organizers.{co}" for co in sorted(have_co - wanted_co))
                    data["co_organizers"] = sorted(wanted_co)
            if "co_chairs" in item.data:
                wanted_chairs = set(item.data["co_chairs"] or [])
                have_chairs = {_key_of(person) for person in current.co_chairs.all()} if current else set()
                if wanted_chairs != have_chairs:
                    fields.extend(f"+co_chairs.{key}" for key in sorted(wanted_chairs - have_chairs))
                    fields.extend(f"-co_chairs.{key}" for key in sorted(have_chairs - wanted_chairs, key=str))
                    data["co_chairs"] = sorted(wanted_chairs)
            data["categories"] = self._categories(item, current, context, fields)
            data["questions"] = self._questions(item, current, context, fields)
            data["sessions"] = self._sessions(item, current, zone, refs, fields)
            data["delegations"] = self._delegations(item, current, refs, fields)
            action: Action = "create" if current is None else ("change" if fields else "unchanged")
            changes.append(Change(self, slug, action, item, fields=fields, data=data))
        return changes

    def _event_fields(self, item: Item, zone: str, context: Context) -> tuple[dict[str, Any], str | None]:
        wanted: dict[str, Any] = {}
        for field, value in item.data.items():
            if field in {"title", "description"}:
                wanted[field] = _translated(item, field, value, context)
            elif field in TIMES:
                wanted[TIMES[field]] = _time(item, field, value, zone, context)
            elif field in {"kind", "organizer", "venue", "time_zone", "capacity", *FLAGS}:
                wanted[field] = value
            elif field == "online_url":
                wanted[field] = (value or "").strip()
        return wanted, item.data.get("status")

    def _event_diff(
        self, current: Event | None, wanted: dict[str, Any], refs: _References
    ) -> tuple[list[str], dict[str, Any]]:
        fields: list[str] = []
        data: dict[str, Any] = {}
        for field, value in wanted.items():
            if field == "venue":
                have = _venue_key(_venue_spec(current.venue)) if current and current.venue else None
                differ = [field] if current is None or _venue_key(value) != have else []
                value = refs.venue(value)
            elif current is None:
                differ = [field]
            elif field in {"title", "description"}:
                differ = _translation_diff(field, value, getattr(current, field) or {})
            elif field == "organizer":
                differ = [field] if value != current.organizer.slug else []
            else:
                differ = [field] if value != getattr(current, field) else []
            if differ:
                fields.extend(differ)
                data[field] = value
        return fields, data

    def _categories(
        self, item: Item, current: Event | None, context: Context, fields: list[str]
    ) -> list[tuple[int | None, dict[str, Any]]]:
        have = list(current.categories.all()) if current else []
        result: list[tuple[int | None, dict[str, Any]]] = []
        for index, line, entry in _entries(item, "categories"):
            field = f"categories[{index}]"
            name = _translated(item, f"{field}.name", entry["name"], context, line)
            category = have[index] if index < len(have) else None
            if category is None:
                fields.append(f"+{field}")
                result.append((None, {"name": name, "capacity": entry.get("capacity")}))
                continue
            capacity = entry.get("capacity", category.capacity)
            differ = _translation_diff(f"{field}.name", name, category.name or {})
            if capacity != category.capacity:
                differ.append(f"{field}.capacity")
            if differ:
                fields.extend(differ)
                result.append((category.pk, {"name": name, "capacity": capacity}))
        return result

    def _questions(
        self, item: Item, current: Event | None, context: Context, fields: list[str]
    ) -> list[tuple[int | None, dict[str, Any]]]:
        """The registration form's questions, by position; each written whole."""
        have = list(current.questions.all()) if current else []
        result: list[tuple[int | None, dict[str, Any]]] = []
        for index, line, entry in _entries(item, "questions"):
            field = f"questions[{index}]"
            values = {
                "label": _translated(item, f"{field}.label", entry["label"], context, line),
                "kind": entry.get("kind", QuestionKind.TEXT),
                "choices": [
                    _translated(item, f"{field}.choices[{number}]", choice, context, line)
                    for number, choice in enumerate(entry.get("choices") or [])
                ],
                "required": bool(entry.get("required", False)),
            }
            question = have[index] if index < len(have) else None
            if question is None:
                fields.append(f"+{field}")
                result.append((None, values))
                continue
            if (
                values["kind"] != question.kind
                and Registration.objects.filter(event_id=question.event_id, answers__has_key=str(question.pk)).exists()
            ):  # answers are read by the kind: a rare change, so one query for it is fine
                message = _(
                    "People have answered this question, so its kind cannot change; add a new question instead."
                )
                context.problems.append(item.problem(f"{field}.kind", message, line=_line_of(entry, "kind", line)))
            differ = _translation_diff(f"{field}.label", values["label"], question.label or {})
            differ += [
                f"{field}.{name}" for name in ("kind", "choices", "required") if values[name] != getattr(question, name)
            ]
            if differ:
                fields.extend(differ)
                result.append((question.pk, values))
        return result

    def _sessions(
        self, item: Item, current: Event | None, zone: str, refs: _References, fields: list[str]
    ) -> list[tuple[int | None, dict[str, Any]]]:
        context = refs.context
        language = _first_language(item.data.get("title") or (current.title if current else {}))
        wanted: list[dict[str, Any]] = []
        for index, line, entry in _entries(item, "sessions"):
            field = f"sessions[{index}]"
            values: dict[str, Any] = {}
            for name, value in entry.items():
                if name in {"title", "description"}:
                    values[name] = _translated(item, f"{field}.{name}", value, context, line)
                elif name in {"starts", "ends"}:
                    values[f"{name}_at"] = _time(item, f"{field}.{name}", value, zone, context, line)
                elif name == "venue":
                    if value:
                        refs.check_country(
                            item, f"{field}.venue.country", value["country"], _line_of(entry, name, line)
                        )
                    values[name] = refs.venue(value)
                elif name == "speakers":
                    values[name] = self._speakers(item, field, entry, line, refs)
                else:
                    values[name] = (value or "").strip() if name != "kind" else value
            wanted.append(values)
        have = list(current.sessions.all()) if current else []
        paired = _match(
            wanted,
            have,
            [
                (lambda w: (w["starts_at"], w["title"].get(language)), lambda s: (s.starts_at, s.title.get(language))),
                (lambda w: w["starts_at"], lambda s: s.starts_at),
                (lambda w: w["title"].get(language), lambda s: s.title.get(language)),
            ],
        )
        result: list[tuple[int | None, dict[str, Any]]] = []
        for index, values in enumerate(wanted):
            label = f"sessions[{index}]"
            session = paired.get(index)
            if session is None:
                fields.append(f"+{label}")
                result.append((None, values))
                continue
            changed: dict[str, Any] = {}
            for name, value in values.items():
                if name in {"title", "description"}:
                    differ = _translation_diff(f"{label}.{name}", value, getattr(session, name) or {})
                elif name == "venue":
                    have_venue = _venue_key(_venue_spec(session.venue)) if session.venue else None
                    differ = [f"{label}.venue"] if _venue_key(value["spec"]) != have_venue else []
                elif name == "speakers":
                    have_speakers = [(_key_of(s.person), s.title_at_event) for s in session.speakers.all()]
                    differ = [f"{label}.speakers"] if value != have_speakers else []
                else:
                    differ = [f"{label}.{name}"] if value != getattr(session, name) else []
                if differ:
                    fields.extend(differ)
                    changed[name] = value
            if changed:
                result.append((session.pk, changed))
        return result

    def _speakers(
        self, item: Item, field: str, entry: dict[str, Any], line: int, refs: _References
    ) -> list[tuple[str, str]]:
        """A session's speakers as (person key, title as said), each person once."""
        speakers: list[tuple[str, str]] = []
        for index, speaker_line, speaker in _entries(item, "speakers", entry):
            key = str(speaker["person"])
            place = f"{field}.speakers[{index}].person"
            if key in {known for known, _title in speakers}:
                message = _("%(name)s is named twice among the speakers of this session.") % {"name": key}
                refs.context.problems.append(item.problem(place, message, line=speaker_line))
            refs.check_person(item, place, key, speaker_line)
            speakers.append((key, str(speaker.get("title") or "").strip()))
        return speakers

    def _delegations(
        self, item: Item, current: Event | None, refs: _References, fields: list[str]
    ) -> list[tuple[int | None, dict[str, Any]]]:
        have = {
            (delegation.country_id or "", delegation.organization.slug if delegation.organization else ""): delegation
            for delegation in (current.delegations.all() if current else [])
        }
        result: list[tuple[int | None, dict[str, Any]]] = []
        for index, line, entry in _entries(item, "delegations"):
            field = f"delegations[{index}]"
            key = (entry.get("country") or "", entry.get("organization") or "")
            if key[0]:
                refs.check_country(item, f"{field}.country", key[0], line)
            if key[1]:
                refs.check_organization(item, f"{field}.organization", key[1], line)
            if entry.get("head"):
                refs.check_person(item, f"{field}.head", entry["head"], _line_of(entry, "head", line))
            wanted: dict[str, Any] = {}
            if "seats" in entry:
                wanted["seats"] = entry["seats"]
            if "head" in entry:
                wanted["head"] = entry["head"] or None
            if "head_title" in entry:
                wanted["head_title"] = entry["head_title"].strip()
            delegation = have.get(key)
            if delegation is None:
                fields.append(f"+{field}")
                result.append((None, {"country": key[0], "organization": key[1], **wanted}))
                continue
            current_values = {
                "seats": delegation.size_limit,
                "head": _key_of(delegation.head),
                "head_title": delegation.head_title,
            }
            changed = {name: value for name, value in wanted.items() if value != current_values[name]}
            if changed:
                fields.extend(f"{field}.{name}" for name in changed)
                result.append((delegation.pk, changed))
        return result

    # --- applying ----------------------------------------------------------------------------------------------

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user if context.acting_user is not None else SYSTEM
        values = dict(change.data["event"])
        if "organizer" in values:
            values["organizer"] = Organization.objects.get(slug=values["organizer"])
        if "venue" in values:
            values["venue"] = self._venue(values["venue"], user)
        if change.action == "create":
            event = services.event_create(slug=change.key, acting_user=user, **values)
        else:
            event = Event.objects.get(slug=change.key)
            if values:
                event = services.event_update(event=event, acting_user=user, **values)
        status = change.data["status"]
        if status == EventStatus.PUBLISHED:
            event = services.event_publish(event=event, acting_user=user)
        elif status == EventStatus.CANCELLED:
            event = services.event_cancel(event=event, acting_user=user)
        people = self._people(change)
        if "co_organizers" in change.data:
            organizations = Organization.objects.filter(slug__in=change.data["co_organizers"])
            services_programme.event_set_co_organizers(event=event, organizations=organizations, acting_user=user)
        if "co_chairs" in change.data:
            chairs = [people[key] for key in change.data["co_chairs"]]
            services_programme.event_set_co_chairs(event=event, people=chairs, acting_user=user)
        for pk, category in change.data["categories"]:
            if pk is None:
                services_programme.category_create(event=event, acting_user=user, **category)
            else:
                services_programme.category_update(
                    category=RegistrationCategory.objects.get(pk=pk), acting_user=user, **category
                )
        for pk, question in change.data["questions"]:
            if pk is None:
                services.question_create(event=event, acting_user=user, **question)
            else:
                services_programme.question_update(
                    question=Question.objects.select_related("event").get(pk=pk), acting_user=user, **question
                )
        for pk, session_values in change.data["sessions"]:
            self._apply_session(event, pk, dict(session_values), people, user)
        for pk, delegation in change.data["delegations"]:
            head = people[delegation["head"]] if delegation.get("head") else None
            if pk is None:
                services.delegation_create(
                    event=event,
                    acting_user=user,
                    country=Country.objects.get(code=delegation["country"]) if delegation["country"] else None,
                    organization=(
                        Organization.objects.get(slug=delegation["organization"])
                        if delegation["organization"]
                        else None
                    ),
                    head=head,
                    head_title=delegation.get("head_title", ""),
                    size_limit=delegation.get("seats"),
                )
            else:
                existing = Delegation.objects.select_related("event", "head").get(pk=pk)
                services_programme.delegation_update(
                    delegation=existing,
                    acting_user=user,
                    head=head if "head" in delegation else existing.head,
                    head_title=delegation.get("head_title", existing.head_title),
                    size_limit=delegation.get("seats", existing.size_limit),
                )

    def _people(self, change: Change) -> dict[str, Person]:
        """The people a change names (co-chairs, speakers, heads), by key, in one query."""
        keys = set(change.data.get("co_chairs", []))
        keys.update(key for _pk, session in change.data["sessions"] for key, _title in session.get("speakers", []))
        keys.update(delegation["head"] for _pk, delegation in change.data["delegations"] if delegation.get("head"))
        if not keys:
            return {}
        return {person.key: person for person in Person.objects.filter(key__in=keys) if person.key}

    def _apply_session(
        self, event: Event, pk: int | None, values: dict[str, Any], people: dict[str, Person], user: Any
    ) -> None:
        speakers = values.pop("speakers", None)
        if "venue" in values:
            values["venue"] = self._venue(values["venue"], user)
        if pk is None:
            session = services_programme.session_create(event=event, acting_user=user, **values)
        else:
            session = Session.objects.select_related("event").get(pk=pk)
            if values:
                session = services_programme.session_update(session=session, acting_user=user, **values)
        if speakers is not None:
            services_programme.session_set_speakers(
                session=session, speakers=[(people[key], title) for key, title in speakers], acting_user=user
            )

    def _venue(self, venue: dict[str, Any], user: Any) -> Venue | None:
        spec = venue["spec"]
        if not spec:
            return None
        if venue["pk"]:
            return Venue.objects.get(pk=venue["pk"])
        name, city, code = _venue_key(spec) or ("", "", "")
        found = Venue.objects.filter(name=name, city=city, country_id=code).order_by("pk").first()
        if found is not None:  # made a moment ago for an earlier event or session of the same file
            return found
        return services_programme.venue_create(
            name=name,
            city=city,
            country=Country.objects.get(code=code),
            time_zone=spec["time_zone"],
            address=spec.get("address", ""),
            acting_user=user,
        )

    # --- dumping -----------------------------------------------------------------------------------------------

    def _dumped(self, scope: DumpScope) -> Any:
        """The events organized by the networks' member organizations."""
        members = NetworkMembership.objects.filter(network__slug__in=scope.networks).values("organization_id")
        return Event.objects.filter(organizer__in=members)

    def organizations_named(self, scope: DumpScope) -> set[str]:
        """Co-organizers and delegations' organizations outside the network: the dump writes them too."""
        events = self._dumped(scope)
        co = Organization.objects.filter(co_organized_events__in=events)
        delegated = Organization.objects.filter(delegations__event__in=events)
        return set(co.values_list("slug", flat=True)) | set(delegated.values_list("slug", flat=True))

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        speakers = SessionSpeaker.objects.select_related("person").order_by("order", "id")
        events = (
            self._dumped(scope)
            .select_related("organizer", "venue")
            .prefetch_related(
                Prefetch("co_organizers", queryset=Organization.objects.only("slug").order_by("slug")),
                Prefetch("co_chairs", queryset=Person.objects.only("key").order_by("key", "pk")),
                Prefetch("categories", queryset=RegistrationCategory.objects.order_by("order", "id")),
                Prefetch("questions", queryset=Question.objects.order_by("order", "id")),
                Prefetch(
                    "sessions",
                    queryset=Session.objects.select_related("venue")
                    .prefetch_related(Prefetch("speakers", queryset=speakers))
                    .order_by("starts_at", "id"),
                ),
                Prefetch(
                    "delegations", queryset=Delegation.objects.select_related("organization", "head").order_by("pk")
                ),
            )
            .order_by("starts_at", "slug")
        )
        events = list(events)
        public = public_people(self._keys_named(events))
        return [self._item(event, public) for event in events]

    def _keys_named(self, events: list[Event]) -> set[str]:
        keys = {person.key for event in events for person in event.co_chairs.all()}
        keys |= {s.person.key for event in events for session in event.sessions.all() for s in session.speakers.all()}
        keys |= {d.head.key for event in events for d in event.delegations.all() if d.head}
        return {key for key in keys if key}

    def people_named(self, scope: DumpScope) -> set[str]:
        """The co-chairs, speakers and heads of the dumped events: the people section writes those who agreed."""
        events = self._dumped(scope)
        keys = set(Person.objects.filter(chaired_events__in=events).values_list("key", flat=True))
        keys |= set(SessionSpeaker.objects.filter(session__event__in=events).values_list("person__key", flat=True))
        keys |= set(Delegation.objects.filter(event__in=events).values_list("head__key", flat=True))
        return {key for key in keys if key}

    def _item(self, event: Event, public: set[str]) -> dict[str, Any]:
        """One event in the file format. People are written by key, and only those with a key and a consent to be
        shown in public (`public`, see registry.netfile_people): where a co-chair or a speaker is not one of them,
        the list is left out (so loading the dump leaves it as it is), and such a head is left out."""
        zone = event.time_zone
        item: dict[str, Any] = {
            "slug": event.slug,
            "kind": event.kind,
            "status": event.status,
            "title": event.title,
        }
        if event.description:
            item["description"] = event.description
        item["organizer"] = event.organizer.slug
        item["co_organizers"] = [organization.slug for organization in event.co_organizers.all()]
        chairs = list(event.co_chairs.all())
        if chairs and all(person.key in public for person in chairs):
            item["co_chairs"] = [str(person.key) for person in chairs]
        if event.venue:
            item["venue"] = _venue_spec(event.venue)
        if event.online_url:
            item["online_url"] = event.online_url
        item["time_zone"] = zone
        for field, model_field in TIMES.items():
            value = _local(getattr(event, model_field), zone)
            if value:
                item[field] = value
        if event.capacity is not None:
            item["capacity"] = event.capacity
        item.update({flag: getattr(event, flag) for flag in FLAGS})
        item["categories"] = [
            {"name": category.name, "capacity": category.capacity} for category in event.categories.all()
        ]
        questions = [self._question(question) for question in event.questions.all()]
        if questions:
            item["questions"] = questions
        item["sessions"] = [self._session(session, zone, public) for session in event.sessions.all()]
        item["delegations"] = [self._delegation(delegation, public) for delegation in event.delegations.all()]
        return item

    def _question(self, question: Question) -> dict[str, Any]:
        values: dict[str, Any] = {"label": question.label, "kind": question.kind}
        if question.choices:
            values["choices"] = question.choices
        if question.required:
            values["required"] = True
        return values

    def _session(self, session: Session, zone: str, public: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {"title": session.title}
        if session.description:
            values["description"] = session.description
        values.update(
            {"kind": session.kind, "starts": _local(session.starts_at, zone), "ends": _local(session.ends_at, zone)}
        )
        if session.venue:
            values["venue"] = _venue_spec(session.venue)
        if session.room:
            values["room"] = session.room
        if session.language:
            values["language"] = session.language
        speakers = list(session.speakers.all())
        if speakers and all(speaker.person.key in public for speaker in speakers):
            values["speakers"] = [
                {"person": speaker.person.key, **({"title": speaker.title_at_event} if speaker.title_at_event else {})}
                for speaker in speakers
            ]
        return values

    def _delegation(self, delegation: Delegation, public: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if delegation.country_id:
            values["country"] = delegation.country_id
        if delegation.organization:
            values["organization"] = delegation.organization.slug
        values["seats"] = delegation.size_limit
        if delegation.head and delegation.head.key in public:
            values["head"] = delegation.head.key
        if delegation.head_title:
            values["head_title"] = delegation.head_title
        return values


# --- generated registrations ----------------------------------------------------------------------------------


def registrations_sync(event: Event, wanted: list[tuple[int, dt.datetime, dict[str, Any]]], managed: set[int]) -> None:
    """Bring the registrations of the people in `managed` to `wanted` (person, when they registered, fields) in bulk;
    others' stay as they are. Registrations are people's data and never in a file: this writes the ones a generator
    makes (`tamyr demo`'s), past events included, which `registration_create` refuses, with the audit rows it writes.
    Each is registered when the generator says, not when it ran (`created_at`)."""
    existing = {r.person_id: r for r in Registration.objects.filter(event=event, person_id__in=managed)}
    values = {person_id: {**fields, "created_at": at} for person_id, at, fields in wanted}
    synced = bulk.sync_keyed(
        Registration,
        existing,
        values,
        lambda person_id, fields: Registration(event=event, person_id=person_id, **fields),
        remove_others=True,
    )
    for action, keys in (("created", synced.created), ("changed", synced.changed & set(synced.rows))):
        rows = [synced.rows[key] for key in values if key in keys]
        bulk.audit_rows(
            f"events.registration_{action}",
            rows,
            lambda r: f"{r.code} — {event.slug}",
            source="demo",
            status=lambda r: r.status,
        )
