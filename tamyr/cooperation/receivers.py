"""What the plan does when other apps' data change: enqueue the recomputation of the indicators that count it.

Receivers run after the other app's commit and only enqueue: a registration's request never pays for a count
(docs/decisions/0017, 0022). A change whose people are known (every registration change) enqueues two tasks that
reconcile those people's rows in the counts that include the event (docs/decisions/0030, 0036): a few indexed
statements each, so one per change. A change whose people are unknown, and every completion, is coalesced: while a
recount of the event (or course) waits in the queue, further changes enqueue nothing more; the waiting task, when
it starts, clears the mark and then counts, so it sees every change committed before that."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def on_registrations_changed(
    sender: Any, *, event_id: int, changed_at: datetime, person_ids: list[int] | None = None, **kwargs: Any
) -> None:
    """The measures linking the event, then those over the network's events (a task each): the people's rows
    (docs/decisions/0030, 0036), two tasks per change; a recount, one waiting per event, when the people are
    unknown."""
    from tamyr.cooperation import tasks

    if person_ids is not None:
        people = sorted(set(person_ids))
        tasks.recompute_for_event(event_id, changed_at, people)
        tasks.recompute_wide_for_event(event_id, changed_at, people)
        return
    if tasks.mark_pending(tasks.event_key(event_id)):
        tasks.recompute_for_event(event_id, changed_at, None)
    if tasks.mark_pending(tasks.wide_key(event_id)):
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
