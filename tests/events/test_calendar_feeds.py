"""iCalendar: an .ics per event and feeds per organization and per network, read back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tests.events.factories import EventFactory
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 13, 19, 0, tzinfo=ZoneInfo("Europe/Vienna"))


def vevents(response: Any) -> dict[str, Any]:
    """The response's VEVENTs by UID, after checking it is a calendar."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def uid(event: Any) -> str:
    return f"{event.calendar_uid}@127.0.0.1"


def test_event_ics_has_the_event_at_the_right_instant(client: Client) -> None:
    event = EventFactory(title={"en": "3rd Diaspora Capacity Building Training Program"}, starts_at=START)
    response = client.get(reverse("events:event_ics", kwargs={"slug": event.slug}))
    found = vevents(response)
    assert list(found) == [uid(event)]
    component = found[uid(event)]
    assert component.decoded("DTSTART") == datetime(2026, 1, 13, 18, 0, tzinfo=UTC)
    assert str(component["SUMMARY"]) == "3rd Diaspora Capacity Building Training Program"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]


def test_event_ics_of_a_draft_is_404(client: Client) -> None:
    draft = EventFactory(status="draft")
    assert client.get(reverse("events:event_ics", kwargs={"slug": draft.slug})).status_code == 404


def test_organization_feed_has_its_organized_and_co_organized_events(client: Client) -> None:
    otandastar = OrganizationFactory(slug="otandastar")
    organized = EventFactory(organizer=otandastar, starts_at=START)
    co_organized = EventFactory()
    co_organized.co_organizers.add(otandastar)
    EventFactory(organizer=otandastar, status="draft")
    EventFactory()
    found = vevents(client.get(reverse("events:organization_feed", kwargs={"slug": "otandastar"})))
    assert set(found) == {uid(organized), uid(co_organized)}
    assert found[uid(organized)].decoded("DTSTART") == START


def test_organization_feed_tells_subscribers_of_a_cancellation(client: Client) -> None:
    otandastar = OrganizationFactory(slug="otandastar")
    cancelled = EventFactory(organizer=otandastar, status="cancelled")
    found = vevents(client.get(reverse("events:organization_feed", kwargs={"slug": "otandastar"})))
    assert str(found[uid(cancelled)]["STATUS"]) == "CANCELLED"


def test_network_feed_has_the_events_of_every_member(client: Client) -> None:
    network = NetworkFactory(slug="ots-diaspora")
    members = [OrganizationFactory(), OrganizationFactory()]
    for member in members:
        NetworkMembershipFactory(network=network, organization=member)
    first = EventFactory(organizer=members[0], title={"en": "Ministerial meeting"})
    second = EventFactory()
    second.co_organizers.add(members[1])
    EventFactory()
    found = vevents(client.get(reverse("events:network_feed", kwargs={"slug": "ots-diaspora"})))
    assert set(found) == {uid(first), uid(second)}
    assert str(found[uid(first)]["SUMMARY"]) == "Ministerial meeting"


def test_feed_of_an_unknown_organization_is_404(client: Client) -> None:
    assert client.get(reverse("events:organization_feed", kwargs={"slug": "nobody"})).status_code == 404
    assert client.get(reverse("events:network_feed", kwargs={"slug": "nothing"})).status_code == 404


def test_feed_urls_end_in_ics(client: Client) -> None:
    assert reverse("events:organization_feed", kwargs={"slug": "otandastar"}) == (
        "/events/feeds/organizations/otandastar.ics"
    )
    assert reverse("events:network_feed", kwargs={"slug": "ots"}) == "/events/feeds/networks/ots.ics"
