"""Background work of the registry: people imports and duplicate detection, started from staff pages."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

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
