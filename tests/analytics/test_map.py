"""The diaspora map: drawn on the server, names from CLDR, small counts hidden for outsiders, bounded queries."""

from __future__ import annotations

import pytest
from django.test import Client

from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics import estimates
from tamyr.analytics.map import build_map, default_origin, world
from tamyr.core import cldr
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    coordinate,
    country,
    with_totp,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "tr", "az", "uz", "ky", "hu", "en")


def add_estimates() -> None:
    rows = estimates.read_csv(
        "origin,residence,year,low,high,point,publisher,title,url,note\n"
        "KZ,RU,2010,,,647732,Rosstat,All-Russian Population Census 2010,https://example.org/ru,census\n"
        "KZ,RU,2024,,,2500000,UN DESA,International Migrant Stock 2024,https://example.org/desa,born\n"
        "KZ,MN,2010,,,101526,NSO Mongolia,Census 2010,,census\n"
    )
    estimates.estimates_import(rows=rows, acting_user=SYSTEM)


def people_in(code: str, count: int, **kwargs: object) -> None:
    for _ in range(count):
        PersonFactory(residence_country=country(code), **kwargs)


def test_the_shipped_outlines_are_keyed_by_iso_alpha_2() -> None:
    shapes = world()
    assert {"KZ", "RU", "CN", "MN", "DE", "HU", "US", "TR"} <= set(shapes["countries"])
    assert "AQ" not in shapes["countries"]
    assert shapes["countries"]["KZ"].startswith("M")


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_names_countries_in_the_readers_language(client: Client, language: str) -> None:
    add_estimates()
    response = client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="diaspora-map" viewBox=' in text and 'width="100%"' in text
    assert cldr.country_name("RU", language) in text
    assert cldr.country_name("MN", language) in text


def test_every_source_is_listed_beside_the_country_never_averaged(client: Client) -> None:
    add_estimates()
    text = client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = text[text.index('id="c-RU"') :]
    row = row[: row.index("</tr>")]
    assert "647,732" in row and "2,500,000" in row
    assert "Rosstat" in row and "UN DESA" in row
    assert "1,573,866" not in text  # the mean of the two


def test_a_country_links_to_its_figures_below_the_map(client: Client) -> None:
    add_estimates()
    text = client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="#c-MN"' in text and 'id="c-MN"' in text


def test_small_counts_are_hidden_for_an_outsider() -> None:
    people_in("DE", 3)
    people_in("HU", 12)
    people_in("AT", 20)
    data = build_map(origin="KZ", network=None, mode="people", raw=False, language="en")
    figures = {c.code: c.people for c in data.countries}
    assert figures["DE"] is None
    assert figures["HU"] is None  # secondary suppression: the smallest shown cell goes too
    assert figures["AT"] == 20


def test_small_counts_are_hidden_on_the_page_for_an_anonymous_reader(client: Client) -> None:
    people_in("DE", 3)
    people_in("AT", 20)
    text = client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = text[text.index('id="c-DE"') :]
    assert "&lt;10" in row[: row.index("</tr>")]


def test_the_platform_admin_sees_raw_counts(client: Client) -> None:
    people_in("DE", 3)
    people_in("AT", 20)
    admin = UserFactory(is_superuser=True, is_staff=True)
    with_totp(admin)
    client.force_login(admin)
    text = client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = text[text.index('id="c-DE"') :]
    row = row[: row.index("</tr>")]
    assert ">3<" in row and "&lt;10" not in row


def test_a_network_counts_only_its_members_people() -> None:
    member = OrganizationFactory()
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=member)
    people_in("AT", 12, registered_by=member)
    people_in("AT", 30)
    data = build_map(origin="KZ", network=network, mode="people", raw=True, language="en")
    assert {c.code: c.people for c in data.countries}["AT"] == 12


def test_colour_by_estimates_shades_countries_with_estimates() -> None:
    add_estimates()
    data = build_map(origin="KZ", network=None, mode="estimates", raw=False, language="en")
    shades = {c.code: c.shade for c in data.countries}
    assert shades["RU"] != shades["MN"]


