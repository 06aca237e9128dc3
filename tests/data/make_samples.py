"""Writes the import samples in this folder: ``python -m tests.data.make_samples``.

* ``clean.xlsx``: what a tidy office list looks like: areas, organisations (with the areas
  and fields they work in), people, a project council, offers, memberships and
  cooperations, German headers; every row imports.
* ``clean-organisationen-utf8bom.csv`` (``;``), ``clean-organisationen-cp1252.csv``
  (``;``, Windows-1252 as German Excel saves "CSV") and ``clean-organisationen-utf8.csv``
  (``,``): the organisations sheet of ``clean.xlsx`` as CSV files.
* ``messy.xlsx``: the problems offices really have: a title row and group headers in merged
  cells above the header row, an empty row, trailing and doubled spaces, a duplicate name,
  a near-duplicate, unknown kinds, dates in three formats (and an impossible one), a
  formula cell without a stored value, a cell merged over two rows, a misspelt area, a
  tie whose end date lies before its start. ``MESSY_EXPECTED`` is the outcome of each row.

All names are fictional. The tests import these files and assert the outcomes below.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

AREAS = [
    ["AGS", "Name", "Art", "Einwohner"],
    ["09999001", "Lindenau", "Gemeinde", "12.000"],
    ["09999002", "Birkenfeld", "Gemeinde", 8400],
    ["09999", "Beispielregion", "Region", None],
]

ORGANISATIONS = [
    ["Name", "Kurzname", "Art", "E-Mail", "Telefon", "Gegründet", "Gebiete", "Handlungsfelder"],
    [
        "Caritasverband Lindenau e.V.",
        "Caritas",
        "Wohlfahrtsverband",
        "info@caritas-lindenau.example.org",
        "0000 1001",
        dt.date(1990, 3, 1),
        "Lindenau",
        "Soziale Beratung und Begleitung; Wohnen",
    ],
    [
        "AWO Kreisverband Lindenau",
        "AWO",
        "Wohlfahrtsverband",
        "kontakt@awo-lindenau.example.org",
        "0000 1002",
        "01.06.1975",
        "Lindenau; Birkenfeld",
        "Arbeit und Ausbildung",
    ],
    [
        "Deutsch-Arabischer Frauenverein Lindenau",
        "DAF",
        "Migrantenorganisation (MSO)",
        None,
        None,
        "2012-04-15",
        "Lindenau",
        "Teilhabe und bürgerschaftliches Engagement",
    ],
    [
        "Jobcenter Beispielregion",
        None,
        "Behörde",
        "jobcenter@example.org",
        None,
        None,
        "Beispielregion",
        "work",
    ],
    [
        "Ukrainischer Kulturverein Birkenfeld",
        None,
        "MSO",
        None,
        None,
        None,
        "Birkenfeld",
        "Kultur, Religion und Sport",
    ],
]

PEOPLE = [
    ["Name", "Funktion", "E-Mail", "Telefon", "Einwilligung am", "Organisation"],
    [
        "Aylin Beispiel",
        "Migrationsberatung",
        "a.beispiel@example.org",
        "0000 2001",
        "15.01.2024",
        "Caritasverband Lindenau e.V.",
    ],
    ["Jonas Muster", "Geschäftsführung", None, None, None, "AWO Kreisverband Lindenau"],
    [
        "Olena Probe",
        "Vorstand",
        "olena@example.org",
        None,
        "2024-02-01",
        "Ukrainischer Kulturverein Birkenfeld",
    ],
]

BODIES = [
    ["Name", "Art", "Beschreibung"],
    ["Projektrat Integration", "Projektrat", "Gremium der Wohlfahrtsverbände, MSO und Behörden"],
]

OFFERS = [
    [
        "Titel",
        "Träger",
        "Beginn",
        "Ende",
        "Programm",
        "Sprachen",
        "Handlungsfelder",
        "Zielgruppen",
        "Gebiete",
    ],
    [
        "Migrationsberatung für Erwachsene",
        "Caritasverband Lindenau e.V.",
        "01.01.2020",
        None,
        "MBE",
        "de, ar, tr",
        "Soziale Beratung und Begleitung",
        "Neuzugewanderte",
        "Lindenau",
    ],
    [
        "Sprachcafé",
        "AWO Kreisverband Lindenau",
        "2023-09-01",
        None,
        None,
        "de, uk",
        "language",
        "Geflüchtete; Frauen",
        "Lindenau; Birkenfeld",
    ],
    [
        "Sprachcafé",
        "Ukrainischer Kulturverein Birkenfeld",
        "01.03.2022",
        "31.12.2025",
        None,
        "uk, de",
        "Sprache und frühkindliche Bildung",
        "Geflüchtete",
        "Birkenfeld",
    ],
]

MEMBERSHIPS = [
    ["Mitglied", "Gremium", "Rolle", "Sitz", "Seit"],
    [
        "Caritasverband Lindenau e.V.",
        "Projektrat Integration",
        "Vorsitz",
        "Wohlfahrt",
        "01.01.2023",
    ],
    [
        "Deutsch-Arabischer Frauenverein Lindenau",
        "Projektrat Integration",
        "Mitglied",
        "MSO",
        "01.01.2023",
    ],
    ["Jobcenter Beispielregion", "Projektrat Integration", "beratend", None, "2023-01-01"],
    ["Aylin Beispiel", "Projektrat Integration", "Stellvertretung", None, "01.06.2024"],
]

COOPERATIONS = [
    ["Organisation", "Partner", "Art der Kooperation", "Intensität", "Seit", "Bis", "Notiz"],
    [
        "Caritasverband Lindenau e.V.",
        "AWO Kreisverband Lindenau",
        "Kooperationsvereinbarung",
        3,
        "01.01.2020",
        None,
        None,
    ],
    [
        "Caritasverband Lindenau e.V.",
        "Deutsch-Arabischer Frauenverein Lindenau",
        "Gemeinsames Projekt",
        2,
        "2021-03-01",
        None,
        "Frauencafé",
    ],
    [
        "AWO Kreisverband Lindenau",
        "Jobcenter Beispielregion",
        "Verweisberatung",
        1,
        "01.06.2019",
        "31.12.2023",
        None,
    ],
    [
        "Ukrainischer Kulturverein Birkenfeld",
        "AWO Kreisverband Lindenau",
        "Austausch",
        1,
        "15/03/2022",
        None,
        None,
    ],
]

CLEAN_SHEETS = {
    "Gebiete": AREAS,
    "Organisationen": ORGANISATIONS,
    "Personen": PEOPLE,
    "Gremien": BODIES,
    "Angebote": OFFERS,
    "Mitgliedschaften": MEMBERSHIPS,
    "Kooperationen": COOPERATIONS,
}

#: (sheet, row) -> status of every row of clean.xlsx on the first import into an empty store
CLEAN_EXPECTED: dict[tuple[str, int], str] = {
    (sheet, r): "created" for sheet, rows in CLEAN_SHEETS.items() for r in range(2, len(rows) + 1)
}


# ----------------------------------------------------------------------------------- messy

MESSY_TITLE = "Partnerliste Integration Landkreis - Stand 03/2025"
MESSY_GROUPS = [("Organisation", "A2:C2"), ("Kontakt", "D2:E2"), ("Sonstiges", "F2:G2")]
MESSY_HEADER = [
    "Name der Organisation ",
    "Kurzname",
    "Art",
    "E-Mail",
    "Telefon",
    "Gründung",
    "Gebiete",
]
#: rows 4.. of the sheet "Organisationen"; None marks an empty row
MESSY_ORGS: list[list[Any] | None] = [
    # 4: trailing spaces; date as German text
    [
        "Caritasverband Lindenau e.V.  ",
        "Caritas",
        "Wohlfahrtsverband",
        "info@caritas.example.org",
        None,
        "01.03.1990",
        "Lindenau",
    ],
    # 5: empty row
    None,
    # 6: doubled inner spaces, lower-case kind, ISO date
    [
        "  AWO Kreisverband   Lindenau",
        "AWO",
        "wohlfahrtsverband",
        None,
        "0000 1002",
        "1975-06-01",
        "Lindenau",
    ],
    # 7: unknown kind
    ["Kulturverein Al-Nour", None, "Sportverein", None, None, None, "Birkenfeld"],
    # 8: the same name as row 4 (case differs)
    ["caritasverband lindenau e.V.", None, "Wohlfahrtsverband", None, None, None, None],
    # 9: near-duplicate of row 4 (no legal form): created, flagged
    ["Caritasverband Lindenau", None, "Wohlfahrtsverband", None, None, None, None],
    # 10: synonym kind, date with slashes (the third format)
    ["Deutsch-Arabischer Frauenverein", "DAF", "MSO", None, None, "15/04/2012", "Lindenau"],
    # 11, 12: the kind "Initiative" in a cell merged over both rows (C11:C12)
    ["Initiative Willkommen", None, "Initiative", None, None, None, "Birkenfeld"],
    ["Nachbarschaftshilfe Birkenfeld", None, None, None, None, None, "Birkenfeld"],
    # 13: a formula without a stored result
    ["Jobcenter Lindenau", None, "Behörde", None, None, "=DATE(2005,1,1)", None],
    # 14: no name
    [None, "XY", "Verein", None, None, None, None],
    # 15: a date that does not exist
    ["Stadtverwaltung Lindenau", None, "Kommune", None, None, "31.02.2020", "Lindenau"],
    # 16: a misspelt area
    ["Moscheegemeinde Lindenau", None, "Religionsgemeinschaft", None, None, None, "Lindenow"],
    # 17: unknown kind; a year alone as the founding date
    ["Sprachschule Birkenfeld", None, "Sprachschule", None, None, "2001", "Birkenfeld"],
]

MESSY_COOPERATIONS = [
    ["Organisation", "Partner", "Art der Kooperation", "seit", "bis"],
    # 2: matched by names as spelt in the organisations sheet (spaces, case)
    [
        "Caritasverband Lindenau e.V.",
        "AWO Kreisverband Lindenau",
        "Kooperationsvereinbarung",
        "01.01.2020",
        None,
    ],
    # 3: case differs from the organisation's name
    [
        "caritasverband lindenau e.v.",
        "Deutsch-Arabischer Frauenverein",
        "Projekt",
        "2021-03-01",
        None,
    ],
    # 4: partner whose row was rejected
    ["Caritasverband Lindenau e.V.", "Kulturverein Al-Nour", "Austausch", None, None],
    # 5: ends before it starts
    [
        "AWO Kreisverband Lindenau",
        "Initiative Willkommen",
        "Verweisberatung",
        "01.06.2022",
        "31.05.2021",
    ],
    # 6: unknown cooperation kind
    ["Initiative Willkommen", "Nachbarschaftshilfe Birkenfeld", "Freundschaft", None, None],
]

MESSY_AREAS = [
    ["AGS", "Name", "Art"],
    ["09999001", "Lindenau", "Gemeinde"],
    ["09999002", "Birkenfeld", "Gemeinde"],
]

#: (sheet, row) -> (status, column of the problem or warning, or None)
MESSY_EXPECTED: dict[tuple[str, int], tuple[str, str | None]] = {
    ("Gebiete", 2): ("created", None),
    ("Gebiete", 3): ("created", None),
    # created, and flagged as a near-duplicate of row 9 (as row 9 is of row 4)
    ("Organisationen", 4): ("created", "Name der Organisation"),
    ("Organisationen", 5): ("skipped", None),
    ("Organisationen", 6): ("created", None),
    ("Organisationen", 7): ("rejected", "Art"),
    ("Organisationen", 8): ("rejected", "Name der Organisation"),
    ("Organisationen", 9): ("created", "Name der Organisation"),
    ("Organisationen", 10): ("created", None),
    ("Organisationen", 11): ("created", "Art"),
    ("Organisationen", 12): ("created", "Art"),
    ("Organisationen", 13): ("rejected", "Gründung"),
    ("Organisationen", 14): ("rejected", "Name der Organisation"),
    ("Organisationen", 15): ("rejected", "Gründung"),
    ("Organisationen", 16): ("rejected", "Gebiete"),
    ("Organisationen", 17): ("rejected", "Art"),
    ("Kooperationen", 2): ("created", None),
    ("Kooperationen", 3): ("created", None),
    ("Kooperationen", 4): ("rejected", "Partner"),
    ("Kooperationen", 5): ("rejected", "bis"),
    ("Kooperationen", 6): ("rejected", "Art der Kooperation"),
}


def _clean_workbook() -> Any:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in CLEAN_SHEETS.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    return book


def _messy_workbook() -> Any:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Organisationen"
    ws["A1"] = MESSY_TITLE
    ws.merge_cells("A1:G1")
    for text, cells in MESSY_GROUPS:
        ws[cells.split(":")[0]] = text
        ws.merge_cells(cells)
    for col, header in enumerate(MESSY_HEADER, start=1):
        ws.cell(row=3, column=col, value=header)
    for offset, row in enumerate(MESSY_ORGS):
        if row is None:
            continue
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=4 + offset, column=col, value=value)
    ws.merge_cells("C11:C12")
    coop = book.create_sheet("Kooperationen")
    for row in MESSY_COOPERATIONS:
        coop.append(row)
    areas = book.create_sheet("Gebiete")
    for row in MESSY_AREAS:
        areas.append(row)
    notes = book.create_sheet("Notizen")
    notes["A1"] = "Offene Fragen für die nächste Sitzung"
    return book


def _csv(rows: list[list[Any]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [
                "" if v is None else (v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else v)
                for v in row
            ]
        )
    return out.getvalue()


def main(folder: Path = HERE) -> list[Path]:
    """Write every sample into ``folder``; returns the paths."""
    written = []
    path = folder / "clean.xlsx"
    _clean_workbook().save(path)
    written.append(path)
    path = folder / "messy.xlsx"
    _messy_workbook().save(path)
    written.append(path)
    for name, encoding, delimiter in (
        ("clean-organisationen-utf8bom.csv", "utf-8-sig", ";"),
        ("clean-organisationen-cp1252.csv", "cp1252", ";"),
        ("clean-organisationen-utf8.csv", "utf-8", ","),
    ):
        path = folder / name
        path.write_bytes(_csv(ORGANISATIONS, delimiter).encode(encoding))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main():
        print(p)
