"""The /api/v1 contract as its OpenAPI schema states it: every route versioned, every JSON body
refusing unknown keys (a 422 naming the key), every success answer described by a model."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

#: Bodies owned by the duty engine's shipment record (issue 21), checked by its own tests.
OWN_CHECKS = ("/api/v1/duty",)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return dict(create_app().openapi())


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    return dict(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "delete", "put", "patch"}
    ]


def test_every_route_is_versioned(schema: dict[str, Any]) -> None:
    paths = set(schema["paths"])
    assert "/api/v1/health" in paths
    assert {p for p in paths if not p.startswith("/api/v1/")} == set()


def test_every_json_body_refuses_unknown_keys(schema: dict[str, Any]) -> None:
    checked, open_bodies = [], []
    for path, method, op in _operations(schema):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content or path.startswith(OWN_CHECKS):
            continue
        body = _resolve(schema, content["application/json"]["schema"])
        checked.append(f"{method} {path}")
        if body.get("additionalProperties") is not False:
            open_bodies.append(f"{method.upper()} {path} ({body.get('title')})")
    assert "post /api/v1/scenarios/run" in checked
    assert len(checked) >= 10
    assert open_bodies == []


def test_the_answer_names_the_key() -> None:
    client = TestClient(create_app())
    body = {"scenario": "title: t\n", "bilatral": True}
    response = client.post("/api/v1/scenarios/run", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "bilatral"
    assert response.json()["message"].startswith("bilatral: Extra inputs are not permitted")


def test_every_json_answer_is_a_model(schema: dict[str, Any]) -> None:
    described, bare = [], []
    for path, method, op in _operations(schema):
        for status, answer in op["responses"].items():
            json_body = answer.get("content", {}).get("application/json")
            if not status.startswith("2") or json_body is None:
                continue
            described.append(f"{method} {path}")
            if "$ref" not in json_body["schema"]:
                bare.append(f"{method.upper()} {path} {status}: {json_body['schema']}")
    assert "get /api/v1/runs/{run_id}" in described
    assert {"get /api/v1/duty", "post /api/v1/duty"} <= set(described)
    assert len(described) >= 30
    assert bare == []
