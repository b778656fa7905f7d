"""News and the editor on a phone (390 px) in Kazakh and Hungarian: nothing overflows; the editor's toolbar wraps
the selection in an allowed tag and the preview shows it without saving."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tamyr.content.models import Entry
from tests.browser.test_calls_flow import _session_cookie
from tests.content.factories import news, page
from tests.factories import OrganizationFactory, UserFactory, grant, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LONG = "Жыл сайын Қазақстаннан 200 студент Венгрия университеттерінде мемлекеттік стипендиямен оқуды бастай алады"


def _phone(browser: Any, live_server: Any, language: str) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def test_a_news_item_and_the_news_list_fit_a_phone(browser: Any, live_server: Any) -> None:
    embassy = OrganizationFactory(name={"en": "Embassy of Hungary in Astana", "hu": "Asztanai Magyar Nagykövetség"})
    item = news(embassy, title={"kk": LONG, "hu": "Évente 200 kazah diák tanulhat magyar állami ösztöndíjjal"},
                body={"kk": "<p>" + LONG * 3 + "</p><table><tr>" + "<td>ұзын кесте ұяшығы</td>" * 12 + "</tr></table>",
                      "hu": "<p>Szöveg</p>"}, source_language="hu", fallback_language="hu")  # fmt: skip
    page(embassy, title={"hu": "A szavazás menete", "kk": "Шетелден дауыс беру тәртібі"}, source_language="hu",
         fallback_language="hu")  # fmt: skip
    for language in ("kk", "hu"):
        context = _phone(browser, live_server, language)
        tab = context.new_page()
        for path in (item.get_absolute_url(), "/news/", embassy.get_absolute_url()):
            tab.goto(live_server.url + path)
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} overflows at 390 px in {language}: {width}"
        context.close()


def test_the_editor_fits_a_phone_and_its_toolbar_and_preview_work(browser: Any, live_server: Any) -> None:
    embassy = OrganizationFactory()
    editor = UserFactory(username="editor")
    grant(editor, embassy, "staff")
    with_totp(editor)  # a staff role needs an authenticator app
    context = _phone(browser, live_server, "kk")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(editor),
                          "url": live_server.url}])  # fmt: skip
    tab = context.new_page()
    tab.goto(live_server.url + "/content/new/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    tab.fill("#id_slug", "phone-news")
    tab.fill("[name=title_en]", "From a phone")
    body = tab.locator("[name=body_en]")
    body.fill("bold words")
    body.evaluate("area => area.setSelectionRange(0, 4)")
    tab.locator(".rich-toolbar").first.get_by_role("button", name="Bold").click()
    assert body.input_value() == "<strong>bold</strong> words"
    tab.get_by_role("button", name="Алдын ала қарау").click()
    assert tab.locator(".preview strong").inner_text() == "bold"
    assert not Entry.objects.filter(slug="phone-news").exists()
    context.close()
