"""Background work of cases."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="47"))
def delete_expired_documents() -> None:
    """Every night: case documents past their type's retention period are deleted."""
    from tamyr.cases.services import documents_delete_expired

    documents_delete_expired()
