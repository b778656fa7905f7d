"""The registry's sections of a network file: organizations and networks, loaded through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tamyr.registry import services
from tamyr.registry.models import Network, NetworkMembership, Organization
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, country
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-centre
    kind: cultural_centre
    name: {kk: Мәдени орталық, ru: Культурный центр, en: Cultural centre}
    country: DE
    city: Berlin
    website: https://centre.example.org
  - slug: nf-school
    kind: ngo
    name: {kk: Мектеп, en: Sunday school}
    parent: nf-centre
    country: DE
networks:
  - slug: nf-network
    name: {en: Centres in Europe}
    members:
      - organization: nf-centre
        role: coordinator
        since: 2024-05-01
      - organization: nf-school
"""


load, problems = loader("network.yaml", FILE)


def test_load_creates_the_organizations_the_network_and_its_members() -> None:
    load()
    school = Organization.objects.get(slug="nf-school")
    assert (school.parent and school.parent.slug, school.country_id, school.name["kk"]) == ("nf-centre", "DE", "Мектеп")
    roles = dict(NetworkMembership.objects.filter(network__slug="nf-network").values_list("organization__slug", "role"))
    assert roles == {"nf-centre": "coordinator", "nf-school": "member"}
    since = NetworkMembership.objects.get(organization__slug="nf-centre").since
    assert since == dt.date(2024, 5, 1)


def test_load_goes_through_the_services_and_leaves_their_audit_rows() -> None:
    load()
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions == [
        "core.network_file_loaded",
        "registry.network_created",
        "registry.network_member_added",
        "registry.network_member_added",
        "registry.organization_created",
        "registry.organization_created",
    ]


def test_a_second_load_changes_nothing_and_writes_no_audit_row() -> None:
    load()
    rows = AuditEntry.objects.count()
    plan = load()
    assert plan.counts == {"create": 0, "change": 0, "unchanged": 3}
    assert plan.lines() == ["= unchanged 3", "Plan: 0 to create, 0 to change, 3 unchanged."]
    assert AuditEntry.objects.count() == rows


def test_a_changed_name_changes_only_that_name() -> None:
    load()
    before = Organization.objects.get(slug="nf-centre").updated_at
    plan = load(FILE.replace("kk: Мәдени орталық", "kk: Қазақ мәдени орталығы"))
    assert plan.lines()[0] == "~ change organization nf-centre: name.kk"
    assert plan.counts == {"create": 0, "change": 1, "unchanged": 2}
    centre = Organization.objects.get(slug="nf-centre")
    assert centre.name == {"kk": "Қазақ мәдени орталығы", "ru": "Культурный центр", "en": "Cultural centre"}
    assert centre.updated_at > before
    entry = AuditEntry.objects.filter(action="registry.organization_changed").get()
    assert entry.data == {"fields": ["name"]}


def test_a_field_the_file_leaves_out_is_left_alone() -> None:
    load()
    Organization.objects.filter(slug="nf-centre").update(phone="+49 30 1234")
    assert load().counts["change"] == 0
    assert Organization.objects.get(slug="nf-centre").phone == "+49 30 1234"


def test_a_dry_run_plans_the_change_and_writes_nothing() -> None:
    load()
    plan = load(FILE.replace("city: Berlin", "city: Hamburg"), dry_run=True)
    assert plan.lines()[0] == "~ change organization nf-centre: city"
    assert Organization.objects.get(slug="nf-centre").city == "Berlin"


def test_members_the_file_drops_or_changes_are_planned_and_applied() -> None:
    load()
    text = FILE.replace("        role: coordinator\n", "        role: observer\n").replace(
        "      - organization: nf-school\n", ""
    )
    plan = load(text)
    assert plan.lines()[0] == "~ change network nf-network: members.nf-centre.role, -members.nf-school"
    roles = dict(NetworkMembership.objects.filter(network__slug="nf-network").values_list("organization__slug", "role"))
    assert roles == {"nf-centre": "observer"}
    assert AuditEntry.objects.filter(action="registry.network_member_removed").count() == 1


def test_a_parent_that_exists_nowhere_is_a_clear_error_and_nothing_is_written() -> None:
    text = FILE.replace("parent: nf-centre", "parent: nf-missing")
    assert problems(text) == [
        "network.yaml:12: organizations[1].parent: There is no organization nf-missing: add it to the file's "
        "organizations, or load it first."
    ]
    assert not Organization.objects.filter(slug__startswith="nf-").exists()


