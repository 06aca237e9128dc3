"""The web UI over a fresh store: one signed-in browser-like client per role."""

from __future__ import annotations

import re
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
from tests.api.conftest import PASSWORD, ROLES, seed

XSS = "<img src=x onerror=alert(1)>"

__all__ = ["XSS", "Web", "csrf_of", "login"]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.cookies.set("netzwerkatlas_session", r.cookies["netzwerkatlas_session"])


@dataclass
class Web:
    app: object
    store: GraphStore
    clients: dict[str, TestClient]

    def __getitem__(self, role: str) -> TestClient:
        return self.clients[role]


def seed_web(store: GraphStore) -> None:
    """The API tests' seed plus a cooperation, a council and an organisation named like an
    attack."""
    seed(store)
    store.create(
        NodeLabel.ORGANISATION, {"id": "org-xss", "name": XSS, "kind": "migrant_organisation"}
    )
    store.link(RelType.COOPERATES_WITH, "org-own", "org-other", id="coop-1", kind="referral")
    store.link(RelType.COOPERATES_WITH, "org-xss", "org-own", id="coop-2")
    store.link(RelType.ACTIVE_IN, "org-own", "09999001", id="act-1")
    store.link(RelType.WORKS_ON, "org-own", "housing", id="wo-1")
    store.create(NodeLabel.BODY, {"id": "bod-rat", "name": "Projektrat", "kind": "project_council"})
    store.link(RelType.MEMBER_OF, "org-other", "bod-rat", id="mem-1", role="chair")
    store.link(RelType.MEMBER_OF, "per-1", "bod-rat", id="mem-2")


def _make_web(data: Path) -> Iterator[Web]:
    store = open_ladybug(data)
    store.init()
    seed_web(store)
    for role in ROLES:
        store.accounts.create(
            Account(
                role,
                hash_password(PASSWORD),
                role,
                organisation_id="org-own" if role == "partner" else None,
            )
        )
    app = create_app(Settings(data_dir=data, load_demo=False), store=store)
    clients: dict[str, TestClient] = {}
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        clients["anonymous"] = anonymous
        for role in ROLES:
            client = TestClient(app, raise_server_exceptions=False)
            login(client, role)
            clients[role] = client
        yield Web(app, store, clients)
    store.close()


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    """A fresh site for tests that change data."""
    yield from _make_web(tmp_path / "data")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """One site per module for tests that only read."""
    yield from _make_web(tmp_path_factory.mktemp("site") / "data")
