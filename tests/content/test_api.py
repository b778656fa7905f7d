"""News and pages over the API: published for everyone, drafts for editors, writes for the owner's editors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tamyr.content.models import Entry
from tests.content.factories import news, page
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_the_public_lists_published_news_only(api: APIClient, organization) -> None:
    news(organization, slug="out")
    news(organization, slug="draft", published=False)
    body = api.get("/api/v1/news/").json()
    assert [item["slug"] for item in body["results"]] == ["out"] and body["count"] == 1


def test_an_editor_also_finds_their_drafts(api: APIClient, organization, org_staff) -> None:
    news(organization, slug="draft", published=False)
    api.force_authenticate(org_staff)
    assert [item["slug"] for item in api.get("/api/v1/news/").json()["results"]] == ["draft"]


def test_a_news_item_comes_in_every_language_with_the_readers_version(api: APIClient, organization) -> None:
    news(organization, slug="hello", title={"en": "Hello", "kk": "Сәлем"})
    item = api.get("/api/v1/news/hello/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert item["title"] == {"en": "Hello", "kk": "Сәлем"}
    assert (item["language"], item["display_title"]) == ("kk", "Сәлем")


def test_a_draft_is_not_found_by_the_public(api: APIClient, organization) -> None:
    news(organization, slug="draft", published=False)
    assert api.get("/api/v1/news/draft/").status_code == 404


def test_staff_create_a_news_item_and_its_body_is_sanitised(api: APIClient, organization, org_staff) -> None:
    api.force_authenticate(org_staff)
    response = api.post("/api/v1/news/", {"slug": "api-news", "organization": organization.slug,
                                          "title": {"en": "From the API"},
                                          "body": {"en": '<p onclick="x()">Hi</p><script>x()</script>'}},
                        format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["body"] == {"en": "<p>Hi</p>"}


def test_staff_cannot_create_news_for_another_organization(api: APIClient, org_staff) -> None:
    other = OrganizationFactory()
    api.force_authenticate(org_staff)
    response = api.post("/api/v1/news/", {"slug": "api-news", "organization": other.slug,
                                          "title": {"en": "Not mine"}}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert not Entry.objects.filter(slug="api-news").exists()


def test_an_unknown_language_code_is_refused(api: APIClient, organization, org_staff) -> None:
    api.force_authenticate(org_staff)
    response = api.post("/api/v1/news/", {"slug": "x", "organization": organization.slug,
                                          "title": {"xx": "?"}}, format="json")  # fmt: skip
    assert response.status_code == 400


def test_an_editor_publishes_a_draft_with_a_patch(api: APIClient, organization, org_staff) -> None:
    news(organization, slug="draft", published=False)
    api.force_authenticate(org_staff)
    assert api.patch("/api/v1/news/draft/", {"status": "published"}, format="json").status_code == 200
    assert Entry.objects.get(slug="draft").is_public()


def test_a_page_cannot_be_put_under_another_organizations_page(api: APIClient, organization, org_staff) -> None:
    page(organization, slug="mine")
    page(OrganizationFactory(), slug="theirs")
    api.force_authenticate(org_staff)
    assert api.patch("/api/v1/pages/mine/", {"parent": "theirs"}, format="json").status_code == 400
    assert Entry.objects.get(slug="mine").parent is None


def test_the_news_list_costs_the_same_queries_for_many_items(
    api: APIClient, organization, django_assert_max_num_queries
) -> None:
    for _number in range(30):
        news(organization)
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/news/").status_code == 200
