"""Audiences at scale on PostgreSQL: a segment's size and its recipients with their mail language, N people.

Generates N compatriots (default 100,000) in twelve countries, 70 % with an active contact consent, 90 % with an
e-mail address, half with spoken languages, a fifth with an account and its preferred language; 20,000 of them
registered at events of a network's member organizations and 10,000 enrolled in a course. Then times, each the
median of five runs, what the editor's live preview asks (`segment_people(...).count()` and
`recipients(...).count()`) for four segments, and reading every recipient of a five-language campaign with its
`mail_language` (`recipients_with_language`), which is what the delivery engine does when a campaign starts.

Prints one JSON line: {"people", "preview_ms" (the slowest segment's two counts), "recipients",
"recipients_with_language_seconds", "queries_per_preview"}. Progress goes to stderr.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from postgres_db import create_database, default_database_url, drop_database  # bench/, the script's folder

COUNTRIES = ["TR", "RU", "MN", "DE", "KG", "US", "GB", "IR", "FR", "UA", "BE", "BY"]
LANGUAGES = ["kk", "ru", "tr", "en", "hu", "ky", "uz", "az"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def populate(count: int, rng: random.Random) -> dict[str, str]:
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command

    from tamyr.accounts.models import User
    from tamyr.events.models import Event, Registration
    from tamyr.learning.models import Course, CourseGroup, Enrollment
    from tamyr.registry.models import Consent, Network, NetworkMembership, Organization, Person, SpokenLanguage

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    orgs = Organization.objects.bulk_create(
        Organization(slug=f"org-{i}", name={"en": f"Centre {i}"}, kind="cultural_centre", country_id="KZ", city="A")
        for i in range(20)
    )
    network = Network.objects.create(slug="net", name={"en": "Network"})
    NetworkMembership.objects.bulk_create(NetworkMembership(network=network, organization=o) for o in orgs[:5])
    users = User.objects.bulk_create(
        User(username=f"u{i}", preferred_language=rng.choice(LANGUAGES)) for i in range(count // 5)
    )
    people = Person.objects.bulk_create(
        (
            Person(
                display_name=f"Person {i}",
                residence_country_id=rng.choice(COUNTRIES),
                email=f"p{i}@example.org" if rng.random() < 0.9 else "",
                registered_by=orgs[i % 20],
                user=users[i] if i < len(users) else None,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    now = datetime.now(UTC)
    Consent.objects.bulk_create(
        (Consent(person=p, purpose="contact", given_at=now, method="import") for p in people if rng.random() < 0.7),
        batch_size=5000,
    )
    SpokenLanguage.objects.bulk_create(
        (
            SpokenLanguage(person=p, language=language, level=rng.choice(["native", "B2", "A1"]))
            for p in people
            if rng.random() < 0.5
            for language in rng.sample(LANGUAGES, 2)
        ),
        batch_size=5000,
    )
    events = [
        Event.objects.create(slug=f"event-{i}", title={"en": "Forum"}, kind="forum", status="published",
                             organizer=orgs[i], starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=31))
        for i in range(10)
    ]  # fmt: skip
    Registration.objects.bulk_create(
        (
            Registration(event=events[i % 10], person=p, status="confirmed", code=f"R{i:09d}")
            for i, p in enumerate(rng.sample(people, min(20_000, count)))
        ),
        batch_size=5000,
    )
    course = Course.objects.create(slug="kazakh-a1", title={"en": "Kazakh"}, format="live_group", provider=orgs[0])
    group = CourseGroup.objects.create(course=course, name="Group", capacity=None)
    Enrollment.objects.bulk_create(
        (Enrollment(person=p, group=group, status="active") for p in rng.sample(people, min(10_000, count))),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"{count} people generated in {time.perf_counter() - started:.1f} s")
    return {"event": "event-3", "course": "kazakh-a1", "network": "net"}


def median_ms(action: object, runs: int = 5) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_segments"))
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "DATABASE_URL": args.database_url,
            "TAMYR_VAR_DIR": tempfile.mkdtemp(prefix="tamyr-bench-segments-"),
            "TAMYR_LOG_LEVEL": "WARNING",
        }
    )
    create_database(args.database_url)
    try:
        import django

        django.setup()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tamyr.content.models import Campaign, Segment
        from tamyr.content.segments import recipients, recipients_with_language, segment_people
        from tamyr.registry.models import Organization

        keys = populate(args.people, random.Random(2026))
        segments = {
            "countries": {"countries": ["TR", "DE", "HU"]},
            "network_and_language": {"networks": [keys["network"]], "languages": ["kk", "ru"]},
            "organization": {"organizations": ["org-0"]},
            "event_course_country": {"events": [keys["event"]], "courses": [keys["course"]], "countries": ["TR"]},
        }
        preview: dict[str, float] = {}
        for name, rules in segments.items():
            preview[name] = median_ms(lambda rules=rules: (segment_people(rules).count(), recipients(rules).count()))
            log(f"preview {name}: {preview[name]} ms")
        with CaptureQueriesContext(connection) as captured:
            segment_people(segments["organization"]).count()
            recipients(segments["organization"]).count()
        organization = Organization.objects.get(slug="org-0")
        segment = Segment.objects.create(organization=organization, name="All", rules={})
        campaign = Campaign.objects.create(
            organization=organization, segment=segment, name="Five languages", fallback_language="en",
            subject={code: f"Subject {code}" for code in ["kk", "ru", "tr", "en", "hu"]},
        )  # fmt: skip
        started = time.perf_counter()
        rows = 0
        for _row in recipients_with_language(campaign).values_list("pk", "email", "mail_language").iterator(5000):
            rows += 1
        seconds = time.perf_counter() - started
        result = {
            "people": args.people,
            "preview_ms": max(preview.values()),
            "preview_ms_by_segment": preview,
            "queries_per_preview": len(captured.captured_queries),
            "recipients": rows,
            "recipients_with_language_seconds": round(seconds, 2),
        }
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database_url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
