"""The fund's page: managers only, its figures, its writes through the services, and a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tamyr.calls.models import Tranche
from tests.calls.committee_factories import CallFactory, funded
from tests.factories import OrganizationFactory, UserFactory, country, grant, with_totp

pytestmark = pytest.mark.django_db


def manager(call: Any) -> Client:
    user = UserFactory()
    with_totp(user)
    grant(user, call.organization, "staff")
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_committed_money_by_country() -> None:
    call = CallFactory(kind="financing", currency="USD")
    funded(call, "1234.00", organization=OrganizationFactory(country=country("HU")))
    page = manager(call).get(f"/calls/{call.slug}/fund/").content.decode()
    assert "1234.00" in page and "Hungary" in page


def test_a_tranche_past_the_award_is_refused_on_the_page_with_a_message() -> None:
    call = CallFactory(kind="financing", currency="USD")
    award = funded(call, "100")
    response = manager(call).post(
        f"/calls/{call.slug}/fund/",
        {"action": "tranche", "award": award.pk, "amount": "100.01", "due_on": "2027-01-01"},
        follow=True,
    )
    assert "100.00" in response.content.decode() and not Tranche.objects.exists()


def test_the_page_takes_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    call = CallFactory(kind="financing", currency="USD")
    for rank in range(1, 16):
        funded(call, "100", organization=OrganizationFactory(country=country("TR")), rank=rank)
    client = manager(call)
    with django_assert_max_num_queries(25):
        assert client.get(f"/calls/{call.slug}/fund/").status_code == 200
