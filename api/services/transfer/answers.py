"""The value mapping's answers from the command line, saved mappings and the file of the
rows left out.

- :func:`with_answers`: ``--map-value "[SHEET:]COLUMN:VALUE=TARGET"`` and ``--default
  "[SHEET:]FIELD=VALUE"`` into the mapping's ``values`` and ``defaults``.
- :class:`SavedMappings`: the mapping of an import that wrote, kept under the data folder
  by the shape of its file (its sheets' headers) and offered again for the next file of
  that shape.
- :func:`problem_file`: the rows an import left out, in the file's own columns plus
  "Problem", as CSV (for a CSV file) or XLSX, to correct and import again.
- :func:`value_targets`: what a value of a kind may be mapped to, for the import page.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from api.services.transfer.exports import Download
from api.transfer.columns import VOCABULARIES
from api.transfer.importer import ImportReport, SheetMapping, detect_mapping
from api.transfer.importer.choices import Target
from api.transfer.importer.overrides import sheets_with
from api.transfer.importer.validation import entry_targets, vocabulary_targets
from api.transfer.reader import read_tables
from graph_schema import clock
from graph_schema.errors import InvalidValue
from graph_schema.files import private_dir, write_private
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

__all__ = [
    "SavedMappings",
    "parse_default",
    "parse_value_map",
    "problem_file",
    "shape_of",
    "value_targets",
    "with_answers",
]


def parse_value_map(text: str) -> tuple[str | None, str, str, Any]:
    """A ``--map-value`` option: ``[SHEET:]COLUMN:VALUE=TARGET``; TARGET ``-`` leaves the
    value out, ``+`` creates an entry named like the value, ``+NAME`` one named NAME.

    Examples:
        >>> parse_value_map("Handlungsfeld:Teilhabe=participation")
        (None, 'Handlungsfeld', 'Teilhabe', 'participation')
        >>> parse_value_map("Orte:Gemeinde:bundesweit=-")
        ('Orte', 'Gemeinde', 'bundesweit', None)
        >>> parse_value_map("Zielgruppe:Akteure=+")
        (None, 'Zielgruppe', 'Akteure', {'new': 'Akteure'})
    """
    left, sep, right = text.rpartition("=")
    parts = [p.strip() for p in left.split(":")]
    if not sep or len(parts) < 2 or not all(parts[:2]):
        raise InvalidValue(
            f"--map-value {text!r}: write COLUMN:VALUE=TARGET (e.g. --map-value "
            '"Handlungsfeld:Teilhabe=participation"), SHEET:COLUMN:VALUE=TARGET for one sheet; '
            "TARGET - leaves the value out, + creates it."
        )
    sheet, column, value = (None, parts[0], ":".join(parts[1:]))
    if len(parts) > 2:
        sheet, column, value = parts[0], parts[1], ":".join(parts[2:])
    target = right.strip()
    answer: Any = target
    if target in ("", "-"):
        answer = None
    elif target.startswith("+"):
        answer = {"new": target[1:].strip() or value}
    return sheet, column, value, answer


def parse_default(text: str) -> tuple[str | None, str, str]:
    """A ``--default`` option: ``[SHEET:]FIELD=VALUE``, one value for every row.

    Examples:
        >>> parse_default("kind=Gemeinde"), parse_default("Orte:kind=municipality")
        ((None, 'kind', 'Gemeinde'), ('Orte', 'kind', 'municipality'))
    """
    left, sep, value = text.partition("=")
    sheet, colon, field = left.rpartition(":")
    if not sep or not field.strip() or not value.strip():
        raise InvalidValue(
            f"--default {text!r}: write FIELD=VALUE (e.g. --default kind=Gemeinde), "
            "SHEET:FIELD=VALUE for one sheet."
        )
    return (sheet.strip() or None) if colon else None, field.strip(), value.strip()


def _sheets(result: dict[str, Any]) -> dict[str, Any]:
    return result.setdefault("sheets", {})  # type: ignore[no-any-return]


def _target_sheets(
    sheet: str | None, column: str | None, detected: Sequence[SheetMapping], option: str
) -> list[str]:
    """The sheets an option applies to: the one named, or each that has ``column`` (each
    sheet that was recognised, for an option without a column)."""
    names = [s.sheet for s in detected]
    if sheet is not None and sheet not in names:
        raise InvalidValue(
            f"{option}: the file has no sheet {sheet!r}: use one of "
            + ", ".join(repr(n) for n in names)
            + "."
        )
    if column is None:
        return [sheet] if sheet is not None else [s.sheet for s in detected if s.entity] or names
    return sheets_with(column, sheet, detected, option)


def with_answers(
    mapping: Mapping[str, Any] | None,
    detected: Sequence[SheetMapping],
    value_maps: Sequence[str] = (),
    defaults: Sequence[str] = (),
) -> dict[str, Any] | None:
    """``mapping`` with the answers of ``--map-value`` and ``--default`` options added."""
    if not value_maps and not defaults:
        return dict(mapping) if mapping is not None else None
    result = copy.deepcopy(dict(mapping or {}))
    if "sheets" not in result and result:
        result = {"sheets": result}
    sheets = _sheets(result)
    for text in value_maps:
        sheet, column, value, answer = parse_value_map(text)
        for name in _target_sheets(sheet, column, detected, "--map-value"):
            given = sheets.setdefault(name, {})
            given.setdefault("values", {}).setdefault(column, {})[value] = answer
    for text in defaults:
        sheet, field, value = parse_default(text)
        for name in _target_sheets(sheet, None, detected, "--default"):
            sheets.setdefault(name, {}).setdefault("defaults", {})[field] = value
    return result


# --------------------------------------------------------------------------- saved mappings


#: the column the file of left-out rows adds; it keeps the shape of the file they came from
PROBLEM = "Problem"


def shape_of(sheets: Sequence[SheetMapping]) -> str:
    """A file's shape: its sheets' header rows (and names, for more than one sheet), but for
    the column "Problem" of a file of left-out rows."""
    parts = [
        [s.sheet if len(sheets) > 1 else "", [h for h in s.columns if h != PROBLEM]]
        for s in sheets
        if s.columns
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]


class SavedMappings:
    """The mappings of imports that wrote, one per file shape, in ``<data>/mappings``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> SavedMappings:
        return cls(data_dir / "mappings")

    def _path(self, shape: str) -> Path:
        return self.folder / f"{shape}.json"

    def save(self, sheets: Sequence[SheetMapping], report: ImportReport, day: dt.date) -> None:
        """Keep the mapping ``report`` used, for the next file of the shape of ``sheets``."""
        if not report.applied:
            return
        private_dir(self.folder)
        doc = {"file": report.source, "saved_on": day.isoformat(), "mapping": report.mapping}
        write_private(self._path(shape_of(sheets)), json.dumps(doc, ensure_ascii=False).encode())

    def remember(self, data: bytes, filename: str, report: ImportReport) -> None:
        """Keep the mapping of an import of ``data`` that wrote (nothing otherwise), for
        the next file with its headers, dated by the app's clock."""
        if report.applied:
            self.save(detect_mapping(data, filename), report, clock.today())

    def find(self, sheets: Sequence[SheetMapping]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The mapping saved for files of the shape of ``sheets`` and where it came from."""
        path = self._path(shape_of(sheets))
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("mapping"), dict):
            return None
        mapping = _renamed(doc["mapping"], sheets)
        return mapping, {"file": doc.get("file"), "saved_on": doc.get("saved_on")}


def _renamed(mapping: dict[str, Any], sheets: Sequence[SheetMapping]) -> dict[str, Any]:
    """A saved mapping of one sheet, named like this file's one sheet (a CSV file's sheet
    is named after the file), without the column "Problem" (of a file of left-out rows:
    the next file of the shape may have it or not)."""
    given = mapping.get("sheets", {})
    for sheet in given.values():
        if isinstance(sheet, dict) and isinstance(sheet.get("columns"), dict):
            sheet["columns"].pop(PROBLEM, None)
    if len(sheets) == 1 and len(given) == 1 and sheets[0].sheet not in given:
        return {"sheets": {sheets[0].sheet: next(iter(given.values()))}}
    return mapping


# --------------------------------------------------------------------------- left-out rows


def problem_file(data: bytes, filename: str, report: ImportReport) -> Download:
    """The rows ``report`` left out, with the file's columns and one more, "Problem"."""
    tables = {t.name: t for t in read_tables(data, filename)}
    headers = {s.sheet: s.header_row for s in report.sheets}
    by_sheet: dict[str, list[list[Any]]] = {}
    for r in sorted(report.left_out, key=lambda r: (r.sheet, r.row)):
        table = tables[r.sheet]
        problems = "; ".join(
            f"{p.column}: {p.message}" if p.column else p.message for p in r.problems
        )
        by_sheet.setdefault(r.sheet, []).append([*table.rows[r.row - 1], problems])
    heads: dict[str, list[Any]] = {}
    for name in by_sheet:
        head_row = (headers.get(name) or 1) - 1
        heads[name] = [*tables[name].rows[head_row], PROBLEM]
    stem = filename.rsplit(".", 1)[0]
    if filename.lower().endswith((".csv", ".txt")) and len(by_sheet) <= 1:
        return _csv(stem, report, heads, by_sheet)
    return _xlsx(stem, heads, by_sheet)


