"""Background work for calls: e-mails to applicants and referees after each change, never before the commit."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=2, retry_delay=30)
def notify_application(application_id: int, kind: str) -> None:
    from tamyr.calls.notifications import send_application_email

    send_application_email(application_id, kind)


@db_task(retries=2, retry_delay=30)
def notify_referee(request_id: int) -> None:
    from tamyr.calls.notifications import send_referee_email

    send_referee_email(request_id)


# --- review and selection ---


@db_periodic_task(crontab(hour="7", minute="5"))
def remind_reviewers() -> None:
    """Every morning: reviewers with reviews pending in a phase that closes within three days get one e-mail."""
    from tamyr.calls.review import reviewers_remind

    reviewers_remind()


@db_periodic_task(crontab(minute="*/15"))
def expire_offers() -> None:
    """Every quarter hour: offers not answered in time expire and the next reserve of each group is offered the
    place at once."""
    from tamyr.calls.selection import offers_expire

    offers_expire()
