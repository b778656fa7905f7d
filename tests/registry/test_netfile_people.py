"""The `people` section of a network file: the people an institution names in public, matched by key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfiles.yamlfile import render
from tamyr.registry import services
from tamyr.registry.models import Affiliation, Consent, Person
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory, PersonFactory, country
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

FILE = """\
version: 1
organizations:
  - slug: nf-foundation
    kind: ngo
    name: {en: Foundation}
people:
  - key: daniyar-kadyrov
    name: Daniyar Kadyrov
    name_variants:
      - {text: Данияр Кадыров, language: ru}
    kept_by: nf-foundation
    gender: male
    residence_country: KZ
    residence_city: Astana
    citizenships: [KZ]
    expertise: [diaspora policy]
    languages:
      - {language: kk, level: native}
      - {language: en, level: B2}
    affiliations:
      - {organization: nf-foundation, role: President, since: 2023-02-01}
    consents:
      - {purpose: public_profile, method: email, given: 2025-12-04}
"""

load, problems = loader("people.yaml", FILE)


def test_load_creates_the_person_with_key_names_affiliation_and_consent() -> None:
    load()
    person = Person.objects.get(key="daniyar-kadyrov")
    assert (person.display_name, person.residence_country_id, person.residence_city) == (
        "Daniyar Kadyrov",
        "KZ",
        "Astana",
    )
    assert {v.text for v in person.name_variants.all()} == {"Daniyar Kadyrov", "Данияр Кадыров"}
    affiliation = Affiliation.objects.get(person=person)
    assert (affiliation.organization.slug, affiliation.role, affiliation.since) == (
        "nf-foundation",
        "President",
        dt.date(2023, 2, 1),
    )
    consent = Consent.objects.get(person=person)
    assert (consent.purpose, consent.given_at) == ("public_profile", dt.datetime(2025, 12, 4, 12, tzinfo=dt.UTC))


def test_load_goes_through_the_services_and_leaves_their_audit_rows() -> None:
    load()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"registry.person_created", "registry.affiliation_added", "registry.consent_given"} <= actions


def test_a_second_load_changes_nothing() -> None:
    load()
    before = AuditEntry.objects.count()
    plan = load()
    assert plan.counts["create"] == plan.counts["change"] == 0
    assert AuditEntry.objects.count() == before


def test_a_changed_file_changes_only_what_changed() -> None:
    load()
    plan = load(FILE.replace("residence_city: Astana", "residence_city: Almaty"))
    change = next(c for c in plan.changes if c.section.name == "people")
    assert (change.action, change.fields) == ("change", ["residence_city"])
    assert Person.objects.get(key="daniyar-kadyrov").residence_city == "Almaty"


def test_the_languages_a_person_speaks_are_the_files_whole_list() -> None:
    load()
    person = Person.objects.get(key="daniyar-kadyrov")
    assert sorted(person.languages.values_list("language", "level")) == [("en", "B2"), ("kk", "native")]
    plan = load(FILE.replace("      - {language: en, level: B2}\n", "      - {language: ru}\n"))
    change = next(c for c in plan.changes if c.section.name == "people")
    assert (change.action, change.fields) == ("change", ["languages"])
    assert sorted(person.languages.values_list("language", "level")) == [("kk", "native"), ("ru", "")]


def test_an_affiliation_left_out_of_the_file_is_removed() -> None:
    load()
    OrganizationFactory(slug="nf-other")
    load(FILE.replace("{organization: nf-foundation, role: President, since: 2023-02-01}", "{organization: nf-other}"))
    assert list(Affiliation.objects.values_list("organization__slug", flat=True)) == ["nf-other"]


def test_a_consent_the_person_already_holds_is_not_given_again() -> None:
    load()
    load(FILE.replace("given: 2025-12-04", "given: 2026-01-01"))
    assert Consent.objects.filter(purpose="public_profile").count() == 1


def test_a_file_never_withdraws_a_consent() -> None:
    load()
    load(FILE.replace("    consents:\n      - {purpose: public_profile, method: email, given: 2025-12-04}\n", ""))
    assert Consent.objects.get(purpose="public_profile").withdrawn_at is None


def test_an_unknown_organization_is_reported_with_its_line() -> None:
    text = FILE.replace("organization: nf-foundation, role", "organization: nf-nowhere, role")
    assert problems(text) == [
        "people.yaml:21: people[0].affiliations[0].organization: There is no organization nf-nowhere: add it to the "
        "file's organizations, or load it first."
    ]


def test_a_key_that_is_not_a_slug_is_refused_before_anything_is_written() -> None:
    found = problems(FILE.replace("key: daniyar-kadyrov", "key: Daniyar Kadyrov"))
    assert len(found) == 1 and found[0].startswith("people.yaml:7: people[0].key:")
    assert not Person.objects.exists()


def test_the_keeping_organization_is_not_moved_by_a_file() -> None:
    load()
    OrganizationFactory(slug="nf-other")
    found = problems(FILE.replace("kept_by: nf-foundation", "kept_by: nf-other"))
    assert found == [
        "people.yaml:11: people[0].kept_by: The organization that keeps a record changes on the record itself, not "
        "through a file."
    ]


def test_a_key_taken_by_an_erased_record_is_refused() -> None:
    person = PersonFactory(key="daniyar-kadyrov")
    services.person_erase(person=person, acting_user=None)
    found = problems(FILE)
    assert found and "erased or merged" in found[0]


def test_dump_writes_people_of_the_network_with_a_public_consent_only() -> None:
    organization = OrganizationFactory(slug="nf-centre", name={"en": "Centre"})
    network = NetworkFactory(slug="nf-network", name={"en": "Network"})
    NetworkMembershipFactory(network=network, organization=organization)
    for key, consent in (("shown-person", "public_profile"), ("private-person", "registry")):
        person = PersonFactory(key=key, display_name=key.title(), registered_by=organization)
        services.affiliation_set(person=person, organization=organization, acting_user=None, role="Member")
        services.consent_give(person=person, purpose=consent, method="email", acting_user=None)
    PersonFactory(display_name="No Key", registered_by=organization)
    document = netfiles.dump(netfiles.DumpScope(networks=["nf-network"]))
    assert [item["key"] for item in document["people"]] == ["shown-person"]
    assert "email" not in document["people"][0] and "birth_year" not in document["people"][0]


def test_dump_then_load_into_an_empty_registry_reproduces_the_people() -> None:
    load()
    organization = OrganizationFactory(slug="nf-foundation-network-member")
    network = NetworkFactory(slug="nf-network", name={"en": "Network"})
    NetworkMembershipFactory(network=network, organization=organization)
    person = Person.objects.get(key="daniyar-kadyrov")
    services.affiliation_set(person=person, organization=organization, acting_user=None)
    scope = netfiles.DumpScope(networks=["nf-network"])
    first = netfiles.dump(scope)
    assert [item["key"] for item in first["people"]] == ["daniyar-kadyrov"]
    assert first["people"][0]["languages"] == [{"language": "en", "level": "B2"}, {"language": "kk", "level": "native"}]

    Person.objects.all().delete()
    plan = netfiles.load([("dump.yaml", render(first))])
    assert plan.counts["create"] == 1  # the person; the organizations and network are still there
    assert netfiles.dump(netfiles.DumpScope(networks=["nf-network"])) == first
    assert country("KZ").residents.filter(key="daniyar-kadyrov").exists()


def test_the_people_example_in_the_docs_loads() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "network-files.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in page.split("```yaml\n")[1:]]
    centres = blocks[0]
    people = next(block for block in blocks if block.startswith("people:"))
    netfiles.load([("centres.yaml", centres), ("people.yaml", "version: 1\n" + people)])
    person = Person.objects.get(key="aigerim-bekova")
    assert person.affiliations.get().organization.slug == "kazakh-house-berlin"
