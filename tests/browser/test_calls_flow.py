"""The applicant's page on a phone (390 px) in Kazakh and Hungarian: nothing overflows, a draft saves as one types."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from tamyr.calls.models import Application
from tests.calls.factories import CallFactory, QuestionFactory, QuotaGroupFactory, RequiredDocumentFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("TAMYR_SCREENSHOTS", "")


def _session_cookie(user: Any) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def test_the_applicants_page_fits_a_phone_and_saves_the_draft_as_one_types(browser: Any, live_server: Any) -> None:
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    question = QuestionFactory(label={"en": "Why this programme?", "kk": "Неге осы бағдарлама?", "hu": "Miért?"})
    call = question.call
    QuotaGroupFactory(call=call, name={"en": "Bachelor", "kk": "Бакалавриат", "hu": "Alapképzés"})
    RequiredDocumentFactory(call=call, name={"en": "Transcript", "kk": "Транскрипт", "hu": "Leckekönyv"})
    RequiredDocumentFactory(call=call, key="letter", from_referee=True, name={"en": "Letter", "hu": "Ajánlás"})
    application = Application.objects.create(call=call, person=user.person)
    fund = CallFactory(kind="financing", currency="USD", award_min=Decimal("1000"), award_max=Decimal("50000"))
    organization = OrganizationFactory()
    grant(user, organization, "staff")
    with_totp(user)  # a staff role needs an authenticator app
    funded = Application.objects.create(call=fund, person=user.person, organization=organization)

    for language in ("kk", "hu"):
        _check(browser, live_server, user, language, call, application, funded, question)
    application.refresh_from_db()
    assert application.answers == {str(question.pk): "Because of the programme"}


def _check(
    browser: Any, live_server: Any, user: Any, language: str, call: Any, application: Any, funded: Any, question: Any
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", timezone_id="Europe/Budapest")
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            {"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(user), "url": live_server.url},
        ]
    )
    page = context.new_page()
    for path, name in [
        (f"/calls/{call.slug}/", "call"),
        (f"/calls/applications/{application.code}/", "application"),
        (f"/calls/applications/{funded.code}/", "financing"),
    ]:
        page.goto(live_server.url + path)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/calls-{name}-{language}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} overflows at 390 px"
    page.goto(f"{live_server.url}/calls/applications/{application.code}/")
    page.fill(f"#id_q{question.pk}", "Because of the programme")
    page.wait_for_selector("#autosave .saved", timeout=10_000)
    context.close()
