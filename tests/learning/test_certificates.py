"""Issuing certificates: on completion, as a resumable batch job, with the holder named as they consented; the PDF;
revocation."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tamyr.core import jobs
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tamyr.learning import certificates, services
from tamyr.learning.credentials import canonical, keys, openbadges
from tamyr.learning.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchStatus,
    CompletionRule,
    EnrollmentStatus,
)
from tamyr.registry.models import Consent
from tests.factories import PersonFactory, UserFactory, grant, with_totp
from tests.learning.certificate_fixtures import (
    KAZAKH_NAME,
    KAZAKH_TITLE,
    TURKIC_LETTERS,
    completed_enrollment,
    issued_certificate,
    issuing_course,
)
from tests.learning.factories import GroupFactory, LessonFactory

pytestmark = pytest.mark.django_db


def staff_of(course: Any, role: str = "staff", username: str = "course-staff") -> Any:
    user = UserFactory(username=username)
    grant(user, course.provider, role)
    with_totp(user)
    return user


def pdf_text(content: bytes) -> str | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- on completion --------------------------------------------------------------------------------------------


def test_completing_the_course_issues_the_certificate(django_capture_on_commit_callbacks: Any) -> None:
    course = issuing_course()
    CompletionRule.objects.filter(course=course).update(min_attendance_percent=100, requires_final_quiz=False)
    lesson = LessonFactory(course=course)
    group = GroupFactory(course=course, capacity=None)
    teacher = staff_of(course, "staff", "teacher")
    learner = UserFactory(username="learner")
    person = PersonFactory(display_name=KAZAKH_NAME, user=learner)
    enrollment = services.enrollment_create(group=group, person=person, acting_user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_mark(group=group, lesson=lesson, present={enrollment.pk: True}, acting_user=teacher)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.course == course and certificate.issuer == course.provider
    assert certificate.credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert re.fullmatch(r"certificates/\d{4}/[0-9a-f]{32}\.pdf", certificate.pdf.name)  # keyed, not the code
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{12}", certificate.code)


def test_a_course_whose_rule_issues_no_certificate_issues_none() -> None:
    course = issuing_course()
    CompletionRule.objects.filter(course=course).update(issues_certificate=False)
    enrollment = completed_enrollment(course)
    assert certificates.certificate_issue_for_enrollment(enrollment_id=enrollment.pk) is None
    with pytest.raises(DomainError) as error:
        certificates.certificate_issue(enrollment=enrollment, acting_user=None)
    assert error.value.code == "no_certificates"
    assert not Certificate.objects.exists()


def test_an_enrollment_that_is_not_completed_gets_no_certificate() -> None:
    enrollment = completed_enrollment()
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.save(update_fields=["status"])
    assert certificates.certificate_issue_for_enrollment(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()


def test_one_certificate_per_enrollment_even_when_the_task_runs_twice() -> None:
    enrollment = completed_enrollment()
    first = certificates.certificate_issue_for_enrollment(enrollment_id=enrollment.pk)
    second = certificates.certificate_issue_for_enrollment(enrollment_id=enrollment.pk)
    assert first is not None and first == second
    with pytest.raises(DomainError) as error:
        certificates.certificate_issue(enrollment=enrollment, acting_user=None)
    assert error.value.code == "already_issued"
    assert Certificate.objects.count() == 1


def test_issuing_is_audited() -> None:
    certificate = issued_certificate()
    assert AuditEntry.objects.filter(action="learning.certificate_issued", target_id=str(certificate.pk)).exists()


def test_only_the_providers_staff_issue_by_hand() -> None:
    enrollment = completed_enrollment()
    stranger = UserFactory(username="stranger")
    with pytest.raises(NotAllowed):
        certificates.certificate_issue(enrollment=enrollment, acting_user=stranger)
    staff = staff_of(enrollment.group.course)
    assert certificates.certificate_issue(enrollment=enrollment, acting_user=staff).enrollment == enrollment


# --- the holder as they consented -----------------------------------------------------------------------------


def test_with_consent_the_certificate_shows_the_full_name() -> None:
    assert issued_certificate(name=KAZAKH_NAME, consent=True).holder_name == KAZAKH_NAME


def test_without_consent_the_certificate_shows_initials() -> None:
    certificate = issued_certificate(name=KAZAKH_NAME, consent=False)
    assert certificate.holder_name == "Ә. С."
    subject = certificate.credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Ә. С."
    assert KAZAKH_NAME not in str(certificate.credential)


def test_a_withdrawn_consent_counts_as_none() -> None:
    enrollment = completed_enrollment(name="Aigerim Suleimenova", consent=True)
    Consent.objects.filter(person=enrollment.person).update(withdrawn_at=timezone.now())
    certificate = certificates.certificate_issue(enrollment=enrollment, acting_user=None)
    assert certificate.holder_name == "A. S."


def test_initials_of_hyphenated_and_single_names() -> None:
    assert certificates.initials("Anna-Maria Kovács") == "A. K."
    assert certificates.initials("Қасым") == "Қ."
    assert certificates.initials("  ") == "—"


# --- the PDF --------------------------------------------------------------------------------------------------


def test_the_pdf_embeds_the_dejavu_fonts_and_holds_the_kazakh_and_turkic_letters() -> None:
    course = issuing_course()
    certificate = issued_certificate(course, name=f"Şükrü Gənc Öztürk {TURKIC_LETTERS}")
    content = certificate.pdf.read()
    assert content.startswith(b"%PDF")
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans-Bold", content)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans\b", content)
    assert b"/FontFile2" in content
    assert b"Helvetica" not in content  # no font that is not embedded
    text = pdf_text(content)
    if text is not None:  # pypdf is installed: read the words back
        flat = " ".join(text.split())
        assert KAZAKH_TITLE in flat and "Kazakh for beginners" in flat
        assert TURKIC_LETTERS in flat and certificate.code in flat


def test_the_holder_and_the_issuers_staff_download_the_pdf_and_no_one_else(client: Client) -> None:
    holder = UserFactory(username="holder")
    course = issuing_course()
    certificate = certificates.certificate_issue(enrollment=completed_enrollment(course, user=holder), acting_user=None)
    url = reverse("learning:certificate_pdf", kwargs={"code": certificate.code})
    assert url == f"/courses/certificates/{certificate.code}.pdf"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(holder)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(staff_of(course))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="someone-else"))
    assert client.get(url).status_code == 404  # the same answer as for a code that does not exist
    assert client.get(reverse("learning:certificate_pdf", kwargs={"code": "NOSUCHCODE22"})).status_code == 404


# --- the batch job --------------------------------------------------------------------------------------------


def test_the_batch_issues_every_missing_certificate_in_chunks() -> None:
    course = issuing_course()
    already = issued_certificate(course)
    for index, surname in enumerate(["Abaev", "Bekova", "Chen", "Dulat", "Esim"]):
        completed_enrollment(course, name=f"Learner {surname}", consent=index % 2 == 0)
    batch = certificates.certificates_issue_batch(course=course, acting_user=staff_of(course), in_worker=False)
    assert batch.total == 5 and batch.status == CertificateBatchStatus.PENDING
    batch = certificates.certificate_batch_run(batch_id=batch.pk, chunk_size=2)
    assert batch.status == CertificateBatchStatus.DONE
    assert batch.done == batch.total == 5 and batch.percent == 100
    assert batch.started_at and batch.finished_at
    assert Certificate.objects.filter(course=course).count() == 6
    assert Certificate.objects.get(pk=already.pk).code == already.code  # the earlier one is untouched
    assert set(Certificate.objects.filter(course=course).values_list("holder_name", flat=True)) >= {
        "Learner Abaev",
        "L. B.",
    }


def test_a_crashed_batch_keeps_its_committed_chunks_and_a_new_run_finishes(monkeypatch: Any) -> None:
    course = issuing_course()
    for index in range(7):
        completed_enrollment(course, name=f"Learner {index}")
    real_pdf = certificates.certificate_pdf
    calls = {"n": 0}

    def flaky_pdf(content: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real_pdf(content)

    monkeypatch.setattr(certificates, "certificate_pdf", flaky_pdf)
    batch = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    batch = certificates.certificate_batch_run(batch_id=batch.pk, chunk_size=2)
    assert batch.status == CertificateBatchStatus.FAILED and "disk full" in batch.error
    assert batch.done == 4 and Certificate.objects.filter(course=course).count() == 4  # two chunks committed

    again = certificates.certificates_issue_batch(course=course, acting_user=None, in_worker=False)
    assert again.total == 3
    again = certificates.certificate_batch_run(batch_id=again.pk, chunk_size=2)
    assert again.status == CertificateBatchStatus.DONE and again.done == 3
    assert Certificate.objects.filter(course=course).count() == 7
    assert not certificates.eligible_enrollments(course).exists()


def test_the_batch_needs_the_permission_and_a_rule_that_issues() -> None:
    course = issuing_course()
    with pytest.raises(NotAllowed):
        certificates.certificates_issue_batch(course=course, acting_user=UserFactory(username="nobody"))
    CompletionRule.objects.filter(course=course).update(issues_certificate=False)
    with pytest.raises(DomainError):
        certificates.certificates_issue_batch(course=course, acting_user=staff_of(course))


def test_the_batch_runs_in_the_task_worker(django_capture_on_commit_callbacks: Any) -> None:
    course = issuing_course()
    completed_enrollment(course)
    with django_capture_on_commit_callbacks(execute=True):  # the test settings run tasks inline
        batch = certificates.certificates_issue_batch(course=course, acting_user=staff_of(course))
    batch.refresh_from_db()
    assert batch.status == CertificateBatchStatus.DONE and batch.done == 1


def test_the_issue_certificates_command_runs_the_batch(capsys: Any) -> None:
    course = issuing_course()
    completed_enrollment(course)
    completed_enrollment(course, name="Second Learner")
    call_command("issue_certificates", "--course", course.slug, "--inline")
    assert "2 of 2 issued" in capsys.readouterr().out
    assert Certificate.objects.filter(course=course).count() == 2
    with pytest.raises(CommandError):
        call_command("issue_certificates", "--course", "no-such-course")


def test_the_batch_page_starts_the_job_and_polls_its_progress(client: Client, monkeypatch: Any) -> None:
    course = issuing_course()
    completed_enrollment(course)
    url = reverse("learning:certificate_batch", kwargs={"slug": course.slug})
    assert url == f"/courses/{course.slug}/certificates/batch/"
    client.force_login(UserFactory(username="outsider"))
    assert client.get(url).status_code == 403
    client.force_login(staff_of(course))
    page = client.get(url)
    assert page.status_code == 200 and b"Issue the missing certificates" in page.content
    monkeypatch.setattr("tamyr.learning.tasks.run_certificate_batch", lambda batch_id: None)  # stays pending
    response = client.post(url)
    assert response.status_code == 302
    batch = CertificateBatch.objects.get(course=course)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 2s"' in text
    assert '<progress id="batch-bar" max="1" value="0">' in text
    assert re.search(r"<button type=\"submit\">", text)  # waiting: may be queued again (a lost task)
    lease = jobs.claim(CertificateBatch, batch.pk)
    text = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r"<button type=\"submit\" disabled>", text)  # no second run while a worker holds it
    assert lease is not None and lease.release()
    certificates.certificate_batch_run(batch_id=batch.pk)
    text = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in text  # finished: the polling stops
    assert '<progress id="batch-bar" max="1" value="1">' in text


# --- revoking -------------------------------------------------------------------------------------------------


def test_revoking_needs_the_issuers_admin_and_a_reason_and_is_audited() -> None:
    course = issuing_course()
    certificate = issued_certificate(course)
    with pytest.raises(NotAllowed):
        certificates.certificate_revoke(certificate=certificate, reason="x", acting_user=staff_of(course))
    admin = staff_of(course, "admin", "issuer-admin")
    with pytest.raises(DomainError):
        certificates.certificate_revoke(certificate=certificate, reason="  ", acting_user=admin)
    revoked = certificates.certificate_revoke(certificate=certificate, reason="Issued by mistake", acting_user=admin)
    assert revoked.is_revoked and revoked.revocation_reason == "Issued by mistake"
    entry = AuditEntry.objects.get(action="learning.certificate_revoked", target_id=str(certificate.pk))
    assert entry.actor == admin and entry.data == {"reason": "Issued by mistake"}
    with pytest.raises(DomainError) as error:
        certificates.certificate_revoke(certificate=certificate, reason="again", acting_user=admin)
    assert error.value.code == "already_revoked"


def test_the_revoke_page(client: Client) -> None:
    course = issuing_course()
    certificate = issued_certificate(course)
    url = reverse("learning:certificate_revoke", kwargs={"code": certificate.code})
    assert url == f"/courses/certificates/{certificate.code}/revoke/"
    client.force_login(staff_of(course))
    assert client.get(url).status_code == 403
    client.force_login(staff_of(course, "admin", "issuer-admin"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, with the error
    response = client.post(url, {"reason": "Plagiarised final quiz"})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Plagiarised final quiz"


# --- erasure --------------------------------------------------------------------------------------------------


def test_after_erasure_the_certificate_no_longer_names_the_holder_and_still_verifies() -> None:
    from tamyr.learning.credentials.openbadges import verify_credential
    from tamyr.registry.services import person_erase

    certificate = issued_certificate(name=KAZAKH_NAME, consent=True)
    pdf_before = certificate.pdf.read()
    person_erase(person=certificate.person, acting_user=None)  # learning hears `person_erased` and re-issues
    certificate.refresh_from_db()
    assert certificate.holder_name == "—"
    assert KAZAKH_NAME not in json.dumps(certificate.credential, ensure_ascii=False)
    pdf_after = certificate.pdf.read()
    assert pdf_after != pdf_before  # drawn again with the dash
    text = pdf_text(pdf_after)
    assert text is None or KAZAKH_NAME not in text
    assert verify_credential(certificate.credential).verified


def test_erasing_a_person_takes_their_name_off_their_certificates() -> None:
    """The registry sends `person_erased`; learning listens, so the registry never imports learning."""
    from tamyr.registry.services import person_erase

    certificate = issued_certificate()
    name = certificate.holder_name
    person_erase(person=certificate.person, acting_user=None)
    certificate.refresh_from_db()
    assert name not in certificate.holder_name
    assert name not in str(certificate.credential)


# --- credentials signed before control characters were escaped ------------------------------------------------


def test_credentials_signed_over_raw_control_characters_are_signed_again_with_the_same_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    certificate = issued_certificate(issuing_course(description={"en": "Line one\u000bline two"}))
    unsecured = {key: value for key, value in certificate.credential.items() if key != "proof"}
    with monkeypatch.context() as patched:  # sign the way Tamyr did before: pyld's URDNA2015, U+000B written raw
        patched.setattr(canonical, "canonicalize", canonical.legacy_canonicalize)
        patched.setattr(canonical, "fast_canonicalize", lambda document: None)
        patched.setattr(canonical, "pyld_canonicalize", canonical.legacy_canonicalize)
        legacy = openbadges.sign(unsecured, keys.signing_key_for(certificate.issuer), certificate.issued_at)
    Certificate.objects.filter(pk=certificate.pk).update(credential=legacy)
    assert openbadges.verify_credential(legacy).code == "signature_mismatch"  # as every other verifier says

    assert certificates.certificates_resign_control_characters() == 1

    certificate.refresh_from_db()
    assert openbadges.verify_credential(certificate.credential).verified
    assert {key: value for key, value in certificate.credential.items() if key != "proof"} == unsecured
    assert certificates.certificates_resign_control_characters() == 0  # once is enough


def test_a_changed_credential_is_not_signed_again() -> None:
    certificate = issued_certificate(issuing_course(description={"en": "Line one\u000bline two"}))
    changed = copy.deepcopy(certificate.credential)
    changed["name"] = "Something it never was\u000b"
    Certificate.objects.filter(pk=certificate.pk).update(credential=changed)
    assert certificates.certificates_resign_control_characters() == 0
    certificate.refresh_from_db()
    assert certificate.credential == changed