def test_table_sorts_by_collated_country_name(client: Client) -> None:
    add_estimates()
    people_in("AT", 12)
    text = client.get("/analytics/map/?origin=KZ&sort=name", HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    table = text[text.index('data-testid="map-table"') :]
    order = [code for code in ("AT", "MN", "RU") if f'id="c-{code}"' in table]
    positions = sorted(order, key=lambda code: table.index(f'id="c-{code}"'))
    assert positions == ["AT", "MN", "RU"]  # Ausztria, Mongólia, Oroszország


def test_map_page_queries_are_bounded_whatever_the_number_of_countries(
    client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    add_estimates()
    for code in ("DE", "AT", "HU", "US", "TR", "CN", "UZ", "KG"):
        people_in(code, 2)
    with django_assert_max_num_queries(12):
        assert client.get("/analytics/map/?origin=KZ").status_code == 200


def test_a_second_request_is_drawn_from_the_cache(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    add_estimates()
    client.get("/analytics/map/?origin=KZ")
    with django_assert_max_num_queries(5):
        assert client.get("/analytics/map/?origin=KZ").status_code == 200


def test_a_new_estimate_shows_at_once(client: Client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        add_estimates()
    assert "647,732" in client.get("/analytics/map/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_unknown_origin_or_network_is_not_found(client: Client) -> None:
    assert client.get("/analytics/map/?origin=QQ").status_code == 404
    assert client.get("/analytics/map/?network=nope").status_code == 404


def test_people_reached_count_confirmed_registrations_once_each_and_events_by_venue_country() -> None:
    from tests.events.factories import EventFactory, RegistrationFactory

    first, second = EventFactory(), EventFactory()  # both held in Austria
    for _ in range(11):
        person = PersonFactory(residence_country=country("DE"))
        RegistrationFactory(event=first, person=person)
        RegistrationFactory(event=second, person=person)
    RegistrationFactory(event=first, person=PersonFactory(residence_country=country("DE")), status="cancelled")
    data = build_map(origin="KZ", network=None, mode="people", raw=True, language="en")
    figures = {c.code: c for c in data.countries}
    assert figures["DE"].reached == 11
    assert figures["DE"].people == 12
    assert figures["AT"].events == 2


def test_a_network_counts_people_affiliated_with_its_members_once() -> None:
    from tests.factories import AffiliationFactory

    member = OrganizationFactory()
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=member)
    for _ in range(3):
        AffiliationFactory(
            person=PersonFactory(residence_country=country("HU"), registered_by=member), organization=member
        )
    AffiliationFactory(person=PersonFactory(residence_country=country("HU")), organization=member)
    data = build_map(origin="KZ", network=network, mode="people", raw=True, language="en")
    assert {c.code: c.people for c in data.countries}["HU"] == 4


def test_an_old_drawing_is_served_and_drawn_afresh_for_the_next_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from tamyr.analytics import map as world_map

    people_in("AT", 12)
    first = build_map(origin="KZ", network=None, mode="people", raw=True, language="en")
    people_in("AT", 3)
    real_time = time.time
    monkeypatch.setattr(world_map.time, "time", lambda: real_time() + world_map.CACHE_SECONDS + 1)
    served = build_map(origin="KZ", network=None, mode="people", raw=True, language="en")
    monkeypatch.setattr(world_map.time, "time", real_time)
    fresh = build_map(origin="KZ", network=None, mode="people", raw=True, language="en")
    assert {c.code: c.people for c in served.countries}["AT"] == 12  # the old drawing, while the task draws
    assert {c.code: c.people for c in fresh.countries}["AT"] == 15  # the task (immediate in tests) drew afresh
    assert fresh.counted_at > first.counted_at


def test_a_coordinator_across_countries_sees_the_diaspora_that_has_estimates_first() -> None:
    network = NetworkFactory()
    for code in ("TR", "TR", "KZ"):
        NetworkMembershipFactory(network=network, organization=OrganizationFactory(country=country(code)))
    user = UserFactory()
    coordinate(user, network)
    assert default_origin(user) == "TR"  # no estimates anywhere: the most frequent country
    add_estimates()
    assert default_origin(user) == "KZ"
