"""Organization boundaries in the writes of events (issue 10): organizers name only people their organization keeps.

The attack: staff who may not read person B registered them for their own event through the API, then read their
name, e-mail and country in the registrations export, had them e-mailed, and published their name on the event's
page by making them head of a delegation.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.events import services, services_programme
from tamyr.events.models import Delegation, Event, Registration, SessionSpeaker
from tamyr.registry.models import Organization, Person
from tests.events.factories import DelegationFactory, EventFactory, SessionFactory
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    coordinate,
    grant,
    showing_their_name,
    with_totp,
)

pytestmark = pytest.mark.django_db

MISSING = 999999


def api(client: Client, user: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    token = Token.objects.get_or_create(user=user)[0].key
    return client.generic(
        method,
        path,
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )


@pytest.fixture
def event(organization: Organization) -> Event:
    return EventFactory(organizer=organization, capacity=None, requires_approval=False)


@pytest.fixture
def stranger() -> Person:
    """A record of another organization, with everything the attack was after."""
    return PersonFactory(
        display_name="Person Beta", email="beta@example.org", registered_by=OrganizationFactory(slug="org-beta")
    )


def _without_id(body: dict[str, Any], pk: int) -> str:
    return json.dumps(body).replace(str(pk), "ID")


# --- registering someone else ------------------------------------------------------------------------------------


def test_staff_registering_another_organizations_person_get_the_answer_of_a_missing_id(
    client: Client, org_staff: User, event: Event, stranger: Person
) -> None:
    path = f"/api/v1/events/{event.slug}/registrations/"
    refused = api(client, org_staff, "POST", path, {"person": stranger.pk})
    missing = api(client, org_staff, "POST", path, {"person": MISSING})
    assert refused.status_code == missing.status_code == 400
    assert _without_id(refused.json(), stranger.pk) == _without_id(missing.json(), MISSING)


def test_the_refused_person_is_not_in_the_export_and_gets_no_e_mail(
    client: Client, org_staff: User, event: Event, stranger: Person
) -> None:
    mail.outbox.clear()
    api(client, org_staff, "POST", f"/api/v1/events/{event.slug}/registrations/", {"person": stranger.pk})
    export = api(client, org_staff, "GET", f"/api/v1/events/{event.slug}/registrations/?export=csv")
    assert export.status_code == 200
    text = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert "Person Beta" not in text and "beta@example.org" not in text
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_staff_register_a_person_their_organization_keeps(
    client: Client, org_staff: User, event: Event, organization: Organization
) -> None:
    kept = PersonFactory(registered_by=organization)
    response = api(client, org_staff, "POST", f"/api/v1/events/{event.slug}/registrations/", {"person": kept.pk})
    assert response.status_code == 201, response.content


def test_reading_a_person_as_network_coordinator_is_no_licence_to_register_them(
    client: Client, event: Event, organization: Organization
) -> None:
    """Staff of the organizer who also coordinate a network may read its people, but not hand them to an event."""
    network = NetworkFactory()
    member = OrganizationFactory()
    NetworkMembershipFactory(network=network, organization=member)
    read_only = PersonFactory(registered_by=member)
    user = UserFactory(username="staff-and-coordinator")
    grant(user, organization, "staff")
    coordinate(user, network)
    with_totp(user)
    response = api(client, user, "POST", f"/api/v1/events/{event.slug}/registrations/", {"person": read_only.pk})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_service_refuses_another_organizations_person_from_any_caller(
    org_staff: User, event: Event, stranger: Person
) -> None:
    with pytest.raises(DomainError) as refused:
        services.registration_create(event=event, person=stranger, acting_user=org_staff)
    assert refused.value.field == "person"
    assert not Registration.objects.exists()


def test_staff_pages_offer_and_accept_only_people_their_organization_keeps(
    client: Client, org_staff: User, event: Event, stranger: Person
) -> None:
    client.force_login(org_staff)
    page = client.get(f"/events/{event.slug}/registrations/", {"who": "Person Beta"})
    assert f'name="person" value="{stranger.pk}"' not in page.content.decode()
    response = client.post(f"/events/{event.slug}/registrations/", {"action": "register", "person": stranger.pk})
    assert response.status_code == 200 and b'class="errors"' in response.content
    assert not Registration.objects.exists()


def _delegations_section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="delegations-title">.*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


# --- heads of delegations and speakers ---------------------------------------------------------------------------


def test_another_organizations_person_cannot_be_made_head_and_the_public_page_stays_as_it_was(
    client: Client, org_staff: User, event: Event, stranger: Person
) -> None:
    showing_their_name(stranger)  # even a name its owner would show may not be published by another organization
    delegation = DelegationFactory(event=event, head=None)
    before = _delegations_section(Client().get(event.get_absolute_url()).content.decode())
    created = api(client, org_staff, "POST", f"/api/v1/events/{event.slug}/delegations/", {"country": "TR",
                                                                                          "head": stranger.pk})  # fmt: skip
    client.force_login(org_staff)
    edited = client.post(
        f"/events/{event.slug}/delegations/",
        {"action": "delegation_edit", "delegation": delegation.pk, "head": stranger.pk},
    )
    assert created.status_code == 400 and edited.status_code == 200
    assert list(Delegation.objects.values_list("head", flat=True)) == [None]
    page = Client().get(event.get_absolute_url()).content.decode()
    assert _delegations_section(page) == before and "Person Beta" not in page


def test_a_head_without_consent_shows_as_initials_to_the_public_and_by_name_to_the_organizers(
    client: Client, org_staff: User, event: Event, organization: Organization
) -> None:
    head = PersonFactory(display_name="Daniyar Kadyrov", registered_by=organization)
    DelegationFactory(event=event, head=head)
    public_page = Client().get(event.get_absolute_url()).content.decode()
    public_api = Client().get(f"/api/v1/events/{event.slug}/delegations/").json()["results"][0]["head_name"]
    organizers_api = api(client, org_staff, "GET", f"/api/v1/events/{event.slug}/").json()["delegations"][0]
    assert "Daniyar Kadyrov" not in public_page and "D. K." in public_page
    assert public_api == "D. K."
    assert organizers_api["head_name"] == "Daniyar Kadyrov"


def test_a_head_who_consented_shows_by_name_on_the_public_page(event: Event, organization: Organization) -> None:
    head = showing_their_name(PersonFactory(display_name="Daniyar Kadyrov", registered_by=organization))
    DelegationFactory(event=event, head=head)
    assert "Daniyar Kadyrov" in Client().get(event.get_absolute_url()).content.decode()


def test_another_organizations_person_cannot_be_made_speaker(org_staff: User, event: Event, stranger: Person) -> None:
    session = SessionFactory(event=event)
    with pytest.raises(DomainError):
        services_programme.speaker_add(session=session, person=stranger, acting_user=org_staff)
    assert not SessionSpeaker.objects.exists()
