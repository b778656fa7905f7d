"""Background work of the registry: people imports and duplicate detection, started from staff pages.

Both are resumable jobs (`tamyr.core.jobs`): the sweeper queues them again when their worker died, and a worker
stopped by SIGTERM hands them back and queues them at once."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from tamyr.core import jobs
from tamyr.registry.models import DedupeRun, PersonImport


@db_task()
def run_import_task(import_id: int) -> None:
    from tamyr.registry.imports import person_import_run

    record = PersonImport.objects.filter(pk=import_id).first()
    if record is not None:
        person_import_run(record=record)


@db_task()
def run_dedupe_task(run_id: int) -> None:
    from tamyr.registry.dedupe import run_dedupe

    run = DedupeRun.objects.filter(pk=run_id).select_related("started_by").first()
    if run is not None and not run.is_finished:
        run_dedupe(acting_user=run.started_by, run=run)


def _queue_import(import_id: int, delay: float) -> None:
    if delay > 0:
        run_import_task.schedule(args=(import_id,), delay=delay)
    else:
        run_import_task(import_id)


def _queue_dedupe(run_id: int, delay: float) -> None:
    if delay > 0:
        run_dedupe_task.schedule(args=(run_id,), delay=delay)
    else:
        run_dedupe_task(run_id)


jobs.register(PersonImport, _queue_import)
jobs.register(DedupeRun, _queue_dedupe)
