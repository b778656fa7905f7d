"""On a phone in Kazakh and in Hungarian: from an event's page, sign up with one's own name, confirm the e-mail
address, land back on the event's registration form, register, and be greeted by that name (issue 14, items 1, 2)."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from tamyr.accounts.models import User
from tamyr.events.models import Registration
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")
LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+)")

PEOPLE = {
    "kk": {"name": "Әйгерім Нұрланқызы", "name_latin": "Aigerim Nurlankyzy", "username": "aigerim_185924"},
    "hu": {"name": "Kovács Anna", "name_latin": "", "username": "kovacs_anna"},
}


def ui_text(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 390"))


@pytest.mark.parametrize("language", ["kk", "hu"])
def test_sign_up_with_a_name_from_an_event_and_come_back_to_register(
    browser: Any, live_server: Any, language: str
) -> None:
    from playwright.sync_api import expect

    person = PEOPLE[language]
    event = EventFactory(title={"en": "Scholars Forum", "kk": "Ғалымдар форумы", "hu": "Tudósok fóruma"}, capacity=50)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + event.get_absolute_url())
    page.locator(".registration-box a[href^='/accounts/signup/']").click()

    # Sign-up: the name first, as the person writes it.
    expect(page.locator("#id_name")).to_be_visible()
    page.fill("#id_name", person["name"])
    if person["name_latin"]:
        page.fill("#id_name_latin", person["name_latin"])
    page.fill("#id_email", f"{person['username']}@example.org")
    page.fill("#id_username", person["username"])
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "a-long-pass-phrase-42")
    shoot(page, f"signup-{language}")
    assert fits(page), f"the sign-up page overflows at 390 px ({language})"
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert User.objects.get(username=person["username"]).name == person["name"]

    # The confirmation mail greets the name, and its link is opened in the same browser.
    body = mail.outbox[-1].body
    assert person["name"] in body and person["username"] not in body
    link = LINK.search(body)
    assert link, body
    page.goto(live_server.url + link.group(1))
    shoot(page, f"confirm-{language}")
    page.locator("main form button[type=submit]").last.click()

    # Back on the event's registration form, signed in, still in the reader's language.
    page.wait_for_url(re.compile(rf"/events/{event.slug}/register/$"))
    assert page.locator("html").get_attribute("lang") == language
    shoot(page, f"register-form-{language}")
    assert fits(page), f"the registration form overflows at 390 px ({language})"
    page.locator("main form.registration-form button[type=submit]").click()

    # The confirmation greets the person by the name they gave.
    greeting = ui_text(language, "Thank you, %(name)s!") % {"name": person["name"]}
    expect(page.locator(".messages")).to_contain_text(greeting)
    expect(page.locator("main")).to_contain_text(person["name"])
    assert person["username"] not in page.locator("main").inner_text()
    shoot(page, f"registered-{language}")
    assert fits(page), f"the registration page overflows at 390 px ({language})"
    registration = Registration.objects.get(event=event)
    assert registration.person.display_name == person["name"]
    context.close()


@pytest.mark.parametrize("language", ["kk", "hu"])
def test_an_account_without_a_name_is_asked_once_and_returns_to_the_course(
    browser: Any, live_server: Any, language: str
) -> None:
    from playwright.sync_api import expect

    from tests.factories import UserFactory
    from tests.learning.factories import CourseFactory, GroupFactory

    person = PEOPLE[language]
    user = UserFactory(username=person["username"])
    group = GroupFactory(course=CourseFactory(title={"en": "Kazakh A1", "kk": "Қазақ тілі A1", "hu": "Kazah A1"}))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + group.course.get_absolute_url())
    page.locator(f"#group-{group.pk} a[href^='/accounts/login/']").click()
    page.fill("#id_login", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main form button[type=submit]").last.click()

    # Asked once for the name, in the reader's language, on the way back to the course's group.
    page.wait_for_url(re.compile(r"/me/name/\?next="))
    expect(page.locator("h1")).to_have_text(ui_text(language, "How should we call you?"))
    shoot(page, f"name-once-{language}")
    assert fits(page), f"the name page overflows at 390 px ({language})"
    page.fill("#id_name", person["name"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{group.course.get_absolute_url()}#group-{group.pk}$"))
    expect(page.locator(f"#group-{group.pk} form button[type=submit]")).to_be_visible()
    user.refresh_from_db()
    assert user.name == person["name"]

    # Signing in again goes straight back: the page is never shown twice.
    page.locator("[data-menu-toggle]").click()  # on a phone the header's links fold behind the menu
    page.locator("header form[action='/accounts/logout/'] button").click()
    page.goto(f"{live_server.url}/accounts/login/?next=/courses/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/courses/$"))
    context.close()
