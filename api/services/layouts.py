"""The stored layouts of the network maps, so that a map looks the same on every visit.

One :class:`viz.layout.LayoutStore` per data folder (``<data>/layouts``), shared by the
network view, the report and the CLI.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request

from viz.layout import LayoutStore

__all__ = ["layout_store", "layouts"]


def layout_store(data_dir: Path | str) -> LayoutStore:
    """The layouts kept in the data folder ``data_dir``."""
    return LayoutStore(Path(data_dir) / "layouts")


def layouts(request: Request) -> LayoutStore:
    """The app's layouts: one store per app, made on first use."""
    state = request.app.state
    store: LayoutStore | None = getattr(state, "web_layouts", None)
    if store is None:
        store = layout_store(state.settings.data_dir)
        state.web_layouts = store
    return store
