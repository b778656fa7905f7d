"""Estimates pages (list, a country's sources, the import with its preview) and /api/v1/estimates/."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics import estimates
from tamyr.analytics.models import DiasporaEstimate
from tests.analytics.test_estimates_import import CSV_HEADER, desa_workbook
from tests.factories import NetworkFactory, UserFactory, coordinate, with_totp

pytestmark = pytest.mark.django_db

ROW = CSV_HEADER + "KZ,RU,2010,,,647732,Rosstat,All-Russian Population Census 2010,https://example.org/ru,census\n"


@pytest.fixture
def coordinator():  # type: ignore[no-untyped-def]
    user = UserFactory(username="coordinator")
    coordinate(user, NetworkFactory())
    with_totp(user)
    return user


def test_list_and_country_pages_show_each_source(client: Client) -> None:
    estimates.estimates_import(rows=estimates.read_csv(ROW), acting_user=SYSTEM)
    listing = client.get("/analytics/estimates/?origin=KZ", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    detail = client.get("/analytics/estimates/KZ/RU/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "647,732" in listing and "Rosstat" in listing
    assert "All-Russian Population Census 2010" in detail and "https://example.org/ru" in detail


def test_list_queries_are_bounded(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rows = estimates.read_csv(
        CSV_HEADER
        + "".join(
            f"KZ,{code},2010,,,{n + 100},Census,Census 2010,,\n"
            for n, code in enumerate(("RU", "CN", "MN", "KG", "UZ"))
        )
    )
    estimates.estimates_import(rows=rows, acting_user=SYSTEM)
    with django_assert_max_num_queries(6):
        assert client.get("/analytics/estimates/").status_code == 200


def test_import_page_previews_then_imports(client: Client, coordinator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    upload = SimpleUploadedFile("stock.xlsx", desa_workbook())
    preview = client.post("/analytics/estimates/import/", {"file": upload, "format": "desa", "origin": "KZ"},
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert preview.status_code == 200 and "3 new" in preview.content.decode()
    assert not DiasporaEstimate.objects.exists()
    confirm = preview.context["confirm"]
    assert client.post("/analytics/estimates/import/", {"confirm": confirm}).status_code == 302
    assert DiasporaEstimate.objects.count() == 3


def test_import_page_shows_the_bad_row_and_writes_nothing(client: Client, coordinator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    upload = SimpleUploadedFile("bad.csv", (ROW + "KZ,ZZ,2010,,,5,Census,Census,,\n").encode())
    response = client.post("/analytics/estimates/import/", {"file": upload, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Row 3" in response.content.decode()
    assert not DiasporaEstimate.objects.exists()


def test_a_tampered_preview_is_refused(client: Client, coordinator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    client.post("/analytics/estimates/import/", {"confirm": "forged"})
    assert not DiasporaEstimate.objects.exists()


def test_api_lists_estimates_for_anyone() -> None:
    estimates.estimates_import(rows=estimates.read_csv(ROW), acting_user=SYSTEM)
    body = APIClient().get("/api/v1/estimates/?origin=KZ").json()
    assert body["count"] == 1
    assert body["results"][0]["point"] == 647_732 and body["results"][0]["residence"] == "RU"


def test_api_refuses_a_year_that_is_not_a_number() -> None:
    assert APIClient().get("/api/v1/estimates/?year=soon").status_code == 400


def test_api_create_then_same_source_updates(coordinator) -> None:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(coordinator)
    body = {"origin": "KZ", "residence": "MN", "year": 2010, "point": 100000, "publisher": "NSO Mongolia",
            "title": "Census 2010", "measure": "ethnic"}  # fmt: skip
    assert api.post("/api/v1/estimates/", body, format="json").status_code == 201
    again = api.post("/api/v1/estimates/", {**body, "point": 101526}, format="json")
    assert again.status_code == 200 and again.json()["point"] == 101526
    assert DiasporaEstimate.objects.count() == 1


def test_api_refuses_neither_point_nor_range(coordinator) -> None:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(coordinator)
    response = api.post("/api/v1/estimates/", {"origin": "KZ", "residence": "MN", "year": 2010,
                                               "publisher": "P", "title": "T"}, format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "invalid_estimate"


def test_api_refuses_a_compatriots_write() -> None:
    api = APIClient()
    api.force_authenticate(UserFactory())
    body = {"origin": "KZ", "residence": "MN", "year": 2010, "point": 1, "publisher": "P", "title": "T"}
    assert api.post("/api/v1/estimates/", body, format="json").status_code == 403


def test_api_patch_and_delete(coordinator) -> None:  # type: ignore[no-untyped-def]
    estimates.estimates_import(rows=estimates.read_csv(ROW), acting_user=SYSTEM)
    estimate = DiasporaEstimate.objects.get()
    api = APIClient()
    api.force_authenticate(coordinator)
    assert api.patch(f"/api/v1/estimates/{estimate.pk}/", {"point": 647733}, format="json").json()["point"] == 647733
    assert api.delete(f"/api/v1/estimates/{estimate.pk}/").status_code == 204
    assert not DiasporaEstimate.objects.exists()


def test_import_page_refuses_a_file_that_is_not_what_its_name_says(client: Client, coordinator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    upload = SimpleUploadedFile("stock.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page = client.post("/analytics/estimates/import/", {"file": upload, "format": "desa"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "confirm" not in page.context
    assert "its content decides, not its name" in page.content.decode()
    assert not DiasporaEstimate.objects.exists()
