"""Signals other apps listen to (sent after commit, so a receiver reads what was written)."""

from __future__ import annotations

from django.dispatch import Signal

#: An enrollment of the course became completed, or stopped being completed. kwargs: course_id, changed_at.
completions_changed = Signal()
