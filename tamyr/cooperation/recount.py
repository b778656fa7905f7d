"""Counting many computed periods at once: a fixed number of queries however many indicators a plan has.

`queries.QUERIES` says what each named query counts for one period (`Query.items`, the drill-down, and
`Query.count`, its number). Counting a plan of two thousand indicators that way takes five or six queries per
period, and every indicator over the network's events scans the network's registrations again. Here the same
rules are applied to many periods in three steps:

1. *Resolve* (`resolve`): each period's scope becomes a `Spec`, the plain data its number depends on — the ids of
   the events (or courses) it counts over after the measure's links, the network's organizers, the period's dates,
   the cancelled events and the `kind` are applied, the member states' country codes, and the ages. Reading what
   that needs takes seven queries for any number of periods (events and courses are few next to registrations).
2. *Count* (`count_specs`): periods whose specs are equal share one number (every network-wide indicator of one kind
   and year, however many measures carry it), and one grouped statement per query and country list counts every
   distinct spec: `COUNT(DISTINCT person)` per spec over a `VALUES` list of (spec, event) pairs joined to the
   registrations by their (event, status) index. Plain SQL that PostgreSQL and SQLite both run.
3. The caller (`services.recount`) writes the numbers.

The rules are those of `queries.py`, which stays the reference: tests compare the two on the same data
(tests/cooperation/test_recount.py), and the drill-down still lists what `Query.items` counts.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from tamyr.cooperation import selectors
from tamyr.cooperation.models import CountedEvent, CountedPerson, IndicatorPeriod, Measure, PeopleCount
from tamyr.cooperation.queries import QUERIES, Scope
from tamyr.events.models import Event, EventStatus, Registration, RegistrationStatus
from tamyr.learning.models import Course, Enrollment, EnrollmentStatus
from tamyr.registry.models import MembershipRole, NetworkMembership, Person

#: VALUES rows per statement: well under SQLite's and PostgreSQL's limits on statement size.
CHUNK = 20_000


@dataclass(frozen=True)
class Spec:
    """What one period's number depends on, resolved. Equal specs have equal numbers."""

    query: str
    keys: tuple[int, ...]  # the events (or courses) counted over, sorted
    countries: tuple[str, ...] | None  # None: everyone counts; (): nobody does
    ages: tuple[int, int] | None = None  # young_registered: (min, max)
    window: tuple[datetime, datetime] | None = None  # courses_completed: completions from … to (inclusive)
    years: tuple[int, ...] = ()  # young_registered: each event's year (in the site's time zone), as `keys`
    wide: bool = False  # distinct people over the network's events (no linked events): kept row by row


# --- 1. resolve ---------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """Everything the specs of a batch of periods are made from, read once."""

    linked_events: dict[int, list[int]]
    linked_courses: dict[int, list[int]]
    network_orgs: dict[int, set[int]]
    member_countries: dict[int, tuple[str, ...]]
    events: dict[int, tuple[datetime, str, str, set[int]]]  # id → (starts_at, kind, status, organizers)
    courses_by_provider: dict[int, list[int]]
    #: the events of a scope over the network's (or organization's) events, by what decides them: many periods
    #: share one (every measure linking nothing, per period and kind), and each would walk every event again
    wide_events: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # an event's year in the site's time zone, once each


