"""The dashboard's cache (per scope, period, language and refresh) and the large country × period export."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from tamyr.analytics import aggregates
from tamyr.analytics import dashboard as selectors
from tests.analytics import test_dashboard as base
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory, country

pytestmark = pytest.mark.django_db

world = base.world  # the fixture: a network, its member, 43 people (3 from Iceland)
signed_in = base.signed_in
MARCH = base.MARCH


def test_a_repeated_request_reads_the_cached_figures(world: dict[str, object], monkeypatch: object) -> None:
    client = signed_in(world["staff"])
    first = client.get("/analytics/organizations/otandastar/").context["board"]

    def refuse(**kwargs: object) -> None:
        raise AssertionError("the figures were recomputed")

    monkeypatch.setattr(selectors, "dashboard_get", refuse)  # type: ignore[attr-defined]
    second = client.get("/analytics/organizations/otandastar/").context["board"]
    assert second.people == first.people == 43


def test_a_refresh_shows_new_figures_at_once(world: dict[str, object]) -> None:
    client = signed_in(world["staff"])
    assert client.get("/analytics/organizations/otandastar/").context["board"].people == 43
    event = EventFactory(organizer=world["organization"], starts_at=MARCH)
    for _ in range(5):
        RegistrationFactory(event=event, person=PersonFactory(residence_country=country("HU")))
    aggregates.refresh()
    assert client.get("/analytics/organizations/otandastar/").context["board"].people == 48


def test_the_cache_keeps_languages_apart(world: dict[str, object]) -> None:
    client = signed_in(world["staff"])
    english = client.get("/analytics/organizations/otandastar/", HTTP_ACCEPT_LANGUAGE="en")
    russian = client.get("/analytics/organizations/otandastar/?lang=ru", HTTP_ACCEPT_LANGUAGE="ru")
    assert english.context["board"].table("country").title != russian.context["board"].table("country").title


def _rows(response: StreamingHttpResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_country_export_streams_every_period_and_domain(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/?export=csv&table=countries")
    assert isinstance(response, StreamingHttpResponse)
    rows = _rows(response)
    blocks = {(row[1], row[2]) for row in rows[1:]}
    assert {("all", "All activities"), ("2025", "Events"), ("2025-Q1", "All activities")} <= blocks
    iceland = next(row for row in rows if row[1] == "all" and row[2] == "All activities" and row[3] == "Iceland")
    assert iceland[-1] == "3"  # the organization's own staff: exact figures


def test_the_country_export_hides_what_the_page_hides(world: dict[str, object]) -> None:
    client = signed_in(world["coordinator"])
    rows = _rows(client.get("/analytics/networks/ots/?export=csv&table=countries"))
    page = client.get("/analytics/networks/ots/").context["board"].table("country")
    network = [row for row in rows[1:] if row[0] == rows[1][0] and row[1] == "all" and row[2] == "All activities"]
    shown = {
        row.label: [selectors.HIDDEN if v is None else str(v) for v in (*row.values, row.total)] for row in page.rows
    }
    assert {row[3]: row[4:] for row in network if row[3] != "Total"} == shown
    assert any(row[0] != rows[1][0] for row in rows[1:])  # the member organization's blocks follow
    assert all(row[-1] == selectors.HIDDEN for row in rows if row[3] == "Iceland")


def test_the_country_export_as_a_workbook(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/?export=xlsx&table=countries")
    assert response.status_code == 200 and response.content[:2] == b"PK"
