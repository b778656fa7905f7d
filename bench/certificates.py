"""Certificates at scale: issue 10,000 (PDF and signed Open Badges 3.0 credential each) through the real batch job,
then verify every credential, on a throwaway SQLite database.

Makes one organization, one Kazakh course whose rule issues certificates, and 10,000 learners with completed
enrollments (bulk_create; half consent to show their name). Issuing runs `certificates_issue_batch` exactly as the
staff page does, with the task queue in immediate mode so the Huey task runs in this process: chunks of 100, each
in its own transaction with the PDFs written to the private files folder. Verifying runs `verify_credential` (signature,
issuer key, revocation in the database) on every stored credential, spread over a process per core.

Prints one JSON line: {"certificates", "issue_seconds", "issued_per_s", "verified_per_s", "processes",
"pdf_accelerator"}. Targets on a 2-core machine: issued_per_s >= 50, verified_per_s >= 1000. Progress goes to
stderr. Options: --certificates N, --processes N.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def log(message: str) -> None:
    print(f"[certificates] {message}", file=sys.stderr, flush=True)


def setup_django(var: str) -> None:
    os.environ["TAMYR_VAR_DIR"] = var
    os.environ["TAMYR_MEDIA_ROOT"] = os.path.join(var, "media")
    os.environ["TAMYR_PRIVATE_ROOT"] = os.path.join(var, "private")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tamyr.settings.base"
    os.environ["TAMYR_TASKS_IMMEDIATE"] = "true"
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite database under `var`
    import django

    django.setup()


def populate(count: int) -> Any:
    from django.utils import timezone

    from tamyr.learning.models import CompletionRule, Course, CourseGroup, Enrollment, EnrollmentStatus
    from tamyr.registry.models import Consent, Country, Organization, Person

    kazakhstan = Country.objects.get(code="KZ")
    organization = Organization.objects.create(
        slug="otandastar", name={"en": "Otandastar Foundation", "kk": "Otandastar қоры"}, kind="state_institution",
        country=kazakhstan, city="Astana",
    )  # fmt: skip
    course = Course.objects.create(
        slug="kazakh-a1", title={"en": "Kazakh for beginners", "kk": "Бастауыштарға арналған қазақ тілі"},
        language="kk", level="A1", format="live_group", provider=organization, is_published=True,
    )  # fmt: skip
    CompletionRule.objects.create(course=course, min_attendance_percent=80, requires_final_quiz=True)
    group = CourseGroup.objects.create(course=course, name="Online group 1")
    given = ["Айгерім", "Нұрлан", "Әсел", "Бауыржан", "Şükrü", "Gülnar", "Ерлан", "Ayşe"]
    family = ["Сәрсенбаева", "Тоқаев", "Öztürk", "Қасымова", "Gənc", "Ахметова", "Çağlayan", "Нұрланова"]
    people = Person.objects.bulk_create(
        Person(display_name=f"{given[i % 8]} {family[(i // 8) % 8]}", registered_by=organization) for i in range(count)
    )
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(person=person, purpose="public_profile", given_at=now, method="web_form") for person in people[::2]
    )
    Enrollment.objects.bulk_create(
        Enrollment(person=person, group=group, status=EnrollmentStatus.COMPLETED, completed_at=now) for person in people
    )
    return course


def _verify_init() -> None:
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection


def _verify_chunk(credentials: list[dict[str, Any]]) -> int:
    from tamyr.learning.credentials.openbadges import verify_credential

    return sum(1 for credential in credentials if verify_credential(credential).verified)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="tamyr-bench-certificates-")
    try:
        setup_django(var)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from tamyr.learning.certificates import certificates_issue_batch
        from tamyr.learning.models import Certificate, CertificateBatch

        log(f"creating {args.certificates} completed enrollments in {var}")
        course = populate(args.certificates)

        log("issuing through the batch job")
        started = time.perf_counter()
        batch = certificates_issue_batch(course=course, acting_user=None)  # the task runs on commit, here
        issue_seconds = time.perf_counter() - started
        batch = CertificateBatch.objects.get(pk=batch.pk)
        if batch.status != "done" or batch.done != args.certificates:
            raise SystemExit(f"the batch did not finish: {batch.status}, {batch.done} done, {batch.error}")
        pdfs = sum(1 for _path in Path(var, "private", "certificates").rglob("*.pdf"))
        log(f"issued {batch.done} certificates ({pdfs} PDF files) in {issue_seconds:.1f} s")

        credentials = list(Certificate.objects.order_by("pk").values_list("credential", flat=True))
        size = max(1, len(credentials) // (args.processes * 8))
        chunks = [credentials[start : start + size] for start in range(0, len(credentials), size)]
        from django.db import connections

        connections.close_all()
        log(f"verifying {len(credentials)} credentials in {args.processes} processes")
        started = time.perf_counter()
        if args.processes > 1:
            context = multiprocessing.get_context("fork")
            with context.Pool(args.processes, initializer=_verify_init) as pool:
                verified = sum(pool.map(_verify_chunk, chunks))
        else:
            verified = _verify_chunk(credentials)
        verify_seconds = time.perf_counter() - started
        if verified != len(credentials):
            raise SystemExit(f"only {verified} of {len(credentials)} credentials verified")
        log(f"verified {verified} in {verify_seconds:.2f} s")

        try:
            import _rl_accel  # noqa: F401

            accelerator = True
        except ImportError:
            accelerator = False
        print(
            json.dumps(
                {
                    "certificates": batch.done,
                    "issue_seconds": round(issue_seconds, 2),
                    "issued_per_s": round(batch.done / issue_seconds, 1),
                    "verified_per_s": round(verified / verify_seconds, 1),
                    "processes": args.processes,
                    "pdf_accelerator": accelerator,
                }
            )
        )
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