def _context(periods: list[IndicatorPeriod]) -> _Context:
    measure_ids = {p.indicator.measure_id for p in periods}
    network_ids = {p.indicator.measure.plan.network_id for p in periods} - {None}
    linked_events: dict[int, list[int]] = defaultdict(list)
    for measure_id, event_id in Measure.events.through.objects.filter(measure_id__in=measure_ids).values_list(
        "measure_id", "event_id"
    ):
        linked_events[measure_id].append(event_id)
    over_courses = any(QUERIES[p.indicator.query].depends_on == "courses" for p in periods)
    linked_courses: dict[int, list[int]] = defaultdict(list)
    if over_courses:
        for measure_id, course_id in Measure.courses.through.objects.filter(measure_id__in=measure_ids).values_list(
            "measure_id", "course_id"
        ):
            linked_courses[measure_id].append(course_id)
    network_orgs: dict[int, set[int]] = defaultdict(set)
    member_countries: dict[int, set[str]] = defaultdict(set)
    for network_id, org_id, role, country in NetworkMembership.objects.filter(network_id__in=network_ids).values_list(
        "network_id", "organization_id", "role", "organization__country_id"
    ):
        network_orgs[network_id].add(org_id)
        if role == MembershipRole.MEMBER and country:
            member_countries[network_id].add(country)
    organizations = {org for orgs in network_orgs.values() for org in orgs} | {
        p.indicator.measure.plan.organization_id for p in periods if p.indicator.measure.plan.organization_id
    }
    # the events any period may count: linked ones, and those (co-)organized by an organization of a network,
    # within the batch's dates
    first = min((p.starts_on for p in periods), default=None)
    last = max((p.ends_on for p in periods), default=None)
    events: dict[int, tuple[datetime, str, str, set[int]]] = {}
    # the network's events are needed only by periods of measures linking none (over events: a batch of linked
    # periods, after a registration, reads only their few events)
    over_network = any(
        not linked_events.get(p.indicator.measure_id)
        for p in periods
        if QUERIES[p.indicator.query].depends_on == "events"
    )
    if first is not None and last is not None:
        window = Scope(0, None, None, first, last, {})
        linked = {event for ids in linked_events.values() for event in ids}
        which = Q(pk__in=linked)
        if over_network:
            co_organized = Event.co_organizers.through.objects.filter(organization_id__in=organizations)
            which |= Q(organizer_id__in=organizations) | Q(pk__in=co_organized.values("event_id"))
        rows = Event.objects.filter(which, starts_at__gte=window.start, starts_at__lte=window.end).values_list(
            "pk", "starts_at", "kind", "status", "organizer_id"
        )
        for pk, starts_at, kind, status, organizer in rows:
            events[pk] = (starts_at, kind, status, {organizer})
        if over_network:
            for event_id, org_id in Event.co_organizers.through.objects.filter(event_id__in=list(events)).values_list(
                "event_id", "organization_id"
            ):
                events[event_id][3].add(org_id)
    courses_by_provider: dict[int, list[int]] = defaultdict(list)
    if over_courses:
        for pk, provider in Course.objects.filter(provider_id__in=organizations).values_list("pk", "provider_id"):
            courses_by_provider[provider].append(pk)
    return _Context(
        linked_events,
        linked_courses,
        network_orgs,
        {network: tuple(sorted(codes)) for network, codes in member_countries.items()},
        events,
        courses_by_provider,
    )


def _organizations(scope: Scope, context: _Context) -> set[int]:
    if scope.network_id is None:
        return {scope.organization_id} if scope.organization_id else set()
    return context.network_orgs.get(scope.network_id, set())


def _countries(scope: Scope, context: _Context) -> tuple[str, ...] | None:
    given = scope.params.get("countries")
    if given:
        return tuple(sorted({str(code).upper() for code in given}))
    if scope.network_id is None:
        return None
    return context.member_countries.get(scope.network_id, ())


def _events(scope: Scope, context: _Context) -> list[int]:
    """`queries.events_of`, from the context."""
    linked = context.linked_events.get(scope.measure_id)
    start, end, kind = scope.start, scope.end, scope.params.get("kind")
    if linked:
        candidates: Iterable[int] = (pk for pk in linked if pk in context.events)
    else:
        memo = (scope.network_id, scope.organization_id, start, end, kind)
        if memo in context.wide_events:
            return context.wide_events[memo]
        organizations = _organizations(scope, context)
        candidates = (pk for pk, event in context.events.items() if event[3] & organizations)
        context.wide_events[memo] = _within(candidates, start, end, kind, context)
        return context.wide_events[memo]
    return _within(candidates, start, end, kind, context)


