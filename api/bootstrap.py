"""First start and demo loading, shared by the CLI and ``make run``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from graph_schema.errors import AlreadyExists
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

__all__ = ["DEMO_MARK", "first_start", "load_demo"]

#: store setting recording that (and when) the demo region was loaded
DEMO_MARK = "demo_loaded"


def load_demo(
    store: GraphStore,
    *,
    size: int = 150,
    seed: int = 20240901,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Generate the demo region and write it in one transaction.

    Refuses to mix the demo into existing data unless ``replace`` is set, which first
    deletes every node and tie.
    """
    from graph_schema.demo import generate_region

    existing = store.counts()[NodeLabel.ORGANISATION]
    if existing and not replace:
        raise AlreadyExists(
            f"The store already holds {existing} organisations: use --replace to replace "
            "everything with the demo region."
        )
    region = generate_region(size=size, seed=seed)
    nodes = [n for items in region.nodes.values() for n in items]
    ties = [t for items in region.ties.values() for t in items]
    if on_total:
        on_total(len(nodes) + len(ties))
    if replace:
        store.clear()
    written = store.bulk_upsert(nodes, ties, progress=progress)
    store.set_setting(DEMO_MARK, f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} size={size}")
    return written


def first_start(store: GraphStore, *, size: int, seed: int, enabled: bool = True) -> bool:
    """Load the demo region if this store has never had it and holds no organisations.

    Returns whether it loaded anything. A second start, or a store someone has filled or
    emptied since, is left alone.
    """
    if not enabled or store.get_setting(DEMO_MARK) is not None:
        return False
    if store.counts()[NodeLabel.ORGANISATION]:
        store.set_setting(DEMO_MARK, "skipped: store had data")
        return False
    load_demo(store, size=size, seed=seed)
    return True
