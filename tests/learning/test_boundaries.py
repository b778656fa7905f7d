"""Organization boundaries in the writes of learning (issue 10): a provider's staff enroll only people their
organization keeps, and name as teachers only people with a role at their organizations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.learning import services
from tamyr.learning.models import Course, CourseGroup, Enrollment
from tamyr.registry.models import Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = pytest.mark.django_db

MISSING = 999999


def api(client: Client, user: User, method: str, path: str, body: dict[str, Any]) -> Any:
    token = Token.objects.get_or_create(user=user)[0].key
    return client.generic(
        method, path, json.dumps(body), content_type="application/json", headers={"Authorization": f"Token {token}"}
    )


@pytest.fixture
def group(organization: Organization) -> CourseGroup:
    return GroupFactory(course=CourseFactory(provider=organization), capacity=None)


@pytest.fixture
def stranger() -> Person:
    return PersonFactory(display_name="Person Beta", registered_by=OrganizationFactory())


def _without(body: dict[str, Any], value: Any) -> str:
    return json.dumps(body).replace(str(value), "X")


def test_staff_enrolling_another_organizations_person_get_the_answer_of_a_missing_id(
    client: Client, org_staff: User, group: CourseGroup, stranger: Person
) -> None:
    refused = api(client, org_staff, "POST", "/api/v1/enrollments/", {"group": group.pk, "person": stranger.pk})
    missing = api(client, org_staff, "POST", "/api/v1/enrollments/", {"group": group.pk, "person": MISSING})
    assert refused.status_code == missing.status_code == 400
    assert _without(refused.json(), stranger.pk) == _without(missing.json(), MISSING)
    assert not Enrollment.objects.exists()


def test_staff_enroll_a_person_their_organization_keeps(
    client: Client, org_staff: User, group: CourseGroup, organization: Organization
) -> None:
    kept = PersonFactory(registered_by=organization)
    response = api(client, org_staff, "POST", "/api/v1/enrollments/", {"group": group.pk, "person": kept.pk})
    assert response.status_code == 201, response.content


def test_the_enroll_on_behalf_page_refuses_another_organizations_person(
    client: Client, org_staff: User, group: CourseGroup, stranger: Person
) -> None:
    client.force_login(org_staff)
    response = client.post(f"/courses/groups/{group.pk}/", {"person": stranger.pk})
    assert response.status_code == 200 and b'class="errors"' in response.content
    assert not Enrollment.objects.exists()


def test_the_service_refuses_another_organizations_person_from_any_caller(
    org_staff: User, group: CourseGroup, stranger: Person
) -> None:
    with pytest.raises(DomainError) as refused:
        services.enrollment_create(group=group, person=stranger, acting_user=org_staff)
    assert refused.value.field == "person"
    assert not Enrollment.objects.exists()


def test_a_teacher_of_another_organization_is_refused_like_an_unknown_username(
    client: Client, org_staff: User, organization: Organization
) -> None:
    """Naming a teacher reveals nothing: another organization's user and a username nobody has get one answer."""
    grant(UserFactory(username="teacher-elsewhere"), OrganizationFactory(), "teacher")
    course = {"slug": "kazakh-a1", "title": {"en": "Kazakh A1"}, "format": "self_paced", "provider": organization.slug}
    refused = api(client, org_staff, "POST", "/api/v1/courses/", {**course, "teachers": ["teacher-elsewhere"]})
    missing = api(client, org_staff, "POST", "/api/v1/courses/", {**course, "teachers": ["nobody-at-all"]})
    assert refused.status_code == missing.status_code == 400
    assert _without(refused.json(), "teacher-elsewhere") == _without(missing.json(), "nobody-at-all")
    assert not Course.objects.exists()