def _within(candidates: Iterable[int], start: datetime, end: datetime, kind: Any, context: _Context) -> list[int]:
    return sorted(
        pk
        for pk in candidates
        if start <= context.events[pk][0] <= end
        and context.events[pk][2] != EventStatus.CANCELLED
        and (not kind or context.events[pk][1] == kind)
    )


def _year(event_id: int, context: _Context) -> int:
    year = context.years.get(event_id)
    if year is None:
        year = context.years[event_id] = timezone.localtime(context.events[event_id][0]).year
    return year


def _spec(period: IndicatorPeriod, scope: Scope, context: _Context) -> Spec:
    name = period.indicator.query
    wide = not context.linked_events.get(scope.measure_id)
    if name == "unique_participants":
        return Spec(name, tuple(_events(scope, context)), _countries(scope, context), wide=wide)
    if name == "young_registered":
        countries = _countries(scope, context) if scope.params.get("member_states") else None
        ages = (int(scope.params.get("min_age", 14)), int(scope.params.get("max_age", 35)))
        events = tuple(_events(scope, context))
        # the age reached in the event's year, the year taken in the site's time zone as ExtractYear does
        years = tuple(_year(pk, context) for pk in events)
        return Spec(name, events, countries, ages, years=years, wide=wide)
    if name == "courses_completed":
        linked = context.linked_courses.get(scope.measure_id)
        if linked:
            courses = sorted(set(linked))
        else:
            courses = sorted({c for org in _organizations(scope, context) for c in context.courses_by_provider[org]})
        return Spec(name, tuple(courses), _countries(scope, context), window=(scope.start, scope.end))
    raise KeyError(name)


def resolve(periods: list[IndicatorPeriod]) -> dict[int, Spec]:
    """The spec of every period whose query is known (periods need `indicator__measure__plan` selected)."""
    known = [p for p in periods if p.indicator.query in QUERIES]
    if not known:
        return {}
    context = _context(known)
    return {period.pk: _spec(period, selectors.scope_of(period), context) for period in known}


# --- 2. count -----------------------------------------------------------------------------------------------------


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


#: Up to this many (spec, event) pairs in a statement, each registration's person is looked up by its key (a
#: recount after one change: a few events); above, the people from the states are gathered once and hashed (a
#: recount of everything: millions of registrations). Either way the same people count.
PROBE_PAIRS = 200


def _qualifying(countries: tuple[str, ...], params: list[Any], person: str, pairs: int) -> str:
    """The condition that `person` (a column) is from the given states: living there, or a citizen
    (`queries._from_states`)."""
    marks = ", ".join(["%s"] * len(countries))
    params.extend(countries)
    params.extend(countries)
    people, citizenships = _table(Person), _table(Person.citizenships.through)
    if pairs <= PROBE_PAIRS:
        return (
            f"(EXISTS (SELECT 1 FROM {people} q WHERE q.id = {person} AND q.residence_country_id IN ({marks})) "
            f"OR EXISTS (SELECT 1 FROM {citizenships} c WHERE c.person_id = {person} AND c.country_id IN ({marks})))"
        )
    return (
        f"{person} IN (SELECT id FROM {people} WHERE residence_country_id IN ({marks}) "
        f"UNION SELECT person_id FROM {citizenships} WHERE country_id IN ({marks}))"
    )


def _run(sql: str, params: list[Any]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(spec): int(number) for spec, number in cursor.fetchall()}


def _values(rows: Sequence[tuple[int, ...]]) -> str:
    """Integers only (ids, years, ages), written into the statement: no parameter limit to mind."""
    return ", ".join("(" + ", ".join(str(int(value)) for value in row) + ")" for row in rows)


