"""Background work shared by every app."""

from __future__ import annotations

from django.core.mail import EmailMessage
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tamyr.core.mail import delivery_connection


@db_task(retries=3, retry_delay=60)
def deliver_email(message: EmailMessage) -> None:
    message.connection = delivery_connection()
    message.send()


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_files() -> None:
    """Every night: private files past their retention period are deleted (`tamyr purge_files`)."""
    from tamyr.core import files

    files.purge()
