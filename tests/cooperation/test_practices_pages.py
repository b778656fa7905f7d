"""The practice library's pages and API: search, submission, review and learning requests through the forms."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import LearnRequest, Practice, PracticeStatus
from tests.factories import UserFactory, with_totp
from tests.factories.cooperation import PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def _academy(world: PlanWorld, *, accept: bool = True) -> Practice:
    practice = services.practice_submit(
        organization=world.az,
        network=world.network,
        slug="open-academy",
        title={"ru": "Открытая академия НПО"},
        contact_email="academy@example.org",
        theme="ngo",
        acting_user=world.admins[world.az.slug],
    )
    if accept:
        practice = services.practice_review(practice=practice, accept=True, acting_user=world.coordinator)
    return practice


def test_a_latin_search_finds_a_cyrillic_practice_on_the_page(world: PlanWorld, client: Client) -> None:
    _academy(world)
    assert "Открытая академия" in client.get("/practices/?q=akademiya").content.decode()


def test_a_practice_awaiting_review_is_not_found_for_a_visitor(world: PlanWorld, client: Client) -> None:
    _academy(world, accept=False)
    assert client.get("/practices/open-academy/").status_code == 404


def test_an_organizations_staff_submit_a_practice_through_the_form(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).post(
        "/practices/new/",
        {
            "organization": world.kz.slug,
            "slug": "youth-camp",
            "title_en": "Youth camp",
            "theme": "youth",
            "contact_email": "camp@example.org",
        },
    )
    assert response.status_code == 302
    assert Practice.objects.get(slug="youth-camp").status == PracticeStatus.SUBMITTED


def test_the_coordinator_rejects_with_a_reason_on_the_page(world: PlanWorld, client: Client) -> None:
    _academy(world, accept=False)
    signed_in(client, world.coordinator).post(
        "/practices/open-academy/review/", {"accept": "0", "text": "Add contacts in Russian."}
    )
    practice = Practice.objects.get()
    assert (practice.status, practice.review_note) == (PracticeStatus.REJECTED, "Add contacts in Russian.")


def test_a_member_admin_cannot_review(world: PlanWorld, client: Client) -> None:
    _academy(world, accept=False)
    response = signed_in(client, world.admin_kz).post("/practices/open-academy/review/", {"accept": "1"})
    assert response.status_code in (403, 404)
    assert Practice.objects.get().status == PracticeStatus.SUBMITTED


def test_staff_ask_to_learn_and_the_owner_answers_on_the_page(world: PlanWorld, client: Client) -> None:
    _academy(world)
    signed_in(client, world.staff_kz).post(
        "/practices/open-academy/learn/", {"organization": world.kz.slug, "message": "May we visit in May?"}
    )
    learn = LearnRequest.objects.get()
    owner = Client()
    signed_in(owner, world.admins[world.az.slug]).post(
        f"/practices/open-academy/requests/{learn.pk}/", {"accept": "1", "text": "Yes, come."}
    )
    learn.refresh_from_db()
    assert (learn.status, learn.answer) == ("accepted", "Yes, come.")


def test_a_visitor_without_an_organization_cannot_ask(world: PlanWorld, client: Client) -> None:
    _academy(world)
    response = signed_in(client, UserFactory()).post("/practices/open-academy/learn/", {"message": "?"})
    assert response.status_code == 403


def test_the_api_searches_across_scripts(world: PlanWorld, client: Client) -> None:
    _academy(world)
    body = client.get("/api/v1/practices/?q=otkrytaya").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["slug"] for row in rows] == ["open-academy"]
