"""Background work for events: e-mails to participants after each change of their registration."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=30)
def notify_registration(registration_id: int, kind: str) -> None:
    from tamyr.events.notifications import send_registration_email

    send_registration_email(registration_id, kind)
