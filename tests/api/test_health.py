"""``GET /api/health`` and the app's error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.ddl import schema_version


def test_health_on_the_embedded_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, load_demo=False)
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["store"] == "ladybug"
    assert body["schema_version"] == schema_version()
    assert body["counts"]["Organisation"] == 0
    assert set(body["counts"]) >= {label.value for label in NodeLabel}
    assert (tmp_path / "netzwerkatlas.lbdb").exists()


@pytest.mark.neo4j
def test_health_on_neo4j(_neo4j_store: GraphStore) -> None:
    _neo4j_store.init()
    _neo4j_store.backend.run("MATCH (n:Organisation) DETACH DELETE n")
    _neo4j_store.create(NodeLabel.ORGANISATION, {"name": "Jobcenter", "kind": "authority"})
    with TestClient(create_app(Settings(store="neo4j"), store=_neo4j_store)) as client:
        body = client.get("/api/health").json()
    assert body["store"] == "neo4j"
    assert body["counts"]["Organisation"] == 1
    assert body["schema_version"] == schema_version()


def test_unknown_route_and_bad_input_are_json_not_traces(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, load_demo=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_openapi_document_needs_a_signed_in_account(api) -> None:  # type: ignore[no-untyped-def]
    assert api.client.get("/openapi.json").status_code == 401
    spec = api.as_("viewer", "GET", "/openapi.json").json()
    assert "/api/organisations" in spec["paths"]
    for public in ("/docs", "/redoc"):
        assert api.client.get(public).status_code == 404
