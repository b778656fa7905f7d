"""The diaspora map at scale on PostgreSQL (issue 16, item 3; docs/decisions/0034).

Creates a fresh PostgreSQL database (dropped at the end), migrates it and fills it with COPY (not timed): `--people`
people (default 1,000,000) in 25 countries, `--registrations` confirmed registrations (default 1,000,000) at
`--events` events held in 15 countries, 200 organizations, and the demo's estimates of the Kazakh diaspora.
Then, through Django's test client as an anonymous reader (disclosure control on):

- `map_cold_ms`: the map page with its cache emptied before each request (median of 3): the four grouped
  counting queries, disclosure control, the SVG and the table;
- `map_p95_ms`: 95th percentile of `--requests` requests of the page as readers get it (cached drawing);
- `map_network_cold_ms`: the same cold request for one network of 20 organizations.

Prints one JSON line: {"people", "registrations", "map_cold_ms", "map_p95_ms", "map_network_cold_ms",
"svg_bytes", "load_average"}. Target: map_p95_ms <= 200 on a 2-core machine. Quicker: --people 100000
--registrations 100000.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from postgres_db import (  # bench/, the script's folder
    copy,
    create_database,
    default_database_url,
    drop_database,
    load_average,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNTRIES = ("KZ", "RU", "CN", "MN", "UZ", "KG", "TR", "DE", "HU", "AT", "US", "GB", "FR", "PL", "TM", "AZ", "IR",
             "AF", "UA", "BY", "CA", "AU", "KR", "JP", "IS")  # fmt: skip


def log(message: str) -> None:
    print(f"[diaspora_map] {message}", file=sys.stderr, flush=True)


def populate(args: argparse.Namespace, rng: random.Random) -> Any:
    from django.core.management import call_command

    from tamyr.accounts.permissions import SYSTEM
    from tamyr.core import netfiles
    from tamyr.events.models import Event, Venue
    from tamyr.registry.models import Country, Network, NetworkMembership, Organization, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    countries = {c.code: c for c in Country.objects.filter(code__in=COUNTRIES)}
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"org-{n}", name={"en": f"Centre {n}"}, kind="ngo", country=countries[COUNTRIES[n % 25]])
        for n in range(200)
    )
    network = Network.objects.create(slug="bench-network", name={"en": "Benchmark network"})
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=org, role="member") for org in organizations[:20]
    )
    now = datetime.now(UTC)
    weights = [30, 15, 10, 8, 8, 6, 6, 4, 2, 2, 2, *([0.5] * 14)]
    country_of = rng.choices(COUNTRIES, weights, k=args.people)
    copy(
        "registry_person",
        ("created_at", "updated_at", "display_name", "residence_country_id", "residence_city", "gender",
         "birth_year", "email", "phone", "expertise", "orcid", "heritage", "registered_by_id"),
        ((now, now, f"Person {n}", country_of[n], "", "", 1980, "", "", "[]", "", "", organizations[n % 200].pk)
         for n in range(args.people)),
    )  # fmt: skip
    first = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    assert first is not None
    log(f"{args.people} people in {time.perf_counter() - started:.1f} s")
    venues = Venue.objects.bulk_create(
        Venue(name=f"Hall {code}", city="City", country=countries[code], time_zone="UTC") for code in COUNTRIES[:15]
    )
    events = Event.objects.bulk_create(
        Event(slug=f"event-{n}", title={"en": f"Event {n}"}, kind="forum", status="published",
              organizer=organizations[n % 200], venue=venues[n % 15], starts_at=now - timedelta(days=n % 300),
              ends_at=now - timedelta(days=n % 300) + timedelta(hours=4))
        for n in range(args.events)
    )  # fmt: skip
    per_event = max(1, args.registrations // len(events))

    def registrations() -> Any:
        number = 0
        for event in events:
            for offset in rng.sample(range(args.people), per_event):
                number += 1
                yield (now, now, event.pk, first + offset, "confirmed", f"B{number:09d}", "{}", "en", now)

    written = copy(
        "events_registration",
        ("created_at", "updated_at", "event_id", "person_id", "status", "code", "answers", "language", "confirmed_at"),
        registrations(),
    )
    log(f"{len(events)} events, {written} registrations in {time.perf_counter() - started:.1f} s")
    demo = Path(__file__).resolve().parent.parent / "tamyr" / "demo" / "estimates.yaml"
    netfiles.load([(demo.name, demo.read_text(encoding="utf-8"))], acting_user=SYSTEM)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_map"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "tamyr.settings.base", "DATABASE_URL": args.database_url,
                       "TAMYR_VAR_DIR": tempfile.mkdtemp(prefix="tamyr-bench-map-"), "TAMYR_LOG_LEVEL": "WARNING",
                       "TAMYR_EMAIL": "memory"})  # fmt: skip
    os.environ.pop("REDIS_URL", None)
    create_database(args.database_url)
    try:
        import django

        django.setup()
        from django.core.cache import cache
        from django.test import Client

        rng = random.Random(2026)
        registrations = populate(args, rng)
        log(f"load average before the measurements: {load_average()}")
        client = Client(HTTP_ACCEPT_LANGUAGE="kk")

        def timed(path: str, *, cold: bool) -> tuple[float, int]:
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            return elapsed, len(response.content)

        page = "/analytics/map/?origin=KZ"
        cold = statistics.median(timed(page, cold=True)[0] for _ in range(3))
        network_cold = statistics.median(timed(page + "&network=bench-network", cold=True)[0] for _ in range(3))
        timed(page, cold=False)
        warm = sorted(timed(page, cold=False)[0] for _ in range(args.requests))
        p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
        body = client.get(page).content.decode()
        svg = body[body.index('<svg class="diaspora-map"') : body.index("</svg>", body.index("diaspora-map")) + 6]
        print(json.dumps({"people": args.people, "registrations": registrations, "map_cold_ms": round(cold, 1),
                          "map_p95_ms": round(p95, 1), "map_network_cold_ms": round(network_cold, 1),
                          "svg_bytes": len(svg.encode()), "load_average": load_average()}))  # fmt: skip
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
