"""Resumable jobs (tamyr.core.jobs): the claim, the lease, the checkpoint on stop and the sweeper. The certificate
batch serves as the job model; tests/learning/test_certificate_batches.py stops a real worker in the middle."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from tamyr.core import jobs, worker
from tamyr.learning.models import CertificateBatch
from tests.learning.certificate_fixtures import issuing_course


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, float]]:
    """What the jobs mechanism queues for certificate batches, instead of running it."""
    calls: list[tuple[int, float]] = []
    monkeypatch.setitem(
        jobs._runners, CertificateBatch._meta.label, (CertificateBatch, lambda pk, delay: calls.append((pk, delay)))
    )
    return calls


@pytest.fixture
def stop() -> Any:
    flag = threading.Event()
    worker.watch_stop_flag(flag)
    yield flag
    worker.forget_stop_flag(flag)


def a_job(**fields: Any) -> CertificateBatch:
    return CertificateBatch.objects.create(course=issuing_course(), total=fields.pop("total", 3), **fields)


def expire(job: CertificateBatch) -> None:
    CertificateBatch.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


# --- claim and lease ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claiming_a_waiting_job_leases_it_to_this_worker(settings: Any) -> None:
    settings.TAMYR_JOB_LEASE_SECONDS = 30
    job = a_job()
    lease = jobs.claim(CertificateBatch, job.pk)
    assert lease is not None
    job.refresh_from_db()
    assert job.status == jobs.JobStatus.RUNNING and job.lease_owner == lease.owner and job.attempts == 1
    assert job.lease_expires_at is not None
    assert timedelta(seconds=25) < job.lease_expires_at - timezone.now() <= timedelta(seconds=30)
    assert job.started_at is not None and job.is_running_now


@pytest.mark.django_db
def test_a_job_under_a_live_lease_cannot_be_claimed_again() -> None:
    job = a_job()
    assert jobs.claim(CertificateBatch, job.pk) is not None
    assert jobs.claim(CertificateBatch, job.pk) is None


@pytest.mark.django_db
def test_an_expired_lease_is_taken_over_and_the_old_holder_can_no_longer_write() -> None:
    job = a_job()
    first = jobs.claim(CertificateBatch, job.pk)
    assert first is not None
    expire(job)
    second = jobs.claim(CertificateBatch, job.pk)
    assert second is not None and second.owner != first.owner
    with pytest.raises(jobs.LeaseLost):
        first.renew(done=F("done") + 1)
    assert not first.release() and not first.finish()
    job.refresh_from_db()
    assert job.lease_owner == second.owner and job.done == 0 and job.attempts == 2


@pytest.mark.django_db
def test_finished_failed_and_exhausted_jobs_are_not_claimed() -> None:
    assert jobs.claim(CertificateBatch, a_job(status=jobs.JobStatus.DONE).pk) is None
    assert jobs.claim(CertificateBatch, a_job(status=jobs.JobStatus.FAILED).pk) is None
    assert jobs.claim(CertificateBatch, a_job(attempts=jobs.MAX_ATTEMPTS).pk) is None


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the in-memory SQLite test database is not shared between threads' connections",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as tests/events/test_concurrency.py says why
def test_of_workers_claiming_at_the_same_moment_exactly_one_wins() -> None:
    job = a_job()
    barrier = threading.Barrier(4)
    won: list[bool] = []

    def claim() -> None:
        from django.db import connections

        barrier.wait()
        try:
            won.append(jobs.claim(CertificateBatch, job.pk) is not None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, False, False, True]


# --- running --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_steps_until_nothing_is_left_and_counts_the_progress() -> None:
    job = a_job(total=5)
    left = [2, 2, 1]
    assert jobs.run(CertificateBatch, job.pk, lambda: left.pop(0) if left else 0) == "done"
    job.refresh_from_db()
    assert job.status == jobs.JobStatus.DONE and job.done == 5 and job.lease_owner == "" and job.finished_at


@pytest.mark.django_db
def test_a_stop_request_hands_the_job_back_between_steps_and_queues_it(
    stop: threading.Event, queued: list[tuple[int, float]]
) -> None:
    job = a_job(total=6)
    steps = {"n": 0}

    def step() -> int:
        steps["n"] += 1
        stop.set()  # SIGTERM arrives while the first step runs: it is finished, no second one starts
        return 2

    assert jobs.run(CertificateBatch, job.pk, step) == "stopped"
    job.refresh_from_db()
    assert steps["n"] == 1 and job.done == 2
    assert job.status == jobs.JobStatus.PENDING and job.lease_owner == "" and job.lease_expires_at is None
    assert queued == [(job.pk, 0)]  # resumable at once: the next worker takes it


@pytest.mark.django_db
def test_a_failing_step_fails_the_job_with_its_error_and_keeps_what_was_committed() -> None:
    job = a_job()
    results: list[Any] = [1, OSError("disk full")]

    def step() -> int:
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return int(result)

    assert jobs.run(CertificateBatch, job.pk, step) == "failed"
    job.refresh_from_db()
    assert job.status == jobs.JobStatus.FAILED and job.error == "disk full" and job.done == 1
    assert job.lease_owner == ""


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_stops_before_its_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    job = a_job()
    checks = {"n": 0}

    def stalled_then_taken_over() -> bool:
        checks["n"] += 1
        if checks["n"] == 2:  # after the first step this worker stalled past its lease; another one took the job
            expire(job)
            assert jobs.claim(CertificateBatch, job.pk) is not None
        return False

    monkeypatch.setattr(jobs, "stop_requested", stalled_then_taken_over)
    steps: list[int] = []
    assert jobs.run(CertificateBatch, job.pk, lambda: steps.append(1) or 1) == "lost"
    job.refresh_from_db()
    assert steps == [1] and job.done == 1 and job.status == jobs.JobStatus.RUNNING and job.attempts == 2


@pytest.mark.django_db
def test_an_interrupted_run_in_the_foreground_hands_the_job_back() -> None:
    job = a_job()

    def interrupted() -> int:
        raise KeyboardInterrupt  # Ctrl-C on `tamyr issue_certificates --inline`

    with pytest.raises(KeyboardInterrupt):
        jobs.run(CertificateBatch, job.pk, interrupted)
    job.refresh_from_db()
    assert job.status == jobs.JobStatus.PENDING and job.lease_owner == "" and not job.is_running_now


@pytest.mark.django_db
def test_a_held_job_is_not_run_by_a_second_worker() -> None:
    job = a_job()
    assert jobs.claim(CertificateBatch, job.pk) is not None
    assert jobs.run(CertificateBatch, job.pk, lambda: pytest.fail("ran a held job")) == "not_claimed"


# --- the sweeper ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeper_queues_jobs_whose_lease_expired_and_leaves_live_ones(queued: list[tuple[int, float]]) -> None:
    dead, alive = a_job(), a_job()
    jobs.claim(CertificateBatch, dead.pk)
    jobs.claim(CertificateBatch, alive.pk)
    expire(dead)
    waiting = a_job()  # queued when it was made: left alone
    assert jobs.sweep() == 1
    assert queued == [(dead.pk, 0)]
    assert waiting.pk not in [pk for pk, _ in queued]


@pytest.mark.django_db
def test_the_sweeper_queues_a_pending_job_whose_task_was_lost(queued: list[tuple[int, float]]) -> None:
    stranded = a_job()
    CertificateBatch.objects.filter(pk=stranded.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert jobs.sweep() == 1 and queued == [(stranded.pk, 0)]


@pytest.mark.django_db
def test_at_a_workers_start_every_unfinished_job_is_queued_a_held_one_for_when_its_lease_ends(
    settings: Any, queued: list[tuple[int, float]]
) -> None:
    settings.TAMYR_JOB_LEASE_SECONDS = 60
    waiting, held = a_job(), a_job()
    jobs.claim(CertificateBatch, held.pk)
    a_job(status=jobs.JobStatus.DONE)
    assert jobs.sweep(at_start=True) == 2
    delays = dict(queued)
    assert delays[waiting.pk] == 0 and 55 < delays[held.pk] <= 61


@pytest.mark.django_db
def test_a_job_that_keeps_killing_its_worker_is_given_up(queued: list[tuple[int, float]]) -> None:
    job = a_job()
    jobs.claim(CertificateBatch, job.pk)
    CertificateBatch.objects.filter(pk=job.pk).update(attempts=jobs.MAX_ATTEMPTS)
    expire(job)
    assert jobs.sweep() == 0 and queued == []
    job.refresh_from_db()
    assert job.status == jobs.JobStatus.FAILED and "5 times" in job.error and job.lease_owner == ""


# --- the worker -----------------------------------------------------------------------------------------------


def test_the_workers_consumer_shares_its_stop_flag_with_jobs(tmp_path: Any) -> None:
    queue = worker.SqliteHuey("jobs-test", filename=str(tmp_path / "queue.sqlite3"))
    consumer = queue.create_consumer(workers=1)
    try:
        assert isinstance(consumer, worker.Consumer) and not worker.stop_requested()
        consumer.stop_flag.set()  # what SIGTERM does
        assert worker.stop_requested()
    finally:
        worker.forget_stop_flag(consumer.stop_flag)
    assert not worker.stop_requested()
