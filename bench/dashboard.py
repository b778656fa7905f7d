"""The dashboards at scale on PostgreSQL (issue 16, item 8; docs/decisions/0033): 5,000,000 registrations,
2,000,000 enrollments, 200,000 applications and 1,000,000 people, generated with set-based SQL (`generate_series`,
none of it timed, nothing through the ORM but the few dozen organizations, courses and calls).

Creates a fresh PostgreSQL database (bench/postgres_db.py; dropped at the end) and migrates it. People live in 40
countries, most in a few and some in a long tail of small ones (the cells disclosure control must hide); a fifth
has no gender and a tenth no year of birth; half speak a second language. A network of 15 of the 20 organizations,
3,000 events over three years, 1,000 course groups, 200 calls.

Measures:
- `refresh_seconds`: `aggregates.refresh(full=True)`: every fact and summary rebuilt;
- `dashboard_p95_ms`: the network's dashboard (`/analytics/networks/<slug>/`, all time) for its coordinator
  through Django's test client, 95th percentile of ~50 requests after one of each period to warm up (periods
  alternate: all time, each year, each quarter; repeated requests read the cache, docs/decisions/0033);
- `map_p95_ms`: the same for `/analytics/map/` (the platform's map in the default language; drawings are cached
  per data version, `map_cold_ms` is the first request, which counts the registry);
- `refresh_python_cpu_seconds`, `refresh_db_cpu_seconds`: CPU time of the refresh here and in PostgreSQL's backend
  (null when the server is elsewhere): on a shared machine these, not the wall time, say how much work it was;
- `export_rows_per_s`: rows of the network's large export (`?export=csv&table=countries`: people by country and
  gender in every period and domain, for the network and each member organization, each block protected like the
  dashboard's country table), streamed, divided by the time of the whole requests; `export_table_rows` its rows;
  `export_small_tables_rows_per_s`: the CSV of every small table of every member's dashboard and the network's
  (mostly the fixed cost of a request); `export_writer_rows_per_s`: the CSV writer alone on 200,000 rows;
- `dashboard_cold_max_ms`: the slowest first request of a period after a refresh (the cache is empty);
- `suppressed_cells`: cells hidden from the coordinator on those dashboards (all time and each year);
- `recovered_cells`: the attacker's subtraction on the same tables: for each row and column of each table with a
  shown total, if exactly one non-zero cell is hidden, it counts as recovered (its value is the total minus the
  shown cells, give or take the rounding). Must be 0.

Prints one JSON line: {"rows", "refresh_seconds", "dashboard_p95_ms", "map_p95_ms", "export_rows_per_s",
"suppressed_cells", "recovered_cells", ...}. Targets on a 2-core machine: dashboard and map p95 <= 200 ms, refresh
<= 120 s, exports >= 50,000 rows/s, recovered 0. `--scale 0.01` for a small run; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from postgres_db import (  # bench/, the script's folder
    bench_environment,
    default_database_url,
    drop_database,
    load_average,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNTRIES = (
    "KZ", "TR", "RU", "UZ", "DE", "HU", "AZ", "KG", "US", "GB", "CN", "MN", "FR", "PL", "AT", "NL", "SE", "IT",
    "ES", "CZ", "CA", "AU", "JP", "KR", "AE", "SA", "EG", "IR", "AF", "TM", "TJ", "UA", "BY", "GE", "AM", "IS",
    "NO", "FI", "DK", "BE",
)  # fmt: skip


def log(message: str) -> None:
    print(f"[dashboard] {message}", file=sys.stderr, flush=True)


def next_prime(n: int) -> int:
    """Row generators pair ids by modulus: a prime count of events, groups and calls keeps pairs unique."""
    n = max(n, 11)
    while any(n % d == 0 for d in range(2, int(n**0.5) + 1)):
        n += 1
    return n


def sql(statement: str, params: list[Any] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params) if params else cursor.execute(statement)


def scalar(statement: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return int(cursor.fetchone()[0])


def populate(scale: float) -> dict[str, Any]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command

    from tamyr.accounts.models import NetworkCoordinator, User
    from tamyr.registry.models import Network, NetworkMembership, Organization

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    people = int(1_000_000 * scale)
    registrations = int(5_000_000 * scale)
    enrollments = int(2_000_000 * scale)
    applications = int(200_000 * scale)
    events = next_prime(int(3_000 * max(scale, 0.02)))
    groups = next_prime(int(1_000 * max(scale, 0.05)))
    calls = next_prime(int(200 * max(scale, 0.1)))

    organizations = Organization.objects.bulk_create(
        Organization(slug=f"org-{n}", name={"en": f"Institution {n}"}, kind="ngo", country_id=COUNTRIES[n % 8])
        for n in range(20)
    )
    network = Network.objects.create(slug="ots-bench", name={"en": "OTS diaspora institutions (benchmark)"})
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=org) for org in organizations[:15]
    )
    coordinator = User.objects.create(username="coordinator", email="coordinator@example.org", password="!")
    NetworkCoordinator.objects.create(user=coordinator, network=network)
    TOTP.activate(coordinator, generate_totp_secret())
    org_ids = "ARRAY[" + ",".join(str(org.pk) for org in organizations) + "]::bigint[]"
    countries = "ARRAY[" + ",".join(f"'{code}'" for code in COUNTRIES) + "]"

    # people: most in a few countries, a long tail of small ones (power law over the list)
    sql(
        "INSERT INTO registry_person (created_at, updated_at, display_name, residence_city, gender, email, phone,"
        " expertise, heritage, orcid, residence_country_id, birth_year)"
        f" SELECT now(), now(), 'Person ' || g, '', (ARRAY['female', 'male', 'female', 'male', ''])[1 + g % 5],"
        f" '', '', '[]'::jsonb, '', '', ({countries})[1 + floor(power(random(), 3) * {len(COUNTRIES)})::int],"
        " CASE WHEN g % 10 = 0 THEN NULL ELSE 1950 + (g * 37) % 60 END"
        f" FROM generate_series(1, {people}) g"
    )
    first_person = scalar("SELECT MIN(id) FROM registry_person")
    sql(
        "INSERT INTO registry_spokenlanguage (person_id, language, level)"
        f" SELECT {first_person} + g, (ARRAY['kk', 'ru', 'tr', 'en', 'de', 'hu', 'uz', 'az'])[1 + (g / 2) % 8], ''"
        f" FROM generate_series(0, {people - 1}) g WHERE g % 2 = 0"
    )
    log(f"{people} people in {time.perf_counter() - started:.1f} s")

    sql(
        "INSERT INTO events_event (created_at, updated_at, slug, title, description, kind, status, is_public,"
        " online_url, time_zone, starts_at, ends_at, banner, requires_approval, waiting_list, organizer_id,"
        " calendar_uid, calendar_sequence)"
        " SELECT now(), now(), 'event-' || g, '{\"en\": \"Event\"}'::jsonb, '{}'::jsonb, 'forum', 'published', true,"
        " '', 'UTC', ts, ts + interval '6 hours', '', false, true,"
        f" ({org_ids})[1 + g % 20], gen_random_uuid(), 0"
        f" FROM generate_series(0, {events - 1}) g,"
        " LATERAL (SELECT timestamptz '2024-01-01' + (g * interval '1 day' * 1095 / " + str(events) + ") AS ts) t"
    )
    first_event = scalar("SELECT MIN(id) FROM events_event")
    # (event, person) pairs: g mod events, g * 7919 mod people; unique while g < events * people
    sql(
        "INSERT INTO events_registration (created_at, updated_at, status, code, answers, language, event_id,"
        " person_id, confirmed_at, checked_in_at)"
        " SELECT now(), now(), CASE WHEN g % 10 = 9 THEN 'cancelled' ELSE 'confirmed' END, 'R' || g, '{}'::jsonb, '',"
        f" {first_event} + g % {events}, {first_person} + (g::bigint * 7919) % {people}, now(),"
        " CASE WHEN g % 2 = 0 THEN now() ELSE NULL END"
        f" FROM generate_series(0, {registrations - 1}) g"
    )
    log(f"{registrations} registrations in {time.perf_counter() - started:.1f} s")

    from tamyr.learning.models import Course, CourseGroup

    courses = Course.objects.bulk_create(
        Course(slug=f"course-{n}", title={"en": f"Course {n}"}, format="live_group", provider=organizations[n % 20],
               is_published=True)
        for n in range(max(1, groups // 5))
    )  # fmt: skip
    CourseGroup.objects.bulk_create(
        CourseGroup(course=courses[n % len(courses)], name=f"Group {n}") for n in range(groups)
    )
    first_group = scalar("SELECT MIN(id) FROM learning_coursegroup")
    sql("UPDATE learning_coursegroup SET starts_on = date '2024-01-01' + (id % 1000)::int")
    sql(
        "INSERT INTO learning_enrollment (created_at, updated_at, status, progress_percent, override_reason,"
        " group_id, person_id, completed_at)"
        " SELECT ts, now(), CASE WHEN g % 20 = 0 THEN 'withdrawn' WHEN g % 5 < 3 THEN 'completed' ELSE 'active' END,"
        f" 0, '', {first_group} + g % {groups}, {first_person} + (g::bigint * 104729) % {people},"
        " CASE WHEN g % 20 <> 0 AND g % 5 < 3 THEN ts + interval '60 days' ELSE NULL END"
        f" FROM generate_series(0, {enrollments - 1}) g,"
        " LATERAL (SELECT timestamptz '2024-01-01' + (g % 1000) * interval '1 day' AS ts) t"
    )
    log(f"{enrollments} enrollments in {time.perf_counter() - started:.1f} s")

    from tamyr.calls.models import Call

    Call.objects.bulk_create(
        Call(slug=f"call-{n}", kind="scholarship", status="published", organization=organizations[n % 20],
             title={"en": f"Call {n}"}, opens_at="2024-01-01T00:00:00Z", closes_at="2026-12-31T00:00:00Z")
        for n in range(calls)
    )  # fmt: skip
    first_call = scalar("SELECT MIN(id) FROM calls_call")
    sql(
        "INSERT INTO calls_application (created_at, updated_at, code, status, language, answers, budget_lines,"
        " person_id, call_id, submitted_at)"
        " SELECT now(), now(), 'A' || g, CASE WHEN g % 10 = 0 THEN 'draft' ELSE 'submitted' END, '', '{}'::jsonb,"
        f" '[]'::jsonb, {first_person} + (g::bigint * 15485863) % {people}, {first_call} + g % {calls},"
        " CASE WHEN g % 10 = 0 THEN NULL ELSE timestamptz '2024-01-01' + (g % 1000) * interval '1 day' END"
        f" FROM generate_series(0, {applications - 1}) g"
    )
    log(f"{applications} applications in {time.perf_counter() - started:.1f} s")
    sql("VACUUM ANALYZE")
    return {
        "network": network,
        "organizations": organizations[:15],
        "coordinator": coordinator,
        "rows": people + registrations + enrollments + applications,
    }


def database_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend (when the server runs on this machine): on a shared machine
    the wall time of a refresh says how busy the machine was as much as how much work the refresh did."""
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def page_timings(client: Any, paths: list[str], requests: int) -> list[float]:
    """Each path once to warm up (the first request of a (scope, period) after a refresh fills the cache), then
    `requests` timed."""
    timings = []
    warm = max(3, len(paths))
    for n in range(requests + warm):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        elapsed = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
        if n >= warm:
            timings.append(elapsed)
    return timings


