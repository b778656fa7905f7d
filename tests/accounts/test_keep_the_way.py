"""Signing up, confirming the e-mail address and signing in bring the person back to what they were doing (an
event's registration form, a course's group), in their language; a `next` that leads away from the site is
never followed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.learning.factories import CourseFactory, GroupFactory

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example/phish"
LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def register_url(event: Any) -> str:
    return reverse("events:event_register", kwargs={"slug": event.slug})


def sign_up(client: Client, next_url: str) -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "name": "Kovács Anna",
            "email": "anna@example.org",
            "username": "anna_77",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "next": next_url,
        },
    )


def confirmation_link() -> str:
    found = LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def confirm(client: Client, link: str) -> Any:
    """What a browser does with the link: open the page, press its button (a form that carries the `next`)."""
    page = client.get(link)
    assert page.status_code == 200
    found = re.search(r'name="next" value="([^"]*)"', page.content.decode())
    return client.post(link, {"next": found.group(1)} if found else {})


def test_the_event_page_sends_sign_up_and_login_back_to_its_registration_form(client: Client) -> None:
    event = EventFactory()
    content = client.get(event.get_absolute_url()).content.decode()
    assert f"/accounts/signup/?next={register_url(event)}" in content
    assert f"/accounts/login/?next={register_url(event)}" in content


def test_the_confirmation_link_carries_the_next_of_the_sign_up(client: Client) -> None:
    event = EventFactory()
    sign_up(client, register_url(event))
    assert parse_qs(urlsplit(confirmation_link()).query)["next"] == [register_url(event)]


def test_confirming_in_the_same_browser_signs_in_and_returns_to_the_registration_form(client: Client) -> None:
    event = EventFactory()
    client.cookies["django_language"] = "hu"
    sign_up(client, register_url(event))
    response = confirm(client, confirmation_link())
    assert response.status_code == 302 and response["Location"] == register_url(event)
    form = client.get(response["Location"])
    assert form.status_code == 200 and form.wsgi_request.user.username == "anna_77"
    assert '<html lang="hu"' in form.content.decode()


def test_confirming_in_another_browser_leads_to_the_form_through_the_login(client: Client) -> None:
    event = EventFactory()
    sign_up(client, register_url(event))
    other = Client()
    response = confirm(other, confirmation_link())
    assert response["Location"] == register_url(event)
    login = other.get(response["Location"])
    assert login.status_code == 302 and login["Location"].endswith(f"?next={register_url(event)}")
    assert User.objects.get(username="anna_77").emailaddress_set.get().verified  # type: ignore[attr-defined]


def test_a_next_leading_off_the_site_never_rides_in_the_confirmation_link(client: Client) -> None:
    sign_up(client, EVIL)
    assert "next" not in confirmation_link()
    assert confirm(client, confirmation_link())["Location"] != EVIL


def test_a_forged_next_in_the_confirmation_link_is_not_followed(client: Client) -> None:
    sign_up(client, "/")
    response = confirm(Client(), f"{confirmation_link().split('?')[0]}?next={EVIL}")
    assert not response["Location"].startswith("https://evil")


def test_login_returns_to_the_registration_form(client: Client) -> None:
    event = EventFactory()
    user = UserFactory(name="Kovács Anna")
    response = client.post(
        reverse("account_login"),
        {"login": user.username, "password": "correct-horse-battery", "next": register_url(event)},
    )
    assert response["Location"] == register_url(event)


def test_login_refuses_a_next_off_the_site(client: Client) -> None:
    user = UserFactory(name="Kovács Anna")
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": "correct-horse-battery", "next": EVIL}
    )
    assert response["Location"] == "/"


def test_the_name_page_refuses_a_next_off_the_site(client: Client) -> None:
    client.force_login(UserFactory())
    page = client.get(reverse("me:name"), {"next": EVIL}).content.decode()
    assert 'name="next"' not in page.split('id="main"')[1]
    response = client.post(reverse("me:name"), {"name": "Kovács Anna", "next": EVIL})
    assert response["Location"] == reverse("me:profile")


def test_the_course_page_sends_login_and_sign_up_back_to_the_group(client: Client) -> None:
    group = GroupFactory(course=CourseFactory())
    content = client.get(group.course.get_absolute_url()).content.decode()
    back = f"{group.course.get_absolute_url()}%23group-{group.pk}"
    assert f"/accounts/login/?next={back}" in content and f"/accounts/signup/?next={back}" in content


def test_the_header_links_bring_the_person_back_to_the_page_they_were_reading(client: Client) -> None:
    event = EventFactory()
    content = client.get(event.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next={event.get_absolute_url()}"' in content
    assert f'href="/accounts/signup/?next={event.get_absolute_url()}"' in content


def test_the_login_page_header_does_not_send_the_person_back_to_the_login_page(client: Client) -> None:
    content = client.get(reverse("account_login")).content.decode()
    assert 'href="/accounts/login/?next=' not in content
