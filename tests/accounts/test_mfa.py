"""Signing in: two factors for staff, verified e-mail for everyone, password reset, and login rate limits."""

from __future__ import annotations

import re
import time
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import MachineToken, User
from tamyr.accounts.services import machine_token_create
from tamyr.registry.models import Person
from tests.factories import NetworkFactory, OrganizationFactory, UserFactory, coordinate, grant, with_totp

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
    compatriot.name = (
        "Әйгерім Нұрланқызы"  # an account without a name is asked for it first (tests/accounts/test_names)
    )
    compatriot.save()
    response = log_in(client, "compatriot")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)


# --- sign-up and e-mail verification -------------------------------------------------------------------------

SIGNUP = {
    "name": "Әйгерім Нұрланқызы",
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


# --- every way of being signed in to the API × every staff role ------------------------------------------------

STAFF_ROLES = ("admin", "staff", "teacher", "reviewer", "coordinator", "platform_admin", "django_staff")


def a_staff_user(role: str) -> User:
    user = UserFactory(username=f"no-totp-{role}")
    if role == "coordinator":
        coordinate(user, NetworkFactory())
    elif role == "platform_admin":
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    elif role == "django_staff":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    else:
        grant(user, OrganizationFactory(), role)
    return user


def api_get(client: Client, **headers: str) -> Any:
    return client.get("/api/v1/people/", headers=headers)


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("header", ["", "Bearer anything", "Basic c3RhZmY6cGFzcw==", "Token"])
def test_a_session_without_a_second_factor_is_refused_by_the_api_whatever_header_rides_along(
    client: Client, role: str, header: str
) -> None:
    client.force_login(a_staff_user(role))
    response = api_get(client, **({"Authorization": header} if header else {}))
    assert response.status_code in (401, 403)
    if response.status_code == 403:
        assert response.json()["code"] == "mfa_required"


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_session_without_a_second_factor_cannot_write_through_the_api(client: Client, role: str) -> None:
    client.force_login(a_staff_user(role))
    response = client.post(
        "/api/v1/people/",
        {"display_name": "Ерлан Сапаров"},
        content_type="application/json",
        headers={"Authorization": "Bearer anything"},
    )
    assert response.status_code == 403
    assert not Person.objects.filter(display_name="Ерлан Сапаров").exists()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_staff_token_needs_its_owner_to_have_a_second_factor(client: Client, role: str) -> None:
    token = Token.objects.create(user=a_staff_user(role))
    response = api_get(client, Authorization=f"Token {token.key}")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_staff_token_works_once_its_owner_has_a_second_factor(client: Client, role: str) -> None:
    user = a_staff_user(role)
    with_totp(user)
    token = Token.objects.create(user=user)
    assert api_get(client, Authorization=f"Token {token.key}").status_code in (200, 403)
    assert api_get(client, Authorization=f"Token {token.key}").json().get("code") != "mfa_required"


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_machine_token_made_by_an_operator_works_without_a_second_factor(client: Client, role: str) -> None:
    out = StringIO()
    call_command("drf_create_token", a_staff_user(role).username, stdout=out)
    key = out.getvalue().split()[2]
    assert MachineToken.objects.filter(token_id=key).exists()
    assert api_get(client, Authorization=f"Token {key}").json().get("code") != "mfa_required"


def test_a_compatriots_token_needs_no_second_factor(client: Client) -> None:
    token = Token.objects.create(user=UserFactory())
    assert api_get(client, Authorization=f"Token {token.key}").status_code == 403  # no role to read people
    assert api_get(client, Authorization=f"Token {token.key}").json().get("code") != "mfa_required"


def test_resetting_a_machine_token_ends_the_old_key(client: Client) -> None:
    user = a_staff_user("staff")
    old = machine_token_create(user=user, acting_user=None)
    new = machine_token_create(user=user, reset=True, acting_user=None)
    assert old.key != new.key
    assert api_get(client, Authorization=f"Token {old.key}").status_code == 401
    assert api_get(client, Authorization=f"Token {new.key}").json().get("code") != "mfa_required"
