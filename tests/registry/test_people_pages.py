"""Staff pages for people: the list with its cross-script search and exports, the create and edit forms."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.registry.models import Organization, Person
from tests.factories import PersonFactory, country

pytestmark = pytest.mark.django_db

PEOPLE = "/people/"


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


@pytest.fixture
def tokayev(organization: Organization) -> Person:
    return PersonFactory(
        display_name="Kassym Tokayev", registered_by=organization, variants=["Қасым Тоқаев", "Kasım Tokayev"]
    )


def listed(response: Any) -> list[str]:
    return [person.display_name for person in response.context["page"].object_list]


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def person_form(**changes: Any) -> dict[str, Any]:
    data = {
        "display_name": "Aigerim Sarsenova",
        "name_variants": "Айгерім Сәрсенова\nAygerim Sarsenova",
        "residence_country": "DE",
        "residence_city": "Berlin",
        "citizenships": ["KZ"],
        "gender": "female",
        "birth_year": "1998",
        "email": "aigerim@example.org",
        "phone": "+49 30 1234567",
        "expertise": "history, IT",
    }
    data.update(changes)
    return data


# --- the list ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Тоқаев", "Токаев", "Tokayev", "Kasım", "қасым тоқаев"])
def test_people_search_finds_a_name_in_any_script(staff_client: Client, tokayev: Person, text: str) -> None:
    PersonFactory(display_name="Marat Bekov", registered_by=tokayev.registered_by)
    assert listed(staff_client.get(PEOPLE, {"q": text})) == ["Kassym Tokayev"]


@pytest.mark.parametrize("text", ["Kassym Tokayev", "Tokayev", "Kasım Tokayev"])
def test_people_search_finds_a_person_written_only_in_cyrillic_by_a_latin_spelling(
    staff_client: Client, organization: Organization, text: str
) -> None:
    PersonFactory(display_name="Қасым Тоқаев", registered_by=organization)
    PersonFactory(display_name="Marat Bekov", registered_by=organization)
    assert listed(staff_client.get(PEOPLE, {"q": text})) == ["Қасым Тоқаев"]


def test_people_search_shows_the_other_spellings(staff_client: Client, tokayev: Person) -> None:
    page = staff_client.get(PEOPLE, {"q": "Тоқаев"}).content.decode()
    assert "Қасым Тоқаев" in page
    assert "Kasım Tokayev" in page


def test_people_list_filters_by_country_of_residence(staff_client: Client, organization: Organization) -> None:
    PersonFactory(display_name="In Germany", registered_by=organization, residence_country=country("DE"))
    PersonFactory(display_name="In Turkiye", registered_by=organization, residence_country=country("TR"))
    assert listed(staff_client.get(PEOPLE, {"country": "DE"})) == ["In Germany"]


def test_people_list_leaves_out_erased_people(staff_client: Client, organization: Organization) -> None:
    from django.utils import timezone

    PersonFactory(display_name="Erased person #1", registered_by=organization, erased_at=timezone.now())
    PersonFactory(display_name="Kept", registered_by=organization)
    assert listed(staff_client.get(PEOPLE)) == ["Kept"]


def test_people_list_shows_25_a_page(staff_client: Client, organization: Organization) -> None:
    PersonFactory.create_batch(30, registered_by=organization)
    first = staff_client.get(PEOPLE)
    assert len(first.context["page"].object_list) == 25
    assert len(staff_client.get(PEOPLE, {"page": 2}).context["page"].object_list) == 5


def test_people_list_says_so_when_nobody_matches(staff_client: Client, tokayev: Person) -> None:
    response = staff_client.get(PEOPLE, {"q": "Zzyzx"})
    assert "Nobody matches" in response.content.decode()


def test_people_list_runs_a_constant_number_of_queries(
    staff_client: Client, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    for person in PersonFactory.create_batch(30, registered_by=organization, variants=["Вариант", "Variant"]):
        person.citizenships.add(country("KZ"))
    # measured 11: session, user, roles (2), MFA check, count, audit row, countries, people, variants, citizenships
    with django_assert_max_num_queries(14):
        response = staff_client.get(PEOPLE)
    assert len(response.context["page"].object_list) == 25


def test_people_search_runs_a_constant_number_of_queries(
    staff_client: Client, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    PersonFactory.create_batch(30, registered_by=organization, variants=["Aidar Variant"])
    with django_assert_max_num_queries(15):  # measured 10 on SQLite, 14 on PostgreSQL (the trigram pass)
        response = staff_client.get(PEOPLE, {"q": "Variant"})
    assert response.context["page"].paginator.count == 30


def test_listing_people_writes_an_audit_row(staff_client: Client, org_staff: User, tokayev: Person) -> None:
    staff_client.get(PEOPLE, {"q": "Tokayev"})
    entry = AuditEntry.objects.get(action="registry.people_listed")
    assert entry.actor == org_staff
    assert entry.data["search"] == "Tokayev"


# --- exports -------------------------------------------------------------------------------------------------


def test_people_csv_export_has_every_matching_person(staff_client: Client, tokayev: Person) -> None:
    rows = csv_rows(staff_client.get(PEOPLE, {"export": "csv", "q": "Tokayev"}))
    assert rows[0] == ["ID", "Name", "Other names", "Country of residence", "City", "Year of birth", "E-mail"]
    assert rows[1][:3] == [str(tokayev.pk), "Kassym Tokayev", "Қасым Тоқаев; Kasım Tokayev"]
    assert rows[1][3] == "Türkiye"


def test_people_xlsx_export_opens_in_openpyxl(staff_client: Client, tokayev: Person) -> None:
    response = staff_client.get(PEOPLE, {"export": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Name"
    assert rows[1][0] == tokayev.pk
    assert rows[1][1] == "Kassym Tokayev"


def test_people_export_contains_only_people_in_the_staff_scope(staff_client: Client, tokayev: Person) -> None:
    PersonFactory(display_name="Kept elsewhere")  # registered by another organization
    names = [row[1] for row in csv_rows(staff_client.get(PEOPLE, {"export": "csv"}))[1:]]
    assert names == ["Kassym Tokayev"]


# --- creating a person ---------------------------------------------------------------------------------------


def test_staff_add_a_person_with_the_form(staff_client: Client, organization: Organization) -> None:
    response = staff_client.post("/people/new/", person_form())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.residence_country_id == "DE"
    assert person.registered_by == organization
    assert person.expertise == ["history", "IT"]
    assert list(person.citizenships.values_list("code", flat=True)) == ["KZ"]


def test_form_keeps_every_spelling_of_the_name(staff_client: Client) -> None:
    staff_client.post("/people/new/", person_form())
    texts = set(Person.objects.get().name_variants.values_list("text", flat=True))
    assert texts == {"Aigerim Sarsenova", "Айгерім Сәрсенова", "Aygerim Sarsenova"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", ""),
        ("birth_year", "1800"),
        ("email", "not-an-address"),
        ("residence_country", "XX"),
        ("gender", "unknown"),
    ],
)
def test_bad_input_on_the_create_form_shows_the_error_and_saves_nothing(
    staff_client: Client, field: str, value: str
) -> None:
    response = staff_client.post("/people/new/", person_form(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="errors"' in response.content.decode()
    assert Person.objects.count() == 0


def test_birth_year_in_the_future_is_refused_with_the_services_message(staff_client: Client) -> None:
    response = staff_client.post("/people/new/", person_form(birth_year="2099"))
    assert "The year of birth must be between 1900" in response.content.decode()
    assert Person.objects.count() == 0


def test_new_person_form_keeps_what_was_typed_after_an_error(staff_client: Client) -> None:
    response = staff_client.post("/people/new/", person_form(email="broken"))
    assert "Aigerim Sarsenova" in response.content.decode()


# --- editing a person ----------------------------------------------------------------------------------------


def test_edit_form_shows_the_current_values(staff_client: Client, tokayev: Person) -> None:
    page = staff_client.get(f"/people/{tokayev.pk}/edit/").content.decode()
    assert "Kassym Tokayev" in page
    assert "Қасым Тоқаев" in page


def test_staff_change_a_person_with_the_form(staff_client: Client, tokayev: Person) -> None:
    response = staff_client.post(
        f"/people/{tokayev.pk}/edit/",
        person_form(display_name="Kassym Tokayev", name_variants="Қасым Тоқаев", residence_city="Ankara"),
    )
    assert response.status_code == 302
    tokayev.refresh_from_db()
    assert tokayev.residence_city == "Ankara"
    assert set(tokayev.name_variants.values_list("text", flat=True)) == {"Kassym Tokayev", "Қасым Тоқаев"}


def test_changing_a_person_with_the_form_writes_an_audit_row(
    staff_client: Client, org_staff: User, tokayev: Person
) -> None:
    staff_client.post(f"/people/{tokayev.pk}/edit/", person_form(display_name="Kassym Tokayev"))
    entry = AuditEntry.objects.get(action="registry.person_changed", target_id=str(tokayev.pk))
    assert entry.actor == org_staff
    assert "residence_city" in entry.data["fields"]


def test_bad_input_on_the_edit_form_shows_the_error_and_changes_nothing(staff_client: Client, tokayev: Person) -> None:
    response = staff_client.post(f"/people/{tokayev.pk}/edit/", person_form(display_name="Renamed", birth_year="1800"))
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"]
    tokayev.refresh_from_db()
    assert tokayev.display_name == "Kassym Tokayev"
    assert not AuditEntry.objects.filter(action="registry.person_changed").exists()


# --- one person's page ---------------------------------------------------------------------------------------


def test_person_page_shows_every_spelling(staff_client: Client, tokayev: Person) -> None:
    page = staff_client.get(tokayev.get_absolute_url()).content.decode()
    assert "Қасым Тоқаев" in page
    assert "Kasım Tokayev" in page


def test_opening_a_person_writes_an_audit_row(staff_client: Client, org_staff: User, tokayev: Person) -> None:
    staff_client.get(tokayev.get_absolute_url())
    assert AuditEntry.objects.filter(
        action="registry.person_viewed", actor=org_staff, target_id=str(tokayev.pk)
    ).exists()
