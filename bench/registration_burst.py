"""A burst of registrations over HTTP: gunicorn on 127.0.0.1 against PostgreSQL, 2,000 people at once for 500 seats.

PostgreSQL is reached through its Unix socket when it has one on this machine (as docs/deploy.md advises for a
database on the same machine), else over TCP; `--database-url` chooses. The task queue is Redis when it answers.

Creates a fresh PostgreSQL database (dropped at the end), migrates it, makes an event with 500 seats and 2,000
users, each with a person record and a DRF token, and starts gunicorn with the production settings on a free port.
It measures the same server's throughput on the minimal JSON view `/api/v1/hello/` with the same number of client
threads, before and after the burst (the two together give `hello_per_s`), and in between sends one registration
attempt per user (`POST /api/v1/events/{slug}/registrations/` with `Authorization: Token …`) from a pool of client
threads, each keeping its connection open. Confirmed, waitlisted, oversold and duplicate registrations are counted
in the database afterwards.

Prints one JSON line: {"attempts", "confirmed", "waitlisted", "oversold", "duplicates", "errors_5xx",
"registrations_per_s", "hello_per_s", "ratio_to_hello"}. Targets: confirmed = seats, oversold = 0, duplicates = 0,
errors_5xx = 0, ratio_to_hello >= 0.25. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from postgres_db import create_database, default_database_url, drop_database  # bench/, the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[registration_burst] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the database -------------------------------------------------------------------------------------------------


def populate(users: int, seats: int) -> str:
    """Migrate, then one published event and `users` accounts with a person and a token each; returns the slug."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from tamyr.accounts.models import User
    from tamyr.events.models import Event
    from tamyr.registry.models import Country, Organization, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    organizer = Organization.objects.create(
        slug="otandastar", name={"en": "Otandastar Foundation"}, kind="state_diaspora_institution"
    )
    starts = timezone.now() + timedelta(days=30)
    event = Event.objects.create(
        slug="scholars-forum-burst",
        title={"en": "Scholars forum (benchmark)"},
        kind="forum",
        status="published",
        organizer=organizer,
        time_zone="Asia/Almaty",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        capacity=seats,
        waiting_list=True,
    )
    accounts = User.objects.bulk_create(
        User(username=f"burst{number:05d}", email=f"burst{number:05d}@example.org", password="!")
        for number in range(users)
    )
    turkiye = Country.objects.get(code="TR")
    Person.objects.bulk_create(
        Person(display_name=f"Compatriot {user.username}", user=user, email=user.email, residence_country=turkiye)
        for user in accounts
    )
    Token.objects.bulk_create(Token(key=Token.generate_key(), user=user) for user in accounts)
    return event.slug


def settle() -> None:
    """What a database in service has and a freshly filled one lacks: planner statistics and visibility maps
    (VACUUM ANALYZE), and no checkpoint pending from the bulk writes (CHECKPOINT), which would otherwise land in
    the middle of the measurement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def tokens() -> list[str]:
    from rest_framework.authtoken.models import Token

    return list(Token.objects.order_by("user__username").values_list("key", flat=True))


def count(slug: str, seats: int) -> dict[str, int]:
    from django.db.models import Count, Q

    from tamyr.events.models import ACTIVE_STATUSES, Registration, RegistrationStatus

    registrations = Registration.objects.filter(event__slug=slug)
    statuses = Counter(registrations.values_list("status", flat=True))
    per_person = registrations.values("event", "person").annotate(
        rows=Count("id"), active=Count("id", filter=Q(status__in=ACTIVE_STATUSES))
    )
    duplicates = sum(max(0, row["rows"] - 1) for row in per_person) + sum(1 for row in per_person if row["active"] > 1)
    confirmed = statuses[RegistrationStatus.CONFIRMED]
    return {
        "confirmed": confirmed,
        "waitlisted": statuses[RegistrationStatus.WAITLISTED],
        "oversold": max(0, confirmed - seats),
        "duplicates": duplicates,
    }


# --- the server and the client ------------------------------------------------------------------------------------


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def forget_queued_tasks(url: str) -> None:
    """The e-mails the burst queued: no worker runs during the benchmark, and nobody should get them later."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("huey.*tamyr*"):
        client.delete(key)


