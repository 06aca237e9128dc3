"""Import organisations, people, offers, memberships, cooperations (and every other sheet)
from an XLSX workbook, a CSV file or a ZIP of CSV files.

How a file becomes changes:

1. **Mapping.** Each sheet is matched to a node label or relationship type by its name or,
   failing that, by its headers; the header row is the one among the first ten whose cells
   name the most known columns (title rows and merged group headers above it are skipped).
   The report states the mapping in the form :func:`import_file` accepts back
   (``mapping``), so a user can correct and confirm it.
2. **Rows.** Every row gets one outcome: ``created``, ``updated`` (with each changed
   column, old and new value), ``unchanged``, ``rejected`` (with the cell and what to
   change) or ``skipped`` (empty). Entries are found by ID, else by name (case and spacing
   do not matter; offers by title and provider); new entries without an ID get one derived
   from their name, ties one derived from their ends and start date, so the same file
   imported twice finds everything the second time and changes nothing.
3. **Near-duplicates** of new names (legal form, spacing, small typos) are flagged on the
   row and listed; :func:`api.transfer.duplicates.merge` merges them afterwards.
4. **Writing.** A dry run writes nothing. A real run writes only when no row is rejected,
   in one transaction (:meth:`GraphStore.bulk_upsert` plus one history entry per changed
   entry): all rows or none. An import never deletes: rows missing from the file leave
   their entries alone, and an empty cell clears the value only where the column exists.

Every message (a row's problems and warnings, a sheet's note, the summary, a refused mapping)
is an :class:`api.i18n.Text`: German, translated where it is shown. The API and the CLI give
it in English (``Problem.message``, ``SheetMapping.note``, :meth:`ImportReport.summary`); the
web UI renders ``Problem.text`` and the others in the user's language.

The package, one module per job: :mod:`.mapping` (which sheet holds what, from the file or
given), :mod:`.overrides` (a mapping given by hand), :mod:`.reading` (cells to values),
:mod:`.lookup` (what exists, by id and name), :mod:`.validation`, :mod:`.nodes` and
:mod:`.ties` (each row's outcome), :mod:`.writing` (the import as a whole, all or nothing)
and :mod:`.report` (what happened, row by row).
"""

from __future__ import annotations

from api.transfer.importer.dates import DateQuestion, dates_of, with_date_orders
from api.transfer.importer.mapping import HEADER_SCAN, detect_mapping
from api.transfer.importer.overrides import (
    load_mapping,
    override_mapping,
    parse_override,
    sheet_by_key_or_fail,
)
from api.transfer.importer.report import (
    STATUSES,
    WORD,
    ImportReport,
    Problem,
    RowOutcome,
    SheetMapping,
    report_lines,
)
from api.transfer.importer.writing import Stage, import_file

__all__ = [
    "HEADER_SCAN",
    "STATUSES",
    "WORD",
    "DateQuestion",
    "ImportReport",
    "Problem",
    "RowOutcome",
    "SheetMapping",
    "Stage",
    "dates_of",
    "detect_mapping",
    "import_file",
    "load_mapping",
    "override_mapping",
    "parse_override",
    "report_lines",
    "sheet_by_key_or_fail",
    "with_date_orders",
]
