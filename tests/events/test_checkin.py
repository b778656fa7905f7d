"""The check-in page at the door: a typed or scanned code, answered as a page (no JavaScript) or as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tamyr.events.models import Event, Registration
from tamyr.registry.models import Organization
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def event(organization: Organization) -> Event:
    return EventFactory(organizer=organization, capacity=100)


@pytest.fixture
def door(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


@pytest.fixture
def registration(event: Event) -> Registration:
    return RegistrationFactory(event=event, person=PersonFactory(display_name="Әлихан Бөкейхан"))


def checkin_url(event: Event) -> str:
    return reverse("events:event_checkin", kwargs={"slug": event.slug})


def test_the_page_is_made_for_a_phone(door: Client, event: Event) -> None:
    html = door.get(checkin_url(event)).content.decode()
    assert "autofocus" in html and 'inputmode="text"' in html and 'autocapitalize="characters"' in html
    assert "js/checkin.js" in html and "vendor/jsQR.js" in html
    assert "<script>" not in html  # configuration lives in data- attributes: the CSP forbids inline scripts


def test_a_confirmed_code_is_welcomed_in_green(door: Client, event: Event, registration: Registration) -> None:
    response = door.post(checkin_url(event), {"code": registration.code.lower()})
    html = response.content.decode()
    assert "is-ok" in html and "Welcome, Әлихан Бөкейхан!" in html
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert response.context["counts"].attended == 1


def test_a_second_scan_is_refused_with_the_time_of_the_first(
    door: Client, event: Event, registration: Registration
) -> None:
    door.post(checkin_url(event), {"code": registration.code})
    response = door.post(checkin_url(event), {"code": registration.code})
    assert response.context["result"]["ok"] is False
    assert "already checked in at" in response.context["result"]["message"]


def test_a_second_scan_is_a_notice_not_an_error(door: Client, event: Event, registration: Registration) -> None:
    door.post(checkin_url(event), {"code": registration.code})
    html = door.post(checkin_url(event), {"code": registration.code}).content.decode()
    assert "checkin-result is-notice" in html and "is-error" not in html
    answer = door.post(checkin_url(event), {"code": registration.code}, **JSON).json()
    assert (answer["ok"], answer["tone"]) == (False, "notice")


def test_an_unknown_code_is_an_error(door: Client, event: Event) -> None:
    html = door.post(checkin_url(event), {"code": "ZZZZZ22222"}).content.decode()
    assert "checkin-result is-error" in html


def test_an_unknown_code_is_refused(door: Client, event: Event) -> None:
    response = door.post(checkin_url(event), {"code": "ZZZZZ22222"})
    assert response.context["result"]["code"] == "unknown_code"
    assert "Unknown code ZZZZZ22222" in response.content.decode()


def test_a_code_of_another_event_is_unknown_here(door: Client, event: Event, organization: Organization) -> None:
    elsewhere = RegistrationFactory(event=EventFactory(organizer=organization))
    response = door.post(checkin_url(event), {"code": elsewhere.code})
    assert response.context["result"]["code"] == "unknown_code"


def test_json_answers_for_the_camera(door: Client, event: Event, registration: Registration) -> None:
    RegistrationFactory(event=event)
    welcome = door.post(checkin_url(event), {"code": registration.code}, **JSON)
    assert welcome.status_code == 200
    assert welcome.json() | {"message": ""} == {
        "ok": True, "tone": "ok", "message": "", "name": "Әлихан Бөкейхан", "code": "checked_in", "category": "",
        "checked_in": 1, "confirmed": 2,
    }  # fmt: skip
    again = door.post(checkin_url(event), {"code": registration.code}, **JSON)
    assert again.status_code == 200
    assert again.json()["ok"] is False and again.json()["code"] == "already_checked_in"
    unknown = door.post(checkin_url(event), {"code": "NOPE"}, **JSON)
    assert unknown.json()["code"] == "unknown_code"


@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled"])
def test_a_registration_that_is_not_confirmed_is_refused(door: Client, event: Event, status: str) -> None:
    registration = RegistrationFactory(event=event, status=status, person=PersonFactory(display_name="Dana Ermek"))
    answer = door.post(checkin_url(event), {"code": registration.code}, **JSON).json()
    assert (answer["ok"], answer["code"]) == (False, "not_confirmed")
    assert "Dana Ermek is not confirmed" in answer["message"]
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_an_empty_code_asks_for_one(door: Client, event: Event) -> None:
    response = door.post(checkin_url(event), {"code": ""}, **JSON)
    assert response.status_code == 400 and response.json()["code"] == "empty"


def test_the_csrf_token_is_required(event: Event, registration: Registration, org_staff: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org_staff)
    response = client.post(checkin_url(event), {"code": registration.code}, **JSON)
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_only_the_organizers_check_people_in(client: Client, compatriot: User, event: Event, registration: Any) -> None:
    client.force_login(compatriot)
    assert client.post(checkin_url(event), {"code": registration.code}, **JSON).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None
