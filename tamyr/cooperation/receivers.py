"""What the plan does when other apps' data change: enqueue the recomputation of the indicators that count it.

Receivers run after the other app's commit and only enqueue: a registration's request pays for one round trip to
the task queue's storage, never for a count (docs/decisions/0017, 0022). While a recount of the event (or course)
is waiting in the queue, further changes enqueue nothing more: the waiting task, when it starts, clears the mark
and then counts, so it sees every change committed before that. A thousand registrations in a burst make one or
a few tasks, not a thousand."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def on_registrations_changed(sender: Any, *, event_id: int, changed_at: datetime, **kwargs: Any) -> None:
    from tamyr.cooperation import tasks

    if tasks.mark_pending(tasks.event_key(event_id)):
        tasks.recompute_for_event(event_id, changed_at)


def on_completions_changed(sender: Any, *, course_id: int, changed_at: datetime, **kwargs: Any) -> None:
    from tamyr.cooperation import tasks

    if tasks.mark_pending(tasks.course_key(course_id)):
        tasks.recompute_for_course(course_id, changed_at)
