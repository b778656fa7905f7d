"""The job sweeper: queues again the jobs whose worker died (see `tamyr.core.jobs`).

It runs every minute and once whenever a worker starts (`tamyr.core.worker.Consumer` queues it first thing), so a
job stranded by a killed worker continues as soon as its lease expires and a worker is up.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tamyr.core import jobs


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> None:
    jobs.sweep()


@db_task()
def sweep_jobs_at_start() -> None:
    jobs.sweep(at_start=True)
