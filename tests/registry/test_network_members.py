"""A network's coordinators keep its membership on a page and through the API; only platform admins bring an
organization in, since a member's people become visible to the network's coordinators."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Network, NetworkMembership, Organization
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    UserFactory,
    coordinate,
    with_totp,
)

pytestmark = pytest.mark.django_db

PAGE = "/networks/ots/members/"
API = "/api/v1/networks/ots/members/"


@pytest.fixture
def network() -> Network:
    return NetworkFactory(slug="ots", name={"en": "OTS diaspora institutions"})


@pytest.fixture
def member(network: Network) -> Organization:
    organization = OrganizationFactory(slug="otandastar")
    NetworkMembershipFactory(network=network, organization=organization, role="member")
    return organization


@pytest.fixture
def coordinator(network: Network) -> User:
    user = UserFactory(username="coordinator")
    with_totp(user)
    coordinate(user, network)
    return user


@pytest.fixture
def platform_admin() -> User:
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    with_totp(user)
    return user


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_coordinator_makes_a_member_an_observer_on_the_page(
    client: Client, coordinator: User, member: Organization, network: Network
) -> None:
    client.force_login(coordinator)
    response = client.post(PAGE, {"organization": "otandastar", "role": "observer", "since": "2021-05-01"})
    assert response.status_code == 302
    membership = NetworkMembership.objects.get(network=network, organization=member)
    assert (membership.role, str(membership.since)) == ("observer", "2021-05-01")
    assert AuditEntry.objects.filter(action="registry.network_member_changed", actor=coordinator).exists()


def test_the_page_offers_a_coordinator_only_the_networks_members(
    client: Client, coordinator: User, member: Organization
) -> None:
    OrganizationFactory(slug="outsider")
    client.force_login(coordinator)
    offered = client.get(PAGE).context["form"].fields["organization"].queryset
    assert [organization.slug for organization in offered] == ["otandastar"]


def test_a_membership_that_ends_before_it_begins_is_refused_with_a_message(
    client: Client, coordinator: User, member: Organization
) -> None:
    client.force_login(coordinator)
    body = {"organization": "otandastar", "role": "observer", "since": "2022-01-01", "until": "2021-01-01"}
    response = client.post(PAGE, body)
    assert "A membership cannot end before it begins." in response.content.decode()
    assert NetworkMembership.objects.get(organization=member).role == "member"


def test_the_coordinator_removes_a_member_on_the_page(client: Client, coordinator: User, member: Organization) -> None:
    client.force_login(coordinator)
    assert client.post(PAGE, {"remove": "otandastar"}).status_code == 302
    assert not NetworkMembership.objects.filter(organization=member).exists()


def test_the_members_page_reads_a_fixed_number_of_queries(
    client: Client, coordinator: User, network: Network, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        NetworkMembershipFactory(network=network, organization=OrganizationFactory(slug=f"member-{number}"))
    client.force_login(coordinator)
    client.get(PAGE)  # warm the session and the role caches
    with django_assert_max_num_queries(15):
        response = client.get(PAGE)
    assert response.content.decode().count('name="remove"') == 15


def test_the_network_page_links_the_coordinator_to_the_members_page(
    client: Client, coordinator: User, network: Network
) -> None:
    assert PAGE not in client.get("/networks/ots/").content.decode()
    client.force_login(coordinator)
    assert PAGE in client.get("/networks/ots/").content.decode()


def test_a_coordinator_cannot_bring_another_organization_in_through_the_api(
    client: Client, coordinator: User, network: Network
) -> None:
    OrganizationFactory(slug="outsider")
    client.force_login(coordinator)
    response = post_json(client, API, {"organization": "outsider", "role": "member"})
    assert response.status_code == 403
    assert not network.memberships.filter(organization__slug="outsider").exists()


def test_a_platform_admin_brings_an_organization_in_through_the_api(
    client: Client, platform_admin: User, network: Network
) -> None:
    OrganizationFactory(slug="mfa-turkmenistan")
    client.force_login(platform_admin)
    response = post_json(client, API, {"organization": "mfa-turkmenistan", "role": "observer"})
    assert response.status_code == 201
    assert response.json()["role"] == "observer"
    assert network.memberships.get(organization__slug="mfa-turkmenistan").role == "observer"


def test_the_coordinator_changes_and_removes_a_member_through_the_api(
    client: Client, coordinator: User, member: Organization
) -> None:
    client.force_login(coordinator)
    response = post_json(client, API, {"organization": "otandastar", "role": "observer"})
    assert (response.status_code, response.json()["role"]) == (200, "observer")
    assert client.delete(f"{API}otandastar/").status_code == 204
    assert not NetworkMembership.objects.filter(organization=member).exists()


def test_the_coordinator_of_another_network_may_not_change_this_one(client: Client, member: Organization) -> None:
    other = UserFactory(username="other-coordinator")
    with_totp(other)
    coordinate(other, NetworkFactory(slug="other"))
    client.force_login(other)
    assert post_json(client, API, {"organization": "otandastar", "role": "observer"}).status_code == 403
    assert client.delete(f"{API}otandastar/").status_code == 403
    assert client.get(PAGE).status_code == 403
    assert NetworkMembership.objects.get(organization=member).role == "member"
