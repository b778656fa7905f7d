"""Importing diaspora estimates: UN DESA's Table 1 layout, CSV, all or nothing, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics import estimates
from tamyr.analytics.models import DiasporaEstimate, EstimateMeasure
from tamyr.core.errors import NotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSV_HEADER = "origin,residence,year,low,high,point,publisher,title,url,note\n"


def desa_workbook(*, with_year: bool = True) -> bytes:
    """A small workbook in the layout of UN_MigrantStockByOriginAndDestination (sheet "Table 1"): title rows,
    the header row, then one row per destination (regions too) with a column per origin."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Table 1"
    sheet.append(["International migrant stock at mid-year by destination and origin"])
    sheet.append(["United Nations, Department of Economic and Social Affairs, Population Division (2024)"])
    sheet.append([])
    header = ["Index", "Region, development group, country or area of destination", "Notes of destination",
              "Location code of destination", "Type of data of destination", "Total", "Kazakhstan",
              "Russian Federation", "Türkiye"]  # fmt: skip
    if with_year:
        header.insert(1, "Year")
    sheet.append(header)
    rows = [
        [1, "WORLD", None, 900, None, 280_000_000, 3_700_000, 10_700_000, 3_000_000],
        [2, "Germany", None, 276, "B", 16_000_000, 900_123, 1_100_000, 1_500_000],
        [3, "Hungary", None, 348, "B", 600_000, 1_234, "..", 2_000],
        [4, "Russian Federation", "3", 643, "B C", 11_600_000, 2_500_000, None, 100_000],
    ]
    for row in rows:
        if with_year:
            row.insert(1, 2024)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_desa_layout_gives_one_estimate_per_destination_for_the_origin() -> None:
    rows, skipped = estimates.read_desa(desa_workbook(), origin="KZ")
    assert [(row.residence, row.year, row.point) for row in rows] == [
        ("DE", 2024, 900_123), ("HU", 2024, 1_234), ("RU", 2024, 2_500_000)]  # fmt: skip
    assert skipped == 1  # the WORLD row
    assert {row.measure for row in rows} == {EstimateMeasure.BORN}
    assert rows[0].table == "Table 1" and rows[0].row == 6


def test_desa_sheet_without_a_year_column_takes_the_given_year() -> None:
    rows, _skipped = estimates.read_desa(desa_workbook(with_year=False), origin="KZ", year=2020)
    assert {row.year for row in rows} == {2020}


def test_desa_sheet_without_a_year_needs_one() -> None:
    with pytest.raises(estimates.EstimateImportError, match="no Year column"):
        estimates.read_desa(desa_workbook(with_year=False), origin="KZ")


def test_desa_import_writes_estimates_with_the_source() -> None:
    rows, _skipped = estimates.read_desa(desa_workbook(), origin="KZ")
    result = estimates.estimates_import(rows=rows, acting_user=SYSTEM)
    assert result.created == 3
    germany = DiasporaEstimate.objects.get(residence="DE")
    assert (germany.origin_id, germany.point, germany.publisher) == ("KZ", 900_123, estimates.DESA_PUBLISHER)
    assert germany.url == estimates.DESA_URL and germany.title == estimates.DESA_TITLE


def test_csv_import_reads_points_and_ranges() -> None:
    data = CSV_HEADER + (
        "KZ,RU,2010,,,647732,Rosstat,Census 2010,https://example.org/census,ethnic Kazakhs\n"
        "KZ,TR,2020,10000,30000,,Expert,Survey 2020,,a range\n"
    )
    estimates.estimates_import(rows=estimates.read_csv(data), acting_user=SYSTEM)
    turkey = DiasporaEstimate.objects.get(residence="TR")
    assert (turkey.low, turkey.high, turkey.point, turkey.method_note) == (10_000, 30_000, None, "a range")
    assert DiasporaEstimate.objects.get(residence="RU").point == 647_732


def test_a_bad_row_stops_the_import_with_its_row_number_and_writes_nothing() -> None:
    data = CSV_HEADER + ("KZ,RU,2010,,,647732,Rosstat,Census 2010,,\nKZ,XX,2010,,,100,Rosstat,Census 2010,,\n")
    with pytest.raises(estimates.EstimateImportError, match="Row 3"):
        estimates.estimates_import(rows=estimates.read_csv(data), acting_user=SYSTEM)
    assert not DiasporaEstimate.objects.exists()


def test_a_range_upside_down_is_refused() -> None:
    data = CSV_HEADER + "KZ,RU,2010,500,100,,Rosstat,Census 2010,,\n"
    with pytest.raises(estimates.EstimateImportError, match="Row 2: low is greater"):
        estimates.estimates_import(rows=estimates.read_csv(data), acting_user=SYSTEM)


def test_a_word_where_a_number_belongs_names_its_row() -> None:
    with pytest.raises(estimates.EstimateImportError, match="Row 2"):
        estimates.read_csv(CSV_HEADER + "KZ,RU,2010,,,many,Rosstat,Census 2010,,\n")


def test_importing_the_same_file_again_updates_rather_than_duplicates() -> None:
    first = CSV_HEADER + "KZ,RU,2010,,,600000,Rosstat,Census 2010,,\n"
    second = CSV_HEADER + "KZ,RU,2010,,,647732,Rosstat,Census 2010,,\n"
    estimates.estimates_import(rows=estimates.read_csv(first), acting_user=SYSTEM)
    again = estimates.estimates_import(rows=estimates.read_csv(first), acting_user=SYSTEM)
    changed = estimates.estimates_import(rows=estimates.read_csv(second), acting_user=SYSTEM)
    assert (again.created, again.unchanged) == (0, 1)
    assert changed.updated == 1
    assert DiasporaEstimate.objects.get().point == 647_732


def test_two_sources_for_one_country_stay_side_by_side() -> None:
    data = CSV_HEADER + ("KZ,RU,2010,,,647732,Rosstat,Census 2010,,\nKZ,RU,2010,,,2500000,UN DESA,Migrant Stock,,\n")
    estimates.estimates_import(rows=estimates.read_csv(data), acting_user=SYSTEM)
    assert sorted(DiasporaEstimate.objects.values_list("point", flat=True)) == [647_732, 2_500_000]


def test_a_dry_run_writes_nothing() -> None:
    rows, _skipped = estimates.read_desa(desa_workbook(), origin="KZ")
    result = estimates.estimates_import(rows=rows, acting_user=SYSTEM, dry_run=True)
    assert result.created == 3
    assert not DiasporaEstimate.objects.exists()


def test_a_compatriot_may_not_import() -> None:
    with pytest.raises(NotAllowed):
        estimates.estimates_import(rows=[], acting_user=UserFactory())


def test_command_imports_a_desa_workbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "stock.xlsx"
    path.write_bytes(desa_workbook())
    out = io.StringIO()
    call_command("import_estimates", str(path), "--format", "desa", "--origin", "KZ", stdout=out)
    assert "3 new" in out.getvalue()
    assert DiasporaEstimate.objects.count() == 3


def test_command_dry_run_writes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "estimates.csv"
    path.write_text(CSV_HEADER + "KZ,RU,2010,,,647732,Rosstat,Census 2010,,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_estimates", str(path), "--format", "csv", "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue() and not DiasporaEstimate.objects.exists()


def test_command_reports_a_bad_row(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "estimates.csv"
    path.write_text(CSV_HEADER + "KZ,RU,1700,,,1,Rosstat,Census,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 2"):
        call_command("import_estimates", str(path), "--format", "csv")
