"""An app with one account per role over a fresh store (LadybugDB unless parametrised)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import hash_password
from api.settings import Settings
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.store.records import Account

PASSWORD = "correct horse battery"
ROLES = ("admin", "editor", "partner", "viewer")


@dataclass
class Api:
    client: TestClient
    store: GraphStore
    tokens: dict[str, str]

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def as_(self, role: str | None, method: str, url: str, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.request(method, url, headers=self.headers(role), **kw)  # type: ignore[arg-type]


def seed(store: GraphStore) -> None:
    """Two organisations (the partner's and another), a person, an area, a field."""
    store.create(NodeLabel.AREA, {"id": "09999001", "name": "Lindenau", "kind": "municipality"})
    store.create(NodeLabel.FIELD, {"id": "housing", "name_de": "Wohnen", "name_en": "Housing"})
    store.create(
        NodeLabel.ORGANISATION, {"id": "org-own", "name": "Caritas", "kind": "welfare_association"}
    )
    store.create(
        NodeLabel.ORGANISATION, {"id": "org-other", "name": "AWO", "kind": "welfare_association"}
    )
    store.create(
        NodeLabel.PERSON,
        {
            "id": "per-1",
            "name": "Aylin Beispiel",
            "function": "Beratung",
            "email": "a@example.org",
            "phone": "0000 1",
            "consent_given_on": "2024-01-01",
        },
    )
    store.link(RelType.REPRESENTS, "per-1", "org-other", id="rep-1")
    store.create(NodeLabel.OFFER, {"id": "off-own", "title": "Sprachcafé"})
    store.link(RelType.PROVIDES, "org-own", "off-own", id="prov-own")
    store.create(NodeLabel.OFFER, {"id": "off-other", "title": "Wohnberatung"})
    store.link(RelType.PROVIDES, "org-other", "off-other", id="prov-other")


def make_api(store: GraphStore, data_dir: Path) -> Iterator[Api]:
    for role in ROLES:
        store.accounts.create(
            Account(
                role,
                hash_password(PASSWORD),
                role,
                organisation_id="org-own" if role == "partner" else None,
            )
        )
    settings = Settings(data_dir=data_dir, load_demo=False)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as client:
        tokens = {}
        for role in ROLES:
            r = client.post("/api/auth/token", data={"username": role, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[role] = r.json()["access_token"]
        yield Api(client, store, tokens)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    store = open_ladybug(tmp_path / "data")
    store.init()
    seed(store)
    yield from make_api(store, tmp_path / "data")
    store.close()


@pytest.fixture
def api_on(store: GraphStore, tmp_path: Path) -> Iterator[Api]:
    """The same on every backend (the contract suite's ``store`` fixture)."""
    seed(store)
    yield from make_api(store, tmp_path)
