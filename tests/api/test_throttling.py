"""API throttles: per IP address for the anonymous, per user for the signed in; 429 with Retry-After and a code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PATH = "/api/v1/countries/"


@pytest.fixture(autouse=True)
def _low_rates(settings: Any) -> None:
    settings.TAMYR_API_THROTTLE_RATES = {"anon": "3/min", "user": "5/min"}


def token_for(username: str) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=UserFactory(username=username)).key}"}


def get(client: Client, ip: str = "203.0.113.7", headers: dict[str, str] | None = None) -> Any:
    return client.get(PATH, headers=headers or {}, REMOTE_ADDR=ip)


def test_anonymous_requests_over_the_rate_get_429_with_retry_after(client: Client) -> None:
    assert [get(client).status_code for _ in range(3)] == [200, 200, 200]
    response = get(client)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_429_body_has_the_documented_code_and_detail(client: Client) -> None:
    for _ in range(3):
        get(client)
    body = get(client).json()
    assert body["code"] == "throttled"
    assert body["detail"]


def test_anonymous_requests_are_counted_per_address(client: Client) -> None:
    for _ in range(3):
        get(client, ip="203.0.113.7")
    assert get(client, ip="198.51.100.20").status_code == 200


def test_a_forwarded_for_header_does_not_give_a_fresh_count(client: Client) -> None:
    for _ in range(3):
        get(client)
    assert get(client, headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429


def test_signed_in_requests_over_the_rate_get_429_with_retry_after(client: Client) -> None:
    headers = token_for("aruzhan")
    assert [get(client, headers=headers).status_code for _ in range(5)] == [200] * 5
    response = get(client, headers=headers)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_signed_in_requests_are_counted_per_user_not_per_address(client: Client) -> None:
    first = token_for("aruzhan")
    for _ in range(5):
        get(client, headers=first)
    assert get(client, headers=token_for("bolat")).status_code == 200


def test_a_user_over_the_rate_leaves_the_anonymous_of_the_same_address_alone(client: Client) -> None:
    headers = token_for("aruzhan")
    for _ in range(6):
        get(client, headers=headers)
    assert get(client).status_code == 200


def test_throttling_is_on_by_default(settings: Any) -> None:
    from rest_framework.settings import api_settings

    from tamyr.settings import base

    assert base.TAMYR_API_THROTTLE_RATES == {"anon": "600/min", "user": "3000/min"}
    assert [cls.__name__ for cls in api_settings.DEFAULT_THROTTLE_CLASSES] == ["AnonThrottle", "UserThrottle"]
