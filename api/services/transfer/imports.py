"""Import a spreadsheet: read, map, preview (dry run) and write, for every consumer.

The JSON route and the CLI call :func:`run_import` directly; the import page goes through
:class:`ImportFlow`, which keeps the uploaded file between its steps (:mod:`.uploads`) and
answers each step with an :class:`ImportStep` that the page only has to show.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from api.services.transfer.uploads import Kept, Owner, Uploads
from api.transfer import importer
from api.transfer.importer import ImportReport
from api.transfer.reader import MAX_BYTES, InvalidFile, check_size
from graph_schema.errors import InvalidValue, NetzwerkatlasError
from graph_schema.store import GraphStore

__all__ = [
    "MAX_BYTES",
    "ImportFlow",
    "ImportStep",
    "Outcome",
    "check_size",
    "mapping_from_json",
    "mapping_from_options",
    "report_lines",
    "run_import",
]

report_lines = importer.report_lines


def run_import(
    store: GraphStore,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = True,
    mapping: Mapping[str, Any] | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    empty_ok: bool = False,
) -> ImportReport:
    """Read, map and check every row of a file; write them (all or none) unless a dry run.

    See :func:`api.transfer.importer.import_file` for the arguments.
    """
    return importer.import_file(
        store,
        data,
        filename,
        dry_run=dry_run,
        mapping=mapping,
        actor=actor,
        progress=progress,
        empty_ok=empty_ok,
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
) -> dict[str, Any] | None:
    """The mapping the CLI's options give: a JSON file, ``--map`` and ``--sheet`` options.

    Args:
        data: the file's bytes.
        filename: its name.
        mapping_json: a mapping (or a saved report holding one) as JSON text.
        maps: ``[SHEET:]COLUMN=FIELD`` (``FIELD`` empty or ``-``: leave the column out).
        sheets: ``SHEET=ENTITY`` (``-``: leave the sheet out), or ``ENTITY`` alone for a
            file of one sheet.
    """
    given = importer.load_mapping(mapping_json) if mapping_json is not None else None
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
    return importer.override_mapping(detected, overrides, entities)


# --------------------------------------------------------------------------- the import page

#: what a step of the import page led to
Outcome = Literal[
    "preview",  # a dry run of a new upload
    "unrecognised",  # a dry run of a new upload in which no sheet was recognised
    "refused",  # the upload was refused (too large); ``error`` says why
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

    def __init__(self, store: GraphStore, uploads: Uploads, owner: Owner) -> None:
        self.store = store
        self.uploads = uploads
        self.owner = owner

    def _dry(self, kept: Kept, mapping: Any) -> ImportReport:
        return run_import(
            self.store,
            kept.data,
            kept.filename,
            dry_run=True,
            mapping=mapping,
            actor=self.owner.username,
            empty_ok=True,
        )

    def _shown(self, kept: Kept, report: ImportReport) -> None:
        """Keep what the dry run ``report`` shows with the upload."""
        self.uploads.remember(
            kept, sheets=[s.as_dict() for s in report.sheets], mapping=report.mapping
        )

    def preview(self, data: bytes, filename: str) -> ImportStep:
        """A dry run of a new upload, which is kept for the next steps if it can be read."""
        try:
            check_size(len(data))
        except InvalidFile as e:
            return ImportStep("refused", error=e)
        try:
            report = run_import(
                self.store, data, filename, actor=self.owner.username, empty_ok=True
            )
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)
        kept = self.uploads.keep(self.owner, data, filename)
        self._shown(kept, report)
        recognised = any(s.entity for s in report.sheets)
        return ImportStep("preview" if recognised else "unrecognised", report, kept.token)

    def kept(self, token: str) -> Kept | None:
        """The upload of ``token`` if this session uploaded it and it is still kept."""
        return self.uploads.peek(self.owner, token)

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

    def confirm(self, kept: Kept) -> ImportStep:
        """The import for real with the mapping last shown; the upload is used up."""
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
            )
        except NetzwerkatlasError as e:
            return ImportStep("unreadable", error=e)
        return ImportStep("rejected" if report.rejected else "imported", report)

    def discard(self, token: str) -> ImportStep:
        """Delete the upload of ``token``."""
        self.uploads.drop(self.owner, token)
        return ImportStep("discarded")
