"""A campaign to 100,000 consenting recipients in five languages, through a local SMTP server, with the Huey worker on
Redis killed (SIGKILL) at about half way and restarted (issue 15, item 9; docs/decisions/0032).

Creates a fresh PostgreSQL database (dropped at the end), 100,000 people with a `contact` consent and an account
preferring one of five languages (bulk, not timed), a campaign with a version in each language, starts aiosmtpd on
127.0.0.1 counting messages by Message-ID, and a `tamyr run_huey` worker (a separate process, the bench's settings,
its own Redis queue). Timed: from `start_campaign` (writing the 100,000 message rows) until the campaign is `sent`.
Prints one JSON line: {"recipients", "seconds", "messages_per_s", "duplicates", "missing", "peak_rss_mb", ...}
(duplicates: Message-IDs the server received more than once; missing: recipients it never received a message for;
peak_rss_mb: the largest peak resident memory of the worker processes).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.postgres_db import create_database, default_database_url, drop_database  # noqa: E402
from tests.smtp_sink import SMTPSink  # noqa: E402

LANGUAGES = ["kk", "ru", "tr", "hu", "en"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def populate(recipients: int) -> int:
    """People, accounts, consents and a campaign, in bulk; returns the campaign's id."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tamyr.accounts.models import User
    from tamyr.content.models import Campaign, Segment
    from tamyr.registry.models import Consent, Country, Organization, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    country = Country.objects.filter(pk="KZ").first() or Country.objects.first()
    organization = Organization.objects.create(
        slug="otandastar", name={"en": "Otandastar Foundation"}, kind="cultural_centre", country=country, city="Astana"
    )
    now = timezone.now()
    chunk = 5000
    started = time.perf_counter()
    for first in range(0, recipients, chunk):
        numbers = range(first, min(first + chunk, recipients))
        users = User.objects.bulk_create(
            [
                User(username=f"reader{n}", email=f"reader{n}@example.org", password="!",
                     preferred_language=LANGUAGES[n % len(LANGUAGES)])
                for n in numbers
            ]
        )  # fmt: skip
        people = Person.objects.bulk_create(
            [
                Person(display_name=f"Reader {n}", email=user.email, user=user, registered_by=organization)
                for n, user in zip(numbers, users, strict=True)
            ]
        )
        Consent.objects.bulk_create(
            [Consent(person=person, purpose="contact", given_at=now, method="import") for person in people]
        )
    log(f"{recipients} people in {time.perf_counter() - started:.1f} s")
    segment = Segment.objects.create(organization=organization, name="Everyone")
    campaign = Campaign.objects.create(
        organization=organization,
        segment=segment,
        name="Courses 2027",
        subject={language: f"[{language}] Courses 2027, {{name}}" for language in LANGUAGES},
        body={language: f"[{language}] Dear {{name}},\n\nthe courses of 2027 are open.\n" for language in LANGUAGES},
        fallback_language="en",
        rate_limit=100_000,  # the engine's own speed is measured; tests/content/test_delivery.py checks the limit
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign.pk


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    out = log_path.open("ab")
    command = [sys.executable, "manage.py", "run_huey", "--quiet"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """VmHWM (peak resident set) of a process and its children, in MB: (the largest, their sum); 0 when gone."""
    total = 0.0
    summed = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total = max(total, int(line.split()[1]) / 1024)
                    summed += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total, summed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--database-url", default=default_database_url("tamyr_bench_mailing"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--workers", type=int, default=2, help="Huey workers (TAMYR_WORKERS, default 2)")
    parser.add_argument(
        "--worker-type", default="process", help="process (default: one interpreter each, both cores) or thread"
    )
    parser.add_argument("--batch", type=int, default=200, help="messages per claimed batch (default 200)")
    parser.add_argument("--claim-seconds", type=int, default=60, help="after this long a dead worker's claim lapses")
    parser.add_argument("--no-kill", action="store_true", help="do not kill the worker half way")
    parser.add_argument("--keep", action="store_true", help="keep the database and the var directory")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="tamyr-bench-mailing-"))
    queue = f"bench-mailing-{os.getpid()}"  # the shared Redis: other queues' workers must not take our tasks
    secret = secrets.token_urlsafe(50)
    base_env = {
        "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
        "DATABASE_URL": args.database_url,
        "TAMYR_VAR_DIR": str(var),
        "TAMYR_LOG_LEVEL": "WARNING",
        "TAMYR_SECRET_KEY": secret,
        "REDIS_URL": args.redis_url,
        "TAMYR_TASK_QUEUE": queue,
        "TAMYR_SITE_URL": "https://tamyr.example.org",
        "TAMYR_MAILING_BATCH": str(args.batch),
        "TAMYR_MAILING_CLAIM_SECONDS": str(args.claim_seconds),
        "TAMYR_MAILING_PARALLEL": str(args.workers),
    }
    os.environ.update(base_env)
    create_database(args.database_url)
    worker: subprocess.Popen[bytes] | None = None
    result: dict[str, Any] = {}
    try:
        campaign_id = populate(args.recipients)
        from django.db import connections

        from tamyr.content import delivery
        from tamyr.content.models import Campaign, CampaignStatus, Message, MessageState

        with SMTPSink() as sink:
            env = {
                **os.environ,
                **base_env,
                "TAMYR_EMAIL": "smtp",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(sink.port),
                "TAMYR_WORKERS": str(args.workers),
                "TAMYR_WORKER_TYPE": args.worker_type,
                "TAMYR_DB_CONN_MAX_AGE": "600",
                "PYTHONPATH": str(ROOT),
            }
            log_path = var / "worker.log"
            worker = start_worker(env, log_path)
            time.sleep(3)  # the worker's start-up (Django, Huey) is not what is measured
            peak = 0.0
            peak_sum = 0.0
            kills = 0
            started = time.perf_counter()
            delivery.start_campaign(Campaign.objects.get(pk=campaign_id))
            log(f"message rows written in {time.perf_counter() - started:.1f} s")
            last_report = 0.0
            while True:
                largest, summed = peak_rss_mb(worker.pid)
                peak, peak_sum = max(peak, largest), max(peak_sum, summed)
                status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True)[0]
                if status == CampaignStatus.SENT:
                    break
                received = sink.handler.total()
                if not args.no_kill and kills == 0 and received >= args.recipients // 2:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(10)
                    kills += 1
                    log(f"worker killed at {received} received, {time.perf_counter() - started:.1f} s; restarting")
                    worker = start_worker(env, log_path)
                if time.perf_counter() - last_report > 10:
                    last_report = time.perf_counter()
                    log(f"{time.perf_counter() - started:.0f} s: {received} received; peak RSS {peak:.0f} MB")
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker exited; see {log_path}:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            time.sleep(0.5)  # the server's last answers
            counts = dict(sink.handler.counts)
        expected = list(Message.objects.filter(campaign_id=campaign_id).values_list("message_id", flat=True))
        duplicates = sum(1 for message_id in expected if counts.get(message_id, 0) > 1)
        missing = sum(1 for message_id in expected if counts.get(message_id, 0) == 0)
        missing_rows = [  # what the database says of a message the server never received
            f"{state} handed={handed is not None} {error}".strip()
            for message_id, state, handed, error in Message.objects.filter(campaign_id=campaign_id).values_list(
                "message_id", "state", "handed_at", "error"
            )
            if counts.get(message_id, 0) == 0
        ][:5]
        handed_over = Message.objects.filter(campaign_id=campaign_id, error=delivery.HANDED_OVER_NOTE).count()
        states = dict(
            Message.objects.filter(campaign_id=campaign_id).values_list("state").annotate(n=models_count()).order_by()
        )
        result = {
            "recipients": args.recipients,
            "seconds": round(seconds, 1),
            "messages_per_s": round(args.recipients / seconds, 1),
            "duplicates": duplicates,
            "missing": missing,
            "peak_rss_mb": round(peak, 1),
            "peak_rss_all_workers_mb": round(peak_sum, 1),
            "kills": kills,
            "taken_over_after_hand_over": handed_over,
            "sent": states.get(MessageState.SENT, 0),
            "workers": f"{args.workers} {args.worker_type}",
            "load_average": [round(value, 2) for value in os.getloadavg()],
            "missing_rows": missing_rows,
        }
        connections.close_all()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        forget_queue(args.redis_url, queue)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
            shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(result))


def models_count() -> Any:
    from django.db.models import Count

    return Count("pk")


def forget_queue(url: str, queue: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"huey.*{queue}*"):
            client.delete(key)
    except Exception as error:  # cleaning up must not hide the result
        log(f"could not clean the Redis queue: {error}")


if __name__ == "__main__":
    main()
