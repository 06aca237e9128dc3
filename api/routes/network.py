"""``GET /api/network``: the snapshot of the network for views and analysis."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.routes.resources import ERRORS
from api.schemas import NetworkOut
from api.security import CurrentUser, Role, require
from api.services.policy import Access, access_for
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore

router = APIRouter(tags=["Network"])


def snapshot_json(
    store: GraphStore,
    *,
    access: Access,
    as_of: dt.date | None = None,
    area: str | None = None,
    field: str | None = None,
    kind: str | None = None,
    labels: list[NodeLabel] | None = None,
    types: list[RelType] | None = None,
) -> dict[str, Any]:
    """The snapshot as ``{"as_of", "nodes", "edges"}``, with what ``access`` may see."""
    snap = store.snapshot(as_of, area=area, field=field, kind=kind, labels=labels, types=types)
    nodes = []
    for node in snap.nodes:
        data = access.values(node)
        nodes.append(
            {
                **data,
                "label": node.label,
                "name": node.display_name,
                "kind": getattr(node, "kind", None),
            }
        )
    edges = []
    for tie in snap.ties:
        data = tie.model_dump(mode="json")
        edges.append(
            {
                **{k: v for k, v in data.items() if k not in ("from_id", "to_id")},
                "type": tie.type,
                "source": tie.from_id,
                "target": tie.to_id,
            }
        )
    return {"as_of": snap.as_of, "nodes": nodes, "edges": edges}


@router.get(
    "/api/network",
    response_model=NetworkOut,
    responses=ERRORS,
    dependencies=[require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)],
)
def get_network(
    request: Request,
    user: CurrentUser,
    as_of: Annotated[dt.date | None, Query(description="Default: today")] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    field: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=60)] = None,
    types: Annotated[list[RelType] | None, Query(description="Default: all types")] = None,
    labels: Annotated[list[NodeLabel] | None, Query(description="Default: all labels")] = None,
) -> dict[str, Any]:
    """The nodes and ties valid on a day, optionally narrowed by area, field and kind."""
    store: GraphStore = request.app.state.store
    return snapshot_json(
        store,
        access=access_for(store, user),
        as_of=as_of,
        area=area,
        field=field,
        kind=kind,
        labels=labels,
        types=types,
    )
