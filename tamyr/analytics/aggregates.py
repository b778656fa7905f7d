"""Keeping the dashboards' tables up to date: `refresh()` rebuilds the facts of the people whose activities changed
since the last refresh (or of everyone, `full=True`), then the summaries from the facts, in one transaction, with
set-based SQL (INSERT … SELECT; on PostgreSQL … ON CONFLICT), never row by row (docs/decisions/0033).

What counts, per organization (the activity's owner) and month:
- events: confirmed registrations (`registered`), check-ins (`attended`), at the organizer, in the event's month;
- learning: enrollments holding a seat (`enrolled`, month enrolled), completions (`completed`, month completed),
  certificates not revoked (`certified`, at the issuer, month issued);
- calls: submitted applications (`applied`, month submitted), accepted offers or awards not cancelled (`awarded`).
A person merged into another counts under the surviving record (`merged_into`; merges are one level deep, the
merge service refuses to merge into a merged record). What a refresh reads: the people named by source rows
(registrations, events, enrollments, certificates, applications, outcomes, awards, people) changed after the
watermark, and both sides of merges made or undone after it. Rows deleted outright (rare: statuses are used) leave
their facts until the nightly full refresh.

The same SQL runs on SQLite (tests, small installations) and PostgreSQL; the few expressions that differ (the month
of a timestamp, its year) come from `_dialect`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tamyr.analytics.models import DOMAIN_OF_KIND, Domain, RefreshState, Scope

AGE_BANDS = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")  # sorted: MAX() is the oldest band
WATERMARK_OVERLAP = timedelta(minutes=2)
FACT_COLUMNS = "person_id, organization_id, month, kind, country, age_band, gender, count"


@dataclass(frozen=True)
class RefreshResult:
    full: bool
    people: int
    facts: int
    seconds: float


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _month(column: str) -> str:
    if _is_postgres():
        return f"CAST(date_trunc('month', {column} AT TIME ZONE 'UTC') AS date)"
    return f"date({column}, 'start of month')"


def _year(column: str) -> str:
    if _is_postgres():
        return f"CAST(EXTRACT(YEAR FROM {column} AT TIME ZONE 'UTC') AS integer)"
    return f"CAST(strftime('%Y', {column}) AS integer)"


def _age_band(moment: str) -> str:
    age = f"({_year(moment)} - s.birth_year)"
    limits = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
    whens = " ".join(f"WHEN {age} < {limit} THEN '{band}'" for limit, band in limits)
    return f"CASE WHEN s.birth_year IS NULL THEN '' {whens} ELSE '65+' END"


# Each source: (kind, FROM … naming the activity's rows, the column naming its person, `moment` the activity's
# time, organization). The person `p` named by the row is joined by the callers.
_SOURCES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "registered",
        "events_registration r JOIN events_event e ON e.id = r.event_id",
        "r.person_id",
        "e.starts_at",
        "e.organizer_id",
    ),
    (
        "attended",
        "events_registration r JOIN events_event e ON e.id = r.event_id",
        "r.person_id",
        "r.checked_in_at",
        "e.organizer_id",
    ),
    (
        "enrolled",
        "learning_enrollment en JOIN learning_coursegroup g ON g.id = en.group_id "
        "JOIN learning_course c ON c.id = g.course_id",
        "en.person_id",
        "en.created_at",
        "c.provider_id",
    ),
    (
        "completed",
        "learning_enrollment en JOIN learning_coursegroup g ON g.id = en.group_id "
        "JOIN learning_course c ON c.id = g.course_id",
        "en.person_id",
        "en.completed_at",
        "c.provider_id",
    ),
    (
        "certified",
        "learning_certificate ce",
        "ce.person_id",
        "ce.issued_at",
        "ce.issuer_id",
    ),
    (
        "applied",
        "calls_application a JOIN calls_call ca ON ca.id = a.call_id",
        "a.person_id",
        "a.submitted_at",
        "ca.organization_id",
    ),
    (
        "awarded",
        "calls_outcome o JOIN calls_application a ON a.id = o.application_id JOIN calls_call ca ON ca.id = a.call_id "
        "LEFT JOIN calls_award aw ON aw.outcome_id = o.id",
        "a.person_id",
        "COALESCE(aw.created_at, o.responded_at, o.updated_at)",
        "ca.organization_id",
    ),
)
_CONDITIONS = {
    "registered": "r.status = 'confirmed'",
    "attended": "r.checked_in_at IS NOT NULL",
    "enrolled": "en.status IN ('active', 'completed')",
    "completed": "en.status = 'completed' AND en.completed_at IS NOT NULL",
    "certified": "ce.revoked_at IS NULL",
    "applied": "a.status = 'submitted' AND a.submitted_at IS NOT NULL",
    "awarded": "(o.status = 'accepted' AND aw.id IS NULL) OR (aw.id IS NOT NULL AND aw.status <> 'cancelled')",
}

# Rows changed after the watermark name the people whose facts are rebuilt: (table alias and FROM, person column).
_CHANGED: tuple[tuple[str, str, str], ...] = (
    ("events_registration x", "x.person_id", "x.updated_at"),
    ("events_registration x JOIN events_event e ON e.id = x.event_id", "x.person_id", "e.updated_at"),
    ("learning_enrollment x", "x.person_id", "x.updated_at"),
    ("learning_certificate x", "x.person_id", "x.updated_at"),
    ("calls_application x", "x.person_id", "x.updated_at"),
    ("calls_outcome o JOIN calls_application x ON x.id = o.application_id", "x.person_id", "o.updated_at"),
    (
        "calls_award aw JOIN calls_outcome o ON o.id = aw.outcome_id "
        "JOIN calls_application x ON x.id = o.application_id",
        "x.person_id",
        "aw.updated_at",
    ),
    ("registry_person x", "x.id", "x.updated_at"),
    ("registry_personmerge x", "x.kept_id", "x.updated_at"),
    ("registry_personmerge x", "x.merged_id", "x.updated_at"),
)


def _facts_select(*, affected_only: bool) -> str:
    """Every fact, or those of the people in `analytics_affected`, grouped to the fact's grain."""
    parts = []
    for kind, source, person, moment, organization in _SOURCES:
        survivor = "COALESCE(p.merged_into_id, p.id)"
        where = f"({_CONDITIONS[kind]}) AND {moment} IS NOT NULL AND {organization} IS NOT NULL"
        if affected_only:
            where += f" AND {survivor} IN (SELECT person_id FROM analytics_affected)"
        parts.append(
            f"SELECT {survivor} AS person_id, {organization} AS organization_id, {_month(moment)} AS month, "
            f"'{kind}' AS kind, COALESCE(s.residence_country_id, '') AS country, {_age_band(moment)} AS age_band, "
            f"s.gender AS gender FROM {source} JOIN registry_person p ON p.id = {person} "
            f"JOIN registry_person s ON s.id = {survivor} WHERE {where}"
        )
    union = " UNION ALL ".join(parts)
    return (
        f"SELECT person_id, organization_id, month, kind, MAX(country), MAX(age_band), MAX(gender), COUNT(*) "
        f"FROM ({union}) activity GROUP BY person_id, organization_id, month, kind"
    )


