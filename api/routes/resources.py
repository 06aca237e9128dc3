"""One router per node resource (organisations, people, ...), built from one description.

Each route parses, calls :class:`api.services.entities.Entities` and shapes the answer.
"""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response
from pydantic import Field

from api.schemas import (
    ErrorOut,
    HistoryEntryOut,
    HistoryPageOut,
    NeighbourTieOut,
    create_schema,
    out_schema,
    page_schema,
    update_schema,
)
from api.security import CurrentUser, Role, User, require
from api.services.entities import Entities
from graph_schema.errors import Conflict, InvalidValue, NetzwerkatlasError
from graph_schema.model import NodeLabel
from graph_schema.registry import LABELS, LabelEntry

__all__ = [
    "ERRORS",
    "RESOURCES",
    "WRITE_ERRORS",
    "HistoryItemPageOut",
    "PreconditionFailed",
    "Resource",
    "build_router",
    "if_match_versions",
]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Not signed in"},
    403: {
        "model": ErrorOut,
        "description": "The role does not allow this (also: sorting, filtering or searching "
        "by a property the role does not see)",
    },
    404: {"model": ErrorOut, "description": "No entry with this id"},
    422: {"model": ErrorOut, "description": "Invalid input; the detail says what to change"},
    503: {"model": ErrorOut, "description": "The database is busy or unreachable"},
}
WRITE_ERRORS = {**ERRORS, 409: {"model": ErrorOut, "description": "The id is taken"}}
#: a change's answers: 412 when ``If-Match`` names another version than the entry's
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    412: {
        "model": ErrorOut,
        "description": "Precondition Failed (RFC 9110): the entry changed since the version "
        "named in If-Match was read; nothing was written. Read it again (GET answers its "
        "ETag), apply the change to what is stored now and send it with the new ETag.",
    },
}
ETAG_HEADER = {
    "ETag": {
        "description": "The entry's version (a strong entity tag); send it as If-Match with "
        "a change to have it made only if nobody changed the entry in between",
        "schema": {"type": "string"},
    }
}


class PreconditionFailed(NetzwerkatlasError):
    """``If-Match`` named another version than the entry has now (RFC 9110, 412)."""

    status = 412


def if_match_versions(header: str | None) -> list[str] | None:
    """The versions an ``If-Match`` header accepts; None: any (no header, or ``*``).

    Only strong entity tags count (RFC 9110 compares them strongly): a weak tag
    (``W/"..."``) matches no version.

    Examples:
        >>> if_match_versions('"a1", W/"b2", "c3"')
        ['a1', 'c3']
        >>> if_match_versions(" * ") is None, if_match_versions(None) is None
        (True, True)
    """
    if header is None or header.strip() == "*":
        return None
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return [t.strip('"') for t in tags if not t.startswith("W/")]


def _etag(version: str) -> str:
    return f'"{version}"'


IdPath = Annotated[str, Path(min_length=1, max_length=100, description="The entry's id")]


class HistoryItemOut(HistoryEntryOut):
    withheld: list[str] = Field(
        default_factory=list,
        description="Values that changed here but are withheld from your role (personal "
        "data), as paths into before/after, e.g. 'phone' or 'merged.email'",
    )


class HistoryItemPageOut(HistoryPageOut):
    items: list[HistoryItemOut]  # type: ignore[assignment]


#: a node resource of the API: the registry's entry of its label
Resource = LabelEntry

#: one router per label, in the model's order (the API document's order)
RESOURCES: tuple[Resource, ...] = tuple(LABELS[label] for label in NodeLabel)


def entities(request: Request, user: User) -> Entities:
    """The entities service for this request's user."""
    return Entities(request.app.state.store, user)


def build_router(res: Resource) -> APIRouter:
    label = res.label
    router = APIRouter(prefix=f"/api/{res.path}", tags=[res.api_title])
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
            allowed = ", ".join(res.filters) or "none"
            raise InvalidValue(
                f"{res.path} cannot be filtered by {', '.join(unsupported)} "
                f"(filters here: {allowed})."
            )
        rows = entities(request, user).list(
            label, q=q, sort=sort, as_of=as_of, limit=limit, offset=offset, **given
        )
        return rows.as_dict()

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
        service = entities(request, user)
        data = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        return service.values(service.create(label, data))

    @router.get(
        "/{node_id}",
        response_model=Out,
        response_model_exclude_unset=True,
        responses={**ERRORS, 200: {"headers": ETAG_HEADER}},
        summary=f"One of {res.path}",
        dependencies=[readers],
    )
    def get_node(
        request: Request, user: CurrentUser, node_id: IdPath, response: Response
    ) -> dict[str, Any]:
        service = entities(request, user)
        node = service.get(label, node_id)
        response.headers["ETag"] = _etag(service.version(node))
        return service.values(node)

    @router.patch(
        "/{node_id}",
        response_model=Out,
        response_model_exclude_unset=True,
        responses={**CHANGE_ERRORS, 200: {"headers": ETAG_HEADER}},
        summary=f"Change one of {res.path}",
        dependencies=[writers],
    )
    def update_node(
        request: Request,
        user: CurrentUser,
        node_id: IdPath,
        body: Annotated[Update, Body()],  # type: ignore[valid-type]
        response: Response,
        if_match: Annotated[
            str | None,
            Header(
                max_length=2000,
                description="Change only if the entry is still at this version (its ETag); "
                "otherwise 412 and nothing is written",
            ),
        ] = None,
    ) -> dict[str, Any]:
        service = entities(request, user)
        changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        expected = if_match_versions(if_match)
        try:
            node = service.update(label, node_id, changes, expected_version=expected)
        except Conflict as e:  # only with If-Match: its answer is 412
            raise PreconditionFailed(e.message) from e
        response.headers["ETag"] = _etag(service.version(node))
        return service.values(node)

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
            entities(request, user).delete(label, node_id, erase=erase)
            return Response(status_code=204)

        @router.get(
            "/{node_id}/export",
            responses=ERRORS,
            summary="Everything stored about a person (information request), admins only",
            dependencies=[require(Role.ADMIN)],
        )
        def export_person(request: Request, user: CurrentUser, node_id: IdPath) -> dict[str, Any]:
            return entities(request, user).export_person(node_id)

    else:

        @router.delete(
            "/{node_id}",
            status_code=204,
            responses=ERRORS,
            summary=f"Delete one of {res.path} with its ties",
            dependencies=[writers],
        )
        def delete_node(request: Request, user: CurrentUser, node_id: IdPath) -> Response:
            entities(request, user).delete(label, node_id)
            return Response(status_code=204)

    @router.get(
        "/{node_id}/history",
        response_model=HistoryItemPageOut,
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
        rows = entities(request, user).history(
            entity_id=node_id, label=label, limit=limit, offset=offset
        )
        return rows.as_dict()

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
            user: CurrentUser,
            node_id: IdPath,
            as_of: Annotated[dt.date | None, Query()] = None,
        ) -> list[dict[str, Any]]:
            service = entities(request, user)
            service.get(label, node_id)
            return service.neighbours(node_id, as_of=as_of)

    return router
