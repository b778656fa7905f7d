"""The mailing's tasks: sending batches, starting scheduled campaigns, and taking over after a dead worker.

Sending is a chain: each task sends one batch and queues the next while messages are left, so a worker never holds a
task for long and a stop (SIGTERM) loses nothing. A killed worker takes its task with it (Huey does not hand a
running task back), so `resume_sending` queues the chain again: every minute for campaigns nobody has claimed a
message of for a claim timeout, and at once for every sending campaign when a worker starts.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from tamyr.content import delivery


@db_task()
def send_campaign_batch(campaign_id: int) -> None:
    result = delivery.send_batch(campaign_id)
    if result.stopped:
        return
    if result.claimed:
        if result.errors and not result.sent:  # the mail server refuses everything for now: wait a little
            send_campaign_batch.schedule((campaign_id,), delay=30)
        else:
            send_campaign_batch(campaign_id)
        return
    # Nothing to claim now: the campaign is finished, or the rest is claimed by live workers (their chains finish
    # it) or waiting for a retry or a stale claim (the periodic `resume_sending` queues a chain then).
    delivery.finish_if_done(campaign_id)


@db_periodic_task(crontab(minute="*"))
def start_scheduled_campaigns() -> None:
    delivery.start_due_campaigns()


@db_periodic_task(crontab(minute="*"))
def resume_sending() -> None:
    delivery.resume_stalled()


@db_task()
def resume_sending_at_start() -> None:
    delivery.resume_stalled(at_start=True)


@on_startup("tamyr.content.resume_sending_at_start")
def _queue_resume_at_start() -> None:
    """Each worker thread calls this as it starts: it only queues the task (no database in a start-up hook)."""
    resume_sending_at_start()
