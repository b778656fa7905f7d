"""A compatriot's and an organizer's everyday paths on a 390 × 844 phone, in Kazakh and in Hungarian.

Enrolling in a course and taking its quiz, checking a certificate by typing its code, checking a participant in
by typing the code under the badge's QR code (and with the camera); the header menu and a list's filters folded.
Each page must fit the screen and be in the reader's language. With TAMYR_SCREENSHOTS=<folder> every step is
photographed, to be looked at.

One Chromium serves the whole module (started after the test database, see `phone`); each test opens its own
context, so cookies and sessions never leak between them. Chromium's fake camera stands in for a phone's.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from tamyr.learning import certificates
from tamyr.learning.models import Enrollment, EnrollmentStatus
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, session_cookie
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import (
    CompletionRuleFactory,
    CourseFactory,
    GroupFactory,
    QuizFactory,
    QuizQuestionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
LANGUAGES = ["kk", "hu"]
# Chromium's stand-in camera (a test pattern) and an automatic "allow" for the camera prompt
CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def ui(language: str, text: str) -> str:
    """What the page should say for `text`, from the same catalogues the server uses (and translated at all)."""
    with translation.override(language):
        translated = gettext(text)
    assert translated != text, f"“{text}” has no {language} translation"
    return translated


@pytest.fixture(scope="module")
def phone(django_db_setup: None) -> Iterator[tuple[Any, asyncio.AbstractEventLoop]]:
    """One headless Chromium for the module, started once the test database exists.

    Playwright's sync API marks its event loop as running in this thread for as long as it is started, and while a
    loop runs Django keeps its database connections apart from the ones it set up for the tests (see `browser` in
    conftest.py). So the loop is marked as running only while a test uses the browser (`open_page`), and Django's
    set-up and flush of each test's database happen outside it, as they do with a browser started per test.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing; install it with `apt-get install chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        loop = asyncio.get_running_loop()
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *CAMERA_ARGS], headless=True
        )
        asyncio._set_running_loop(None)
        try:
            yield browser, loop
        finally:
            asyncio._set_running_loop(loop)
            browser.close()


@pytest.fixture
def open_page(phone: tuple[Any, asyncio.AbstractEventLoop], live_server: Any) -> Iterator[Any]:
    """`open_page(language, user=None)`: a new phone-sized page whose cookies choose the language and sign in."""
    from django.db import connections

    browser, loop = phone
    contexts: list[Any] = []
    asyncio._set_running_loop(loop)

    def make(language: str, user: Any = None) -> Any:
        context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="Asia/Almaty", permissions=["camera"])
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if user is not None:
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": live_server.url}
            )
        context.add_cookies(cookies)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
        connections.close_all()  # the connections the test body opened while the loop ran
        asyncio._set_running_loop(None)


