"""The OpenAPI document: readable names, ``/openapi.json`` and ``/docs``.

Operation ids and schema names are what generated clients name their functions and
classes after, so they read like what a person would write (``list_organisations``,
``create_tie``, ``SignInForm``), not FastAPI's defaults (``list_nodes_api_organisations_get``,
``Body_sign_in``). ``/docs`` is Swagger UI from the app's own static files
(``api/static/vendor/swagger-ui``) with the document inside the page: no CDN, no validator,
no request to another host.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.routes.resources import Resource
from api.security import AccountRole, require
from api.web.render import WebRoute, render
from api.web.session import session_user
from graph_schema.errors import NotFound

__all__ = ["install", "operation_id", "resource_operation_id"]

#: a node resource's route (its handler's name) -> the operation id, ``{one}`` the entry
#: (``organisation``), ``{many}`` the resource (``organisations``)
_RESOURCE_OPERATIONS = {
    "list_nodes": "list_{many}",
    "create_node": "create_{one}",
    "get_node": "get_{one}",
    "update_node": "update_{one}",
    "delete_node": "delete_{one}",
    "node_history": "list_{one}_history",
    "organisation_ties": "list_{one}_ties",
}


def operation_id(route: APIRoute) -> str:
    """The handler's name: the JSON routes' handlers are named for what they do."""
    return route.name


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def resource_operation_id(res: Resource) -> Callable[[APIRoute], str]:
    """Operation ids for one node resource's router, whose handlers have generic names
    (``get_node``): ``get_organisation``, ``list_target_groups``, ``delete_person``."""
    names = {"one": _snake(str(res.label)), "many": res.path.replace("-", "_")}

    def generate(route: APIRoute) -> str:
        template = _RESOURCE_OPERATIONS.get(route.name)
        if template is not None:
            return template.format(**names)
        # a route of one resource only (``export_person``), or one added later:
        # ``node``/``nodes`` in its name become the resource's
        words = route.name.split("_")
        return "_".join(
            names["many"] if w == "nodes" else names["one"] if w == "node" else w for w in words
        )

    return generate


def _named_forms(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each form's schema named ``<Operation>Form`` (``SignInForm``)
    instead of FastAPI's ``Body_<operation id>``."""
    schemas = document.get("components", {}).get("schemas", {})
    renamed = {
        old: old.removeprefix("Body_").title().replace("_", "") + "Form"
        for old in schemas
        if old.startswith("Body_")
    }
    text = json.dumps(document)
    for old, new in renamed.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    result: dict[str, Any] = json.loads(text)
    schemas = result.get("components", {}).get("schemas", {})
    for old, new in renamed.items():
        schemas[new] = {**schemas.pop(old), "title": new}
    return result


def install(app: FastAPI) -> None:
    """``/openapi.json`` for every signed-in account (bearer token), ``/docs`` for every
    account signed in to the web UI; for anyone else ``/docs`` does not exist (404)."""
    readers = require(
        AccountRole.ADMIN, AccountRole.EDITOR, AccountRole.PARTNER, AccountRole.VIEWER
    )
    generate = app.openapi

    def document() -> dict[str, Any]:
        """FastAPI's document (built once, then kept) with readable form names."""
        if app.openapi_schema is None:
            app.openapi_schema = _named_forms(generate())
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]  # FastAPI's way to extend it

    @app.get("/openapi.json", include_in_schema=False, dependencies=[readers])
    def openapi_document() -> dict[str, Any]:
        return app.openapi()

    pages = APIRouter(route_class=WebRoute, include_in_schema=False)

    @pages.get("/docs")
    def api_docs(request: Request) -> Response:
        user = session_user(request)
        if user is None:
            raise NotFound("page")
        request.state.user = user
        return render(request, "api_docs.html", {"document": app.openapi()})

    app.include_router(pages)
