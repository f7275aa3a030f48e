"""The OpenAPI document and /docs: served, complete, and honest about authentication."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.webhooks.api_helpers import API

SCHEMES = {"ApiKeyBearer", "ApiKeyHeader"}
RESOURCES = ("consultants", "employers", "contacts", "citizens", "placements")


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    """The served OpenAPI document."""
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _api_operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every REST API operation."""
    return [
        (method, path, operation)
        for path, item in openapi["paths"].items()
        if path.startswith(API)
        for method, operation in item.items()
    ]


def test_docs_page_is_served_without_a_key(client: TestClient) -> None:
    response = client.get("/docs")

    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert "/openapi.json" in response.text


def test_security_schemes_give_docs_an_authorize_button(openapi: dict[str, Any]) -> None:
    schemes = openapi["components"]["securitySchemes"]

    assert schemes["ApiKeyBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["ApiKeyBearer"]["description"],
    }
    assert schemes["ApiKeyHeader"]["type"] == "apiKey"
    assert schemes["ApiKeyHeader"]["in"] == "header"
    assert schemes["ApiKeyHeader"]["name"] == "X-API-Key"


def test_every_api_operation_declares_the_security_scheme(openapi: dict[str, Any]) -> None:
    operations = _api_operations(openapi)

    assert len(operations) == 36  # 27 + 9 webhook subscription and delivery-log operations
    for method, path, operation in operations:
        declared = {name for requirement in operation["security"] for name in requirement}
        assert declared == SCHEMES, (method, path)
        assert "401" in operation["responses"], (method, path)


def test_every_resource_has_full_crud(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    collections = {
        "consultants": f"{API}/consultants",
        "employers": f"{API}/employers",
        "contacts": f"{API}/employers/{{employer_id}}/contacts",
        "citizens": f"{API}/citizens",
        "placements": f"{API}/placements",
    }
    for resource in RESOURCES:
        singular = resource.removesuffix("s")
        item = f"{API}/{resource}/{{{singular}_id}}"
        assert set(paths[collections[resource]]) == {"get", "post"}, resource
        assert set(paths[item]) == {"get", "patch", "delete"}, resource
        assert "201" in paths[collections[resource]]["post"]["responses"]
        assert "204" in paths[item]["delete"]["responses"]
        assert "404" in paths[item]["get"]["responses"]
    assert set(paths[f"{API}/citizens/{{citizen_id}}/absences"]) == {"get"}
    assert set(paths[f"{API}/citizens/{{citizen_id}}/messages"]) == {"get"}


def test_operation_ids_are_short_and_unique(openapi: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _api_operations(openapi)]

    assert len(ids) == len(set(ids))
    assert "create_citizen" in ids
    assert all("api_v1" not in operation_id for operation_id in ids)


def test_request_bodies_refuse_unknown_fields(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]

    for name, schema in schemas.items():
        if name.endswith(("Create", "Update")):
            assert schema.get("additionalProperties") is False, name
    assert schemas["CitizenCreate"]["properties"]["preferred_channel"]["enum"] == [
        "sms",
        "telegram",
    ]
