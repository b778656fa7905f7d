"""Resumable jobs: a row per job with its progress and a lease, items that are safe to do twice, a worker that
checkpoints when it is told to stop.

Certificates (and, in turn, imports, mailings and recomputations) run as jobs of this shape:

- The job row (a model inheriting `Job`) holds the status, the progress (`done` of `total`) and the lease: who runs
  the job (`lease_owner`, one token per claim) and until when (`lease_expires_at`).
- `claim()` takes the job with one conditional UPDATE (pending, or running with an expired lease), so two workers
  never run the same job: the database decides who won.
- `run()` does the work step after step. Each step is one transaction that first renews the lease (which also
  locks the job row, so a worker that lost its lease cannot commit a step) and commits the step's items together
  with the progress. Between steps it checks `tamyr.core.worker.stop_requested()`: on SIGTERM the worker finishes
  the step in hand, hands the job back (pending, no lease) and queues it again, so the next worker continues at
  once.
- A worker that is killed (SIGKILL, a power cut) stops renewing its lease; when the lease expires `sweep()` (a
  periodic task every minute, and once whenever a worker starts) queues the job again and the next claim takes
  it over. Steps must therefore be idempotent: a step finds its items by their state (for certificates: completed
  enrollments that still have none), so a step that died uncommitted is simply done again.

The lease lasts `TAMYR_JOB_LEASE_SECONDS` (120 s) from each step's start: a step must take less than that.

A job that cannot be cut into steps (a people import is all or nothing, a dedupe run scores everyone before it
writes) runs as one long step with a `Heartbeat`: its own progress callback renews the lease (a live run never
loses it), raises `LeaseLost` when another worker has taken the job over, and raises `Stopping` on SIGTERM. Such a
job redoes everything when it runs again, so its final transaction renews the lease first (locking the row, as a
step does) and marks the job finished before it commits: the work and "finished" commit together or not at all.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tamyr.core.models import TimeStampedModel
from tamyr.core.worker import stop_requested

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # claims of one job before it is given up (a job that kills its worker must not loop forever)
STRANDED_AFTER = timedelta(minutes=15)  # a pending job untouched this long lost its queued task: queue it again


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped with an error")


ACTIVE = (JobStatus.PENDING, JobStatus.RUNNING)


class Job(TimeStampedModel):
    """A resumable job's row: status, progress and lease. Concrete jobs add what the job is about."""

    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    lease_owner = models.CharField(max_length=80, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    running_statuses: ClassVar[tuple[str, ...]] = (JobStatus.RUNNING,)
    """The statuses of a job a worker holds (a people import says whether it is checking or writing)."""

    class Meta:
        abstract = True

    @classmethod
    def runnable(cls) -> Q:
        """Which pending jobs may be run: all of them, unless the job waits for its user first (an import whose
        columns have not been confirmed)."""
        return Q()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_running_now(self) -> bool:
        """A worker holds the job: running with a lease that has not expired. Otherwise it may be started again."""
        return (
            self.status in self.running_statuses
            and self.lease_expires_at is not None
            and self.lease_expires_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        """The status as the pages show it: a job still marked running whose lease expired (its worker died) is
        waiting for the next worker, which runs it again; it is not running."""
        status = self.status
        if status in self.running_statuses and not self.is_running_now:
            status = JobStatus.PENDING
        field = self._meta.get_field("status")
        assert isinstance(field, models.Field)
        return str(dict(field.flatchoices).get(status, status))

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == JobStatus.DONE else 0)


def lease_duration() -> timedelta:
    return timedelta(seconds=getattr(settings, "TAMYR_JOB_LEASE_SECONDS", 120))


class LeaseLost(Exception):
    """Another worker took the job over (this one's lease expired): stop without committing."""


class Stopping(Exception):
    """The worker was told to stop (SIGTERM): a long step gives up its work uncommitted, the job is handed back."""


@dataclass(frozen=True)
class Lease:
    """One claim of one job. Every write through it is conditional on still holding the job."""

    model: type[Job]
    pk: int
    owner: str

    def _mine(self) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(
            pk=self.pk, status__in=self.model.running_statuses, lease_owner=self.owner
        )

    def renew(self, **fields: Any) -> None:
        """Extend the lease (and write `fields`, e.g. the progress); inside a step's transaction this locks the job
        row until the step commits. Raises `LeaseLost` when another worker has the job."""
        now = timezone.now()
        if not self._mine().update(lease_expires_at=now + lease_duration(), updated_at=now, **fields):
            raise LeaseLost(f"{self.model._meta.label} {self.pk}")

    def release(self) -> bool:
        """Hand the job back, pending and unleased: the checkpoint of a worker that was told to stop."""
        return bool(
            self._mine().update(
                status=JobStatus.PENDING, lease_owner="", lease_expires_at=None, updated_at=timezone.now()
            )
        )

    def finish(self, *, status: str = JobStatus.DONE, **fields: Any) -> bool:
        now = timezone.now()
        return bool(
            self._mine().update(
                status=status, lease_owner="", lease_expires_at=None, finished_at=now, updated_at=now, **fields
            )
        )

    def fail(self, error: str) -> bool:
        now = timezone.now()
        return bool(
            self._mine().update(
                status=JobStatus.FAILED,
                error=error[:2000],
                lease_owner="",
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
            )
        )


def _owner_token() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(6)}"


