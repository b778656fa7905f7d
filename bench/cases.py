"""Case management at scale on PostgreSQL (issue 17, item 11; docs/decisions/0035).

Creates a throwaway PostgreSQL database (dropped at the end), migrates it and fills it with set-based SQL (none of
it timed): 200,000 cases of 20 organizations, each with its head of household, its 9 stages and their checklists,
2 tasks, a note and 10 timeline entries (2,000,000). Then measures, through Django's test client and the services:

- worker_list_p95_ms: the case worker's list `/cases/?mine=1` (10,000 cases of theirs) and `/cases/` (the org's);
- case_page_p95_ms: a case page `/cases/<id>/` (which also writes its read audit and timeline row);
- referral_per_s: referrals sent through `services.referral_create` (consent checked, version compared);
- lost_updates: 16 threads add notes to the same 100 cases at once through the services, each reading the case,
  writing with the version it read and retrying on a conflict; afterwards every acknowledged note must be there
  (acknowledged minus present, summed over the cases: must be 0).

Prints one JSON line: {"cases", "timeline_entries", "worker_list_p95_ms", "case_page_p95_ms", "referral_per_s",
"lost_updates", "conflicts_retried", "load_average"}. `--scale 0.05` for a quick run (10,000 cases).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from postgres_db import create_database, default_database_url, drop_database, load_average

ORGANIZATIONS = 20
STAGES = ("intake", "documents", "kandas", "region", "housing", "employment", "schooling", "language", "closed")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def sql(statement: str, params: Any = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def populate(cases: int) -> dict[str, Any]:
    """Organizations, users and roles through the ORM; people, cases and everything of theirs with INSERT … SELECT
    over generate_series (a case's id is its series number, so the rows of one case find each other by arithmetic)."""
    from tamyr.accounts.models import OrganizationRole, User
    from tamyr.registry.models import Organization

    orgs = Organization.objects.bulk_create(
        Organization(slug=f"org-{i}", name={"en": f"Organization {i}"}, kind="ngo", country_id="KZ")
        for i in range(ORGANIZATIONS + 1)
    )
    owner, partner = orgs[0], orgs[ORGANIZATIONS]
    worker = User.objects.create_user("worker", "worker@example.org", "bench-password-1")
    OrganizationRole.objects.create(user=worker, organization=owner, role="admin")
    workers = [worker]
    for org in orgs[1:ORGANIZATIONS]:
        other = User.objects.create_user(f"worker-{org.pk}", f"w{org.pk}@example.org", "bench-password-1")
        OrganizationRole.objects.create(user=other, organization=org, role="staff")
        workers.append(other)
    first_org = orgs[0].pk
    first_worker = worker.pk
    started = time.perf_counter()
    sql(
        """INSERT INTO registry_person (id, display_name, registered_by_id, residence_country_id, residence_city,
               gender, birth_year, email, phone, expertise, orcid, heritage, created_at, updated_at)
           SELECT g, 'Person ' || g, %s + (g %% %s), 'MN', '', '', 1980, '', '', '[]', '', '', now(), now()
           FROM generate_series(1, %s) g""",
        [first_org, ORGANIZATIONS, cases],
    )
    sql("SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [cases])
    sql(
        """INSERT INTO cases_case (id, case_type, status, owner_id, worker_id, stage, stage_started_at, stage_due_at,
               origin_country_id, region, summary, plan, plan_approved_at, version, created_at, updated_at)
           SELECT g, 'return', CASE WHEN g %% 10 = 3 THEN 'closed' ELSE 'open' END, %s + (g %% %s),
               %s + (g %% %s), (ARRAY['intake','documents','kandas','region','housing','employment','schooling',
               'language'])[1 + g %% 8], now() - ((g %% 90) || ' days')::interval,
               now() + (((g %% 120) - 40) || ' days')::interval, (ARRAY['MN','CN','UZ','TR'])[1 + g %% 4],
               'Region ' || (g %% 17), 'Family of ' || (2 + g %% 5), 'Plan', now(), 1, now(), now()
           FROM generate_series(1, %s) g""",
        [first_org, ORGANIZATIONS, first_worker, ORGANIZATIONS, cases],
    )
    sql("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [cases])
    sql("INSERT INTO cases_casemember (case_id, person_id, is_head, relationship) "
        "SELECT g, g, true, '' FROM generate_series(1, %s) g", [cases])  # fmt: skip
    sql(
        """INSERT INTO cases_casestage (case_id, code, position, sla_days, started_at, completed_at)
           SELECT g, s.code, s.position - 1, 30, now(), NULL
           FROM generate_series(1, %s) g, unnest(%s::text[]) WITH ORDINALITY AS s(code, position)""",
        [cases, list(STAGES)],
    )
    sql(
        """INSERT INTO cases_checklistitem (stage_id, code, position, done_at, done_by_id)
           SELECT st.id, 'item-' || i, i, CASE WHEN i = 0 THEN now() END, NULL
           FROM cases_casestage st, generate_series(0, 1) i WHERE st.code <> 'closed'"""
    )
    sql(
        """INSERT INTO cases_casetask (case_id, title, due_on, assignee_id, for_family, created_at, done_at)
           SELECT g, 'Task ' || t, current_date + ((g + t) %% 30 - 10), NULL, t = 2, now(), NULL
           FROM generate_series(1, %s) g, generate_series(1, 2) t""",
        [cases],
    )
    sql(
        """INSERT INTO cases_casenote (case_id, text, visibility, author_id, created_at)
           SELECT g, 'Called the family.', 'organization', NULL, now() FROM generate_series(1, %s) g""",
        [cases],
    )
    sql(
        """INSERT INTO cases_caseevent (case_id, kind, at, actor_id, version, data)
           SELECT g, (ARRAY['created','note_added','task_added','stage_moved','checklist'])[1 + e %% 5],
               now() - ((10 - e) || ' days')::interval, NULL, 1, '{}'
           FROM generate_series(1, %s) g, generate_series(1, 10) e""",
        [cases],
    )
    sql(
        """INSERT INTO cases_sharingconsent (person_id, organization_id, given_at, withdrawn_at, method)
           SELECT g, %s, now(), NULL, 'paper' FROM generate_series(1, %s) g""",
        [partner.pk, cases],
    )
    log(f"generated {cases} cases in {time.perf_counter() - started:.1f} s")
    sql("VACUUM ANALYZE")
    return {"owner": owner, "partner": partner, "worker": worker}


def timed_pages(client: Any, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def referrals(data: dict[str, Any], ids: list[int]) -> float:
    from tamyr.cases import services
    from tamyr.cases.models import Case

    started = time.perf_counter()
    for case_id in ids:
        case = Case.objects.get(pk=case_id)
        services.referral_create(
            case=case,
            version=case.version,
            to_organization=data["partner"],
            service="housing",
            shared_sections=["stages"],
            acting_user=data["worker"],
        )
    return len(ids) / (time.perf_counter() - started)


def contested(data: dict[str, Any], ids: list[int], threads: int, writes: int) -> tuple[int, int]:
    """16 writers, the same 100 cases: every acknowledged note must be in the database afterwards."""
    from django.db import connections

    from tamyr.cases import services
    from tamyr.cases.models import Case, CaseNote

    acknowledged: dict[int, int] = dict.fromkeys(ids, 0)
    retried = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def run(index: int) -> None:
        rng = random.Random(index)
        try:
            barrier.wait(timeout=60)
            for step in range(writes):
                case_id = rng.choice(ids)
                while True:
                    case = Case.objects.get(pk=case_id)
                    try:
                        services.note_add(
                            case=case, version=case.version, text=f"bench {index}-{step}", acting_user=data["worker"]
                        )
                    except services.CaseConflict:
                        with lock:
                            retried[0] += 1
                        continue
                    with lock:
                        acknowledged[case_id] += 1
                    break
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    present = dict(
        CaseNote.objects.filter(case_id__in=ids, text__startswith="bench ")
        .values_list("case_id")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk"))
        .values_list("case_id", "n")
    )
    lost = sum(max(0, acknowledged[case_id] - present.get(case_id, 0)) for case_id in ids)
    return lost, retried[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 200,000 cases and 2,000,000 timeline entries")
    parser.add_argument("--requests", type=int, default=60, help="page requests per measured page")
    parser.add_argument("--referrals", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--writes", type=int, default=25, help="notes each thread adds")
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_cases"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    cases = max(2_000, int(200_000 * args.scale))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "DATABASE_URL": args.database_url,
            "TAMYR_VAR_DIR": tempfile.mkdtemp(prefix="tamyr-bench-cases-"),
            "TAMYR_LOG_LEVEL": "WARNING",
            "TAMYR_TASKS_IMMEDIATE": "true",
            "TAMYR_EMAIL": "memory",
            "TAMYR_REQUIRE_STAFF_MFA": "false",
            "TAMYR_DB_CONN_MAX_AGE": "60",  # as docs/deploy.md sets it: a process keeps its database connection
        }
    )
    os.environ.pop("REDIS_URL", None)
    create_database(args.database_url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from tamyr.cases.models import CaseEvent

        call_command("migrate", verbosity=0)
        data = populate(cases)
        log(f"load average before the measurements: {load_average()}")
        client = Client()
        client.force_login(data["worker"])
        rng = random.Random(2026)
        own = list(range(ORGANIZATIONS, cases + 1, ORGANIZATIONS))  # the worker's organization's cases (all open)
        timed_pages(client, ["/cases/?mine=1", "/cases/"])  # warm up
        lists = timed_pages(
            client, [rng.choice(["/cases/?mine=1", "/cases/", "/cases/?mine=1&page=3", "/cases/?stage=housing"])
                     for _ in range(args.requests)]
        )  # fmt: skip
        pages = timed_pages(client, [f"/cases/{rng.choice(own)}/" for _ in range(args.requests)])
        log(f"worker list p95 {p95(lists):.1f} ms; case page p95 {p95(pages):.1f} ms")
        per_s = referrals(data, rng.sample(own[:-100], min(args.referrals, len(own) // 2)))
        log(f"referrals: {per_s:.1f}/s")
        contested_ids = own[-100:]
        lost, retried = contested(data, contested_ids, args.threads, args.writes)
        log(f"contested: lost {lost}, conflicts retried {retried}")
        result = {
            "cases": cases,
            "timeline_entries": CaseEvent.objects.count(),
            "worker_list_p95_ms": round(p95(lists), 1),
            "case_page_p95_ms": round(p95(pages), 1),
            "referral_per_s": round(per_s, 1),
            "lost_updates": lost,
            "conflicts_retried": retried,
            "load_average": load_average(),
        }
        print(json.dumps(result))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
