"""``/import``, ``/export`` and ``/sicherung``: the UI over :mod:`api.transfer`.

- ``/import`` (admin, editor): upload a file, see the dry run (the column mapping as a
  form, and the outcome of every row), correct the mapping and see the dry run again as
  often as needed, then confirm to run it for real with the mapping last shown. Between the
  steps the file waits in a temp file named by a random token; the token is bound to the
  session (the file's metadata holds the session's token hash, the dry run's sheets and
  the mapping it used) and the file is deleted when it is imported or discarded.
- ``/export`` (every role): downloads through the API's own export and report functions,
  with the same rules (a viewer's export holds no personal contact data).
- ``/sicherung`` (admin): backup download and restore upload (a non-empty store is
  refused unless "ersetzen" is ticked).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.routes import transfer as api_transfer
from api.security import Role, User
from api.transfer import backup, importer
from api.transfer.reader import MAX_BYTES, InvalidFile, check_size
from api.web import import_mapping
from api.web.render import (
    WebRoute,
    error_message,
    gettext_for,
    page_user,
    render,
    require_roles,
)
from api.web.session import check_csrf
from graph_schema.errors import AlreadyExists, InvalidValue, NetzwerkatlasError

__all__ = ["UPLOAD_DIR", "router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]

#: where uploaded files wait between preview and confirmation
UPLOAD_DIR = Path(tempfile.gettempdir()) / "netzwerkatlas-import"
#: an upload not confirmed within this time is deleted
UPLOAD_TTL_S = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")
EXPORT_FORMATS = ("xlsx", "csv", "graphml", "gexf", "json")


def _editor(request: Request) -> User:
    user = page_user(request)
    require_roles(user, Role.ADMIN, Role.EDITOR)
    return user


def _admin(request: Request) -> User:
    user = page_user(request)
    require_roles(user, Role.ADMIN)
    return user


Editor = Annotated[User, Depends(_editor)]
Admin = Annotated[User, Depends(_admin)]


# --------------------------------------------------------------------------- uploads


def _purge_old() -> None:
    if not UPLOAD_DIR.exists():
        return
    limit = time.time() - UPLOAD_TTL_S
    for path in UPLOAD_DIR.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _keep_upload(user: User, data: bytes, filename: str) -> str:
    """Store the uploaded file for the mapping and the confirmation; returns its token."""
    _purge_old()
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (UPLOAD_DIR / f"{token}.bin").write_bytes(data)
    meta = {"session": user.token_hash, "user": user.username, "filename": filename}
    (UPLOAD_DIR / f"{token}.json").write_text(json.dumps(meta))
    return token


def _paths(token: str) -> tuple[Path, Path]:
    return UPLOAD_DIR / f"{token}.bin", UPLOAD_DIR / f"{token}.json"


def _meta(user: User, token: str) -> dict[str, Any] | None:
    """The metadata of ``token`` if it belongs to this session."""
    if not _TOKEN.match(token):
        return None
    try:
        meta = json.loads(_paths(token)[1].read_text())
    except (OSError, ValueError):
        return None
    if meta.get("session") != user.token_hash or meta.get("user") != user.username:
        return None
    return meta  # type: ignore[no-any-return]


def _peek_upload(user: User, token: str) -> tuple[bytes, dict[str, Any]] | None:
    """The file of ``token`` and its metadata if it belongs to this session; kept."""
    meta = _meta(user, token)
    if meta is None:
        return None
    try:
        data = _paths(token)[0].read_bytes()
    except OSError:
        return None
    return data, meta


def _remember(token: str, meta: dict[str, Any], report: importer.ImportReport) -> None:
    """Keep the dry run's sheets and mapping with the file (and restart its time limit)."""
    meta = {**meta, "sheets": [s.as_dict() for s in report.sheets], "mapping": report.mapping}
    data_path, meta_path = _paths(token)
    meta_path.write_text(json.dumps(meta))
    try:
        os.utime(data_path)
    except OSError:
        pass


def _take_upload(user: User, token: str) -> tuple[bytes, str] | None:
    """The file of ``token`` if it belongs to this session; deleted either way once read."""
    kept = _peek_upload(user, token)
    if kept is None:
        return None
    _drop_upload(user, token)
    return kept[0], str(kept[1].get("filename") or "upload")


def _drop_upload(user: User, token: str) -> None:
    if _meta(user, token) is None:
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


async def _file_of(form: Any, name: str = "file") -> tuple[bytes, str] | None:
    upload = form.get(name)
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None
    data = await upload.read(MAX_BYTES + 1)
    return data, str(upload.filename)


# --------------------------------------------------------------------------- import