def update_by_id(
    model: Any,
    names: Sequence[str],
    rows: Sequence[tuple[int, ...]],
    assign: str,
    where: str = "",
    params: Sequence[Any] = (),
) -> int:
    """Many rows of `model` updated by id from a `VALUES` list of integers (`names`: the id, then the values, as
    `v.<name>` in `assign`), 5,000 rows a statement: instead of a `CASE` of thousands of branches that the ORM takes
    seconds to build. `where` adds to the match on the row `t`; `params` fill `assign` then `where`. PostgreSQL
    and SQLite (3.33 and later) alike. Returns how many rows changed."""
    written = 0
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        # the VALUES columns are column1, column2 … in both; the statement starts with UPDATE so that SQLite's
        # driver reports the rows changed
        named = ", ".join(f"column{n + 1} AS {name}" for n, name in enumerate(names))
        sql = (
            f"UPDATE {_table(model)} AS t SET {assign} "
            f"FROM (SELECT {named} FROM (VALUES {_values(chunk)}) AS x) AS v WHERE t.id = v.{names[0]}"
            + (f" AND {where}" if where else "")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            written += cursor.rowcount
    return written


def _chunks(specs: list[tuple[int, Spec]]) -> Iterable[list[tuple[int, Spec]]]:
    chunk: list[tuple[int, Spec]] = []
    size = 0
    for item in specs:
        chunk.append(item)
        size += len(item[1].keys)
        if size >= CHUNK:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _registrations_sql(
    chunk: list[tuple[int, Spec]], countries: tuple[str, ...] | None, head: str
) -> tuple[str, list[Any]]:
    """unique_participants and young_registered over a chunk of specs numbered by the caller: `head` selects
    (`SELECT s.spec, COUNT(DISTINCT r.person_id)` to count, `SELECT DISTINCT s.spec, r.person_id` to list)."""
    registrations, people = _table(Registration), _table(Person)
    young = chunk[0][1].query == "young_registered"
    params: list[Any] = []
    if young:
        rows: list[tuple[int, ...]] = [
            (number, key, year, *(spec.ages or (0, 0)))
            for number, spec in chunk
            for key, year in zip(spec.keys, spec.years, strict=True)
        ]
        if not rows:
            return "", []
        sql = (
            f"WITH s(spec, event_id, year, min_age, max_age) AS (VALUES {_values(rows)}) "
            f"{head} FROM s "
            f"JOIN {registrations} r ON r.event_id = s.event_id "
            f"JOIN {people} p ON p.id = r.person_id "
            f"WHERE r.status IN (%s, %s) AND p.birth_year IS NOT NULL "
            f"AND s.year - p.birth_year >= s.min_age AND s.year - p.birth_year <= s.max_age"
        )
        params += [RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]
    else:
        rows = [(number, key) for number, spec in chunk for key in spec.keys]
        if not rows:
            return "", []
        sql = (
            f"WITH s(spec, event_id) AS (VALUES {_values(rows)}) "
            f"{head} FROM s "
            f"JOIN {registrations} r ON r.event_id = s.event_id WHERE r.status = %s"
        )
        params.append(RegistrationStatus.CONFIRMED)
    if countries is not None:
        sql += f" AND {_qualifying(countries, params, 'r.person_id', len(rows))}"
    return sql, params


def _count_registrations(specs: list[tuple[int, Spec]], countries: tuple[str, ...] | None) -> dict[int, int]:
    """unique_participants and young_registered: distinct people per spec."""
    counts: dict[int, int] = {}
    for chunk in _chunks(specs):
        sql, params = _registrations_sql(chunk, countries, "SELECT s.spec, COUNT(DISTINCT r.person_id)")
        if sql:
            counts.update(_run(sql + " GROUP BY s.spec", params))
    return counts


def _count_completions(
    specs: list[tuple[int, Spec]], countries: tuple[str, ...] | None, window: tuple[datetime, datetime]
) -> dict[int, int]:
    """courses_completed: completed enrollments per spec, within one window."""
    counts: dict[int, int] = {}
    groups = _table(Enrollment._meta.get_field("group").related_model)
    for chunk in _chunks(specs):
        rows = [(number, key) for number, spec in chunk for key in spec.keys]
        if not rows:
            continue
        adapt = connection.ops.adapt_datetimefield_value
        params: list[Any] = [EnrollmentStatus.COMPLETED, adapt(window[0]), adapt(window[1])]
        sql = (
            f"WITH s(spec, course_id) AS (VALUES {_values(rows)}) "
            f"SELECT s.spec, COUNT(*) FROM s JOIN {groups} g ON g.course_id = s.course_id "
            f"JOIN {_table(Enrollment)} e ON e.group_id = g.id "
            f"WHERE e.status = %s AND e.completed_at >= %s AND e.completed_at <= %s"
        )
        if countries is not None:
            sql += f" AND {_qualifying(countries, params, 'e.person_id', len(rows))}"
        counts.update(_run(sql + " GROUP BY s.spec", params))
    return counts


def count_specs(specs: Iterable[Spec]) -> dict[Spec, int]:
    """The number of every distinct spec: one statement per query, country list (and, for completions, window)."""
    distinct = sorted(set(specs), key=repr)
    groups: dict[tuple[Any, ...], list[tuple[int, Spec]]] = defaultdict(list)
    for number, spec in enumerate(distinct):
        if spec.countries == ():
            continue  # a network without member states: nobody is from one
        groups[(spec.query, spec.countries, spec.window)].append((number, spec))
    counts: dict[int, int] = {}
    for (query, countries, window), members in groups.items():
        if query == "courses_completed":
            assert window is not None
            counts.update(_count_completions(members, countries, window))
        else:
            counts.update(_count_registrations(members, countries))
    return {spec: counts.get(number, 0) for number, spec in enumerate(distinct)}


# --- 3. counts of distinct people kept row by row ---------------------------------------------------------------
#
# A count of distinct people reads every registration at its events: about a second for a network-wide one at the
# benchmark's size, and tens of milliseconds even for a measure's few events. Instead its people are kept as rows
# (`PeopleCount`, `CountedPerson`; docs/decisions/0030, 0036) with the events it counts over (`CountedEvent`):
# `build` lists them once (with the same statement as the count), and `reconcile` brings one person's rows in line
# with that person's registrations after a change — a row added if the person is new for the count, taken away if
# no registration of theirs counts any more, the number moved by the rows actually written.

#: The queries whose periods are kept row by row (distinct people over registrations).
PEOPLE_QUERIES = frozenset({"unique_participants", "young_registered"})


def kept(spec: Spec) -> bool:
    return spec.query in PEOPLE_QUERIES


def spec_data(spec: Spec) -> dict[str, Any]:
    return {
        "query": spec.query,
        "keys": list(spec.keys),
        "countries": None if spec.countries is None else list(spec.countries),
        "ages": None if spec.ages is None else list(spec.ages),
        "years": list(spec.years),
    }


def spec_key(spec: Spec) -> str:
    return hashlib.sha256(json.dumps(spec_data(spec), sort_keys=True).encode()).hexdigest()


def _describe(count: PeopleCount, spec: Spec) -> None:
    """The columns `reconcile` decides by (the spec's states and ages), on the count."""
    count.countries = None if spec.countries is None else " ".join(spec.countries)
    count.min_age, count.max_age = spec.ages if spec.ages else (None, None)


def build(specs: Iterable[Spec]) -> dict[Spec, PeopleCount]:
    """List the people of every given spec again (kept ones only) and return their counts, numbers written.

    One transaction: the counts are locked (a `reconcile` waits), their rows replaced by one `INSERT … SELECT
    DISTINCT` per query and country list, their events written, and the numbers counted from the rows. The rows are
    derived data that a count rebuilds, so on PostgreSQL the transaction does not wait for its WAL to reach the
    disk (`synchronous_commit` off for it alone: a crash loses at most this count, which the nightly one redoes)."""
    distinct = sorted({spec for spec in specs if kept(spec)}, key=repr)
    if not distinct:
        return {}
    keys = {spec: spec_key(spec) for spec in distinct}
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        existing = set(PeopleCount.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        missing = [
            PeopleCount(key=key, query=spec.query, spec=spec_data(spec), built_at=now)
            for spec, key in keys.items()
            if key not in existing
        ]
        if missing:
            PeopleCount.objects.bulk_create(missing, ignore_conflicts=True)
        counts = {
            c.key: c for c in PeopleCount.objects.select_for_update().filter(key__in=keys.values()).order_by("pk")
        }
        ids = [c.pk for c in counts.values()]
        for start in range(0, len(ids), 500):
            CountedPerson.objects.filter(count_id__in=ids[start : start + 500]).delete()
            CountedEvent.objects.filter(count_id__in=ids[start : start + 500]).delete()
        groups: dict[tuple[str, tuple[str, ...] | None], list[tuple[int, Spec]]] = defaultdict(list)
        events: list[CountedEvent] = []
        built: set[str] = set()
        for spec in distinct:
            if keys[spec] in built:
                continue  # equal but for what the key leaves out (`wide`): one count, listed once
            built.add(keys[spec])
            count = counts[keys[spec]]
            years = spec.years or (0,) * len(spec.keys)
            events.extend(
                CountedEvent(count_id=count.pk, event_id=key, year=year)
                for key, year in zip(spec.keys, years, strict=True)
            )
            if spec.countries == ():
                continue  # nobody is from a member state of a network without members
            groups[(spec.query, spec.countries)].append((count.pk, spec))
        CountedEvent.objects.bulk_create(events, batch_size=5000)
        rows = _table(CountedPerson)
        for (_query, countries), members in groups.items():
            for chunk in _chunks(members):
                sql, params = _registrations_sql(chunk, countries, "SELECT DISTINCT s.spec, r.person_id")
                if not sql:
                    continue
                with connection.cursor() as cursor:
                    # in key order: the key's index is filled page after page, not at random places
                    cursor.execute(f"INSERT INTO {rows} (count_id, person_id) {sql} ORDER BY 1, 2", params)
        numbers: dict[int, int] = {}
        for start in range(0, len(ids), 500):
            numbers.update(
                CountedPerson.objects.filter(count_id__in=ids[start : start + 500])
                .values("count_id")
                .annotate(n=models.Count("person_id"))
                .values_list("count_id", "n")
            )
        by_key = {key: spec for spec, key in keys.items()}
        described: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for count in counts.values():
            count.number = numbers.get(count.pk, 0)
            count.built_at = now
            _describe(count, by_key[count.key])
            described[(count.countries, count.min_age, count.max_age)].append(count.pk)
        update_by_id(PeopleCount, ("id", "number"), [(c.pk, c.number) for c in counts.values()], "number = v.number")
        for (countries, low, high), pks in described.items():  # a few kinds of spec: a statement each
            for start in range(0, len(pks), 500):
                PeopleCount.objects.filter(pk__in=pks[start : start + 500]).update(
                    countries=countries, min_age=low, max_age=high, built_at=now
                )
    return {spec: counts[keys[spec]] for spec in distinct}


@dataclass(frozen=True)
class _Facts:
    """What decides whether one person counts, besides their registrations: year of birth and states."""

    exists: bool
    birth_year: int | None
    countries: frozenset[str]


def _facts(person_id: int) -> _Facts:
    """Read with the person's row locked, so every change committed before is seen."""
    found = (
        Person.objects.select_for_update()
        .filter(pk=person_id)
        .values_list("birth_year", "residence_country_id")
        .first()
    )
    if found is None:
        return _Facts(False, None, frozenset())  # deleted: counts nowhere
    birth_year, residence = found
    countries = set(
        Person.citizenships.through.objects.filter(person_id=person_id).values_list("country_id", flat=True)
    )
    if residence:
        countries.add(residence)
    return _Facts(True, birth_year, frozenset(countries))


_YOUNG_STATUSES = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING})


