"""Failed sign-ins are limited per account *and* address together (nobody locks out someone else from elsewhere),
and per address across accounts (one address cannot try many accounts)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def log_in(client: Client, login: str, password: str = PASSWORD, *, ip: str) -> Any:
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)


def refused_as_too_many(response: Any) -> bool:
    form = response.context and response.context.get("form")
    return bool(form) and "Too many failed login attempts" in str(form.non_field_errors())


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """allauth's rate limits read the time through this clock; a test moves it on."""
    now = [time.time()]
    fake = SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", fake)
    yield now


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client: Client) -> None:
    UserFactory(username="aigerim")
    for _attempt in range(5):
        log_in(Client(), "aigerim", "wrong-password", ip=ATTACKER)
    assert refused_as_too_many(log_in(Client(), "aigerim", ip=ATTACKER))
    log_in(client, "aigerim", ip=OWNER)
    assert is_signed_in(client)


def test_wrong_passwords_lock_the_account_for_the_address_that_typed_them(client: Client) -> None:
    UserFactory(username="aigerim")
    for _attempt in range(5):
        log_in(client, "aigerim", "wrong-password", ip=ATTACKER)
    response = log_in(client, "aigerim", ip=ATTACKER)
    assert refused_as_too_many(response)
    assert not is_signed_in(client)


def test_one_address_trying_many_accounts_is_stopped_within_a_minute(client: Client) -> None:
    UserFactory(username="aigerim")
    for number in range(10):
        log_in(client, f"someone{number}", "wrong-password", ip=ATTACKER)
    assert refused_as_too_many(log_in(client, "aigerim", ip=ATTACKER))
    assert not is_signed_in(client)


def test_one_address_trying_many_accounts_slowly_is_stopped_within_an_hour(client: Client, clock: list[float]) -> None:
    UserFactory(username="aigerim")
    for number in range(30):
        clock[0] += 7  # under ten a minute, so only the hourly limit can stop it
        response = log_in(client, f"someone{number}", "wrong-password", ip=ATTACKER)
        assert not refused_as_too_many(response), number
    clock[0] += 7
    assert refused_as_too_many(log_in(client, "aigerim", ip=ATTACKER))


def test_the_address_limit_leaves_other_addresses_alone(client: Client) -> None:
    UserFactory(username="aigerim")
    for number in range(10):
        log_in(Client(), f"someone{number}", "wrong-password", ip=ATTACKER)
    log_in(client, "aigerim", ip=OWNER)
    assert is_signed_in(client)
