"""The demo's organizations and networks ship as a network file (`tamyr/demo/network.yaml`): it must stay a valid
file of the published schema, and loading it again must change nothing, as `tamyr demo` promises."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.registry.demo import network
from tamyr.registry.models import Network, NetworkMembership, Organization

pytestmark = pytest.mark.django_db


def source() -> list[tuple[str, str]]:
    return [(network.NETWORK_FILE.name, network.NETWORK_FILE.read_text(encoding="utf-8"))]


def test_the_shipped_demo_file_validates_against_the_schema():
    jsonschema.validate(yaml.safe_load(network.NETWORK_FILE.read_text(encoding="utf-8")), netfiles.schema())
    items = netfiles.read(source())  # the loader's own reading: schema, duplicate keys, lines
    assert len(items["organizations"]) == 32
    assert {item.data["slug"] for item in items["networks"]} == {
        "ots-diaspora",
        "abai-uii-network",
        "ots-ngo-solidarity",
    }


def test_the_demo_file_loads_and_a_second_load_changes_nothing():
    organizations, networks, _people = network.load_network()
    assert len(organizations) == Organization.objects.count() == 32
    assert set(networks) == set(Network.objects.values_list("slug", flat=True))
    assert NetworkMembership.objects.count() == 21
    audit_rows = AuditEntry.objects.count()

    again, _networks, _people = network.load_network()

    assert again == organizations
    assert AuditEntry.objects.count() == audit_rows
    assert not netfiles.load(source(), dry_run=True).has_changes
