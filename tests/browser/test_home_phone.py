"""The home page on a phone (390 px) in Kazakh and Hungarian: its lists of news, events, courses and calls fit."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings

from tests.calls.factories import CallFactory
from tests.content.factories import news
from tests.events.factories import EventFactory
from tests.factories import OrganizationFactory
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")


def test_the_home_page_lists_fit_a_phone(browser: Any, live_server: Any) -> None:
    EventFactory(title={"en": "Diaspora Capacity Building Training Program", "kk": "Диаспораның әлеуетін арттыру бағдарламасы",
                        "hu": "Diaszpóra-kapacitásépítő képzési program"})  # fmt: skip
    GroupFactory(course=CourseFactory(title={"en": "Kazakh for beginners", "kk": "Бастауыштарға арналған қазақ тілі"}))
    CallFactory(title={"en": "Abai scholarship for young researchers", "hu": "Abai-ösztöndíj fiatal kutatóknak"})
    news(OrganizationFactory(), title={"en": "200 Kazakh students a year can study in Hungary on a state scholarship",
                                       "hu": "Évente 200 kazah diák tanulhat magyar állami ösztöndíjjal"})  # fmt: skip
    for language in ("kk", "hu"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + "/")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/home-{language}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"home overflows at 390 px ({language})"
        assert page.locator(".home-list").count() == 4
        context.close()
