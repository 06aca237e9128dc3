"""``/import``, ``/export`` and ``/sicherung``: the pages over :mod:`api.services.transfer`.

- ``/import`` (admin, editor): upload a file, see the dry run (the column mapping as a
  form, and the outcome of every row), correct the mapping and see the dry run again as
  often as needed, then confirm to run it for real with the mapping last shown. Between the
  steps the file waits under the data folder (:mod:`api.services.transfer.uploads`), bound
  to the session, and is deleted when it is imported or discarded. ``/import/vorlage``
  (the same roles) downloads the template to fill in (:mod:`api.transfer.template`).
  The dry run is shown as a summary (:mod:`api.services.transfer.preview`: the problems
  grouped by kind, each linked to its question) with the rows folded per sheet and capped;
  ``/import/bericht/<token>`` downloads the full report of the kept upload as CSV. The
  dry run's questions (unknown values, a value for a field without a column, the order of
  ambiguous dates) are answered in the same form (:mod:`api.web.import_answers`). Rejected
  rows can be left out ("die N gültigen Zeilen importieren"); the rows left out, and the
  full report of a real import, wait as files for ``/import/datei/<token>``, bound to the
  session like uploads.
- ``/export`` (every role): downloads through the same service as the API's export and
  report, with the same rules (a viewer's export holds no personal contact data).
- ``/sicherung`` (admin): backup download and restore upload (a non-empty store is
  refused unless "ersetzen" is ticked).
"""

from __future__ import annotations

import datetime as dt
import logging
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
from api.services.transfer import Cancel, ImportFlow, ImportStep, Owner, Uploads, preview
from api.services.transfer.uploads import Kept
from api.transfer import template as import_template
from api.transfer.importer import ImportReport
from api.web import import_answers, import_mapping
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

log = logging.getLogger(__name__)

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


#: the kinds of problems listed before the rest is folded away
GROUP_LIMIT = 12
#: the rows listed in all up to which the row lists are shown unfolded
OPEN_ROWS = 25
#: a column with more unknown values than this has its questions folded
FOLD_ANSWERS = 20


def _readable(report: ImportReport | None, token: str, files: dict[str, str]) -> dict[str, Any]:
    """What the page shows of ``report`` beside the form: the problems grouped (each with
    the anchor of its question in the form, if any), the rows to list, the report file."""
    if report is None:
        return {}
    asked = _questions_by_cell(report)
    groups = []
    for g in preview.problem_groups(report):
        found = _question_of(g, asked)
        if found is None:
            groups.append({"group": g, "line": preview.group_line(g), "anchor": None})
        elif g.variants > 1:  # many values: to the first of their questions
            groups.append({"group": g, "line": preview.group_line(g), "anchor": f"vq-{found[0]}"})
        else:
            line = preview.question_line(g, found[1])
            groups.append({"group": g, "line": line, "anchor": f"vq-{found[0]}"})
    sheet_rows = preview.listed_rows(report)
    if "report" in files:
        report_url = f"/import/datei/{files['report']}"
    elif token and report.dry_run:
        report_url = f"/import/bericht/{token}"
    else:
        report_url = ""
    return {
        "groups": groups,
        "group_limit": GROUP_LIMIT,
        "fold_answers": FOLD_ANSWERS,
        "sheet_rows": sheet_rows,
        "rows_open": sum(len(s.rows) for s in sheet_rows) <= OPEN_ROWS,
        "report_url": report_url if any(s.more for s in sheet_rows) else "",
        "files": files,
        "date_notes": [q.text for q in report.date_questions if q.decided and not q.choice],
    }


Asked = dict[tuple[str, str | None, int], list[tuple[int, Any]]]


def _questions_by_cell(report: ImportReport) -> Asked:
    """(sheet, column, row) -> the open questions about that cell, with their positions."""
    found: Asked = {}
    for i, q in enumerate(report.value_questions):
        if q.choice is None:
            for row in q.rows:
                found.setdefault((q.sheet, q.column, row), []).append((i, q))
    return found


def _question_of(group: preview.ProblemGroup, asked: Asked) -> tuple[int, Any] | None:
    """The open question a group of problems is about: of its first cell, the one whose
    value the message names (the group folds several values: the first question)."""
    if not group.rows:
        return None
    named = [str(v) for v in group.text.params.values()]
    for i, q in asked.get((group.sheet, group.column, group.rows[0]), []):
        if group.variants > 1 or any(q.value in text for text in named):
            return i, q
    return None


def _answer_form(
    request: Request, report: ImportReport, token: str, _: Callable[[str], str]
) -> import_answers.AnswerForm:
    """The questions of the dry run ``report`` as a form, by the keys kept with its upload."""
    user = getattr(request.state, "user", None)
    if user is None:
        return import_answers.AnswerForm()
    kept = _flow(request, user).kept(token)
    keys = (kept.meta.get("questions") if kept is not None else None) or {}
    store = request.app.state.store

    def targets(kind: str) -> list[tuple[str, str]]:
        try:
            found = transfer.value_targets(store, kind)
        except ValueError:  # a kind that maps to nothing but "leave out" (offer_item)
            return []
        return [(t.target, t.name) for t in found if t.target]

    return import_answers.answer_form(report, keys, targets, _)


def _mapping_source(report: ImportReport | None) -> dict[str, str] | None:
    """The saved mapping the dry run used: its file and day (as 07.12.2026)."""
    source = getattr(report, "mapping_source", None) if report is not None else None
    if not source:
        return None
    day = str(source.get("saved_on") or "")
    try:
        day = dt.date.fromisoformat(day).strftime("%d.%m.%Y")
    except ValueError:
        pass
    return {"file": str(source.get("file") or ""), "day": day}


