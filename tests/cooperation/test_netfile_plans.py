"""The `plans` section of a network file: a plan with directions, measures and indicators, through the services."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tamyr.cooperation.models import Indicator, Measure, Plan
from tamyr.core import netfiles
from tamyr.core.netfiles.yamlfile import render
from tests.netfile_helpers import loader

pytestmark = pytest.mark.django_db

NETWORK = """\
version: 1
organizations:
  - slug: nf-kz
    kind: state_institution
    country: KZ
    name: {en: Kazakh institution}
  - slug: nf-az
    kind: state_institution
    country: AZ
    name: {en: Azerbaijani institution}
networks:
  - slug: nf-net
    name: {en: Network}
    members:
      - organization: nf-kz
        role: member
      - organization: nf-az
        role: member
"""

PLAN = """\
plans:
  - slug: nf-plan
    network: nf-net
    title: {en: Joint plan, kk: Бірлескен жоспар}
    starts_on: 2026-01-01
    ends_on: 2026-12-31
    public: true
    directions:
      - code: "1"
        title: {en: Youth}
    measures:
      - code: "1.1"
        direction: "1"
        title: {en: Youth forum}
        lead: nf-kz
        partners: [nf-az]
        budget_amount: "1500.00"
        currency: EUR
        indicators:
          - title: {en: Participants}
            unit: people
            source: computed
            query: unique_participants
            params: {kind: training}
            periods:
              - {starts_on: 2026-01-01, ends_on: 2026-12-31, target: 50}
      - code: "1.1.1"
        parent: "1.1"
        title: {en: Preparatory meeting}
        lead: nf-az
"""

load, problems = loader("plan.yaml", NETWORK + PLAN)


def test_a_file_creates_the_plan_with_its_measures_and_indicators() -> None:
    load()
    plan = Plan.objects.get(slug="nf-plan")
    assert (plan.measures.count(), Indicator.objects.filter(measure__plan=plan).count()) == (2, 1)


def test_a_child_measure_takes_its_parents_direction() -> None:
    load()
    assert Measure.objects.get(code="1.1.1").direction.code == "1"


def test_loading_the_same_file_again_changes_nothing() -> None:
    load()
    assert load().counts["change"] == 0


def test_a_changed_measure_is_planned_as_a_change_of_that_field() -> None:
    load()
    plan = load(NETWORK + PLAN.replace('budget_amount: "1500.00"', 'budget_amount: "2000.00"'), dry_run=True)
    change = next(c for c in plan.changes if c.section.name == "plans")
    assert change.fields == ["measures.1.1.budget_amount"]


def test_a_changed_measure_is_written() -> None:
    load()
    load(NETWORK + PLAN.replace('budget_amount: "1500.00"', 'budget_amount: "2000.00"'))
    assert Measure.objects.get(code="1.1").budget_amount == Decimal("2000.00")


def test_a_lead_nobody_knows_is_reported_and_nothing_is_written() -> None:
    found = problems(NETWORK + PLAN.replace("lead: nf-kz", "lead: nf-nowhere"))
    assert any("nf-nowhere" in problem for problem in found)
    assert not Plan.objects.exists()


def test_an_unknown_query_is_reported() -> None:
    found = problems(NETWORK + PLAN.replace("query: unique_participants", "query: happiness"))
    assert any("happiness" in problem for problem in found)


def test_a_measure_of_an_unknown_direction_is_reported() -> None:
    found = problems(
        NETWORK
        + PLAN.replace(
            'direction: "1"\n        title: {en: Youth forum}', 'direction: "9"\n        title: {en: Youth forum}'
        )
    )
    assert any("direction 9" in problem for problem in found)


def test_a_dump_loads_back_unchanged() -> None:
    load()
    text = render(netfiles.dump(netfiles.DumpScope(networks=["nf-net"])))
    assert netfiles.load([("dump.yaml", text)], dry_run=True).counts["change"] == 0


def test_the_demo_plan_loads_with_the_demo_network() -> None:
    demo = Path(__file__).resolve().parents[2] / "tamyr" / "demo"
    netfiles.load(
        [("network.yaml", (demo / "network.yaml").read_text()), ("plan.yaml", (demo / "plan.yaml").read_text())]
    )
    plan = Plan.objects.get(slug="ots-jap-2026")
    assert (plan.directions.count(), plan.measures.filter(parent__isnull=True).count() >= 12) == (4, True)
