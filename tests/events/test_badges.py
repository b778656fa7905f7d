"""QR badges as PDF: the participant's own, and every confirmed badge of an event for printing."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tamyr.events.models import Event, Registration
from tamyr.registry.models import Organization
from tests.events.factories import CategoryFactory, EventFactory, RegistrationFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

KAZAKH_NAME = "Әлихан Нұрмұхамедұлы Бөкейхан"
TURKIC_LETTERS = "ş ğ ı ç ö ü ə ғ қ ң ө ұ ү һ і"


@pytest.fixture
def event(organization: Organization) -> Event:
    return EventFactory(organizer=organization, title={"en": "Otandas Scholars Forum"}, capacity=100)


@pytest.fixture
def owner() -> User:
    return UserFactory(username="alikhan")


@pytest.fixture
def registration(event: Event, owner: User) -> Registration:
    person = PersonFactory(display_name=KAZAKH_NAME, user=owner)
    category = CategoryFactory(event=event, name={"en": f"Foreign scholars {TURKIC_LETTERS}"}, capacity=None)
    return RegistrationFactory(event=event, person=person, category=category, organization=event.organizer)


def badge_url(registration: Registration) -> str:
    return reverse("events:registration_badge", kwargs={"code": registration.code})


def pdf_text(content: bytes) -> str | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_participant_downloads_a_badge_with_the_name_in_kazakh(
    client: Client, owner: User, registration: Registration
) -> None:
    client.force_login(owner)
    response = client.get(badge_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    # the shipped DejaVu fonts are embedded (as subsets: a TrueType font file per font)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans-Bold", content)
    assert b"/FontFile2" in content
    text = pdf_text(content)
    if text is not None:  # pypdf is installed: read the words back
        flat = " ".join(text.split())
        assert KAZAKH_NAME in flat
        assert registration.code[:5] in flat and "Otandas Scholars Forum" in flat
        assert TURKIC_LETTERS.replace(" ", "") in flat.replace(" ", "")


def test_organizers_may_download_any_badge_of_their_event(
    client: Client, org_staff: User, registration: Registration
) -> None:
    client.force_login(org_staff)
    assert client.get(badge_url(registration)).status_code == 200


def test_someone_else_gets_403(client: Client, compatriot: User, registration: Registration) -> None:
    client.force_login(compatriot)
    assert client.get(badge_url(registration)).status_code == 403


def test_a_registration_that_is_not_confirmed_has_no_badge(
    client: Client, owner: User, registration: Registration
) -> None:
    registration.status = "waitlisted"
    registration.save()
    client.force_login(owner)
    assert client.get(badge_url(registration)).status_code == 404


def test_all_confirmed_badges_print_four_to_an_a4_sheet(
    client: Client, org_staff: User, event: Event, registration: Registration
) -> None:
    for _index in range(4):
        RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted")
    client.force_login(org_staff)
    response = client.get(reverse("events:event_badges", kwargs={"slug": event.slug}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pages = re.findall(rb"/Type /Page\b", response.content)
    assert len(pages) == 2  # five confirmed badges: a full sheet and one more
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content


def test_no_confirmed_registration_means_no_badges_to_print(client: Client, org_staff: User, event: Event) -> None:
    client.force_login(org_staff)
    response = client.get(reverse("events:event_badges", kwargs={"slug": event.slug}))
    assert response.status_code == 302
