"""Organizations' fields of expertise in network files: planned, applied through the services, dumped back."""

from __future__ import annotations

import pytest

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Organization
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, expertise_field
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-institute
    kind: university
    name: {en: Institute of Oriental Studies}
    expertise_fields: ["6.1", "6.2"]
"""

load, problems = loader("network.yaml", FILE)


def codes(slug: str) -> list[str]:
    return sorted(Organization.objects.get(slug=slug).expertise_fields.values_list("code", flat=True))


def test_load_gives_the_organization_its_fields() -> None:
    load()
    assert codes("nf-institute") == ["6.1", "6.2"]


def test_a_changed_list_plans_what_is_added_and_removed_and_applies_it() -> None:
    load()
    plan = load(FILE.replace('["6.1", "6.2"]', '["6.1", "2.10"]'))
    assert plan.lines()[0] == "~ change organization nf-institute: +expertise_fields.2.10, -expertise_fields.6.2"
    assert codes("nf-institute") == ["2.10", "6.1"]
    assert AuditEntry.objects.filter(action="registry.organization_changed").get().data == {
        "fields": ["expertise_fields"]
    }


def test_the_same_fields_in_another_order_are_unchanged() -> None:
    load()
    assert load(FILE.replace('["6.1", "6.2"]', '["6.2", "6.1"]')).counts["change"] == 0


def test_an_unknown_code_is_a_problem_at_its_line_and_nothing_is_written() -> None:
    assert problems(FILE.replace('"6.2"]', '"6.9"]')) == [
        "network.yaml:6: organizations[0].expertise_fields: Unknown field of science 6.9. Use the codes of the OECD "
        "classification, e.g. 5.2 or 6.1."
    ]
    assert not Organization.objects.filter(slug="nf-institute").exists()


def test_an_unquoted_code_is_refused_by_the_schema() -> None:
    assert len(problems(FILE.replace('["6.1", "6.2"]', "[6.1]"))) == 1


def test_dump_writes_the_fields_in_the_classifications_order() -> None:
    network = NetworkFactory(slug="nf-net")
    organization = OrganizationFactory(slug="nf-dumped")
    organization.expertise_fields.set([expertise_field("2.10"), expertise_field("2.9")])
    NetworkMembershipFactory(network=network, organization=organization)
    items = netfiles.dump(netfiles.DumpScope(networks=["nf-net"]))["organizations"]
    assert items[0]["expertise_fields"] == ["2.9", "2.10"]


def test_the_schema_describes_the_fields() -> None:
    properties = netfiles.schema()["properties"]["organizations"]["items"]["properties"]
    assert properties["expertise_fields"]["items"]["type"] == "string"
