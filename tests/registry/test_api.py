"""The registry's REST API: lists, filters, creating and changing people and organizations, and who sees what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Person
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    country,
    grant,
    with_totp,
)

pytestmark = pytest.mark.django_db

TOKAYEV = {
    "display_name": "Қасым Тоқаев",
    "name_variants": ["Kassym Tokayev"],
    "residence_country": "TR",
    "birth_year": 1990,
}


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def patch(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


@pytest.fixture
def other_org_staff(db: None) -> User:
    user = UserFactory(username="otherstaff")
    grant(user, OrganizationFactory(slug="other-org"), "staff")
    with_totp(user)
    return user


@pytest.fixture
def tokayev(staff_client: Client) -> dict[str, Any]:
    response = post(staff_client, "/api/v1/people/", TOKAYEV)
    assert response.status_code == 201, response.content
    return response.json()


def slugs(response: Any) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


# --- lists ---------------------------------------------------------------------------------------------------


def test_organization_list_is_paginated_with_count_next_previous_results(client: Client) -> None:
    OrganizationFactory.create_batch(3)
    body = client.get("/api/v1/organizations/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert body["previous"] is None


def test_people_list_is_paginated_with_count_next_previous_results(staff_client: Client, organization: Any) -> None:
    PersonFactory.create_batch(3, registered_by=organization)
    body = staff_client.get("/api/v1/people/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2


def test_organizations_filter_by_country(client: Client) -> None:
    OrganizationFactory(slug="in-kazakhstan", country=country("KZ"))
    OrganizationFactory(slug="in-turkiye", country=country("TR"))
    assert slugs(client.get("/api/v1/organizations/?country=tr")) == ["in-turkiye"]


def test_organizations_filter_by_kind(client: Client) -> None:
    OrganizationFactory(slug="an-ngo", kind="ngo")
    OrganizationFactory(slug="an-embassy", kind="embassy")
    assert slugs(client.get("/api/v1/organizations/?kind=embassy")) == ["an-embassy"]


def test_organizations_filter_by_network(client: Client) -> None:
    network = NetworkFactory(slug="abai-uii")
    NetworkMembershipFactory(network=network, organization=OrganizationFactory(slug="abai-uii-bishkek"))
    OrganizationFactory(slug="outside")
    assert slugs(client.get("/api/v1/organizations/?network=abai-uii")) == ["abai-uii-bishkek"]


def test_organizations_search_finds_a_name_given_only_in_another_language(client: Client) -> None:
    OrganizationFactory(slug="otandastar", name={"en": "Otandastar Foundation", "kk": "Отандастар қоры"})
    OrganizationFactory(slug="elsewhere")
    assert slugs(client.get("/api/v1/organizations/?search=қоры")) == ["otandastar"]


def test_people_list_runs_a_constant_number_of_queries(
    staff_client: Client, organization: Any, django_assert_max_num_queries: Any
) -> None:
    for person in PersonFactory.create_batch(30, registered_by=organization, variants=["Вариант"]):
        person.citizenships.add(country("KZ"))
    with django_assert_max_num_queries(13):  # measured 10, 5 of them session, user, roles and MFA
        body = staff_client.get("/api/v1/people/").json()
    assert body["count"] == 30


def test_organization_list_runs_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    network = NetworkFactory()
    for organization in OrganizationFactory.create_batch(30):
        NetworkMembershipFactory(network=network, organization=organization)
    with django_assert_max_num_queries(6):  # measured 3: count, organizations, memberships
        body = client.get("/api/v1/organizations/").json()
    assert body["count"] == 30


# --- creating a person ---------------------------------------------------------------------------------------


def test_staff_create_a_person_with_both_name_variants(tokayev: dict[str, Any]) -> None:
    assert {variant["text"] for variant in tokayev["name_variants"]} == {"Қасым Тоқаев", "Kassym Tokayev"}


def test_created_person_has_the_residence_country_and_year(tokayev: dict[str, Any]) -> None:
    person = Person.objects.get(pk=tokayev["id"])
    assert person.residence_country_id == "TR"
    assert person.birth_year == 1990


def test_created_person_is_registered_by_the_staff_members_organization(
    tokayev: dict[str, Any], organization: Any
) -> None:
    assert Person.objects.get(pk=tokayev["id"]).registered_by == organization
    assert tokayev["registered_by"] == organization.slug


def test_creating_a_person_writes_an_audit_row(tokayev: dict[str, Any], org_staff: User) -> None:
    entry = AuditEntry.objects.get(action="registry.person_created", target_id=str(tokayev["id"]))
    assert entry.actor == org_staff


def test_lowercase_country_code_is_accepted(staff_client: Client) -> None:
    response = post(staff_client, "/api/v1/people/", {**TOKAYEV, "residence_country": "tr"})
    assert response.status_code == 201
    assert response.json()["residence_country"] == "TR"


def test_unknown_country_code_is_refused_with_a_clear_message(staff_client: Client) -> None:
    response = post(staff_client, "/api/v1/people/", {**TOKAYEV, "residence_country": "XX"})
    assert response.status_code == 400
    message = " ".join(response.json()["residence_country"])
    assert "XX" in message
    assert "ISO 3166" in message


def test_unknown_country_code_creates_nobody(staff_client: Client) -> None:
    post(staff_client, "/api/v1/people/", {**TOKAYEV, "residence_country": "XX"})
    assert Person.objects.count() == 0


def test_birth_year_1800_is_refused_and_creates_nobody(staff_client: Client) -> None:
    response = post(staff_client, "/api/v1/people/", {**TOKAYEV, "birth_year": 1800})
    assert response.status_code == 400
    assert response.json()["field"] == "birth_year"
    assert Person.objects.count() == 0


def test_staff_cannot_register_a_person_for_another_organization(staff_client: Client) -> None:
    OrganizationFactory(slug="not-mine")
    response = post(staff_client, "/api/v1/people/", {**TOKAYEV, "registered_by": "not-mine"})
    assert response.status_code == 403
    assert Person.objects.count() == 0


# --- search --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Tokayev", "Тоқаев", "Токаев", "tokayev", "Kassym Tokayev"])
def test_search_finds_him_first_in_any_script(staff_client: Client, tokayev: dict[str, Any], text: str) -> None:
    post(staff_client, "/api/v1/people/", {"display_name": "Aliya Tokayeva"})
    post(staff_client, "/api/v1/people/", {"display_name": "Тоқаев Нұрлан Болатұлы"})
    post(staff_client, "/api/v1/people/", {"display_name": "Marat Tokenov"})
    results = staff_client.get("/api/v1/people/", {"search": text}).json()["results"]
    assert results[0]["id"] == tokayev["id"]


def test_search_leaves_out_people_whose_name_does_not_match(staff_client: Client, tokayev: dict[str, Any]) -> None:
    post(staff_client, "/api/v1/people/", {"display_name": "Marat Tokenov"})
    results = staff_client.get("/api/v1/people/", {"search": "Тоқаев"}).json()["results"]
    assert [row["id"] for row in results] == [tokayev["id"]]


# --- who sees whom -------------------------------------------------------------------------------------------


def test_staff_of_another_organization_do_not_find_him_in_the_list(
    client: Client, tokayev: dict[str, Any], other_org_staff: User
) -> None:
    client.force_login(other_org_staff)
    body = client.get("/api/v1/people/", {"search": "Tokayev"}).json()
    assert body["count"] == 0


def test_staff_of_another_organization_cannot_open_his_record(
    client: Client, tokayev: dict[str, Any], other_org_staff: User
) -> None:
    client.force_login(other_org_staff)
    assert client.get(f"/api/v1/people/{tokayev['id']}/").status_code in (403, 404)


def test_compatriot_cannot_list_people(client: Client, compatriot: User) -> None:
    client.force_login(compatriot)
    assert client.get("/api/v1/people/").status_code == 403


def test_listing_people_writes_an_audit_row(staff_client: Client, org_staff: User) -> None:
    staff_client.get("/api/v1/people/", {"search": "Tokayev"})
    entry = AuditEntry.objects.get(action="registry.people_listed")
    assert entry.actor == org_staff
    assert entry.data["search"] == "Tokayev"


# --- changing people and organizations -----------------------------------------------------------------------


def test_staff_patch_a_person(staff_client: Client, tokayev: dict[str, Any]) -> None:
    response = patch(staff_client, f"/api/v1/people/{tokayev['id']}/", {"residence_city": "Istanbul"})
    assert response.status_code == 200
    assert Person.objects.get(pk=tokayev["id"]).residence_city == "Istanbul"


def test_patching_a_person_writes_an_audit_row_naming_the_fields(
    staff_client: Client, tokayev: dict[str, Any], org_staff: User
) -> None:
    patch(staff_client, f"/api/v1/people/{tokayev['id']}/", {"residence_city": "Istanbul"})
    entry = AuditEntry.objects.get(action="registry.person_changed", target_id=str(tokayev["id"]))
    assert entry.actor == org_staff
    assert entry.data["fields"] == ["residence_city"]


def test_patching_name_variants_replaces_them(staff_client: Client, tokayev: dict[str, Any]) -> None:
    patch(staff_client, f"/api/v1/people/{tokayev['id']}/", {"name_variants": ["Kasım Tokayev"]})
    texts = set(Person.objects.get(pk=tokayev["id"]).name_variants.values_list("text", flat=True))
    assert texts == {"Қасым Тоқаев", "Kasım Tokayev"}


def test_the_keeping_organization_cannot_be_changed_by_patch(staff_client: Client, tokayev: dict[str, Any]) -> None:
    OrganizationFactory(slug="elsewhere")
    response = patch(staff_client, f"/api/v1/people/{tokayev['id']}/", {"registered_by": "elsewhere"})
    assert response.status_code == 400
    assert Person.objects.get(pk=tokayev["id"]).registered_by.slug != "elsewhere"


def test_org_admin_patch_the_organization_description_in_two_languages(
    client: Client, org_admin: User, organization: Any
) -> None:
    client.force_login(org_admin)
    description = {"en": "A Kazakh cultural centre in Istanbul.", "kk": "Стамбұлдағы қазақ мәдени орталығы."}
    response = patch(client, f"/api/v1/organizations/{organization.slug}/", {"description": description})
    assert response.status_code == 200
    organization.refresh_from_db()
    assert organization.description == description


def test_unknown_language_code_in_a_description_is_refused(client: Client, org_admin: User, organization: Any) -> None:
    client.force_login(org_admin)
    response = patch(client, f"/api/v1/organizations/{organization.slug}/", {"description": {"xx": "?"}})
    assert response.status_code == 400
    assert "xx" in " ".join(response.json()["description"])
    organization.refresh_from_db()
    assert organization.description == {}


def test_changing_an_organization_writes_an_audit_row(client: Client, org_admin: User, organization: Any) -> None:
    client.force_login(org_admin)
    patch(client, f"/api/v1/organizations/{organization.slug}/", {"city": "Istanbul"})
    entry = AuditEntry.objects.get(action="registry.organization_changed")
    assert entry.actor == org_admin
    assert entry.data["fields"] == ["city"]


# --- erasing and exporting through the API -------------------------------------------------------------------


def test_org_admin_erase_a_person_through_the_api(client: Client, org_admin: User, organization: Any) -> None:
    person = PersonFactory(registered_by=organization, display_name="Aigerim Sarsenova")
    client.force_login(org_admin)
    response = client.post(f"/api/v1/people/{person.pk}/erase/")
    assert response.status_code == 200
    assert response.json()["erased_at"] is not None
    assert "Aigerim" not in response.json()["display_name"]


def test_erasing_twice_gives_a_400_with_a_code(client: Client, org_admin: User, organization: Any) -> None:
    person = PersonFactory(registered_by=organization)
    client.force_login(org_admin)
    client.post(f"/api/v1/people/{person.pk}/erase/")
    response = client.post(f"/api/v1/people/{person.pk}/erase/")
    assert response.status_code in (400, 403)


def test_export_of_one_person_returns_everything_held_and_is_audited(
    staff_client: Client, tokayev: dict[str, Any], org_staff: User
) -> None:
    body = staff_client.get(f"/api/v1/people/{tokayev['id']}/export/").json()
    assert body["person"]["display_name"] == "Қасым Тоқаев"
    assert AuditEntry.objects.filter(action="registry.person_data_exported", actor=org_staff).exists()


# --- token auth ----------------------------------------------------------------------------------------------


def test_token_auth_lists_people(client: Client, org_staff: User, organization: Any) -> None:
    PersonFactory(registered_by=organization)
    token = Token.objects.create(user=org_staff)
    response = client.get("/api/v1/people/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_token_auth_creates_a_person(client: Client, org_staff: User) -> None:
    token = Token.objects.create(user=org_staff)
    response = post(client, "/api/v1/people/", TOKAYEV, Authorization=f"Token {token.key}")
    assert response.status_code == 201


def test_an_invalid_token_is_refused_with_401(client: Client) -> None:
    response = client.get("/api/v1/people/", headers={"Authorization": "Token not-a-real-token"})
    assert response.status_code == 401


def test_anonymous_api_call_to_people_gets_401(client: Client) -> None:
    assert client.get("/api/v1/people/").status_code == 401
