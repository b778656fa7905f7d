"""The dashboard with figures in it (forty countries' worth of rows, long names) fits a 360 px phone in Kazakh
and Hungarian, as the role matrix's empty pages already do (test_phone_widths)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings

from tamyr.analytics import aggregates
from tests.browser.conftest import session_cookie
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTH, HEIGHT = 360, 740
COUNTRIES = ("KZ", "TR", "HU", "DE", "AT", "RU", "UZ", "KG", "AZ", "US", "GB", "FR", "IS", "CN", "MN")


def test_the_dashboard_with_figures_fits_a_360_px_phone(browser: Any, live_server: Any) -> None:
    organization = OrganizationFactory(slug="otandastar", name={"en": "Otandastar", "kk": "Отандастар қоры"})
    event = EventFactory(organizer=organization, starts_at=datetime(2025, 3, 10, tzinfo=UTC))
    for n in range(60):
        person = PersonFactory(
            residence_country=country(COUNTRIES[n % len(COUNTRIES)]), gender=("female", "male", "")[n % 3],
            birth_year=1950 + n,
        )  # fmt: skip
        RegistrationFactory(event=event, person=person)
    aggregates.refresh(full=True)
    staff = UserFactory()
    grant(staff, organization, "staff")
    with_totp(staff)
    wide = []
    for language in ("kk", "hu"):
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.add_cookies(
            [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
                {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(staff), "url": live_server.url},
            ]
        )
        page = context.new_page()
        response = page.goto(live_server.url + "/analytics/organizations/otandastar/")
        assert response is not None and response.status == 200
        assert page.locator("[data-testid=table-country] tbody tr").count() == len(COUNTRIES)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            wide.append(f"{language}: {width} px")
        context.close()
    assert not wide, wide
