"""What the plan does when other apps' data change: enqueue the recomputation of the indicators that count it.

Receivers run after the other app's commit and only enqueue: a registration's request pays for one round trip to
the task queue's storage, never for a count (docs/decisions/0017, 0022). While a recount of the event (or course)
is waiting in the queue, further changes enqueue nothing more: the waiting task, when it starts, clears the mark
and then counts, so it sees every change committed before that. A thousand registrations in a burst make one or
a few tasks, not a thousand."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def on_registrations_changed(
    sender: Any, *, event_id: int, changed_at: datetime, person_ids: list[int] | None = None, **kwargs: Any
) -> None:
    """The measures linking the event: one waiting recount per event. The network-wide counts: the people's rows
    (docs/decisions/0030), a task per change; a recount, one waiting per event, when the people are unknown."""
    from tamyr.cooperation import tasks

    if tasks.mark_pending(tasks.event_key(event_id)):
        tasks.recompute_for_event(event_id, changed_at)
    if person_ids is not None:
        tasks.recompute_wide_for_event(event_id, changed_at, sorted(set(person_ids)))
    elif tasks.mark_pending(tasks.wide_key(event_id)):
        tasks.recompute_wide_for_event(event_id, changed_at, None)


def _reconcile_after_commit(person_ids: list[int]) -> None:
    from django.db import transaction

    from tamyr.cooperation import tasks

    transaction.on_commit(lambda: tasks.reconcile_people(person_ids))


def on_person_merge_saved(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A merge (or its undoing) moved registrations between two people: both people's rows."""
    _reconcile_after_commit([instance.kept_id, instance.merged_id])


def on_person_deleted(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    _reconcile_after_commit([instance.pk])


def on_registration_deleted(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A registration deleted outright (not cancelled: that is a change the events app signals)."""
    _reconcile_after_commit([instance.person_id])


def on_completions_changed(sender: Any, *, course_id: int, changed_at: datetime, **kwargs: Any) -> None:
    from tamyr.cooperation import tasks

    if tasks.mark_pending(tasks.course_key(course_id)):
        tasks.recompute_for_course(course_id, changed_at)
