"""The words of the demo region: names of towns, people, organisations, offers, events.

All of them are fictional. Names with a leading underscore are private to
:mod:`graph_schema.demo`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from graph_schema.vocab import CooperationKind, OrganisationKind

_K = OrganisationKind

_TOWN_PREFIXES = (
    "Linden", "Berg", "Eichen", "Tannen", "Rosen", "Buchen", "Wald", "Stein", "Hohen", "Neu",
    "Alt", "Grün", "Kirch", "Mühl", "Bach", "Fels", "Sonnen", "Wiesen", "Hasel", "Birken",
    "Erlen", "Ahorn", "Eschen", "Fichten", "Weiden", "Lerchen", "Falken", "Hirsch", "Wolfs",
    "Kranich", "Schwan", "Brunn", "Sand", "Moos", "Heide", "Auen", "Roden", "Ulmen", "Espen",
    "Finken",
)  # fmt: skip
_TOWN_SUFFIXES = (
    "au", "heim", "dorf", "feld", "hausen", "bach", "burg", "stadt", "berg", "hofen", "ingen",
    "rode", "tal", "brück", "kirchen", "weiler", "hagen", "winkel",
)  # fmt: skip
_TOWN_QUALIFIERS = ("am See", "an der Aue", "im Tal", "am Forst", "in der Heide")
_DISTRICTS = ("Mitte", "Nord", "Süd", "West")
_ORTSTEILE = ("Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "Neustadt", "Oberdorf")
_STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Lindenstraße", "Schulstraße", "Gartenweg", "Kirchplatz",
    "Marktplatz", "Mühlweg", "Am Anger", "Rosenstraße", "Friedenstraße", "Goethestraße",
)  # fmt: skip

_FIRST_F = (
    "Anna", "Lena", "Katharina", "Julia", "Sabine", "Petra", "Monika", "Sophie", "Marie",
    "Laura", "Claudia", "Fatima", "Leyla", "Ayşe", "Olena", "Oksana", "Senait", "Amina",
    "Rania", "Zahra", "Natalia", "Elif", "Hevin", "Mariam", "Dilan",
)  # fmt: skip
_FIRST_M = (
    "Thomas", "Michael", "Andreas", "Stefan", "Markus", "Jan", "Lukas", "Felix", "Jonas",
    "Ahmad", "Mohammed", "Mehmet", "Dmytro", "Yonas", "Omar", "Hassan", "Ali", "Sergej",
    "Emre", "Kiflom", "Tobias", "Daniel",
)  # fmt: skip
_LAST = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Al-Hassan", "Haddad", "Nasser", "Rahimi",
    "Ahmadi", "Karimi", "Kovalenko", "Shevchenko", "Bondarenko", "Tesfaye", "Gebremedhin",
    "Haile", "Ivanova", "Petrov", "Aziz", "Osman", "Mahmoud", "Hussein", "Doğan",
)  # fmt: skip
_GERMAN_SURNAMES = _LAST[:24]

# adjective stem, language of the community
_NATIONS = (
    ("Syrisch", "ar"), ("Afghanisch", "fa"), ("Eritreisch", "ti"), ("Ukrainisch", "uk"),
    ("Türkisch", "tr"), ("Kurdisch", "ku"), ("Iranisch", "fa"), ("Irakisch", "ar"),
    ("Russisch", "ru"), ("Polnisch", None), ("Rumänisch", None), ("Bulgarisch", None),
    ("Griechisch", None), ("Italienisch", None), ("Kamerunisch", "en"),
    ("Nigerianisch", "en"), ("Somalisch", None), ("Vietnamesisch", None),
    ("Marokkanisch", "ar"), ("Afrikanisch", "en"), ("Arabisch", "ar"), ("Ghanaisch", "en"),
)  # fmt: skip
# noun, grammatical gender (adjective ending)
_MSO_NOUNS = (
    ("Kulturverein", "er"), ("Elternverein", "er"), ("Frauenverein", "er"),
    ("Freundeskreis", "er"), ("Bildungs- und Kulturverein", "er"), ("Gemeinschaft", "e"),
    ("Initiative", "e"), ("Kulturzentrum", "es"), ("Jugendforum", "es"),
    ("Begegnungszentrum", "es"),
)  # fmt: skip

_KVS = (
    ("AWO Kreisverband Beispielregion e.V.", "AWO KV", 1947),
    ("Caritasverband für die Beispielregion e.V.", "Caritas", 1952),
    ("Diakonisches Werk Beispielregion e.V.", "Diakonie", 1958),
    ("DRK-Kreisverband Beispielregion e.V.", "DRK KV", 1950),
    ("Der Paritätische – Kreisgruppe Beispielregion", "Paritätischer", 1971),
)
_DIAKONIE = 2
_LOCAL_UNITS = (
    ("AWO Ortsverein {t}", "AWO Migrationsdienst {t}", "AWO Familienzentrum {t}"),
    ("Caritas-Zentrum {t}", "Caritas Fachdienst Migration {t}", "Caritas-Sozialstation {t}"),
    ("Diakonie {t} – Sozialberatung", "Diakonie-Sozialstation {t}", "Diakonie-Laden {t}"),
    ("DRK-Ortsverein {t}", "DRK Kleiderladen {t}", "DRK Migrationsberatung {t}"),
    ("Paritätisches Sozialzentrum {t}", "Paritätischer Treffpunkt {t}"),
)
_AUTHORITIES = (
    ("Ausländerbehörde Beispielregion", "ABH"),
    ("Jobcenter Beispielregion", "Jobcenter"),
    ("Agentur für Arbeit Beispielstadt", "Arbeitsagentur"),
    ("BAMF – Regionalkoordination Beispielregion", "BAMF"),
    ("Gesundheitsamt Beispielregion", None),
    ("Kreisjugendamt Beispielregion", None),
    ("Staatliches Schulamt Beispielregion", "Schulamt"),
)
_ABH, _JOBCENTER, _BAMF = 0, 1, 3
_NAME_TEMPLATES: dict[OrganisationKind, tuple[str, ...]] = {
    _K.AUTHORITY: (
        "Jobcenter Geschäftsstelle {t}", "Sozialamt {t}", "Bürgerbüro {t}", "Jugendamt {t}",
        "Polizeiinspektion {t}", "Standesamt {t}",
    ),
    _K.EDUCATION_PROVIDER: (
        "Volkshochschule {t}", "Sprachschule Polyglott {t}", "Bildungszentrum {t} gGmbH",
        "Berufliche Schule {t}", "Grundschule am {p} {t}", "Familienbildungsstätte {t}",
        "Sprachinstitut Lingua {t}", "Mittelschule {t}", "Kita Regenbogen {t}",
    ),
    _K.INITIATIVE: (
        "Willkommensinitiative {t}", "Helferkreis Asyl {t}", "Sprachpaten {t}",
        "Fahrradwerkstatt für alle {t}", "Nachbarschaftshilfe {t}", "Kleiderstube {t}",
        "Initiative Miteinander {t}", "Ukraine-Hilfe {t}", "Patenschaftsnetz {t}",
    ),
    _K.ASSOCIATION: (
        "TSV {t} e.V.", "Heimatverein {t} e.V.", "Musikverein {t} e.V.", "Mieterverein {t} e.V.",
        "Frauenhaus {t} e.V.", "Tafel {t} e.V.", "Kulturforum {t} e.V.",
        "Schachclub {t} e.V.", "FC {t} e.V.", "Jugendhaus {t} e.V.",
    ),
    _K.RELIGIOUS_COMMUNITY: (
        "Evangelisch-Lutherische Kirchengemeinde {t}", "Katholische Pfarrei St. {s} {t}",
        "Islamische Gemeinde {t} e.V.", "Türkisch-Islamische Gemeinde {t} e.V.",
        "Eritreisch-Orthodoxe Gemeinde {t}", "Jüdische Gemeinde {t}",
        "Freie Evangelische Gemeinde {t}", "Ukrainisch-Orthodoxe Gemeinde {t}",
        "Alevitische Gemeinde {t} e.V.",
    ),
    _K.EMPLOYER: (
        "Stadtwerke {t} GmbH", "Klinikum {t}", "Pflegedienst {n} GmbH",
        "Maschinenbau {n} GmbH & Co. KG", "Bäckerei {n} {t}", "Logistikzentrum {t} GmbH",
        "Hotel zur Post {t}", "Autohaus {n} {t}", "Seniorenzentrum {t} gGmbH",
    ),
    _K.OTHER: (
        "Bürgerstiftung {t}", "Mehrgenerationenhaus {t}", "Stadtbibliothek {t}",
        "Ehrenamtsagentur {t}", "Familienzentrum {t}", "Quartiersbüro {t}",
        "Dolmetscherdienst {t}",
    ),
}  # fmt: skip
_PLACES = ("Lindenplatz", "Marktplatz", "Schlossberg", "Mühlbach", "Sonnenhang")
_SAINTS = ("Martin", "Michael", "Elisabeth", "Josef", "Marien", "Laurentius")

_W, _E = _K.WELFARE_ASSOCIATION, _K.EDUCATION_PROVIDER
# per field: (title, programme, cost, description, provider kinds or None for any)
_OFFER_TEMPLATES: dict[str, tuple[tuple[str, str | None, str | None, str, Any], ...]] = {
    "language": (
        ("Integrationskurs", "Integrationskurs", "Kostenbeitrag je Unterrichtseinheit",
         "Sprach- und Orientierungskurs nach dem Aufenthaltsgesetz.", (_E, _W)),
        ("Alphabetisierungskurs", "Integrationskurs", "kostenlos",
         "Integrationskurs mit Alphabetisierung.", (_E,)),
        ("Berufssprachkurs B2", "Berufssprachkurs", "kostenlos",
         "Berufsbezogene Deutschsprachförderung.", (_E,)),
        ("Sprachcafé", None, "kostenlos", "Offener Treff zum Deutschüben.", None),
        ("Deutschkurs für Frauen mit Kinderbetreuung", None, "kostenlos",
         "Niedrigschwelliger Kurs mit Kinderbetreuung.", None),
    ),
    "school": (
        ("Hausaufgabenhilfe", None, "kostenlos", "Lernunterstützung am Nachmittag.", None),
        ("Lernpatenschaften", None, "kostenlos", "Ehrenamtliche begleiten Schulkinder.", None),
        ("Elterncafé Schule", None, "kostenlos", "Austausch zum Schulsystem.", None),
        ("Begleitung für Seiteneinsteiger", None, "kostenlos",
         "Unterstützung beim Einstieg in die Schule.", None),
    ),
    "work": (
        ("Bewerbungstraining", None, "kostenlos", "Unterlagen, Vorstellungsgespräche.", None),
        ("Berufssprachkurs Pflege", "Berufssprachkurs", "kostenlos",
         "Berufsbezogene Sprachförderung für Pflegeberufe.", (_E,)),
        ("Beratung zur Anerkennung ausländischer Abschlüsse", None, "kostenlos",
         "Lotsenberatung im Anerkennungsverfahren.", None),
        ("Ausbildungsbegleitung", None, "kostenlos", "Begleitung während der Ausbildung.", None),
        ("Jobcoaching für Geflüchtete", None, "kostenlos", "Individuelles Coaching.", None),
    ),
    "housing": (
        ("Wohnraumvermittlung", None, "kostenlos", "Vermittlung von Mietwohnungen.", None),
        ("Beratung bei der Wohnungssuche", None, "kostenlos", "Hilfe bei der Suche.", None),
        ("Mieterführerschein", None, "kostenlos", "Kurs zu Rechten und Pflichten.", None),
    ),
    "health": (
        ("Psychosoziale Beratung für Geflüchtete", None, "kostenlos",
         "Beratung und Vermittlung in Therapie.", None),
        ("Gesundheitslotsen", None, "kostenlos", "Mehrsprachige Begleitung zu Ärzten.", None),
        ("Dolmetscherpool Gesundheit", None, "Eigenanteil nach Absprache",
         "Sprachmittlung für Arztbesuche.", None),
    ),
    "counselling": (
        ("Migrationsberatung für erwachsene Zugewanderte", "MBE", "kostenlos",
         "Bundesgeförderte Beratung für Zugewanderte ab 27 Jahren.", (_W,)),
        ("Jugendmigrationsdienst", "JMD", "kostenlos",
         "Beratung für junge Zugewanderte von 12 bis 27 Jahren.", (_W,)),
        ("Sozialberatung", None, "kostenlos", "Allgemeine Sozialberatung.", None),
        ("Flüchtlingssozialarbeit", None, "kostenlos", "Beratung in Unterkünften.", None),
    ),
    "legal": (
        ("Asylverfahrensberatung", None, "kostenlos", "Unabhängige Verfahrensberatung.", None),
        ("Aufenthaltsrechtliche Beratung", None, "kostenlos", "Fragen zum Aufenthalt.", None),
        ("Einbürgerungsberatung", None, "kostenlos", "Information zur Einbürgerung.", None),
    ),
    "participation": (
        ("Ehrenamtskoordination", None, "kostenlos", "Vermittlung von Ehrenamtlichen.", None),
        ("Patenschaftsprogramm", None, "kostenlos", "Tandems von Alt- und Neubürgern.", None),
        ("Integrationslotsen", None, "kostenlos", "Lotsen begleiten im Alltag.", None),
    ),
    "culture": (
        ("Interkulturelles Fest", None, "kostenlos", "Jährliches Begegnungsfest.", None),
        ("Sportangebot für Jugendliche", None, "2 € pro Termin", "Offenes Training.", None),
        ("Frauentreff", None, "kostenlos", "Wöchentlicher Treff für Frauen.", None),
        ("Chor der Kulturen", None, "kostenlos", "Mehrsprachiger Chor.", None),
    ),
    "antidiscrimination": (
        ("Antidiskriminierungsberatung", None, "kostenlos", "Beratung bei Diskriminierung.",
         None),
        ("Workshop interkulturelle Öffnung", None, "Teilnahmebeitrag",
         "Fortbildung für Fachkräfte und Verwaltung.", None),
        ("Empowerment-Training", None, "kostenlos", "Stärkung von Betroffenen.", None),
    ),
}  # fmt: skip

_FUNCTIONS: dict[OrganisationKind, tuple[str | tuple[str, str], ...]] = {
    _K.WELFARE_ASSOCIATION: (
        "Migrationsberatung", "Fachbereichsleitung Migration", "Geschäftsführung",
        "Koordination Ehrenamt", "Flüchtlingssozialarbeit",
    ),
    _K.MIGRANT_ORGANISATION: ("Vorstand", "Vorsitz", "Projektkoordination"),
    _K.AUTHORITY: ("Sachgebietsleitung", "Teamleitung", "Sachbearbeitung"),
    _K.MUNICIPALITY: (
        ("Integrationsbeauftragte", "Integrationsbeauftragter"), "Sozialplanung",
        "Leitung Integrationsbüro",
    ),
    _K.EDUCATION_PROVIDER: ("Fachbereichsleitung Deutsch", "Schulleitung", "Bildungsberatung"),
    _K.INITIATIVE: ("Koordination", "Sprecherteam"),
    _K.ASSOCIATION: ("Vorstand", "Jugendleitung", "Geschäftsstelle"),
    _K.RELIGIOUS_COMMUNITY: ("Gemeindeleitung", "Seelsorge", "Vorstand"),
    _K.EMPLOYER: ("Personalabteilung", "Ausbildungsleitung", "Geschäftsführung"),
    _K.OTHER: ("Leitung", "Koordination", "Projektleitung"),
}  # fmt: skip

_EVENT_TITLES = (
    "Fachtag Integration", "Netzwerktreffen Migrationsberatung",
    "Interkulturelle Woche – Auftakt", "Fachveranstaltung Arbeitsmarktintegration Geflüchteter",
    "Infoabend Anerkennung ausländischer Berufsabschlüsse",
    "Workshop Interkulturelle Öffnung der Verwaltung",
)  # fmt: skip
_SOURCES = ("Netzwerkbefragung", "Erhebung Integrationsbüro", "Selbstauskunft")
_NOTES = {
    CooperationKind.FORMAL_AGREEMENT: "Kooperationsvereinbarung zur Ausbildungsbegleitung",
    CooperationKind.JOINT_PROJECT: "Gemeinsames Sprachcafé",
    CooperationKind.REFERRAL: "Verweis bei aufenthaltsrechtlichen Fragen",
    CooperationKind.EXCHANGE: "Jährliches Austauschtreffen",
    CooperationKind.FUNDING: "Förderung aus kommunalen Integrationsmitteln",
}
_TAGS = ("Ehrenamt", "Geflüchtete", "Frauen", "Jugend", "Sprache", "Arbeitsmarkt", "Ukraine")


def _ascii(text: str) -> str:
    """Transliterate German and Turkish letters to ASCII.

    Examples:
        >>> _ascii("Müller-Şahin Straße")
        'Mueller-Sahin Strasse'
    """
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(a, b)
    text = text.replace("ß", "ss").replace("ı", "i")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str, limit: int = 40) -> str:
    """A DNS-safe slug of a name, cut at a word boundary.

    Examples:
        >>> _slug("Deutsch-Syrischer Kulturverein Lindenau e.V.")
        'deutsch-syrischer-kulturverein-lindenau'
    """
    words = []
    for word in _ascii(text).lower().replace("–", " ").replace("-", " ").split():
        clean = "".join(c for c in word if c.isalnum())
        if clean and clean not in ("ev", "ggmbh", "gmbh", "co", "kg"):
            words.append(clean)
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "org"
