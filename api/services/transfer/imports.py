"""Import a spreadsheet: read, map, preview (dry run) and write, for every consumer.

The JSON route and the CLI call :func:`run_import` directly; the import page goes through
:class:`ImportFlow`, which keeps the uploaded file between its steps (:mod:`.uploads`) and
answers each step with an :class:`ImportStep` that the page only has to show.

What a file may unpack to and hold is bounded (:mod:`api.transfer.limits`): over a limit
is :class:`FileTooLarge` (413), an unreadable or malformed file :class:`InvalidFile` (422).
An HTTP import runs in a worker thread through :func:`run_while_connected`, which stops it
(:class:`Cancel`, checked between rows) when its client disconnects.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from starlette.concurrency import run_in_threadpool

from api.services.transfer import answers, preview
from api.services.transfer.exports import Download
from api.services.transfer.uploads import Kept, Owner, Uploads
from api.transfer import importer
from api.transfer.importer import ImportReport
from api.transfer.reader import MAX_BYTES, FileTooLarge, InvalidFile, check_size
from graph_schema.errors import InvalidValue, NetzwerkatlasError
from graph_schema.store import GraphStore

__all__ = [
    "MAX_BYTES",
    "Cancel",
    "FileTooLarge",
    "ImportCancelled",
    "ImportFlow",
    "ImportStep",
    "Outcome",
    "check_size",
    "mapping_from_json",
    "mapping_from_options",
    "report_lines",
    "run_import",
    "run_while_connected",
]

report_lines = importer.report_lines
T = TypeVar("T")


class ImportCancelled(NetzwerkatlasError):
    """The import stopped because its client disconnected; nothing was written."""

    status = 499  # nginx's "client closed request": nobody is left to read it


class Cancel:
    """A flag a worker checks between rows: :meth:`check` raises once it is set."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def check(self) -> None:
        if self._event.is_set():
            raise ImportCancelled("The import was stopped: its client disconnected.")


async def run_while_connected(
    work: Callable[[Cancel], T],
    is_disconnected: Callable[[], Awaitable[bool]],
    *,
    poll_s: float = 0.5,
) -> T:
    """Run ``work`` in a worker thread; when the client disconnects, set its :class:`Cancel`
    and wait for it to stop (:class:`ImportCancelled`)."""
    cancel = Cancel()
    task = asyncio.ensure_future(run_in_threadpool(work, cancel))
    while not task.done():
        await asyncio.wait({task}, timeout=poll_s)
        if not task.done() and await is_disconnected():
            cancel.set()
    return task.result()


