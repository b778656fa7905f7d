"""The certificate batch as a resumable job: restarting one, and a real task worker stopped in the middle of a batch
(SIGTERM, as `systemctl restart` sends, and SIGKILL), after which the next worker finishes it with nothing lost,
duplicated or left over."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tamyr.core import jobs
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.learning import certificates
from tamyr.learning.models import Certificate, CertificateBatch, CertificateBatchStatus, Course
from tests import worker_world
from tests.learning.certificate_fixtures import completed_enrollment, issuing_course


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


class WorkerWorld(worker_world.WorkerWorld):
    def batch(self, pk: int) -> dict[str, Any]:
        """The batch row as the worker left it."""
        return self.row("learning_certificatebatch", pk, ["status", "done", "lease_owner", "attempts"])


worker_test = worker_world.worker_test


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
