"""Background recomputation of computed indicators (docs/decisions/0017-indicator-recomputation.md)."""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=10)
def recompute_for_event(event_id: int, changed_at: datetime) -> None:
    from tamyr.cooperation import services

    services.recompute_for_event(event_id=event_id, changed_at=changed_at)


@db_task(retries=3, retry_delay=10)
def recompute_for_course(course_id: int, changed_at: datetime) -> None:
    from tamyr.cooperation import services

    services.recompute_for_course(course_id=course_id, changed_at=changed_at)


@db_periodic_task(crontab(hour="2", minute="41"))
def recompute_all() -> None:
    """Every night: every computed indicator again, for a change whose task was lost (a worker killed)."""
    from tamyr.cooperation import services

    services.recompute_all()
