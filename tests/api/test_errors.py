"""Every API error carries `code` and `detail`, as the schema's `Error` says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tamyr.accounts.models import User

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


def test_invalid_input_answers_code_detail_field_and_every_fields_errors(staff_client: Client) -> None:
    response = post(staff_client, "/api/v1/people/", {"display_name": "Қасым Тоқаев", "residence_country": "XX"})
    body = response.json()
    assert response.status_code == 400
    assert (body["code"], body["field"]) == ("invalid", "residence_country")
    assert "XX" in body["detail"]
    assert body["errors"]["residence_country"] == [body["detail"]]


def test_invalid_input_keeps_drfs_field_keys_for_v1_clients(staff_client: Client) -> None:
    body = post(staff_client, "/api/v1/people/", {"display_name": "Қасым Тоқаев", "residence_country": "XX"}).json()
    assert body["residence_country"] == body["errors"]["residence_country"]


def test_a_missing_required_field_is_named(staff_client: Client) -> None:
    body = post(staff_client, "/api/v1/people/", {}).json()
    assert (body["code"], body["field"]) == ("invalid", "display_name")


def test_a_body_that_is_not_json_answers_parse_error(staff_client: Client) -> None:
    response = staff_client.post("/api/v1/people/", "{not json", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert response.json()["detail"]


def test_no_credentials_answers_401_not_authenticated(client: Client) -> None:
    response = client.get("/api/v1/people/")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_an_unknown_token_answers_401_authentication_failed(client: Client) -> None:
    response = client.get("/api/v1/people/", headers={"Authorization": "Token " + "0" * 40})
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")


def test_a_refusal_answers_403_permission_denied(client: Client, compatriot: User) -> None:
    client.force_login(compatriot)
    response = client.get("/api/v1/people/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert response.json()["detail"]