def start_gunicorn(
    port: int, url: str, var: Path, workers: int, threads: int, redis_url: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tamyr.settings.production",
        "DATABASE_URL": url,
        "TAMYR_SECRET_KEY": secrets.token_urlsafe(50),
        "TAMYR_ALLOWED_HOSTS": "127.0.0.1",
        "TAMYR_SSL_REDIRECT": "false",
        "TAMYR_TASKS_IMMEDIATE": "false",
        "TAMYR_VAR_DIR": str(var),
        "TAMYR_DB_CONN_MAX_AGE": "60",
        "TAMYR_LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        # every client thread is 127.0.0.1: API throttles off, as a deployment that throttles at its proxy
        "TAMYR_API_ANON_RATE": "",
        "TAMYR_API_USER_RATE": "",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "tamyr.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--backlog",
        "4096",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/hello/")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn's master and its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Client:
    """One keep-alive connection per client thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> int:
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    self.local.connection = None
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # a keep-alive connection the server had closed: a request not yet seen, so send it again once
                connection.close()
                self.local.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def busy_seconds() -> float:
    """Processor time the whole machine has spent busy (all processors, every process), from /proc/stat; 0 where
    there is none."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_all(
    client: Client, calls: list[tuple[str, str, bytes | None, dict[str, str]]], concurrency: int
) -> tuple[Counter[int], float]:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def one(call: tuple[str, str, bytes | None, dict[str, str]]) -> None:
        try:
            status = client.request(*call)
        except OSError as error:
            log(f"connection error: {error!r}")
            status = 599
        with lock:
            statuses[status] += 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda _index: client.request("GET", "/api/v1/hello/"), range(concurrency)))  # connect all
        started, busy = time.perf_counter(), busy_seconds()
        list(pool.map(one, calls))
        elapsed = time.perf_counter() - started
        busy = busy_seconds() - busy
    if busy:
        capacity = elapsed * (os.cpu_count() or 1)
        log(f"  machine busy {busy:.2f} s of {capacity:.2f} s: {1000 * busy / len(calls):.2f} ms processor a request")
    return statuses, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=default_database_url("tamyr_bench"),
        help="default: PostgreSQL's Unix socket in /var/run/postgresql when there is one (as docs/deploy.md advises "
        "for a database on the same machine), else 127.0.0.1:5432",
    )
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=64, help="client threads (default 64)")
    parser.add_argument(
        "--workers", type=int, default=8, help="gunicorn worker processes (default 8, as docs/deploy.md advises)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--hello-requests", type=int, default=0, help="each side of the burst; default: users")
    parser.add_argument("--keep", action="store_true", help="keep the database and the var directory")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="the task queue and cache, as docs/deploy.md sets them up; 'none' (or Redis not answering) puts the "
        "queue in SQLite, the embedded default",
    )
    args = parser.parse_args()
    redis_url = args.redis_url if args.redis_url != "none" and redis_reachable(args.redis_url) else ""

    var = Path(tempfile.mkdtemp(prefix="tamyr-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",
            "DATABASE_URL": args.database_url,
            "TAMYR_VAR_DIR": str(var),
            "TAMYR_LOG_LEVEL": "WARNING",
        }
    )
    create_database(args.database_url)
    server = None
    try:
        slug = populate(args.users, args.seats)
        keys = tokens()
        settle()
        from django.db import connections

        connections.close_all()  # the server's workers will want every connection they can get
        port = free_port()
        server = start_gunicorn(port, args.database_url, var, args.workers, args.threads, redis_url)
        queue = f"Redis at {redis_url}" if redis_url else "SQLite (no Redis)"
        log(f"database: {args.database_url}")
        log(f"gunicorn on 127.0.0.1:{port} with {args.workers} workers x {args.threads} threads; task queue: {queue}")
        client = Client(port)

        hello_calls: list[tuple[str, str, bytes | None, dict[str, str]]] = [("GET", "/api/v1/hello/", None, {})] * (
            args.hello_requests or args.users
        )
        hello, hello_elapsed = run_all(client, hello_calls, args.concurrency)
        log(f"hello before: {dict(hello)} in {hello_elapsed:.2f} s ({sum(hello.values()) / hello_elapsed:.0f}/s)")

        path = f"/api/v1/events/{slug}/registrations/"
        register_calls = [
            ("POST", path, b"{}", {"Authorization": f"Token {key}", "Content-Type": "application/json"}) for key in keys
        ]
        burst, burst_elapsed = run_all(client, register_calls, args.concurrency)
        log(f"registrations: {dict(burst)} in {burst_elapsed:.2f} s")
        # hello again after the burst: a shared machine's speed drifts, and the mean of both sides is fairer to
        # compare with than either alone
        after, after_elapsed = run_all(client, hello_calls, args.concurrency)
        log(f"hello after: {dict(after)} in {after_elapsed:.2f} s ({sum(after.values()) / after_elapsed:.0f}/s)")
        hello_per_s = (sum(hello.values()) + sum(after.values())) / (hello_elapsed + after_elapsed)
        registrations_per_s = len(register_calls) / burst_elapsed
        result: dict[str, Any] = {
            "attempts": len(register_calls),
            **count(slug, args.seats),
            "errors_5xx": sum(n for status, n in burst.items() if status >= 500),
            "registrations_per_s": round(registrations_per_s, 1),
            "hello_per_s": round(hello_per_s, 1),
            "ratio_to_hello": round(registrations_per_s / hello_per_s, 3),
        }
        result = {
            key: result[key]
            for key in (
                "attempts",
                "confirmed",
                "waitlisted",
                "oversold",
                "duplicates",
                "errors_5xx",
                "registrations_per_s",
                "hello_per_s",
                "ratio_to_hello",
            )
        }
    finally:
        if server is not None:
            stop(server)
        if redis_url:
            forget_queued_tasks(redis_url)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url)
            shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