def test_a_member_that_exists_nowhere_is_a_clear_error() -> None:
    text = FILE.replace("      - organization: nf-school\n", "      - organization: nf-nobody\n")
    assert problems(text) == [
        "network.yaml:21: networks[0].members[1].organization: There is no organization nf-nobody: add it to the "
        "file's organizations, or load it first."
    ]
    assert not Network.objects.filter(slug="nf-network").exists()


def test_a_member_may_be_an_organization_already_in_the_database() -> None:
    OrganizationFactory(slug="nf-elsewhere")
    load(FILE.replace("      - organization: nf-school\n", "      - organization: nf-elsewhere\n"))
    assert NetworkMembership.objects.filter(network__slug="nf-network", organization__slug="nf-elsewhere").exists()


def test_parents_in_a_circle_are_refused() -> None:
    text = FILE.replace("    city: Berlin\n", "    city: Berlin\n    parent: nf-school\n")
    assert any("organizations[0].parent: An organization cannot be its own parent." in p for p in problems(text))


def test_an_unknown_country_is_reported_at_its_line() -> None:
    assert problems(FILE.replace("country: DE\n    city", "country: XX\n    city")) == [
        "network.yaml:6: organizations[0].country: Unknown country code XX."
    ]


def test_an_impossible_date_is_reported() -> None:
    [problem] = problems(FILE.replace("2024-05-01", "2024-02-30"))
    assert problem.startswith("network.yaml:18: networks[0].members[0].since: 2024-02-30 is not a date")


def test_a_failing_item_in_the_middle_rolls_everything_back() -> None:
    # the second organization's name is blank once trimmed: the plan accepts it, the service refuses it
    text = FILE.replace("name: {kk: Мектеп, en: Sunday school}", "name: {en: '  '}")
    assert problems(text) == [
        "network.yaml:11: organizations[1].name: An organization needs a name in at least one language."
    ]
    assert not Organization.objects.filter(slug__startswith="nf-").exists()
    assert not AuditEntry.objects.exists()


def test_dump_then_load_into_an_empty_registry_reproduces_the_network() -> None:
    germany = country("DE")
    parent = OrganizationFactory(slug="nf-federation", kind="ngo", name={"en": "Federation"}, country=germany)
    centre = OrganizationFactory(
        slug="nf-centre",
        name={"kk": "Орталық", "en": "Centre"},
        description={"en": "A centre.\nWith two lines."},
        parent=parent,
        country=germany,
        city="Berlin",
        email="info@centre.example.org",
    )
    network = NetworkFactory(slug="nf-network", name={"en": "Network"}, website="https://network.example.org")
    NetworkMembershipFactory(network=network, organization=centre, role="coordinator", since=dt.date(2020, 1, 2))
    scope = netfiles.DumpScope(networks=["nf-network"])
    first = netfiles.dump(scope)
    assert [item["slug"] for item in first["organizations"]] == ["nf-centre", "nf-federation"]

    NetworkMembership.objects.all().delete()
    Network.objects.all().delete()
    Organization.objects.all().delete()
    plan = load(render(first))

    assert plan.counts == {"create": 3, "change": 0, "unchanged": 0}
    assert netfiles.dump(scope) == first


def test_network_services_refuse_an_unknown_role() -> None:
    network, organization = NetworkFactory(), OrganizationFactory()
    with pytest.raises(services.DomainError):
        services.network_membership_set(network=network, organization=organization, role="boss", acting_user=None)
    assert not NetworkMembership.objects.exists()


def test_network_update_records_the_fields_it_changed() -> None:
    network = NetworkFactory(name={"en": "Old"})
    services.network_update(network=network, data={"name": {"en": "New"}, "website": ""}, acting_user=None)
    entry = AuditEntry.objects.get(action="registry.network_changed")
    assert entry.data == {"fields": ["name"]}


def _organizations_file(count: int) -> str:
    items = "".join(
        f"  - slug: nf-org-{n}\n    kind: ngo\n    name: {{en: Org {n}}}\n    country: DE\n    parent: nf-org-0\n"
        for n in range(count)
    ).replace("    parent: nf-org-0\n", "", 1)
    members = "".join(f"      - organization: nf-org-{n}\n" for n in range(count))
    return f"version: 1\norganizations:\n{items}networks:\n  - slug: nf-big\n    name: {{en: Big}}\n    members:\n{members}"


def test_planning_costs_the_same_queries_for_two_items_or_twenty() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 20):
        text = _organizations_file(size)
        load(text)
        with CaptureQueriesContext(connection) as queries:
            plan = load(text, dry_run=True)
        assert plan.counts["unchanged"] == size + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_plan_speaks_the_operators_language() -> None:
    from django.utils import translation

    with translation.override("ru"):
        plan = load(dry_run=True)
        assert plan.lines()[0] == "+ создать: организация nf-centre"
