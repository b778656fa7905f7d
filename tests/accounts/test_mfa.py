"""Signing in: two factors for staff, verified e-mail for everyone, password reset, and login rate limits."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tamyr.accounts.models import User
from tests.factories import UserFactory, grant, with_totp

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def a_wrong_code(secret: str) -> str:
    """A six-digit code that no counter within the tolerance window produces."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    valid = {format_hotp_value(hotp_value(secret, counter + i)) for i in range(-2, 3)}
    return next(code for code in ("000000", "111111", "123456", "999999") if code not in valid)


def log_in(client: Client, login: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": login, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def staff_with_totp(organization: Any) -> tuple[User, str]:
    user = UserFactory(username="staffer")
    grant(user, organization, "staff")
    return user, with_totp(user)


# --- the second factor is required for staff -----------------------------------------------------------------


def test_staff_without_totp_is_redirected_to_totp_setup_from_the_people_page(client: Client, organization: Any) -> None:
    user = UserFactory()
    grant(user, organization, "staff")
    client.force_login(user)
    response = client.get(reverse("registry:person_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_without_totp_can_set_up_an_authenticator_and_then_reach_the_people_page(
    client: Client, organization: Any
) -> None:
    grant(UserFactory(username="newstaff"), organization, "staff")
    log_in(client, "newstaff")
    assert client.get(reverse("registry:person_list"))["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before adding a factor
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    form_page = client.get(reverse("mfa_activate_totp"))
    assert form_page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert client.get(reverse("registry:person_list")).status_code == 200


def test_staff_with_totp_reaches_the_people_page(client: Client, staff_with_totp: tuple[User, str]) -> None:
    client.force_login(staff_with_totp[0])
    assert client.get(reverse("registry:person_list")).status_code == 200


def test_compatriot_is_not_asked_for_a_second_factor(client: Client, compatriot: User) -> None:
    client.force_login(compatriot)
    response = client.get(reverse("me:profile"))
    assert response.status_code == 200


def test_mfa_requirement_can_be_switched_off(client: Client, organization: Any, settings: Any) -> None:
    settings.TAMYR_REQUIRE_STAFF_MFA = False
    user = UserFactory()
    grant(user, organization, "staff")
    client.force_login(user)
    assert client.get(reverse("registry:person_list")).status_code == 200


# --- logging in with a code ----------------------------------------------------------------------------------


def test_staff_login_with_password_asks_for_the_code(client: Client, staff_with_totp: tuple[User, str]) -> None:
    response = log_in(client, "staffer")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)


def test_staff_login_completes_with_the_current_code(client: Client, staff_with_totp: tuple[User, str]) -> None:
    user, secret = staff_with_totp
    log_in(client, "staffer")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("registry:person_list")).status_code == 200


def test_staff_login_refuses_a_wrong_code(client: Client, staff_with_totp: tuple[User, str]) -> None:
    _user, secret = staff_with_totp
    log_in(client, "staffer")
    response = client.post(reverse("mfa_authenticate"), {"code": a_wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not is_signed_in(client)


def test_compatriot_login_needs_no_code(client: Client, compatriot: User) -> None:
    response = log_in(client, "compatriot")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)


# --- sign-up and e-mail verification -------------------------------------------------------------------------

SIGNUP = {
    "email": "aigerim@example.org",
    "username": "aigerim",
    "password1": "Steppe-wind-2026!",
    "password2": "Steppe-wind-2026!",
}


def test_signup_sends_a_verification_email(client: Client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_does_not_sign_in_before_verification(client: Client) -> None:
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(client)


def test_login_is_refused_until_the_address_is_verified(client: Client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    response = log_in(client, "aigerim", SIGNUP["password1"])
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(client)


def test_login_works_after_following_the_verification_link(client: Client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert link is not None
    client.post(link.group(1))
    assert EmailAddress.objects.get(email="aigerim@example.org").verified
    client.logout()
    log_in(client, "aigerim", SIGNUP["password1"])
    assert is_signed_in(client)


def test_password_reset_sends_an_email_with_a_reset_link(client: Client, compatriot: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": compatriot.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [compatriot.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


# --- rate limits ---------------------------------------------------------------------------------------------


def test_repeated_failed_logins_block_further_attempts_for_that_account(client: Client, compatriot: User) -> None:
    for _attempt in range(5):
        assert log_in(client, "compatriot", "wrong-password").status_code == 200
    response = log_in(client, "compatriot")
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert not is_signed_in(client)


def test_failed_logins_for_one_account_do_not_block_another(client: Client, compatriot: User) -> None:
    UserFactory(username="neighbour")
    for _attempt in range(5):
        log_in(client, "neighbour", "wrong-password")
    log_in(client, "compatriot")
    assert is_signed_in(client)


def test_a_few_failed_logins_do_not_block_the_account(client: Client, compatriot: User) -> None:
    for _attempt in range(3):
        log_in(client, "compatriot", "wrong-password")
    log_in(client, "compatriot")
    assert is_signed_in(client)