def _import_page(
    request: Request,
    *,
    report: ImportReport | None = None,
    token: str = "",
    message: str = "",
    detail: str = "",
    notice: str = "",
    choices: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    sheet_forms: list[import_mapping.SheetForm] = []
    entities: list[tuple[str, str]] = []
    files = files or {}
    answers = import_answers.AnswerForm()
    if report is not None and report.dry_run and token:
        user = getattr(request.state, "user", None)
        _ = gettext_for(user.language if user else None)
        sheets = [s.as_dict(_) for s in report.sheets]
        sheet_forms = import_mapping.sheet_forms(
            sheets, choices or import_mapping.choices_of(sheets), _
        )
        entities = import_mapping.entity_options(_)
        answers = _answer_form(request, report, token, _)
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
            "answers": answers,
            "source": _mapping_source(report),
            "max_mb": transfer.MAX_BYTES // 2**20,
            **_readable(report, token, files),
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
    files: dict[str, str] | None = None,
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
        files=files,
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
    action = str(form.get("action"))
    if action == "detected":  # start again from the detected mapping, not the saved one
        return _show(request, flow.revise(kept, None, changed=True, confirm=False), _)
    try:
        choices = import_mapping.read_choices(form, kept.sheets, _)
        given = import_answers.read_answers(form, kept.meta.get("questions") or {}, _)
    except import_mapping.MappingChoiceError as e:
        return _show(request, flow.show_again(kept), _, message=e.message, choices=e.choices)
    mapping = import_answers.with_answers(
        import_mapping.mapping_of(choices, kept.sheets), given, kept.sheets
    )
    changed = choices != import_mapping.choices_of(
        kept.sheets
    ) or given != import_answers.answers_of(kept.mapping)
    if action == "confirm-valid" and not changed:
        step = flow.confirm(kept, skip_invalid=True)
    else:
        confirm = action in ("confirm", "confirm-valid")
        step = flow.revise(kept, mapping, changed=changed, confirm=confirm)
    return _show(
        request,
        step,
        _,
        choices=choices if step.outcome == "bad_mapping" else None,
        files=_files_after(flow, kept, step, _),
    )


def _files_after(
    flow: ImportFlow, kept: Kept, step: ImportStep, _: Callable[[str], str]
) -> dict[str, str]:
    """After a real import: the files to download kept (the full report if the page cannot
    list every row, the rows left out), by name: their tokens."""
    report = step.report
    if report is None or report.dry_run:
        return {}
    files: dict[str, str] = {}
    if any(s.more for s in preview.listed_rows(report)):
        download = report_download(report, _)
        files["report"] = flow.keep_file(download.content, download.filename, download.media_type)
    if report.applied and report.left_out:
        try:
            left = transfer.problem_file(kept.data, kept.filename, report)
        except (NetzwerkatlasError, KeyError, IndexError):  # written all the same
            log.exception("The file of the rows left out of %s could not be made", report.source)
            return files
        files["left_out"] = flow.keep_file(left.content, left.filename, left.media_type)
    return files


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
    if action in ("confirm", "confirm-valid", "remap", "detected"):
        return _revise(request, flow, form, _)
    if upload is None:
        return _import_page(
            request, message=_("Bitte wählen Sie eine Datei (XLSX, ODS oder CSV)."), status=422
        )
    return _show(request, flow.preview(*upload), _)


@router.get("/import")
def import_page(request: Request, user: Editor) -> Response:
    return _import_page(request)


@router.get("/import/vorlage")
def import_template_file(request: Request, user: Editor) -> Response:
    content = import_template.template(request.app.state.store)
    return _send(transfer.Download(content, import_template.MEDIA_TYPE, import_template.FILENAME))


def _ascii_name(text: str) -> str:
    """``text`` as a file name for a header: ASCII letters, digits, ``-_.``."""
    stem = text.rsplit(".", 1)[0]
    stem = stem.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem)[:60]


def report_download(report: ImportReport, _: Callable[[str], str]) -> transfer.Download:
    """The full report of ``report`` as a CSV file to download."""
    name = f"importbericht-{_ascii_name(report.source)}.csv"
    return transfer.Download(preview.report_csv(report, _), "text/csv; charset=utf-8", name)


def _report_of_upload(request: Request, user: User, token: str, cancel: Cancel) -> Response:
    _ = gettext_for(user.language)
    flow = _flow(request, user, cancel)
    kept = flow.kept(token)
    if kept is None:
        return _show(request, ImportStep("gone"), _)
    step = flow.show_again(kept)
    if step.report is None:
        return _show(request, step, _)
    return _send(report_download(step.report, _))


@router.get("/import/bericht/{token}")
async def import_report_file(request: Request, token: str, user: Editor) -> Response:
    """The full report of the dry run last shown of a kept upload (as CSV)."""
    return await transfer.run_while_connected(
        partial(_report_of_upload, request, user, token[:100]), request.is_disconnected
    )


@router.get("/import/datei/{token}")
def import_kept_file(request: Request, token: str, user: Editor) -> Response:
    """A file the import made for this session: its full report, the rows left out."""
    download = _flow(request, user).kept_file(token[:100])
    if download is None:
        _ = gettext_for(user.language)
        return _show(request, ImportStep("gone"), _)
    return _send(download)


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
