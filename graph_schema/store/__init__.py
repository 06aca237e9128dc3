"""The store: one Cypher repository (:class:`GraphStore`) over two backends."""

from __future__ import annotations

from pathlib import Path

from graph_schema.store.graph_store import GraphStore, Page, Snapshot

__all__ = ["GraphStore", "Page", "Snapshot", "open_ladybug", "open_neo4j"]

DATABASE_FILE = "netzwerkatlas.lbdb"


def open_ladybug(data_dir: Path, *, read_only: bool = False) -> GraphStore:
    """The embedded store in ``data_dir`` (created when missing, unless read-only)."""
    from graph_schema.store.ladybug_backend import LadybugBackend

    return GraphStore(LadybugBackend(Path(data_dir) / DATABASE_FILE, read_only=read_only))


def open_neo4j(uri: str, user: str, password: str, database: str = "neo4j") -> GraphStore:
    """The store on a Neo4j 5 server."""
    from graph_schema.store.neo4j_backend import Neo4jBackend

    return GraphStore(Neo4jBackend(uri, user, password, database))