def _import_page(
    request: Request,
    *,
    report: importer.ImportReport | None = None,
    token: str = "",
    message: str = "",
    detail: str = "",
    notice: str = "",
    choices: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    sheet_forms: list[import_mapping.SheetForm] = []
    entities: list[tuple[str, str]] = []
    if report is not None and report.dry_run and token:
        user = getattr(request.state, "user", None)
        _ = gettext_for(user.language if user else None)
        sheets = [s.as_dict(_) for s in report.sheets]
        sheet_forms = import_mapping.sheet_forms(
            sheets, choices or import_mapping.choices_of(sheets), _
        )
        entities = import_mapping.entity_options(_)
    return render(
        request,
        "import.html",
        {
            "report": report,
            "token": token,
            "message": message,
            "detail": detail,
            "notice": notice,
            "sheet_forms": sheet_forms,
            "entities": entities,
            "max_mb": MAX_BYTES // 2**20,
        },
        status=status,
    )


@router.get("/import")
def import_page(request: Request, user: Editor) -> Response:
    return _import_page(request)


@router.post("/import")
async def import_upload(request: Request) -> Response:
    form = await request.form()
    user = await run_in_threadpool(_editor, request)
    check_csrf(request, user, str(form.get("csrf_token", "")) or None)
    _ = gettext_for(user.language)
    action = str(form.get("action", "preview"))
    token = str(form.get("token", ""))[:100]
    store = request.app.state.store

    if action == "cancel":
        await run_in_threadpool(_drop_upload, user, token)
        return _import_page(request, message=_("Der Import wurde verworfen."))

    if action in ("confirm", "remap"):
        kept = await run_in_threadpool(_peek_upload, user, token)
        if kept is None:
            return _import_page(
                request,
                message=_(
                    "Die hochgeladene Datei ist nicht mehr da (schon verwendet oder "
                    "abgelaufen). Bitte laden Sie sie noch einmal hoch."
                ),
                status=422,
            )
        data, meta = kept
        filename = str(meta.get("filename") or "upload")
        sheets = list(meta.get("sheets") or [])
        shown = meta.get("mapping")

        def dry(mapping: Any) -> importer.ImportReport:
            return importer.import_file(
                store,
                data,
                filename,
                dry_run=True,
                mapping=mapping,
                actor=user.username,
                empty_ok=True,
            )

        def again(choices: dict[str, str] | None, message: str, status: int) -> Response:
            """The dry run last shown, with the form as the user left it and a message."""
            try:
                report = dry(shown)
            except NetzwerkatlasError as e:
                return _import_page(
                    request,
                    message=_("Die Datei konnte nicht gelesen werden."),
                    detail=error_message(e, _),
                    status=422,
                )
            return _import_page(
                request,
                report=report,
                token=token,
                message=message,
                choices=choices,
                status=status,
            )

        def run() -> Response:
            try:
                choices = import_mapping.form_choices(form, sheets, _)
            except import_mapping.MappingChoiceError as e:
                return again(None, e.message, 422)
            try:
                import_mapping.check_choices(
                    choices,
                    sheets,
                    _,
                    lambda spec, prop: import_mapping.field_label(spec, prop, _),
                )
            except import_mapping.MappingChoiceError as e:
                return again(choices, e.message, 422)  # the form as the user left it
            mapping = import_mapping.mapping_of(choices, sheets)
            changed = choices != import_mapping.choices_of(sheets)
            if action == "confirm" and not changed:
                if _take_upload(user, token) is None:  # confirmed twice at the same moment
                    return _import_page(
                        request,
                        message=_(
                            "Die hochgeladene Datei ist nicht mehr da (schon verwendet oder "
                            "abgelaufen). Bitte laden Sie sie noch einmal hoch."
                        ),
                        status=422,
                    )
                return _real_run(request, user, data, filename, shown, _)
            try:
                report = dry(mapping if changed else shown)
            except InvalidValue as e:
                return _import_page(
                    request,
                    report=dry(shown),
                    token=token,
                    message=_("Mit dieser Zuordnung kann die Datei nicht gelesen werden."),
                    detail=error_message(e, _),
                    choices=choices,
                    status=422,
                )
            except NetzwerkatlasError as e:
                return _import_page(
                    request,
                    message=_("Die Datei konnte nicht gelesen werden."),
                    detail=error_message(e, _),
                    status=422,
                )
            _remember(token, meta, report)
            notice = (
                _(
                    "Sie haben die Zuordnung geändert: hier ist die Vorschau mit der neuen "
                    "Zuordnung. Geschrieben wurde noch nichts; bitte prüfen und dann bestätigen."
                )
                if action == "confirm"
                else _("Die Vorschau wurde mit Ihrer Zuordnung neu berechnet.")
            )
            return _import_page(request, report=report, token=token, notice=notice)

        return await run_in_threadpool(run)

    upload = await _file_of(form)
    if upload is None:
        return _import_page(
            request, message=_("Bitte wählen Sie eine Datei (XLSX oder CSV)."), status=422
        )
    data, filename = upload
    try:
        check_size(len(data))
    except InvalidFile as e:
        return _import_page(request, message=error_message(e, _), status=422)

    def preview() -> Response:
        try:
            report = importer.import_file(
                store, data, filename, dry_run=True, actor=user.username, empty_ok=True
            )
        except NetzwerkatlasError as e:
            return _import_page(
                request,
                message=_("Die Datei konnte nicht gelesen werden."),
                detail=error_message(e, _),
                status=422,
            )
        kept_token = _keep_upload(user, data, filename)
        meta = _meta(user, kept_token)
        assert meta is not None
        _remember(kept_token, meta, report)
        message = ""
        if not any(s.entity for s in report.sheets):
            message = _(
                "Keines der Blätter wurde erkannt. Bitte wählen Sie unten, was jedes Blatt "
                "enthält, und berechnen Sie die Vorschau neu."
            )
        return _import_page(request, report=report, token=kept_token, message=message)

    return await run_in_threadpool(preview)


def _real_run(
    request: Request,
    user: User,
    data: bytes,
    filename: str,
    mapping: Any,
    _: Any,
) -> Response:
    """The import for real, with the mapping of the dry run the user confirmed."""
    try:
        report = importer.import_file(
            request.app.state.store,
            data,
            filename,
            dry_run=False,
            mapping=mapping,
            actor=user.username,
        )
    except NetzwerkatlasError as e:
        return _import_page(
            request,
            message=_("Die Datei konnte nicht gelesen werden."),
            detail=error_message(e, _),
            status=422,
        )
    if report.rejected:
        return _import_page(
            request,
            report=report,
            message=_("Nichts wurde importiert: die Datei hat abgelehnte Zeilen."),
            status=422,
        )
    return _import_page(request, report=report)


# --------------------------------------------------------------------------- export


@router.get("/export")
def export_page(request: Request, user: PageUser) -> Response:
    return render(request, "export.html", {"formats": EXPORT_FORMATS})


@router.get("/export/datei")
def export_file(
    request: Request,
    user: PageUser,
    format: Annotated[str, Query(pattern="^(xlsx|csv|graphml|gexf|json)$")] = "xlsx",  # noqa: A002
) -> Response:
    return api_transfer.export_network(request, user, format=format)


@router.get("/export/bericht")
def export_report(
    request: Request,
    user: PageUser,
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",  # noqa: A002
) -> Response:
    return api_transfer.download_report(request, format=format)


# --------------------------------------------------------------------------- backup


def _backup_page(
    request: Request, *, message: str = "", detail: str = "", ok: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "backup.html",
        {"message": message, "detail": detail, "ok": ok},
        status=status,
    )


@router.get("/sicherung")
def backup_page(request: Request, user: Admin) -> Response:
    return _backup_page(request)


@router.get("/sicherung/datei")
def backup_file(request: Request, user: Admin) -> Response:
    return api_transfer.download_backup(request)


@router.post("/sicherung")
async def restore_upload(request: Request) -> Response:
    form = await request.form()
    user = await run_in_threadpool(_admin, request)
    check_csrf(request, user, str(form.get("csrf_token", "")) or None)
    _ = gettext_for(user.language)
    replace = str(form.get("replace", "")) in ("1", "on", "true")
    upload = await _file_of(form)
    if upload is None:
        return _backup_page(
            request, message=_("Bitte wählen Sie eine Sicherungsdatei."), status=422
        )
    data, _filename = upload

    def run() -> Response:
        store = request.app.state.store
        try:
            parsed = backup.read_backup(io.BytesIO(data))
            counts = backup.restore(store, parsed, replace=replace)
        except AlreadyExists:
            return _backup_page(
                request,
                message=_(
                    "Die Datenbank ist nicht leer. Kreuzen Sie „ersetzen“ an, um alles zu "
                    "löschen und durch die Sicherung zu ersetzen."
                ),
                status=409,
            )
        except NetzwerkatlasError as e:
            return _backup_page(
                request,
                message=_("Die Sicherung konnte nicht eingespielt werden."),
                detail=e.message,
                status=422,
            )
        total = sum(v for v in counts.values() if isinstance(v, int))
        return _backup_page(
            request,
            ok=_("Die Sicherung wurde eingespielt (%(n)s Einträge). Bitte neu anmelden.")
            % {"n": total},
        )

    return await run_in_threadpool(run)
