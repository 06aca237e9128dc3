"""The store: one Cypher repository (:class:`GraphStore`) over two backends.

:class:`~graph_schema.snapshot.Snapshot` and :class:`~graph_schema.snapshot.Page` live in
``graph_schema.snapshot``; they are re-exported here for the store's callers.
"""

from __future__ import annotations

from pathlib import Path

from graph_schema.snapshot import Page, Snapshot
from graph_schema.store.graph_store import GraphStore

__all__ = ["GraphStore", "Page", "Snapshot", "open_ladybug", "open_neo4j"]

DATABASE_FILE = "netzwerkatlas.lbdb"


def open_ladybug(data_dir: Path, *, read_only: bool = False) -> GraphStore:
    """The embedded store in ``data_dir`` (created when missing, unless read-only).

    A database written by a newer release is refused
    (:class:`~graph_schema.errors.SchemaMismatch`); so is an older one opened read-only,
    which cannot upgrade itself. A writable one is upgraded by :meth:`GraphStore.init`.
    """
    from graph_schema.store.ladybug_backend import LadybugBackend

    store = GraphStore(LadybugBackend(Path(data_dir) / DATABASE_FILE, read_only=read_only))
    return _checked(store, require_current=read_only)


def open_neo4j(uri: str, user: str, password: str, database: str = "neo4j") -> GraphStore:
    """The store on a Neo4j 5 server (refused when a newer release wrote its schema)."""
    from graph_schema.store.neo4j_backend import Neo4jBackend

    return _checked(GraphStore(Neo4jBackend(uri, user, password, database)))


def _checked(store: GraphStore, *, require_current: bool = False) -> GraphStore:
    try:
        store.check_schema(require_current=require_current)
    except BaseException:
        store.close()
        raise
    return store
