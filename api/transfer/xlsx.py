"""XLSX workbooks as tables, read row by row within the :class:`~api.transfer.limits.Limits`.

openpyxl opens the workbook read-only (its styles, names and shared strings; its XML goes
through defusedxml, which refuses DTDs with entities, so neither an external entity nor a
"billion laughs" expansion is ever resolved). Each sheet's XML is then streamed here with
openpyxl's own cell parser: one row at a time, nothing padded to the sheet's stated size,
each row checked against the limits before it is kept, trailing empty rows never kept. A
formula cell gives the value Excel stored with it; its formula text is kept beside it.
Merged ranges fill every cell they cover with their first cell's value.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from api.i18n import N_, Text
from api.transfer.archive import open_archive, unpack_errors
from api.transfer.limits import Budget, FileTooLarge, InvalidFile, Limits
from api.transfer.table import Table, Verbatim, is_blank

__all__ = ["xlsx_tables"]

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _FORMULA, _MERGES = f"{_NS}row", f"{_NS}f", f"{_NS}mergeCells"


def _unreadable() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei ist keine lesbare XLSX-Arbeitsmappe: bitte noch einmal als .xlsx "
                "(Excel-Arbeitsmappe) oder als CSV speichern."
            )
        )
    )


def _entities() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei enthält XML-Entitäten (eine DTD), wie sie keine Arbeitsmappe "
                "braucht; aus Sicherheitsgründen wird sie nicht gelesen: bitte in Excel oder "
                "LibreOffice öffnen, als .xlsx neu speichern und diese Kopie importieren."
            )
        )
    )


def _cell_parser(book: Any, ws: Any) -> Any:
    """openpyxl's parser of ``ws``'s cells, set up as its read-only worksheet does (openpyxl
    3.1; the version is locked), with the formula text kept beside the stored value."""
    from openpyxl.worksheet._reader import WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Element) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if element.find(_FORMULA) is not None:
                formula = self.parse_formula(element)
                cell["formula"] = str(getattr(formula, "text", formula))
            return cell

    return Parser(
        None,
        ws._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )


def _elements(source: Any, limits: Limits) -> Iterator[Element]:
    """The rows and the merged ranges of a sheet's XML, each a finished element; every other
    part is dropped as it ends. No part may hold more than ``limits.row_elements``
    elements, so no single element costs more memory than a full row."""
    depth = pending = 0
    parents: list[Element] = []
    for event, el in iterparse(source, events=("start", "end")):
        if event == "start":
            depth += 1
            parents.append(el)
            continue
        depth -= 1
        parents.pop()
        pending += 1
        if pending > limits.row_elements:
            raise FileTooLarge(
                Text(
                    N_(
                        "Ein Teil eines Blatts (z. B. eine Zeile) hat mehr als %(n)s "
                        "XML-Elemente: bitte in Excel oder LibreOffice neu speichern."
                    ),
                    {"n": limits.row_elements},
                )
            )
        if el.tag in (_ROW, _MERGES):
            yield el
        if el.tag in (_ROW, _MERGES) or depth <= 1:
            pending = 0
            el.clear()
            if parents:
                del parents[-1][:]  # a finished part is not kept in its parent either


def _quoted(value: Any) -> bool:
    # anywhere, not only first: each item of a list cell is read as a cell of its own
    return isinstance(value, str) and "'" in value


def _sheet(book: Any, ws: Any, budget: Budget) -> Table:
    parser = _cell_parser(book, ws)
    rows: list[list[Any]] = []
    formulas: dict[tuple[int, int], str] = {}
    ranges: list[str] = []
    with ws._get_source() as source:
        for el in _elements(source, budget.limits):
            if el.tag == _MERGES:
                ranges += [m.get("ref", "") for m in el]
                continue
            number, cells = parser.parse_row(el)
            kept = [c for c in cells if not is_blank(c["value"]) or "formula" in c]
            if not kept or number <= len(rows):
                continue  # an empty row (kept if a later one has values) or out of order
            width = max(c["column"] for c in kept)
            budget.check_width(ws.title, number, width)
            budget.take_rows(number - len(rows))
            values: list[Any] = [None] * width
            for c in kept:
                value = c["value"]
                values[c["column"] - 1] = Verbatim(value) if _quoted(value) else value
                if "formula" in c:
                    formulas[(number - 1, c["column"] - 1)] = c["formula"]
            budget.check_cells(ws.title, number, values)
            rows += [[] for _ in range(number - 1 - len(rows))]
            rows.append(values)
    table = Table(ws.title, rows, formulas)
    _merge(table, ranges, budget)
    return table


def _merge(table: Table, ranges: list[str], budget: Budget) -> None:
    """Fill each merged range's cells (within the rows and the column limit) with its first
    cell's value."""
    from openpyxl.utils.cell import range_boundaries

    rows = table.rows
    for coord in ranges:
        try:
            left, top, right, bottom = range_boundaries(coord)
        except (ValueError, TypeError):
            continue
        top, left = top - 1, left - 1
        if top >= len(rows):
            continue
        right = min(right, budget.limits.columns)
        table.merge_origins[(top, left)] = coord
        value = rows[top][left] if left < len(rows[top]) else None
        for i in range(top, min(bottom, len(rows))):
            budget.take_cells(max(right - left, 0))
            for j in range(left, right):
                if (i, j) == (top, left):
                    continue
                while len(rows[i]) <= j:
                    rows[i].append(None)
                rows[i][j] = value
                table.merged[(i, j)] = coord


#: what opening or streaming a broken workbook raises, besides the checks' own errors
_BROKEN = (
    ParseError,
    NotImplementedError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
)


def _explained(e: BaseException) -> InvalidFile:
    """The message for what opening or streaming a workbook raised (openpyxl wraps some
    errors in a ``ValueError``: the chain says what happened)."""
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, InvalidFile):
            return seen
        if isinstance(seen, DefusedXmlException):
            return _entities()
        if isinstance(seen, zipfile.BadZipFile | NotImplementedError | RuntimeError):
            return unpack_errors(seen)
        seen = seen.__cause__ or seen.__context__
    return _unreadable()


def xlsx_tables(data: bytes, limits: Limits, budget: Budget) -> list[Table]:
    """The sheets of a workbook as tables; see the module docstring."""
    import openpyxl

    with open_archive(data, limits):
        pass  # the directory is within the limits: now openpyxl may open it
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except (*_BROKEN, DefusedXmlException, zipfile.BadZipFile, RuntimeError) as e:
        raise _explained(e) from e
    try:
        return [_sheet(book, ws, budget) for ws in book.worksheets]
    except InvalidFile:
        raise
    except (*_BROKEN, DefusedXmlException, zipfile.BadZipFile, RuntimeError) as e:
        raise _explained(e) from e
    finally:
        book.close()
