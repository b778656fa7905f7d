"""Background work shared by every app."""

from __future__ import annotations

from django.core.mail import EmailMessage
from huey.contrib.djhuey import db_task

from tamyr.core.mail import delivery_connection


@db_task(retries=3, retry_delay=60)
def deliver_email(message: EmailMessage) -> None:
    message.connection = delivery_connection()
    message.send()
