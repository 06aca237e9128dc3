"""Helpers for the transfer tests: a small demo region with accounts, history and settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.security import hash_password
from graph_schema.demo import generate_region
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.store.records import Account
from tests.api.conftest import api, api_on  # noqa: F401 - the HTTP fixtures, shared

DATA = Path(__file__).parents[1] / "data"
TODAY = dt.date(2025, 1, 15)


def fill(store: GraphStore, size: int = 60) -> None:
    """A demo region, two accounts, some history and a store setting."""
    region = generate_region(size, seed=3, today=TODAY)
    store.bulk_upsert(
        [n for items in region.nodes.values() for n in items],
        [t for items in region.ties.values() for t in items],
        actor="loader",
    )
    store.accounts.create(Account("admin", hash_password("correct horse battery"), "admin"))
    store.accounts.create(
        Account("partner", hash_password("correct horse battery"), "partner", "org-x", "en")
    )
    org = store.list(NodeLabel.ORGANISATION, limit=1).items[0]
    store.update(
        NodeLabel.ORGANISATION, org.id, {"description": "Geändert – ümlaut"}, actor="admin"
    )
    store.set_setting("demo_loaded", "2025-01-15T00:00:00Z size=60")


def fresh_like(store: GraphStore, tmp_path: Path, name: str) -> GraphStore:
    """An empty, initialised store of the same backend (Neo4j: the same server, emptied)."""
    if store.backend_name == "ladybug":
        other = open_ladybug(tmp_path / name)
        other.init()
        return other
    store.backend.run("MATCH (n) DETACH DELETE n")
    store.init()
    return store
