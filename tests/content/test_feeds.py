"""RSS 2.0, Atom and JSON Feed 1.1 per organization and network and per language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.content.factories import news
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_rss_feed_lists_an_organizations_news_in_the_feeds_language(client: Client, organization) -> None:
    news(organization, title={"en": "Hello", "kk": "Сәлем"})
    response = client.get(f"/news/feeds/organizations/{organization.slug}/kk/rss.xml")
    channel = ET.fromstring(response.content).find("channel")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert channel is not None and channel.findtext("language") == "kk"
    assert [item.findtext("title") for item in channel.iter("item")] == ["Сәлем"]
    assert channel.find("item/link").text.endswith("?lang=kk")  # type: ignore[union-attr]


def test_a_language_feed_leaves_out_items_without_that_version(client: Client, organization) -> None:
    news(organization, title={"en": "Only English"})
    news(organization, title={"en": "Both", "tr": "İkisi"})
    root = ET.fromstring(client.get(f"/news/feeds/organizations/{organization.slug}/tr/rss.xml").content)
    assert [item.findtext("title") for item in root.iter("item")] == ["İkisi"]


def test_the_atom_feed_of_a_network_has_its_own_and_its_members_news(client: Client, organization) -> None:
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=organization)
    news(network, title={"en": "Network news"})
    news(organization, title={"en": "Member news"})
    news(OrganizationFactory(), title={"en": "Outsider"})
    root = ET.fromstring(client.get(f"/news/feeds/networks/{network.slug}/en/atom.xml").content)
    titles = {entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}
    assert titles == {"Network news", "Member news"}


def test_drafts_and_scheduled_items_are_in_no_feed(client: Client, organization) -> None:
    news(organization, title={"en": "Draft"}, published=False)
    assert b"Draft" not in client.get(f"/news/feeds/organizations/{organization.slug}/en/rss.xml").content


def test_the_json_feed_follows_version_1_1(client: Client, organization) -> None:
    news(organization, title={"en": "Hello"}, summary={"en": "Short"}, body={"en": "<p>Long</p><script>x</script>"})
    response = client.get(f"/news/feeds/organizations/{organization.slug}/en/feed.json")
    feed = response.json()
    assert response["Content-Type"] == "application/feed+json"
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert {"title", "home_page_url", "feed_url", "items", "language"} <= set(feed)
    item = feed["items"][0]
    assert item["title"] == "Hello" and item["summary"] == "Short" and item["language"] == "en"
    assert item["content_html"] == "<p>Long</p>"
    assert item["id"].startswith("http") and item["date_published"]


def test_a_feed_of_an_unknown_language_or_owner_is_not_found(client: Client, organization) -> None:
    assert client.get(f"/news/feeds/organizations/{organization.slug}/xx/rss.xml").status_code == 404
    assert client.get("/news/feeds/organizations/nobody/en/feed.json").status_code == 404


def test_a_feed_costs_the_same_queries_for_many_items(
    client: Client, organization, django_assert_max_num_queries
) -> None:
    for _number in range(20):
        news(organization)
    with django_assert_max_num_queries(4):
        assert client.get(f"/news/feeds/organizations/{organization.slug}/en/feed.json").status_code == 200
