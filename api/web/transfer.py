"""``/import``, ``/export`` and ``/sicherung``: the UI over :mod:`api.transfer`.

- ``/import`` (admin, editor): upload a file, see the dry run (mapping and the outcome of
  every row), confirm to run it for real. Between the two steps the file waits in a temp
  file named by a random token; the token is bound to the session (the file's metadata
  holds the session's token hash) and the file is deleted when it is used.
- ``/export`` (every role): downloads through the API's own export and report functions,
  with the same rules (a viewer's export holds no personal contact data).
- ``/sicherung`` (admin): backup download and restore upload (a non-empty store is
  refused unless "ersetzen" is ticked).
"""

from __future__ import annotations

import io
import json
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
from api.transfer.reader import MAX_BYTES
from api.web.render import WebRoute, gettext_for, page_user, render, require_roles
from api.web.session import check_csrf
from graph_schema.errors import AlreadyExists, NetzwerkatlasError

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
    """Store the uploaded file for the confirmation; returns its token."""
    _purge_old()
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (UPLOAD_DIR / f"{token}.bin").write_bytes(data)
    meta = {"session": user.token_hash, "user": user.username, "filename": filename}
    (UPLOAD_DIR / f"{token}.json").write_text(json.dumps(meta))
    return token


def _take_upload(user: User, token: str) -> tuple[bytes, str] | None:
    """The file of ``token`` if it belongs to this session; deleted either way once read."""
    if not _TOKEN.match(token):
        return None
    data_path, meta_path = UPLOAD_DIR / f"{token}.bin", UPLOAD_DIR / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("session") != user.token_hash or meta.get("user") != user.username:
        return None
    try:
        data = data_path.read_bytes()
    except OSError:
        return None
    finally:
        data_path.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
    return data, str(meta.get("filename") or "upload")


def _drop_upload(user: User, token: str) -> None:
    _take_upload(user, token)


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
    status: int = 200,
) -> Response:
    return render(
        request,
        "import.html",
        {
            "report": report,
            "token": token,
            "message": message,
            "detail": detail,
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

    if action == "cancel":
        await run_in_threadpool(_drop_upload, user, token)
        return _import_page(request, message=_("Der Import wurde verworfen."))

    if action == "confirm":
        kept = await run_in_threadpool(_take_upload, user, token)
        if kept is None:
            return _import_page(
                request,
                message=_(
                    "Die hochgeladene Datei ist nicht mehr da (schon verwendet oder "
                    "abgelaufen). Bitte laden Sie sie noch einmal hoch."
                ),
                status=422,
            )
        data, filename = kept
        dry_run = False
    else:
        upload = await _file_of(form)
        if upload is None:
            return _import_page(
                request, message=_("Bitte wählen Sie eine Datei (XLSX oder CSV)."), status=422
            )
        data, filename = upload
        if len(data) > MAX_BYTES:
            return _import_page(
                request,
                message=_("Die Datei ist größer als %(n)s MB: bitte in Teilen importieren.")
                % {"n": MAX_BYTES // 2**20},
                status=422,
            )
        dry_run = True

    def run() -> Response:
        try:
            report = importer.import_file(
                request.app.state.store, data, filename, dry_run=dry_run, actor=user.username
            )
        except NetzwerkatlasError as e:
            return _import_page(
                request,
                message=_("Die Datei konnte nicht gelesen werden."),
                detail=e.message,
                status=422,
            )
        if dry_run:
            kept_token = "" if report.rejected else _keep_upload(user, data, filename)
            return _import_page(request, report=report, token=kept_token)
        if report.rejected:
            return _import_page(
                request,
                report=report,
                message=_("Nichts wurde importiert: die Datei hat abgelehnte Zeilen."),
                status=422,
            )
        return _import_page(request, report=report)

    return await run_in_threadpool(run)


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
