"""Small lists the pages need again and again (areas, fields, ...), cached per store version."""

from __future__ import annotations

import threading
from typing import Any

from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

__all__ = ["choices", "names"]

_lock = threading.Lock()
_cache: dict[tuple[int, int, str, str], Any] = {}


def _nodes(store: GraphStore, label: NodeLabel) -> list[Any]:
    key = (id(store), store.version, "nodes", str(label))
    with _lock:
        if key in _cache:
            return _cache[key]  # type: ignore[no-any-return]
    items = store.list(label, limit=10_000).items
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = items
    return items


def choices(store: GraphStore, label: NodeLabel, lang: str = "de") -> list[tuple[str, str]]:
    """(id, name) of every node of ``label``, by name; fields in the reader's language."""
    out = []
    for node in _nodes(store, label):
        name = node.display_name
        if lang == "en" and getattr(node, "name_en", None):
            name = node.name_en  # an English name is optional: else the German one
        out.append((node.id, name))
    return sorted(out, key=lambda x: x[1].lower())


def names(store: GraphStore, label: NodeLabel, lang: str = "de") -> dict[str, str]:
    return dict(choices(store, label, lang))