def run_import(
    store: GraphStore,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = True,
    mapping: Mapping[str, Any] | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_stage: Callable[[importer.Stage, int], None] | None = None,
    empty_ok: bool = False,
    cancel: Cancel | None = None,
    accept_suggestions: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Read, map and check every row of a file; write them (all or none, or only the valid
    ones with ``skip_invalid``) unless a dry run.

    See :func:`api.transfer.importer.import_file` for the arguments; ``cancel`` stops the
    import (before anything is written) once it is set.
    """
    return importer.import_file(
        store,
        data,
        filename,
        dry_run=dry_run,
        mapping=mapping,
        actor=actor,
        progress=progress,
        on_stage=on_stage,
        empty_ok=empty_ok,
        interrupt=cancel.check if cancel is not None else None,
        accept_suggestions=accept_suggestions,
        skip_invalid=skip_invalid,
    )


def mapping_from_json(text: str | None) -> dict[str, Any] | None:
    """The mapping sent as JSON text with an upload (None when empty)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidValue(f"The mapping is not valid JSON: {e.msg} (position {e.pos}).") from e
    if not isinstance(value, dict):
        raise InvalidValue('The mapping must be a JSON object: {"sheets": {...}}.')
    return value


def mapping_from_options(
    data: bytes,
    filename: str,
    *,
    mapping_json: str | None = None,
    maps: Sequence[str] = (),
    sheets: Sequence[str] = (),
    date_orders: Sequence[str] = (),
    value_maps: Sequence[str] = (),
    defaults: Sequence[str] = (),
) -> dict[str, Any] | None:
    """The mapping the CLI's options give: a JSON file, ``--map``, ``--sheet`` and
    ``--date-order`` options.

    Args:
        data: the file's bytes.
        filename: its name.
        mapping_json: a mapping (or a saved report holding one) as JSON text.
        maps: ``[SHEET:]COLUMN=FIELD`` (``FIELD`` empty or ``-``: leave the column out).
        sheets: ``SHEET=ENTITY`` (``-``: leave the sheet out), or ``ENTITY`` alone for a
            file of one sheet.
        date_orders: ``[SHEET:]COLUMN=ORDER``: how a date column writes dates like
            10/12/2018, ``TMJ`` (day first) or ``MTJ`` (month first), also DMY or MDY.
        value_maps: ``[SHEET:]COLUMN:VALUE=TARGET``: what an unknown value stands for
            (``-``: leave it out, ``+``: create it), see :mod:`.answers`.
        defaults: ``[SHEET:]FIELD=VALUE``: one value for every row without one.
    """
    if value_maps or defaults:
        mapping = mapping_from_options(
            data,
            filename,
            mapping_json=mapping_json,
            maps=maps,
            sheets=sheets,
            date_orders=date_orders,
        )
        detected = importer.detect_mapping(data, filename, mapping)
        return answers.with_answers(mapping, detected, value_maps, defaults)
    given = importer.load_mapping(mapping_json) if mapping_json is not None else None
    if date_orders:
        mapping = mapping_from_options(
            data, filename, mapping_json=mapping_json, maps=maps, sheets=sheets
        )
        detected = importer.detect_mapping(data, filename, mapping)
        return importer.with_date_orders(mapping, date_orders, detected)
    if not maps and not sheets:
        return given
    overrides = [importer.parse_override(text) for text in maps]
    detected = importer.detect_mapping(data, filename, given)
    entities: dict[str, str | None] = {}
    for text in sheets:
        name, sep, entity = text.rpartition("=")
        if not sep:
            if len(detected) != 1:
                raise InvalidValue(
                    f"--sheet {text!r}: the file has several sheets; write SHEET={text}."
                )
            name = detected[0].sheet
        entities[name.strip()] = None if entity.strip() in ("", "-") else entity.strip()
    return _with_answers_of(given, importer.override_mapping(detected, overrides, entities))


def _with_answers_of(given: Mapping[str, Any] | None, result: dict[str, Any]) -> dict[str, Any]:
    """``result`` (a mapping rebuilt from ``--map`` and ``--sheet``) with the answers of the
    mapping file it started from: its ``values``, ``defaults`` and ``dates``."""
    if not given:
        return result
    sheets = given.get("sheets", given)
    for name, sheet in sheets.items() if isinstance(sheets, Mapping) else ():
        if not isinstance(sheet, Mapping) or name not in result["sheets"]:
            continue
        target = result["sheets"][name]
        if target.get("entity") is None and "entity" in target:
            continue
        for key in ("values", "defaults", "dates"):
            if key in sheet:
                target[key] = sheet[key]
    return result


# --------------------------------------------------------------------------- the import page

#: what a step of the import page led to
Outcome = Literal[
    "preview",  # a dry run of a new upload
    "unrecognised",  # a dry run of a new upload in which no sheet was recognised
    "refused",  # the upload was refused (too large, unpacked too); ``error`` says why
    "unreadable",  # the file cannot be read; ``error`` says why
    "gone",  # the upload is no longer kept (used, discarded or expired)
    "discarded",  # the upload was discarded
    "shown",  # the dry run last shown, again (the form's choices could not be used)
    "bad_mapping",  # the mapping chosen cannot read the file: the dry run last shown
    "remapped",  # a dry run with the mapping chosen
    "changed",  # confirmed with a changed mapping: a dry run with it, nothing written
    "imported",  # written
    "rejected",  # nothing written: rows were rejected
]


@dataclass
class ImportStep:
    """The outcome of one step: a report to show, the upload's token while it is kept."""

    outcome: Outcome
    report: ImportReport | None = None
    token: str = ""
    error: NetzwerkatlasError | None = None


class ImportFlow:
    """The import page's steps for one session: preview, revise, confirm, discard."""

    def __init__(
        self, store: GraphStore, uploads: Uploads, owner: Owner, cancel: Cancel | None = None
    ) -> None:
        self.store = store
        self.uploads = uploads
        self.owner = owner
        self.cancel = cancel
        #: the mappings of earlier imports, beside the uploads in the data folder
        self.saved = answers.SavedMappings(uploads.root.parent / "mappings")

    def _dry(self, kept: Kept, mapping: Any) -> ImportReport:
        return run_import(
            self.store,
            kept.data,
            kept.filename,
            dry_run=True,
            mapping=mapping,
            actor=self.owner.username,
            empty_ok=True,
            cancel=self.cancel,
        )

    def _shown(self, kept: Kept, report: ImportReport) -> None:
        """Keep what the dry run ``report`` shows with the upload."""
        self.uploads.remember(
            kept,
            sheets=[s.as_dict() for s in report.sheets],
            mapping=report.mapping,
            questions=preview.question_keys(report, kept.meta.get("questions")),
        )

    def preview(self, data: bytes, filename: str) -> ImportStep:
        """A dry run of a new upload, which is kept for the next steps if it can be read."""
        try:
            check_size(len(data))
        except InvalidFile as e:
            return ImportStep("refused", error=e)
        try:
            saved = self.saved_mapping(data, filename)
            report = run_import(
                self.store,
                data,
                filename,
                mapping=saved[0] if saved else None,
                actor=self.owner.username,
                empty_ok=True,
                cancel=self.cancel,
            )
            if saved:
                report.mapping_source = saved[1]
        except FileTooLarge as e:
            return ImportStep("refused", error=e)
        except ImportCancelled:
            raise
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)
        kept = self.uploads.keep(self.owner, data, filename)
        self._shown(kept, report)
        recognised = any(s.entity for s in report.sheets)
        return ImportStep("preview" if recognised else "unrecognised", report, kept.token)

    def kept(self, token: str) -> Kept | None:
        """The upload of ``token`` if this session uploaded it and it is still kept."""
        kept = self.uploads.peek(self.owner, token)
        return None if kept is None or kept.meta.get("download") else kept

    def keep_file(self, content: bytes, filename: str, media_type: str) -> str:
        """Keep a file made for this session to download (the full report, the rows left
        out) with the uploads, under the same rules; its token."""
        kept = self.uploads.keep(self.owner, content, filename)
        self.uploads.remember(kept, download=media_type)
        return kept.token

    def kept_file(self, token: str) -> Download | None:
        """The file of ``token`` kept by :meth:`keep_file` for this session, if still kept."""
        kept = self.uploads.peek(self.owner, token)
        if kept is None or not kept.meta.get("download"):
            return None
        return Download(kept.data, str(kept.meta["download"]), kept.filename)

    def show_again(self, kept: Kept) -> ImportStep:
        """The dry run last shown, again."""
        try:
            return ImportStep("shown", self._dry(kept, kept.mapping), kept.token)
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)

    def revise(self, kept: Kept, mapping: Any, *, changed: bool, confirm: bool) -> ImportStep:
        """A dry run with ``mapping`` if it ``changed``; the import if confirmed unchanged."""
        if confirm and not changed:
            return self.confirm(kept)
        try:
            report = self._dry(kept, mapping if changed else kept.mapping)
        except InvalidValue as e:
            return ImportStep("bad_mapping", self._dry(kept, kept.mapping), kept.token, e)
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)
        self._shown(kept, report)
        return ImportStep("changed" if confirm else "remapped", report, kept.token)

    def saved_mapping(
        self, data: bytes, filename: str
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The mapping saved for files of this one's shape, and where it came from."""
        try:
            detected = importer.detect_mapping(data, filename)
        except NetzwerkatlasError:
            return None
        return self.saved.find(detected)

    def confirm(self, kept: Kept, *, skip_invalid: bool = False) -> ImportStep:
        """The import for real with the mapping last shown; the upload is used up. With
        ``skip_invalid``, the valid rows are written and the others left out."""
        if self.uploads.take(self.owner, kept.token) is None:  # confirmed twice at once
            return ImportStep("gone")
        try:
            report = run_import(
                self.store,
                kept.data,
                kept.filename,
                dry_run=False,
                mapping=kept.mapping,
                actor=self.owner.username,
                cancel=self.cancel,
                skip_invalid=skip_invalid,
            )
            self.saved.remember(kept.data, kept.filename, report)
        except ImportCancelled:
            raise
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)
        if report.applied and report.left_out:
            return ImportStep("imported", report)
        return ImportStep("rejected" if report.rejected else "imported", report)

    def discard(self, token: str) -> ImportStep:
        """Delete the upload of ``token``."""
        self.uploads.drop(self.owner, token)
        return ImportStep("discarded")
