"""A joint action plan at scale on PostgreSQL: 500 measures, 2,000 computed indicators, a million registrations.

Creates a fresh PostgreSQL database (dropped at the end) and migrates it. Fills it (with COPY; none of it timed)
with a network of 20 organizations (five member states' institutions, an observer), 300,000 people (a fifth with a
second citizenship), 2,000 events of the network in the plan's year (every kind, a few cancelled, some co-organized)
and 200 of other organizers, 1,000,000 registrations (confirmed mostly, some pending or cancelled), 200 courses with
five groups each and 500,000 enrollments (60 % completed during the year). The plan has four directions and 500
measures: a quarter are parents of three child measures each; every child links five events of the network and some
link courses; parents link nothing, so their indicators count the whole network's events (of a kind, or all). Every
measure has four computed indicators (unique participants from the member states, of a kind or not; young
compatriots with their ages; courses completed), each with two half-year periods: 2,000 indicators, 4,000 periods.

Measures:
- `recompute_all_seconds`: `services.recompute_all()` — every computed period counted and written;
- `recompute_one_change_ms`: a new registration (through `events.services.registration_create`, as the site makes
  it, with the task queue immediate) until the periods of the measures that carry the event out (link it) are
  written again: from the moment the `registrations_changed` signal is sent after the commit to the end of that
  recount, median of 20 registrations at events still to come; `recompute_network_wide_ms`: the second task the
  change enqueues, recounting the indicators over the whole network's events (the parents' here), timed alone;
  `linked_periods_touched` and `wide_periods_touched` say how many periods each recounts (of 4,000);
- `plan_page_p95_ms`: the plan page (`/plans/<slug>/`, its first page) for the network's coordinator through
  Django's test client, 95th percentile of 30 requests after 3 to warm up;
- `report_pdf_seconds`: the progress report of a 50-page size (`/plans/<slug>/progress/?format=pdf` for the
  organization whose report comes closest to 50 pages, the whole plan when smaller) — `report_pages` says how long.
As a check, 40 periods picked at random are counted again one by one with the named queries (`queries.py`, the
reference): `mismatches` must be 0, and `one_by_one_ms` is what one period costs that way.

Prints one JSON line: {"measures", "indicators", "recompute_all_seconds", "recompute_one_change_ms",
"plan_page_p95_ms", "report_pdf_seconds", ...}. Targets on a 2-core machine: recompute_all_seconds <= 60,
recompute_one_change_ms <= 50, plan_page_p95_ms <= 150, report_pdf_seconds <= 10, mismatches = 0. Progress goes to
stderr. Options for quicker runs: --registrations, --enrollments, --people, --events, --measures (indicators are
four per measure), --database-url, --keep.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from postgres_db import (  # bench/, the script's folder
    bench_environment,
    copy,
    default_database_url,
    drop_database,
    load_average,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MEMBERS = ("KZ", "TR", "AZ", "UZ", "KG")
OTHER_COUNTRIES = ("HU", "RU", "DE", "US", "GB", "CN", "MN", "TM", "FR", "PL")
KINDS = ("forum", "training", "concert", "film_week", "talk", "assembly", "other")
# the plan's year: eight months past and four to come (the periods are its halves), so that new registrations
# are still accepted
FIRST_DAY = date.today() - timedelta(days=240)
YEAR_START = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=UTC)
HALVES = (
    (FIRST_DAY, FIRST_DAY + timedelta(days=179)),
    (FIRST_DAY + timedelta(days=180), FIRST_DAY + timedelta(days=364)),
)


def log(message: str) -> None:
    print(f"[plan_indicators] {message}", file=sys.stderr, flush=True)


# --- the data -----------------------------------------------------------------------------------------------------


def moment(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(seconds=rng.randrange(365 * 86400))


def populate(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command

    from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
    from tamyr.events.models import Event
    from tamyr.learning.models import Course, CourseGroup
    from tamyr.registry.models import Country, Network, NetworkMembership, Organization

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    countries = {c.code: c for c in Country.objects.filter(code__in=(*MEMBERS, *OTHER_COUNTRIES))}
    network = Network.objects.create(slug="ots-bench", name={"en": "OTS diaspora institutions (benchmark)"})
    organizations = Organization.objects.bulk_create(
        Organization(
            slug=f"org-{n}",
            name={"en": f"Institution {n}"},
            kind="state_diaspora_institution" if n < 6 else "ngo",
            country=countries[(*MEMBERS, "HU")[n]] if n < 6 else countries[rng.choice(MEMBERS)],
        )
        for n in range(20)
    )
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=org, role="member" if n != 5 else "observer")
        for n, org in enumerate(organizations)
    )
    outsider = Organization.objects.create(slug="outsider", name={"en": "Outside"}, kind="ngo", country=countries["DE"])
    coordinator = User.objects.create(username="coordinator", email="coordinator@example.org", password="!")
    NetworkCoordinator.objects.create(user=coordinator, network=network)
    TOTP.activate(coordinator, generate_totp_secret())  # coordinators sign in with an authenticator
    admin = User.objects.create(username="admin-org-0", email="admin@example.org", password="!")
    OrganizationRole.objects.create(user=admin, organization=organizations[0], role="admin")

    now = datetime.now(UTC)
    codes = (*MEMBERS, *OTHER_COUNTRIES)
    weights = (20, 15, 10, 10, 10, *([35 / len(OTHER_COUNTRIES)] * len(OTHER_COUNTRIES)))
    country_of = rng.choices(codes, weights, k=args.people)
    copy(
        "registry_person",
        ("created_at", "updated_at", "display_name", "residence_country_id", "residence_city", "gender",
         "birth_year", "email", "phone", "expertise", "orcid", "heritage"),
        ((now, now, f"Person {n}", country_of[n], "", "", rng.randint(1950, 2014), "", "", "[]", "", "")
         for n in range(args.people)),
    )  # fmt: skip
    from tamyr.registry.models import Person

    first_person = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    assert first_person is not None
    people = range(first_person, first_person + args.people)
    copy(
        "registry_person_citizenships",
        ("person_id", "country_id"),
        ((pk, rng.choice(codes)) for pk in people if rng.random() < 0.2),
    )
    log(f"{args.people} people in {time.perf_counter() - started:.1f} s")

    events = []
    for n in range(args.events + args.events // 10):
        inside = n < args.events
        starts = moment(rng)
        events.append(
            Event(
                slug=f"event-{n}", title={"en": f"Event {n}"}, kind=rng.choice(KINDS),
                status="cancelled" if rng.random() < 0.02 else "published",
                organizer=rng.choice(organizations) if inside else outsider,
                starts_at=starts, ends_at=starts + timedelta(hours=6), capacity=None,
            )
        )  # fmt: skip
    events = Event.objects.bulk_create(events, batch_size=2000)
    network_events = events[: args.events]
    Event.co_organizers.through.objects.bulk_create(
        Event.co_organizers.through(event_id=event.pk, organization_id=rng.choice(organizations).pk)
        for event in network_events
        if rng.random() < 0.1
    )
    per_event = max(1, args.registrations // len(events))
    statuses = ("confirmed",) * 8 + ("pending", "cancelled")

    def registrations() -> Any:
        number = 0
        for event in events:
            for person in rng.sample(people, min(per_event, len(people))):
                status = rng.choice(statuses)
                number += 1
                yield (now, now, event.pk, person, status, f"R{number:010d}", "{}", "",
                       now if status == "confirmed" else None)  # fmt: skip

    written = copy(
        "events_registration",
        ("created_at", "updated_at", "event_id", "person_id", "status", "code", "answers", "language", "confirmed_at"),
        registrations(),
    )
    log(f"{len(events)} events, {written} registrations in {time.perf_counter() - started:.1f} s")

    courses = Course.objects.bulk_create(
        Course(slug=f"course-{n}", title={"en": f"Course {n}"}, level="A1", format="live_group",
               provider=rng.choice(organizations[:10]) if n < args.courses else outsider, is_published=True)
        for n in range(args.courses + 10)
    )  # fmt: skip
    groups = CourseGroup.objects.bulk_create(
        CourseGroup(course=course, name=f"Group {n}") for course in courses for n in range(5)
    )
    per_group = max(1, args.enrollments // len(groups))

    def enrollments() -> Any:
        for group in groups:
            for person in rng.sample(people, min(per_group, len(people))):
                done = rng.random() < 0.6
                yield (now, now, person, group.pk, "completed" if done else "active", moment(rng) if done else None, 0,
                       "")  # fmt: skip

    written = copy(
        "learning_enrollment",
        ("created_at", "updated_at", "person_id", "group_id", "status", "completed_at", "progress_percent",
         "override_reason"),
        enrollments(),
    )  # fmt: skip
    log(f"{len(courses)} courses, {written} enrollments in {time.perf_counter() - started:.1f} s")
    plan = make_plan(args, rng, network, organizations, network_events, courses[: args.courses], coordinator)
    log(f"the plan in {time.perf_counter() - started:.1f} s")
    return {"plan": plan, "coordinator": coordinator, "admin": admin, "organizations": organizations,
            "events": network_events, "first_person": first_person}  # fmt: skip


def make_plan(
    args: argparse.Namespace,
    rng: random.Random,
    network: Any,
    organizations: list[Any],
    events: list[Any],
    courses: list[Any],
    coordinator: Any,
) -> Any:
    """The plan through its models in bulk (the services check each reference, which is not what is measured)."""
    from decimal import Decimal

    from tamyr.cooperation.models import Direction, Indicator, IndicatorPeriod, Measure, Plan

    plan = Plan.objects.create(
        slug="jap-bench", title={"en": "Joint Action Plan (benchmark)"}, network=network,
        starts_on=HALVES[0][0], ends_on=HALVES[1][1], status="in_force",
    )  # fmt: skip
    directions = Direction.objects.bulk_create(
        Direction(plan=plan, code=str(n + 1), title={"en": f"Direction {n + 1}"}, order=n) for n in range(4)
    )
    parents_count = args.measures // 4
    parents = Measure.objects.bulk_create(
        Measure(plan=plan, direction=directions[n % 4], code=f"{n % 4 + 1}.{n + 1}", title={"en": f"Measure {n + 1}"},
                lead=rng.choice(organizations), status="in_progress", weight=rng.randint(1, 5), order=n)
        for n in range(parents_count)
    )  # fmt: skip
    children = Measure.objects.bulk_create(
        Measure(plan=plan, direction=parent.direction, parent=parent, code=f"{parent.code}.{k + 1}",
                title={"en": f"Measure {parent.code}.{k + 1}"}, lead=rng.choice(organizations),
                status=rng.choice(("planned", "in_progress", "completed")), weight=rng.randint(1, 3), order=k)
        for parent in parents
        for k in range(3)
    )[: args.measures - parents_count]  # fmt: skip
    Measure.objects.filter(plan=plan).exclude(pk__in=[m.pk for m in (*parents, *children)]).delete()
    measures = [*parents, *children]
    Measure.partners.through.objects.bulk_create(
        Measure.partners.through(measure_id=m.pk, organization_id=org.pk)
        for m in measures
        for org in rng.sample(organizations, 2)
    )
    Measure.events.through.objects.bulk_create(
        Measure.events.through(measure_id=m.pk, event_id=event.pk) for m in children for event in rng.sample(events, 5)
    )
    with_courses = children[::3]
    Measure.courses.through.objects.bulk_create(
        Measure.courses.through(measure_id=m.pk, course_id=course.pk)
        for m in with_courses
        for course in rng.sample(courses, min(3, len(courses)))
    )
    indicators = []
    for m in measures:
        kinds = rng.sample(KINDS, 2)
        params = [
            ("unique_participants", {}),
            ("unique_participants", {"kind": kinds[0]}),
            ("young_registered", {"max_age": rng.choice((30, 35)), "kind": kinds[1]}),
            ("courses_completed", {}) if m in with_courses or m.parent_id is None else ("young_registered", {}),
        ]
        for order, (query, given) in enumerate(params):
            indicators.append(
                Indicator(measure=m, title={"en": f"{query} {order}"}, unit="people", source="computed", query=query,
                          params=given, baseline=Decimal(0), order=order)
            )  # fmt: skip
    indicators = Indicator.objects.bulk_create(indicators, batch_size=2000)
    IndicatorPeriod.objects.bulk_create(
        (
            IndicatorPeriod(indicator=i, starts_on=start, ends_on=end, target=Decimal(rng.randrange(50, 5000, 50)))
            for i in indicators
            for start, end in HALVES
        ),
        batch_size=2000,
    )
    return plan


def settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


# --- the measurements ---------------------------------------------------------------------------------------------


def check_sample(rng: random.Random) -> tuple[int, float]:
    """Periods picked at random, counted one by one with the named queries: mismatches and ms per period."""
    from tamyr.cooperation import selectors
    from tamyr.cooperation.models import IndicatorPeriod
    from tamyr.cooperation.queries import QUERIES

    ids = list(IndicatorPeriod.objects.values_list("pk", flat=True))
    sample = IndicatorPeriod.objects.filter(pk__in=rng.sample(ids, min(40, len(ids)))).select_related(
        "indicator__measure__plan"
    )
    mismatches = 0
    started = time.perf_counter()
    periods = list(sample)
    for period in periods:
        expected = QUERIES[period.indicator.query].count(selectors.scope_of(period))
        if period.actual is None or int(period.actual) != expected:
            mismatches += 1
            log(f"mismatch: period {period.pk} ({period.indicator.query}): {period.actual} != {expected}")
    return mismatches, 1000 * (time.perf_counter() - started) / max(1, len(periods))


def one_change(data: dict[str, Any], rng: random.Random, count: int) -> dict[str, list[float]]:
    """New registrations, each timed from the signal after its commit to the end of the recount of the indicators
    of the measures that link the event (`linked_ms`); then the recount of the network-wide indicators, a task of
    its own (`wide_ms`, timed from its start). Checks that every period that may count the event was written."""
    from django.db import transaction

    from tamyr.accounts.models import User
    from tamyr.cooperation import selectors, tasks
    from tamyr.cooperation.models import Measure
    from tamyr.events import services as event_services
    from tamyr.events.models import Event
    from tamyr.events.signals import registrations_changed
    from tamyr.registry.models import Country, Person

    figures: dict[str, list[float]] = {"linked_ms": [], "wide_ms": [], "linked": [], "wide": []}
    waiting: list[tuple[int, datetime, list[int] | None]] = []
    real_wide = tasks.recompute_wide_for_event

    def after_recount(sender: Any, *, changed_at: datetime, **kwargs: Any) -> None:
        # connected after cooperation's receiver (the app connects at start-up): runs once the recount is done
        figures["linked_ms"].append(1000 * (datetime.now(UTC) - changed_at).total_seconds())

    registrations_changed.connect(after_recount, dispatch_uid="bench.after_recount")

    def queue_wide(event_id: int, changed_at: datetime, person_ids: list[int] | None = None) -> None:
        waiting.append((event_id, changed_at, person_ids))  # queued

    tasks.recompute_wide_for_event = queue_wide
    soon = datetime.now(UTC) + timedelta(days=1)  # registration is open: the event is still to come
    linked = list(
        Event.objects.filter(pk__in=Measure.events.through.objects.values("event_id"), status="published")
        .filter(starts_at__gt=soon)
        .values_list("pk", flat=True)
    )
    kazakhstan = Country.objects.get(code="KZ")
    try:
        for n in range(count):
            event_id = rng.choice(linked)
            user = User.objects.create(username=f"newcomer{n}", email=f"newcomer{n}@example.org", password="!")
            person = Person.objects.create(
                display_name=f"Newcomer {n}", user=user, residence_country=kazakhstan, birth_year=2001
            )
            before = datetime.now(UTC)
            with transaction.atomic():  # the request's transaction: the signal is sent after its commit
                event = Event.objects.get(pk=event_id)
                event_services.registration_create(event=event, person=person, acting_user=user)
            assert len(waiting) == 1, waiting
            started = time.perf_counter()
            real_wide(*waiting.pop())  # the worker takes the second task (immediate here)
            figures["wide_ms"].append(1000 * (time.perf_counter() - started))
            for part in ("linked", "wide"):
                periods = selectors.computed_periods_for_event(event_id, part)
                stale = periods.filter(computed_at__lt=before).count()
                assert stale == 0, f"{stale} {part} periods of event {event_id} were not recounted"
                figures[part].append(periods.count())
    finally:
        registrations_changed.disconnect(dispatch_uid="bench.after_recount")
        tasks.recompute_wide_for_event = real_wide
    return figures


def plan_page(data: dict[str, Any], requests: int) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(data["coordinator"])
    path = f"/plans/{data['plan'].slug}/"
    timings = []
    for n in range(requests + 3):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        if n >= 3:
            timings.append(elapsed)
    return timings


def report_pdf(data: dict[str, Any]) -> tuple[float, int, str]:
    from django.test import Client

    client = Client()
    client.force_login(data["coordinator"])
    base = f"/plans/{data['plan'].slug}/progress/?format=pdf"

    def fetch(query: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(base + query)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed, response.content.count(b"/Type /Page") - response.content.count(b"/Type /Pages")

    whole, pages = fetch("")
    if pages <= 50:
        return whole, pages, "the whole plan"
    # the organization whose report is closest to 50 pages
    best: tuple[float, int, str] = (whole, pages, "the whole plan")
    for organization in data["organizations"][:6]:
        seconds, count = fetch(f"&organization={organization.slug}")
        if abs(count - 50) < abs(best[1] - 50):
            best = (seconds, count, organization.slug)
    log(f"whole plan: {pages} pages in {whole:.2f} s")
    return best


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--enrollments", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--measures", type=int, default=500, help="four computed indicators each")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--page-requests", type=int, default=30)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_plan"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    var = bench_environment(args.database_url, "tamyr-bench-plan-")
    began = time.perf_counter()
    try:
        import django

        django.setup()
        from tamyr.cooperation import services
        from tamyr.cooperation.models import Indicator, IndicatorPeriod, Measure

        rng = random.Random(2026)
        data = populate(args, rng)
        settle()
        log(f"load average before the measurements: {load_average()}")

        started = time.perf_counter()
        written = services.recompute_all()
        recompute_all_seconds = time.perf_counter() - started
        log(f"recompute_all: {written} periods in {recompute_all_seconds:.2f} s")
        mismatches, one_by_one_ms = check_sample(rng)
        log(f"check: {mismatches} mismatches; one by one {one_by_one_ms:.0f} ms a period")

        change = one_change(data, rng, args.changes)
        for part in ("linked", "wide"):
            timings = ", ".join(f"{t:.0f}" for t in change[f"{part}_ms"])
            log(f"one change, {part}: {timings} ms ({change[part]} periods)")

        pages = plan_page(data, args.page_requests)
        log(f"plan page: median {statistics.median(pages):.0f} ms, p95 {p95(pages):.0f} ms")
        pdf_seconds, pdf_pages, pdf_of = report_pdf(data)
        log(f"report PDF of {pdf_of}: {pdf_pages} pages in {pdf_seconds:.2f} s")
        periods = IndicatorPeriod.objects.count()
        result = {
            "measures": Measure.objects.count(),
            "indicators": Indicator.objects.count(),
            "recompute_all_seconds": round(recompute_all_seconds, 2),
            "recompute_one_change_ms": round(statistics.median(change["linked_ms"]), 1),
            "plan_page_p95_ms": round(p95(pages), 1),
            "report_pdf_seconds": round(pdf_seconds, 2),
            "periods": periods,
            "linked_periods_touched": statistics.median(change["linked"]),
            "recompute_one_change_max_ms": round(max(change["linked_ms"]), 1),
            "wide_periods_touched": statistics.median(change["wide"]),
            "recompute_network_wide_ms": round(statistics.median(change["wide_ms"]), 1),
            "report_pages": pdf_pages,
            "mismatches": mismatches,
            "one_by_one_ms": round(one_by_one_ms, 1),
            "load_average": load_average(),
        }
        log(f"whole run {time.perf_counter() - began:.0f} s")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
        shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