def _insert_facts(cursor: object, *, affected_only: bool) -> None:
    sql = f"INSERT INTO analytics_reachfact ({FACT_COLUMNS}) {_facts_select(affected_only=affected_only)}"
    if _is_postgres():
        # two refreshes racing (the scheduled one and a command) must not fail on the grain's unique constraint
        sql += (
            " ON CONFLICT (person_id, organization_id, month, kind) DO UPDATE SET count = EXCLUDED.count,"
            " country = EXCLUDED.country, age_band = EXCLUDED.age_band, gender = EXCLUDED.gender"
        )
    cursor.execute(sql)  # type: ignore[attr-defined]


def _facts_select_postgres() -> str:
    """Every fact, as `_facts_select(affected_only=False)` gives them, with less work (docs/decisions/0033, second
    amendment): the activities are grouped on integer keys (the surviving person, organization, month, kind's
    number) before anything else is joined, and the person's country, gender and age band are read once per fact
    instead of once per activity. Same figures: a fact's activities share the month, so its year and the age band
    computed from it, and the person's country and gender are the surviving record's."""
    kinds = [kind for kind, *_rest in _SOURCES]
    parts = []
    for number, (kind, source, person, moment, organization) in enumerate(_SOURCES):
        where = f"({_CONDITIONS[kind]}) AND {moment} IS NOT NULL AND {organization} IS NOT NULL"
        parts.append(
            f"SELECT {person} AS pid, {organization} AS organization_id, {_month(moment)} AS month, "
            f"{number} AS kind FROM {source} WHERE {where}"
        )
    kind_text = "CASE g.kind " + " ".join(f"WHEN {n} THEN '{kind}'" for n, kind in enumerate(kinds)) + " END"
    age = "(CAST(EXTRACT(YEAR FROM g.month) AS integer) - s.birth_year)"
    limits = ((18, "0-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
    band = (
        "CASE WHEN s.birth_year IS NULL THEN '' "
        + " ".join(f"WHEN {age} < {limit} THEN '{text}'" for limit, text in limits)
        + " ELSE '65+' END"
    )
    return (
        f"SELECT g.person_id, g.organization_id, g.month, {kind_text}, COALESCE(s.residence_country_id, ''), "
        f"{band}, s.gender, g.n FROM (SELECT COALESCE(p.merged_into_id, p.id) AS person_id, a.organization_id, "
        f"a.month, a.kind, COUNT(*) AS n FROM ({' UNION ALL '.join(parts)}) a "
        "JOIN registry_person p ON p.id = a.pid GROUP BY 1, 2, 3, 4) g "
        "JOIN registry_person s ON s.id = g.person_id"
    )


def _reload_facts_postgres(cursor: object) -> None:
    """A full refresh on PostgreSQL: every fact is rewritten, so the grain's unique index and the read index are
    built once after the load rather than kept up row by row (several times faster); all inside the refresh's
    transaction, so a failure leaves the old facts and indexes. The table is locked until commit: only custom-range
    dashboards read it (the stored periods read the summaries)."""
    run = cursor.execute  # type: ignore[attr-defined]
    run("LOCK TABLE analytics_reachfact IN ACCESS EXCLUSIVE MODE")
    run("ALTER TABLE analytics_reachfact DROP CONSTRAINT IF EXISTS analytics_reachfact_grain")
    run("DROP INDEX IF EXISTS analytics_fact_org_month")
    run("TRUNCATE analytics_reachfact")
    run(f"INSERT INTO analytics_reachfact ({FACT_COLUMNS}) {_facts_select_postgres()}")
    run("SET LOCAL maintenance_work_mem = '512MB'")
    run(
        "ALTER TABLE analytics_reachfact ADD CONSTRAINT analytics_reachfact_grain "
        "UNIQUE (person_id, organization_id, month, kind)"
    )
    run("CREATE INDEX analytics_fact_org_month ON analytics_reachfact (organization_id, month)")
    run("ANALYZE analytics_reachfact")


def _collect_affected(cursor: object, watermark: datetime) -> int:
    cursor.execute("DROP TABLE IF EXISTS analytics_affected")  # type: ignore[attr-defined]
    cursor.execute("CREATE TEMPORARY TABLE analytics_affected (person_id integer PRIMARY KEY)")  # type: ignore[attr-defined]
    changed = " UNION ".join(
        f"SELECT {person} FROM {source} WHERE {moment} > %s" for source, person, moment in _CHANGED
    )
    params = [watermark] * len(_CHANGED)
    # the person named and the record they survive in: a merged person's old facts sit under their own id
    cursor.execute(  # type: ignore[attr-defined]
        "INSERT INTO analytics_affected (person_id) SELECT id FROM registry_person WHERE id IN "
        f"({changed}) UNION SELECT merged_into_id FROM registry_person WHERE merged_into_id IS NOT NULL AND id IN "
        f"({changed})",
        params * 2,
    )
    cursor.execute("SELECT COUNT(*) FROM analytics_affected")  # type: ignore[attr-defined]
    return int(cursor.fetchone()[0])  # type: ignore[attr-defined]


def _quarter(month: date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def _fill_lookups(cursor: object) -> None:
    """The small join tables the summary SQL expands facts through: periods of each month, scopes of each
    organization, domains of each kind."""
    from tamyr.analytics.models import KindDomain, PeriodMonth, ScopeOrganization
    from tamyr.registry.models import NetworkMembership, Organization

    PeriodMonth.objects.all().delete()
    cursor.execute("SELECT DISTINCT month FROM analytics_reachfact")  # type: ignore[attr-defined]
    months = [row[0] if isinstance(row[0], date) else date.fromisoformat(row[0]) for row in cursor.fetchall()]  # type: ignore[attr-defined]
    PeriodMonth.objects.bulk_create(
        PeriodMonth(month=month, period=period)
        for month in months
        for period in ("all", str(month.year), _quarter(month))
    )
    ScopeOrganization.objects.all().delete()
    today = timezone.localdate()
    organizations = list(Organization.objects.values_list("pk", flat=True))
    memberships = NetworkMembership.objects.exclude(until__lt=today).values_list("network_id", "organization_id")
    ScopeOrganization.objects.bulk_create(
        [
            *(ScopeOrganization(scope=Scope.ORGANIZATION, scope_id=org, organization_id=org) for org in organizations),
            *(ScopeOrganization(scope=Scope.PLATFORM, scope_id=0, organization_id=org) for org in organizations),
            *(ScopeOrganization(scope=Scope.NETWORK, scope_id=net, organization_id=org) for net, org in memberships),
        ]
    )
    KindDomain.objects.all().delete()
    KindDomain.objects.bulk_create(
        [
            *(KindDomain(kind=kind, domain=domain) for kind, domain in DOMAIN_OF_KIND.items()),
            *(KindDomain(kind=kind, domain=Domain.ALL) for kind in DOMAIN_OF_KIND),
        ]
    )


_ACTIVITY_FROM_FACTS = {
    "registrations": "registered",
    "attendances": "attended",
    "enrollments": "enrolled",
    "completions": "completed",
    "certificates": "certified",
    "applications": "applied",
    "awards": "awarded",
}


def _rebuild_summaries(cursor: object) -> None:
    """The summaries from the facts: on PostgreSQL by `_rebuild_summaries_postgres` (same figures, a tenth of the
    work), elsewhere by the portable SQL below."""
    if _is_postgres():
        _rebuild_summaries_postgres(cursor)  # and the countries
    else:
        _rebuild_summaries_portable(cursor)
        _rebuild_countries(cursor)
    _rebuild_activity(cursor)


def _rebuild_countries(cursor: object) -> None:
    """People by country and gender: the summary summed over age bands (people count once per age band, and a
    person has one band in a (scope, period, domain), so the sum is exact)."""
    run = cursor.execute  # type: ignore[attr-defined]
    run("DELETE FROM analytics_reachcountry")
    run(
        "INSERT INTO analytics_reachcountry (scope, scope_id, period, domain, country, gender, people) "
        "SELECT scope, scope_id, period, domain, country, gender, SUM(people) FROM analytics_reachsummary "
        "GROUP BY scope, scope_id, period, domain, country, gender"
    )


# Integer codes the PostgreSQL path groups by: domains 1-3 (0 is `all`), periods as numbers (0 all time, 2026 a
# year, 20263 its third quarter); turned back into the stored text only on the summary rows.
_DOMAIN_CODE: dict[str, int] = {Domain.EVENTS: 1, Domain.LEARNING: 2, Domain.CALLS: 3}
_PERIOD_TEXT = (
    "CASE WHEN per = 0 THEN 'all' WHEN per < 10000 THEN per::text ELSE (per / 10)::text || '-Q' || (per % 10)::text END"
)
_DOMAIN_TEXT = "CASE d WHEN 0 THEN 'all' " + " ".join(f"WHEN {code} THEN '{domain}'" for domain, code in
                                                      _DOMAIN_CODE.items()) + " END"  # fmt: skip


# Facts per chunk of people in the PostgreSQL counting: a chunk's rows of a person in each (scope, period, domain),
# about eight a fact, are hashed in memory (work_mem below); more facts a chunk would spill them to disk.
CHUNK_FACTS = 200_000


def _person_chunks(cursor: object) -> list[tuple[int, int]]:
    """Ranges [low, high) of person ids, each holding about CHUNK_FACTS facts (ids are spread evenly enough)."""
    cursor.execute("SELECT MIN(person_id), MAX(person_id), COUNT(*) FROM analytics_reachfact")  # type: ignore[attr-defined]
    low, high, count = cursor.fetchone()  # type: ignore[attr-defined]
    if not count:
        return []
    chunks = max(1, -(-int(count) // CHUNK_FACTS))
    step = (int(high) - int(low)) // chunks + 1
    return [(int(low) + n * step, int(low) + (n + 1) * step) for n in range(chunks)]


_SCOPES = (Scope.PLATFORM, Scope.NETWORK, Scope.ORGANIZATION)
_MONTH_NUMBER = "(EXTRACT(YEAR FROM f.month)::int * 12 + EXTRACT(MONTH FROM f.month)::int - 1)"  # year * 12 + month - 1
# Count people by sorting arrays (`counting`, numpy) rather than in SQL chunks: several times less work on the
# same figures; the SQL path stays for keys too wide to pack (and is tested against it).
COUNT_WITH_ARRAYS = True


def _count_with_arrays(cursor: object, *, domain_cases: str, band_code: str) -> bool:
    """Fill the partial tables with `counting.count`; False (nothing written) when the keys do not fit."""
    from tamyr.analytics import counting

    run = cursor.execute  # type: ignore[attr-defined]
    sizes = []
    for table in ("analytics_cc", "analytics_gc", "analytics_so"):
        run(f"SELECT COUNT(*) FROM {table}")
        sizes.append(int(cursor.fetchone()[0]))  # type: ignore[attr-defined]
    run("SELECT COUNT(DISTINCT (s, sid)) FROM analytics_so")
    scopes_count = int(cursor.fetchone()[0])  # type: ignore[attr-defined]
    if not counting.fits(countries=sizes[0], genders=sizes[1], scopes=scopes_count):
        return False
    run(f"SELECT MIN({_MONTH_NUMBER}) FROM analytics_reachfact f")
    first_month = cursor.fetchone()[0]  # type: ignore[attr-defined]
    if first_month is None:
        return True
    run("SELECT s, sid, organization_id FROM analytics_so")
    scopes = [(int(s), int(sid), int(org)) for s, sid, org in cursor.fetchall()]  # type: ignore[attr-defined]
    facts_sql = (
        f"SELECT f.person_id, f.organization_id, ({_MONTH_NUMBER}::bigint << 26) "
        f"| ((CASE f.kind {domain_cases} END)::bigint << 24) | (cc.code::bigint << 14) | (gc.code::bigint << 4) "
        f"| (CASE f.age_band {band_code} ELSE 0 END)::bigint FROM analytics_reachfact f "
        'JOIN analytics_cc cc ON cc.value = f.country COLLATE "C" '
        'JOIN analytics_gc gc ON gc.value = f.gender COLLATE "C"'
    )
    try:
        counting.count(
            cursor.cursor,  # type: ignore[attr-defined]
            facts_sql=facts_sql,
            scopes=scopes,
            first_month=int(first_month),
            countries=sizes[0],
            genders=sizes[1],
        )
    except OverflowError:
        for table in ("analytics_pcount", "analytics_plang", "analytics_pmonth"):
            run(f"DELETE FROM {table}")
        return False
    return True


def _rebuild_summaries_postgres(cursor: object) -> None:
    """Set-based on PostgreSQL (docs/decisions/0033, "Refresh at scale" and its second amendment): the distinct
    counting dominates, so
    1. every key is an integer: domains 1-3 (0 is `all`), periods as numbers, country and gender numbered in their
       text order (so MAX of a number is MAX of the text, as the portable SQL takes), the age band 0-7;
    2. people are counted in chunks of person ids (`_person_chunks`): within one, the facts collapse to person ×
       organization × quarter × domain, and one GROUP BY … GROUPING SETS pass makes each person's row in every
       (scope, period, domain), all of it hashed in memory; the summary, languages and months are counted from
       those rows in the same statement. A person is in one chunk only, so the chunks' counts add up: the
       summaries are their sums. Without chunks the per-person rows (~80 a person) spilled to disk;
    3. unlogged temporary tables, enough work_mem to hash a chunk in memory, no JIT; the text goes back on the
       summary rows only."""
    run = cursor.execute  # type: ignore[attr-defined]
    # JIT compiling the wide aggregates costs seconds and saves nothing on a few million narrow rows
    run("SET LOCAL work_mem = '512MB'")
    run("SET LOCAL jit = off")
    # every summary row is rewritten: build the read index once after the load (as for the facts); readers keep
    # the old rows and index until commit, and wait on the table lock only for the final swap
    run("LOCK TABLE analytics_reachsummary IN SHARE ROW EXCLUSIVE MODE")
    run("DROP INDEX IF EXISTS analytics_summary_read")
    for table in ("analytics_reachsummary", "analytics_reachlanguage", "analytics_reachmonthly"):
        run(f"DELETE FROM {table}")
    domain_cases = " ".join(f"WHEN '{kind}' THEN {_DOMAIN_CODE[domain]}" for kind, domain in DOMAIN_OF_KIND.items())
    bands = ("", *AGE_BANDS)
    band_code = " ".join(f"WHEN '{band}' THEN {code}" for code, band in enumerate(bands))
    band_text = " ".join(f"WHEN {code} THEN '{band}'" for code, band in enumerate(bands))
    codes = (
        ("analytics_cc", "country", "analytics_reachfact"),
        ("analytics_gc", "gender", "analytics_reachfact"),
        ("analytics_lc", "language", "registry_spokenlanguage"),
    )
    for name, column, source in codes:
        run(f"DROP TABLE IF EXISTS {name}")
        run(
            f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS SELECT value, "
            "(ROW_NUMBER() OVER (ORDER BY value))::int AS code "
            f'FROM (SELECT DISTINCT {column} COLLATE "C" AS value FROM {source}) v'
        )
        run(f"ANALYZE {name}")
    # scopes numbered (0 platform, 1 network, 2 organization): integer keys hash and sort faster than text
    scope_code = "CASE scope " + " ".join(f"WHEN '{scope}' THEN {n}" for n, scope in enumerate(_SCOPES)) + " END"
    run("DROP TABLE IF EXISTS analytics_so")
    run(
        f"CREATE TEMPORARY TABLE analytics_so ON COMMIT DROP AS SELECT ({scope_code})::smallint AS s, "
        "scope_id AS sid, organization_id FROM analytics_scopeorganization"
    )
    run("ANALYZE analytics_so")
    partials = {
        "analytics_pcount": "s smallint, sid integer, per integer, d integer, c integer, g integer, a integer, "
        "n bigint",
        "analytics_plang": "s smallint, sid integer, per integer, language integer, n bigint",
        "analytics_pmonth": "s smallint, sid integer, month integer, n bigint",
    }
    for name, columns in partials.items():
        run(f"DROP TABLE IF EXISTS {name}")
        run(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP")
    in_chunk = "f.person_id >= %(low)s AND f.person_id < %(high)s"
    # GROUPING SETS: a grouped-away column reads NULL, so `COALESCE(q, q / 10, 0)` is the period's code and
    # `COALESCE(d, 0)` the domain's (0: all); languages are counted over the `all` domain's rows; (person,
    # language) is unique
    chunk_sql = (
        "WITH pq AS MATERIALIZED (SELECT f.person_id AS person_id, f.organization_id AS organization_id, "
        "(EXTRACT(YEAR FROM f.month)::int * 10 + (EXTRACT(MONTH FROM f.month)::int + 2) / 3) AS q, "
        "EXTRACT(YEAR FROM f.month)::int AS y, "
        f"(CASE f.kind {domain_cases} END)::smallint AS d, MAX(cc.code) AS c, MAX(gc.code) AS g, "
        f"MAX(CASE f.age_band {band_code} ELSE 0 END)::smallint AS a "
        'FROM analytics_reachfact f JOIN analytics_cc cc ON cc.value = f.country COLLATE "C" '
        f'JOIN analytics_gc gc ON gc.value = f.gender COLLATE "C" WHERE {in_chunk} GROUP BY 1, 2, 3, 4, 5), '
        "pp AS MATERIALIZED (SELECT so.s AS s, so.sid AS sid, pq.person_id AS person_id, "
        "COALESCE(pq.q, pq.y, 0) AS per, COALESCE(pq.d, 0) AS d, MAX(pq.c) AS c, MAX(pq.g) AS g, "
        "MAX(pq.a) AS a FROM pq JOIN analytics_so so ON so.organization_id = pq.organization_id "
        "GROUP BY so.s, so.sid, pq.person_id, "
        "GROUPING SETS ((pq.d, pq.y, pq.q), (pq.d, pq.y), (pq.d), (pq.y, pq.q), (pq.y), ())), "
        "counted AS (INSERT INTO analytics_pcount (s, sid, per, d, c, g, a, n) "
        "SELECT s, sid, per, d, c, g, a, COUNT(*) FROM pp GROUP BY s, sid, per, d, c, g, a) "
        "INSERT INTO analytics_plang (s, sid, per, language, n) "
        "SELECT pp.s, pp.sid, pp.per, lc.code, COUNT(*) FROM pp "
        "JOIN registry_spokenlanguage sl ON sl.person_id = pp.person_id "
        'JOIN analytics_lc lc ON lc.value = sl.language COLLATE "C" '
        "WHERE pp.d = 0 AND sl.person_id >= %(low)s AND sl.person_id < %(high)s "
        "GROUP BY pp.s, pp.sid, pp.per, lc.code"
    )
    month_sql = (
        "INSERT INTO analytics_pmonth (s, sid, month, n) SELECT s, sid, month, COUNT(*) FROM ("
        f"SELECT DISTINCT so.s, so.sid, {_MONTH_NUMBER} AS month, f.person_id FROM analytics_reachfact f "
        f"JOIN analytics_so so ON so.organization_id = f.organization_id WHERE {in_chunk}"
        ") per_person GROUP BY s, sid, month"
    )
    scope_text = "CASE s " + " ".join(f"WHEN {n} THEN '{scope}'" for n, scope in enumerate(_SCOPES)) + " END"
    if not (COUNT_WITH_ARRAYS and _count_with_arrays(cursor, domain_cases=domain_cases, band_code=band_code)):
        for low, high in _person_chunks(cursor):
            run(chunk_sql, {"low": low, "high": high})
            run(month_sql, {"low": low, "high": high})
    run(
        "INSERT INTO analytics_reachsummary (scope, scope_id, period, domain, country, age_band, gender, people) "
        f"SELECT {scope_text}, sid, {_PERIOD_TEXT}, {_DOMAIN_TEXT}, cc.value, CASE a {band_text} END, gc.value, n "
        "FROM (SELECT s, sid, per, d, c, g, a, SUM(n) AS n FROM analytics_pcount "
        "GROUP BY s, sid, per, d, c, g, a) counted "
        "JOIN analytics_cc cc ON cc.code = counted.c JOIN analytics_gc gc ON gc.code = counted.g"
    )
    run("SET LOCAL maintenance_work_mem = '512MB'")
    run("CREATE INDEX analytics_summary_read ON analytics_reachsummary (scope, scope_id, period, domain)")
    # people by country and gender: the counts summed over age bands (a person has one band in a (scope, period,
    # domain), so the sum is exact), on the integer codes
    run("DELETE FROM analytics_reachcountry")
    run(
        "INSERT INTO analytics_reachcountry (scope, scope_id, period, domain, country, gender, people) "
        f"SELECT {scope_text}, sid, {_PERIOD_TEXT}, {_DOMAIN_TEXT}, cc.value, gc.value, n FROM ("
        "SELECT s, sid, per, d, c, g, SUM(n) AS n FROM analytics_pcount GROUP BY s, sid, per, d, c, g) counted "
        "JOIN analytics_cc cc ON cc.code = counted.c JOIN analytics_gc gc ON gc.code = counted.g"
    )
    run(
        "INSERT INTO analytics_reachlanguage (scope, scope_id, period, language, people) "
        f"SELECT {scope_text}, sid, {_PERIOD_TEXT}, lc.value, n FROM (SELECT s, sid, per, language, SUM(n) AS n "
        "FROM analytics_plang GROUP BY s, sid, per, language) counted JOIN analytics_lc lc ON lc.code = language"
    )
    run(
        "INSERT INTO analytics_reachmonthly (scope, scope_id, month, people) "
        f"SELECT {scope_text}, sid, make_date(month / 12, month % 12 + 1, 1), SUM(n) FROM analytics_pmonth "
        "GROUP BY s, sid, month"
    )
    for name in ("analytics_cc", "analytics_gc", "analytics_lc", "analytics_so", *partials):
        run(f"DROP TABLE {name}")


def _rebuild_summaries_portable(cursor: object) -> None:
    run = cursor.execute  # type: ignore[attr-defined]
    for table in ("analytics_reachsummary", "analytics_reachlanguage", "analytics_reachmonthly"):
        run(f"DELETE FROM {table}")
    run("DROP TABLE IF EXISTS analytics_per_person")
    # one row per person in each (scope, period, domain): the distinct counting, done once for all three tables
    run(
        "CREATE TEMPORARY TABLE analytics_per_person AS "
        "SELECT so.scope AS scope, so.scope_id AS scope_id, pm.period AS period, kd.domain AS domain, "
        "f.person_id AS person_id, MAX(f.country) AS country, MAX(f.age_band) AS age_band, MAX(f.gender) AS gender "
        "FROM analytics_reachfact f "
        "JOIN analytics_scopeorganization so ON so.organization_id = f.organization_id "
        "JOIN analytics_periodmonth pm ON pm.month = f.month "
        "JOIN analytics_kinddomain kd ON kd.kind = f.kind "
        "GROUP BY so.scope, so.scope_id, pm.period, kd.domain, f.person_id"
    )
    run(
        "INSERT INTO analytics_reachsummary (scope, scope_id, period, domain, country, age_band, gender, people) "
        "SELECT scope, scope_id, period, domain, country, age_band, gender, COUNT(*) FROM analytics_per_person "
        "GROUP BY scope, scope_id, period, domain, country, age_band, gender"
    )
    run(
        "INSERT INTO analytics_reachlanguage (scope, scope_id, period, language, people) "
        "SELECT pp.scope, pp.scope_id, pp.period, sl.language, COUNT(DISTINCT pp.person_id) "
        "FROM analytics_per_person pp JOIN registry_spokenlanguage sl ON sl.person_id = pp.person_id "
        "WHERE pp.domain = 'all' GROUP BY pp.scope, pp.scope_id, pp.period, sl.language"
    )
    run("DROP TABLE analytics_per_person")
    run(
        "INSERT INTO analytics_reachmonthly (scope, scope_id, month, people) "
        "SELECT so.scope, so.scope_id, f.month, COUNT(DISTINCT f.person_id) FROM analytics_reachfact f "
        "JOIN analytics_scopeorganization so ON so.organization_id = f.organization_id "
        "GROUP BY so.scope, so.scope_id, f.month"
    )


def _rebuild_activity(cursor: object) -> None:
    run = cursor.execute  # type: ignore[attr-defined]
    run("DELETE FROM analytics_activitymonthly")
    cases = " ".join(f"WHEN '{kind}' THEN '{measure}'" for measure, kind in _ACTIVITY_FROM_FACTS.items())
    run(
        "INSERT INTO analytics_activitymonthly (organization_id, month, measure, value) "
        f"SELECT organization_id, month, CASE kind {cases} END, SUM(count) FROM analytics_reachfact "
        "GROUP BY organization_id, month, kind"
    )
    # things held: events (not drafts or cancelled), course groups (by start), calls (published, by opening)
    run(
        "INSERT INTO analytics_activitymonthly (organization_id, month, measure, value) "
        f"SELECT organizer_id, {_month('starts_at')}, 'events', COUNT(*) FROM events_event "
        f"WHERE status = 'published' GROUP BY organizer_id, {_month('starts_at')}"
    )
    run(
        "INSERT INTO analytics_activitymonthly (organization_id, month, measure, value) "
        f"SELECT c.provider_id, {_month('g.starts_on')}, 'course_groups', COUNT(*) FROM learning_coursegroup g "
        f"JOIN learning_course c ON c.id = g.course_id WHERE g.starts_on IS NOT NULL "
        f"GROUP BY c.provider_id, {_month('g.starts_on')}"
    )
    run(
        "INSERT INTO analytics_activitymonthly (organization_id, month, measure, value) "
        f"SELECT organization_id, {_month('opens_at')}, 'calls', COUNT(*) FROM calls_call "
        f"WHERE status <> 'draft' GROUP BY organization_id, {_month('opens_at')}"
    )


@transaction.atomic
def refresh(*, full: bool = False) -> RefreshResult:
    """Bring the facts and summaries up to date; returns what was done. Readers see the old figures until the
    transaction commits, never a half-built table."""
    started = time.perf_counter()
    state = RefreshState.objects.select_for_update().filter(pk=1).first() or RefreshState.objects.create(pk=1)
    begun = timezone.now()
    full = full or state.watermark is None
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute("SET LOCAL work_mem = '256MB'")
        if full and _is_postgres():
            _reload_facts_postgres(cursor)
            people = -1
        elif full:
            cursor.execute("DELETE FROM analytics_reachfact")
            _insert_facts(cursor, affected_only=False)
            people = -1
        else:
            assert state.watermark is not None
            people = _collect_affected(cursor, state.watermark)
            if people:
                cursor.execute(
                    "DELETE FROM analytics_reachfact WHERE person_id IN (SELECT person_id FROM analytics_affected)"
                )
                _insert_facts(cursor, affected_only=True)
            cursor.execute("DROP TABLE analytics_affected")
        if full or people:
            _fill_lookups(cursor)
            _rebuild_summaries(cursor)
        cursor.execute("SELECT COUNT(*) FROM analytics_reachfact")
        facts = int(cursor.fetchone()[0])
    seconds = time.perf_counter() - started
    if people < 0:
        people = 0
    # rows written by transactions still open when this one began commit later with earlier timestamps: read
    # them again next time (facts are rebuilt per person, so reading a row twice changes nothing)
    state.watermark = begun - WATERMARK_OVERLAP
    state.refreshed_at = timezone.now()
    state.seconds = seconds
    state.full = full
    state.people_refreshed = people
    state.facts = facts
    state.save()
    return RefreshResult(full=full, people=people, facts=facts, seconds=seconds)


def age_bands() -> tuple[str, ...]:
    return AGE_BANDS


def refresh_after_demo(*, seed: int) -> dict[str, int]:
    """`tamyr demo` calls this after the events', courses' and calls' builders (analytics comes after them in
    INSTALLED_APPS), so that the demo's dashboards show figures at once instead of "not computed yet"."""
    result = refresh(full=True)
    return {"facts": result.facts}
