"""LibreOffice spreadsheets (.ods) as tables, read row by row within the
:class:`~api.transfer.limits.Limits`.

An ODS file is a ZIP whose ``content.xml`` holds every sheet (``table:table``). Its
directory is checked first (:func:`~api.transfer.archive.open_archive`); then
``content.xml`` is streamed through defusedxml (no DTD entities: neither an external entity
nor a "billion laughs" expansion is resolved), one row at a time, each row checked against
the limits before it is kept and cleared from memory after.

No maintained library fits: odfpy (and pandas' reader on top of it) builds the whole
document in memory through an unprotected SAX parser, and the others need lxml and do the
same. So this module reads the little of OpenDocument that a spreadsheet's cells need:

- value types: ``float``, ``percentage``, ``currency`` give a number (a whole one an
  ``int``), ``date`` a date (or a date and time), ``time`` a time of day, ``boolean`` a
  bool; text is the cell's paragraphs joined by line breaks, with ``text:s`` spaces,
  ``text:tab`` and ``text:line-break``; comments (``office:annotation``) are left out;
- ``table:number-columns-repeated`` and ``table:number-rows-repeated`` are expanded only
  where they repeat a value: the empty rows and columns LibreOffice writes up to the end of
  a sheet (a million rows, 16,384 columns) are counted, never materialised;
- a merged range (``table:number-columns-spanned`` / ``-rows-spanned``) fills every cell it
  covers with its first cell's value, as in a workbook;
- a formula cell gives the value stored with it; its formula text is kept beside it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from api.i18n import N_, Text
from api.transfer.archive import open_archive, unpack_errors
from api.transfer.limits import Budget, FileTooLarge, InvalidFile, Limits
from api.transfer.table import Table, Verbatim, cell_name, is_blank
from api.transfer.xlsx import _merge, _quoted

__all__ = ["MIMETYPE", "is_opendocument", "ods_tables"]

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODF = "application/vnd.oasis.opendocument."
CONTENT = "content.xml"
_MANIFEST = "META-INF/manifest.xml"

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE, _ROW = f"{_T}table", f"{_T}table-row"
_CELL, _COVERED = f"{_T}table-cell", f"{_T}covered-table-cell"
_COLS_REPEATED, _ROWS_REPEATED = f"{_T}number-columns-repeated", f"{_T}number-rows-repeated"
_COLS_SPANNED, _ROWS_SPANNED = f"{_T}number-columns-spanned", f"{_T}number-rows-spanned"
_FORMULA = f"{_T}formula"
_P, _H = f"{_X}p", f"{_X}h"
_SPACE, _TAB, _BREAK = f"{_X}s", f"{_X}tab", f"{_X}line-break"
#: parts of a paragraph that are not its text
_NOT_TEXT = frozenset({f"{_O}annotation", f"{_X}note", f"{_X}bookmark-ref"})
_NUMBER_TYPES = frozenset({"float", "percentage", "currency"})
_NAMESPACE = re.compile(r"^[A-Za-z][\w.-]*:(?==)")
_DURATION = re.compile(r"^PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")


def _unreadable() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei ist keine lesbare LibreOffice-Tabelle (.ods): bitte in LibreOffice "
                "öffnen und noch einmal als .ods oder .xlsx speichern."
            )
        )
    )


def _entities() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei enthält XML-Entitäten (eine DTD), wie sie keine Tabelle braucht; "
                "aus Sicherheitsgründen wird sie nicht gelesen: bitte in LibreOffice öffnen, "
                "als .ods neu speichern und diese Kopie importieren."
            )
        )
    )


def _encrypted() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei ist mit einem Passwort verschlüsselt: bitte ohne Passwort "
                "speichern und diese Kopie importieren."
            )
        )
    )


def _too_many_elements(limits: Limits) -> FileTooLarge:
    return FileTooLarge(
        Text(
            N_(
                "Ein Teil eines Blatts (z. B. eine Zeile) hat mehr als %(n)s "
                "XML-Elemente: bitte in Excel oder LibreOffice neu speichern."
            ),
            {"n": limits.row_elements},
        )
    )


def is_opendocument(archive: zipfile.ZipFile) -> str | None:
    """The OpenDocument media type an archive states in its ``mimetype`` entry (None: no
    OpenDocument file). Only the first bytes are read, whatever the entry claims."""
    try:
        with archive.open("mimetype") as f:
            head = f.read(100)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error):
        return None
    text = head.decode("ascii", "replace").strip()
    return text if text.startswith(_ODF) else None


# --------------------------------------------------------------------------- cells


def _count(el: Element, name: str) -> int:
    """A repeat or span attribute: a whole number of at least 1."""
    raw = el.get(name)
    if raw is None:
        return 1
    n = int(raw)
    if n < 1:
        raise ValueError(f"{name}={raw}")
    return n


def _paragraph(p: Element, room: int) -> str:
    """A paragraph's text; it stops once longer than ``room`` (the cell is refused then)."""
    out = [p.text or ""]
    size = len(out[0])
    stack: list[Iterator[Element]] = [iter(p)]
    tails: list[str] = []
    while stack and size <= room:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if tails:
                out.append(tails.pop())
            continue
        if child.tag == _SPACE:
            part = " " * min(int(child.get(f"{_X}c") or 1), room + 1)
        elif child.tag in (_TAB, _BREAK):
            part = "\t" if child.tag == _TAB else "\n"
        elif child.tag in _NOT_TEXT:
            part = ""
        else:  # a span, a link, ...: its text, then what follows it
            out.append(child.text or "")
            size += len(out[-1])
            stack.append(iter(child))
            tails.append(child.tail or "")
            continue
        out += [part, child.tail or ""]
        size += len(part) + len(out[-1])
    return "".join(out)


