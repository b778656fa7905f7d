"""What the plan does when other apps' data change: enqueue the recomputation of the indicators that count it.

Receivers run after the other app's commit; they only enqueue (a registration's request pays for one enqueue, not
for a count), and the task recomputes only the periods that may count the changed event or course."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def on_registrations_changed(sender: Any, *, event_id: int, changed_at: datetime, **kwargs: Any) -> None:
    from tamyr.cooperation.tasks import recompute_for_event

    recompute_for_event(event_id, changed_at)


def on_completions_changed(sender: Any, *, course_id: int, changed_at: datetime, **kwargs: Any) -> None:
    from tamyr.cooperation.tasks import recompute_for_course

    recompute_for_course(course_id, changed_at)
