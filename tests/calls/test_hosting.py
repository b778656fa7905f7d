"""Host pairing: the matcher's pairs are stored one to one, managers override and confirm them (page and API),
and a scholar sees their confirmed host."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tamyr.calls import hosting, selection
from tamyr.calls.models import HostPair, HostPairStatus, Outcome
from tamyr.core.errors import DomainError
from tests.calls.committee_factories import ApplicationFactory, CallFactory, scored
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_expertise, with_totp

pytestmark = pytest.mark.django_db


def forum(scholars: int = 2, hosts: int = 3) -> tuple[Any, list[Any], list[Any]]:
    """A call of a Kazakhstani organization whose scholars all accepted, and hosts who live in Kazakhstan."""
    call = CallFactory(kind="participants", places=scholars, organization=OrganizationFactory(country=country("KZ")))
    codes = ["1.1", "2.2", "3.3", "4.4", "5.5"]
    visitors = []
    for n in range(scholars):
        person = with_expertise(PersonFactory(user=UserFactory()), codes[n])
        scored(ApplicationFactory(call=call, person=person), 90 - n)
        visitors.append(person)
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    for outcome in Outcome.objects.filter(call=call):
        selection.offer_accept(outcome=outcome, acting_user=None)
    local = [with_expertise(PersonFactory(residence_country=country("KZ")), codes[n]) for n in range(hosts)]
    return call, visitors, local


def manager(call: Any) -> Client:
    user = UserFactory()
    grant(user, call.organization, "staff")
    with_totp(user)
    client = Client()
    client.force_login(user)
    return client


def test_the_matcher_pairs_each_scholar_with_the_host_of_the_same_field() -> None:
    call, visitors, hosts = forum()
    assert hosting.host_pairs_compute(call=call, acting_user=None) == 2
    pairs = {pair.visitor_id: pair.host_id for pair in HostPair.objects.filter(call=call)}
    assert pairs == {visitors[0].pk: hosts[0].pk, visitors[1].pk: hosts[1].pk}


def test_a_person_without_the_expertise_consent_is_never_a_host() -> None:
    call, _visitors, _hosts = forum(scholars=1, hosts=0)
    stranger = with_expertise(PersonFactory(residence_country=country("KZ")), "1.1", consent=False)
    assert hosting.host_pairs_compute(call=call, acting_user=None) == 0
    assert not hosting.host_candidates(call).filter(pk=stranger.pk).exists()


def test_computing_again_keeps_a_managers_pair_and_confirmed_ones() -> None:
    call, visitors, hosts = forum()
    hosting.host_pair_set(call=call, visitor=visitors[0], host=hosts[2], acting_user=None)
    hosting.host_pairs_compute(call=call, acting_user=None)
    hosting.host_pairs_compute(call=call, acting_user=None)
    mine = HostPair.objects.get(call=call, visitor=visitors[0])
    assert mine.host == hosts[2] and mine.by_manager
    assert HostPair.objects.filter(call=call).count() == 2


def test_giving_a_host_to_another_scholar_takes_them_from_the_first() -> None:
    call, visitors, hosts = forum()
    hosting.host_pairs_compute(call=call, acting_user=None)
    hosting.host_pair_set(call=call, visitor=visitors[1], host=hosts[0], acting_user=None)
    assert not HostPair.objects.filter(call=call, visitor=visitors[0]).exists()
    assert HostPair.objects.get(call=call, visitor=visitors[1]).host == hosts[0]


def test_someone_who_may_not_host_is_refused_and_nothing_changes() -> None:
    call, visitors, hosts = forum()
    hosting.host_pairs_compute(call=call, acting_user=None)
    abroad = with_expertise(PersonFactory(residence_country=country("TR")), "1.1")
    with pytest.raises(DomainError):
        hosting.host_pair_set(call=call, visitor=visitors[0], host=abroad, acting_user=None)
    with pytest.raises(DomainError):
        hosting.host_pair_set(call=call, visitor=hosts[1], host=hosts[2], acting_user=None)
    assert HostPair.objects.get(call=call, visitor=visitors[0]).host == hosts[0]


def test_a_scholar_sees_their_host_only_once_confirmed() -> None:
    call, visitors, hosts = forum(scholars=1)
    hosting.host_pairs_compute(call=call, acting_user=None)
    outcome = Outcome.objects.get(call=call, application__person=visitors[0])
    client = Client()
    client.force_login(visitors[0].user)
    assert hosts[0].display_name not in client.get(f"/calls/offers/{outcome.pk}/").content.decode()
    hosting.host_pairs_confirm(call=call, acting_user=None)
    assert HostPair.objects.get(call=call).status == HostPairStatus.CONFIRMED
    assert hosts[0].display_name in client.get(f"/calls/offers/{outcome.pk}/").content.decode()


def test_the_manager_proposes_and_confirms_on_the_page(django_assert_max_num_queries: Any) -> None:
    call, visitors, hosts = forum(scholars=5, hosts=5)
    client = manager(call)
    client.post(f"/calls/{call.slug}/hosts/", {"action": "compute"})
    client.post(f"/calls/{call.slug}/hosts/", {"action": "confirm"})
    assert HostPair.objects.filter(call=call, status=HostPairStatus.CONFIRMED).count() == 5
    with django_assert_max_num_queries(20):
        page = client.get(f"/calls/{call.slug}/hosts/").content.decode()
    assert all(person.display_name in page for person in [*visitors, *hosts])


def test_the_manager_sets_a_host_through_the_api_and_a_wrong_one_is_a_400() -> None:
    call, visitors, hosts = forum()
    client = manager(call)
    url = f"/api/v1/calls/{call.slug}/host-pairs/set/"
    assert client.post(url, {"visitor": visitors[0].pk, "host": hosts[2].pk}).status_code == 200
    abroad = with_expertise(PersonFactory(residence_country=country("TR")), "1.1")
    assert client.post(url, {"visitor": visitors[0].pk, "host": abroad.pk}).status_code == 400
    assert HostPair.objects.get(call=call, visitor=visitors[0]).host == hosts[2]
    listed = client.get(f"/api/v1/calls/{call.slug}/host-pairs/").json()
    assert listed["results"][0]["host"]["id"] == hosts[2].pk


def test_someone_else_cannot_see_the_pairs() -> None:
    call, _visitors, _hosts = forum()
    user = UserFactory()
    with_totp(user)
    client = Client()
    client.force_login(user)
    assert client.get(f"/calls/{call.slug}/hosts/").status_code == 403
    assert client.post(f"/api/v1/calls/{call.slug}/host-pairs/compute/").status_code == 403


def test_proposing_and_confirming_through_the_api_answer_with_the_pairs_first_page() -> None:
    """The same paginated shape as GET host-pairs, which the API schema promises (schemathesis checks it)."""
    call, _visitors, _hosts = forum(scholars=3, hosts=3)
    client = manager(call)
    proposed = client.post(f"/api/v1/calls/{call.slug}/host-pairs/compute/").json()
    assert proposed["count"] == 3 and {pair["status"] for pair in proposed["results"]} == {"proposed"}
    confirmed = client.post(f"/api/v1/calls/{call.slug}/host-pairs/confirm/").json()
    assert {pair["status"] for pair in confirmed["results"]} == {"confirmed"}