def _csv(
    stem: str,
    report: ImportReport,
    heads: dict[str, list[Any]],
    by_sheet: dict[str, list[list[Any]]],
) -> Download:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=report.delimiter or ";", lineterminator="\r\n")
    for name, rows in by_sheet.items():
        writer.writerow(heads[name])
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return Download(
        ("\ufeff" + buf.getvalue()).encode("utf-8"),
        "text/csv; charset=utf-8",
        f"{stem}-ausgelassen.csv",
    )


def _xlsx(stem: str, heads: dict[str, list[Any]], by_sheet: dict[str, list[list[Any]]]) -> Download:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in by_sheet.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(heads[name])
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return Download(
        buf.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{stem}-ausgelassen.xlsx",
    )


#: at most this many entries of a label are offered as targets (the page offers the
#: closest of them and a field to type any other name or id)
TARGETS_LIMIT = 10_000


def value_targets(store: GraphStore, kind: str) -> list[Target]:
    """What a value of ``kind`` (a node label or vocabulary name) may be mapped to: the
    vocabulary's terms, or the entries of the label (read with one list query, not the
    whole store) and the shipped fields and target groups not stored yet."""
    if kind in VOCABULARIES:
        return [Target(t, n) for t, n in vocabulary_targets(kind)]
    label = NodeLabel(kind)
    pairs = entry_targets(store.list(label, limit=TARGETS_LIMIT).items, label)
    return [Target(t, n) for t, n in pairs]
