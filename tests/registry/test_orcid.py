"""ORCID iDs are checked by their ISO 7064 MOD 11-2 check character, and saved only when right."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tamyr.core.errors import DomainError
from tamyr.registry import orcid, services
from tamyr.registry.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's own example (Josiah Carberry)
        ("0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233X", "0000-0002-1694-233X"),  # check character X
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("", ""),
    ],
)
def test_valid_ids_are_written_the_way_orcid_writes_them(given: str, stored: str) -> None:
    assert orcid.normalize(given) == stored


def test_a_mistyped_digit_is_refused_by_the_check_character() -> None:
    with pytest.raises(DomainError) as caught:
        orcid.normalize("0000-0002-1825-0098")
    assert caught.value.code == "orcid_checksum"


def test_something_that_is_not_an_orcid_id_is_refused_by_its_shape() -> None:
    with pytest.raises(DomainError) as caught:
        orcid.normalize("0000-0002-1825")
    assert caught.value.code == "orcid_format"


def test_person_update_stores_a_valid_orcid_id() -> None:
    person = PersonFactory()
    services.person_update(person=person, orcid="https://orcid.org/0000-0002-1825-0097", acting_user=None)
    person.refresh_from_db()
    assert person.orcid == "0000-0002-1825-0097"


def test_a_bad_orcid_id_saves_nothing_else_of_the_same_change() -> None:
    person = PersonFactory(residence_city="Istanbul")
    with pytest.raises(DomainError):
        services.person_update(person=person, orcid="0000-0002-1825-0098", residence_city="Ankara", acting_user=None)
    person.refresh_from_db()
    assert (person.orcid, person.residence_city) == ("", "Istanbul")


def test_the_api_answers_a_bad_orcid_id_with_400_and_the_field(
    client: Client, org_staff: Any, organization: Any
) -> None:
    client.force_login(org_staff)
    person = PersonFactory(registered_by=organization)
    response = client.patch(
        f"/api/v1/people/{person.pk}/", json.dumps({"orcid": "0000-0002-1825-0098"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "orcid"
    assert Person.objects.get(pk=person.pk).orcid == ""


def test_the_edit_page_shows_the_orcid_error_on_the_field(client: Client, org_staff: Any, organization: Any) -> None:
    client.force_login(org_staff)
    person = PersonFactory(registered_by=organization, display_name="Aigerim Orcid")
    response = client.post(f"/people/{person.pk}/edit/", {"display_name": "Aigerim Orcid", "orcid": "1234"})
    assert response.status_code == 200
    assert "16 characters" in str(response.context["form"].errors["orcid"])


def test_the_admin_refuses_a_bad_orcid_id_through_the_models_clean() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        Person(display_name="Admin Entry", orcid="0000-0002-1825-0098").clean()
    assert "orcid" in caught.value.message_dict