def _wanted(person_id: int, facts: _Facts, count_ids: Sequence[int] | None) -> set[int]:
    """The counts (among `count_ids`; None: any) that count the person: the rules of `_registrations_sql` (and of
    `queries.py`) for one person, from one statement joining the person's registrations to the counts' events."""
    if not facts.exists:
        return set()
    sql = (
        f"SELECT e.count_id, e.year, r.status, c.query, c.countries, c.min_age, c.max_age "
        f"FROM {_table(Registration)} r JOIN {_table(CountedEvent)} e ON e.event_id = r.event_id "
        f"JOIN {_table(PeopleCount)} c ON c.id = e.count_id WHERE r.person_id = %s"
    )
    if count_ids is not None:
        sql += f" AND e.count_id IN ({', '.join(str(int(pk)) for pk in count_ids)})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id])
        found = cursor.fetchall()
    wanted: set[int] = set()
    for count_id, year, status, query, countries, low, high in found:
        if count_id in wanted:
            continue
        if countries is not None and not facts.countries & set(countries.split()):
            continue
        if query == "young_registered":
            if status not in _YOUNG_STATUSES or facts.birth_year is None or low is None or high is None:
                continue
            if not low <= year - facts.birth_year <= high:
                continue
        elif status != RegistrationStatus.CONFIRMED:
            continue
        wanted.add(int(count_id))
    return wanted