def claimable(now: Any = None, model: type[Job] | None = None) -> Q:
    """Jobs a worker may take: waiting (and runnable), or running under a lease that expired (its worker died)."""
    now = now or timezone.now()
    running = model.running_statuses if model is not None else (JobStatus.RUNNING,)
    ready = model.runnable() if model is not None else Q()
    return (Q(status=JobStatus.PENDING) & ready) | Q(status__in=running, lease_expires_at__lt=now)


def claim(model: type[Job], pk: int) -> Lease | None:
    """Take the job, or None when it is finished, given up or held by a live worker. One UPDATE decides, so of two
    workers claiming at once exactly one wins."""
    now = timezone.now()
    owner = _owner_token()
    taken = model._default_manager.filter(claimable(now, model), pk=pk, attempts__lt=MAX_ATTEMPTS).update(
        status=JobStatus.RUNNING,
        lease_owner=owner,
        lease_expires_at=now + lease_duration(),
        attempts=models.F("attempts") + 1,
        started_at=Coalesce("started_at", Value(now)),
        updated_at=now,
    )
    return Lease(model, pk, owner) if taken else None


Step = Callable[[], int]


def run(model: type[Job], pk: int, step: Step) -> str:
    """Run the job: claim it, then call `step` (inside a transaction) until it returns 0. `step` does a bounded
    piece of work on items found by their state and returns how many it did; the count is added to `done` in the
    same transaction. Returns what happened: "done", "failed", "stopped" (handed back on shutdown), "lost" (another
    worker took over) or "not_claimed"."""
    lease = claim(model, pk)
    if lease is None:
        return "not_claimed"
    try:
        while True:
            if stop_requested():
                lease.release()
                enqueue(model, pk)
                logger.info("%s %s handed back: the worker is stopping", model._meta.label, pk)
                return "stopped"
            with transaction.atomic():
                lease.renew()  # first: holds the job row, so nobody claims it while this step runs
                count = step()
                if count:
                    lease.renew(done=models.F("done") + count)
            if not count:
                break
        job = model._default_manager.only("done", "total").get(pk=pk)
        lease.finish(total=max(job.total, job.done))
        return "done"
    except LeaseLost:
        logger.warning("%s %s was taken over by another worker", model._meta.label, pk)
        return "lost"
    except (KeyboardInterrupt, SystemExit):
        lease.release()
        raise
    except Exception as error:
        logger.exception("%s %s stopped", model._meta.label, pk)
        lease.fail(str(error) or error.__class__.__name__)
        return "failed"


