"""Background work for calls: e-mails to applicants and referees after each change, never before the commit."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=30)
def notify_application(application_id: int, kind: str) -> None:
    from tamyr.calls.notifications import send_application_email

    send_application_email(application_id, kind)


@db_task(retries=2, retry_delay=30)
def notify_referee(request_id: int) -> None:
    from tamyr.calls.notifications import send_referee_email

    send_referee_email(request_id)
