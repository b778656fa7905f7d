"""Personal data: a compatriot's download and erasure, audited reads, and heritage only with its own consent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.registry import services
from tamyr.registry.models import Consent, ConsentMethod, ConsentPurpose, Organization, Person
from tests.factories import AffiliationFactory, ConsentFactory, OrganizationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(db: None) -> User:
    return UserFactory(username="aigerim", email="aigerim@example.org")


@pytest.fixture
def my_record(me: User, organization: Organization) -> Person:
    person = PersonFactory(
        display_name="Aigerim Sarsenova",
        user=me,
        registered_by=organization,
        variants=["Айгерім Сәрсенова"],
        email="aigerim@example.org",
        phone="+49 30 1234567",
        birth_year=1998,
        expertise=["history"],
    )
    ConsentFactory(person=person, purpose=ConsentPurpose.REGISTRY)
    AffiliationFactory(person=person, organization=OrganizationFactory(slug="abai-uii-berlin"), role="volunteer")
    return person


@pytest.fixture
def my_client(client: Client, me: User) -> Client:
    client.force_login(me)
    return client


def download(client: Client) -> dict[str, Any]:
    response = client.get("/me/data.json")
    assert response.status_code == 200
    return json.loads(response.content)


# --- my data -------------------------------------------------------------------------------------------------


def test_my_data_is_a_json_download(my_client: Client, my_record: Person) -> None:
    response = my_client.get("/me/data.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="my-tamyr-data.json"'


def test_my_data_has_my_name_variants(my_client: Client, my_record: Person) -> None:
    texts = {variant["text"] for variant in download(my_client)["name_variants"]}
    assert texts == {"Aigerim Sarsenova", "Айгерім Сәрсенова"}


def test_my_data_has_my_consents(my_client: Client, my_record: Person) -> None:
    consents = download(my_client)["consents"]
    assert [(c["purpose"], c["method"], c["withdrawn_at"]) for c in consents] == [("registry", "web_form", None)]


def test_my_data_has_my_affiliations(my_client: Client, my_record: Person) -> None:
    affiliations = download(my_client)["affiliations"]
    assert [(a["organization"], a["role"]) for a in affiliations] == [("abai-uii-berlin", "volunteer")]


def test_my_data_has_my_contacts_and_account(my_client: Client, my_record: Person) -> None:
    data = download(my_client)
    assert data["person"]["email"] == "aigerim@example.org"
    assert data["person"]["phone"] == "+49 30 1234567"
    assert data["account"]["username"] == "aigerim"


def test_my_data_lists_who_read_my_record(my_client: Client, my_record: Person, org_staff: User) -> None:
    staff = Client()
    staff.force_login(org_staff)
    staff.get(my_record.get_absolute_url())
    log = download(my_client)["audit_log"]
    assert ("registry.person_viewed", "orgstaff") in {(entry["action"], entry["by"]) for entry in log}


def test_my_data_without_a_record_still_gives_my_account(my_client: Client) -> None:
    data = download(my_client)
    assert data["person"] is None
    assert data["account"]["email"] == "aigerim@example.org"


def test_my_data_needs_sign_in(client: Client) -> None:
    assert client.get("/me/data.json").status_code == 302


# --- erasing myself ------------------------------------------------------------------------------------------


def test_erasing_myself_replaces_my_name(my_client: Client, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    my_record.refresh_from_db()
    assert "Aigerim" not in my_record.display_name
    assert my_record.display_name == f"Erased person #{my_record.pk}"


def test_erasing_myself_removes_variants_contacts_and_birth_year(my_client: Client, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    my_record.refresh_from_db()
    assert my_record.name_variants.count() == 0
    assert (my_record.email, my_record.phone, my_record.birth_year, my_record.expertise) == ("", "", None, [])


def test_erasing_myself_sets_erased_at(my_client: Client, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    my_record.refresh_from_db()
    assert my_record.erased_at is not None


def test_erasing_myself_keeps_the_row_so_counts_stay_right(my_client: Client, my_record: Person) -> None:
    before = Person.objects.count()
    my_client.post("/me/erase/", {"confirm": "yes"})
    assert Person.objects.count() == before
    assert Person.objects.filter(pk=my_record.pk).exists()


def test_erasing_myself_withdraws_my_consents(my_client: Client, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    assert not Consent.objects.filter(person=my_record, withdrawn_at__isnull=True).exists()


def test_erasing_myself_deactivates_my_account(my_client: Client, me: User, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    me.refresh_from_db()
    assert me.is_active is False
    assert me.email == ""
    assert not me.has_usable_password()
    assert "aigerim" not in me.username


def test_erasing_myself_logs_me_out(my_client: Client, my_record: Person) -> None:
    response = my_client.post("/me/erase/", {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in my_client.session


def test_erasing_myself_writes_an_audit_row(my_client: Client, me: User, my_record: Person) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    assert AuditEntry.objects.filter(action="registry.person_erased", target_id=str(my_record.pk)).exists()


def test_erasing_myself_leaves_my_name_in_no_audit_row(my_client: Client, my_record: Person, org_staff: User) -> None:
    staff = Client()
    staff.force_login(org_staff)
    staff.get(my_record.get_absolute_url())
    my_client.get("/me/data.json")
    my_client.post("/me/erase/", {"confirm": "yes"})
    labels = AuditEntry.objects.values_list("target_label", "actor_label")
    assert not [row for row in labels if any("Aigerim" in label or "aigerim" in label for label in row)]


def test_erase_without_confirming_changes_nothing(my_client: Client, me: User, my_record: Person) -> None:
    response = my_client.post("/me/erase/", {})
    assert response.status_code == 302
    assert response["Location"] == "/me/erase/"
    my_record.refresh_from_db()
    me.refresh_from_db()
    assert my_record.display_name == "Aigerim Sarsenova"
    assert my_record.erased_at is None
    assert me.is_active is True
    assert "_auth_user_id" in my_client.session


def test_erasing_an_account_without_a_record_closes_it(my_client: Client, me: User) -> None:
    my_client.post("/me/erase/", {"confirm": "yes"})
    me.refresh_from_db()
    assert me.is_active is False
    assert me.email == ""


def test_erasing_an_account_without_a_record_leaves_the_username_in_no_audit_row(my_client: Client, me: User) -> None:
    my_client.get("/me/data.json")
    my_client.post("/me/erase/", {"confirm": "yes"})
    assert not AuditEntry.objects.filter(actor_label="aigerim").exists()


def test_an_erased_account_cannot_log_in(client: Client, me: User, my_record: Person) -> None:
    client.force_login(me)
    client.post("/me/erase/", {"confirm": "yes"})
    response = client.post("/accounts/login/", {"login": "aigerim", "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


# --- staff reads are audited ---------------------------------------------------------------------------------


def test_staff_export_of_one_person_writes_an_audit_row(client: Client, org_staff: User, my_record: Person) -> None:
    client.force_login(org_staff)
    response = client.get(f"/people/{my_record.pk}/export/")
    assert json.loads(response.content)["person"]["display_name"] == "Aigerim Sarsenova"
    entry = AuditEntry.objects.get(action="registry.person_data_exported")
    assert (entry.actor, entry.target_id) == (org_staff, str(my_record.pk))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bulk_export_of_the_people_list_writes_an_audit_row(
    client: Client, org_staff: User, my_record: Person, fmt: str
) -> None:
    client.force_login(org_staff)
    client.get("/people/", {"export": fmt, "q": "Aigerim"})
    entry = AuditEntry.objects.get(action="registry.people_exported")
    assert entry.actor == org_staff
    assert entry.actor_label == "orgstaff"
    assert entry.data == {"format": fmt, "search": "Aigerim", "country": ""}


def test_staff_erase_a_person_and_the_row_stays(client: Client, org_admin: User, my_record: Person) -> None:
    client.force_login(org_admin)
    response = client.post(f"/people/{my_record.pk}/erase/")
    assert response["Location"] == "/people/"
    my_record.refresh_from_db()
    assert my_record.is_erased
    assert AuditEntry.objects.get(action="registry.person_erased").actor == org_admin


# --- heritage (GDPR Art. 9) ----------------------------------------------------------------------------------


def test_heritage_is_refused_without_heritage_consent(staff_user: User) -> None:
    with pytest.raises(DomainError) as error:
        services.person_create(
            display_name="Aidar Nurlanov",
            heritage="Kazakh",
            consents=[(ConsentPurpose.REGISTRY, ConsentMethod.WEB_FORM)],
            acting_user=staff_user,
        )
    assert error.value.field == "heritage"
    assert Person.objects.count() == 0


def test_heritage_is_kept_with_heritage_consent(staff_user: User) -> None:
    person = services.person_create(
        display_name="Aidar Nurlanov",
        heritage="Kazakh",
        consents=[(ConsentPurpose.HERITAGE, ConsentMethod.PAPER)],
        acting_user=staff_user,
    )
    assert Person.objects.get(pk=person.pk).heritage == "Kazakh"


def test_heritage_cannot_be_added_later_without_consent(staff_user: User, my_record: Person) -> None:
    with pytest.raises(DomainError):
        services.person_update(person=my_record, heritage="Kazakh", acting_user=staff_user)
    my_record.refresh_from_db()
    assert my_record.heritage == ""


def test_heritage_can_be_added_after_consent_is_given(staff_user: User, my_record: Person) -> None:
    services.consent_give(
        person=my_record, purpose=ConsentPurpose.HERITAGE, method=ConsentMethod.EMAIL, acting_user=staff_user
    )
    services.person_update(person=my_record, heritage="Kazakh", acting_user=staff_user)
    my_record.refresh_from_db()
    assert my_record.heritage == "Kazakh"


def test_withdrawing_heritage_consent_clears_the_heritage(staff_user: User) -> None:
    person = services.person_create(
        display_name="Aidar Nurlanov",
        heritage="Kazakh",
        consents=[(ConsentPurpose.HERITAGE, ConsentMethod.PAPER)],
        acting_user=staff_user,
    )
    consent = person.consents.get(purpose=ConsentPurpose.HERITAGE)
    services.consent_withdraw(consent=consent, acting_user=staff_user)
    person.refresh_from_db()
    assert person.heritage == ""
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_withdrawing_another_consent_keeps_the_heritage(staff_user: User) -> None:
    person = services.person_create(
        display_name="Aidar Nurlanov",
        heritage="Kazakh",
        consents=[(ConsentPurpose.HERITAGE, ConsentMethod.PAPER), (ConsentPurpose.CONTACT, ConsentMethod.PAPER)],
        acting_user=staff_user,
    )
    services.consent_withdraw(consent=person.consents.get(purpose=ConsentPurpose.CONTACT), acting_user=staff_user)
    person.refresh_from_db()
    assert person.heritage == "Kazakh"


# --- every change is audited ---------------------------------------------------------------------------------


def test_every_person_change_writes_an_audit_row(staff_user: User, organization: Organization) -> None:
    person = services.person_create(
        display_name="Aidar Nurlanov",
        registered_by=organization,
        consents=[(ConsentPurpose.REGISTRY, ConsentMethod.PAPER)],
        acting_user=staff_user,
    )
    services.person_update(person=person, residence_city="Almaty", acting_user=staff_user)
    consent = services.consent_give(
        person=person, purpose=ConsentPurpose.CONTACT, method=ConsentMethod.EMAIL, acting_user=staff_user
    )
    services.consent_withdraw(consent=consent, acting_user=staff_user)
    services.person_erase(person=person, acting_user=staff_user)
    actions = list(
        AuditEntry.objects.filter(target_type="registry.person", target_id=str(person.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("registry.person_created", staff_user.pk),
        ("registry.person_changed", staff_user.pk),
        ("registry.consent_given", staff_user.pk),
        ("registry.consent_withdrawn", staff_user.pk),
        ("registry.person_erased", staff_user.pk),
    ]


def test_an_update_that_changes_nothing_writes_no_audit_row(staff_user: User, my_record: Person) -> None:
    services.person_update(person=my_record, residence_city=my_record.residence_city, acting_user=staff_user)
    assert not AuditEntry.objects.filter(action="registry.person_changed").exists()


def test_an_erased_record_cannot_be_changed(staff_user: User, my_record: Person) -> None:
    services.person_erase(person=my_record, acting_user=staff_user)
    with pytest.raises(DomainError) as error:
        services.person_update(person=my_record, residence_city="Almaty", acting_user=staff_user)
    assert error.value.code == "erased"


@pytest.fixture
def staff_user(org_staff: User) -> User:
    return org_staff


def test_consent_given_at_is_recorded(staff_user: User, my_record: Person) -> None:
    before = timezone.now()
    consent = services.consent_give(
        person=my_record, purpose=ConsentPurpose.PHOTOS, method=ConsentMethod.WEB_FORM, acting_user=staff_user
    )
    assert consent.given_at >= before
