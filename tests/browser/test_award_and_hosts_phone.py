"""The award holder's page, the managers' reports page and the host pairing page on a phone (390 px) in Kazakh
and Hungarian: nothing overflows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tamyr.calls import financing, hosting
from tests.browser.test_calls_flow import _session_cookie
from tests.calls.factories import PDF
from tests.calls.test_hosting import forum
from tests.factories import OrganizationFactory, UserFactory, grant, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_award_report_and_host_pages_fit_a_phone(browser: Any, live_server: Any) -> None:
    from tests.calls.committee_factories import CallFactory, funded

    call = CallFactory(kind="financing", currency="USD", title={"en": "Joint Investment Fund 2027 projects"})
    organization = OrganizationFactory()
    award = funded(call, "1250000", organization=organization)
    manager = UserFactory()
    grant(manager, call.organization, "staff")
    grant(manager, organization, "admin")  # holder and manager at once: every page with one session
    with_totp(manager)
    financing.tranche_add(award=award, amount=award.amount / 2, due_on=date(2027, 1, 15), acting_user=manager)
    report = financing.report_add(award=award, due_on=date(2027, 3, 1), acting_user=manager)
    financing.report_submit(
        report=report, upload=SimpleUploadedFile("a-long-report-name-2027.pdf", PDF), acting_user=manager
    )
    forum_call, _visitors, _hosts = forum(scholars=3, hosts=4)
    grant(manager, forum_call.organization, "staff")
    hosting.host_pairs_compute(call=forum_call, acting_user=None)
    for language in ("kk", "hu"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        context.add_cookies(
            [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
                {"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(manager), "url": live_server.url},
            ]
        )
        page = context.new_page()
        for path in (
            f"/calls/awards/{award.pk}/",
            f"/calls/{call.slug}/fund/reports/",
            f"/calls/{forum_call.slug}/hosts/",
        ):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} overflows at 390 px"
        context.close()
