"""Office lists of the shape real ones have, built for the tests (never one real file).

Three files of a fictional Regionalverband, as an integration office keeps them: the
municipalities (no kind column, the AGS under its long header, population with its date,
several sources in one cell), the organisations (one flat sheet: offers and target groups as
lists in cells, fields of action by their short names, notes in brackets, "landesweit" and
"bundesweit (…)" among the places, a fact among the offers) and the cooperations (a pair
written both ways, one pair with two kinds, umbrella memberships among the cooperations, a
source far over 300 characters).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["LONG_SOURCE", "cooperations_csv", "municipalities_csv", "organisations_csv", "xlsx_of"]

LONG_SOURCE = (
    "https://www.regionalverband-beispiel.de/integration/netzwerk/kooperationsvereinbarungen/"
    "2019/vereinbarung-awo-caritas-migrationsberatung-und-fluechtlingsberatung.pdf "
    "https://www.regionalverband-beispiel.de/integration/netzwerk/protokolle/2019-03-12.pdf "
    "Protokoll der Sitzung des Integrationsnetzwerks vom 12.03.2019, Seite 4–5; "
    "Kooperationsvereinbarung zur Verweisberatung zwischen Migrationsberatung für erwachsene "
    "Zuwanderer und Flüchtlingsberatung, unterzeichnet von beiden Geschäftsführungen"
)

AWO = "Arbeiterwohlfahrt Landesverband Musterland e.V."
CARITAS = "Caritasverband für die Region Saar-Hochwald e.V."
HAUS_AFRIKA = "Haus Afrika – Afrikanischer Kulturverein e.V."
DIAKONIE = "Diakonisches Werk an der Saar gGmbH"
PARITAET = "Paritätischer Wohlfahrtsverband Landesverband Rheinland-Pfalz/Saarland e.V."
BEIRAT = "Integrationsbeirat der Stadt Sulzbach"

MUNICIPALITIES = [
    ["Gemeinde", "Amtlicher Gemeindeschlüssel", "Einwohner", "Stand", "Quelle"],
    [
        "Saarbrücken, Landeshauptstadt",
        "10041100",
        "180.374",
        "31.12.2023",
        "https://www.statistik.example/bevoelkerung https://www.saarland.example/stala",
    ],
    ["Völklingen, Mittelstadt", "10041519", "40.132", "31.12.2023", "https://stala.example"],
    ["Püttlingen", "10041516", "18.902", "31.12.2023", ""],
    ["Sulzbach/Saar", "10041518", "16.211", "31.12.2023", ""],
    ["Regionalverband Saarbrücken", "10041", "329.708", "31.12.2023", ""],
]

ORGANISATIONS = [
    ["Name", "Art", "Gemeinde", "Angebote", "Handlungsfeld", "Zielgruppe", "Webseite", "Quelle"],
    [
        AWO,
        "Wohlfahrtsverband",
        "landesweit",
        "Migrationsberatung für erwachsene Zuwanderer (MBE); Jugendmigrationsdienst; gegr. 1946",
        "Beratung; Teilhabe",
        "Geflüchtete und Neuzugewanderte; Akteure der Integrationsarbeit",
        "https://www.awo.example",
        "https://www.awo.example https://www.liste.example/awo",
    ],
    [
        CARITAS,
        "Wohlfahrtsverband",
        "Saarbrücken (Sitz; Kommunalverband der 10 Städte und Gemeinden); "
        "Püttlingen (Einsatzort Köllerbach)",
        "Sprachcafé (dienstags); Flüchtlingsberatung",
        "Sprache; Beratung",
        "Geflüchtete",
        "https://www.caritas.example",
        "",
    ],
    [
        HAUS_AFRIKA,
        "Migrantenorganisation",
        "Saarbrücken",
        "Kulturabende; Kinder- und Jugendgruppe",
        "Kultur/Religion/Sport; Antidiskriminierung",
        "Kinder; Frauen",
        "",
        "",
    ],
    [
        DIAKONIE,
        "Wohlfahrtsverband",
        "bundesweit (Träger der Diakonie Deutschland); Völklingen",
        "Sozialberatung",
        "Arbeit; Aufenthalt",
        "Neuzugewanderte",
        "https://www.diakonie.example",
        "",
    ],
    [PARITAET, "Wohlfahrtsverband", "landesweit", "", "Teilhabe", "", "", ""],
    [BEIRAT, "Beirat", "Sulzbach/Saar", "", "Teilhabe", "", "", ""],
]

COOPERATIONS = [
    ["Organisation A", "Organisation B", "Art der Kooperation", "seit", "Quelle"],
    [AWO, CARITAS, "Kooperationsvereinbarung", "2019", LONG_SOURCE],
    [CARITAS, AWO, "Kooperationsvereinbarung", "2019", ""],
    [HAUS_AFRIKA, CARITAS, "Gemeinsames Projekt", "01.03.2021", ""],
    [HAUS_AFRIKA, CARITAS, "Verweisberatung", "01.03.2021", ""],
    [DIAKONIE, PARITAET, "Mitgliedschaft/Dachverband", "", ""],
    [PARITAET, HAUS_AFRIKA, "Mitgliedschaft/Dachverband", "2015", ""],
    [HAUS_AFRIKA, DIAKONIE, "Kooperation", "2022", ""],
]


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def municipalities_csv() -> bytes:
    return _csv(MUNICIPALITIES)


def organisations_csv() -> bytes:
    return _csv(ORGANISATIONS)


def cooperations_csv() -> bytes:
    return _csv(COOPERATIONS)


def xlsx_of(sheets: dict[str, list[list[str]]], *, numeric_ags: bool = False) -> bytes:
    """A workbook as offices make them: bold, frozen header with an autofilter; with
    ``numeric_ags``, keys typed as numbers (a leading zero lost)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows):
            cells: list[object] = list(row)
            if numeric_ags and i and "schlüssel" in " ".join(rows[0]).lower():
                j = next(k for k, h in enumerate(rows[0]) if "schlüssel" in h.lower())
                cells[j] = int(row[j])
            sheet.append(cells)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_KINDS = ["Wohlfahrtsverband", "Migrantenorganisation", "Verein", "Initiative", "Behörde", "VHS"]
