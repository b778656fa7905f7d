"""Attendance credentials: an Open Badges 3.0 credential for a checked-in registration, issued after the check-in
commits, verifiable as certificates are, with its index in the issuer's one status list. (Every signed credential
is also checked against the 1EdTech schema by the autouse fixture in tests/conftest.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tamyr.events import services as event_services
from tamyr.learning import attendance
from tamyr.learning.credentials import openbadges
from tamyr.learning.models import AttendanceCredential
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def checked_in(org_staff: Any, organization: Any, captured: Any, **event: Any) -> Any:
    registration = RegistrationFactory(event=EventFactory(organizer=organization, **event))
    with captured(execute=True):
        event_services.registration_check_in(event=registration.event, code=registration.code, acting_user=org_staff)
    return registration


def test_checking_in_issues_an_attendance_credential(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    assert AttendanceCredential.objects.filter(registration=registration).count() == 1


def test_a_registration_not_checked_in_gets_no_credential() -> None:
    registration = RegistrationFactory()
    assert attendance.attendance_credential_issue(registration_id=registration.pk) is None
    assert not AttendanceCredential.objects.exists()


def test_issuing_twice_gives_the_same_credential(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    first = AttendanceCredential.objects.get(registration=registration)
    again = attendance.attendance_credential_issue(registration_id=registration.pk)
    assert again is not None and again.pk == first.pk
    assert AttendanceCredential.objects.count() == 1


def test_the_attendance_credential_verifies(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    record = AttendanceCredential.objects.get(registration=registration)
    result = openbadges.verify_credential(record.credential)
    assert result.verified and result.certificate_code == record.code


def test_the_attendance_credential_names_the_event_as_its_achievement(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(
        org_staff, organization, django_capture_on_commit_callbacks, title={"en": "Diaspora Capacity Building"}
    )
    achievement = AttendanceCredential.objects.get(registration=registration).credential["credentialSubject"][
        "achievement"
    ]
    assert achievement["name"] == "Diaspora Capacity Building"
    assert achievement["id"].endswith(registration.event.get_absolute_url())


def test_a_training_programme_is_a_learning_program(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks, kind="training")
    credential = AttendanceCredential.objects.get(registration=registration).credential
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "LearningProgram"


def test_a_forum_uses_the_extension_achievement_type(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks, kind="forum")
    credential = AttendanceCredential.objects.get(registration=registration).credential
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "ext:EventAttendance"


def test_the_credential_is_served_at_the_certificates_api_address(
    client: Client, org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    record = AttendanceCredential.objects.get(registration=registration)
    response = client.get(reverse("certificate-credential", kwargs={"code": record.code}))
    assert response.status_code == 200 and response.json()["id"] == record.credential["id"]


def test_the_verify_page_confirms_the_attendance(
    client: Client, org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(
        org_staff, organization, django_capture_on_commit_callbacks, title={"en": "Scholars Forum"}
    )
    record = AttendanceCredential.objects.get(registration=registration)
    response = client.get(reverse("verify", kwargs={"code": record.code}), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Attendance verification" in content and "Scholars Forum" in content and "verdict-valid" in content


def test_the_attendance_index_comes_from_the_issuers_list_shared_with_certificates(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    record = AttendanceCredential.objects.get(registration=registration)
    status = record.credential["credentialStatus"]
    assert status["statusListCredential"] == openbadges.status_list_url(organization.slug)
    assert record.status_index in openbadges.used_status_indexes(organization)


def test_revoking_an_attendance_credential_flips_its_bit_in_the_issuers_list(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    record = AttendanceCredential.objects.get(registration=registration)
    AttendanceCredential.objects.filter(pk=record.pk).update(revoked_at=timezone.now(), revocation_reason="Error")
    encoded = openbadges.status_list_credential(organization)["credentialSubject"]["encodedList"]
    assert openbadges.is_revoked_in_list(encoded, record.status_index)


def test_a_revoked_attendance_credential_does_not_verify(
    org_staff: Any, organization: Any, django_capture_on_commit_callbacks: Any
) -> None:
    registration = checked_in(org_staff, organization, django_capture_on_commit_callbacks)
    record = AttendanceCredential.objects.get(registration=registration)
    AttendanceCredential.objects.filter(pk=record.pk).update(revoked_at=timezone.now(), revocation_reason="Error")
    assert openbadges.verify_credential(record.credential).code == "revoked"


def test_an_attendance_index_is_never_given_to_a_certificate(organization: Any) -> None:
    registration = RegistrationFactory(event=EventFactory(organizer=organization), checked_in_at=timezone.now())
    record = attendance.attendance_credential_issue(registration_id=registration.pk)
    assert record is not None
    used = openbadges.used_status_indexes(organization)
    assert record.status_index in used
    fresh = openbadges.allocate_status_indexes(used, 200)
    assert record.status_index not in fresh


def test_forgetting_an_erased_holder_resigns_the_credential_without_the_name(organization: Any) -> None:
    registration = RegistrationFactory(event=EventFactory(organizer=organization), checked_in_at=timezone.now())
    record = attendance.attendance_credential_issue(registration_id=registration.pk)
    assert record is not None
    assert attendance.attendance_credentials_forget_holder(person=registration.person) == 1
    record.refresh_from_db()
    assert record.credential["credentialSubject"]["identifier"][0]["identityHash"] == "—"
    assert openbadges.verify_credential(record.credential).verified
