"""The import template: an XLSX workbook an office fills in and imports as it is.

One sheet per list an office keeps (organisations, offers, people, bodies, areas,
cooperations, memberships) under the titles and with the German headers the import reads
(:data:`~api.transfer.columns.SHEETS`), each with a bold, frozen header row and one
clearly fictional example row. Columns of a vocabulary (an organisation's kind, a
membership's role, ...) and the link columns to fields of action and target groups offer
their German terms as a drop-down list; the lists live on the hidden sheet "Listen"
(an inline list may hold at most 255 characters). The first sheet, "Anleitung", explains
the rest.

The two extra sheets are not imported: no row among the first
:data:`~api.transfer.importer.HEADER_SCAN` of either names the columns of any sheet, so the
import preview lists them as "nicht importiert" and reads nothing from them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Mapping, Sequence
from typing import Any

from api.transfer.columns import SheetSpec, sheet_by_key
from api.transfer.importer import HEADER_SCAN
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.graph_store import MAX_LIMIT
from graph_schema.vocab import (
    AREA_KINDS,
    BODY_KINDS,
    COOPERATION_KINDS,
    FIELDS,
    ORGANISATION_KINDS,
    ROLES,
    TARGET_GROUPS,
    Label,
)

__all__ = ["FILENAME", "GUIDE", "LISTS", "MEDIA_TYPE", "SHEETS", "build_template", "template"]

FILENAME = "Netzwerkatlas-Importvorlage.xlsx"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GUIDE, LISTS = "Anleitung", "Listen"  # the importer skips them: TEMPLATE_SHEETS
#: rows a drop-down list covers below the header
_ROWS = 1000
#: the columns a new office list needs: ids are derived from names, ties' ends are named
_LEFT_OUT = frozenset({"id", "from_id", "to_id"})

#: the sheets, in order: (sheet key, example rows by property)
_EXAMPLES: tuple[tuple[str, tuple[Mapping[str, Any], ...]], ...] = (
    (
        "Organisation",
        (
            {
                "name": "Beispielverein Musterstadt e. V.",
                "short_name": "BVM",
                "kind": "Verein",
                "description": "Fiktives Beispiel: Beratung und Begegnung.\n"
                "Bitte durch Ihre eigenen Einträge ersetzen.",
                "website": "https://beispielverein.example",
                "email": "info@beispielverein.example",
                "phone": "01234 567890",
                "address": "Musterstraße 1, 12345 Musterstadt",
                "languages": "Deutsch; Arabisch; Türkisch",
                "tags": "Beratung; Ehrenamt",
                "founded": dt.date(2010, 5, 1),
                "source": "Beispiel",
                "areas": "Musterstadt",
            },
            {
                "name": "Bildungswerk Musterstadt",
                "kind": "Bildungsträger",
                "description": "Fiktives Beispiel: Sprach- und Integrationskurse.",
                "languages": "Deutsch; Englisch",
                "areas": "Musterstadt",
            },
        ),
    ),
    (
        "Offer",
        (
            {
                "title": "Sprachcafé Musterstadt",
                "description": "Fiktives Beispiel: wöchentlicher Treff zum Deutschüben.",
                "languages": "Deutsch; Englisch",
                "starts_on": dt.date(2024, 9, 1),
                "ends_on": dt.date(2025, 12, 31),
                "programme": "Beispielprogramm",
                "cost": "kostenlos",
                "provider": "Beispielverein Musterstadt e. V.",
                "areas": "Musterstadt",
            },
        ),
    ),
    (
        "Person",
        (
            {
                "name": "Erika Musterfrau",
                "function": "Koordination",
                "email": "erika.musterfrau@beispielverein.example",
                "phone": "01234 567891",
                "consent_given_on": dt.date(2025, 1, 15),
                "organisation": "Beispielverein Musterstadt e. V.",
            },
        ),
    ),
    (
        "Body",
        (
            {
                "name": "Arbeitskreis Integration Musterstadt",
                "kind": "Arbeitskreis",
                "description": "Fiktives Beispiel: trifft sich viermal im Jahr.",
            },
        ),
    ),
    (
        "Area",
        (
            {
                "name": "Musterstadt",
                "kind": "Gemeinde",
                "population": 12345,
                "population_as_of": dt.date(2024, 12, 31),
                "source": "Beispiel",
            },
        ),
    ),
    (
        "COOPERATES_WITH",
        (
            {
                "from_name": "Beispielverein Musterstadt e. V.",
                "to_name": "Bildungswerk Musterstadt",
                "since": dt.date(2023, 1, 1),
                "kind": "Gemeinsames Projekt",
                "intensity": 2,
                "note": "Fiktives Beispiel",
            },
        ),
    ),
    (
        "MEMBER_OF",
        (
            {
                "from_name": "Beispielverein Musterstadt e. V.",
                "to_name": "Arbeitskreis Integration Musterstadt",
                "since": dt.date(2022, 3, 1),
                "role": "Mitglied",
            },
        ),
    ),
)

#: the template's sheets (keys of :data:`~api.transfer.columns.SHEETS`), in order
SHEETS: tuple[str, ...] = tuple(key for key, _ in _EXAMPLES)


def _labels(table: Mapping[Any, Label]) -> list[str]:
    return [label.de for label in table.values()]


#: drop-down lists: name -> (title on the sheet "Listen", terms, several per cell)
_CHOICES: dict[str, tuple[str, list[str], bool]] = {
    "organisation_kind": ("Auswahl: Art der Organisation", _labels(ORGANISATION_KINDS), False),
    "body_kind": ("Auswahl: Art des Gremiums", _labels(BODY_KINDS), False),
    "area_kind": ("Auswahl: Art des Gebiets", _labels(AREA_KINDS), False),
    "cooperation_kind": ("Auswahl: Art der Kooperation", _labels(COOPERATION_KINDS), False),
    "role": ("Auswahl: Rolle im Gremium", _labels(ROLES), False),
    "fields": ("Auswahl: Handlungsfelder", _labels(FIELDS), True),
    "target_groups": ("Auswahl: Zielgruppen", _labels(TARGET_GROUPS), True),
}

#: the sheet "Anleitung": one paragraph per row (a title is bold)
_GUIDE: tuple[tuple[str, bool], ...] = (
    ("Importvorlage für den Netzwerkatlas", True),
    (
        "Tragen Sie Ihre Daten in die Blätter dieser Arbeitsmappe ein: eine Zeile je "
        "Eintrag (eine Organisation, ein Angebot, eine Person …), die erste Zeile jedes "
        "Blatts ist die Kopfzeile und bleibt, wie sie ist.",
        False,
    ),
    (
        "Jedes Blatt enthält eine erfundene Beispielzeile. Ersetzen oder löschen Sie sie "
        "vor dem Import, sonst wird sie mit importiert.",
        False,
    ),
    ("Die Blätter", True),
    ("Organisationen: Vereine, Träger, Behörden, Initiativen – Name und Art sind Pflicht.", False),
    ("Angebote: Kurse, Beratungen, Treffs – mit Träger, Zielgruppen und Handlungsfeldern.", False),
    ("Personen: Ansprechpersonen und die Organisation, für die sie sprechen.", False),
    ("Gremien: Arbeitskreise, Netzwerke, Ausschüsse – Name und Art sind Pflicht.", False),
    ("Gebiete: Gemeinden, Stadtteile, Regionen, in denen Organisationen tätig sind.", False),
    ("Kooperationen: welche Organisation mit welcher Partnerorganisation zusammenarbeitet.", False),
    ("Mitgliedschaften: welche Organisation oder Person in welchem Gremium mitwirkt.", False),
    ("So füllen Sie die Zellen", True),
    (
        "Mehrere Werte in einer Zelle (Sprachen, Gebiete, Handlungsfelder, Zielgruppen) "
        "trennen Sie mit einem Semikolon, z. B. „Deutsch; Arabisch“.",
        False,
    ),
    ("Datumsangaben schreiben Sie als Tag.Monat.Jahr, z. B. 31.12.2024.", False),
    (
        "Bei Art, Rolle, Handlungsfeldern und Zielgruppen bietet die Zelle eine Auswahlliste "
        "an. Verweise auf andere Einträge (Träger, Organisation, Partner, Gremium, Gebiete) "
        "schreiben Sie mit deren Namen, genau wie in der jeweiligen Liste.",
        False,
    ),
    ("Leere Zellen lassen vorhandene Angaben unverändert; nichts wird gelöscht.", False),
    ("Importieren", True),
    (
        "Sie können diese Datei so, wie sie ist, importieren (Excel oder LibreOffice, als "
        ".xlsx oder .ods gespeichert): unter „Import“ hochladen. Die Vorschau zeigt zuerst, "
        "was angelegt, geändert oder abgelehnt würde, mit Zelle und Grund; geschrieben wird "
        "erst, wenn Sie bestätigen.",
        False,
    ),
    (
        "Die Blätter „Anleitung“ und „Listen“ (ausgeblendet, mit den Auswahllisten) werden "
        "nicht importiert; die Vorschau führt sie als „nicht importiert“.",
        False,
    ),
)


def _columns(spec: SheetSpec) -> list[Any]:
    return [c for c in spec.columns if c.prop not in _LEFT_OUT]


def _write_lists(ws: Any, choices: Mapping[str, tuple[str, list[str], bool]]) -> dict[str, str]:
    """The drop-down lists on the sheet "Listen", one per column; their ranges by name.

    Titles and terms start below the rows the import looks for a header in, so that no
    term (e.g. "Gemeinde", also a header of the areas' names) makes it read the sheet.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws["A1"] = "Auswahllisten der Importvorlage"
    ws["A1"].font = Font(bold=True)
    ws["A2"] = (
        "Bitte nicht ändern: Von hier kommen die Auswahllisten der anderen Blätter. "
        "Dieses Blatt wird nicht importiert."
    )
    title_row = HEADER_SCAN + 1
    ranges: dict[str, str] = {}
    for k, (name, (title, terms, _)) in enumerate(choices.items(), start=1):
        letter = get_column_letter(k)
        ws.cell(title_row, k, title).font = Font(bold=True)
        for i, term in enumerate(terms, start=title_row + 1):
            # a stored name may hold what a worksheet cannot (control characters) or what
            # a spreadsheet program would run (a formula): written as plain text
            cell = ws.cell(i, k)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", term)
            cell.data_type = "s"
        first, last = title_row + 1, title_row + len(terms)
        ranges[name] = f"{LISTS}!${letter}${first}:${letter}${last}"
        ws.column_dimensions[letter].width = 45
    ws.sheet_state = "hidden"
    return ranges


def _validation(ws: Any, letter: str, source: str, several: bool) -> None:
    """A drop-down list from ``source`` on the column below the header."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if several:  # "Wohnen; Gesundheit" is no single term of the list: no error
        check = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=False,
            showInputMessage=True,
            promptTitle="Auswahl",
            prompt="Mehrere Einträge mit ; trennen.",
        )
    else:  # the import also knows synonyms ("MSO"): a warning, not a refusal
        check = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Unbekannter Begriff",
            error="Bitte einen Begriff aus der Liste wählen.",
        )
    check.add(f"{letter}2:{letter}{_ROWS + 1}")
    ws.add_data_validation(check)


def _write_sheet(ws: Any, spec: SheetSpec, rows: Sequence[Mapping[str, Any]], lists: Any) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = _columns(spec)
    ws.freeze_panes = "A2"
    for k, col in enumerate(columns, start=1):
        letter = get_column_letter(k)
        cell = ws.cell(1, k, col.header)
        cell.font = Font(bold=True)
        wide = col.prop in ("name", "title", "description", "from_name", "to_name", "address")
        ws.column_dimensions[letter].width = 38 if wide else max(14, len(col.header) + 4)
        for i, example in enumerate(rows, start=2):
            value = example.get(col.prop)
            cell = ws.cell(i, k, value)
            if isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        choice = col.vocab or (col.prop if col.prop in _CHOICES else None)
        if choice is not None:
            _validation(ws, letter, lists[choice], _CHOICES[choice][2])


def _write_guide(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 110
    for i, (text, title) in enumerate(_GUIDE, start=1):
        cell = ws.cell(i, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if title:
            cell.font = Font(bold=True, size=13 if i == 1 else 11)


def build_template(fields: Sequence[str] = (), target_groups: Sequence[str] = ()) -> bytes:
    """The template as XLSX bytes (see the module docstring); ``fields`` and
    ``target_groups``: the terms their drop-down lists offer (default: the vocabulary's)."""
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = "Netzwerkatlas – Importvorlage"
    guide = book.active
    assert guide is not None
    guide.title = GUIDE
    _write_guide(guide)
    sheets = [(sheet_by_key(key), rows) for key, rows in _EXAMPLES]
    targets = [book.create_sheet(spec.title) for spec, _ in sheets]
    choices = dict(_CHOICES)
    for name, given in (("fields", fields), ("target_groups", target_groups)):
        if given:
            title, _, several = choices[name]
            choices[name] = (title, list(given), several)
    lists = _write_lists(book.create_sheet(LISTS), choices)
    for ws, (spec, rows) in zip(targets, sheets, strict=True):
        _write_sheet(ws, spec, rows, lists)
    book.active = 0
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=8)
def _cached(fields: tuple[str, ...], target_groups: tuple[str, ...]) -> bytes:
    return build_template(fields, target_groups)


def _names(store: GraphStore, label: NodeLabel) -> tuple[str, ...]:
    page = store.list(label, limit=MAX_LIMIT)
    names = (getattr(n, n.name_property, None) for n in page.items)
    return tuple(sorted({str(name) for name in names if name}))


def template(store: GraphStore | None = None) -> bytes:
    """The template; its lists of fields of action and target groups are the store's (else
    the vocabulary's), so that every term offered is one the import finds."""
    if store is None:
        return _cached((), ())
    return _cached(_names(store, NodeLabel.FIELD), _names(store, NodeLabel.TARGET_GROUP))
