"""Background recomputation of computed indicators (docs/decisions/0017-indicator-recomputation.md, 0022).

One recount per event (or course) waits in the queue at a time: the receiver marks the event pending in the
queue's own key-value storage (Redis, or the SQLite file: shared by the web processes and the worker) and enqueues
only when it set the mark. The task clears the mark *before* it counts, so a change committed after the clearing
enqueues a new task, and every change committed before it is in the count. A mark older than `STALE_SECONDS`
(its task lost with a killed worker, or the queue down when it was enqueued) no longer holds changes back."""

from __future__ import annotations

import time
from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from tamyr.cooperation.models import PlanImport
from tamyr.core import jobs

#: A pending mark this old is taken as lost: the next change enqueues again.
STALE_SECONDS = 300


def event_key(event_id: int) -> str:
    return f"cooperation.recount.event.{event_id}"


def course_key(course_id: int) -> str:
    return f"cooperation.recount.course.{course_id}"


def mark_pending(key: str) -> bool:
    """True when the caller should enqueue: no recount of this key is waiting (or the one waiting is stale)."""
    now = time.time()
    if HUEY.put_if_empty(key, now):
        return True
    marked = HUEY.get(key, peek=True)
    if marked is None or now - float(marked) > STALE_SECONDS:
        HUEY.put(key, now)
        return True
    return False


def _clear(key: str) -> datetime:
    """Clear the mark; every change committed before the returned moment is seen by a count that starts after."""
    HUEY.delete(key)
    return timezone.now()


def wide_key(event_id: int) -> str:
    return f"cooperation.recount.wide.{event_id}"


@db_task(retries=3, retry_delay=10)
def recompute_for_event(event_id: int, changed_at: datetime, person_ids: list[int] | None = None) -> None:
    """The indicators of the measures that link the event, at once; those over the whole network's events in a task
    of their own (`recompute_wide_for_event`), so that the first never wait behind the second. With the people
    whose registrations changed, their rows only (one task per change, not coalesced: each carries its people);
    without, a recount (one waiting per event)."""
    from tamyr.cooperation import services

    if person_ids is None:
        changed_at = max(changed_at, _clear(event_key(event_id)))
    services.recompute_for_event(event_id=event_id, changed_at=changed_at, part="linked", person_ids=person_ids)


@db_task(retries=3, retry_delay=10)
def recompute_wide_for_event(event_id: int, changed_at: datetime, person_ids: list[int] | None = None) -> None:
    """The network-wide periods that may count the event. With the people whose registrations changed, their rows
    only (a few queries each; one task per change, not coalesced, since each carries its people); without, a
    recount (one waiting per event, as the linked ones)."""
    from tamyr.cooperation import services

    if person_ids is None:
        changed_at = max(changed_at, _clear(wide_key(event_id)))
    services.recompute_for_event(event_id=event_id, changed_at=changed_at, part="wide", person_ids=person_ids)


@db_task(retries=3, retry_delay=10)
def reconcile_people(person_ids: list[int]) -> None:
    """People merged, a merge undone, a person or a registration deleted: their rows in the network-wide counts."""
    from tamyr.cooperation import services

    services.reconcile_people(person_ids=person_ids)


@db_task(retries=3, retry_delay=10)
def recompute_for_course(course_id: int, changed_at: datetime) -> None:
    from tamyr.cooperation import services

    cleared = _clear(course_key(course_id))
    services.recompute_for_course(course_id=course_id, changed_at=max(changed_at, cleared))


@db_periodic_task(crontab(hour="2", minute="41"))
def recompute_all() -> None:
    """Every night: every computed indicator again, for a change whose task was lost (a worker killed)."""
    from tamyr.cooperation import services

    services.recompute_all()


@db_task()
def run_plan_import(import_id: int) -> None:
    """A plan's measures or reported values from a file (`services_bulk.plan_import_run`)."""
    from tamyr.cooperation import services_bulk

    services_bulk.plan_import_run(import_id=import_id)


def _queue_plan_import(import_id: int, delay: float) -> None:
    if delay > 0:
        run_plan_import.schedule(args=(import_id,), delay=delay)
    else:
        run_plan_import(import_id)


jobs.register(PlanImport, _queue_plan_import)
