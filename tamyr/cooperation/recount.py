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
from tamyr.cooperation.models import CountedPerson, IndicatorPeriod, Measure, PeopleCount
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
    if first is not None and last is not None:
        window = Scope(0, None, None, first, last, {})
        co_organized = Event.co_organizers.through.objects.filter(organization_id__in=organizations).values("event_id")
        linked = {event for ids in linked_events.values() for event in ids}
        rows = Event.objects.filter(
            Q(pk__in=linked) | Q(organizer_id__in=organizations) | Q(pk__in=co_organized),
            starts_at__gte=window.start,
            starts_at__lte=window.end,
        ).values_list("pk", "starts_at", "kind", "status", "organizer_id")
        for pk, starts_at, kind, status, organizer in rows:
            events[pk] = (starts_at, kind, status, {organizer})
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


# --- 3. network-wide counts kept row by row -----------------------------------------------------------------------
#
# A network-wide count of distinct people reads every registration of the network in the period: about a second at
# the benchmark's size, after every change. Instead its people are kept as rows (`PeopleCount`, `CountedPerson`;
# docs/decisions/0030): `build` lists them once (with the same statement as the count), and `reconcile` brings one
# person's rows in line with that person's registrations after a change — a row added if the person is new for the
# count, taken away if no registration of theirs counts any more, the number moved by the rows actually written.

#: The queries whose wide periods are kept row by row (distinct people over registrations).
PEOPLE_QUERIES = frozenset({"unique_participants", "young_registered"})


def kept(spec: Spec) -> bool:
    return spec.wide and spec.query in PEOPLE_QUERIES


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


def spec_from_data(data: dict[str, Any]) -> Spec:
    countries, ages = data.get("countries"), data.get("ages")
    return Spec(
        data["query"],
        tuple(data["keys"]),
        None if countries is None else tuple(countries),
        None if ages is None else (int(ages[0]), int(ages[1])),
        years=tuple(data.get("years") or ()),
        wide=True,
    )


def build(specs: Iterable[Spec]) -> dict[Spec, PeopleCount]:
    """List the people of every given spec again (kept ones only) and return their counts, numbers written.

    One transaction: the counts are locked (a `reconcile` waits), their rows replaced by one `INSERT … SELECT
    DISTINCT` per query and country list, and the numbers counted from the rows."""
    distinct = sorted({spec for spec in specs if kept(spec)}, key=repr)
    if not distinct:
        return {}
    keys = {spec: spec_key(spec) for spec in distinct}
    now = timezone.now()
    with transaction.atomic():
        existing = {c.key: c for c in PeopleCount.objects.filter(key__in=keys.values())}
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
        CountedPerson.objects.filter(count_id__in=ids).delete()
        groups: dict[tuple[str, tuple[str, ...] | None], list[tuple[int, Spec]]] = defaultdict(list)
        for spec in distinct:
            if spec.countries == ():
                continue  # nobody is from a member state of a network without members
            groups[(spec.query, spec.countries)].append((counts[keys[spec]].pk, spec))
        rows = _table(CountedPerson)
        for (_query, countries), members in groups.items():
            for chunk in _chunks(members):
                sql, params = _registrations_sql(chunk, countries, "SELECT DISTINCT s.spec, r.person_id")
                if not sql:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {rows} (count_id, person_id) {sql}", params)
        numbers = dict(
            CountedPerson.objects.filter(count_id__in=ids)
            .values("count_id")
            .annotate(n=models.Count("pk"))
            .values_list("count_id", "n")
        )
        for count in counts.values():
            count.number = numbers.get(count.pk, 0)
            count.built_at = now
        PeopleCount.objects.bulk_update(list(counts.values()), ["number", "built_at"])
    return {spec: counts[keys[spec]] for spec in distinct}


@dataclass(frozen=True)
class _Facts:
    """What decides whether one person counts: their registrations (event → status), year of birth, states."""

    registrations: dict[int, str]
    birth_year: int | None
    countries: frozenset[str]


def _facts(person_id: int) -> _Facts:
    """Read after the person's row is locked, so every change committed before is seen."""
    found = (
        Person.objects.select_for_update()
        .filter(pk=person_id)
        .values_list("birth_year", "residence_country_id")
        .first()
    )
    if found is None:
        return _Facts({}, None, frozenset())  # deleted: counts nowhere
    birth_year, residence = found
    countries = set(
        Person.citizenships.through.objects.filter(person_id=person_id).values_list("country_id", flat=True)
    )
    if residence:
        countries.add(residence)
    registrations = dict(Registration.objects.filter(person_id=person_id).values_list("event_id", "status"))
    return _Facts(registrations, birth_year, frozenset(countries))


def counts_person(spec: Spec, facts: _Facts) -> bool:
    """Whether the spec counts the person: the rules of `_registrations_sql` (and of `queries.py`) for one person."""
    if spec.countries is not None and not facts.countries & set(spec.countries):
        return False
    if spec.query == "young_registered":
        if facts.birth_year is None or spec.ages is None:
            return False
        low, high = spec.ages
        statuses = {RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING}
        for key, year in zip(spec.keys, spec.years, strict=True):
            if facts.registrations.get(key) in statuses and low <= year - facts.birth_year <= high:
                return True
        return False
    return any(facts.registrations.get(key) == RegistrationStatus.CONFIRMED for key in spec.keys)


def reconcile(person_id: int, counts: Sequence[tuple[int, Spec]]) -> set[int]:
    """Bring one person's rows in the given counts (id, spec) in line with the person's registrations now; returns
    the ids of the counts whose number changed. Runs in the caller's transaction.

    The person's row is locked first, so two changes of one person are reconciled one after the other, each
    seeing the other's writes; the counts are locked next (in id order) so that a `build` is never interleaved.
    Rows are added with `ON CONFLICT DO NOTHING` and taken with `DELETE`, both `RETURNING` what they wrote, and
    the numbers move by exactly that: never counted twice, never taken twice."""
    if not counts:
        return set()
    facts = _facts(person_id)
    wanted = sorted({pk for pk, spec in counts if counts_person(spec, facts)})
    unwanted = sorted({pk for pk, _spec in counts} - set(wanted))
    list(
        PeopleCount.objects.select_for_update()
        .filter(pk__in=[pk for pk, _spec in counts])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = _table(CountedPerson)
    added: list[int] = []
    removed: list[int] = []
    with connection.cursor() as cursor:
        if wanted:
            values = ", ".join(f"({int(pk)}, {int(person_id)})" for pk in wanted)
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


def live_counts() -> list[tuple[int, Spec]]:
    """Every count a period is kept by, with its spec: what a change of a person (a merge, a deletion) may touch."""
    return [
        (pk, spec_from_data(data))
        for pk, data in PeopleCount.objects.filter(
            pk__in=IndicatorPeriod.objects.filter(counter__isnull=False).values("counter_id")
        ).values_list("pk", "spec")
    ]
