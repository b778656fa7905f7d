"""`tamyr dump` then `tamyr load` into an empty database reproduces the demo's network: its organizations,
networks, the people named in public, and the events, as the network-file promise of issue 11 says."""

from __future__ import annotations

import pytest

from tamyr.core import netfiles
from tamyr.core.netfiles.yamlfile import render
from tamyr.events import demo as events_demo
from tamyr.events.models import Event, Venue
from tamyr.registry.demo import network
from tamyr.registry.models import Network, NetworkMembership, Organization, Person

pytestmark = pytest.mark.django_db

NETWORKS = ["abai-uii-network", "ots-diaspora", "ots-ngo-solidarity"]


def _demo_files() -> list[tuple[str, str]]:
    return [(path.name, path.read_text(encoding="utf-8")) for path in (network.NETWORK_FILE, events_demo.EVENTS_FILE)]


def _empty_the_database() -> None:
    Event.objects.all().delete()
    Venue.objects.all().delete()
    Person.objects.all().delete()
    NetworkMembership.objects.all().delete()
    Network.objects.all().delete()
    while Organization.objects.exists():  # children before their parents
        Organization.objects.filter(children__isnull=True).delete()


def test_dump_of_the_demo_network_loads_into_an_empty_database_and_dumps_the_same() -> None:
    netfiles.load(_demo_files())
    scope = netfiles.DumpScope(networks=NETWORKS)
    first = netfiles.dump(scope)
    organized_by_members = Event.objects.filter(organizer__network_memberships__network__slug__in=NETWORKS)
    assert {e["slug"] for e in first["events"]} == set(organized_by_members.values_list("slug", flat=True))
    assert len(first["events"]) >= 6 and len(first["people"]) >= 10

    _empty_the_database()
    assert not Organization.objects.exists()
    plan = netfiles.load([("dump.yaml", render(first))])

    assert plan.counts["change"] == 0 and plan.counts["unchanged"] == 0
    assert netfiles.dump(netfiles.DumpScope(networks=NETWORKS)) == first
