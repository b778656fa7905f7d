"""A public plan's page, measure page, API and IATI file withhold small computed counts from readers outside the
network, as the accountability page does; the network's coordinators and institutions still read them exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from tamyr.cooperation.models import IndicatorPeriod
from tests.factories import UserFactory, with_totp
from tests.factories.cooperation import IndicatorFactory, PeriodFactory, PlanWorld


def _public_with_count(world: PlanWorld, actual: int) -> IndicatorPeriod:
    world.plan.is_public = True
    world.plan.save()
    indicator = IndicatorFactory(measure=world.measure, source="computed", query="unique_participants")
    return PeriodFactory(indicator=indicator, target=Decimal(100), actual=Decimal(actual))


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def test_a_visitor_reads_fewer_than_10_on_the_public_plans_page(world: PlanWorld, client: Client) -> None:
    _public_with_count(world, 3)
    page = client.get(f"/plans/{world.plan.slug}/").content.decode()
    assert "fewer than 10" in page and 'value="3"' not in page


def test_a_visitor_reads_a_rounded_count_on_the_measure_page(world: PlanWorld, client: Client) -> None:
    _public_with_count(world, 12)
    page = client.get(f"/plans/{world.plan.slug}/measures/2.1/").content.decode()
    assert ">10<" in page.replace(" ", "").replace("\n", "") or "10\n" in page
    assert ">12<" not in page.replace(" ", "").replace("\n", "")


def test_the_networks_staff_read_the_exact_count(world: PlanWorld, client: Client) -> None:
    _public_with_count(world, 3)
    page = signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/").content.decode()
    assert "fewer than 10" not in page


def test_a_signed_in_compatriot_outside_the_network_reads_the_published_count(world: PlanWorld, client: Client) -> None:
    _public_with_count(world, 3)
    page = signed_in(client, UserFactory()).get(f"/plans/{world.plan.slug}/").content.decode()
    assert "fewer than 10" in page


def test_the_api_withholds_a_small_count_from_anonymous_readers(world: PlanWorld) -> None:
    period = _public_with_count(world, 3)
    data = APIClient().get(f"/api/v1/plans/{world.plan.slug}/").json()
    indicator = data["directions"][0]["measures"][0]["indicators"][0]
    assert data["published_numbers"] is True and indicator["withheld"] == [period.pk]
    assert indicator["periods"][0]["actual"] is None


def test_the_api_gives_the_coordinator_the_exact_count(world: PlanWorld) -> None:
    _public_with_count(world, 3)
    client = APIClient()
    with_totp(world.coordinator)
    client.force_authenticate(world.coordinator)
    indicator = client.get(f"/api/v1/plans/{world.plan.slug}/").json()["directions"][0]["measures"][0]["indicators"][0]
    assert Decimal(indicator["periods"][0]["actual"]) == Decimal(3)


def test_the_iati_file_withholds_a_small_count_from_visitors(world: PlanWorld, client: Client) -> None:
    _public_with_count(world, 3)
    xml = client.get(f"/plans/{world.plan.slug}/iati.xml").content.decode()
    assert '<actual value="3"' not in xml
