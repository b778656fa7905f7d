"""Signals other apps listen to, so the registry never imports them (arrows point one way)."""

from django.dispatch import Signal

#: Sent inside `person_erase`'s transaction after the person is anonymized (`person=`); receivers anonymize
#: what their app holds (e.g. names on certificates). A receiver that raises rolls the erasure back.
person_erased = Signal()
