"""One router per node resource (organisations, people, ...), built from one description.

Each route validates, checks the role, calls one store method and shapes the answer.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response

from api.permissions import check_node_change, hidden_person_fields
from api.schemas import (
    ErrorOut,
    HistoryPageOut,
    NeighbourTieOut,
    create_schema,
    node_out,
    out_schema,
    page_schema,
    update_schema,
)
from api.security import CurrentUser, Forbidden, Role, User, require
from graph_schema.model import Node, NodeLabel, RelType
from graph_schema.store import GraphStore

__all__ = ["RESOURCES", "Resource", "build_router", "history_out"]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Not signed in"},
    403: {"model": ErrorOut, "description": "The role does not allow this"},
    404: {"model": ErrorOut, "description": "No entry with this id"},
    422: {"model": ErrorOut, "description": "Invalid input; the detail says what to change"},
    503: {"model": ErrorOut, "description": "The database is busy or unreachable"},
}
WRITE_ERRORS = {**ERRORS, 409: {"model": ErrorOut, "description": "The id is taken"}}

IdPath = Annotated[str, Path(min_length=1, max_length=100, description="The entry's id")]


@dataclass(frozen=True)
class Resource:
    path: str
    label: NodeLabel
    filters: tuple[str, ...] = ()
    title: str = ""


RESOURCES: tuple[Resource, ...] = (
    Resource("organisations", NodeLabel.ORGANISATION, ("kind", "area", "field"), "Organisations"),
    Resource("people", NodeLabel.PERSON, (), "Contact persons"),
    Resource("bodies", NodeLabel.BODY, ("kind",), "Bodies (Gremien)"),
    Resource(
        "offers",
        NodeLabel.OFFER,
        ("area", "field", "target_group", "programme"),
        "Offers (Angebote)",
    ),
    Resource("areas", NodeLabel.AREA, ("kind",), "Areas"),
    Resource("fields", NodeLabel.FIELD, (), "Fields of action"),
    Resource("target-groups", NodeLabel.TARGET_GROUP, (), "Target groups"),
    Resource("events", NodeLabel.EVENT, (), "Events"),
)

#: what a partner's new entry is tied to: (relationship, new node is the tie's start)
_PARTNER_LINK = {
    NodeLabel.OFFER: (RelType.PROVIDES, False),
    NodeLabel.PERSON: (RelType.REPRESENTS, True),
}


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def _shape(store: GraphStore, user: User, node: Node) -> dict[str, Any]:
    hide = hidden_person_fields(store, user, node.id) if node.label == NodeLabel.PERSON else ()
    return node_out(node, hide)


def history_out(store: GraphStore, user: User, entries: list[Any]) -> list[dict[str, Any]]:
    """History entries with personal values hidden from those who may not see them."""
    result = []
    for e in entries:
        data = dict(e.__dict__)
        if e.entity_type == NodeLabel.PERSON:
            hide = hidden_person_fields(store, user, e.entity_id)
            for side in ("before", "after"):
                if data[side]:
                    data[side] = {k: v for k, v in data[side].items() if k not in hide}
        result.append(data)
    return result


def build_router(res: Resource) -> APIRouter:  # noqa: C901 - one closure per route
    label = res.label
    router = APIRouter(prefix=f"/api/{res.path}", tags=[res.title or res.path])
    Out = out_schema(label)
    Create = create_schema(label)
    Update = update_schema(label)
    Page = page_schema(label)
    readers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)
    writers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER)

    @router.get(
        "",
        response_model=Page,
        response_model_exclude_unset=True,
        responses=ERRORS,
        summary=f"List {res.path}",
        dependencies=[readers],
    )
    def list_nodes(
        request: Request,
        user: CurrentUser,
        limit: Annotated[int, Query(ge=0, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        q: Annotated[str | None, Query(max_length=200, description="Text search")] = None,
        sort: Annotated[
            str | None, Query(max_length=40, description="Property, '-' for descending")
        ] = None,
        as_of: Annotated[dt.date | None, Query(description="What was valid on this day")] = None,
        kind: Annotated[str | None, Query(max_length=60)] = None,
        area: Annotated[str | None, Query(max_length=100)] = None,
        field: Annotated[str | None, Query(max_length=100)] = None,
        target_group: Annotated[str | None, Query(max_length=100)] = None,
        programme: Annotated[str | None, Query(max_length=100)] = None,
    ) -> dict[str, Any]:
        given = {
            "kind": kind,
            "area": area,
            "field": field,
            "target_group": target_group,
            "programme": programme,
        }
        unsupported = [k for k, v in given.items() if v is not None and k not in res.filters]
        if unsupported:
            from graph_schema.errors import InvalidValue

            allowed = ", ".join(res.filters) or "none"
            raise InvalidValue(
                f"{res.path} cannot be filtered by {', '.join(unsupported)} "
                f"(filters here: {allowed})."
            )
        store = _store(request)
        page = store.list(
            label,
            q=q,
            kind=kind,
            area=area,
            field=field,
            target_group=target_group,
            filters={"programme": programme} if programme else None,
            as_of=as_of,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        return {
            "items": [_shape(store, user, n) for n in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }

    @router.post(
        "",
        response_model=Out,
        response_model_exclude_unset=True,
        status_code=201,
        responses=WRITE_ERRORS,
        summary=f"Create one of {res.path}",
        dependencies=[writers],
    )
    def create_node(
        request: Request,
        user: CurrentUser,
        body: Annotated[Create, Body()],  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        store = _store(request)
        check_node_change(store, user, label, None)
        data = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        if user.role == Role.PARTNER and user.organisation_id:
            rel, outgoing = _PARTNER_LINK[label]
            node = store.create_linked(
                label, data, rel, user.organisation_id, outgoing=outgoing, actor=user.username
            )
        else:
            node = store.create(label, data, actor=user.username)
        return _shape(store, user, node)

    @router.get(
        "/{node_id}",
        response_model=Out,
        response_model_exclude_unset=True,
        responses=ERRORS,
        summary=f"One of {res.path}",
        dependencies=[readers],
    )
    def get_node(request: Request, user: CurrentUser, node_id: IdPath) -> dict[str, Any]:
        store = _store(request)
        return _shape(store, user, store.get(label, node_id))

    @router.patch(
        "/{node_id}",
        response_model=Out,
        response_model_exclude_unset=True,
        responses=ERRORS,
        summary=f"Change one of {res.path}",
        dependencies=[writers],
    )
    def update_node(
        request: Request,
        user: CurrentUser,
        node_id: IdPath,
        body: Annotated[Update, Body()],  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        store = _store(request)
        store.get(label, node_id)
        check_node_change(store, user, label, node_id)
        changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        node = store.update(label, node_id, changes, actor=user.username)
        return _shape(store, user, node)

    if label == NodeLabel.PERSON:

        @router.delete(
            "/{node_id}",
            status_code=204,
            responses=ERRORS,
            summary="Delete a person; erase=true also removes their values from the history",
            dependencies=[writers],
        )
        def delete_person(
            request: Request,
            user: CurrentUser,
            node_id: IdPath,
            erase: Annotated[
                bool, Query(description="Admins: also erase personal values from the history")
            ] = False,
        ) -> Response:
            store = _store(request)
            store.get(label, node_id)
            if erase:
                if user.role != Role.ADMIN:
                    raise Forbidden("Only administrators may erase a person's history.")
                store.erase_person(node_id, actor=user.username)
            else:
                check_node_change(store, user, label, node_id)
                store.delete(label, node_id, actor=user.username)
            return Response(status_code=204)

        @router.get(
            "/{node_id}/export",
            responses=ERRORS,
            summary="Everything stored about a person (information request), admins only",
            dependencies=[require(Role.ADMIN)],
        )
        def export_person(request: Request, node_id: IdPath) -> dict[str, Any]:
            return _store(request).export_person(node_id)

    else:

        @router.delete(
            "/{node_id}",
            status_code=204,
            responses=ERRORS,
            summary=f"Delete one of {res.path} with its ties",
            dependencies=[writers],
        )
        def delete_node(request: Request, user: CurrentUser, node_id: IdPath) -> Response:
            store = _store(request)
            store.get(label, node_id)
            check_node_change(store, user, label, node_id)
            store.delete(label, node_id, actor=user.username)
            return Response(status_code=204)

    @router.get(
        "/{node_id}/history",
        response_model=HistoryPageOut,
        responses=ERRORS,
        summary="Changes of this entry, newest first",
        dependencies=[readers],
    )
    def node_history(
        request: Request,
        user: CurrentUser,
        node_id: IdPath,
        limit: Annotated[int, Query(ge=0, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        store = _store(request)
        entries, total = store.audit.list(entity_id=node_id, limit=limit, offset=offset)
        if total == 0:
            store.get(label, node_id)  # 404 for an id that never existed
        return {
            "items": history_out(store, user, entries),
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    if label == NodeLabel.ORGANISATION:

        @router.get(
            "/{node_id}/ties",
            response_model=list[NeighbourTieOut],
            responses=ERRORS,
            summary="The organisation's ties with the other end's name",
            dependencies=[readers],
        )
        def organisation_ties(
            request: Request,
            node_id: IdPath,
            as_of: Annotated[dt.date | None, Query()] = None,
        ) -> list[dict[str, Any]]:
            store = _store(request)
            store.get(label, node_id)
            result = []
            for tie, direction, other_label, other_name in store.ties_with_names(node_id):
                if as_of is not None and not tie.valid_on(as_of):
                    continue
                props = tie.model_dump(
                    mode="json", exclude={"id", "from_id", "to_id", "since", "until"}
                )
                result.append(
                    {
                        "id": tie.id,
                        "type": tie.type,
                        "direction": direction,
                        "other_id": tie.to_id if direction == "out" else tie.from_id,
                        "other_label": other_label,
                        "other_name": other_name,
                        "since": tie.since,
                        "until": tie.until,
                        "properties": props,
                    }
                )
            return result

    return router
