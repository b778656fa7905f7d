"""Scheduled refreshes of the dashboards' tables: incremental every quarter of an hour, in full every night (which
also forgets facts of rows deleted outright)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*/15"))
@lock_task("analytics-refresh")
def refresh_analytics() -> None:
    from tamyr.analytics.aggregates import refresh

    refresh()


@db_periodic_task(crontab(hour="3", minute="23"))
@lock_task("analytics-refresh")
def refresh_analytics_fully() -> None:
    from tamyr.analytics.aggregates import refresh

    refresh(full=True)
