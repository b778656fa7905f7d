"""The project pages and API: who sees and edits what, and what a form does."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import JointProject, ProjectPartner
from tests.factories import UserFactory, with_totp
from tests.factories.cooperation import PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def _gala(world: PlanWorld, **fields: Any) -> JointProject:
    return services.project_create(
        slug="gala",
        lead=world.kz,
        title={"en": "Gala concert in Vienna"},
        kind="concert",
        budget="1000",
        acting_user=world.staff_kz,
        **fields,
    )


def test_the_list_shows_public_projects_to_visitors(world: PlanWorld, client: Client) -> None:
    _gala(world)
    assert b"Gala concert in Vienna" in client.get("/projects/").content


def test_a_private_project_is_not_found_for_a_visitor(world: PlanWorld, client: Client) -> None:
    _gala(world, is_public=False)
    assert client.get("/projects/gala/").status_code == 404


def test_staff_of_an_organization_create_a_project_through_the_form(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).post(
        "/projects/new/",
        {
            "organization": world.kz.slug,
            "slug": "film-week",
            "title_en": "Film week",
            "kind": "film_week",
            "status": "planned",
            "currency": "KZT",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    assert JointProject.objects.get(slug="film-week").lead == world.kz


def test_a_bad_currency_is_refused_with_a_message_and_nothing_made(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).post(
        "/projects/new/",
        {
            "organization": world.kz.slug,
            "slug": "film-week",
            "title_en": "Film week",
            "kind": "film_week",
            "status": "planned",
            "currency": "K1",
        },
    )
    assert response.status_code == 200 and not JointProject.objects.exists()


def test_a_partners_admin_cannot_open_the_edit_page(world: PlanWorld, client: Client) -> None:
    project = _gala(world)
    services.partner_set(project=project, organization=world.az, acting_user=world.staff_kz)
    assert signed_in(client, world.admins[world.az.slug]).get("/projects/gala/edit/").status_code == 403


def test_the_lead_adds_a_partner_with_a_contribution_on_the_detail_page(world: PlanWorld, client: Client) -> None:
    _gala(world)
    signed_in(client, world.staff_kz).post(
        "/projects/gala/",
        {
            "action": "partner",
            "partner-organization": world.az.slug,
            "partner-role": "partner",
            "partner-contribution": "400",
        },
    )
    assert ProjectPartner.objects.get(organization=world.az).contribution == 400


def test_a_visitor_cannot_post_to_a_project(world: PlanWorld, client: Client) -> None:
    _gala(world)
    response = signed_in(client, UserFactory()).post("/projects/gala/", {"action": "media", "media-url": "https://x"})
    assert response.status_code == 403


def test_the_api_lists_projects_with_partners_and_contributions(world: PlanWorld, client: Client) -> None:
    project = _gala(world, measure=world.measure)
    services.partner_set(project=project, organization=world.az, contribution="250", acting_user=world.staff_kz)
    body = client.get("/api/v1/projects/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["measure"] == {"plan": world.plan.slug, "code": "2.1"}
    assert {p["organization"]: p["contribution"] for p in rows[0]["partners"]}[world.az.slug] == "250.00"


def test_the_api_hides_a_private_project(world: PlanWorld, client: Client) -> None:
    _gala(world, is_public=False)
    assert client.get("/api/v1/projects/gala/").status_code == 404