def _text(cell: Element, room: int) -> str | None:
    """The cell's paragraphs, one line each (None: none)."""
    lines = [_paragraph(p, room) for p in cell if p.tag in (_P, _H)]
    return "\n".join(lines) if lines else None


def _number(raw: str) -> int | float:
    """A number as openpyxl reads a workbook's: a whole one without a point an ``int``."""
    return float(raw) if any(c in raw for c in ".eE") else int(raw)


def _date(raw: str) -> dt.date | dt.datetime:
    return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)


def _time(raw: str) -> dt.time:
    match = _DURATION.match(raw)
    if not match:
        raise ValueError(raw)
    hours, minutes, seconds = int(match[1]), int(match[2]), float(match[3])
    whole = int(seconds)
    return dt.time(hours, minutes, whole, int(round((seconds - whole) * 1e6)) % 1_000_000)


def _typed(cell: Element, kind: str) -> Any:
    """The value an ``office:value-type`` states (ValueError: none or a bad one)."""
    if kind in _NUMBER_TYPES:
        return _number(cell.get(f"{_O}value") or "")
    if kind == "date":
        return _date(cell.get(f"{_O}date-value") or "")
    if kind == "time":
        return _time(cell.get(f"{_O}time-value") or "")
    if kind == "boolean":
        return (cell.get(f"{_O}boolean-value") or "").strip().lower() == "true"
    raise ValueError(kind)


def cell_value(cell: Element, room: int) -> Any:
    """A cell's value: typed as its ``office:value-type`` says, else its text (None: empty).

    A value the file states badly is read as the text LibreOffice shows for it.
    """
    kind = cell.get(f"{_O}value-type")
    if kind and kind not in ("string", "void"):
        try:
            return _typed(cell, kind)
        except (ValueError, OverflowError):
            pass
    text = cell.get(f"{_O}string-value") if kind == "string" else None
    if text is None:
        text = _text(cell, room)
    if text is None:
        return None
    return Verbatim(text) if _quoted(text) else text  # as a workbook's text


def _formula(raw: str) -> str:
    """A formula without its namespace (``of:=SUM([.A1:.A3])`` -> ``=SUM([.A1:.A3])``)."""
    return _NAMESPACE.sub("", raw)


# --------------------------------------------------------------------------- rows


