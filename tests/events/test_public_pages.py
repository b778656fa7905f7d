"""The public pages of events: the list with its filters, the month calendar, the event page and its programme."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.registry.models import Organization
from tests.events.factories import (
    CategoryFactory,
    DelegationFactory,
    EventFactory,
    PhotoFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    VenueFactory,
)
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    country,
    showing_their_name,
)

pytestmark = pytest.mark.django_db

LIST = "/events/"
VIENNA = ZoneInfo("Europe/Vienna")


def listed(response: Any) -> list[str]:
    return [event.slug for event in response.context["page"].object_list]


def vienna(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIENNA)  # type: ignore[misc]


def json_ld(response: Any) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD block on the page"
    return json.loads(match.group(1))


def training_programme() -> Any:
    """The Vienna programme of the seeds: a gala concert at the MuTh hall on day 1, training on day 2."""
    centre = VenueFactory(name="Azerbaijan Cultural Center")
    muth = VenueFactory(name="MuTh Concert and Theater Hall")
    event = EventFactory(
        slug="vienna-training",
        title={"en": "3rd Diaspora Capacity Building Training Program"},
        kind="training",
        venue=centre,
        starts_at=vienna(2026, 1, 13, 19, 0),
        ends_at=vienna(2026, 1, 14, 18, 0),
        capacity=None,
    )
    concert = SessionFactory(
        event=event, title={"en": "Gala Concert of Turkic Artists"}, kind="concert", venue=muth,
        starts_at=vienna(2026, 1, 13, 19, 0), ends_at=vienna(2026, 1, 13, 21, 0),
    )  # fmt: skip
    opening = SessionFactory(
        event=event, title={"en": "Opening session"}, venue=centre, room="Main hall",
        starts_at=vienna(2026, 1, 14, 9, 30), ends_at=vienna(2026, 1, 14, 10, 30),
    )  # fmt: skip
    SpeakerFactory(
        session=opening,
        person=PersonFactory(display_name="Kubanychbek Omuraliev"),
        title_at_event="Secretary General of the Organization of Turkic States",
    )
    return event, concert, opening


# --- the list ------------------------------------------------------------------------------------------------


def test_list_filters_by_country(client: Client) -> None:
    EventFactory(slug="in-vienna")
    EventFactory(slug="in-baku", venue=VenueFactory(city="Baku", country=country("AZ"), time_zone="Asia/Baku"))
    assert listed(client.get(LIST, {"country": "AZ"})) == ["in-baku"]


def test_list_filters_by_kind(client: Client) -> None:
    EventFactory(slug="a-forum", kind="forum")
    EventFactory(slug="a-kurultai", kind="assembly")
    assert listed(client.get(LIST, {"kind": "assembly"})) == ["a-kurultai"]


def test_list_filters_by_organizer_including_co_organized_events(client: Client) -> None:
    otandastar = OrganizationFactory(slug="otandastar")
    EventFactory(slug="organized", organizer=otandastar)
    co_organized = EventFactory(slug="co-organized")
    co_organized.co_organizers.add(otandastar)
    EventFactory(slug="someone-elses")
    assert sorted(listed(client.get(LIST, {"organizer": "otandastar"}))) == ["co-organized", "organized"]


def test_list_filters_by_network(client: Client) -> None:
    network = NetworkFactory(slug="ots")
    member = OrganizationFactory()
    NetworkMembershipFactory(network=network, organization=member)
    EventFactory(slug="in-network", organizer=member)
    EventFactory(slug="outside")
    assert listed(client.get(LIST, {"network": "ots"})) == ["in-network"]


def test_list_filters_by_dates(client: Client) -> None:
    EventFactory(slug="january", starts_at=vienna(2026, 1, 13, 10, 0), ends_at=vienna(2026, 1, 14, 18, 0))
    EventFactory(slug="march", starts_at=vienna(2026, 3, 2, 10, 0), ends_at=vienna(2026, 3, 2, 18, 0))
    assert listed(client.get(LIST, {"date_from": "2026-01-14", "date_to": "2026-02-28"})) == ["january"]


def test_list_filters_online_events(client: Client) -> None:
    EventFactory(slug="film-week", venue=None, online_url="https://films.example.org/")
    EventFactory(slug="in-person")
    assert listed(client.get(LIST, {"online": "yes"})) == ["film-week"]
    assert listed(client.get(LIST, {"online": "no"})) == ["in-person"]


def test_list_searches_titles_in_any_language(client: Client) -> None:
    EventFactory(slug="scholars", title={"en": "Otandas Scholars Forum", "kk": "Отандас ғалымдар форумы"})
    EventFactory(slug="other")
    assert listed(client.get(LIST, {"q": "ғалымдар"})) == ["scholars"]


def test_list_leaves_drafts_out(client: Client) -> None:
    EventFactory(slug="published")
    EventFactory(slug="draft", status="draft")
    assert listed(client.get(LIST)) == ["published"]


def test_list_is_paginated_by_25(client: Client) -> None:
    organizer = OrganizationFactory()
    for _index in range(30):
        EventFactory(organizer=organizer)
    assert len(listed(client.get(LIST))) == 25
    assert len(listed(client.get(LIST, {"page": 2}))) == 5


def test_list_says_so_when_nothing_matches(client: Client) -> None:
    EventFactory(kind="forum")
    response = client.get(LIST, {"kind": "concert"})
    assert listed(response) == []
    assert "No event matches these filters" in response.content.decode()


def test_list_answers_htmx_with_the_results_only(client: Client) -> None:
    EventFactory(slug="a-forum")
    response = client.get(LIST, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "a-forum" in content
    assert "<html" not in content


def test_list_offers_the_filtered_organizers_feed(client: Client) -> None:
    EventFactory(organizer=OrganizationFactory(slug="otandastar"))
    content = client.get(LIST, {"organizer": "otandastar"}).content.decode()
    feed = reverse("events:organization_feed", kwargs={"slug": "otandastar"})
    assert '<link rel="alternate" type="text/calendar"' in content
    assert feed in content


def test_list_runs_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    organizers = [OrganizationFactory() for _index in range(3)]
    network = NetworkFactory()
    for index in range(30):
        event = EventFactory(organizer=organizers[index % 3], online_url="https://x.example.org/" if index % 2 else "")
        event.co_organizers.add(organizers[(index + 1) % 3])
    NetworkMembershipFactory(network=network, organization=organizers[0])
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(listed(response)) == 25


# --- the calendar --------------------------------------------------------------------------------------------


def _calendar_days(response: Any, slug: str) -> list[int]:
    """Days of the month (in the month shown) whose cell lists the event."""
    return [
        day["date"].day
        for week in response.context["weeks"]
        for day in week
        if day["in_month"] and any(entry["event"].slug == slug for entry in day["entries"])
    ]


def test_calendar_shows_an_event_on_each_of_its_days(client: Client) -> None:
    training_programme()
    response = client.get("/events/calendar/", {"month": "2026-01"})
    assert response.status_code == 200
    assert _calendar_days(response, "vienna-training") == [13, 14]


def test_calendar_places_events_on_their_own_days_not_utc(client: Client) -> None:
    """00:30 on 1 February in Almaty is still 31 January in UTC; the calendar follows the event's zone."""
    almaty = VenueFactory(city="Astana", country=country("KZ"), time_zone="Asia/Almaty")
    start = datetime(2026, 2, 1, 0, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    EventFactory(
        slug="late-night", venue=almaty, time_zone="Asia/Almaty", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert _calendar_days(client.get("/events/calendar/", {"month": "2026-02"}), "late-night") == [1]
    assert _calendar_days(client.get("/events/calendar/", {"month": "2026-01"}), "late-night") == []


def test_calendar_links_to_the_months_around_it(client: Client) -> None:
    content = client.get("/events/calendar/", {"month": "2026-01"}).content.decode()
    assert "month=2025-12" in content
    assert "month=2026-02" in content
    assert "<caption" in content


def test_calendar_falls_back_to_this_month_on_a_bad_month(client: Client) -> None:
    response = client.get("/events/calendar/", {"month": "soon"})
    assert response.status_code == 200
    assert response.context["month_value"] == timezone.localdate().strftime("%Y-%m")


# --- the event page -------------------------------------------------------------------------------------------


def test_event_page_gives_dates_in_the_venues_time_zone(client: Client) -> None:
    event, _concert, _opening = training_programme()
    content = client.get(event.get_absolute_url()).content.decode()
    assert "13\u2009–\u200914 January 2026, Vienna time (UTC+1)" in content  # CLDR en_GB; the zone as its city


def test_event_page_shows_each_days_venue_and_the_speakers_titles(client: Client) -> None:
    event, _concert, _opening = training_programme()
    content = client.get(event.get_absolute_url()).content.decode()
    assert "MuTh Concert and Theater Hall" in content
    assert content.index("Gala Concert of Turkic Artists") < content.index("Opening session")
    assert "19:00" in content  # the concert, on Vienna's clock (18:00 UTC)
    assert "Secretary General of the Organization of Turkic States" in content


def test_event_page_has_json_ld_with_the_venues_offset(client: Client) -> None:
    event, _concert, _opening = training_programme()
    data = json_ld(client.get(event.get_absolute_url()))
    assert data["@type"] == "Event"
    assert data["startDate"] == "2026-01-13T19:00:00+01:00"
    assert data["endDate"] == "2026-01-14T18:00:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["organizer"][0]["@type"] == "Organization"


def test_json_ld_of_a_cancelled_online_event(client: Client) -> None:
    event = EventFactory(status="cancelled", venue=None, online_url="https://films.example.org/")
    response = client.get(event.get_absolute_url())
    data = json_ld(response)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://films.example.org/"}
    assert "This event is cancelled." in response.content.decode()


def test_json_ld_offers_a_free_registration_while_it_is_open(client: Client) -> None:
    event = EventFactory(capacity=10)
    data = json_ld(client.get(event.get_absolute_url()))
    offer = data["offers"]
    assert (offer["@type"], offer["price"], offer["availability"]) == ("Offer", "0", "https://schema.org/InStock")
    assert offer["url"].endswith(event.get_absolute_url() + "#registration-title")
    assert offer["validFrom"] and data["isAccessibleForFree"] is True


def test_json_ld_of_a_full_event_is_sold_out(client: Client) -> None:
    event = EventFactory(capacity=0)
    assert json_ld(client.get(event.get_absolute_url()))["offers"]["availability"] == "https://schema.org/SoldOut"


def test_json_ld_makes_no_offer_when_registration_is_closed(client: Client) -> None:
    event = EventFactory(status="cancelled")
    assert "offers" not in json_ld(client.get(event.get_absolute_url()))


def test_json_ld_cannot_be_broken_out_of(client: Client) -> None:
    event = EventFactory(title={"en": "</script><script>alert(1)</script>"})
    content = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert json_ld(client.get(event.get_absolute_url()))["name"] == "</script><script>alert(1)</script>"


def test_event_page_counts_seats_left_from_registrations(client: Client) -> None:
    event = EventFactory(capacity=40)
    scholars = CategoryFactory(event=event, name={"en": "Foreign scholars"}, capacity=3)
    RegistrationFactory(event=event, category=scholars)
    RegistrationFactory(event=event, category=scholars, status="waitlisted")
    response = client.get(event.get_absolute_url())
    assert response.context["seats_left"] == 39
    assert response.context["categories"][0].seats_left == 2


def test_event_page_lists_delegations_photos_and_organizers(client: Client) -> None:
    event = EventFactory()
    co_organizer = OrganizationFactory(name={"en": "Azerbaijan Cultural Center"})
    event.co_organizers.add(co_organizer)
    DelegationFactory(event=event, head=showing_their_name(PersonFactory(display_name="Daniyar Kadyrov")))
    photo = PhotoFactory(event=event, caption={"en": "Family photo"})
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Daniyar Kadyrov" in content
    assert "President of the Otandastar Foundation" in content
    assert photo.thumbnail.url in content
    assert "Family photo" in content
    assert co_organizer.get_absolute_url() in content


def test_draft_event_is_404_for_visitors_and_compatriots(client: Client, compatriot: User) -> None:
    draft = EventFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(compatriot)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_event_is_shown_to_its_organizers_staff(
    client: Client, org_staff: User, organization: Organization
) -> None:
    draft = EventFactory(status="draft", organizer=organization)
    client.force_login(org_staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_organizers_staff_get_a_manage_link(client: Client, org_staff: User, organization: Organization) -> None:
    event = EventFactory(organizer=organization)
    try:
        manage = reverse("events:event_manage", args=[event.slug])
    except NoReverseMatch:
        pytest.skip("the organizers' pages are not there yet")
    assert manage not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(org_staff)
    assert manage in client.get(event.get_absolute_url()).content.decode()


def test_visitors_are_asked_to_log_in_to_register(client: Client) -> None:
    event = EventFactory()
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Log in to register" in content
    assert 'name="category"' not in content


def test_signed_in_compatriot_gets_the_registration_form_on_the_page(client: Client) -> None:
    event = EventFactory()
    CategoryFactory(event=event, name={"en": "Foreign scholars"}, capacity=40)
    client.force_login(UserFactory())
    content = client.get(event.get_absolute_url()).content.decode()
    assert 'name="category"' in content
    assert "Foreign scholars — 40 seats left" in content


def test_invitation_only_event_says_so(client: Client) -> None:
    event = EventFactory(is_public=False)
    client.force_login(UserFactory())
    content = client.get(event.get_absolute_url()).content.decode()
    assert "by invitation only" in content
    assert 'name="organization"' not in content


def test_printable_programme_lists_sessions_with_their_venue(client: Client) -> None:
    event, _concert, _opening = training_programme()
    response = client.get(reverse("events:event_programme", kwargs={"slug": event.slug}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "css/print.css" in content
    assert "MuTh Concert and Theater Hall" in content
    assert "Kubanychbek Omuraliev" in content


def test_main_navigation_links_the_events(client: Client) -> None:
    assert f'href="{LIST}"' in client.get("/").content.decode()
