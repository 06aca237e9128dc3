"""The import as a whole: read, map, check every row, then write all rows or none."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from api.i18n import N_, Text
from api.transfer.columns import SHEETS
from api.transfer.importer.mapping import Plan, plan_sheet, sheets_of
from api.transfer.importer.nodes import NodeRows
from api.transfer.importer.reading import read_rows
from api.transfer.importer.report import ImportReport
from api.transfer.importer.ties import TieRows
from api.transfer.reader import InvalidFile, Limits, Table, read_tables
from graph_schema.store import GraphStore, dump

__all__ = ["import_file"]


class _Importer(NodeRows, TieRows):
    """One import's changes, from node rows and tie rows."""


def import_file(
    store: GraphStore,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = True,
    mapping: Mapping[str, Any] | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    empty_ok: bool = False,
    limits: Limits | None = None,
    interrupt: Callable[[], None] | None = None,
) -> ImportReport:
    """Read a file and report (dry run) or write its rows; see the package docstring.

    Args:
        store: the store to compare with and write to.
        data: the file's bytes (XLSX, CSV or a ZIP of CSV files).
        filename: its name (the CSV file name may say what it holds).
        dry_run: only report.
        mapping: an explicit mapping as in :attr:`ImportReport.mapping`, for some sheets or
            all of them (``entity``, ``header_row``, ``columns`` header -> property or null).
        actor: the user name recorded in the history.
        progress: called with the number of entries written after each batch.
        empty_ok: when no sheet can be read, answer the report (its sheets say why) instead
            of raising :class:`InvalidValue`, so that the mapping can be given.
        limits: what the file may unpack to and hold (default: :data:`reader.LIMITS`).
        interrupt: called between rows while reading and checking, and before writing;
            raises to stop the import (its client has gone). Nothing is written then.

    Returns:
        The report; ``applied`` tells whether anything was written.
    """
    tables = read_tables(data, filename, limits=limits, interrupt=interrupt)
    report = ImportReport(filename, dry_run)
    csvs = [t for t in tables if t.encoding]
    if csvs:
        report.encoding = csvs[0].encoding
        report.delimiter = csvs[0].delimiter
    plans = _map(tables, sheets_of(mapping, tables), report)
    if not plans:
        if empty_ok:
            return report
        raise _nothing_to_import(filename, report)
    work = _check(store, plans, report, interrupt or _carry_on)
    position = {t.name: k for k, t in enumerate(tables)}
    report.rows.sort(key=lambda r: (position[r.sheet], r.row))
    if dry_run or report.rejected or not (work.nodes or work.ties):
        return report
    if interrupt is not None:
        interrupt()
    _write(store, work, actor=actor, progress=progress)
    report.applied = True
    return report


def _map(tables: list[Table], given: Mapping[str, Any], report: ImportReport) -> list[Plan]:
    """The plans of the sheets that can be read, in the order of :data:`SHEETS`."""
    plans: list[Plan] = []
    for table in tables:
        plan, sheet = plan_sheet(table, given.get(table.name, {}))
        report.sheets.append(sheet)
        if plan is not None:
            plans.append(plan)
    order = {s.key: k for k, s in enumerate(SHEETS)}
    return sorted(plans, key=lambda p: order[p.spec.key])


def _nothing_to_import(filename: str, report: ImportReport) -> InvalidFile:
    notes = [
        Text(N_("Blatt „%(sheet)s“: %(note)s"), {"sheet": s.sheet, "note": s.note_text})
        for s in report.sheets
    ]
    text = Text(
        N_("Nichts zu importieren in %(file)s. %(notes)s."), {"file": filename, "notes": notes}
    )
    return InvalidFile(text)


def _carry_on() -> None:
    """No interruption."""


def _check(
    store: GraphStore, plans: list[Plan], report: ImportReport, interrupt: Callable[[], None]
) -> _Importer:
    """Every row's outcome into ``report``: node rows, their links, tie rows, duplicates."""
    work = _Importer(store, report)
    rows = {id(p): read_rows(p, report) for p in plans}
    node_rows = [r for p in plans if p.spec.label for r in rows[id(p)]]
    for r in node_rows:
        interrupt()
        work.node_row(r)
    for r in node_rows:
        interrupt()
        work.link_row(r)
    for p in plans:
        if p.spec.rel:
            for r in rows[id(p)]:
                interrupt()
                work.tie_row(r)
    work.flag_duplicates(node_rows, interrupt)
    return work


def _write(
    store: GraphStore,
    work: _Importer,
    *,
    actor: str | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Write the changes and their history in one transaction: all or nothing."""
    with store.transaction() as tx:
        work.report.written = store.bulk_upsert(
            list(work.nodes.values()), list(work.ties.values()), actor=actor, progress=progress
        )
        dump.record_history(
            store,
            tx,
            [
                ("import", kind, entity_id, before, after)
                for kind, entity_id, before, after in work.history
            ],
            username=actor,
        )
