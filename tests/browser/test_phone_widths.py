"""Every web page of the role matrix on the smallest phone we support (360 × 740), in Kazakh and in Hungarian:
nothing is wider than the screen.

The pages come from the role matrix (tests/accounts/test_role_matrix.py), so a page added there is checked here
too: each GET of an HTML page is opened by the first role allowed to see it, the platform admin first (who sees the
most). On list pages the first result must be above the fold: a phone user should not scroll past the filters to
see whether anything was found.
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from tests.accounts import test_role_matrix as matrix
from tests.browser.conftest import session_cookie
from tests.factories import ROLE_NAMES, RoleWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")
WIDTH, HEIGHT = 360, 740
LANGUAGES = ["kk", "hu"]  # long Cyrillic words and long Hungarian compounds

# files, feeds, machine-readable answers and the Django admin (not our layout) are not pages to lay out
NOT_PAGES = re.compile(
    r"\.(ics|pdf|json|xml)$|[?&](export|format)=|^/(files|admin|api)/|/export/$|/import/\{people_import\}/(report|progress)/"
)
# the lists whose first result must show without scrolling: path -> CSS selector of one result
LISTS = {
    "/organizations/": "#results .list-item",
    "/networks/": "main .list-item, main .card",
    "/people/": "#results tbody tr",
    "/events/": "#results .list-item, #results .event-card",
    "/courses/": "#results .list-item, #results .course-card",
    "/calls/": "#results .list-item, #results .call-card",
    "/projects/": "main .card-list > li",
    "/practices/": "main .card-list > li",
    "/calls/call-a/applications/": "main tbody tr",
    "/events/event-a/registrations/": "main tbody tr",
    "/people/duplicates/": "main tbody tr",
    "/plans/": "main .plan-list > li",
    "/mailings/": "main .list-item",
}


def pages() -> list[tuple[str, str]]:
    """(role, path template) for every GET of an HTML page some role may open."""
    preference = ["platform_admin", *ROLE_NAMES]
    found = []
    for endpoint, outcomes in matrix.WEB.items():
        method, path = endpoint.split(" ", 1)
        if method != "GET" or NOT_PAGES.search(path) or path.startswith("/accounts/"):
            continue
        allowed = dict(zip(ROLE_NAMES, outcomes, strict=True))
        role = next((role for role in preference if allowed[role] == matrix.OK), None)
        if role is not None:
            found.append((role, path))
    return found


def test_no_page_is_wider_than_a_360_px_phone(browser: Any, live_server: Any, tmp_path: Any) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "private")):
        cast = RoleWorld()
        fill = matrix.World(cast=cast, tokens={}, sessions={}).fill
        by_role: dict[str, list[str]] = {}
        for role, template in pages():
            by_role.setdefault(role, []).append(fill(template))
        assert sum(len(paths) for paths in by_role.values()) > 60, "the role matrix lists fewer pages than expected"
        wide: list[str] = []
        buried: list[str] = []
        for (role, paths), language in itertools.product(by_role.items(), LANGUAGES):
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            user = cast.user(role)
            if user is not None:
                cookies.append(
                    {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": live_server.url}
                )
            context.add_cookies(cookies)
            page = context.new_page()
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response is not None and response.status < 400, (
                    f"{path} as {role}: {response and response.status}"
                )
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > WIDTH:
                    wide.append(f"{path} ({role}, {language}): {width} px, widest: {_widest(page)}")
                    if SHOTS:
                        page.screenshot(path=f"{SHOTS}/wide-{_name(path)}-{language}.png", full_page=True)
                if path in LISTS:
                    first = page.locator(LISTS[path]).first
                    box = first.bounding_box() if first.count() else None
                    if box is None or box["y"] >= HEIGHT:
                        buried.append(f"{path} ({language}): {box}")
                    if SHOTS:
                        page.screenshot(path=f"{SHOTS}/list-{_name(path)}-{language}.png")
            context.close()
    assert not wide, "pages wider than a 360 px phone:\n" + "\n".join(wide)
    assert not buried, "lists whose first result is below the fold:\n" + "\n".join(buried)


def _name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "home"


def _widest(page: Any) -> str:
    """The deepest element that sticks out on the right, to say what to fix."""
    return str(
        page.evaluate(
            """() => {
              let worst = null;
              for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > document.documentElement.clientWidth + 1 && r.width > 0) { worst = el; }
              }
              if (!worst) return '';
              const cls = worst.className && typeof worst.className === 'string' ? '.' + worst.className.trim().replace(/\\s+/g, '.') : '';
              return worst.tagName.toLowerCase() + cls + ' in ' + (worst.parentElement ? worst.parentElement.tagName.toLowerCase() + '.' + worst.parentElement.className : '') + ' right=' + Math.round(worst.getBoundingClientRect().right);
            }"""
        )
    )


# the diaspora map: an inline SVG and a table of sources, with the demo's estimates (not in the role world)
MAP_PAGES = ("/analytics/map/?origin=KZ", "/analytics/map/?origin=KZ&colour=estimates#c-RU", "/analytics/estimates/",
             "/analytics/estimates/KZ/RU/")  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_diaspora_map_fits_a_phone_and_tapping_a_country_shows_its_figures(
    browser: Any, live_server: Any, language: str, tmp_path: Any
) -> None:
    from pathlib import Path

    from django.core.cache import cache

    from tamyr.accounts.permissions import SYSTEM
    from tamyr.core import netfiles
    from tamyr.core.cldr import country_name

    cache.clear()
    demo = Path(settings.BASE_DIR) / "tamyr" / "demo" / "estimates.yaml"
    netfiles.load([(demo.name, demo.read_text(encoding="utf-8"))], acting_user=SYSTEM)
    shots = SHOTS or str(tmp_path)
    for width, height in ((WIDTH, HEIGHT), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        for path in MAP_PAGES:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} ({language}, {width} px): {scroll} px, widest: {_widest(page)}"
            page.screenshot(path=f"{shots}/map-{_name(path)}-{language}-{width}.png", full_page=path.endswith("RU"))
        page.goto(live_server.url + MAP_PAGES[0])
        svg = page.locator("svg.diaspora-map").bounding_box()
        assert svg is not None and svg["width"] <= width and svg["height"] > 100
        page.locator('svg.diaspora-map a[href="#c-CN"]').click()  # a tap on China
        row = page.locator("#c-CN")
        assert country_name("CN", language) in row.inner_text()
        assert row.evaluate("el => el.matches(':target')")
        context.close()
