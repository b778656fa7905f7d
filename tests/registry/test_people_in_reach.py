"""`people_in_reach`: the one scope every person reference of a write is checked against (issue 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.registry.models import Organization
from tamyr.registry.selectors import people_in_reach
from tests.factories import (
    AffiliationFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    coordinate,
)

pytestmark = pytest.mark.django_db


def reach(user: object) -> set[str]:
    return set(people_in_reach(user).values_list("display_name", flat=True))


def test_staff_reach_the_people_their_organization_keeps_or_is_affiliated_with(
    org_staff: User, organization: Organization
) -> None:
    PersonFactory(display_name="Kept", registered_by=organization)
    AffiliationFactory(person=PersonFactory(display_name="Affiliated"), organization=organization)
    PersonFactory(display_name="Elsewhere")
    assert reach(org_staff) == {"Kept", "Affiliated"}


def test_a_compatriot_reaches_only_their_own_record() -> None:
    user = UserFactory()
    PersonFactory(display_name="Own", user=user)
    PersonFactory(display_name="Someone else")
    assert reach(user) == {"Own"}


def test_a_network_coordinator_reads_the_networks_people_but_reaches_none_of_them() -> None:
    network = NetworkFactory()
    member = OrganizationFactory()
    NetworkMembershipFactory(network=network, organization=member)
    PersonFactory(display_name="Of a member", registered_by=member)
    user = UserFactory()
    coordinate(user, network)
    assert reach(user) == set()


def test_erased_and_merged_records_are_out_of_reach(org_staff: User, organization: Organization) -> None:
    kept = PersonFactory(display_name="Kept", registered_by=organization)
    PersonFactory(display_name="Erased", registered_by=organization, erased_at=timezone.now())
    PersonFactory(display_name="Merged", registered_by=organization, merged_into=kept)
    assert reach(org_staff) == {"Kept"}


def test_a_platform_admin_reaches_everyone_and_a_visitor_no_one(platform_admin: User) -> None:
    PersonFactory(display_name="Anyone")
    assert reach(platform_admin) == {"Anyone"}
    assert reach(AnonymousUser()) == set()
