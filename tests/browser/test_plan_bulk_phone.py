"""The plan's bulk page and its import on a phone (390 × 844) in Kazakh and Hungarian: the coordinator gives two
measures a new status at once, imports a small CSV of reported values and reads the result; neither page scrolls
sideways at 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tamyr.cooperation.models import Measure, ReportedValue
from tests.browser.conftest import session_cookie
from tests.factories import with_totp
from tests.factories.cooperation import IndicatorFactory, MeasureFactory, PeriodFactory, PlanWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTUALS = b"measure,indicator,period,value,evidence_url\n2.1,1,2026-06-30,12,https://example.org/minutes\n"


def fits(page: Any, width: int, path: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} overflows at {width} px"


@pytest.mark.parametrize("language", ["kk", "hu"])
def test_a_coordinator_changes_two_measures_and_imports_values_on_a_phone(
    browser: Any, live_server: Any, language: str
) -> None:
    world = PlanWorld()
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.2", lead=world.az, status="planned")
    MeasureFactory(direction=world.direction, plan=world.plan, code="2.3", lead=world.tr, status="planned")
    PeriodFactory(indicator=IndicatorFactory(measure=world.measure))
    with_totp(world.coordinator)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(world.coordinator), "url": live_server.url},
        ]
    )
    page = context.new_page()
    bulk = f"/plans/{world.plan.slug}/bulk/"
    page.goto(live_server.url + bulk)
    fits(page, 390, bulk)
    page.check("input[name=codes][value='2.1']")
    page.check("input[name=codes][value='2.2']")
    page.select_option("#id_status", "completed")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    statuses = dict(Measure.objects.filter(plan=world.plan).values_list("code", "status"))
    assert statuses == {"2.1": "completed", "2.2": "completed", "2.3": "planned"}
    assert page.locator("html").get_attribute("lang") == language

    imports = f"/plans/{world.plan.slug}/import/"
    page.goto(live_server.url + imports)
    fits(page, 390, imports)
    page.select_option("#id_kind", "actuals")
    page.uncheck("#id_dry_run")
    page.set_input_files("#id_file", {"name": "actuals.csv", "mimeType": "text/csv", "buffer": ACTUALS})
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/import/*/")
    page.wait_for_selector("ul.reported li")  # the worker has run it (immediately here); the page shows the result
    assert "2.1" in page.inner_text("ul.reported")
    assert ReportedValue.objects.filter(period__indicator__measure=world.measure).count() == 1
    fits(page, 390, page.url)
    page.set_viewport_size({"width": 360, "height": 780})
    for path in (bulk, imports, page.url.removeprefix(live_server.url)):
        page.goto(live_server.url + path)
        fits(page, 360, path)
    context.close()
