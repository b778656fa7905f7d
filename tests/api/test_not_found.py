"""An object the caller may not see answers exactly as a missing one: 404 with the same body, whatever the method.
403 is kept for objects the caller sees but may not change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tests.events.factories import RegistrationFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

MISSING_ID = 987654


def token_for(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def call(client: Client, method: str, path: str, user: User) -> Any:
    body = json.dumps({"residence_city": "Istanbul"}) if method in ("patch", "put") else ""
    return getattr(client, method)(path, body, content_type="application/json", headers=token_for(user))


@pytest.fixture
def staff(db: None) -> User:
    user = UserFactory(username="staffer")
    grant(user, OrganizationFactory(slug="own-org"), "staff")
    with_totp(user)
    return user


@pytest.fixture
def someone_elses_person(db: None) -> Any:
    return PersonFactory(registered_by=OrganizationFactory(slug="other-org"))


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("patch", ""), ("put", ""), ("get", "export/"), ("post", "erase/")],
)
def test_a_person_of_another_organization_answers_as_a_missing_one(
    client: Client, staff: User, someone_elses_person: Any, method: str, suffix: str
) -> None:
    hidden = call(client, method, f"/api/v1/people/{someone_elses_person.pk}/{suffix}", staff)
    missing = call(client, method, f"/api/v1/people/{MISSING_ID}/{suffix}", staff)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404
    assert hidden.json() == {"code": "not_found", "detail": "Not found."}


def test_a_compatriot_asking_for_a_person_gets_404_as_for_a_missing_one(
    client: Client, someone_elses_person: Any
) -> None:
    user = UserFactory(username="aruzhan")
    hidden = call(client, "get", f"/api/v1/people/{someone_elses_person.pk}/", user)
    missing = call(client, "get", f"/api/v1/people/{MISSING_ID}/", user)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (404, missing.json())


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("post", "cancel/"), ("post", "approve/")])
def test_someone_elses_registration_answers_as_a_missing_one(client: Client, method: str, suffix: str) -> None:
    registration = RegistrationFactory(code="ABCD2345")
    user = UserFactory(username="aruzhan")
    hidden = call(client, method, f"/api/v1/registrations/{registration.code}/{suffix}", user)
    missing = call(client, method, f"/api/v1/registrations/ZZZZ9999/{suffix}", user)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("get", "progress/"), ("post", "withdraw/")])
def test_someone_elses_enrollment_answers_as_a_missing_one(client: Client, method: str, suffix: str) -> None:
    enrollment = EnrollmentFactory()
    user = UserFactory(username="aruzhan")
    hidden = call(client, method, f"/api/v1/enrollments/{enrollment.pk}/{suffix}", user)
    missing = call(client, method, f"/api/v1/enrollments/{MISSING_ID}/{suffix}", user)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404


def test_a_person_the_caller_sees_but_may_not_erase_answers_403(client: Client) -> None:
    organization = OrganizationFactory(slug="own-org")
    staff = UserFactory(username="staffer")
    grant(staff, organization, "staff")
    with_totp(staff)
    person = PersonFactory(registered_by=organization)
    response = call(client, "post", f"/api/v1/people/{person.pk}/erase/", staff)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_organization_the_caller_may_not_change_answers_403_because_the_directory_is_public(
    client: Client, staff: User
) -> None:
    other = OrganizationFactory(slug="other-org")
    response = call(client, "patch", f"/api/v1/organizations/{other.slug}/", staff)
    assert response.status_code == 403


def test_an_address_under_the_api_that_matches_nothing_answers_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
