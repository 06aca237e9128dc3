"""Import, export, near-duplicates and merging, backup and restore over HTTP.

- ``POST /api/import`` (admin, editor): multipart ``file``, ``dry_run`` (default true),
  ``mapping`` (JSON, optional); answers the per-row report. A real run with rejected rows
  writes nothing and answers 422 with the report. A file over a limit of
  :mod:`api.transfer.limits` answers 413, a malformed one 422; the import stops when the
  client disconnects.
- ``GET /api/import/template`` (admin, editor): the XLSX template an office fills in and
  imports (:mod:`api.transfer.template`).
- ``GET /api/export?format=xlsx|csv|graphml|gexf|json`` (every role; with the filters of
  ``/api/network``); a viewer's export holds no personal contact data.
- ``GET /api/duplicates`` and ``POST /api/merge`` (admin, editor).
- ``GET /api/backup`` and ``POST /api/restore`` (admin).
- ``GET /api/report?format=html|pdf`` (every role; the report names no people).

Each handler parses, calls :mod:`api.services.transfer` and sends its answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.routes.resources import ERRORS
from api.security import CurrentUser, Role, require
from api.services import transfer
from api.services.layouts import layouts
from api.services.transfer.duplicates import THRESHOLD
from api.transfer import template as import_template
from api.transfer.importer import ImportReport
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

router = APIRouter(tags=["Import and export"])

EDITORS = require(Role.ADMIN, Role.EDITOR)
ADMINS = require(Role.ADMIN)
EVERYONE = require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


async def _read(upload: UploadFile) -> bytes:
    data = await upload.read(transfer.MAX_BYTES + 1)
    transfer.check_size(len(data))
    return data


def _send(download: transfer.Download) -> Response:
    return Response(download.content, media_type=download.media_type, headers=download.headers)


@router.post(
    "/api/import",
    responses={
        **ERRORS,
        413: {"description": "The file is too large, or unpacks to or holds too much"},
    },
    summary="Import a spreadsheet (XLSX, ODS, CSV, ZIP of CSV); dry run by default",
    dependencies=[EDITORS],
)
async def import_spreadsheet(
    request: Request,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="XLSX, ODS, CSV or a ZIP of CSV files")],
    dry_run: Annotated[bool, Form(description="Only report what would change")] = True,
    mapping: Annotated[
        str | None, Form(description="JSON: the report's mapping, corrected", max_length=100_000)
    ] = None,
    accept_suggestions: Annotated[
        bool,
        Form(description="Answer each unknown value the mapping leaves open with its suggestion"),
    ] = False,
    skip_invalid: Annotated[
        bool,
        Form(
            description="Write the valid rows and leave out the rejected ones (listed in "
            "left_out_rows; POST /api/import/problems gives them as a file)"
        ),
    ] = False,
) -> Response:
    data, report = await _import(
        request,
        file,
        mapping,
        dry_run=dry_run,
        actor=user.username,
        accept_suggestions=accept_suggestions,
        skip_invalid=skip_invalid,
    )
    body = report.to_dict()
    if not dry_run and report.rejected and not report.applied:
        return JSONResponse({"detail": report.summary(), "report": body}, status_code=422)
    return JSONResponse(body)


async def _import(
    request: Request, file: UploadFile, mapping: str | None, **options: Any
) -> tuple[bytes, ImportReport]:
    """The upload and its import (``options`` as :func:`transfer.run_import` takes them);
    the mapping of an import that wrote is kept for the next file of its headers."""
    data = await _read(file)
    store, name = _store(request), file.filename or "upload"
    given = transfer.mapping_from_json(mapping)
    saved = transfer.SavedMappings.in_data_dir(request.app.state.settings.data_dir)

    def work(cancel: transfer.Cancel) -> ImportReport:
        report = transfer.run_import(store, data, name, mapping=given, cancel=cancel, **options)
        saved.remember(data, name, report)
        return report

    # an import of thousands of rows takes seconds: keep the event loop free meanwhile, and
    # stop it when the client leaves
    return data, await transfer.run_while_connected(work, request.is_disconnected)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _files(*media: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a download route: a file of one of these media types."""
    content = {
        m: {
            "schema": {"type": "object"}
            if m == "application/json"
            else {"type": "string", "format": "binary"}
        }
        for m in media
    }
    return {200: {"description": "The file", "content": content}, **ERRORS}


@router.post(
    "/api/import/problems",
    responses={
        **_files("text/csv", _XLSX, "application/octet-stream"),
        413: {"description": "The file is too large"},
    },
    summary="The rows an import would leave out, as a file to correct (same columns + Problem)",
    dependencies=[EDITORS],
)
async def import_problems(
    request: Request,
    file: Annotated[UploadFile, File(description="XLSX, ODS, CSV or a ZIP of CSV files")],
    mapping: Annotated[
        str | None, Form(description="JSON: the report's mapping, corrected", max_length=100_000)
    ] = None,
    accept_suggestions: Annotated[bool, Form()] = False,
) -> Response:
    data, report = await _import(
        request, file, mapping, accept_suggestions=accept_suggestions, skip_invalid=True
    )
    return _send(transfer.problem_file(data, file.filename or "upload", report))


