"""The foundation end to end in a real browser: languages, login with a second factor, editing a profile."""

from __future__ import annotations

import io
import os
import re
import time
import uuid
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORGANIZATION = "abai-uii"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def ui_text(language: str, text: str) -> str:
    """What the page should show for `text` in `language`, read from the same catalogues the server uses."""
    with translation.override(language):
        return gettext(text)


def totp_code(secret: str) -> str:
    """The authenticator's current code; allauth accepts only the current 30-second step (no tolerance)."""
    if time.time() % 30 > 25:  # too close to the next step for the form to arrive in this one
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def html_lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def test_languages_login_with_totp_and_editing_an_organization(browser: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    from tamyr.registry.demo.users import DEMO_PASSWORD, totp_secret_for

    call_command("demo", people=20, stdout=io.StringIO())
    url = live_server.url
    screenshots = settings.VAR_DIR / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    docs = settings.BASE_DIR / "docs"
    docs.mkdir(exist_ok=True)

    # The home page of the demo, in English, for the README.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(f"{url}/")
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The stylesheet is served (WhiteNoise with finders) and applied: the header is laid out as a flex bar.
    assert page.locator(".site-header .bar").evaluate("el => getComputedStyle(el).display") == "flex"
    # The README's picture is refreshed on request only, so a test run leaves the work tree clean.
    home = docs / "screenshot-home.png" if os.environ.get("UPDATE_SCREENSHOTS") else screenshots / "home.png"
    page.screenshot(path=str(home))
    context.close()

    # A visitor whose language cookie says Kazakh.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "kk", "url": url}])
    page = context.new_page()
    page.goto(f"{url}/")
    assert html_lang(page) == "kk"
    login_link = page.locator("header a[href^='/accounts/login/']")
    kazakh_login = ui_text("kk", "Log in")
    assert CYRILLIC.search(kazakh_login), "the Kazakh catalogue does not translate “Log in”"
    expect(login_link).to_have_text(kazakh_login)
    expect(page.locator("#language-select")).to_have_value("kk")

    # The language switcher: JavaScript submits the form as soon as a language is chosen.
    with page.expect_navigation():
        page.select_option("#language-select", "hu")
    assert html_lang(page) == "hu"
    hungarian_login = ui_text("hu", "Log in")
    assert hungarian_login != "Log in", "the Hungarian catalogue does not translate “Log in”"
    expect(login_link).to_have_text(hungarian_login)
    expect(page.locator("#language-select")).to_have_value("hu")

    # Log in as the organization's manager: password, then the authenticator's code.
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]:not([form])").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", totp_code(totp_secret_for("manager")))
    page.locator("form:has(input[name=code]) [type=submit]:not([form])").click()
    page.wait_for_url(f"{url}/")
    assert html_lang(page) == "hu"
    expect(page.locator("header form[action='/accounts/logout/'] button")).to_have_text(ui_text("hu", "Log out"))

    # Change the description in Hungarian and in English.
    marker = uuid.uuid4().hex[:8]
    hungarian = f"Abai Háza Biskekben: kazah nyelv, kultúra és közösség ({marker})."
    english = f"The House of Abai in Bishkek: Kazakh language, culture and community ({marker})."
    page.goto(f"{url}/organizations/{ORGANIZATION}/edit/")
    assert html_lang(page) == "hu"
    page.locator("textarea[name^=description][lang=hu]").fill(hungarian)
    page.locator("textarea[name^=description][lang=en]").fill(english)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{url}/organizations/{ORGANIZATION}/")
    description = page.get_by_test_id("organization-description")
    expect(description).to_have_text(hungarian)
    page.screenshot(path=str(screenshots / "organization.png"), full_page=True)

    # Log out; an anonymous visitor sees the new text too, in Hungarian and in English.
    page.locator("header form[action='/accounts/logout/'] button").click()
    page.wait_for_load_state()
    expect(login_link).to_be_visible()
    page.goto(f"{url}/organizations/{ORGANIZATION}/")
    expect(page.locator("header a[href^='/accounts/login/']")).to_be_visible()
    expect(description).to_have_text(hungarian)
    context.close()

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{url}/organizations/{ORGANIZATION}/")
    assert html_lang(page) == "en"
    expect(page.get_by_test_id("organization-description")).to_have_text(english)
    context.close()
