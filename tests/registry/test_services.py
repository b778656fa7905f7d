"""The registry's write services: the rules live here, so they are tested here without any page or endpoint."""

from __future__ import annotations

import pytest

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.names import search_key
from tamyr.registry import services
from tamyr.registry.models import Organization, Person, Script
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db: None) -> User:
    return UserFactory(username="registrar")


# --- scripts and name variants -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Қасым Тоқаев", Script.CYRILLIC),
        ("Kassym Tokayev", Script.LATIN),
        ("قاسم", Script.ARABIC),
        ("123", Script.OTHER),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert services.detect_script(text) == script


def test_display_name_is_always_one_of_the_variants(actor: User) -> None:
    person = services.person_create(display_name="Қасым Тоқаев", name_variants=["Kassym Tokayev"], acting_user=actor)
    assert list(person.name_variants.values_list("text", "script")) == [
        ("Қасым Тоқаев", "Cyrl"),
        ("Kassym Tokayev", "Latn"),
    ]


def test_variants_carry_a_cross_script_search_key(actor: User) -> None:
    person = services.person_create(display_name="Қасым Тоқаев", acting_user=actor)
    key = person.name_variants.get().key
    assert key == search_key("Қасым Тоқаев")
    assert key.isascii()


def test_repeated_variants_are_kept_once(actor: User) -> None:
    person = services.person_create(
        display_name="Aigerim", name_variants=["Aigerim", "Айгерім", "Айгерім"], acting_user=actor
    )
    assert person.name_variants.count() == 2


def test_a_variant_may_name_its_language(actor: User) -> None:
    person = services.person_create(
        display_name="Kasım Tokayev", name_variants=[{"text": "Касым Токаев", "language": "ru"}], acting_user=actor
    )
    assert person.name_variants.get(text="Касым Токаев").language == "ru"


def test_an_empty_variant_is_refused(actor: User) -> None:
    with pytest.raises(DomainError) as error:
        services.person_create(display_name="Aigerim", name_variants=["  "], acting_user=actor)
    assert error.value.field == "name_variants"
    assert Person.objects.count() == 0


def test_a_blank_display_name_is_refused(actor: User) -> None:
    with pytest.raises(DomainError) as error:
        services.person_create(display_name="   ", acting_user=actor)
    assert error.value.field == "display_name"


def test_renaming_keeps_the_other_variants_and_adds_the_new_name(actor: User) -> None:
    person = services.person_create(display_name="Aigerim", name_variants=["Айгерім"], acting_user=actor)
    services.person_update(person=person, display_name="Aigerim Sarsenova", acting_user=actor)
    assert set(person.name_variants.values_list("text", flat=True)) == {"Aigerim Sarsenova", "Aigerim", "Айгерім"}


# --- person fields -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1800, 1899, 2999])
def test_implausible_birth_year_is_refused(actor: User, year: int) -> None:
    with pytest.raises(DomainError) as error:
        services.person_create(display_name="Aigerim", birth_year=year, acting_user=actor)
    assert error.value.field == "birth_year"


def test_expertise_must_be_a_list_of_words(actor: User) -> None:
    with pytest.raises(DomainError) as error:
        services.person_create(display_name="Aigerim", expertise="history", acting_user=actor)
    assert error.value.field == "expertise"


def test_unknown_person_field_is_refused(actor: User) -> None:
    with pytest.raises(DomainError):
        services.person_create(display_name="Aigerim", erased_at=None, acting_user=actor)


def test_citizenships_and_languages_are_stored(actor: User) -> None:
    person = services.person_create(
        display_name="Aigerim",
        citizenships=[country("KZ"), country("DE")],
        languages=[("kk", "native"), ("de", "C1")],
        acting_user=actor,
    )
    assert set(person.citizenships.values_list("code", flat=True)) == {"KZ", "DE"}
    assert set(person.languages.values_list("language", "level")) == {("kk", "native"), ("de", "C1")}


def test_creating_a_person_records_the_given_consents(actor: User) -> None:
    person = services.person_create(display_name="Aigerim", consents=[("registry", "paper")], acting_user=actor)
    consent = person.consents.get()
    assert (consent.purpose, consent.method, consent.withdrawn_at) == ("registry", "paper", None)


def test_unknown_consent_purpose_is_refused(actor: User) -> None:
    person = PersonFactory()
    with pytest.raises(DomainError):
        services.consent_give(person=person, purpose="marketing", method="web_form", acting_user=actor)
    assert person.consents.count() == 0