def export_writer(count: int) -> float:
    """The export path alone (a dashboard table's rows through `tamyr.core.exports.csv_response`, streamed) over a
    table far larger than any dashboard has: what a bigger table would cost to write."""
    from tamyr.analytics.dashboard import Row, Table
    from tamyr.core.exports import csv_response

    table = Table(name="big", title="big", row_label="row", columns=[("f", "f"), ("m", "m")])
    table.rows = [Row(key=str(n), label=f"row {n}", values=[n % 97, None if n % 7 == 0 else n % 89], total=None)
                  for n in range(count)]  # fmt: skip
    table.totals = [0, None]
    started = time.perf_counter()
    response = csv_response("big", table.header(), table.export_rows())
    written = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
    return written / (time.perf_counter() - started)


def attack(board: Any, raw_board: Any) -> int:
    """Lines (rows and columns of each two-dimensional table, with a shown total) where exactly one non-zero cell
    is hidden: the total minus the shown cells gives it away."""
    recovered = 0
    for name in ("country", "age"):
        shown, true = board.table(name), raw_board.table(name)
        true_rows = {row.key: row for row in true.rows}
        for row in shown.rows:
            if row.total is None:
                continue
            hidden = [i for i, v in enumerate(row.values) if v is None and true_rows[row.key].values[i]]
            recovered += len(hidden) == 1
        for index, _column in enumerate(shown.columns):
            if shown.totals[index] is None:
                continue
            hidden_rows = [r for r in shown.rows if r.values[index] is None and true_rows[r.key].values[index]]
            recovered += len(hidden_rows) == 1
    return recovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 5 M registrations, 1 M people; 0.01 small")
    parser.add_argument("--page-requests", type=int, default=50)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_dashboard"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    var = bench_environment(args.database_url, "tamyr-bench-dashboard-")
    began = time.perf_counter()
    try:
        import django

        django.setup()
        from django.test import Client
        from django.urls import Resolver404, resolve

        from tamyr.analytics import aggregates
        from tamyr.analytics import dashboard as selectors

        data = populate(args.scale)
        log(f"load average before the measurements: {load_average()}")
        backend_cpu = database_cpu_seconds()
        python_cpu = time.process_time()
        started = time.perf_counter()
        result = aggregates.refresh(full=True)
        refresh_seconds = time.perf_counter() - started
        python_cpu = time.process_time() - python_cpu
        backend_after = database_cpu_seconds()
        refresh_db_cpu = None if backend_cpu is None or backend_after is None else backend_after - backend_cpu
        log(f"full refresh CPU: {python_cpu:.1f} s here, {refresh_db_cpu} s in PostgreSQL's backend")
        log(f"full refresh: {result.facts} facts in {refresh_seconds:.1f} s")
        sql("ANALYZE")

        client = Client()
        client.force_login(data["coordinator"])
        network_path = f"/analytics/networks/{data['network'].slug}/"
        periods = ["", "?period=2024", "?period=2025", "?period=2025-Q2", "?period=2024-Q4"]
        from django.core.cache import cache

        cache.clear()
        cold = []
        for period in periods:  # the first request of each period after a refresh: computed, not cached
            started = time.perf_counter()
            assert client.get(network_path + period).status_code == 200
            cold.append(1000 * (time.perf_counter() - started))
        log(f"dashboard, first request of each period: {', '.join(f'{ms:.0f}' for ms in cold)} ms")
        dashboard = page_timings(client, [network_path + p for p in periods], args.page_requests)
        log(f"dashboard: median {statistics.median(dashboard):.0f} ms, p95 {p95(dashboard):.0f} ms")
        try:
            resolve("/analytics/map/")
            has_map = True
        except Resolver404:
            has_map = False
        map_p95 = None
        map_cold = None
        if has_map:
            started = time.perf_counter()
            assert client.get("/analytics/map/").status_code == 200
            map_cold = round(1000 * (time.perf_counter() - started), 1)
            log(f"map, first request (counted, not cached): {map_cold:.0f} ms")
            maps = page_timings(client, ["/analytics/map/"], args.page_requests)
            map_p95 = round(p95(maps), 1)
            log(f"map: median {statistics.median(maps):.0f} ms, p95 {map_p95:.0f} ms")

        # exports: every table of the network's and each member's dashboard, as CSV, streamed
        paths = [network_path] + [f"/analytics/organizations/{org.slug}/" for org in data["organizations"]]
        rows = 0
        started = time.perf_counter()
        while True:
            for path in paths:
                response = client.get(path + "?export=csv&table=all")
                rows += sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
            if time.perf_counter() - started >= 2:
                break
        all_tables_rows_per_s = rows / (time.perf_counter() - started)
        log(f"exports of the small tables: {rows} rows at {all_tables_rows_per_s:.0f} rows/s (whole requests)")
        # the large table: people by country and gender in every period and domain, of the network and each member
        rows = requests = 0
        started = time.perf_counter()
        while requests < 2 or time.perf_counter() - started < 3:
            response = client.get(network_path + "?export=csv&table=countries")
            rows += sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
            requests += 1
        export_rows_per_s = rows / (time.perf_counter() - started)
        large_export_rows = rows // requests
        log(f"country export: {large_export_rows} rows a request, {export_rows_per_s:.0f} rows/s (whole requests)")
        writer_rows_per_s = export_writer(200_000)
        log(f"export writer alone: {writer_rows_per_s:.0f} rows/s")

        suppressed = recovered = 0
        scopes = [data["network"], *data["organizations"]]
        for obj in scopes:
            scope = selectors.DashboardScope.of(obj)
            for key in ("all", "2024", "2025", "2026"):
                period = selectors.Period(key=key)
                board = selectors.dashboard_get(scope=scope, period=period, raw=False, indicators=[])
                raw_board = selectors.dashboard_get(scope=scope, period=period, raw=True, indicators=[])
                suppressed += board.suppressed_cells
                recovered += attack(board, raw_board)
        log(f"suppressed {suppressed} cells, recovered {recovered}")
        output = {
            "rows": data["rows"],
            "refresh_seconds": round(refresh_seconds, 1),
            "dashboard_p95_ms": round(p95(dashboard), 1),
            "map_p95_ms": map_p95,
            "export_rows_per_s": round(export_rows_per_s),
            "suppressed_cells": suppressed,
            "recovered_cells": recovered,
            "facts": result.facts,
            "refresh_python_cpu_seconds": round(python_cpu, 1),
            "refresh_db_cpu_seconds": None if refresh_db_cpu is None else round(refresh_db_cpu, 1),
            "export_writer_rows_per_s": round(writer_rows_per_s),
            "export_table_rows": large_export_rows,
            "export_small_tables_rows_per_s": round(all_tables_rows_per_s),
            "dashboard_cold_max_ms": round(max(cold), 1),
            "map_cold_ms": map_cold,
            "dashboard_median_ms": round(statistics.median(dashboard), 1),
            "scale": args.scale,
            "load_average": load_average(),
        }
        log(f"whole run {time.perf_counter() - began:.0f} s")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
        shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(output))


if __name__ == "__main__":
    main()
