"""An event page on a phone (390 × 844) in Kazakh and Hungarian: dates in the reader's order and words, the time
zone as a city in the reader's language, never "Asia/Almaty", and nothing wider than the screen."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.events.factories import EventFactory, SessionFactory, VenueFactory
from tests.factories import country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")
ALMATY = ZoneInfo("Asia/Almaty")

EXPECTED = {
    "kk": ("2026\u202fж. 7–8 мамыр", "Алматы уақыты (UTC+5)", "Қазақстан"),
    "hu": ("2026. május 7–8.", "Almati idő szerint (UTC+5)", "Kazahsztán"),
}


def test_an_event_page_reads_in_kazakh_and_hungarian_on_a_phone(browser: Any, live_server: Any) -> None:
    venue = VenueFactory(
        name="Palace of Peace and Reconciliation", city="Astana", country=country("KZ"), time_zone="Asia/Almaty"
    )
    event = EventFactory(
        slug="otandas-scholars-forum",
        title={"en": "Otandas Scholars Forum", "kk": "Отандас ғалымдар форумы", "hu": "Otandas tudósfórum"},
        venue=venue,
        time_zone="Asia/Almaty",
        starts_at=datetime(2026, 5, 7, 10, 0, tzinfo=ALMATY),
        ends_at=datetime(2026, 5, 8, 17, 0, tzinfo=ALMATY),
    )
    SessionFactory(
        event=event,
        title={"en": "Opening of the forum", "kk": "Форумның ашылуы", "hu": "A fórum megnyitása"},
        starts_at=datetime(2026, 5, 7, 10, 0, tzinfo=ALMATY),
        ends_at=datetime(2026, 5, 7, 11, 0, tzinfo=ALMATY),
    )
    for language, (dates, zone, country_name) in EXPECTED.items():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + event.get_absolute_url())
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/event-{language}.png", full_page=True)
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert dates in text, language
        assert zone in text, language
        assert country_name in text, language
        assert "Asia/Almaty" not in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"event page overflows ({language})"
        context.close()
