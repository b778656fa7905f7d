"""Throughput of the registry's busiest reads, in-process on a throwaway SQLite database.

Prints one JSON line: {"organizations", "people", "directory_per_s", "people_search_per_s", "api_people_search_per_s",
"hello_per_s"}. Use --people N / --organizations N to change the size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="tamyr-bench-")
    os.environ["TAMYR_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamyr.settings.base")
    os.environ["TAMYR_REQUIRE_STAFF_MFA"] = "false"
    # one client sends thousands of requests a minute: API throttles off, as a deployment that throttles at its proxy
    os.environ["TAMYR_API_ANON_RATE"] = os.environ["TAMYR_API_USER_RATE"] = ""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from tamyr.accounts.models import OrganizationRole, User
    from tamyr.names import search_key
    from tamyr.registry.models import Country, NameVariant, Organization, Person

    countries = list(Country.objects.all()[:50])
    orgs = Organization.objects.bulk_create(
        Organization(
            slug=f"org-{i}",
            name={"en": f"Cultural Centre {i}", "kk": f"Мәдени орталық {i}"},
            kind="cultural_centre",
            country=countries[i % len(countries)],
            city="City",
        )
        for i in range(args.organizations)
    )
    given = ["Айгерім", "Нұрлан", "Әсел", "Бауыржан", "Дәурен", "Гүлнар", "Ерлан", "Жанна"]
    family = ["Сәрсенбаева", "Тоқаев", "Омаров", "Қасымова", "Жұмабаев", "Ахметова", "Серікбаев", "Нұрланова"]
    people = Person.objects.bulk_create(
        Person(
            display_name=f"{given[i % 8]} {family[(i // 8) % 8]} {i}",
            registered_by=orgs[i % len(orgs)],
            residence_country=countries[i % len(countries)],
            birth_year=1950 + i % 50,
        )
        for i in range(args.people)
    )
    NameVariant.objects.bulk_create(
        NameVariant(person=p, text=p.display_name, script="Cyrl", key=search_key(p.display_name)) for p in people
    )
    user = User.objects.create_superuser("bench", "bench@example.org", "bench-password-1")
    OrganizationRole.objects.create(user=user, organization=orgs[0], role="admin")
    client = Client()
    client.force_login(user)

    def rate(path: str, **headers: str) -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            response = client.get(path, **headers)
            assert response.status_code == 200, (path, response.status_code)
            count += 1
        return round(count / (time.perf_counter() - start), 1)

    result = {
        "organizations": args.organizations,
        "people": args.people,
        "directory_per_s": rate("/organizations/?q=Centre"),
        "people_search_per_s": rate("/people/?q=Tokaev"),
        "api_people_search_per_s": rate("/api/v1/people/?search=Tokayev"),
        "hello_per_s": rate("/api/v1/hello/"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