@router.get(
    "/api/export",
    response_class=Response,
    responses=_files(*(media for media, _ in transfer.EXPORT_FORMATS.values())),
    summary="Export the network: xlsx, csv (ZIP), graphml, gexf or json",
    dependencies=[EVERYONE],
)
def export_network(
    request: Request,
    user: CurrentUser,
    format: Annotated[  # noqa: A002 - the query parameter's name
        str, Query(pattern="^(xlsx|csv|graphml|gexf|json)$", description="File format")
    ] = "xlsx",
    as_of: Annotated[dt.date | None, Query(description="Default: everything, all dates")] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    field: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    return _send(
        transfer.export_network(
            _store(request), format, user=user, as_of=as_of, area=area, field=field, kind=kind
        )
    )


@router.get(
    "/api/import/template",
    response_class=Response,
    responses=_files(import_template.MEDIA_TYPE, "application/octet-stream"),
    summary="Download the import template (XLSX: a sheet per list, drop-down lists, examples)",
    dependencies=[EDITORS],
)
def download_import_template(request: Request) -> Response:
    content = import_template.template(_store(request))
    return _send(transfer.Download(content, import_template.MEDIA_TYPE, import_template.FILENAME))


@router.get(
    "/api/duplicates",
    responses=ERRORS,
    summary="Pairs of entries whose names are near-duplicates, best first",
    dependencies=[EDITORS],
)
def list_duplicates(
    request: Request,
    label: Annotated[NodeLabel | None, Query(description="Default: every label")] = None,
    threshold: Annotated[float, Query(ge=50, le=100)] = THRESHOLD,
) -> list[dict[str, Any]]:
    return [c.as_dict() for c in transfer.find_duplicates(_store(request), label, threshold)]


class MergeOut(BaseModel):
    kept: str = Field(description="The entry that stays")
    merged: str = Field(description="The entry merged into it (deleted)")
    moved_ties: int = Field(description="Ties moved to the kept entry")
    removed_ties: int = Field(description="Ties dropped as duplicates of the kept entry's")
    filled: list[str] = Field(description="Properties of the kept entry filled from the other")


class RestoreOut(BaseModel):
    restored: dict[str, int] = Field(description="Restored records per kind")
    note: str


class MergeIn(BaseModel):
    keep: str = Field(min_length=1, max_length=100, description="The entry that stays")
    drop: str = Field(min_length=1, max_length=100, description="The entry merged into it")


@router.post(
    "/api/merge",
    responses=ERRORS,
    summary="Merge two entries: move every tie of `drop` to `keep`, then delete `drop`",
    dependencies=[EDITORS],
)
def merge_entries(
    request: Request, user: CurrentUser, body: Annotated[MergeIn, Body()]
) -> MergeOut:
    return MergeOut(**transfer.merge(_store(request), body.keep, body.drop, actor=user.username))


@router.get(
    "/api/backup",
    response_class=Response,
    responses=_files("application/x-ndjson"),
    summary="Download a complete backup (graph, accounts, history), admins only",
    dependencies=[ADMINS],
)
def download_backup(request: Request) -> Response:
    return _send(transfer.backup_download(_store(request)))


@router.post(
    "/api/restore",
    responses={**ERRORS, 409: {"description": "The store is not empty"}},
    summary="Restore a backup (admins); replace=true deletes everything first",
    dependencies=[ADMINS],
)
async def upload_restore(
    request: Request,
    file: Annotated[UploadFile, File(description="A file from /api/backup")],
    replace: Annotated[bool, Form(description="Delete everything first")] = False,
) -> RestoreOut:
    data = await file.read()
    counts = await run_in_threadpool(
        transfer.restore_upload, _store(request), data, replace=replace
    )
    return RestoreOut(
        restored=counts, note="Sign in again: access tokens are not part of a backup."
    )


@router.get(
    "/api/report",
    response_class=Response,
    responses={
        **_files("text/html", "application/pdf"),
        503: {"description": "PDF rendering is not available"},
    },
    summary="The network report (Netzwerkbericht) as HTML or PDF",
    dependencies=[EVERYONE],
)
def download_report(
    request: Request,
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",  # noqa: A002
    as_of: Annotated[dt.date | None, Query(description="Default: today")] = None,
    compare_to: Annotated[dt.date | None, Query(description="Date to compare with")] = None,
) -> Response:
    return _send(
        transfer.network_report_file(
            _store(request), format, layouts=layouts(request), as_of=as_of, compare_to=compare_to
        )
    )
