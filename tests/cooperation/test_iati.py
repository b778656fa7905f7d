"""A plan exported as IATI 2.03 activities validates against the IATI schema and carries its indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from tamyr.cooperation import iati
from tests.conformance import conformance
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(conformance("iati-2.03", "iati-activities-schema.xsd"))))


def with_content(world: PlanWorld) -> None:
    world.plan.title = {"en": "Joint Action Plan 2026", "kk": "2026 жылға арналған бірлескен іс-қимыл жоспары"}
    world.plan.save()
    world.measure.budget_amount = Decimal("25000.00")
    world.measure.currency = "EUR"
    world.measure.save()
    world.measure.partners.add(world.az)
    child = MeasureFactory(
        direction=world.direction, plan=world.plan, code="2.1.1", parent=world.measure, lead=world.tr
    )
    indicator = IndicatorFactory(measure=child, baseline=Decimal(40), baseline_year=2025, unit="participants")
    PeriodFactory(indicator=indicator, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), actual=Decimal(12))
    PeriodFactory(indicator=indicator, starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))


def test_the_export_validates_against_the_iati_schema(world: PlanWorld, schema: etree.XMLSchema) -> None:
    with_content(world)
    document = etree.fromstring(iati.export(world.plan))
    assert schema.validate(document), schema.error_log


def test_a_plan_without_indicators_still_validates(world: PlanWorld, schema: etree.XMLSchema) -> None:
    document = etree.fromstring(iati.export(world.plan))
    assert schema.validate(document), schema.error_log


def test_the_export_carries_targets_and_actuals_per_period(world: PlanWorld) -> None:
    with_content(world)
    document = etree.fromstring(iati.export(world.plan))
    periods = document.findall(".//indicator/period")
    assert [(p.find("target").get("value"), getattr(p.find("actual"), "attrib", {}).get("value")) for p in periods] == [
        ("100", "12"),
        ("100", None),
    ]


def test_each_measure_is_a_child_activity_of_the_plan(world: PlanWorld) -> None:
    document = etree.fromstring(iati.export(world.plan))
    children = [a.findtext("iati-identifier") for a in document.findall("iati-activity[@hierarchy='2']")]
    assert children == ["XI-TAMYR-jap-2026-2.1"]
