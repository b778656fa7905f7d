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
