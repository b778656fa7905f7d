"""People and organizations carry expertise: fields of the OECD classification and keywords; finding people by it
in the API and on the people list, with their consent only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.registry import services
from tamyr.registry.models import ExpertiseField, Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, country, expertise_field, with_expertise

pytestmark = pytest.mark.django_db

PEOPLE_API = "/api/v1/people/"


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


def names(response: Any) -> list[str]:
    return sorted(row["display_name"] for row in response.json()["results"])


def person(
    organization: Organization, name: str, *codes: str, keywords: tuple[str, ...] = (), consent: bool = True
) -> Person:
    return with_expertise(
        PersonFactory(display_name=name, registered_by=organization), *codes, keywords=keywords, consent=consent
    )


# --- the classification --------------------------------------------------------------------------------------


def test_the_classification_has_6_major_fields_and_42_fields() -> None:
    assert ExpertiseField.objects.filter(parent__isnull=True).count() == 6
    assert ExpertiseField.objects.filter(parent__isnull=False).count() == 42


def test_every_field_is_named_in_english_and_the_7_interface_languages() -> None:
    languages = {"en", "kk", "ru", "tr", "az", "uz", "ky", "hu"}
    assert all(
        set(name) == languages and all(name.values()) for name in ExpertiseField.objects.values_list("name", flat=True)
    )


def test_a_field_reads_its_name_in_the_visitors_language() -> None:
    with translation.override("kk"):
        assert expertise_field("5.2").display_name == "Экономика және бизнес"


def test_fields_are_in_the_classifications_order() -> None:
    codes = list(ExpertiseField.objects.filter(parent_id="2").values_list("code", flat=True))
    assert codes[-3:] == ["2.9", "2.10", "2.11"]


def test_the_api_lists_the_classification_publicly(client: Client) -> None:
    body = client.get("/api/v1/expertise-fields/").json()
    assert body["count"] == 48
    assert body["results"][1] == {
        "code": "1.1",
        "display_name": "Mathematics",
        "name": expertise_field("1.1").name,
        "parent": "1",
    }


# --- services --------------------------------------------------------------------------------------------------


def test_person_update_sets_fields_by_code_and_audits_them(organization: Organization) -> None:
    someone = PersonFactory(registered_by=organization)
    services.person_update(person=someone, expertise_fields=["6.1", "5.2"], acting_user=None)
    assert sorted(someone.expertise_fields.values_list("code", flat=True)) == ["5.2", "6.1"]
    assert AuditEntry.objects.get(action="registry.person_changed").data == {"fields": ["expertise_fields"]}


def test_setting_the_same_fields_again_writes_no_audit_row(organization: Organization) -> None:
    someone = with_expertise(PersonFactory(registered_by=organization), "6.1")
    services.person_update(person=someone, expertise_fields=["6.1"], acting_user=None)
    assert not AuditEntry.objects.filter(action="registry.person_changed").exists()


def test_an_unknown_field_code_is_refused_and_nothing_changes(organization: Organization) -> None:
    someone = PersonFactory(registered_by=organization, residence_city="Berlin")
    with pytest.raises(DomainError) as caught:
        services.person_update(person=someone, expertise_fields=["6.1", "9.9"], residence_city="Bonn", acting_user=None)
    assert "9.9" in str(caught.value.message)
    someone.refresh_from_db()
    assert (someone.residence_city, someone.expertise_fields.count()) == ("Berlin", 0)


def test_person_create_takes_fields_and_orcid() -> None:
    created = services.person_create(
        display_name="Aigerim", expertise_fields=["1.2"], orcid="0000000218250097", acting_user=None
    )
    assert (list(created.expertise_fields.values_list("code", flat=True)), created.orcid) == (
        ["1.2"],
        "0000-0002-1825-0097",
    )


def test_organization_update_sets_fields_and_audits_them(organization: Organization) -> None:
    services.organization_update(organization=organization, data={"expertise_fields": ["6.2"]}, acting_user=None)
    assert list(organization.expertise_fields.values_list("code", flat=True)) == ["6.2"]
    assert AuditEntry.objects.get(action="registry.organization_changed").data == {"fields": ["expertise_fields"]}


def test_erasing_a_person_removes_their_expertise(organization: Organization) -> None:
    someone = person(organization, "Erased", "6.1", keywords=("history",))
    services.person_update(person=someone, orcid="0000-0002-1825-0097", acting_user=None)
    services.person_erase(person=someone, acting_user=None)
    someone.refresh_from_db()
    assert (someone.expertise_fields.count(), someone.expertise, someone.orcid) == (0, [], "")


def test_the_data_download_holds_fields_and_orcid(organization: Organization) -> None:
    someone = person(organization, "Downloaded", "6.1")
    data = services.person_export_data(person=someone, acting_user=None)
    assert (data["person"]["expertise_fields"], data["person"]["orcid"]) == (["6.1"], "")


# --- the API's people filter ----------------------------------------------------------------------------------


def test_api_expertise_filter_finds_people_by_field_code(staff_client: Client, organization: Organization) -> None:
    person(organization, "Historian", "6.1")
    person(organization, "Economist", "5.2")
    assert names(staff_client.get(PEOPLE_API, {"expertise": "6.1"})) == ["Historian"]


def test_api_expertise_filter_by_a_major_field_takes_in_its_fields(
    staff_client: Client, organization: Organization
) -> None:
    person(organization, "Historian", "6.1")
    person(organization, "Musician", "6.4")
    person(organization, "Economist", "5.2")
    assert names(staff_client.get(PEOPLE_API, {"expertise": "6"})) == ["Historian", "Musician"]


def test_api_expertise_filter_finds_a_keyword_in_any_case(staff_client: Client, organization: Organization) -> None:
    person(organization, "Archivist", keywords=("Diaspora Archives",))
    person(organization, "Poet", keywords=("poetry",))
    assert names(staff_client.get(PEOPLE_API, {"expertise": "ARCHIVES"})) == ["Archivist"]


def test_api_expertise_filter_finds_a_keyword_across_scripts(staff_client: Client, organization: Organization) -> None:
    person(organization, "Cyrillic", keywords=("Этнография",))
    person(organization, "Other", keywords=("poetry",))
    assert names(staff_client.get(PEOPLE_API, {"expertise": "etnografiya"})) == ["Cyrillic"]


def test_api_expertise_filter_finds_a_field_by_its_name_in_another_language(
    staff_client: Client, organization: Organization
) -> None:
    person(organization, "Economist", "5.2")
    person(organization, "Historian", "6.1")
    assert names(staff_client.get(PEOPLE_API, {"expertise": "экономика"})) == ["Economist"]


def test_api_expertise_filter_leaves_out_people_without_the_consent(
    staff_client: Client, organization: Organization
) -> None:
    person(organization, "Consented", "6.1")
    person(organization, "Not consented", "6.1", consent=False)
    assert names(staff_client.get(PEOPLE_API, {"expertise": "6.1"})) == ["Consented"]


def test_api_expertise_filter_stays_within_the_callers_people(staff_client: Client, organization: Organization) -> None:
    person(organization, "Mine", "6.1")
    person(OrganizationFactory(), "Theirs", "6.1")
    assert names(staff_client.get(PEOPLE_API, {"expertise": "6.1"})) == ["Mine"]


def test_api_expertise_filter_is_written_to_the_audit_row(staff_client: Client, organization: Organization) -> None:
    staff_client.get(PEOPLE_API, {"expertise": "6.1"})
    assert AuditEntry.objects.get(action="registry.people_listed").data["expertise"] == "6.1"


def test_api_people_list_with_expertise_runs_a_constant_number_of_queries(
    staff_client: Client, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        person(organization, f"Scholar {number}", "6.1", "6.2", keywords=("history",))
    with django_assert_max_num_queries(14):
        body = staff_client.get(PEOPLE_API, {"expertise": "history"}).json()
    assert body["count"] == 20


def test_api_person_shows_and_takes_fields_and_orcid(staff_client: Client, organization: Organization) -> None:
    someone = PersonFactory(registered_by=organization)
    response = staff_client.patch(
        f"{PEOPLE_API}{someone.pk}/",
        json.dumps({"expertise_fields": ["6.1", "1.2"], "orcid": "0000-0002-1825-0097"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (sorted(response.json()["expertise_fields"]), response.json()["orcid"]) == (
        ["1.2", "6.1"],
        "0000-0002-1825-0097",
    )


def test_api_refuses_an_unknown_field_code_by_name(staff_client: Client, organization: Organization) -> None:
    someone = PersonFactory(registered_by=organization)
    response = staff_client.patch(
        f"{PEOPLE_API}{someone.pk}/", json.dumps({"expertise_fields": ["7.1"]}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "7.1" in json.dumps(response.json())


def test_api_organizations_filter_by_field(client: Client) -> None:
    historians = OrganizationFactory(slug="historians")
    historians.expertise_fields.set([expertise_field("6.1")])
    OrganizationFactory(slug="engineers").expertise_fields.set([expertise_field("2.1")])
    body = client.get("/api/v1/organizations/", {"expertise": "6"}).json()
    assert [row["slug"] for row in body["results"]] == ["historians"]
    assert body["results"][0]["expertise_fields"] == ["6.1"]


# --- pages ------------------------------------------------------------------------------------------------------


def test_people_list_filters_by_field(staff_client: Client, organization: Organization) -> None:
    person(organization, "Historian", "6.1")
    person(organization, "Economist", "5.2")
    response = staff_client.get("/people/", {"field": "5"})
    assert [p.display_name for p in response.context["page"].object_list] == ["Economist"]


def test_people_list_filters_by_keyword(staff_client: Client, organization: Organization) -> None:
    person(organization, "Archivist", keywords=("archives",))
    person(organization, "Poet", keywords=("poetry",))
    response = staff_client.get("/people/", {"expertise": "Poetry"})
    assert [p.display_name for p in response.context["page"].object_list] == ["Poet"]


def test_people_list_offers_the_fields_in_the_visitors_language(staff_client: Client) -> None:
    page = staff_client.get("/people/", headers={"accept-language": "hu"}).content.decode()
    assert "Közgazdaság- és gazdálkodástudományok" in page


def test_person_edit_page_saves_fields(staff_client: Client, organization: Organization) -> None:
    someone = PersonFactory(registered_by=organization, display_name="Aigerim Fields", residence_country=country("DE"))
    response = staff_client.post(
        f"/people/{someone.pk}/edit/", {"display_name": "Aigerim Fields", "expertise_fields": ["6.2", "6.4"]}
    )
    assert response.status_code == 302
    assert sorted(someone.expertise_fields.values_list("code", flat=True)) == ["6.2", "6.4"]


def test_person_edit_page_records_the_expertise_consent_and_how(
    staff_client: Client, organization: Organization
) -> None:
    someone = PersonFactory(registered_by=organization, display_name="Aigerim Consent")
    staff_client.post(
        f"/people/{someone.pk}/edit/",
        {"display_name": "Aigerim Consent", "expertise_consent": "on", "consent_method": "email"},
    )
    consent = someone.consents.get(purpose="expertise")
    assert (consent.method, consent.is_active) == ("email", True)
    assert AuditEntry.objects.filter(action="registry.consent_given").count() == 1


def test_unticking_the_expertise_consent_withdraws_it(staff_client: Client, organization: Organization) -> None:
    someone = person(organization, "Aigerim Withdraws", "6.1")
    staff_client.post(f"/people/{someone.pk}/edit/", {"display_name": "Aigerim Withdraws"})
    assert not someone.consents.filter(purpose="expertise", withdrawn_at__isnull=True).exists()


def test_saving_the_form_again_keeps_one_expertise_consent(staff_client: Client, organization: Organization) -> None:
    someone = person(organization, "Aigerim Keeps", "6.1")
    staff_client.post(f"/people/{someone.pk}/edit/", {"display_name": "Aigerim Keeps", "expertise_consent": "on"})
    assert someone.consents.filter(purpose="expertise").count() == 1


def test_person_create_page_records_the_expertise_consent(staff_client: Client) -> None:
    staff_client.post(
        "/people/new/", {"display_name": "Daulet New", "expertise_fields": ["6.1"], "expertise_consent": "on"}
    )
    created = Person.objects.get(display_name="Daulet New")
    assert created.consents.filter(purpose="expertise", withdrawn_at__isnull=True).exists()


def test_person_page_shows_fields_and_orcid_link(staff_client: Client, organization: Organization) -> None:
    someone = person(organization, "Shown", "6.1")
    services.person_update(person=someone, orcid="0000-0002-1825-0097", acting_user=None)
    page = staff_client.get(f"/people/{someone.pk}/").content.decode()
    assert "History and archaeology" in page
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page


def test_organization_edit_page_saves_fields(client: Client, org_admin: User, organization: Organization) -> None:
    client.force_login(org_admin)
    response = client.post(
        f"/organizations/{organization.slug}/edit/",
        {"name_en": "Centre", "kind": "cultural_centre", "expertise_fields": ["6.2"]},
    )
    assert response.status_code == 302
    assert list(organization.expertise_fields.values_list("code", flat=True)) == ["6.2"]


def test_organization_page_shows_its_fields(client: Client, organization: Organization) -> None:
    organization.expertise_fields.set([expertise_field("6.4")])
    page = client.get(organization.get_absolute_url(), headers={"accept-language": "ru"}).content.decode()
    assert "Искусство" in page


# --- the demo -----------------------------------------------------------------------------------------------------


def test_demo_people_carry_fields_that_follow_their_keywords_and_some_consent_to_matching() -> None:
    from django.core.management import call_command

    from tamyr.registry.demo.people import FIELD_OF_KEYWORD

    call_command("demo", people=40, stdout=__import__("io").StringIO())
    generated = Person.objects.filter(email__startswith="demo.person.").prefetch_related("expertise_fields")
    for someone in generated:
        expected = {FIELD_OF_KEYWORD[word] for word in someone.expertise if word in FIELD_OF_KEYWORD}
        assert {f.code for f in someone.expertise_fields.all()} == expected
    consenting = generated.filter(consents__purpose="expertise").count()
    assert 0 < consenting < generated.count()


def test_the_admin_lists_the_classification_but_never_changes_it(client: Client, platform_admin: User) -> None:
    client.force_login(platform_admin)
    assert client.get("/admin/registry/expertisefield/").status_code == 200
    assert client.get("/admin/registry/expertisefield/add/").status_code == 403
