"""API schemas, derived from the one graph model: ``XCreate``, ``XUpdate``, ``XOut``, pages."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from graph_schema.model import NODE_MODELS, REL_SPECS, Node, NodeLabel, RelType

__all__ = [
    "ErrorOut",
    "HistoryEntryOut",
    "NetworkOut",
    "TieCreate",
    "TieOut",
    "TieUpdate",
    "create_schema",
    "out_schema",
    "page_schema",
    "update_schema",
]

M = TypeVar("M")


class ErrorOut(BaseModel):
    """Every error answers with this shape."""

    detail: str = Field(examples=["There is no Organisation with id 'org-x': check the id."])


class PageOut(BaseModel, Generic[M]):  # noqa: UP046 - Python 3.11
    items: list[M]
    total: int
    limit: int
    offset: int


def _name(label: NodeLabel) -> str:
    return "FieldOfAction" if label == NodeLabel.FIELD else str(label)


@cache
def create_schema(label: NodeLabel) -> type[BaseModel]:
    """The node model with an optional ``id`` (generated when missing)."""
    model = NODE_MODELS[label]
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{_name(label)}Create",
        __base__=model,
        id=(str | None, Field(None, description="Generated when missing.")),
    )


@cache
def update_schema(label: NodeLabel) -> type[BaseModel]:
    """Every property optional; only the ones sent are changed."""
    model = NODE_MODELS[label]
    fields: dict[str, Any] = {
        name: (field.annotation | None, None)  # type: ignore[operator]
        for name, field in model.model_fields.items()
        if name != "id"
    }
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{_name(label)}Update",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )


@cache
def out_schema(label: NodeLabel) -> type[BaseModel]:
    """What the API returns for a node: every property optional (roles may hide some)."""
    model = NODE_MODELS[label]
    fields: dict[str, Any] = {
        name: (field.annotation if name == "id" else field.annotation | None, None)  # type: ignore[operator]
        for name, field in model.model_fields.items()
    }
    fields["id"] = (str, ...)
    return create_model(f"{_name(label)}Out", **fields)  # type: ignore[call-overload, no-any-return]


@cache
def page_schema(label: NodeLabel) -> type[BaseModel]:
    """A page of ``XOut``, named ``XPageOut`` (not ``PageOut[XOut]``: the OpenAPI document's
    schema names become class names in generated clients)."""
    page = cast("type[BaseModel]", PageOut[out_schema(label)])  # type: ignore[misc]  # runtime arg
    return create_model(f"{_name(label)}PageOut", __base__=page)  # type: ignore[call-overload, no-any-return]


def _tie_property_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for spec in REL_SPECS.values():
        for name, field in spec.model.model_fields.items():
            if name not in ("id", "from_id", "to_id", "since", "until"):
                fields[name] = (field.annotation | None, None)  # type: ignore[operator]
    return fields


RelTypeName = Literal[tuple(t.value for t in RelType)]  # type: ignore[valid-type]

TieCreate = create_model(  # type: ignore[call-overload]
    "TieCreate",
    __config__=ConfigDict(extra="forbid"),
    type=(RelTypeName, ...),  # type: ignore[arg-type]  # Literal built at runtime
    id=(str | None, None),
    from_id=(str, ...),
    to_id=(str, ...),
    since=(dt.date | None, None),
    until=(dt.date | None, None),
    **_tie_property_fields(),
)

TieUpdate = create_model(  # type: ignore[call-overload]
    "TieUpdate",
    __config__=ConfigDict(extra="forbid"),
    since=(dt.date | None, None),
    until=(dt.date | None, None),
    **_tie_property_fields(),
)

TieOut = create_model(  # type: ignore[call-overload]
    "TieOut",
    type=(RelTypeName, ...),  # type: ignore[arg-type]  # Literal built at runtime
    id=(str, ...),
    from_id=(str, ...),
    to_id=(str, ...),
    since=(dt.date | None, None),
    until=(dt.date | None, None),
    **_tie_property_fields(),
)


class TiePageOut(BaseModel):
    items: list[TieOut]  # type: ignore[valid-type]
    total: int


class NeighbourTieOut(BaseModel):
    """A tie of one organisation with the other end's name."""

    id: str
    type: str
    direction: Literal["out", "in"]
    other_id: str
    other_label: str
    other_name: str | None
    since: dt.date | None = None
    until: dt.date | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class NetworkNodeOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    label: str
    name: str | None
    kind: str | None = None


class NetworkEdgeOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    type: str
    source: str
    target: str
    since: dt.date | None = None
    until: dt.date | None = None


class NetworkOut(BaseModel):
    as_of: dt.date
    nodes: list[NetworkNodeOut]
    edges: list[NetworkEdgeOut]


class HistoryEntryOut(BaseModel):
    id: str
    at: str
    username: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class HistoryPageOut(BaseModel):
    items: list[HistoryEntryOut]
    total: int
    limit: int
    offset: int


def node_out(node: Node, hide: tuple[str, ...] = ()) -> dict[str, Any]:
    """A node as the API returns it, without the properties in ``hide``."""
    data = node.model_dump(mode="json")
    for prop in hide:
        data.pop(prop, None)
    return data
