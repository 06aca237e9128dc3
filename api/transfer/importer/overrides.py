"""A mapping given by hand: the CLI's ``--map`` and ``--sheet`` options, a JSON file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from api.transfer.columns import SHEETS, sheet_by_key
from api.transfer.importer.report import SheetMapping
from graph_schema.errors import InvalidValue

__all__ = [
    "load_mapping",
    "override_mapping",
    "parse_override",
    "sheet_by_key_or_fail",
    "sheets_with",
]


def parse_override(text: str) -> tuple[str | None, str, str | None]:
    """A ``--map`` option: ``[SHEET:]COLUMN=FIELD`` (FIELD empty or ``-``: leave it out).

    Examples:
        >>> parse_override("Träger=name")
        (None, 'Träger', 'name')
        >>> parse_override("Liste:Bemerkung=-")
        ('Liste', 'Bemerkung', None)
    """
    left, sep, right = text.rpartition("=")
    if not sep or not left.strip():
        raise InvalidValue(
            f'--map {text!r}: write COLUMN=FIELD (e.g. --map "Träger=name"), optionally '
            "SHEET:COLUMN=FIELD, and COLUMN=- to leave a column out."
        )
    sheet, colon, column = left.partition(":")
    field_name = right.strip()
    value = None if field_name in ("", "-") else field_name
    if colon and sheet.strip() and column.strip():
        return sheet.strip(), column.strip(), value
    return None, left.strip(), value


def override_mapping(
    sheets: list[SheetMapping],
    overrides: list[tuple[str | None, str, str | None]],
    entities: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The whole mapping of ``sheets`` with some columns put on other fields.

    Args:
        sheets: the detected mapping (:func:`detect_mapping`).
        overrides: ``(sheet or None, column header, field or None)``; without a sheet, an
            override applies to every sheet that has the column. A sheet part that is no
            sheet's name is read as part of the header ("Tel.: privat").
        entities: sheet -> what it holds (a node label or tie type; None: leave it out).
    """
    by_name = {s.sheet: s for s in sheets}
    result: dict[str, Any] = {}
    for s in sheets:
        if s.entity:
            result[s.sheet] = {
                "entity": s.entity,
                "header_row": s.header_row,
                "columns": dict(s.columns),
            }
    for name, entity in (entities or {}).items():
        if name not in by_name:
            have = ", ".join(f"'{n}'" for n in by_name)
            raise InvalidValue(f"--sheet: the file has no sheet '{name}': use one of {have}.")
        if entity is None:
            result[name] = {"entity": None}
        elif result.get(name, {}).get("entity") != sheet_by_key_or_fail(entity, name):
            result[name] = {"entity": entity, "columns": {}}
    for sheet, column, value in overrides:
        if sheet is not None and sheet not in by_name:
            sheet, column = None, f"{sheet}:{column}"
        for t in sheets_with(column, sheet, sheets, "--map", result):
            if t not in result:
                result[t] = {"entity": _tried(by_name[t]), "columns": {}}
            if result[t].get("entity") is not None:
                result[t]["columns"][column] = value
    return {"sheets": result}


def sheets_with(
    column: str,
    sheet: str | None,
    sheets: Sequence[SheetMapping],
    option: str,
    given: Mapping[str, Any] | None = None,
) -> list[str]:
    """The sheets (``sheet``, or any) whose header row has ``column`` (or whose mapping
    ``given`` names it); a message naming the option and the columns there are if none has.

    Args:
        column: the header as written in the option.
        sheet: the sheet the option names, or None for every sheet.
        sheets: the file's sheets as detected.
        option: the option as the message names it, e.g. ``--map`` or ``--date-order 'x'``.
        given: the mapping so far (sheet -> its mapping), whose ``columns`` count too.
    """
    hit = [
        s.sheet
        for s in {s.sheet: s for s in sheets}.values()
        if (sheet is None or s.sheet == sheet)
        and (column in s.columns or column in (given or {}).get(s.sheet, {}).get("columns", {}))
    ]
    if hit:
        return hit
    where = f"sheet '{sheet}'" if sheet is not None else "any sheet"
    have = "; ".join(
        f"{s.sheet}: " + ", ".join(f"'{h}'" for h in s.columns)
        for s in sheets
        if s.columns and (sheet is None or s.sheet == sheet)
    )
    raise InvalidValue(
        f"{option}: there is no column '{column}' in {where} of the file"
        + (f" (columns: {have})" if have else "")
        + ": write the header as it is in the file's header row."
    )


def _tried(sheet: SheetMapping) -> str:
    """What a sheet that could not be read was tried as; a message if it was nothing."""
    if sheet.tried is None:
        raise InvalidValue(
            f"--map: sheet '{sheet.sheet}' matches no known sheet, so its columns have no "
            f'fields yet: say what it holds with --sheet "{sheet.sheet}=Organisation" '
            "(or Person, Offer, COOPERATES_WITH, ...)."
        )
    return sheet.tried


def sheet_by_key_or_fail(entity: str, sheet: str) -> str:
    """The key of the sheet spec ``entity`` names, or a message listing the choices."""
    try:
        return sheet_by_key(entity).key
    except KeyError:
        keys = ", ".join(s.key for s in SHEETS)
        raise InvalidValue(
            f"The sheet '{sheet}' cannot hold '{entity}': use one of {keys}."
        ) from None


def load_mapping(text: str) -> dict[str, Any]:
    """A mapping from JSON text: the mapping itself or a whole saved report holding one."""

    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidValue(f"The mapping is not valid JSON: {e.msg} (line {e.lineno}).") from e
    if isinstance(value, dict) and isinstance(value.get("mapping"), dict):
        value = value["mapping"]
    if not isinstance(value, dict):
        raise InvalidValue('The mapping must be a JSON object: {"sheets": {...}}.')
    return value
