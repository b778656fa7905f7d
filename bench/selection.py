"""A call's committee work at scale on PostgreSQL: conflicts, assignment, ranking with quotas, and declines at once.

Creates a fresh PostgreSQL database (dropped at the end) and migrates it. Fills it with 600 reviewers (fields of
science as OECD codes and keywords, two or three languages each, affiliations with 200 universities in 30
countries, family names and cities) and 50,000 submitted applications from 30 countries to one financing call with
a quota group per country (100 places each) and a budget that binds. Conflicts come from the registry (shared
universities, reviewers' own applications, the same family name in the same city) through `conflicts_detect`,
plus 2,000 declared ones.

Measures:
- `assign_seconds`: `review.assignments_make(k=3)` — reading the call, the solver, writing 150,000 assignments;
  `conflicts_violated` (assigned pairs that have a conflict), `load_spread` (largest minus smallest load over the
  whole pool), `mean_expertise_score` (mean match of the assigned pairs) and `greedy_expertise_score` (the greedy
  baseline `assignment.assign_greedy` on the same input);
- `rank_seconds`: `selection.selection_rank` after every assignment got a review (written in bulk: the review
  form's service is not what is measured here);
- `declines_per_s`: 1,000 offers declined through `selection.offer_decline` by 16 threads, each with its own
  connection, each decline promoting the next reserve at once; then `over_quota` (places held beyond the quotas)
  and `budget_overcommitted` (money committed beyond the budget).

Prints one JSON line: {"applications", "reviewers", "assign_seconds", "conflicts_violated", "load_spread",
"mean_expertise_score", "greedy_expertise_score", "rank_seconds", "over_quota", "budget_overcommitted",
"declines_per_s"}. Targets on a 2-core machine: assign_seconds <= 30, conflicts_violated = 0, load_spread <= 1,
mean above greedy, rank_seconds <= 5, over_quota = 0, budget_overcommitted = 0, declines_per_s >= 100.
Progress goes to stderr. Options: --applications N, --reviewers N, --declines N, --workers N, --database-url.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from postgres_db import create_database, default_database_url, drop_database  # bench/, the script's folder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNTRIES = (
    "KZ", "TR", "HU", "UZ", "KG", "AZ", "RU", "DE", "US", "GB", "FR", "CN", "MN", "TM", "TJ", "IR", "AF", "PL",
    "CZ", "AT", "IT", "ES", "NL", "SE", "FI", "KR", "JP", "AE", "CA", "AU",
)  # fmt: skip
LANGUAGES = ("en", "kk", "ru", "tr", "hu", "uz", "ky", "az", "de", "zh")
LANGUAGE_WEIGHTS = (35, 20, 20, 4, 4, 4, 4, 3, 3, 3)  # of the applications; every reviewer reads en, kk or ru, one more
FIELDS = tuple(f"{domain}.{sub}" for domain in range(1, 7) for sub in range(1, 8))
KEYWORDS = tuple(f"topic-{number}" for number in range(400))
FAMILIES = (
    "Tokayev", "Nurlanov", "Abenov", "Seitkali", "Kassymov", "Omarov", "Yilmaz", "Kaya", "Demir", "Nagy", "Kovacs",
    "Toth", "Szabo", "Aliyev", "Mammadov", "Karimov", "Rashidov", "Usmanov", "Bekov", "Jumabaev", "Sultanov",
    "Iskakov", "Akhmetov", "Zhumabek", "Esenov", "Ibraimov", "Dzhaksybekov", "Tursunov", "Mukanov", "Baimukhanov",
)  # fmt: skip
GIVEN = ("Aliya", "Nurlan", "Aigerim", "Emre", "Zsofia", "Farid", "Dilnoza")
CITIES = ("Almaty", "Astana", "Istanbul", "Budapest", "Tashkent", "Bishkek", "Baku", "Moscow", "Berlin", "London")


def log(message: str) -> None:
    print(f"[selection] {message}", file=sys.stderr, flush=True)


def populate(applications: int, reviewers: int, rng: random.Random) -> Any:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from tamyr.calls.models import Application, Call, CallReviewer, Conflict, ConflictSource, QuotaGroup
    from tamyr.registry.models import Affiliation, Country, Organization, Person, SpokenLanguage

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    countries = {country.code: country for country in Country.objects.filter(code__in=COUNTRIES)}
    owner = Organization.objects.create(slug="jif", name={"en": "Joint Investment Fund"}, kind="state_institution")
    universities = Organization.objects.bulk_create(
        Organization(slug=f"university-{n}", name={"en": f"University {n}"}, kind="university",
                     country=countries[COUNTRIES[n % len(COUNTRIES)]])
        for n in range(200)
    )  # fmt: skip
    now = timezone.now()
    call = Call.objects.create(
        slug="jif-2027", kind="financing", status="published", organization=owner, title={"en": "JIF 2027"},
        opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30), currency="USD",
        budget=Decimal("2900000"), award_min=Decimal("500"), award_max=Decimal("1500"),
    )  # fmt: skip
    groups = QuotaGroup.objects.bulk_create(
        QuotaGroup(call=call, key=code.lower(), name={"en": code}, places=100, order=n)
        for n, code in enumerate(COUNTRIES)
    )

    def name() -> str:
        return f"{rng.choice(GIVEN)} {rng.choice(FAMILIES)}"

    reviewer_people = Person.objects.bulk_create(
        Person(display_name=name(), residence_country=countries[rng.choice(COUNTRIES)],
               residence_city=rng.choice(CITIES),
               expertise=[*rng.sample(FIELDS, rng.randint(1, 3)), *rng.sample(KEYWORDS, 6)])
        for _ in range(reviewers)
    )  # fmt: skip
    SpokenLanguage.objects.bulk_create(
        SpokenLanguage(person=person, language=language, level=rng.choice(("C1", "C2", "native")))
        for person in reviewer_people
        for language in {"en", rng.choice(LANGUAGES[1:3]), rng.choice(LANGUAGES[3:])}
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=person, organization=university, role="professor")
        for person in reviewer_people
        for university in rng.sample(universities, rng.randint(1, 2))
    )
    CallReviewer.objects.bulk_create(CallReviewer(call=call, person=person) for person in reviewer_people)
    log(f"{reviewers} reviewers")

    applicants = Person.objects.bulk_create(
        (
            Person(display_name=name(), residence_country=countries[COUNTRIES[n % len(COUNTRIES)]],
                   residence_city=rng.choice(CITIES), expertise=rng.sample(KEYWORDS, 1))
            for n in range(applications)
        ),
        batch_size=5000,
    )  # fmt: skip
    Affiliation.objects.bulk_create(
        (Affiliation(person=person, organization=rng.choice(universities), role="student") for person in applicants
         if rng.random() < 0.3),
        batch_size=5000,
    )  # fmt: skip
    submitted = now - timedelta(days=40)
    rows = []
    for n, person in enumerate(applicants):
        is_reviewer = n < 20  # a few reviewers apply as well: their own application is a conflict
        rows.append(
            Application(
                call=call, code=f"B{n:07d}", person=reviewer_people[n] if is_reviewer else person,
                organization=universities[n - 20] if 20 <= n < 20 + len(universities) else None,
                status="submitted", quota_group=groups[n % len(groups)],
                language=rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
                answers={"fields": [rng.choice(FIELDS)], "keywords": rng.sample(KEYWORDS, 3)},
                amount_requested=Decimal(rng.randrange(500, 1501, 50)),
                submitted_at=submitted + timedelta(seconds=rng.randrange(86400 * 20)),
            )
        )  # fmt: skip
    made = Application.objects.bulk_create(rows, batch_size=5000)
    Conflict.objects.bulk_create(
        (
            Conflict(application=rng.choice(made), reviewer=rng.choice(reviewer_people), source=ConflictSource.DECLARED)
            for _ in range(2000)
        ),
        ignore_conflicts=True,
    )
    log(f"{applications} applications in {time.perf_counter() - started:.1f} s")
    return call


def settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def assignment_figures(call: Any) -> dict[str, Any]:
    from django.db.models import Avg, Count, Exists, OuterRef

    from tamyr.calls.models import CallReviewer, Conflict, ReviewAssignment

    assigned = ReviewAssignment.objects.filter(application__call=call)
    violated = assigned.filter(
        Exists(Conflict.objects.filter(application_id=OuterRef("application_id"), reviewer_id=OuterRef("reviewer_id")))
    ).count()
    loads = dict(assigned.values("reviewer_id").annotate(n=Count("pk")).values_list("reviewer_id", "n"))
    pool = CallReviewer.objects.filter(call=call).values_list("person_id", flat=True)
    all_loads = [loads.get(person, 0) for person in pool]
    return {
        "conflicts_violated": violated,
        "load_spread": max(all_loads) - min(all_loads),
        "mean_expertise_score": round(float(assigned.aggregate(mean=Avg("match"))["mean"]), 4),
    }


def write_reviews(call: Any, rng: random.Random) -> None:
    """Every assignment gets a submitted review: a quality per application plus each reviewer's noise."""
    from django.utils import timezone

    from tamyr.calls.models import Review, ReviewAssignment

    quality: dict[int, float] = {}
    now = timezone.now()
    reviews = []
    for application_id, reviewer_id in ReviewAssignment.objects.filter(application__call=call).values_list(
        "application_id", "reviewer_id"
    ):
        base = quality.setdefault(application_id, rng.uniform(30, 90))
        total = Decimal(str(round(min(100.0, max(0.0, rng.gauss(base, 8))), 2)))
        reviews.append(Review(application_id=application_id, reviewer_id=reviewer_id, total=total, submitted_at=now))
    Review.objects.bulk_create(reviews, batch_size=5000)


