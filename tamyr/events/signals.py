"""Signals other apps listen to (sent after commit, so a receiver reads what was written)."""

from __future__ import annotations

from django.dispatch import Signal

#: A registration of the event was made, decided, cancelled or promoted. kwargs: event_id, changed_at, and
#: person_ids (the people whose registrations changed; absent when unknown).
registrations_changed = Signal()

#: A person was checked in at an event (sent after commit). kwargs: registration_id. Learning issues the
#: attendance credential.
checked_in = Signal()
