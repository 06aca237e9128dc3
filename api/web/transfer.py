"""``/import``, ``/export`` and ``/sicherung``: the pages over :mod:`api.services.transfer`.

- ``/import`` (admin, editor): upload a file, see the dry run (the column mapping as a
  form, and the outcome of every row), correct the mapping and see the dry run again as
  often as needed, then confirm to run it for real with the mapping last shown. Between the
  steps the file waits under the data folder (:mod:`api.services.transfer.uploads`), bound
  to the session, and is deleted when it is imported or discarded.
- ``/export`` (every role): downloads through the same service as the API's export and
  report, with the same rules (a viewer's export holds no personal contact data).
- ``/sicherung`` (admin): backup download and restore upload (a non-empty store is
  refused unless "ersetzen" is ticked).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.i18n import N_
from api.security import User
from api.services import transfer
from api.services.layouts import layouts
from api.services.transfer import Cancel, ImportFlow, ImportStep, Owner, Uploads
from api.transfer.importer import ImportReport
from api.web import import_mapping
from api.web.render import (
    WebRoute,
    error_message,
    gettext_for,
    page_admin,
    page_editor,
    page_user,
    render,
)
from api.web.session import posted_form
from graph_schema.errors import AlreadyExists, NetzwerkatlasError

__all__ = ["router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]

EXPORT_FORMATS = ("xlsx", "csv", "graphml", "gexf", "json")


Editor = Annotated[User, Depends(page_editor)]
Admin = Annotated[User, Depends(page_admin)]


async def _file_of(form: Any, name: str = "file") -> tuple[bytes, str] | None:
    upload = form.get(name)
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None
    data = await upload.read(transfer.MAX_BYTES + 1)
    return data, str(upload.filename)


def _send(download: transfer.Download) -> Response:
    return Response(download.content, media_type=download.media_type, headers=download.headers)


# --------------------------------------------------------------------------- import

_GONE = N_(
    "Die hochgeladene Datei ist nicht mehr da (schon verwendet oder abgelaufen). Bitte laden "
    "Sie sie noch einmal hoch."
)
_UNREADABLE = N_("Die Datei konnte nicht gelesen werden.")
#: per outcome of a step: the message, the notice (both to translate) and the status
_SAY: dict[str, tuple[str | None, str | None, int]] = {
    "preview": (None, None, 200),
    "unrecognised": (
        N_(
            "Keines der Blätter wurde erkannt. Bitte wählen Sie unten, was jedes Blatt "
            "enthält, und berechnen Sie die Vorschau neu."
        ),
        None,
        200,
    ),
    "refused": (None, None, 422),  # the error is the message
    "unreadable": (_UNREADABLE, None, 422),
    "gone": (_GONE, None, 422),
    "discarded": (N_("Der Import wurde verworfen."), None, 200),
    "shown": (None, None, 422),  # the form's own message
    "bad_mapping": (N_("Mit dieser Zuordnung kann die Datei nicht gelesen werden."), None, 422),
    "remapped": (None, N_("Die Vorschau wurde mit Ihrer Zuordnung neu berechnet."), 200),
    "changed": (
        None,
        N_(
            "Sie haben die Zuordnung geändert: hier ist die Vorschau mit der neuen "
            "Zuordnung. Geschrieben wurde noch nichts; bitte prüfen und dann bestätigen."
        ),
        200,
    ),
    "imported": (None, None, 200),
    "rejected": (N_("Nichts wurde importiert: die Datei hat abgelehnte Zeilen."), None, 422),
}


def _import_page(
    request: Request,
    *,
    report: ImportReport | None = None,
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
            "max_mb": transfer.MAX_BYTES // 2**20,
        },
        status=status,
    )


def _show(
    request: Request,
    step: ImportStep,
    _: Callable[[str], str],
    *,
    message: str = "",
    choices: dict[str, str] | None = None,
) -> Response:
    """The import page after ``step``, with what it says about the outcome."""
    said, notice, status = _SAY[step.outcome]
    error = error_message(step.error, _) if step.error is not None else ""
    if step.outcome == "refused":
        message = error
    return _import_page(
        request,
        report=step.report,
        token=step.token,
        message=_(said) if said else message,
        detail=error if step.outcome != "refused" else "",
        notice=_(notice) if notice else "",
        choices=choices,
        status=status,
    )


def _flow(request: Request, user: User, cancel: Cancel | None = None) -> ImportFlow:
    uploads = Uploads.in_data_dir(request.app.state.settings.data_dir)
    owner = Owner(user.token_hash, user.username)
    return ImportFlow(request.app.state.store, uploads, owner, cancel)


def _revise(request: Request, flow: ImportFlow, form: Any, _: Callable[[str], str]) -> Response:
    """A changed mapping previewed, or the mapping last shown confirmed and imported."""
    kept = flow.kept(str(form.get("token", ""))[:100])
    if kept is None:
        return _show(request, ImportStep("gone"), _)
    try:
        choices = import_mapping.read_choices(form, kept.sheets, _)
    except import_mapping.MappingChoiceError as e:
        return _show(request, flow.show_again(kept), _, message=e.message, choices=e.choices)
    step = flow.revise(
        kept,
        import_mapping.mapping_of(choices, kept.sheets),
        changed=choices != import_mapping.choices_of(kept.sheets),
        confirm=str(form.get("action")) == "confirm",
    )
    return _show(request, step, _, choices=choices if step.outcome == "bad_mapping" else None)


def _import_step(
    request: Request,
    user: User,
    form: Any,
    upload: tuple[bytes, str] | None,
    cancel: Cancel | None = None,
) -> Response:
    _ = gettext_for(user.language)
    flow = _flow(request, user, cancel)
    action = str(form.get("action", "preview"))
    if action == "cancel":
        return _show(request, flow.discard(str(form.get("token", ""))[:100]), _)
    if action in ("confirm", "remap"):
        return _revise(request, flow, form, _)
    if upload is None:
        return _import_page(
            request, message=_("Bitte wählen Sie eine Datei (XLSX oder CSV)."), status=422
        )
    return _show(request, flow.preview(*upload), _)


@router.get("/import")
def import_page(request: Request, user: Editor) -> Response:
    return _import_page(request)


@router.post("/import")
async def import_upload(request: Request) -> Response:
    form, user = await posted_form(request, page_editor)
    upload = await _file_of(form)
    return await transfer.run_while_connected(
        partial(_import_step, request, user, form, upload), request.is_disconnected
    )


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
    return _send(transfer.export_network(request.app.state.store, format, user=user))


@router.get("/export/bericht")
def export_report(
    request: Request,
    user: PageUser,
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",  # noqa: A002
) -> Response:
    store = request.app.state.store
    return _send(transfer.network_report_file(store, format, layouts=layouts(request)))


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
    return _send(transfer.backup_download(request.app.state.store))


def _restore(request: Request, data: bytes, replace: bool, _: Callable[[str], str]) -> Response:
    try:
        counts = transfer.restore_upload(request.app.state.store, data, replace=replace)
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


@router.post("/sicherung")
async def restore_upload(request: Request) -> Response:
    form, user = await posted_form(request, page_admin)
    _ = gettext_for(user.language)
    upload = await _file_of(form)
    if upload is None:
        return _backup_page(
            request, message=_("Bitte wählen Sie eine Sicherungsdatei."), status=422
        )
    replace = str(form.get("replace", "")) in ("1", "on", "true")
    return await run_in_threadpool(_restore, request, upload[0], replace, _)