@dataclass
class _Sheet:
    """A sheet being read: its rows so far and where the next row of the file goes."""

    name: str
    budget: Budget
    rows: list[list[Any]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    #: 0-based index of the next row of the file (empty rows counted, not kept)
    next: int = 0

    def read_row(self, row: Element) -> None:
        repeat = _count(row, _ROWS_REPEATED)
        values, formulas, spans = self._cells(row)
        for top, left, height, width in spans:
            self._span(top, left, height, width)
        if not values:
            self.next += repeat  # empty rows: counted, never kept
            return
        # the empty rows before it and every copy, counted before any is kept
        self.budget.take_rows(self.next - len(self.rows) + repeat)
        self.rows += [[] for _ in range(self.next - len(self.rows))]
        for k in range(repeat):
            self.budget.check_cells(self.name, self.next + 1, values)
            self.rows.append(list(values))
            for j, text in formulas.items():
                self.formulas[(self.next, j)] = text
            if k:
                for _, left, height, width in spans:
                    self._span(self.next, left, height, width)
            self.next += 1

    def _span(self, top: int, left: int, height: int, width: int) -> None:
        self.budget.take_cells(1)  # bounds the ranges kept, whatever rows they are in
        end = cell_name(top + height - 1, left + width - 1)
        self.merges.append(f"{cell_name(top, left)}:{end}")

    def _cells(
        self, row: Element
    ) -> tuple[list[Any], dict[int, str], list[tuple[int, int, int, int]]]:
        """The row's values up to its last one, its formulas and its merged ranges (top,
        left, height, width), each non-empty cell placed as it comes."""
        values: list[Any] = []
        formulas: dict[int, str] = {}
        spans: list[tuple[int, int, int, int]] = []
        room = self.budget.limits.cell_chars
        col = 0
        for cell in row:
            if cell.tag not in (_CELL, _COVERED):
                continue
            repeat = _count(cell, _COLS_REPEATED)
            value = cell_value(cell, room)
            formula = cell.get(_FORMULA)
            if not is_blank(value) or formula:
                self.budget.check_width(self.name, self.next + 1, col + repeat)
                values += [None] * (col - len(values)) + [value] * repeat
                if formula:
                    formulas.update(dict.fromkeys(range(col, col + repeat), _formula(formula)))
            height, width = _count(cell, _ROWS_SPANNED), _count(cell, _COLS_SPANNED)
            if cell.tag == _CELL and (height > 1 or width > 1):
                spans.append((self.next, col, height, width))
            col += repeat
        return values, formulas, spans

    def table(self) -> Table:
        table = Table(self.name, self.rows, self.formulas)
        _merge(table, self.merges, self.budget)
        return table


def _sheets(source: IO[bytes], budget: Budget) -> list[Table]:
    """Every ``table:table`` of ``content.xml``, its rows read as they end and then dropped.

    No row or other part may hold more than ``limits.row_elements`` elements, so no
    element costs more memory than a full row.
    """
    limits = budget.limits
    tables: list[Table] = []
    sheet: _Sheet | None = None
    parents: list[Element] = []
    in_row = pending = 0
    for event, el in iterparse(source, events=("start", "end")):
        if event == "start":
            parents.append(el)
            if el.tag == _ROW:
                in_row += 1
            elif el.tag == _TABLE and not in_row and sheet is None:
                sheet = _Sheet(el.get(f"{_T}name") or f"Tabelle{len(tables) + 1}", budget)
            continue
        parents.pop()
        if el.tag == _ROW:
            in_row -= 1
        if in_row:  # a part of a row: kept until the row ends
            pending += 1
            if pending > limits.row_elements:
                raise _too_many_elements(limits)
            continue
        if el.tag == _ROW and sheet is not None:
            sheet.read_row(el)
            budget.tick()
        elif el.tag == _TABLE and sheet is not None:
            tables.append(sheet.table())
            sheet = None
        pending = 0
        el.clear()
        if parents:
            del parents[-1][:]  # a finished part is not kept in its parent either
    return tables


# --------------------------------------------------------------------------- file


_BROKEN = (
    ParseError,
    ValueError,
    TypeError,
    KeyError,
    OverflowError,
    IndexError,
    OSError,
    EOFError,
    zlib.error,
)


def _check_manifest(archive: zipfile.ZipFile) -> None:
    """Refuse a file saved with a password (its parts are encrypted, the ZIP is not)."""
    try:
        with archive.open(_MANIFEST) as f:
            manifest = f.read(256 * 1024)
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise _encrypted()


def ods_tables(data: bytes, limits: Limits, budget: Budget) -> list[Table]:
    """The sheets of an ODS file as tables; see the module docstring."""
    with open_archive(data, limits, lambda info: info.filename == CONTENT) as archive:
        try:
            _check_manifest(archive)
            with archive.open(CONTENT) as source:
                return _sheets(source, budget)
        except InvalidFile:
            raise
        except DefusedXmlException as e:
            raise _entities() from e
        except KeyError as e:
            raise _unreadable() from e
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
            raise unpack_errors(e) from e
        except _BROKEN as e:
            raise _unreadable() from e