def test_withdrawing_twice_changes_nothing_the_second_time(actor: User) -> None:
    person = services.person_create(display_name="Aigerim", consents=[("contact", "paper")], acting_user=actor)
    consent = person.consents.get()
    services.consent_withdraw(consent=consent, acting_user=actor)
    first = consent.withdrawn_at
    services.consent_withdraw(consent=consent, acting_user=actor)
    assert consent.withdrawn_at == first
    assert AuditEntry.objects.filter(action="registry.consent_withdrawn").count() == 1


def test_erasing_twice_is_refused(actor: User) -> None:
    person = PersonFactory()
    services.person_erase(person=person, acting_user=actor)
    with pytest.raises(DomainError) as error:
        services.person_erase(person=person, acting_user=actor)
    assert error.value.code == "erased"


def test_erasing_blanks_affiliation_roles_but_keeps_the_affiliation(actor: User) -> None:
    from tests.factories import AffiliationFactory

    affiliation = AffiliationFactory(role="chair of the youth council")
    services.person_erase(person=affiliation.person, acting_user=actor)
    affiliation.refresh_from_db()
    assert affiliation.role == ""


# --- organizations -------------------------------------------------------------------------------------------


def test_organization_update_changes_only_the_given_fields_and_audits_them(actor: User) -> None:
    organization = OrganizationFactory(city="Astana", phone="+7 7172 000000")
    services.organization_update(organization=organization, data={"city": "Almaty"}, acting_user=actor)
    organization.refresh_from_db()
    assert (organization.city, organization.phone) == ("Almaty", "+7 7172 000000")
    assert AuditEntry.objects.get(action="registry.organization_changed").data == {"fields": ["city"]}


def test_organization_update_without_changes_writes_no_audit_row(actor: User) -> None:
    organization = OrganizationFactory(city="Astana")
    services.organization_update(organization=organization, data={"city": "Astana"}, acting_user=actor)
    assert not AuditEntry.objects.filter(action="registry.organization_changed").exists()


def test_organization_cannot_be_its_own_parent(actor: User) -> None:
    organization = OrganizationFactory()
    with pytest.raises(DomainError) as error:
        services.organization_update(organization=organization, data={"parent": organization}, acting_user=actor)
    assert error.value.field == "parent"


def test_organization_needs_a_name_in_some_language(actor: User) -> None:
    organization = OrganizationFactory()
    with pytest.raises(DomainError) as error:
        services.organization_update(organization=organization, data={"name": {"en": "  "}}, acting_user=actor)
    assert error.value.field == "name"


def test_organization_name_with_an_unknown_language_is_refused(actor: User) -> None:
    organization = OrganizationFactory(name={"en": "House of Abai"})
    with pytest.raises(DomainError):
        services.organization_update(organization=organization, data={"name": {"xx": "?"}}, acting_user=actor)
    organization.refresh_from_db()
    assert organization.name == {"en": "House of Abai"}


def test_fields_outside_the_profile_cannot_be_changed(actor: User) -> None:
    organization = OrganizationFactory()
    with pytest.raises(DomainError):
        services.organization_update(organization=organization, data={"is_active": False}, acting_user=actor)


def test_organization_create_refuses_a_taken_address(actor: User) -> None:
    OrganizationFactory(slug="otandastar")
    with pytest.raises(DomainError) as error:
        services.organization_create(slug="otandastar", name={"en": "Otandastar"}, kind="ngo", acting_user=actor)
    assert error.value.field == "slug"


def test_organization_create_cleans_the_translations_and_audits(actor: User) -> None:
    organization = services.organization_create(
        slug="otandastar",
        name={"en": " Otandastar Foundation ", "kk": "Отандастар қоры"},
        kind="state_institution",
        acting_user=actor,
        description={"en": "Supports compatriots abroad.", "ru": ""},
    )
    assert organization.name == {"en": "Otandastar Foundation", "kk": "Отандастар қоры"}
    assert organization.description == {"en": "Supports compatriots abroad."}
    assert AuditEntry.objects.filter(action="registry.organization_created", target_id=str(organization.pk)).exists()


def test_organization_create_refuses_an_empty_name(actor: User) -> None:
    with pytest.raises(DomainError):
        services.organization_create(slug="nameless", name={}, kind="ngo", acting_user=actor)
    assert not Organization.objects.filter(slug="nameless").exists()
