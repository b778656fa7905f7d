"""The public directory of organizations and the organization admin's edit form."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Organization
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    UserFactory,
    country,
    grant,
    with_totp,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/organizations/"


def listed(response: Any) -> list[str]:
    return [organization.slug for organization in response.context["page"].object_list]


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def edit_form(**changes: str) -> dict[str, str]:
    data = {"name_en": "Kazakh Cultural Centre Istanbul", "kind": "cultural_centre", "country": "TR"}
    data.update(changes)
    return data


# --- the directory -------------------------------------------------------------------------------------------


def test_directory_filters_by_country(client: Client) -> None:
    OrganizationFactory(slug="in-kazakhstan", country=country("KZ"))
    OrganizationFactory(slug="in-turkiye", country=country("TR"))
    assert listed(client.get(DIRECTORY, {"country": "TR"})) == ["in-turkiye"]


def test_directory_filters_by_kind(client: Client) -> None:
    OrganizationFactory(slug="an-ngo", kind="ngo")
    OrganizationFactory(slug="a-university", kind="university")
    assert listed(client.get(DIRECTORY, {"kind": "university"})) == ["a-university"]


def test_directory_filters_by_network(client: Client) -> None:
    network = NetworkFactory(slug="ots-diaspora")
    NetworkMembershipFactory(network=network, organization=OrganizationFactory(slug="otandastar"))
    OrganizationFactory(slug="not-a-member")
    assert listed(client.get(DIRECTORY, {"network": "ots-diaspora"})) == ["otandastar"]


def test_directory_search_finds_a_name_given_in_another_language(client: Client) -> None:
    OrganizationFactory(slug="abai-uii", name={"en": "House of Abai", "ky": "Абай үйү"})
    OrganizationFactory(slug="other")
    response = client.get(DIRECTORY, {"q": "Абай үйү"})
    assert listed(response) == ["abai-uii"]
    assert "House of Abai" in response.content.decode()


def test_directory_combines_filters(client: Client) -> None:
    OrganizationFactory(slug="ngo-in-turkiye", kind="ngo", country=country("TR"))
    OrganizationFactory(slug="ngo-in-kazakhstan", kind="ngo", country=country("KZ"))
    OrganizationFactory(slug="centre-in-turkiye", kind="cultural_centre", country=country("TR"))
    assert listed(client.get(DIRECTORY, {"kind": "ngo", "country": "TR"})) == ["ngo-in-turkiye"]


def test_directory_leaves_out_inactive_organizations(client: Client) -> None:
    OrganizationFactory(slug="closed", is_active=False)
    OrganizationFactory(slug="open")
    assert listed(client.get(DIRECTORY)) == ["open"]


def test_directory_shows_25_organizations_a_page(client: Client) -> None:
    OrganizationFactory.create_batch(30)
    first = client.get(DIRECTORY)
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 30


def test_directory_second_page_shows_the_rest(client: Client) -> None:
    OrganizationFactory.create_batch(30)
    assert len(client.get(DIRECTORY, {"page": 2}).context["page"].object_list) == 5


def test_directory_page_links_keep_the_filters(client: Client) -> None:
    OrganizationFactory.create_batch(30, kind="ngo")
    page = client.get(DIRECTORY, {"kind": "ngo"}).content.decode()
    assert "kind=ngo&amp;page=2" in page or "page=2&amp;kind=ngo" in page


def test_directory_says_so_when_nothing_matches(client: Client) -> None:
    OrganizationFactory()
    response = client.get(DIRECTORY, {"q": "no such organization anywhere"})
    assert "No organization matches these filters" in response.content.decode()


def test_directory_search_fragment_for_htmx_has_no_page_frame(client: Client) -> None:
    OrganizationFactory(name={"en": "Otandastar Foundation"})
    response = client.get(DIRECTORY, headers={"HX-Request": "true"})
    assert "Otandastar Foundation" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_directory_page_runs_a_constant_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    network = NetworkFactory()
    for organization in OrganizationFactory.create_batch(30):
        NetworkMembershipFactory(network=network, organization=organization)
    with django_assert_max_num_queries(8):  # measured 5: count, organizations, memberships, countries, networks
        response = client.get(DIRECTORY)
    assert len(response.context["page"].object_list) == 25


# --- exports -------------------------------------------------------------------------------------------------


def test_directory_csv_export_lists_the_filtered_organizations(client: Client) -> None:
    network = NetworkFactory(name={"en": "Abai Uii network"})
    NetworkMembershipFactory(
        network=network,
        organization=OrganizationFactory(name={"en": "House of Abai"}, kind="cultural_centre", city="Bishkek"),
    )
    OrganizationFactory(name={"en": "Some NGO"}, kind="ngo")
    rows = csv_rows(client.get(DIRECTORY, {"export": "csv", "kind": "cultural_centre"}))
    assert rows[0] == ["Name", "Kind", "Country", "City", "Website", "E-mail", "Networks"]
    assert rows[1:] == [["House of Abai", "Cultural centre", "Kazakhstan", "Bishkek", "", "", "Abai Uii network"]]


def test_directory_csv_export_is_a_download(client: Client) -> None:
    response = client.get(DIRECTORY, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="organizations.csv"'


def test_directory_csv_export_keeps_cyrillic(client: Client) -> None:
    OrganizationFactory(name={"en": "Отандастар қоры"})
    assert csv_rows(client.get(DIRECTORY, {"export": "csv"}))[1][0] == "Отандастар қоры"


def test_directory_xlsx_export_opens_in_openpyxl(client: Client) -> None:
    OrganizationFactory(name={"en": "House of Abai"}, city="Bishkek")
    response = client.get(DIRECTORY, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    assert rows[1][0] == "House of Abai"
    assert rows[1][3] == "Bishkek"


def test_directory_export_is_not_paginated(client: Client) -> None:
    OrganizationFactory.create_batch(30)
    assert len(csv_rows(client.get(DIRECTORY, {"export": "csv", "page": 1}))) == 31


# --- the organization's page and its edit form ---------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client, org_admin: User) -> Client:
    client.force_login(org_admin)
    return client


def test_organization_page_shows_its_networks(client: Client, organization: Organization) -> None:
    NetworkMembershipFactory(
        network=NetworkFactory(name={"en": "OTS diaspora institutions"}), organization=organization
    )
    assert "OTS diaspora institutions" in client.get(organization.get_absolute_url()).content.decode()


def test_unknown_organization_is_404(client: Client) -> None:
    assert client.get("/organizations/nowhere/").status_code == 404


def test_admin_sees_an_edit_link_on_their_organization(admin_client: Client, organization: Organization) -> None:
    assert (
        f"/organizations/{organization.slug}/edit/"
        in admin_client.get(organization.get_absolute_url()).content.decode()
    )


def test_visitor_sees_no_edit_link(client: Client, organization: Organization) -> None:
    assert "/edit/" not in client.get(organization.get_absolute_url()).content.decode()


def test_edit_form_shows_the_current_translations(admin_client: Client, organization: Organization) -> None:
    organization.description = {"kk": "Қазақ мәдени орталығы"}
    organization.save()
    page = admin_client.get(f"/organizations/{organization.slug}/edit/").content.decode()
    assert "Қазақ мәдени орталығы" in page


def test_admin_saves_translations(admin_client: Client, organization: Organization) -> None:
    response = admin_client.post(
        f"/organizations/{organization.slug}/edit/",
        edit_form(
            name_kk="Стамбұлдағы қазақ мәдени орталығы",
            description_en="We teach Kazakh.",
            description_kk="Қазақ тілін оқытамыз.",
        ),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == {"en": "Kazakh Cultural Centre Istanbul", "kk": "Стамбұлдағы қазақ мәдени орталығы"}
    assert organization.description == {"en": "We teach Kazakh.", "kk": "Қазақ тілін оқытамыз."}


def test_saving_the_profile_writes_an_audit_row(
    admin_client: Client, org_admin: User, organization: Organization
) -> None:
    admin_client.post(f"/organizations/{organization.slug}/edit/", edit_form(city="Istanbul"))
    entry = AuditEntry.objects.get(action="registry.organization_changed")
    assert entry.actor == org_admin
    assert "city" in entry.data["fields"]


def test_public_page_shows_the_description_in_the_visitors_language(
    admin_client: Client, client: Client, organization: Organization
) -> None:
    admin_client.post(
        f"/organizations/{organization.slug}/edit/",
        edit_form(description_en="We teach Kazakh.", description_kk="Қазақ тілін оқытамыз."),
    )
    visitor = Client()
    visitor.cookies["django_language"] = "kk"
    page = visitor.get(organization.get_absolute_url()).content.decode()
    assert "Қазақ тілін оқытамыз." in page
    assert "We teach Kazakh." not in page


def test_public_page_falls_back_to_english_for_a_missing_language(
    admin_client: Client, organization: Organization
) -> None:
    admin_client.post(
        f"/organizations/{organization.slug}/edit/",
        edit_form(description_en="We teach Kazakh.", description_kk="Қазақ тілін оқытамыз."),
    )
    visitor = Client()
    visitor.cookies["django_language"] = "hu"
    assert "We teach Kazakh." in visitor.get(organization.get_absolute_url()).content.decode()


def test_edit_without_any_name_shows_an_error_and_saves_nothing(
    admin_client: Client, organization: Organization
) -> None:
    before = organization.name
    response = admin_client.post(f"/organizations/{organization.slug}/edit/", edit_form(name_en="", city="Changed"))
    assert response.status_code == 200
    assert "Give the text in at least one language." in response.content.decode()
    organization.refresh_from_db()
    assert organization.name == before
    assert organization.city != "Changed"


def test_edit_with_a_bad_website_shows_an_error_and_saves_nothing(
    admin_client: Client, organization: Organization
) -> None:
    response = admin_client.post(f"/organizations/{organization.slug}/edit/", edit_form(website="not a url", city="X"))
    assert response.context["form"].errors["website"]
    organization.refresh_from_db()
    assert organization.city != "X"


def test_staff_who_are_not_admins_get_403_on_the_edit_form(
    client: Client, org_staff: User, organization: Organization
) -> None:
    client.force_login(org_staff)
    assert client.get(f"/organizations/{organization.slug}/edit/").status_code == 403


def test_admin_of_another_organization_cannot_post_changes(client: Client, organization: Organization) -> None:
    other_admin = UserFactory()
    grant(other_admin, OrganizationFactory(), "admin")
    with_totp(other_admin)
    client.force_login(other_admin)
    response = client.post(f"/organizations/{organization.slug}/edit/", edit_form(city="Hijacked"))
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.city != "Hijacked"
