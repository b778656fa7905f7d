"""Background work for calls."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

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
