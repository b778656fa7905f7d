"""The reading side (news list and page, pages in a tree, the home, organization and network pages) and the
editor's pages (list with out-of-date languages, create, preview, revisions, attachments)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import services
from tamyr.content.models import Entry, EntryStatus
from tests.content.factories import news, page
from tests.factories import NetworkFactory, NetworkMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_news_list_shows_published_news_newest_first_and_no_draft(client: Client, organization) -> None:
    now = timezone.now()
    news(organization, title={"en": "Older"}, published_at=now - dt.timedelta(days=2))
    news(organization, title={"en": "Newer"}, published_at=now - dt.timedelta(days=1))
    news(organization, title={"en": "Secret draft"}, published=False)
    text = client.get("/news/").content.decode()
    assert text.index("Newer") < text.index("Older")
    assert "Secret draft" not in text


def test_a_scheduled_item_is_not_listed_before_its_time(client: Client, organization) -> None:
    news(organization, title={"en": "Tomorrow"}, published_at=timezone.now() + dt.timedelta(days=1))
    assert "Tomorrow" not in client.get("/news/").content.decode()


def test_the_news_list_says_so_when_there_is_none(client: Client, db) -> None:
    assert b'class="empty"' in client.get("/news/").content


def test_the_news_list_costs_the_same_queries_for_many_items(
    client: Client, organization, django_assert_max_num_queries
) -> None:
    for _number in range(25):
        news(organization)
    with django_assert_max_num_queries(8):
        response = client.get("/news/")
    assert response.status_code == 200
    assert b'rel="next"' in response.content  # 25 items: two pages


def test_a_reader_gets_the_version_in_their_language(client: Client, organization) -> None:
    item = news(organization, title={"en": "Hello", "kk": "Сәлем"})
    response = client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Сәлем" in response.content.decode()


def test_a_reader_may_ask_for_another_version(client: Client, organization) -> None:
    item = news(organization, title={"en": "Hello", "kk": "Сәлем"})
    assert "Сәлем" in client.get(item.get_absolute_url() + "?lang=kk").content.decode()


def test_a_reader_of_a_language_without_version_gets_the_fallback(client: Client, organization) -> None:
    item = news(organization, title={"hu": "Szia", "ru": "Привет"}, source_language="hu", fallback_language="ru")
    assert "Привет" in client.get(item.get_absolute_url() + "?lang=ky").content.decode()


def test_the_body_shown_is_sanitised_even_when_the_row_was_not(client: Client, organization) -> None:
    item = news(organization)
    Entry.objects.filter(pk=item.pk).update(body={"en": '<p>ok</p><script>alert("x")</script><img src=x onerror=y>'})
    text = client.get(item.get_absolute_url()).content.decode()
    assert "<p>ok</p>" in text and 'alert("x")' not in text and "onerror" not in text


def test_a_draft_is_not_found_by_the_public(client: Client, organization) -> None:
    item = news(organization, published=False)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_draft_is_shown_to_its_editors(client: Client, organization, org_staff) -> None:
    item = news(organization, published=False, title={"en": "Work in progress"})
    client.force_login(org_staff)
    assert "Work in progress" in client.get(item.get_absolute_url()).content.decode()


def test_a_subpage_shows_where_it_is_in_the_tree(client: Client, organization) -> None:
    top = page(organization, title={"en": "Consular services"})
    child = page(organization, title={"en": "Voting abroad"}, parent=top)
    text = client.get(child.get_absolute_url()).content.decode()
    assert "Consular services" in text
    assert "Voting abroad" in client.get(top.get_absolute_url()).content.decode()


def test_the_home_page_lists_the_latest_news(client: Client, organization) -> None:
    news(organization, title={"en": "Fresh news"})
    assert "Fresh news" in client.get("/").content.decode()


def test_the_organization_page_lists_its_news_and_announces_its_feeds(client: Client, organization) -> None:
    news(organization, title={"en": "Our news"})
    text = client.get(organization.get_absolute_url()).content.decode()
    assert "Our news" in text
    assert 'rel="alternate" type="application/rss+xml"' in text
    assert 'type="application/atom+xml"' in text and 'type="application/feed+json"' in text


def test_the_network_page_lists_its_own_and_its_members_news(client: Client, organization) -> None:
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=organization)
    news(network, title={"en": "Network news"})
    news(organization, title={"en": "Member news"})
    news(OrganizationFactory(), title={"en": "Outsider news"})
    text = client.get(network.get_absolute_url()).content.decode()
    assert "Network news" in text and "Member news" in text and "Outsider news" not in text


def test_the_editors_list_marks_translations_older_than_the_source(client: Client, organization, org_staff) -> None:
    item = news(organization, title={"en": "Hello", "kk": "Сәлем"})
    services.entry_update(entry=item, acting_user=SYSTEM, title={"en": "Hello!", "kk": "Сәлем"},
                          now=timezone.now() + dt.timedelta(minutes=1))  # fmt: skip
    client.force_login(org_staff)
    text = client.get("/content/").content.decode()
    assert "Out of date: kk" in text


def test_the_editors_list_costs_the_same_queries_for_many_items(
    client: Client, organization, org_staff, django_assert_max_num_queries
) -> None:
    for _number in range(25):
        news(organization)
    client.force_login(org_staff)
    with django_assert_max_num_queries(14):
        assert client.get("/content/").status_code == 200


def _form(owner: str, **extra: str) -> dict[str, str]:
    return {"owner": owner, "kind": "news", "slug": "from-the-form", "title_en": "From the form",
            "body_en": "<p>Text</p><script>alert(1)</script>", "source_language": "en", "fallback_language": "en",
            "status": "published", **extra}  # fmt: skip


def test_an_editor_publishes_a_news_item_from_the_form(client: Client, organization, org_staff) -> None:
    client.force_login(org_staff)
    response = client.post("/content/new/", _form(f"organization:{organization.slug}"))
    assert response.status_code == 302
    item = Entry.objects.get(slug="from-the-form")
    assert item.is_public() and "script" not in item.body["en"]


def test_an_editor_cannot_publish_in_another_organizations_name(client: Client, organization, org_staff) -> None:
    other = OrganizationFactory()
    client.force_login(org_staff)
    assert client.post("/content/new/", _form(f"organization:{other.slug}")).status_code == 403
    assert not Entry.objects.filter(slug="from-the-form").exists()


def test_preview_shows_the_sanitised_text_and_saves_nothing(client: Client, organization, org_staff) -> None:
    client.force_login(org_staff)
    response = client.post("/content/new/", _form(f"organization:{organization.slug}", action="preview"))
    text = response.content.decode()
    assert "<p>Text</p>" in text and "alert(1)" not in text.split('class="preview"')[1].split("</section>")[0]
    assert not Entry.objects.filter(slug="from-the-form").exists()


def test_an_editor_restores_a_revision_from_its_page(client: Client, organization, org_staff) -> None:
    item = news(organization, title={"en": "First"})
    services.entry_update(entry=item, acting_user=SYSTEM, title={"en": "Second"})
    client.force_login(org_staff)
    first = item.revisions.get(number=1)
    assert client.post(f"/content/{item.pk}/revisions/", {"revision": first.pk}).status_code == 302
    assert Entry.objects.get(pk=item.pk).title == {"en": "First"}


def test_an_attachment_of_a_published_item_is_served_to_anyone_as_a_download(client: Client, organization) -> None:
    item = news(organization)
    attachment = services.attachment_add(
        entry=item, upload=SimpleUploadedFile("programme.pdf", b"%PDF-1.4\n%%EOF\n"), acting_user=SYSTEM
    )
    response = client.get(f"/files/content-attachment/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_an_attachment_of_a_draft_is_not_found_by_the_public(client: Client, organization) -> None:
    item = news(organization, published=False)
    attachment = services.attachment_add(
        entry=item, upload=SimpleUploadedFile("programme.pdf", b"%PDF-1.4\n%%EOF\n"), acting_user=SYSTEM
    )
    assert client.get(f"/files/content-attachment/{attachment.pk}/").status_code == 404


def test_an_archived_item_leaves_the_public_pages(client: Client, organization) -> None:
    item = news(organization)
    services.entry_update(entry=item, acting_user=SYSTEM, status=EntryStatus.ARCHIVED)
    assert client.get(item.get_absolute_url()).status_code == 404
