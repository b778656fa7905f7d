"""Plans, directions and measures: who may write them, what they may name, and how progress rolls up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tamyr.cooperation import selectors, services
from tamyr.cooperation.models import Measure
from tamyr.core.errors import DomainError, NotAllowed
from tests.factories import OrganizationFactory
from tests.factories.cooperation import MeasureFactory, PeriodFactory, PlanWorld


def test_the_coordinator_makes_the_networks_plan(world: PlanWorld) -> None:
    plan = services.plan_create(
        slug="jap-2027",
        title={"en": "Joint Action Plan 2027"},
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        network=world.network,
        acting_user=world.coordinator,
    )
    assert plan.network == world.network


def test_a_member_institution_cannot_make_the_networks_plan(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.plan_create(
            slug="jap-2027",
            title={"en": "Plan"},
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            network=world.network,
            acting_user=world.admin_kz,
        )


def test_a_period_that_ends_before_it_starts_is_refused(world: PlanWorld) -> None:
    with pytest.raises(DomainError, match="end before"):
        services.plan_create(
            slug="jap-bad",
            title={"en": "Plan"},
            starts_on=date(2027, 1, 1),
            ends_on=date(2026, 1, 1),
            network=world.network,
            acting_user=world.coordinator,
        )


def test_a_measures_lead_must_be_in_the_plans_network(world: PlanWorld) -> None:
    with pytest.raises(DomainError, match="not in this plan's network"):
        services.measure_create(
            plan=world.plan,
            direction=world.direction,
            code="2.9",
            title={"en": "Outsider"},
            lead=OrganizationFactory(),
            acting_user=world.coordinator,
        )
    assert not Measure.objects.filter(code="2.9").exists()


def test_a_measure_names_partners_from_the_network(world: PlanWorld) -> None:
    measure = services.measure_create(
        plan=world.plan,
        direction=world.direction,
        code="2.2",
        title={"en": "Youth forum"},
        lead=world.az,
        partners=[world.kz, world.hu],
        acting_user=world.coordinator,
    )
    assert set(measure.partners.all()) == {world.kz, world.hu}


def test_a_measure_cannot_become_part_of_its_own_child(world: PlanWorld) -> None:
    child = MeasureFactory(
        direction=world.direction, plan=world.plan, code="2.1.1", parent=world.measure, lead=world.kz
    )
    with pytest.raises(DomainError, match="part of itself"):
        services.measure_update(measure=world.measure, parent=child, acting_user=world.coordinator)


def test_a_bad_budget_is_refused_and_nothing_changes(world: PlanWorld) -> None:
    with pytest.raises(DomainError, match="number"):
        services.measure_update(measure=world.measure, budget_amount="lots", acting_user=world.coordinator)
    world.measure.refresh_from_db()
    assert world.measure.budget_amount is None


def test_a_member_institution_cannot_change_a_measure_it_does_not_lead(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.measure_update(measure=world.measure, status="completed", acting_user=world.admins[world.az.slug])


def test_the_lead_institution_changes_its_measures_status(world: PlanWorld) -> None:
    services.measure_update(measure=world.measure, status="completed", acting_user=world.admin_kz)
    world.measure.refresh_from_db()
    assert world.measure.status == "completed"


def test_the_lead_institution_cannot_give_its_measure_away(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.measure_update(measure=world.measure, lead=world.az, acting_user=world.admin_kz)


def _with_progress(world: PlanWorld, code: str, weight: int, actual: int) -> Measure:
    child = MeasureFactory(
        direction=world.direction, plan=world.plan, code=code, parent=world.measure, lead=world.kz, weight=weight
    )
    PeriodFactory(indicator__measure=child, target=Decimal(100), actual=Decimal(actual))
    return child


def test_a_parents_progress_is_its_childrens_weighted_by_their_weight(world: PlanWorld) -> None:
    _with_progress(world, "2.1.1", weight=3, actual=100)
    _with_progress(world, "2.1.2", weight=1, actual=0)
    node = selectors.measure_node(world.plan, "2.1", today=date(2026, 6, 1))
    assert node is not None and node.percent == 75


def test_a_cancelled_child_does_not_hold_its_parent_back(world: PlanWorld) -> None:
    _with_progress(world, "2.1.1", weight=1, actual=100)
    cancelled = _with_progress(world, "2.1.2", weight=1, actual=0)
    cancelled.status = "cancelled"
    cancelled.save()
    node = selectors.measure_node(world.plan, "2.1", today=date(2026, 6, 1))
    assert node is not None and node.percent == 100


def test_a_measure_without_indicators_counts_as_done_only_when_completed(world: PlanWorld) -> None:
    world.measure.status = "completed"
    world.measure.save()
    tree = selectors.plan_tree(world.plan)
    assert tree.percent == 100


def test_the_plan_tree_takes_a_fixed_number_of_queries(world: PlanWorld, django_assert_max_num_queries: Any) -> None:
    for n in range(10):
        child = _with_progress(world, f"2.1.{n}", weight=1, actual=n * 10)
        child.partners.add(world.az)
    with django_assert_max_num_queries(10):
        selectors.plan_tree(world.plan)
