"""The certificate batch as a resumable job: restarting one, and a real task worker stopped in the middle of a batch
(SIGTERM, as `systemctl restart` sends, and SIGKILL), after which the next worker finishes it with nothing lost,
duplicated or left over."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tamyr.core import jobs
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.learning import certificates
from tamyr.learning.models import Certificate, CertificateBatch, CertificateBatchStatus, Course
from tests.learning.certificate_fixtures import completed_enrollment, issuing_course

ROOT = Path(__file__).resolve().parents[2]


def course_with_learners(count: int) -> Course:
    course = issuing_course()
    for index in range(count):
        completed_enrollment(course, name=f"Learner {index:02d}", consent=False)
    return course


def stored_pdfs() -> set[str]:
    storage = Certificate._meta.get_field("pdf").storage
    try:
        return set(certificates._stored_files(storage, "certificates"))
    except FileNotFoundError:
        return set()


# --- restarting a batch ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_held_by_a_live_worker_is_not_started_twice() -> None:
    course = course_with_learners(1)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert jobs.claim(CertificateBatch, batch.pk) is not None
    with pytest.raises(DomainError) as error:
        certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert error.value.code == "batch_running"


@pytest.mark.django_db
def test_a_batch_whose_worker_died_is_continued_at_once_not_refused() -> None:
    course = course_with_learners(3)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert jobs.claim(CertificateBatch, batch.pk) is not None
    CertificateBatch.objects.filter(pk=batch.pk).update(done=1, lease_expires_at=timezone.now() - timedelta(seconds=1))
    again = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert again.pk == batch.pk and again.total == 4  # the same job, its count kept: one done, three missing
    assert AuditEntry.objects.filter(action="learning.certificate_batch_resumed").count() == 1
    again = certificates.certificate_batch_run(batch_id=again.pk, chunk_size=2)
    assert again.status == CertificateBatchStatus.DONE and again.attempts == 2
    assert Certificate.objects.filter(course=course).count() == 3


@pytest.mark.django_db
def test_a_handed_back_batch_is_continued_by_the_next_run() -> None:
    course = course_with_learners(2)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    lease = jobs.claim(CertificateBatch, batch.pk)
    assert lease is not None and lease.release()
    again = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert again.pk == batch.pk
    assert certificates.certificate_batch_run(batch_id=batch.pk).status == CertificateBatchStatus.DONE


@pytest.mark.django_db
def test_a_failed_chunk_leaves_no_pdf_behind(monkeypatch: Any) -> None:
    course = course_with_learners(3)
    real_pdf = certificates.certificate_pdf
    calls = {"n": 0}

    def flaky_pdf(content: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_pdf(content)

    monkeypatch.setattr(certificates, "certificate_pdf", flaky_pdf)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    batch = certificates.certificate_batch_run(batch_id=batch.pk, chunk_size=3)
    assert batch.status == CertificateBatchStatus.FAILED
    assert not Certificate.objects.exists() and stored_pdfs() == set()  # the two PDFs written went with the rows


@pytest.mark.django_db
def test_issuing_again_after_an_uncommitted_attempt_writes_over_its_pdf() -> None:
    course = course_with_learners(1)
    enrollment = certificates.eligible_enrollments(course).get()
    left_over = Certificate._meta.get_field("pdf").generate_filename(None, certificates._pdf_name(enrollment.pk))
    Certificate._meta.get_field("pdf").storage.save(left_over, certificates.ContentFile(b"half a PDF"))
    certificate = certificates.certificate_issue(enrollment=enrollment, acting_user=None)
    assert certificate.pdf.name == left_over and stored_pdfs() == {left_over}
    assert certificate.pdf.open("rb").read().startswith(b"%PDF")


@pytest.mark.django_db
def test_orphan_pdfs_are_removed_once_old_and_referenced_ones_stay() -> None:
    certificate = certificates.certificate_issue(enrollment=completed_enrollment(issuing_course()), acting_user=None)
    storage = Certificate._meta.get_field("pdf").storage
    orphan = storage.save("certificates/2026/0123456789abcdef0123456789abcdef.pdf", certificates.ContentFile(b"x"))
    assert certificates.certificate_files_remove_orphans() == 0  # young: it may belong to an open transaction
    assert certificates.certificate_files_remove_orphans(older_than=timedelta(0)) == 1
    assert stored_pdfs() == {certificate.pdf.name} and not storage.exists(orphan)


# --- a real worker, stopped in the middle ---------------------------------------------------------------------


class WorkerWorld:
    """The test database shared with `tamyr run_huey` processes (tests/learning/slow_worker.py).

    On PostgreSQL the worker connects to the test database itself (the test runs with committed transactions). On
    SQLite the test database lives in memory, so it is copied to a file for the worker (`share`) and the file is
    copied back before the test looks at the result with the ORM (`collect`)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.workers: list[subprocess.Popen[bytes]] = []
        self.sqlite_file: Path | None = None
        database = connection.settings_dict
        if connection.vendor == "sqlite":
            self.sqlite_file = tmp_path / "worker.sqlite3"
            url = f"sqlite:///{self.sqlite_file}"
        else:
            user, password = quote(database["USER"] or "", safe=""), quote(database.get("PASSWORD") or "", safe="")
            credentials = f"{user}:{password}" if password else user
            host = quote(database["HOST"] or "", safe="")  # a Unix socket's folder, percent-encoded
            url = f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tamyr.settings.base",  # the real worker settings: SIGTERM is graceful
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "TAMYR_TASKS_IMMEDIATE": "false",
            "TAMYR_VAR_DIR": str(tmp_path / "var"),  # its own task queue
            "TAMYR_SECRET_KEY": settings.SECRET_KEY,
            "TAMYR_KEY_ENCRYPTION_KEY": getattr(settings, "TAMYR_KEY_ENCRYPTION_KEY", "")
            or os.environ.get("TAMYR_KEY_ENCRYPTION_KEY", ""),
            "TAMYR_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TAMYR_PRIVATE_ROOT": str(getattr(settings, "PRIVATE_MEDIA_ROOT", tmp_path / "private")),
            "TAMYR_WORKERS": "1",
            "TAMYR_JOB_LEASE_SECONDS": "2",
            "TAMYR_WORKER_SHUTDOWN_TIMEOUT": "20",
            "TAMYR_EMAIL": "console",
            "SLOW_PDF_SECONDS": "0.08",
            "CHUNK_SIZE": "4",
            "PYTHONPATH": str(ROOT),
        }

    def share(self) -> None:
        if self.sqlite_file is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.sqlite_file) as target:
                connection.connection.backup(target)
            target.close()

    def collect(self) -> None:
        if self.sqlite_file is not None:
            source = sqlite3.connect(self.sqlite_file)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()

    def batch(self, pk: int) -> dict[str, Any]:
        """The batch row as the worker left it (read without the ORM: on SQLite it is in the worker's file)."""
        query = "SELECT status, done, lease_owner, attempts FROM learning_certificatebatch WHERE id = "
        if self.sqlite_file is not None:
            source = sqlite3.connect(self.sqlite_file, timeout=20)
            try:
                row = source.execute(query + "?", (pk,)).fetchone()
            finally:
                source.close()
        else:
            with connection.cursor() as cursor:
                cursor.execute(query + "%s", [pk])
                row = cursor.fetchone()
        return dict(zip(["status", "done", "lease_owner", "attempts"], row, strict=True))

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"worker-{len(self.workers)}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.learning.slow_worker"], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        self.workers.append(worker)
        return worker

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                logs = "\n".join(path.read_text()[-3000:] for path in sorted(self.tmp_path.glob("worker-*.log")))
                raise AssertionError(f"timed out; worker logs:\n{logs}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)


# Committed transactions, so that the worker sees the rows; serialized_rollback as tests/events/test_concurrency.py
# says why (a transactional test ends by emptying the tables, migrations' data included).
worker_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[WorkerWorld]:
    shared = WorkerWorld(tmp_path)
    yield shared
    shared.stop_all()


def assert_finished_once_each(course: Course, batch_id: int, total: int) -> None:
    batch = CertificateBatch.objects.get(pk=batch_id)
    assert batch.status == CertificateBatchStatus.DONE and batch.done == batch.total == total
    issued = list(Certificate.objects.filter(course=course))
    assert len(issued) == total and len({certificate.enrollment_id for certificate in issued}) == total
    assert stored_pdfs() == {certificate.pdf.name for certificate in issued}  # one PDF each, nothing else
    assert all(certificate.pdf.open("rb").read(4) == b"%PDF" for certificate in issued)


@worker_test
def test_sigterm_hands_the_batch_back_at_once_and_the_next_worker_finishes_it(world: WorkerWorld) -> None:
    course = course_with_learners(24)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    world.share()
    worker = world.start_worker()  # its start-up sweep queues the waiting batch
    world.wait_for(lambda: world.batch(batch.pk)["done"] >= 8)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    stopped = world.batch(batch.pk)
    assert stopped["status"] == CertificateBatchStatus.PENDING and stopped["lease_owner"] == ""
    assert 8 <= stopped["done"] < 24  # it checkpointed in the middle, not at the end
    world.collect()
    issued = list(Certificate.objects.filter(course=course))
    assert len(issued) == stopped["done"] and stored_pdfs() == {certificate.pdf.name for certificate in issued}

    worker = world.start_worker()
    world.wait_for(lambda: world.batch(batch.pk)["status"] == CertificateBatchStatus.DONE)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    world.collect()
    assert_finished_once_each(course, batch.pk, 24)
    assert CertificateBatch.objects.get(pk=batch.pk).attempts == 2


@worker_test
def test_a_killed_workers_batch_is_taken_over_when_its_lease_expires(world: WorkerWorld) -> None:
    course = course_with_learners(24)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    world.share()
    worker = world.start_worker()
    world.wait_for(lambda: world.batch(batch.pk)["done"] >= 8)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    killed = world.batch(batch.pk)
    assert killed["status"] == CertificateBatchStatus.RUNNING and killed["lease_owner"]  # stranded until the lease
    assert killed["done"] < 24

    worker = world.start_worker()
    world.wait_for(lambda: world.batch(batch.pk)["status"] == CertificateBatchStatus.DONE)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    world.collect()
    assert_finished_once_each(course, batch.pk, 24)
    assert CertificateBatch.objects.get(pk=batch.pk).attempts == 2
