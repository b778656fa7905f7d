"""Progress reports (page, PDF, XLSX from one table) and the public accountability page with small counts
withheld."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tamyr.cooperation import reports
from tests.factories import UserFactory, with_totp
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def computed(world: PlanWorld, actual: str, target: str = "100", measure: Any = None) -> Any:
    indicator = IndicatorFactory(
        measure=measure or world.measure, source="computed", query="unique_participants", params={}
    )
    return PeriodFactory(indicator=indicator, target=Decimal(target), actual=Decimal(actual))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", None), ("9", None), ("10", "10"), ("12", "10"), ("13", "15"), ("17.5", "20"), ("1234", "1235")],
)
def test_a_public_number_is_withheld_below_ten_and_rounded_to_five(value: str, shown: str | None) -> None:
    expected = Decimal(shown) if shown is not None else None
    assert reports.published_number(Decimal(value)) == expected


def test_the_report_has_a_row_per_indicator_period_within_the_report_period(world: PlanWorld) -> None:
    period = computed(world, "12", target="40")
    PeriodFactory(indicator=period.indicator, starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31), target=80)
    half = reports.ReportPeriod(date(2026, 1, 1), date(2026, 6, 30))
    period.ends_on = half.ends_on
    period.save()
    report = reports.build(world.plan, half)
    assert len(report.rows) == 1
    row = dict(zip(report.header, report.rows[0], strict=True))
    assert (row["Measure"], row["Target"], row["Actual"], row["Progress, %"]) == ("2.1", 40, 12, 30)


def test_the_periods_offered_are_the_whole_plan_then_each_indicator_period(world: PlanWorld) -> None:
    computed(world, "1")
    PeriodFactory(indicator__measure=world.measure, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    keys = [p.key for p in reports.periods_of(world.plan)]
    assert keys == ["2026-01-01..2026-12-31", "2026-01-01..2026-06-30"]


def test_a_report_for_an_organization_keeps_only_the_measures_it_leads_or_partners(world: PlanWorld) -> None:
    other = MeasureFactory(plan=world.plan, direction=world.direction, code="2.2", lead=world.az)
    MeasureFactory(plan=world.plan, direction=world.direction, code="2.3", lead=world.tr).partners.add(world.kz)
    whole = reports.periods_of(world.plan)[0]
    codes = [row[1] for row in reports.build(world.plan, whole, world.kz).rows]
    assert codes == ["2.1", "2.3"] and other.code not in codes


def test_the_page_the_pdf_and_the_xlsx_carry_the_same_rows(world: PlanWorld, client: Client) -> None:
    computed(world, "12", target="40")
    client = signed_in(client, world.staff_kz)
    url = f"/plans/{world.plan.slug}/progress/"
    page = client.get(url)
    assert page.status_code == 200 and b"<td>12</td>" in page.content
    xlsx = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == page.context["report"].header and rows[1][12] == 12
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_an_unknown_period_shows_the_whole_plan_with_a_message(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/progress/?period=1999..2000")
    assert response.status_code == 200
    assert response.context["report"].period.key == "2026-01-01..2026-12-31"
    assert "no such period" in [str(m) for m in response.context["messages"]][0]


def test_visitors_of_a_public_plan_get_no_progress_report(world: PlanWorld, client: Client) -> None:
    world.plan.is_public = True
    world.plan.save()
    response = signed_in(client, UserFactory()).get(f"/plans/{world.plan.slug}/progress/")
    assert response.status_code == 403


def test_the_public_page_withholds_small_counts_and_rounds_the_others(world: PlanWorld, client: Client) -> None:
    world.plan.is_public = True
    world.plan.save()
    computed(world, "7")
    computed(world, "23", measure=MeasureFactory(plan=world.plan, direction=world.direction, code="2.2"))
    response = client.get(f"/plans/{world.plan.slug}/public/")
    text = response.content.decode()
    assert "fewer than 10" in text and ">25<" in text
    assert ">7<" not in text and ">23<" not in text
    assert "rounded to the nearest 5" in text


def test_public_progress_is_computed_from_the_published_numbers(world: PlanWorld) -> None:
    computed(world, "9", target="10")
    tree = reports.public_tree(world.plan)
    assert tree.percent == 0  # 9 of 10 would say 90 % and so give the withheld 9 away


def test_the_public_page_of_an_unpublished_plan_is_not_found(world: PlanWorld, client: Client) -> None:
    assert client.get(f"/plans/{world.plan.slug}/public/").status_code == 404
    assert signed_in(client, world.staff_kz).get(f"/plans/{world.plan.slug}/public/").status_code == 404


def test_coordinators_preview_the_public_page_before_publishing(world: PlanWorld, client: Client) -> None:
    response = signed_in(client, world.coordinator).get(f"/plans/{world.plan.slug}/public/")
    assert response.status_code == 200 and b"Preview" in response.content


def test_the_report_page_reads_a_fixed_number_of_queries(
    world: PlanWorld, client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        measure = MeasureFactory(plan=world.plan, direction=world.direction, code=f"2.{n + 5}", lead=world.az)
        computed(world, str(n), measure=measure)
    client = signed_in(client, world.coordinator)
    client.get(f"/plans/{world.plan.slug}/progress/")
    with django_assert_max_num_queries(25):
        client.get(f"/plans/{world.plan.slug}/progress/")