def fits(page: Any, name: str) -> None:
    """The page is no wider than the phone, and a photograph of it when asked for."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide on a {PHONE['width']} px phone"


@pytest.mark.parametrize("language", LANGUAGES)
def test_enrolling_in_a_course_and_passing_its_quiz(open_page: Any, live_server: Any, language: str) -> None:
    from playwright.sync_api import expect

    course = CourseFactory(
        title={"en": "Kazakh for beginners", "kk": "Бастауыштарға арналған қазақ тілі", "hu": "Kazah kezdőknek"},
        format="self_paced",
    )
    GroupFactory(course=course, name="Online", capacity=None)
    quiz = QuizFactory(course=course, title={"en": "Final quiz", "kk": "Қорытынды тест", "hu": "Záróteszt"})
    QuizQuestionFactory(
        quiz=quiz,
        text={"en": "How do you say “thank you”?", "kk": "«Рақмет» қалай айтылады?", "hu": "Hogyan mondjuk: köszönöm?"},
    )
    user = UserFactory()
    PersonFactory(user=user, email=user.email, display_name="Айгерім Сәрсенова")
    page = open_page(language, user)

    page.goto(f"{live_server.url}/courses/{course.slug}/")
    fits(page, f"course-{language}")
    page.locator("form[action$='/enroll/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/courses/enrollments/\d+/$"))
    expect(page.locator(".messages")).to_be_visible()
    fits(page, f"learn-{language}")

    page.locator(".quiz-list a").first.click()
    page.wait_for_url(re.compile(r"/quizzes/\d+/$"))
    fits(page, f"quiz-{language}")
    page.get_by_label("Рахмет", exact=True).check()
    page.locator(".quiz-form button[type=submit]").click()
    expect(page.locator(".quiz-last.is-passed")).to_be_visible()
    expect(page.locator(".quiz-last")).to_contain_text(ui(language, "passed"))
    fits(page, f"quiz-passed-{language}")
    enrollment = Enrollment.objects.get(person=user.person)
    assert enrollment.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_verifying_a_certificate_by_its_typed_code(
    open_page: Any, live_server: Any, language: str, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    with override_settings(MEDIA_ROOT=str(tmp_path), PRIVATE_MEDIA_ROOT=str(tmp_path / "private")):
        course = CourseFactory(title={"en": "Kazakh A1", "kk": "Қазақ тілі A1", "hu": "Kazah A1"})
        CompletionRuleFactory(course=course, requires_final_quiz=False)
        enrollment = Enrollment.objects.create(
            person=PersonFactory(display_name="Ерлан Жақсылықов"),
            group=GroupFactory(course=course),
            status=EnrollmentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
        certificate = certificates.certificate_issue(enrollment=enrollment, acting_user=None)
        page = open_page(language)

        page.goto(f"{live_server.url}/verify/")
        fits(page, f"verify-{language}")
        page.fill(".verify-code-form input[name=code]", "WRONG0CODE")
        page.locator(".verify-code-form button[type=submit]").click()
        expect(page.locator("#verify-code-title")).to_have_text(ui(language, "Try again"))
        fits(page, f"verify-wrong-{language}")

        page.fill(".verify-code-form input[name=code]", certificate.code.lower())
        page.locator(".verify-code-form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/verify/{certificate.code}/")
        expect(page.locator(".verdict-title")).to_have_text(ui(language, "Valid"))
        expect(page.locator("main")).to_contain_text(certificate.code)
        expect(page.locator("main")).to_contain_text("Е. Ж.")  # the holder, by initials only
        fits(page, f"verified-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_checking_a_participant_in_by_the_typed_code(open_page: Any, live_server: Any, language: str) -> None:
    from playwright.sync_api import expect

    organization = OrganizationFactory()
    event = EventFactory(organizer=organization, title={"en": "Kurultai", "kk": "Құрылтай", "hu": "Kurultáj"})
    registration = RegistrationFactory(event=event, person=PersonFactory(display_name="Әлихан Бөкейхан"))
    staff = UserFactory()
    grant(staff, organization, "staff")
    with_totp(staff)  # a staff role needs an authenticator app
    page = open_page(language, staff)

    page.goto(f"{live_server.url}/events/{event.slug}/check-in/")
    fits(page, f"checkin-{language}")
    code = page.locator("input[name=code]")
    expect(code).to_be_focused()
    code.fill(registration.code.lower())
    code.press("Enter")
    result = page.locator("[data-result]")
    expect(result).to_have_class(re.compile(r"\bis-ok\b"))
    expect(result).to_contain_text("Әлихан Бөкейхан")
    expect(page.locator("[data-count-checked-in]")).to_have_text("1")
    fits(page, f"checkin-welcome-{language}")

    # the same badge again: a notice that says when, not an alarm
    code.fill(registration.code)
    code.press("Enter")
    expect(result).to_have_class(re.compile(r"\bis-notice\b"))
    assert "is-error" not in str(result.get_attribute("class"))
    fits(page, f"checkin-again-{language}")

    # the camera opens at the top of the screen, with the answer just under it
    page.locator("[data-camera-toggle]").click()
    video = page.locator("[data-camera-video]")
    expect(video).to_be_visible()
    top = None
    for _ in range(40):  # a smooth scroll; wait_for_function would need eval, which the CSP forbids
        top = page.evaluate("document.querySelector('[data-camera]').getBoundingClientRect().top")
        if abs(top) < 24:
            break
        page.wait_for_timeout(100)
    assert top is not None and abs(top) < 24, f"the camera is {top} px from the top of the screen"
    box = video.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], f"the camera view is cut off: {box}"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/checkin-camera-{language}.png")
    page.locator("[data-camera-toggle]").click()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_and_the_filters_fold_on_a_phone(open_page: Any, live_server: Any, language: str) -> None:
    from playwright.sync_api import expect

    EventFactory(title={"en": "Scholars Forum", "kk": "Ғалымдар форумы", "hu": "Tudósok fóruma"})
    page = open_page(language)
    page.goto(f"{live_server.url}/events/?q=forum")

    menu = page.locator("[data-menu-toggle]")
    events_link = page.locator("#site-menu a[href='/events/']")
    expect(menu).to_have_text(ui(language, "Menu"))
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(events_link).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(events_link).to_be_visible()
    fits(page, f"menu-open-{language}")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    menu.click()
    expect(events_link).to_be_visible()
    page.locator("main h1").click()  # a tap outside closes it
    expect(events_link).to_be_hidden()

    toggle = page.locator(".filter-toggle")
    filters = page.locator("form.filters")
    expect(filters).to_be_hidden()
    expect(toggle).to_contain_text(ui(language, "Filters"))
    expect(toggle.locator(".filter-count")).to_contain_text("1")  # the search words
    first = page.locator("#results .event-card, #results .list-item").first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], f"the first event is below the fold: {box}"
    toggle.click()
    expect(filters).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    fits(page, f"filters-open-{language}")

    # on a desktop the filters are simply there and the button is not
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.locator(".filter-toggle")).to_be_hidden()
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
