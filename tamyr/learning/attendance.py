"""Writes for attendance credentials: an Open Badges 3.0 credential for having attended an event, issued by the
event's organizer once the person is checked in (after the check-in commits: `tasks.issue_attendance_credential`),
through the same credential layer as certificates (see `AttendanceCredential`). Issuing twice gives the same
credential, so the task may retry and a check-in undone and done again does not make a second one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tamyr.core import audit
from tamyr.learning.certificates import ERASED_HOLDER, holder_name_for
from tamyr.learning.credentials import keys, openbadges
from tamyr.learning.models import AttendanceCredential, Certificate, certificate_code


def _free_code() -> str:
    """A code no certificate and no attendance credential has: both answer at /verify/<code>/."""
    while True:
        code = certificate_code()
        taken = (
            Certificate.objects.filter(code=code).exists() or AttendanceCredential.objects.filter(code=code).exists()
        )
        if not taken:
            return code


@transaction.atomic
def attendance_credential_issue(*, registration_id: int) -> AttendanceCredential | None:
    """The attendance credential of a checked-in registration: the one it has, or a new one. None when the
    registration is gone, not checked in, or its person was erased."""
    from tamyr.events.models import Registration

    registration = (
        Registration.objects.select_related("person", "event__organizer", "event__venue__country")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.checked_in_at is None or registration.person.is_erased:
        return None
    existing = AttendanceCredential.objects.filter(registration_id=registration_id).first()
    if existing is not None:
        return existing
    event, issuer = registration.event, registration.event.organizer
    signing_key = keys.signing_key_for(issuer)  # locks the issuer: one transaction draws its indexes at a time
    existing = AttendanceCredential.objects.filter(registration_id=registration_id).first()
    if existing is not None:  # another worker issued it while this one waited for the lock
        return existing
    now = timezone.now()
    record = AttendanceCredential(
        code=_free_code(),
        registration=registration,
        person=registration.person,
        event=event,
        issuer=issuer,
        holder_name=holder_name_for(registration.person),
        issued_at=now,
        status_index=openbadges.allocate_status_indexes(openbadges.used_status_indexes(issuer), 1)[0],
    )
    record.credential = openbadges.sign(
        openbadges.build_attendance_credential(record, event=event, issuer=issuer), signing_key, now
    )
    record.save()
    audit.record(None, "learning.attendance_credential_issued", record, registration=registration_id)
    return record


def attendance_credentials_forget_holder(*, person: Any) -> int:
    """After a person is erased: their attendance credentials stay but no longer name them (signed again)."""
    count = 0
    records = AttendanceCredential.objects.select_for_update(of=("self",)).select_related(
        "event__venue__country", "issuer"
    )
    for record in records.filter(person=person).exclude(holder_name=ERASED_HOLDER):
        record.holder_name = ERASED_HOLDER
        record.credential = openbadges.sign(
            openbadges.build_attendance_credential(record, event=record.event, issuer=record.issuer),
            keys.signing_key_for(record.issuer),
            timezone.now(),
        )
        record.save(update_fields=["holder_name", "credential", "updated_at"])
        audit.record(None, "learning.attendance_holder_forgotten", record)
        count += 1
    return count