def reconcile(person_id: int, count_ids: Sequence[int] | None = None) -> set[int]:
    """Bring one person's rows in the given counts (ids; None: every count) in line with the person's registrations
    now; returns the ids of the counts whose number changed. Runs in the caller's transaction.

    The person's row is locked first, so two changes of one person are reconciled one after the other, each
    seeing the other's writes; the counts are locked next (in id order) so that a `build` is never interleaved.
    Rows are added with `ON CONFLICT DO NOTHING` and taken with `DELETE`, both `RETURNING` what they wrote, and
    the numbers move by exactly that: never counted twice, never taken twice."""
    if count_ids is not None and not count_ids:
        return set()
    facts = _facts(person_id)
    wanted = _wanted(person_id, facts, count_ids)
    if count_ids is None:
        # every count: those the person is in now, and those they should be in
        candidates = wanted | set(CountedPerson.objects.filter(person_id=person_id).values_list("count_id", flat=True))
    else:
        candidates = set(count_ids)
    unwanted = sorted(candidates - wanted)
    if not candidates:
        return set()
    list(PeopleCount.objects.select_for_update().filter(pk__in=sorted(candidates)).order_by("pk").values_list("pk"))
    rows = _table(CountedPerson)
    added: list[int] = []
    removed: list[int] = []
    with connection.cursor() as cursor:
        if wanted:
            values = ", ".join(f"({int(pk)}, {int(person_id)})" for pk in sorted(wanted))
            cursor.execute(
                f"INSERT INTO {rows} (count_id, person_id) VALUES {values} "
                f"ON CONFLICT (count_id, person_id) DO NOTHING RETURNING count_id"
            )
            added = [int(row[0]) for row in cursor.fetchall()]
        if unwanted:
            marks = ", ".join(str(int(pk)) for pk in unwanted)
            cursor.execute(
                f"DELETE FROM {rows} WHERE person_id = %s AND count_id IN ({marks}) RETURNING count_id", [person_id]
            )
            removed = [int(row[0]) for row in cursor.fetchall()]
    if added:
        PeopleCount.objects.filter(pk__in=added).update(number=F("number") + 1)
    if removed:
        PeopleCount.objects.filter(pk__in=removed).update(number=F("number") - 1)
    return set(added) | set(removed)
