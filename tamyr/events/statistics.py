"""Attendance statistics, computed by the database (`values().annotate(Count)`), never by looping over rows.

Per event: registered (pending, confirmed or waitlisted), confirmed, waitlisted, pending and attended (checked
in), and the same broken down by country of residence, organization represented, gender and age band.

Across events: how many distinct people took part, from how many countries — a person who came to three events
counts once, and when the registry has merged a duplicate record into another (`Person.merged_into`, if the
registry has that field), the two records count as one person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts import permissions
from tamyr.events.models import ACTIVE_STATUSES, Event, EventStatus, Registration, RegistrationStatus
from tamyr.registry.models import Country, Gender, Network, Organization, Person

# (key, label, youngest age in the band); "unknown" is for people without a year of birth.
AGE_BANDS: tuple[tuple[str, Any, int], ...] = (
    ("under_18", gettext_lazy("Under 18"), 0),
    ("18_24", "18–24", 18),
    ("25_34", "25–34", 25),
    ("35_44", "35–44", 35),
    ("45_54", "45–54", 45),
    ("55_64", "55–64", 55),
    ("65_plus", "65+", 65),
)
UNKNOWN = "unknown"


@dataclass
class Row:
    key: str
    label: str
    registered: int = 0
    confirmed: int = 0
    attended: int = 0


@dataclass
class Table:
    name: str
    title: str
    rows: list[Row]

    @property
    def largest(self) -> int:
        return max((row.registered for row in self.rows), default=0)

    @property
    def total(self) -> int:
        return sum(row.registered for row in self.rows)


@dataclass
class EventStatistics:
    registered: int
    confirmed: int
    waitlisted: int
    pending: int
    attended: int
    cancelled: int
    declined: int
    capacity: int | None
    tables: list[Table] = field(default_factory=list)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.confirmed)


def _counts(prefix: str = "") -> dict[str, Count]:
    """registered / confirmed / attended among active registrations, for `values(...).annotate(**_counts())`."""
    return {
        "registered": Count(f"{prefix}id"),
        "confirmed": Count(f"{prefix}id", filter=Q(**{f"{prefix}status": RegistrationStatus.CONFIRMED})),
        "attended": Count(f"{prefix}id", filter=Q(**{f"{prefix}checked_in_at__isnull": False})),
    }


def age_band(year: int, prefix: str = "person__") -> Case:
    """The age band of a person in `year`, as SQL: age = year − birth year."""
    whens = [When(**{f"{prefix}birth_year__isnull": True}, then=Value(UNKNOWN))]
    for key, _label, youngest in reversed(AGE_BANDS):
        # age >= youngest  ⇔  birth_year <= year − youngest
        whens.append(When(**{f"{prefix}birth_year__lte": year - youngest}, then=Value(key)))
    return Case(*whens, default=Value(AGE_BANDS[0][0]), output_field=CharField())


def _rows(qs: QuerySet[Any], key: str) -> list[dict[str, Any]]:
    return list(qs.values(key).annotate(**_counts()).order_by("-registered", key))


def event_counts(event: Event) -> EventStatistics:
    """The totals only, in one query (the organizer's dashboard and the check-in page)."""
    totals = Registration.objects.filter(event=event).aggregate(
        registered=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        pending=Count("id", filter=Q(status=RegistrationStatus.PENDING)),
        cancelled=Count("id", filter=Q(status=RegistrationStatus.CANCELLED)),
        declined=Count("id", filter=Q(status=RegistrationStatus.DECLINED)),
        attended=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    return EventStatistics(**totals, capacity=event.capacity)


def event_statistics(event: Event) -> EventStatistics:
    """Seven queries, whatever the number of registrations."""
    stats = event_counts(event)
    registrations = Registration.objects.filter(event=event)
    active = registrations.filter(status__in=ACTIVE_STATUSES)
    not_given = _("Not given")

    by_country = _rows(active, "person__residence_country")
    countries = Country.objects.in_bulk(
        [r["person__residence_country"] for r in by_country if r["person__residence_country"]]
    )
    country_rows = [
        _row(
            r,
            r["person__residence_country"] or UNKNOWN,
            countries[r["person__residence_country"]].name if r["person__residence_country"] else not_given,
        )
        for r in by_country
    ]

    by_org = _rows(active, "organization")
    organizations = Organization.objects.in_bulk([r["organization"] for r in by_org if r["organization"]])
    org_rows = [
        _row(
            r,
            str(r["organization"] or UNKNOWN),
            organizations[r["organization"]].display_name if r["organization"] else not_given,
        )
        for r in by_org
    ]

    genders = dict(Gender.choices)
    gender_rows = [
        _row(r, r["person__gender"] or UNKNOWN, str(genders.get(r["person__gender"], not_given)))
        for r in _rows(active, "person__gender")
    ]

    year = event.starts_at.year
    by_age = {
        r["band"]: r for r in active.annotate(band=age_band(year)).values("band").annotate(**_counts()).order_by("band")
    }
    age_rows = [
        _row(by_age.get(key, {}), key, str(label))
        for key, label, _youngest in (*AGE_BANDS, (UNKNOWN, _("Unknown"), -1))
        if key in by_age or key != UNKNOWN
    ]

    stats.tables = [
        Table("country", _("By country of residence"), country_rows),
        Table("organization", _("By organization represented"), org_rows),
        Table("gender", _("By gender"), gender_rows),
        Table("age", _("By age band (age in %(year)s)") % {"year": year}, age_rows),
    ]
    return stats


def _row(values: dict[str, Any], key: str, label: str) -> Row:
    return Row(
        key=key,
        label=label,
        registered=values.get("registered", 0),
        confirmed=values.get("confirmed", 0),
        attended=values.get("attended", 0),
    )


def table_rows(stats: EventStatistics) -> Iterator[list[Any]]:
    """Rows for the CSV/XLSX export: one line per group of every table."""
    yield [_("Totals"), _("Registered"), stats.registered, "", ""]
    for label, value in (
        (_("Confirmed"), stats.confirmed),
        (_("On the waiting list"), stats.waitlisted),
        (_("Awaiting approval"), stats.pending),
        (_("Attended"), stats.attended),
        (_("Cancelled"), stats.cancelled),
        (_("Declined"), stats.declined),
    ):
        yield [_("Totals"), label, value, "", ""]
    for table in stats.tables:
        for row in table.rows:
            yield [table.title, row.label, row.registered, row.confirmed, row.attended]


# --- across events -------------------------------------------------------------------------------------------

TOOK_PART_CONFIRMED = "confirmed"
TOOK_PART_ATTENDED = "attended"


@cache
def _has_merged_into() -> bool:
    return any(f.name == "merged_into" for f in Person._meta.get_fields())


def person_key(prefix: str = "") -> Combinable:
    """The person a registration counts for: the record a duplicate was merged into, if any."""
    if _has_merged_into():
        return Coalesce(f"{prefix}person__merged_into", f"{prefix}person")
    return F(f"{prefix}person")


def country_key(prefix: str = "") -> Combinable:
    if _has_merged_into():
        return Coalesce(f"{prefix}person__merged_into__residence_country", f"{prefix}person__residence_country")
    return F(f"{prefix}person__residence_country")


def took_part(kind: str, prefix: str = "") -> Q:
    if kind == TOOK_PART_ATTENDED:
        return Q(**{f"{prefix}checked_in_at__isnull": False})
    return Q(**{f"{prefix}status": RegistrationStatus.CONFIRMED})


def events_in_scope(user: Any) -> QuerySet[Event]:
    """Published events organized or co-organized by organizations whose people the user may see."""
    qs = Event.objects.filter(status=EventStatus.PUBLISHED)
    scope = permissions.people_scope(user)
    if scope is None:
        return qs
    return qs.filter(Q(organizer_id__in=scope) | Q(co_organizers__in=scope)).distinct()


def overview_events(
    user: Any, *, year: int | None = None, organizer: Organization | None = None, network: Network | None = None
) -> QuerySet[Event]:
    qs = events_in_scope(user)
    if year:
        qs = qs.filter(starts_at__year=year)
    if organizer is not None:
        qs = qs.filter(Q(organizer=organizer) | Q(co_organizers=organizer))
    if network is not None:
        qs = qs.filter(
            Q(organizer__network_memberships__network=network) | Q(co_organizers__network_memberships__network=network)
        )
    return Event.objects.filter(pk__in=qs.values("pk"))


@dataclass
class Overview:
    people: int
    countries: int
    events: list[Any]  # annotated with participants and participant_countries
    by_country: list[Row]


def overview(
    user: Any,
    *,
    year: int | None = None,
    organizer: Organization | None = None,
    network: Network | None = None,
    kind: str = TOOK_PART_CONFIRMED,
) -> Overview:
    """Distinct people who took part in the events in scope; four queries."""
    events = overview_events(user, year=year, organizer=organizer, network=network)
    registrations = Registration.objects.filter(took_part(kind), event__in=events)
    totals = registrations.aggregate(
        people=Count(person_key(), distinct=True), countries=Count(country_key(), distinct=True)
    )
    per_event = list(
        events.select_related("organizer", "venue", "venue__country")
        .annotate(
            participants=Count("registrations", filter=took_part(kind, "registrations__")),
            participant_countries=Count(
                country_key("registrations__"), filter=took_part(kind, "registrations__"), distinct=True
            ),
        )
        .order_by("-starts_at", "slug")
    )
    by_country_values = list(
        registrations.annotate(country=country_key())
        .values("country")
        .annotate(people=Count(person_key(), distinct=True))
        .order_by("-people", "country")
    )
    names = Country.objects.in_bulk([r["country"] for r in by_country_values if r["country"]])
    by_country = [
        Row(
            key=r["country"] or UNKNOWN,
            label=names[r["country"]].name if r["country"] else _("Not given"),
            registered=r["people"],
        )
        for r in by_country_values
    ]
    return Overview(people=totals["people"], countries=totals["countries"], events=per_event, by_country=by_country)


def overview_rows(result: Overview) -> Iterable[list[Any]]:
    yield [_("All events"), "", _("People"), result.people]
    yield [_("All events"), "", _("Countries"), result.countries]
    for event in result.events:
        yield [event.display_title, event.starts_at.date().isoformat(), _("People"), event.participants]  # type: ignore[attr-defined]
    for row in result.by_country:
        yield [_("By country of residence"), row.label, _("People"), row.registered]
