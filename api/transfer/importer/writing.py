"""The import as a whole: read, map, check every row, then write all rows or none."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any, Literal

from api.i18n import N_, Text
from api.transfer.columns import SHEETS
from api.transfer.importer.mapping import Plan, plan_sheet, sheets_of
from api.transfer.importer.nodes import NodeRows
from api.transfer.importer.reading import read_rows
from api.transfer.importer.report import ImportReport
from api.transfer.importer.ties import TieRows
from api.transfer.reader import InvalidFile, Limits, Table, read_tables
from graph_schema.store import GraphStore, dump

__all__ = ["Stage", "import_file"]

#: a stage of an import, for a progress bar: checking the rows, writing entries and ties
Stage = Literal["check", "write"]


class _Importer(NodeRows, TieRows):
    """One import's changes, from node rows and tie rows."""

    plans: list[Plan]


def import_file(
    store: GraphStore,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = True,
    mapping: Mapping[str, Any] | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_stage: Callable[[Stage, int], None] | None = None,
    empty_ok: bool = False,
    limits: Limits | None = None,
    interrupt: Callable[[], None] | None = None,
    accept_suggestions: bool = False,
    skip_invalid: bool = False,
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
        progress: called with the number of rows checked (after each row), then with the
            number of entries and ties written (after each batch).
        on_stage: called when a stage begins, with its total: ``"check"`` with the number
            of rows of all mapped sheets, ``"write"`` with the number of entries and ties.
        empty_ok: when no sheet can be read, answer the report (its sheets say why) instead
            of raising :class:`InvalidValue`, so that the mapping can be given.
        limits: what the file may unpack to and hold (default: :data:`reader.LIMITS`).
        interrupt: called between rows while reading and checking, and before writing;
            raises to stop the import (its client has gone). Nothing is written then.
        accept_suggestions: answer each unknown value the mapping does not answer with its
            suggestion (:mod:`.choices`), where there is one.
        skip_invalid: import the valid rows and leave out the rejected ones (and the rows
            that need them), still in one transaction; ``report.left_out`` lists them.

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
    report.skip_invalid = skip_invalid
    checking = _Checking(progress, on_stage)
    work = _check(store, plans, report, interrupt or _carry_on, checking, accept_suggestions)
    _answers(work, report)
    if skip_invalid:
        work = _valid_rows_only(store, plans, report, work, interrupt or _carry_on)
    position = {t.name: k for k, t in enumerate(tables)}
    report.rows.sort(key=lambda r: (position[r.sheet], r.row))
    left_out = {id(r) for r in report.left_out}
    if any(id(r) not in left_out for r in report.rejected):
        return report
    if dry_run or not (work.nodes or work.ties):
        return report
    if interrupt is not None:
        interrupt()
    if on_stage is not None:
        on_stage("write", len(work.nodes) + len(work.ties))
    _write(store, work, actor=actor, progress=progress)
    report.applied = True
    return report


def _answers(work: _Importer, report: ImportReport) -> None:
    """The questions of the check and the mapping's answers used, into ``report``."""
    report.value_questions = list(work.book.questions.values())
    report.default_questions = list(work.missing.values())
    for sheet, values in work.book.answered().items():
        report.answers.setdefault(sheet, {})["values"] = values
    for plan in work.plans:
        defaults = plan.given.get("defaults")
        if defaults:
            report.answers.setdefault(plan.table.name, {})["defaults"] = dict(defaults)


#: at most this many checks of the valid rows (each leaves out the rows that needed a row
#: left out before: an organisation's cooperations, an offer's provider)
_PASSES = 6


def _valid_rows_only(
    store: GraphStore,
    plans: list[Plan],
    report: ImportReport,
    work: _Importer,
    interrupt: Callable[[], None],
) -> _Importer:
    """The check again without the rejected rows, until no row is rejected: the import of
    the valid rows, exactly as if the others were not in the file."""
    left: dict[str, set[int]] = {}
    for _ in range(_PASSES):
        rejected = report.rejected
        if not rejected:
            break
        report.left_out += rejected
        for r in rejected:
            left.setdefault(r.sheet, set()).add(r.row - 1)
        asked = report.date_questions
        report.rows, report.duplicates, report.date_questions = [], [], []
        work = _check(
            store, plans, report, interrupt, accept_suggestions=work.book.accept, left_out=left
        )
        report.date_questions = asked  # of every row, as the first check asked them
    report.rows += report.left_out
    return work


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


@dataclass
class _Checking:
    """The check's progress: its total once the rows are read, then each row checked."""

    progress: Callable[[int], None] | None = None
    on_stage: Callable[[Stage, int], None] | None = None

    def begin(self, total: int) -> None:
        if self.on_stage is not None:
            self.on_stage("check", total)

    def row(self) -> None:
        if self.progress is not None:
            self.progress(1)


def _check(
    store: GraphStore,
    plans: list[Plan],
    report: ImportReport,
    interrupt: Callable[[], None],
    checking: _Checking | None = None,
    accept_suggestions: bool = False,
    left_out: Mapping[str, Set[int]] | None = None,
) -> _Importer:
    """Every row's outcome into ``report``: node rows, their links, tie rows, duplicates.

    Rows in ``left_out`` (sheet -> row indexes) are not read."""
    work = _Importer(store, report, accept_suggestions=accept_suggestions)
    work.plans = plans
    skip = left_out or {}
    rows = {
        id(p): read_rows(p, report, work.book, skip.get(p.table.name, frozenset())) for p in plans
    }
    node_rows = [r for p in plans if p.spec.label for r in rows[id(p)]]
    work.note_places(node_rows)
    checking = checking or _Checking()
    checking.begin(sum(len(v) for v in rows.values()))
    for r in node_rows:
        interrupt()
        work.node_row(r)
        checking.row()
    for r in node_rows:
        interrupt()
        work.link_row(r)
    for p in plans:
        if p.spec.rel:
            for r in rows[id(p)]:
                interrupt()
                work.tie_row(r)
                checking.row()
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
