"""Joint projects: who starts and edits them, partners and contributions, linked events and media, and reads
without N+1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tamyr.cooperation import selectors_projects as selectors
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import JointProject, PartnerRole
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.cooperation import PlanWorld


def _gala(world: PlanWorld, **fields: Any) -> JointProject:
    return services.project_create(
        slug="gala-vienna-2026",
        lead=world.kz,
        title={"en": "Gala concert in Vienna", "ru": "Гала-концерт в Вене"},
        kind="concert",
        starts_on=date(2026, 1, 22),
        budget="50000",
        currency="eur",
        acting_user=world.staff_kz,
        **fields,
    )


def test_staff_of_the_lead_start_a_project_and_the_lead_is_its_first_partner(world: PlanWorld) -> None:
    project = _gala(world)
    assert project.currency == "EUR"
    assert [(p.organization, p.role) for p in project.partners.all()] == [(world.kz, PartnerRole.LEAD)]


def test_starting_a_project_is_audited(world: PlanWorld) -> None:
    project = _gala(world)
    assert AuditEntry.objects.filter(action="cooperation.project_created", target_id=str(project.pk)).exists()


def test_another_organizations_admin_cannot_start_a_project_in_the_leads_name(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.project_create(slug="x", lead=world.kz, title={"en": "X"}, acting_user=world.admins[world.az.slug])


def test_a_project_cannot_end_before_it_starts(world: PlanWorld) -> None:
    with pytest.raises(DomainError):
        _gala(world, ends_on=date(2026, 1, 1))
    assert not JointProject.objects.exists()


def test_a_project_can_implement_a_measure_of_a_plan_the_user_sees(world: PlanWorld) -> None:
    project = _gala(world, measure=world.measure)
    assert list(world.measure.projects.all()) == [project]


def test_a_partner_cannot_edit_the_project(world: PlanWorld) -> None:
    project = _gala(world)
    services.partner_set(project=project, organization=world.az, role="co_organizer", acting_user=world.staff_kz)
    with pytest.raises(NotAllowed):
        services.project_update(project=project, status="completed", acting_user=world.admins[world.az.slug])


def test_contributions_are_summed_against_the_budget(world: PlanWorld) -> None:
    project = _gala(world)
    services.partner_set(
        project=project, organization=world.kz, role="lead", contribution="30000", acting_user=world.staff_kz
    )
    services.partner_set(
        project=project, organization=world.az, role="partner", contribution="15000", acting_user=world.staff_kz
    )
    loaded = selectors.project_detail(project.slug)
    assert loaded is not None
    assert selectors.project_contributions(loaded) == {
        "budget": Decimal("50000"),
        "contributed": Decimal("45000"),
        "gap": Decimal("5000"),
    }


def test_only_the_lead_has_the_lead_role(world: PlanWorld) -> None:
    project = _gala(world)
    with pytest.raises(DomainError):
        services.partner_set(project=project, organization=world.az, role="lead", acting_user=world.staff_kz)


def test_a_negative_contribution_is_refused(world: PlanWorld) -> None:
    project = _gala(world)
    with pytest.raises(DomainError):
        services.partner_set(project=project, organization=world.az, contribution="-5", acting_user=world.staff_kz)


def test_the_lead_cannot_be_removed_from_its_project(world: PlanWorld) -> None:
    project = _gala(world)
    with pytest.raises(DomainError):
        services.partner_remove(project=project, organization=world.kz, acting_user=world.staff_kz)


def test_media_need_a_web_address(world: PlanWorld) -> None:
    project = _gala(world)
    with pytest.raises(DomainError):
        services.project_media_add(project=project, url="javascript:alert(1)", acting_user=world.staff_kz)
    assert not project.media.exists()


def test_a_private_project_is_seen_by_its_partners_only(world: PlanWorld) -> None:
    project = _gala(world, is_public=False)
    services.partner_set(project=project, organization=world.az, acting_user=world.staff_kz)
    assert list(selectors.projects_visible(world.admins[world.az.slug])) == [project]
    assert list(selectors.projects_visible(world.admins[world.tr.slug])) == []
    assert list(selectors.projects_visible(UserFactory())) == []


def test_the_project_list_reads_in_a_fixed_number_of_queries(
    world: PlanWorld, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        project = services.project_create(
            slug=f"p{n}", lead=world.kz, title={"en": f"P{n}"}, measure=world.measure, acting_user=world.staff_kz
        )
        services.partner_set(project=project, organization=world.az, acting_user=world.staff_kz)
    user = UserFactory()
    with django_assert_max_num_queries(4):
        rows = [
            (p.lead.name, p.measure.plan.slug, [x.organization.name for x in p.partners.all()])
            for p in selectors.projects_visible(user)
        ]
    assert len(rows) == 5


def test_linked_events_must_be_ones_the_user_sees(world: PlanWorld) -> None:
    from tests.events.factories import EventFactory

    project = _gala(world)
    hidden = EventFactory(status="draft")
    with pytest.raises(DomainError):
        services.project_events_set(project=project, events=[hidden], acting_user=world.staff_kz)
    assert not project.events.exists()
