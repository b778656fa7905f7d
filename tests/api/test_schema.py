"""The OpenAPI schema at /api/v1/schema/ and the browsable docs at /api/v1/docs/."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from django.test import Client
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_a_valid_openapi_3_document(schema: dict[str, Any]) -> None:
    validate_schema(schema)  # raises on anything the OpenAPI 3 meta-schema refuses
    assert schema["openapi"].startswith("3.")


def test_schema_names_the_api(schema: dict[str, Any]) -> None:
    assert schema["info"]["title"] == "Tamyr API"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/export/",
        "/api/v1/people/{id}/erase/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{slug}/",
        "/api/v1/networks/",
        "/api/v1/countries/",
    ],
)
def test_schema_has_the_registry_paths(schema: dict[str, Any], path: str) -> None:
    assert path in schema["paths"]


def test_schema_documents_creating_a_person(schema: dict[str, Any]) -> None:
    assert "post" in schema["paths"]["/api/v1/people/"]
    assert {"search", "country", "organization"} <= {
        parameter["name"] for parameter in schema["paths"]["/api/v1/people/"]["get"]["parameters"]
    }


def test_schema_documents_token_auth(schema: dict[str, Any]) -> None:
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert '"Token"' in token["description"]


def test_schema_is_served_as_yaml_by_default(client: Client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "/api/v1/people/" in yaml.safe_load(response.content)["paths"]


def test_docs_page_is_served(client: Client) -> None:
    assert client.get("/api/v1/docs/").status_code == 200


def test_docs_page_loads_no_script_or_style_from_another_site(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert sources, "the docs page should load Swagger UI from our static files"
    assert not [source for source in sources if re.match(r"(?:https?:)?//", source)]


def test_docs_page_loads_swagger_ui_from_local_static_files(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    assert re.search(r'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.js"', html)


def test_docs_page_has_no_inline_script_that_the_content_security_policy_would_block(client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()) == []


def test_docs_start_up_script_is_served_as_javascript(client: Client) -> None:
    html = client.get("/api/v1/docs/").content.decode()
    script_urls = [url.replace("&amp;", "&") for url in re.findall(r'<script src="(/api/v1/docs/[^"]*)"', html)]
    assert len(script_urls) == 1
    response = client.get(script_urls[0])
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in response.content.decode()


def test_redoc_page_loads_nothing_from_another_site(client: Client) -> None:
    html = client.get("/api/v1/redoc/").content.decode()
    assert not re.findall(r'(?:src|href)\s*=\s*["\'](?:https?:)?//', html)


# --- the schema tells the truth about nulls, URIs and errors ----------------------------------------------------


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Group", "meeting_url"),
        ("Lesson", "body"),
        ("Lesson", "video_url"),
        ("Lesson", "embed_url"),
        ("Lesson", "materials"),
        ("Event", "venue"),
        ("Event", "online_url"),
        ("EventDetail", "venue"),
        ("Session", "venue"),
    ],
)
def test_fields_that_can_be_null_are_declared_nullable(schema: dict[str, Any], component: str, field: str) -> None:
    declared = _component(schema, component)["properties"][field]
    assert declared.get("nullable") is True or any(
        option.get("nullable") for option in declared.get("allOf", []) + declared.get("oneOf", [])
    ), declared


def test_an_event_without_an_online_link_answers_null_not_an_empty_uri(client: Client) -> None:
    from tests.events.factories import EventFactory

    event = EventFactory(status="published", online_url="")
    body = client.get(f"/api/v1/events/{event.slug}/").json()
    assert body["online_url"] is None


def test_the_error_body_is_a_component_with_code_and_detail(schema: dict[str, Any]) -> None:
    error = _component(schema, "Error")
    assert set(error["required"]) == {"code", "detail"}
    assert {"code", "detail", "field", "errors"} <= set(error["properties"])


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_operation_declares_403_and_429_with_the_error_body(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        for status in ("403", "429"):
            response = operation["responses"].get(status)
            assert response, (method, path, status)
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_that_authenticates_declares_401(schema: dict[str, Any]) -> None:
    # no authentication at all (the bounce webhook: a shared secret in a header, tamyr/content/api/mail.py)
    public_by_design = {"/api/v1/certificates/{code}/", "/api/v1/certificates/verify/", "/api/v1/mail/bounces/"}
    for path, method, operation in _operations(schema):
        assert ("401" in operation["responses"]) != (path in public_by_design), (method, path)


def test_every_operation_on_an_object_declares_404(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_400_is_declared_where_there_is_input_and_only_there(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        has_input = method != "get" or any(p["in"] == "query" for p in operation.get("parameters", []))
        assert ("400" in operation["responses"]) == has_input, (method, path)


def test_429_declares_retry_after(schema: dict[str, Any]) -> None:
    response = schema["paths"]["/api/v1/people/"]["get"]["responses"]["429"]
    assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_schema_is_generated_without_warnings(tmp_path: Any) -> None:
    """The deployment check fails on drf-spectacular's warnings, so a new name collision must fail here first."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