def _decline_worker(pks: list[int], barrier: Any, failures: Any) -> None:
    """One worker process: its own database connection, its share of the declines."""
    from django.db import connections

    from tamyr.calls import selection
    from tamyr.calls.models import Outcome

    outcomes = list(Outcome.objects.filter(pk__in=pks).select_related("call"))
    barrier.wait()
    failed = 0
    for outcome in outcomes:
        try:
            selection.offer_decline(outcome=outcome, acting_user=None)
        except Exception as error:  # counted and reported, the run goes on
            failed += 1
            log(f"a decline failed: {error!r}")
    failures.put(failed)
    log(f"worker done: {len(outcomes)} declines, {selection.RETRIES} retried after a lost budget race")
    connections.close_all()


def declines(call: Any, count: int, workers: int, rng: random.Random) -> float:
    """`count` offers declined by `workers` processes at once (as web workers would), each decline through the
    service; returns declines per second from the moment all workers are ready until the last one is done."""
    import multiprocessing

    from django.db import connections

    from tamyr.calls.models import Outcome, OutcomeStatus

    offered = list(Outcome.objects.filter(call=call, status=OutcomeStatus.OFFERED).values_list("pk", flat=True))
    chosen = rng.sample(offered, count)
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    failures = context.Queue()
    processes = [
        context.Process(target=_decline_worker, args=(chosen[index::workers], barrier, failures))
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    failed = sum(failures.get() for _ in processes)
    if failed:
        log(f"{failed} declines failed")
    return (count - failed) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--reviewers", type=int, default=600)
    parser.add_argument("--declines", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_selection"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="tamyr-bench-selection-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "DATABASE_URL": args.database_url,
            "TAMYR_VAR_DIR": str(var),
            "TAMYR_LOG_LEVEL": "WARNING",
            "TAMYR_TASKS_IMMEDIATE": "true",
        }
    )
    create_database(args.database_url)
    try:
        import django

        django.setup()
        from tamyr.accounts.permissions import SYSTEM
        from tamyr.calls import assignment, review, selection

        rng = random.Random(2027)
        call = populate(args.applications, args.reviewers, rng)
        started = time.perf_counter()
        added = review.conflicts_detect(call=call, acting_user=SYSTEM)
        log(f"conflicts from the registry: {added} in {time.perf_counter() - started:.1f} s")
        settle()

        started = time.perf_counter()
        report = review.assignments_make(call=call, k=3, acting_user=SYSTEM)
        assign_seconds = time.perf_counter() - started
        log(f"assigned in {assign_seconds:.1f} s: exact={report.exact}, short={len(report.short)}")
        figures = assignment_figures(call)
        papers, reviewers, conflicts, _fixed = review.solver_input(call)
        greedy = assignment.assign_greedy(papers, reviewers, k=3, conflicts=conflicts)
        log(f"greedy: spread {greedy.load_spread}, short {len(greedy.short)}")

        write_reviews(call, rng)
        settle()
        started = time.perf_counter()
        ranked = selection.selection_rank(call=call, acting_user=SYSTEM)
        rank_seconds = time.perf_counter() - started
        log(f"ranked {ranked.ranked} in {rank_seconds:.2f} s: {ranked.selected} selected, {ranked.reserve} reserve")
        selection.offers_send(call=call, acting_user=SYSTEM)

        per_second = declines(call, args.declines, args.workers, rng)
        call.refresh_from_db()
        overcommitted = max(Decimal(0), selection.committed(call) - call.budget)
        result = {
            "applications": args.applications,
            "reviewers": args.reviewers,
            "assign_seconds": round(assign_seconds, 2),
            "conflicts_violated": figures["conflicts_violated"],
            "load_spread": figures["load_spread"],
            "mean_expertise_score": figures["mean_expertise_score"],
            "greedy_expertise_score": round(greedy.mean_score, 4),
            "rank_seconds": round(rank_seconds, 2),
            "over_quota": selection.over_quota(call),
            "budget_overcommitted": float(overcommitted),
            "declines_per_s": round(per_second, 1),
        }
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(args.database_url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