class Heartbeat:
    """The lease of a job that runs as one long step, kept alive from the step's own progress callback (in the
    step's thread, so it never writes while that thread holds a transaction of its own).

    `beat()` renews the lease when `every` seconds have passed (at most a sixth of the lease), writing `fields` (the
    progress) with it; it raises `LeaseLost` when the job is no longer this worker's and, with `checkpoint=True`,
    `Stopping` when the worker was told to stop. The callback must be called more often than the lease lasts."""

    def __init__(self, lease: Lease, *, every: float | None = None) -> None:
        self.lease = lease
        most = lease_duration().total_seconds() / 6
        self.every = min(every, most) if every is not None else most
        self.last = time.monotonic()

    def beat(self, *, checkpoint: bool = True, force: bool = False, **fields: Any) -> bool:
        """Renew when due (or `force`); returns whether it wrote."""
        if checkpoint and stop_requested():
            raise Stopping
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return False
        self.lease.renew(**fields)
        self.last = now
        return True


def hand_back(lease: Lease) -> None:
    """The checkpoint of a long step stopped by SIGTERM: the job is pending again and queued for the next worker."""
    if lease.release():
        enqueue(lease.model, lease.pk)
        logger.info("%s %s handed back: the worker is stopping", lease.model._meta.label, lease.pk)


# --- queueing and the sweeper ---------------------------------------------------------------------------------

Enqueue = Callable[[int, float], None]
_runners: dict[str, tuple[type[Job], Enqueue]] = {}


def register(model: type[Job], enqueue_job: Enqueue) -> None:
    """How to queue a job of `model`: `enqueue_job(pk, delay_seconds)` (the domain's task, with a delay)."""
    _runners[model._meta.label] = (model, enqueue_job)


def registered() -> list[type[Job]]:
    return [model for model, _ in _runners.values()]


def enqueue(model: type[Job], pk: int, *, delay: float = 0) -> None:
    runner = _runners.get(model._meta.label)
    if runner is None:
        logger.error("No task runs %s jobs; job %s is left pending", model._meta.label, pk)
        return
    runner[1](pk, delay)


def sweep(*, at_start: bool = False) -> int:
    """Queue again the jobs no worker holds: running ones whose lease expired (their worker died), and pending
    ones whose task was lost. At a worker's start every unfinished job is queued (a running one for when its lease
    expires): the worker that held it is usually the one that just restarted. A job claimed `MAX_ATTEMPTS` times
    is given up with a message. Queuing a job twice is harmless: only one claim wins. Returns how many were
    queued."""
    now = timezone.now()
    queued = 0
    for model in registered():
        expired = model._default_manager.filter(status__in=model.running_statuses, lease_expires_at__lt=now)
        exhausted = expired.filter(attempts__gte=MAX_ATTEMPTS)
        for pk in exhausted.values_list("pk", flat=True):
            given_up = model._default_manager.filter(
                pk=pk, status__in=model.running_statuses, lease_expires_at__lt=now
            ).update(
                status=JobStatus.FAILED,
                error=gettext(
                    "The worker stopped %(count)s times while running this job, so it was given up. "
                    "Start it again to continue where it stopped."
                )
                % {"count": MAX_ATTEMPTS},
                lease_owner="",
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
            )
            if given_up:
                logger.error("%s %s given up after %s attempts", model._meta.label, pk, MAX_ATTEMPTS)
        pending = model._default_manager.filter(model.runnable(), status=JobStatus.PENDING)
        if not at_start:
            pending = pending.filter(updated_at__lt=now - STRANDED_AFTER)
        due = list(expired.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
        due += list(pending.values_list("pk", flat=True))
        for pk in due:
            enqueue(model, pk)
        queued += len(due)
        if at_start:
            held = model._default_manager.filter(status__in=model.running_statuses, lease_expires_at__gte=now)
            for pk, expires in held.values_list("pk", "lease_expires_at"):
                enqueue(model, pk, delay=((expires or now) - now).total_seconds() + 1)
                queued += 1
    return queued
