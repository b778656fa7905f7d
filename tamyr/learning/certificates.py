"""Writes for certificates: issue one (on completion), issue a course's missing ones as a batch job, revoke one.

A certificate is made complete in one go: the row, the signed Open Badges 3.0 credential and the PDF. The batch job
is a resumable job (`tamyr.core.jobs`): it works in chunks, each in its own transaction and counted in its
`CertificateBatch` row, so a worker that dies loses at most the chunk in flight, and the next run (after a
SIGTERM at once, after a kill when the lease expires) picks up the completed enrollments that still have no
certificate. A PDF is stored under a name that follows from its enrollment (keyed with the secret key, so nobody
can guess it): a chunk that died after writing some PDFs but before committing leaves files that the next attempt
writes over, not orphans beside them.

The holder's name is shown as they consented: their display name with an active "public profile" consent,
their initials ("A. S.") without one. A certificate is issued only when the course's completion rule says so, and
only one per enrollment (the database enforces it too).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit, jobs
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.i18n import translate
from tamyr.learning.credentials import canonical, keys, openbadges, signing
from tamyr.learning.models import (
    Certificate,
    CertificateBatch,
    CompletionRule,
    Course,
    Enrollment,
    EnrollmentStatus,
)
from tamyr.learning.pdf import CertificateContent, certificate_pdf
from tamyr.registry.models import Organization, Person
from tamyr.registry.selectors import initials, people_showing_their_name

logger = logging.getLogger(__name__)

CHUNK_SIZE = 100  # certificates per transaction of the batch: about 1 s, well inside the job's lease
ORPHANS_OLDER_THAN = timedelta(days=1)

# Sent after commit; analytics and notifications react to these without learning importing them.
certificates_issued = Signal()  # kwargs: certificate_ids
certificate_revoked = Signal()  # kwargs: certificate_id


# --- the holder as they consented -----------------------------------------------------------------------------


ERASED_HOLDER = "—"


def holder_name_for(person: Person, *, consented: bool | None = None) -> str:
    if person.is_erased:
        return ERASED_HOLDER
    if consented is None:
        consented = person.pk in people_showing_their_name([person.pk])
    return person.display_name if consented else initials(person.display_name)


# --- issuing --------------------------------------------------------------------------------------------------


def eligible_enrollments(course: Course) -> QuerySet[Enrollment]:
    """Completed enrollments of the course that have no certificate yet (the erased keep none)."""
    return Enrollment.objects.filter(
        group__course=course,
        status=EnrollmentStatus.COMPLETED,
        certificate__isnull=True,
        person__erased_at__isnull=True,
    )


def _rule_issuing(course: Course) -> CompletionRule:
    rule = CompletionRule.objects.filter(course=course).first()
    if rule is None or not rule.issues_certificate:
        raise DomainError(_("This course does not issue certificates."), code="no_certificates")
    return rule


def _format_label(course: Course) -> str:
    with translation.override("en"):
        english = str(course.get_format_display())
    with translation.override(course.language):
        native = str(course.get_format_display())
    return english if native == english else f"{native} · {english}"


def _pdf_content(certificate: Certificate, course: Course, issuer: Organization) -> CertificateContent:
    title = course.title if isinstance(course.title, dict) else {}
    return CertificateContent(
        code=certificate.code,
        holder_name=certificate.holder_name,
        course_title=title.get(course.language) or translate(course.title, "en") or course.slug,
        course_title_en=translate(course.title, "en") or course.slug,
        course_language=course.language,
        level=course.level,
        format_label=_format_label(course),
        issuer_name=issuer.display_name,
        issued_at=certificate.issued_at,
        verify_url=openbadges.verify_page_url(certificate.code),
    )


def _render(
    certificate: Certificate,
    *,
    course: Course,
    issuer: Organization,
    rule: CompletionRule | None,
    signing_key: keys.SigningKey,
) -> None:
    """The signed credential and the PDF of a certificate row (not saved)."""
    unsigned = openbadges.build_credential(certificate, course=course, issuer=issuer, rule=rule)
    certificate.credential = openbadges.sign(unsigned, signing_key, timezone.now())
    pdf = certificate_pdf(_pdf_content(certificate, course, issuer))
    storage = certificate.pdf.storage
    name = certificate.pdf.field.generate_filename(certificate, _pdf_name(certificate.enrollment_id))
    previous = certificate.pdf.name
    if not previous:
        # A new certificate: a file under its name can only be an earlier attempt's that never committed (this
        # transaction holds the only certificate row the enrollment may have), so it is written over.
        storage.delete(name)
    certificate.pdf.name = storage.save(name, ContentFile(pdf))
    if previous and previous != certificate.pdf.name:
        transaction.on_commit(lambda: storage.delete(previous))  # the old copy goes only once the new one counts


def _pdf_name(enrollment_id: int) -> str:
    """The PDF's file name: fixed per enrollment so that a retried issue overwrites a dead attempt's file, and
    keyed with the secret key so that nobody can derive it (or the code) from what they know."""
    digest = salted_hmac("tamyr.learning.certificate_pdf", str(enrollment_id), algorithm="sha256").hexdigest()
    return f"{digest[:32]}.pdf"


def _issue(
    enrollments: list[Enrollment],
    *,
    course: Course,
    rule: CompletionRule,
    acting_user: Any,
    issued_at: datetime | None = None,
) -> list[Certificate]:
    """Make the certificates of `enrollments` (inside the caller's transaction): rows first, each with a random
    free index in the issuer's status list, then the signed credentials and the PDFs. They are dated `issued_at`
    (never later than now) when given: a certificate of a course that ended in the past, issued now for records
    brought in afterwards, says when it was earned; the proof still says when it was signed."""
    issuer = course.provider
    signing_key = keys.signing_key_for(issuer)  # locks the issuer: indexes are drawn by one transaction at a time
    consenting = people_showing_their_name(enrollment.person_id for enrollment in enrollments)
    indexes = openbadges.allocate_status_indexes(openbadges.used_status_indexes(issuer), len(enrollments))
    now = min(issued_at, timezone.now()) if issued_at else timezone.now()
    certificates = [
        Certificate(
            enrollment=enrollment,
            person_id=enrollment.person_id,
            course=course,
            issuer=issuer,
            holder_name=holder_name_for(enrollment.person, consented=enrollment.person_id in consenting),
            issued_at=now,
            status_index=index,
        )
        for enrollment, index in zip(enrollments, indexes, strict=True)
    ]
    Certificate.objects.bulk_create(certificates)
    try:
        for certificate in certificates:
            _render(certificate, course=course, issuer=issuer, rule=rule, signing_key=signing_key)
            audit.record(acting_user, "learning.certificate_issued", certificate, enrollment=certificate.enrollment_id)
        Certificate.objects.bulk_update(certificates, ["credential", "pdf"])
    except BaseException:
        # The rows roll back: their files go too (safe: these rows, uncommitted, are the enrollments' only ones).
        for certificate in certificates:
            if certificate.pdf.name:
                certificate.pdf.storage.delete(certificate.pdf.name)
        raise
    ids = [certificate.pk for certificate in certificates]
    transaction.on_commit(lambda: certificates_issued.send(sender=Certificate, certificate_ids=ids))
    return certificates


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment, acting_user: Any, issued_at: datetime | None = None) -> Certificate:
    """Issue the certificate of one completed enrollment. `acting_user` None is the system (the completion task);
    `issued_at`, the day it was earned when that was in the past (see `_issue`)."""
    course = Course.objects.select_related("provider").get(pk=enrollment.group.course_id)
    if acting_user is not None and not permissions.can(acting_user, "learning.issue_certificates", course):
        raise NotAllowed(_("Only the provider's staff can issue this course's certificates."))
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("person").get(pk=enrollment.pk)
    rule = _rule_issuing(course)
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise DomainError(_("Only a completed enrollment earns a certificate."), code="not_completed")
    if enrollment.person.is_erased:
        raise DomainError(_("This person's record was erased."), code="erased")
    if Certificate.objects.filter(enrollment=enrollment).exists():
        raise DomainError(_("This enrollment already has its certificate."), code="already_issued")
    return _issue([enrollment], course=course, rule=rule, acting_user=acting_user, issued_at=issued_at)[0]


def certificate_issue_for_enrollment(*, enrollment_id: int, issued_at: datetime | None = None) -> Certificate | None:
    """The completion task's entry: issue the certificate when the enrollment earned one and has none yet.
    Safe to run twice (the task retries). `issued_at`: as `certificate_issue`."""
    enrollment = Enrollment.objects.select_related("group").filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status != EnrollmentStatus.COMPLETED:
        return None
    rule = CompletionRule.objects.filter(course_id=enrollment.group.course_id).first()
    if rule is None or not rule.issues_certificate:
        return None
    existing = Certificate.objects.filter(enrollment_id=enrollment_id).first()
    if existing is not None:
        return existing
    try:
        return certificate_issue(enrollment=enrollment, acting_user=None, issued_at=issued_at)
    except DomainError as error:
        if error.code == "already_issued":
            return Certificate.objects.filter(enrollment_id=enrollment_id).first()
        if error.code in ("not_completed", "erased", "no_certificates"):
            return None
        raise


# --- the batch job --------------------------------------------------------------------------------------------


@transaction.atomic
def certificates_issue_batch(*, course: Course, acting_user: Any, in_worker: bool = True) -> CertificateBatch:
    """Start the batch job for the course's missing certificates: in the task worker, or (`in_worker=False`) by
    the caller, who then runs `certificate_batch_run`. One batch per course at a time: while a worker holds it
    (its lease is live) it only shows its progress; one that was handed back or whose worker died is continued
    (the same row, its count kept), one that finished or failed is followed by a new one."""
    if acting_user is not None and not permissions.can(acting_user, "learning.issue_certificates", course):
        raise NotAllowed(_("Only the provider's staff can issue this course's certificates."))
    course = Course.objects.select_for_update().get(pk=course.pk)
    _rule_issuing(course)
    missing = eligible_enrollments(course).count()
    batch = course.certificate_batches.filter(status__in=jobs.ACTIVE).first()
    if batch is not None:
        if batch.is_running_now:
            raise DomainError(_("Certificates of this course are being issued already."), code="batch_running")
        batch.total = batch.done + missing
        batch.save(update_fields=["total", "updated_at"])
        audit.record(acting_user, "learning.certificate_batch_resumed", course, batch=batch.pk, total=batch.total)
    else:
        batch = CertificateBatch.objects.create(
            course=course,
            started_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            total=missing,
        )
        audit.record(acting_user, "learning.certificate_batch_started", course, batch=batch.pk, total=batch.total)
    batch_id = batch.pk

    def enqueue() -> None:
        from tamyr.learning.tasks import run_certificate_batch

        run_certificate_batch(batch_id)

    if in_worker:
        transaction.on_commit(enqueue)
    return batch


def certificate_batch_run(*, batch_id: int, chunk_size: int | None = None) -> CertificateBatch:
    """The job: chunk after chunk, each committed with the batch's progress, until no completed enrollment of the
    course lacks its certificate. When the worker is told to stop it finishes the chunk in hand and hands the
    batch back; a failure stops the batch and records why; what was committed stays. Running it for a batch
    that another worker holds, or that is finished, does nothing."""
    batch = CertificateBatch.objects.select_related("course__provider").get(pk=batch_id)
    course = batch.course
    size = chunk_size or CHUNK_SIZE

    def issue_a_chunk() -> int:
        rule = _rule_issuing(course)
        chunk = list(
            eligible_enrollments(course).select_for_update(of=("self",)).select_related("person").order_by("pk")[:size]
        )
        if chunk:
            _issue(chunk, course=course, rule=rule, acting_user=None)
        return len(chunk)

    jobs.run(CertificateBatch, batch_id, issue_a_chunk)
    batch.refresh_from_db()
    return batch


def _stored_files(storage: Storage, folder: str) -> Iterator[str]:
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_files(storage, f"{folder}/{directory}")


def certificate_files_remove_orphans(*, older_than: timedelta = ORPHANS_OLDER_THAN) -> int:
    """Delete certificate PDFs that no certificate references and that are older than `older_than` (younger ones
    may belong to a transaction that has not committed yet). Returns how many."""
    storage = Certificate._meta.get_field("pdf").storage
    folder = "certificates"
    try:
        names = list(_stored_files(storage, folder))
    except FileNotFoundError:
        return 0
    if not names:
        return 0
    referenced = set(Certificate.objects.exclude(pdf="").values_list("pdf", flat=True).iterator(chunk_size=5000))
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        if name not in referenced and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    if removed:
        logger.warning("Removed %s certificate files that no certificate references", removed)
    return removed


# --- erasure ------------------------------------------------------------------------------------------------


@transaction.atomic
def certificates_forget_holder(*, person: Person) -> int:
    """After a person is erased: their certificates stay (counts stay right, verifiers still get an answer) but no
    longer name them. The stored credential and PDF are made again without the name (a credential is signed, so
    its name cannot just be blanked); copies the holder downloaded before keep verifying. Returns how many.

    `registry.services.person_erase` has no hook for other apps yet: call this from there (or from a signal it
    sends) so that erasure reaches certificates."""
    count = 0
    certificates = Certificate.objects.select_for_update().select_related("course__provider", "issuer")
    for certificate in certificates.filter(person=person).exclude(holder_name=ERASED_HOLDER):
        certificate.holder_name = ERASED_HOLDER
        _render(
            certificate,
            course=certificate.course,
            issuer=certificate.issuer,
            rule=CompletionRule.objects.filter(course=certificate.course).first(),
            signing_key=keys.signing_key_for(certificate.issuer),
        )
        certificate.save(update_fields=["holder_name", "credential", "pdf", "updated_at"])
        audit.record(None, "learning.certificate_holder_forgotten", certificate)
        count += 1
    return count


# --- credentials signed before control characters were escaped ------------------------------------------------

_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_raw_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return _RAW_CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_has_raw_control_characters(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_raw_control_characters(item) for item in value)
    return False


def certificates_resign_control_characters(*, acting_user: Any = None) -> int:
    """Sign again the stored credentials that were signed before canonicalization escaped control characters
    (U+000B, which word processors insert for a line break, and the rest of U+0000–U+001F and U+007F): their
    signature covers bytes that no other verifier produces, so every verifier, Tamyr's included, now rejects them.
    Only credentials whose signature holds over the old bytes are signed again, with the same content (code,
    status index, dates, names) and a new proof by the issuer's current key; copies downloaded before stay
    unverifiable, and their holders can download the new one. Returns how many (`tamyr resign_credentials`)."""
    count = 0
    candidates = Certificate.objects.exclude(credential={}).only("pk", "credential")
    for candidate in candidates.iterator(chunk_size=500):
        if not _has_raw_control_characters(candidate.credential):
            continue
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().select_related("issuer").get(pk=candidate.pk)
            try:
                signing.check_proof(
                    certificate.credential,
                    keys.resolve_verification_method,
                    canonicalize=canonical.legacy_canonicalize,
                )
            except signing.ProofError:
                continue  # not what Tamyr signed the old way: left for the verifier to report
            unsecured = {key: value for key, value in certificate.credential.items() if key != "proof"}
            signing_key = keys.signing_key_for(certificate.issuer)
            certificate.credential = openbadges.sign(unsecured, signing_key, timezone.now())
            certificate.save(update_fields=["credential", "updated_at"])
            audit.record(acting_user, "learning.certificate_resigned", certificate)
        count += 1
    return count


# --- revoking -------------------------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, acting_user: Any) -> Certificate:
    """Revoke with a reason. The certificate stays on record (the verification page shows the revocation) and the
    issuer's status list flips its bit."""
    if not permissions.can(acting_user, "learning.revoke_certificate", certificate):
        raise NotAllowed(_("Only the issuing organization's administrators can revoke its certificates."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking this certificate."), field="reason")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise DomainError(_("This certificate is revoked already."), code="already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    audit.record(acting_user, "learning.certificate_revoked", certificate, reason=certificate.revocation_reason)
    certificate_id = certificate.pk
    transaction.on_commit(lambda: certificate_revoked.send(sender=Certificate, certificate_id=certificate_id))
    return certificate
