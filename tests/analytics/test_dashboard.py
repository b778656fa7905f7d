"""The dashboards: who sees which, what is hidden from whom, exports and the API serving the same tables."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client

from tamyr.analytics import aggregates
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    coordinate,
    country,
    grant,
    with_totp,
)

pytestmark = pytest.mark.django_db

MARCH = datetime(2025, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def world() -> dict[str, object]:
    network = NetworkFactory(slug="ots")
    organization = OrganizationFactory(slug="otandastar")
    NetworkMembershipFactory(network=network, organization=organization)
    event = EventFactory(organizer=organization, starts_at=MARCH)
    for _ in range(40):
        RegistrationFactory(event=event, person=PersonFactory(residence_country=country("HU"), gender="female"))
    for _ in range(3):  # three people from Iceland: too few to show to anyone but the organization
        RegistrationFactory(event=event, person=PersonFactory(residence_country=country("IS"), gender="male"))
    aggregates.refresh(full=True)
    staff = UserFactory()
    grant(staff, organization, "staff")
    coordinator = UserFactory()
    coordinate(coordinator, network)
    admin = UserFactory(is_superuser=True)
    for user in (staff, coordinator, admin):
        with_totp(user)
    return {
        "network": network,
        "organization": organization,
        "staff": staff,
        "coordinator": coordinator,
        "admin": admin,
    }


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_organizations_staff_see_its_exact_figures(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/")
    assert response.status_code == 200
    country_table = response.context["board"].table("country")
    iceland = next(row for row in country_table.rows if row.key == "IS")
    assert iceland.total == 3 and response.context["board"].raw


def test_the_networks_coordinator_sees_small_figures_hidden(world: dict[str, object]) -> None:
    response = signed_in(world["coordinator"]).get("/analytics/networks/ots/")
    assert response.status_code == 200
    board = response.context["board"]
    iceland = next(row for row in board.table("country").rows if row.key == "IS")
    assert iceland.total is None and not board.raw
    assert b"[c]" in response.content


def test_the_coordinator_sees_the_member_organizations_dashboard_suppressed(world: dict[str, object]) -> None:
    response = signed_in(world["coordinator"]).get("/analytics/organizations/otandastar/")
    assert response.status_code == 200 and not response.context["board"].raw


def test_staff_of_another_organization_are_refused(world: dict[str, object]) -> None:
    other = UserFactory()
    grant(other, OrganizationFactory(), "staff")
    with_totp(other)
    assert signed_in(other).get("/analytics/organizations/otandastar/").status_code == 403
    assert signed_in(other).get("/analytics/networks/ots/").status_code == 403


def test_the_platform_dashboard_is_the_platform_admins(world: dict[str, object]) -> None:
    assert signed_in(world["admin"]).get("/analytics/").status_code == 200
    assert signed_in(world["staff"]).get("/analytics/").status_code == 302  # to their one organization's


def test_the_page_says_how_old_the_figures_are(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/")
    assert 'data-testid="freshness"' in response.content.decode()
    assert response.context["board"].refreshed_at is not None


def test_a_bad_period_is_explained_and_nothing_breaks(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/?from=2025-13&to=2025-01")
    assert response.status_code == 400 and response.context["error"]


def test_a_quarter_and_a_custom_range_count_the_same_people(world: dict[str, object]) -> None:
    client = signed_in(world["staff"])
    quarter = client.get("/analytics/organizations/otandastar/?period=2025-Q1").context["board"]
    custom = client.get("/analytics/organizations/otandastar/?from=2025-01&to=2025-03").context["board"]
    assert quarter.people == custom.people == 43


def test_the_csv_export_hides_what_the_page_hides(world: dict[str, object]) -> None:
    response = signed_in(world["coordinator"]).get("/analytics/networks/ots/?export=csv&table=country")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    iceland = next(row for row in rows if row[0] in ("Iceland", "IS"))
    assert iceland[-1] == "[c]"


def test_the_xlsx_export_of_every_table_is_a_workbook(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/analytics/organizations/otandastar/?export=xlsx&table=all")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_api_serves_the_same_tables_with_hidden_cells_as_null(world: dict[str, object]) -> None:
    response = signed_in(world["coordinator"]).get("/api/v1/analytics/networks/ots/")
    assert response.status_code == 200
    tables = {table["name"]: table for table in response.json()["tables"]}
    iceland = next(row for row in tables["country"]["rows"] if row["key"] == "IS")
    assert iceland["total"] is None and response.json()["raw"] is False


def test_the_api_answers_a_bad_period_with_400(world: dict[str, object]) -> None:
    response = signed_in(world["staff"]).get("/api/v1/analytics/organizations/otandastar/?period=twenty")
    assert response.status_code == 400


def test_the_dashboard_reads_a_bounded_number_of_queries(
    world: dict[str, object], django_assert_max_num_queries: object
) -> None:
    client = signed_in(world["coordinator"])
    client.get("/analytics/networks/ots/")
    for _extra in range(30):  # more people and events do not add queries
        RegistrationFactory(event=EventFactory(organizer=world["organization"], starts_at=MARCH))
    aggregates.refresh()
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get("/analytics/networks/ots/").status_code == 200