_FIELDS = [
    "Teilhabe",
    "Beratung",
    "Sprache",
    "Bildung",
    "Arbeit",
    "Aufenthalt",
    "Kultur/Religion/Sport",
    "Antidiskriminierung",
]
_GROUPS = ["Geflüchtete", "Neuzugewanderte", "Frauen", "Kinder", "Familien", "Senioren"]
_OFFERS = [
    "Sprachcafé",
    "Migrationsberatung",
    "Hausaufgabenhilfe",
    "Frauenfrühstück",
    "Bewerbungstraining",
    "Dolmetscherpool",
    "Elterncafé",
    "Sportgruppe",
]
_PLACES = [
    "Saarbrücken",
    "Völklingen",
    "Püttlingen",
    "Sulzbach/Saar",
    "landesweit",
    "bundesweit (Dachverband)",
]


def office_list(n: int, seed: int = 1) -> bytes:
    """``n`` organisations of the shape above, drawn at random (seeded): long names, short
    field names, lists in cells, notes in brackets, facts among the offers."""
    import random

    rnd = random.Random(seed)
    rows = [ORGANISATIONS[0]]
    for i in range(n):
        places = rnd.sample(_PLACES, rnd.randint(1, 2))
        if rnd.random() < 0.2:
            places[0] = f"{places[0]} (Einsatzort Ortsteil {i % 7})"
        offers = [f"{o} {i}" for o in rnd.sample(_OFFERS, rnd.randint(0, 3))]
        if rnd.random() < 0.1:
            offers.append(f"gegr. {1950 + i % 70}")
        rows.append(
            [
                f"Beispielverein Nummer {i} für Integration und Teilhabe im Regionalverband e.V.",
                rnd.choice(_KINDS),
                "; ".join(places),
                "; ".join(offers),
                "; ".join(rnd.sample(_FIELDS, rnd.randint(1, 3))),
                "; ".join(rnd.sample(_GROUPS, rnd.randint(0, 2))),
                f"https://verein-{i}.example",
                "",
            ]
        )
    return _csv(rows)
