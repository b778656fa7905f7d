"""An event read in the reader's language: its dates, its zone as a city; mail in the recipient's language."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tamyr.accounts.models import User
from tamyr.events import badges
from tamyr.events.models import Delegation, Event
from tamyr.events.notifications import send_registration_email
from tamyr.registry.models import Organization
from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory, VenueFactory
from tests.factories import PersonFactory, UserFactory, country

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
IANA = re.compile(r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Z][A-Za-z_]+")


def almaty_event(**fields: Any) -> Event:
    venue = VenueFactory(name="Palace of Peace and Reconciliation", city="Astana", time_zone="Asia/Almaty")
    event = EventFactory(
        slug="scholars-forum",
        title={"en": "Otandas Scholars Forum", "kk": "Отандас ғалымдар форумы", "hu": "Otandas tudósfórum"},
        venue=venue,
        time_zone="Asia/Almaty",
        starts_at=datetime(2026, 5, 7, 10, 0, tzinfo=ALMATY),
        ends_at=datetime(2026, 5, 8, 17, 0, tzinfo=ALMATY),
        **fields,
    )
    SessionFactory(
        event=event,
        title={"en": "Opening of the forum"},
        starts_at=datetime(2026, 5, 7, 10, 0, tzinfo=ALMATY),
        ends_at=datetime(2026, 5, 7, 11, 0, tzinfo=ALMATY),
    )
    return event


def visible_text(html: str) -> str:
    """The page without its scripts (JSON-LD carries ISO times, not words) and tags."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(
    ("language", "when", "zone"),
    [
        ("kk", "2026\u202fж. 7–8 мамыр", "Алматы уақыты (UTC+5)"),
        ("hu", "2026. május 7–8.", "Almati idő szerint (UTC+5)"),
        ("ru", "7—8 мая 2026\u202fг.", "время: Алматы (UTC+5)"),
    ],
)
def test_the_event_page_gives_dates_and_the_zone_in_the_readers_language(
    client: Client, language: str, when: str, zone: str
) -> None:
    event = almaty_event()
    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert when in page
    assert zone in page


@pytest.mark.parametrize("language", ["en", "kk", "hu", "tr", "ru", "az", "ky", "uz"])
def test_no_event_page_prints_a_raw_iana_zone_name(client: Client, language: str) -> None:
    event = almaty_event()
    for path in (event.get_absolute_url(), reverse("events:event_list")):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert not IANA.findall(visible_text(html)), path


def test_an_email_to_a_hungarian_reader_is_in_hungarian_though_sent_from_a_kazakh_page(
    client: Client,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    org_staff: User,
    organization: Organization,
) -> None:
    event = almaty_event(organizer=organization)
    UserFactory(username="anna", email="anna@example.hu", preferred_language="hu")
    delegation = Delegation.objects.create(event=event, country=country("HU"))
    client.force_login(org_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:event_delegations", kwargs={"slug": event.slug}),
            {"action": "invite", "emails": "anna@example.hu\nbeke@example.org", "delegation": delegation.pk},
            HTTP_ACCEPT_LANGUAGE="kk",
        )
    to_anna = next(message for message in mailoutbox if message.to == ["anna@example.hu"])
    assert to_anna.subject == "Meghívó: Otandas tudósfórum"
    assert "2026. május 7." in to_anna.body
    assert "Almati idő szerint" in to_anna.body
    assert "Asia/Almaty" not in to_anna.body
    unknown = next(message for message in mailoutbox if message.to == ["beke@example.org"])
    assert unknown.subject.startswith("Шақыру")  # nobody known: the organizer's language


def test_a_registration_email_follows_the_participants_saved_language(mailoutbox: list[Any]) -> None:
    event = almaty_event()
    person = PersonFactory(user=UserFactory(username="bela", preferred_language="hu"), email="bela@example.hu")
    registration = RegistrationFactory(event=event, person=person, status="confirmed", language="kk")
    with translation.override("kk"):
        send_registration_email(registration.pk, "confirmed")
    assert mailoutbox[-1].subject == "Jelentkezése megerősítve: Otandas tudósfórum"


def test_badges_are_drawn_in_each_holders_language(monkeypatch: pytest.MonkeyPatch) -> None:
    event = almaty_event()
    hungarian = RegistrationFactory(
        event=event, status="confirmed", person=PersonFactory(user=UserFactory(username="h", preferred_language="hu"))
    )
    kazakh = RegistrationFactory(
        event=event, status="confirmed", person=PersonFactory(user=UserFactory(username="k", preferred_language="kk"))
    )
    drawn: list[tuple[str, str]] = []

    def spy(canvas: Any, registration: Any, x: float, y: float) -> None:
        drawn.append((registration.person.display_name, badges._dates(registration.event)))

    monkeypatch.setattr(badges, "_draw_badge", spy)
    with translation.override("en"):
        badges.event_badges_pdf(event, [hungarian, kazakh])
    assert drawn == [
        (hungarian.person.display_name, "2026. május 7–8."),
        (kazakh.person.display_name, "2026\u202fж. 7–8 мамыр"),
    ]
