"""Deterministic generator of the fictional demo region "Beispielregion".

The demo region is a regional association (``Area`` of kind ``region``, id ``09999``) with
``max(10, size // 15)`` municipalities (8-digit AGS-style ids ``09999001``, ``09999002``, ...;
the largest town, "Beispielstadt", has four districts), ``size`` organisations of every
kind, about two offers per organisation, about 2.7 cooperations per organisation
(preferential attachment: welfare associations, authorities and the coordination office are
hubs, migrant organisations mostly sit on the periphery), about one contact person per
organisation, a Projektrat with about 25 memberships, a few working groups and networks and
some events. All names of people and small organisations are fictional; e-mail addresses use
``example.org`` domains and phone numbers the fictional ``0000`` range.

The output depends only on ``size``, ``seed`` and ``today``: every date is laid out relative
to ``today`` (cooperations start between 1 January ten years before and 31 December of the
previous year; about 10 % of them have ended before ``today``). Pass ``today`` explicitly for
output that does not change from day to day.

Planted gaps (guaranteed for every seed and every ``size >= MIN_SIZE``; the ids are returned
in :class:`PlantedGaps`, the lists are planted examples, random generation may add more):

1. **Missing field** (Angebotslücke): no offer at all, whatever its dates, both ADDRESSES the
   field ``missing_field`` and is AVAILABLE_IN one of the two municipalities
   ``missing_field_areas`` or in the whole region. The field has offers elsewhere and
   both municipalities have offers in other fields, so the gap is one of a single field.
2. **Uncoordinated duplicates** (Mehrfachstruktur): four pairs of offers, valid today, each
   pair in its own cell (same single field, same single area) by two different providers
   that have never had a COOPERATES_WITH tie in either direction.
3. **Coordinated duplicates**: three pairs of offers, valid today, each pair in its own cell
   by two different providers joined by a COOPERATES_WITH tie valid today.
4. **Peripheral MSOs**: six migrant organisations, three without any cooperation tie
   (isolates) and three whose only tie ever is one cooperation, valid today, with an
   organisation of the main network.
5. **Broker** (single point of failure): a local welfare unit ("Diakonie <town> –
   Fachdienst Migration") is the only link between a cluster of six organisations in one
   municipality (four MSOs, an initiative, a religious community; internally connected)
   and the main network, to which it has three ties, all in one connected component. No
   other cooperation tie, past or present, touches the cluster, so removing the broker from
   the network of ties valid today cuts off exactly ``broker_separates``.

Examples:
    >>> import datetime as dt
    >>> region = generate_region(150, seed=7, today=dt.date(2026, 1, 15))
    >>> counts = region.counts()
    >>> counts["Organisation"], counts["Offer"], counts["Area"]
    (150, 300, 15)
    >>> counts["COOPERATES_WITH"]
    405
    >>> len(region.planted.broker_separates)
    6
    >>> region.planted.missing_field_areas[0][:5]
    '09999'
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar, cast

from graph_schema import clock
from graph_schema.model import (
    REL_SPECS,
    Area,
    Body,
    Event,
    FieldOfAction,
    Node,
    NodeLabel,
    Offer,
    Organisation,
    Person,
    RelType,
    TargetGroup,
    Tie,
)
from graph_schema.vocab import (
    FIELDS,
    ORGANISATION_KINDS,
    TARGET_GROUPS,
    AreaKind,
    BodyKind,
    CooperationKind,
    OrganisationKind,
    Role,
)

__all__ = [
    "LANGUAGES",
    "MIN_SIZE",
    "PROGRAMMES",
    "REGION_ID",
    "DemoRegion",
    "PlantedGaps",
    "generate_region",
    "vocabulary_nodes",
]

#: smallest ``size`` for which the shape and the planted gaps are guaranteed
MIN_SIZE = 60
#: language codes used for organisations and offers
LANGUAGES = ("de", "en", "ar", "fa", "uk", "tr", "ru", "ti", "ku")
#: federal programmes an offer may belong to
PROGRAMMES = ("MBE", "JMD", "Integrationskurs", "Berufssprachkurs")
REGION_ID = "09999"
REGION_NAME = "Beispielregion"
LARGEST_TOWN = "Beispielstadt"

_COOPERATIONS_PER_ORG = 2.7
_OFFERS_PER_ORG = 2
_ENDED_SHARE = 0.10
_N_UNCOORDINATED = 4
_N_COORDINATED = 3
_N_ISOLATED_MSOS = 3
_N_SINGLE_TIE_MSOS = 3
# cluster of six: a chain of five ties and two chords; broker: two into it, three out
_N_BROKER_TIES = 5 + 2 + 2 + 3
_GDPR = dt.date(2018, 5, 25)

_K = OrganisationKind
_FIELD_CODES = tuple(FIELDS)
_TG_CODES = tuple(TARGET_GROUPS)


# --------------------------------------------------------------------------- public types


@dataclass
class PlantedGaps:
    """The gaps planted on purpose; see the module docstring for their guarantees.

    Attributes:
        missing_field: a Field id with no offer at all in ``missing_field_areas``.
        missing_field_areas: two municipality Area ids.
        uncoordinated_duplicates: pairs of Offer ids in the same field × area cell whose
            providers have no COOPERATES_WITH tie.
        coordinated_duplicates: pairs of Offer ids in the same cell whose providers are
            tied by a COOPERATES_WITH tie valid today.
        peripheral_msos: migrant organisation ids with no or exactly one cooperation partner.
        broker: the Organisation id whose removal cuts ``broker_separates`` off the network.
        broker_separates: the organisation ids cut off when the broker is removed.
    """

    missing_field: str
    missing_field_areas: tuple[str, str]
    uncoordinated_duplicates: list[tuple[str, str]]
    coordinated_duplicates: list[tuple[str, str]]
    peripheral_msos: list[str]
    broker: str
    broker_separates: list[str]


@dataclass
class DemoRegion:
    """A generated region: validated model instances and the planted gaps.

    Attributes:
        nodes: node model instances per label (every label is a key).
        ties: tie model instances per relationship type (every type is a key).
        planted: the planted gaps.
    """

    nodes: dict[NodeLabel, list[Node]]
    ties: dict[RelType, list[Tie]]
    planted: PlantedGaps

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and of ties per type, keyed by label / type name.

        Returns:
            e.g. ``{"Organisation": 150, ..., "COOPERATES_WITH": 405, ...}``.
        """
        out = {str(label): len(items) for label, items in self.nodes.items()}
        out.update({str(rel): len(items) for rel, items in self.ties.items()})
        return out


def vocabulary_nodes() -> tuple[list[FieldOfAction], list[TargetGroup]]:
    """The shipped fields of action and target groups of :mod:`graph_schema.vocab` as nodes.

    Returns:
        ``(fields, target_groups)``; each node's id is its vocabulary code.

    Examples:
        >>> fields, groups = vocabulary_nodes()
        >>> fields[0].id, fields[0].name_en
        ('language', 'Language and early education')
        >>> len(groups) == len(TARGET_GROUPS)
        True
    """
    fields = [FieldOfAction(id=c, name_de=lb.de, name_en=lb.en) for c, lb in FIELDS.items()]
    groups = [TargetGroup(id=c, name_de=lb.de, name_en=lb.en) for c, lb in TARGET_GROUPS.items()]
    return fields, groups


def generate_region(
    size: int = 150, seed: int = 20240901, today: dt.date | None = None
) -> DemoRegion:
    """Generate the demo region with ``size`` organisations.

    Args:
        size: number of organisations (at least :data:`MIN_SIZE`); offers, cooperations,
            people and municipalities scale with it, the Projektrat stays at about 25 seats.
        seed: seed of the random generator; the same seed gives identical output.
        today: the reference day (default: :func:`graph_schema.clock.today`); dates are
            laid out relative to its year and "valid today" refers to it.

    Returns:
        The region with validated pydantic model instances and its planted gaps.

    Raises:
        ValueError: if ``size`` is smaller than :data:`MIN_SIZE`.

    Examples:
        >>> a = generate_region(60, seed=1, today=dt.date(2026, 6, 1))
        >>> b = generate_region(60, seed=1, today=dt.date(2026, 6, 1))
        >>> a.nodes[NodeLabel.ORGANISATION][0] == b.nodes[NodeLabel.ORGANISATION][0]
        True
        >>> a.nodes[NodeLabel.ORGANISATION][0].id
        'org-00001'
    """
    if size < MIN_SIZE:
        raise ValueError(f"size must be at least {MIN_SIZE}, got {size}")
    # hundreds of thousands of long-lived objects: the cyclic collector would rescan them
    # again and again (about 40 % of the run time at 30,000) and cannot free any of them
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Builder(size, seed, today or clock.today()).build()
    finally:
        if was_enabled:
            gc.enable()


# --------------------------------------------------------------------------- vocabularies

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

# shares of the organisations that are not fixed anchors
_REMAINDER_SHARES = {
    _K.MIGRANT_ORGANISATION: 0.24,
    _K.INITIATIVE: 0.14,
    _K.ASSOCIATION: 0.14,
    _K.WELFARE_ASSOCIATION: 0.12,
    _K.EDUCATION_PROVIDER: 0.11,
    _K.RELIGIOUS_COMMUNITY: 0.08,
    _K.EMPLOYER: 0.07,
    _K.OTHER: 0.06,
    _K.AUTHORITY: 0.04,
}
# urn multiplicity (preferential-attachment fitness) of ordinary organisations
_FITNESS = {
    _K.WELFARE_ASSOCIATION: 8,
    _K.AUTHORITY: 7,
    _K.MUNICIPALITY: 6,
    _K.EDUCATION_PROVIDER: 4,
    _K.INITIATIVE: 3,
    _K.OTHER: 3,
    _K.ASSOCIATION: 2,
    _K.RELIGIOUS_COMMUNITY: 2,
    _K.EMPLOYER: 2,
    _K.MIGRANT_ORGANISATION: 1,
}
# weight of an organisation kind when drawing the provider of an offer
_OFFER_WEIGHT = {
    _K.WELFARE_ASSOCIATION: 3.5,
    _K.EDUCATION_PROVIDER: 3.5,
    _K.AUTHORITY: 2.5,
    _K.MUNICIPALITY: 1.5,
    _K.INITIATIVE: 1.5,
    _K.ASSOCIATION: 1.0,
    _K.MIGRANT_ORGANISATION: 1.0,
    _K.OTHER: 1.0,
    _K.RELIGIOUS_COMMUNITY: 0.8,
    _K.EMPLOYER: 0.5,
}
_FIELD_PREFS = {
    _K.WELFARE_ASSOCIATION: ("counselling", "housing", "health", "work", "language", "legal"),
    _K.MIGRANT_ORGANISATION: ("culture", "participation", "counselling", "language", "school"),
    _K.AUTHORITY: ("legal", "work", "counselling", "health", "school"),
    _K.MUNICIPALITY: ("participation", "housing", "antidiscrimination", "counselling"),
    _K.EDUCATION_PROVIDER: ("language", "school", "work"),
    _K.INITIATIVE: ("language", "participation", "housing", "culture"),
    _K.ASSOCIATION: ("culture", "participation", "antidiscrimination", "housing"),
    _K.RELIGIOUS_COMMUNITY: ("culture", "counselling", "participation"),
    _K.EMPLOYER: ("work", "language"),
    _K.OTHER: ("health", "housing", "antidiscrimination", "participation"),
}
_TG_AFFINITY = {
    "language": ("newly_arrived", "refugees", "women", "children"),
    "school": ("children", "young_adults"),
    "work": ("skilled_workers", "young_adults", "refugees", "eu_migrants"),
    "housing": ("refugees", "eu_migrants", "seniors"),
    "health": ("refugees", "seniors", "disabilities", "women"),
    "counselling": ("refugees", "newly_arrived", "eu_migrants", "seniors"),
    "legal": ("refugees", "newly_arrived"),
    "participation": ("women", "young_adults", "seniors"),
    "culture": ("children", "women", "seniors"),
    "antidiscrimination": ("refugees", "eu_migrants", "disabilities"),
}

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
_KIND_WEIGHTS = {
    CooperationKind.FORMAL_AGREEMENT: 2,
    CooperationKind.JOINT_PROJECT: 3,
    CooperationKind.REFERRAL: 3,
    CooperationKind.EXCHANGE: 4,
    CooperationKind.FUNDING: 1,
}
_INTENSITY_WEIGHTS = {
    CooperationKind.FORMAL_AGREEMENT: (1, 3, 3),
    CooperationKind.JOINT_PROJECT: (1, 3, 3),
    CooperationKind.REFERRAL: (3, 2, 1),
    CooperationKind.EXCHANGE: (4, 2, 1),
    CooperationKind.FUNDING: (1, 2, 2),
}
_FUNDERS = frozenset({_K.AUTHORITY, _K.MUNICIPALITY})
_T = TypeVar("_T")
_COOP_KINDS = tuple(_KIND_WEIGHTS)
_KIND_CUM = tuple(accumulate(_KIND_WEIGHTS.values()))
_KIND_CUM_FUNDER = tuple(
    accumulate(w + 3 * (k is CooperationKind.FUNDING) for k, w in _KIND_WEIGHTS.items())
)
_INTENSITY_CUM = {k: tuple(accumulate(w)) for k, w in _INTENSITY_WEIGHTS.items()}
_ONE_TO_FOUR = (1, 2, 3, 4)
_N_FIELDS_CUM = (25, 60, 85, 100)
_N_GROUPS_CUM = (45, 85, 100)
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


# --------------------------------------------------------------------------- builder


@dataclass(slots=True)
class _Org:
    kind: OrganisationKind
    name: str
    short_name: str | None
    town: str | None  # home municipality; None = region-wide
    founded: dt.date | None
    fitness: int
    areas: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    parent: int | None = None  # index of the Kreisverband for BELONGS_TO
    hub: bool = False
    id: str = ""
    slug: str = ""
    description: str | None = None


_Raw = tuple[str, str, "dt.date | None", "dt.date | None", "dict[str, Any] | None"]


class _Builder:
    """Holds the random generator and the intermediate records of one generation."""

    def __init__(self, size: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today
        y = today.year
        self.start = dt.date(y - 10, 1, 1)
        self.end = dt.date(y - 1, 12, 31)
        self.founded_max = dt.date(y - 3, 12, 31)
        self.raw: dict[RelType, list[_Raw]] = {t: [] for t in RelType}
        self.templates: dict[tuple[str, OrganisationKind], list[Any]] = {}

    # ------------------------------------------------------------------ helpers

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi < lo:
            hi = lo
        return dt.date.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    def tie(
        self,
        rel: RelType,
        a: str,
        b: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.raw[rel].append((a, b, since, until, extra))

    def pick(self, items: Sequence[_T], cum: Sequence[float]) -> _T:
        """One of ``items`` drawn with cumulative weights ``cum``."""
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def random_town(self) -> str:
        return self.pick(self.town_ids, self.town_cum)

    def phone(self) -> str:
        return f"0000 {self.rng.randint(100000, 999999)}"

    # ------------------------------------------------------------------ areas

    def town_names(self, n: int) -> list[str]:
        rng = self.rng
        plain = [p + s for p in _TOWN_PREFIXES for s in _TOWN_SUFFIXES if s[:3] not in p.lower()]
        rng.shuffle(plain)
        qualified = [f"{p} {q}" for p in plain for q in _TOWN_QUALIFIERS]
        rng.shuffle(qualified)
        names = [LARGEST_TOWN]
        while len(names) < n:
            if qualified and (rng.random() < 0.2 or not plain):
                names.append(qualified.pop())
            elif plain:
                names.append(plain.pop())
            else:
                names.append(f"{names[len(names) % 500 + 1]} {len(names)}")
        return names

    def build_areas(self) -> None:
        rng = self.rng
        m = max(10, self.size // 15)
        names = self.town_names(m)
        largest = rng.randint(90_000, 120_000)
        pops = [largest]
        for k in range(1, m):
            pop = int(largest * 0.4 / k**0.8 * rng.uniform(0.8, 1.2))
            pops.append(pop if pop >= 3000 else rng.randint(3000, 6000))
        order = sorted(range(m), key=lambda i: _ascii(names[i]))
        self.areas: list[dict[str, Any]] = [
            {"id": REGION_ID, "name": REGION_NAME, "kind": AreaKind.REGION, "population": sum(pops)}
        ]
        self.area_name = {REGION_ID: REGION_NAME}
        self.town_ids: list[str] = []
        town_pop: dict[str, int] = {}
        for rank, i in enumerate(order):
            aid = f"09{999 - rank // 999:03d}{rank % 999 + 1:03d}"
            self.town_ids.append(aid)
            town_pop[aid] = pops[i]
            self.area_name[aid] = names[i]
            if i == 0:
                self.largest_id = aid
            self.areas.append(
                {"id": aid, "name": names[i], "kind": AreaKind.MUNICIPALITY, "population": pops[i]}
            )
            self.tie(RelType.PART_OF, aid, REGION_ID)
        self.town_pop = town_pop
        self.town_index = {t: i for i, t in enumerate(self.town_ids)}
        self.town_cum = list(accumulate(town_pop[t] for t in self.town_ids))
        weights = [rng.uniform(0.6, 1.4) for _ in _DISTRICTS]
        shares = [int(largest * w / sum(weights)) for w in weights[:-1]]
        shares.append(largest - sum(shares))
        self.district_ids = []
        for j, (suffix, pop) in enumerate(zip(_DISTRICTS, shares, strict=True), start=1):
            did = f"{self.largest_id}-{j:02d}"
            name = f"{LARGEST_TOWN}-{suffix}"
            self.district_ids.append(did)
            self.area_name[did] = name
            self.areas.append(
                {"id": did, "name": name, "kind": AreaKind.DISTRICT, "population": pop}
            )
            self.tie(RelType.PART_OF, did, self.largest_id)
        # the special places of the planted gaps: three distinct non-largest towns
        others = [t for t in self.town_ids if t != self.largest_id]
        self.cluster_town, miss_a, miss_b = rng.sample(others, 3)
        self.missing_areas = (miss_a, miss_b)
        self.forbidden = frozenset({miss_a, miss_b, REGION_ID})

    # ------------------------------------------------------------------ organisations

    def founded(self, kind: OrganisationKind) -> dt.date | None:
        rng = self.rng
        top = self.founded_max.year
        if kind in (_K.AUTHORITY, _K.MUNICIPALITY):
            return None

        def since(low: int) -> int:
            return rng.randint(min(low, top), top)

        if kind is _K.INITIATIVE:
            waves = [y for y in (2015, 2016, 2022) if y <= top]
            year = rng.choice(waves) if waves and rng.random() < 0.6 else since(2010)
        elif kind is _K.MIGRANT_ORGANISATION:
            year = since(1985) if rng.random() < 0.4 else since(2012)
        else:
            low = {_K.WELFARE_ASSOCIATION: 1950, _K.EDUCATION_PROVIDER: 1960, _K.OTHER: 1990}
            year = since(low.get(kind, 1900))
        return self.day(dt.date(year, 1, 1), min(dt.date(year, 12, 31), self.founded_max))

    def org_areas(self, town: str | None) -> list[str]:
        if town is None:
            return [REGION_ID]
        rng = self.rng
        areas = [town]
        r = rng.random()
        extra = 2 if r < 0.08 else 1 if r < 0.35 else 0
        if town == self.largest_id and rng.random() < 0.5:
            areas.append(rng.choice(self.district_ids))
        while extra and len(areas) < 3:
            extra -= 1
            other = self.random_town()
            if other not in areas:
                areas.append(other)
        return areas

    def org_fields(self, kind: OrganisationKind) -> list[str]:
        rng = self.rng
        k = self.pick(_ONE_TO_FOUR, _N_FIELDS_CUM)
        prefs = _FIELD_PREFS[kind]
        chosen: list[str] = []
        while len(chosen) < k:
            f = rng.choice(prefs) if rng.random() < 0.8 else rng.choice(_FIELD_CODES)
            if f not in chosen:
                chosen.append(f)
        return chosen

    def unique(self, make: Any, town_label: str) -> str:
        """A name not used yet: ``make(town)`` tried a few times, then with an Ortsteil."""
        for attempt in range(12):
            label = town_label if attempt < 6 else f"{town_label}-{_ORTSTEILE[attempt - 6]}"
            name = make(label)
            if name not in self.names:
                self.names.add(name)
                return name
        k = 2
        while f"{name} ({k})" in self.names:
            k += 1
        self.names.add(f"{name} ({k})")
        return f"{name} ({k})"

    def mso_name(self, town_label: str) -> str:
        rng = self.rng
        stem, _ = rng.choice(_NATIONS)
        noun, ending = rng.choice(_MSO_NOUNS)
        prefix = "Deutsch-" if rng.random() < 0.5 else ""
        return f"{prefix}{stem}{ending} {noun} {town_label} e.V."

    def template_name(self, kind: OrganisationKind, town_label: str) -> str:
        rng = self.rng
        if kind is _K.MIGRANT_ORGANISATION:
            return self.mso_name(town_label)
        return rng.choice(_NAME_TEMPLATES[kind]).format(
            t=town_label,
            p=rng.choice(_PLACES),
            s=rng.choice(_SAINTS),
            n=rng.choice(_GERMAN_SURNAMES),
        )

    def add_org(
        self,
        kind: OrganisationKind,
        name: str,
        town: str | None,
        *,
        short_name: str | None = None,
        fitness: int | None = None,
        founded: dt.date | None = None,
        hub: bool = False,
        parent: int | None = None,
    ) -> _Org:
        rng = self.rng
        base = _FITNESS[kind] if fitness is None else fitness
        org = _Org(
            kind=kind,
            name=name,
            short_name=short_name,
            town=town,
            founded=founded if founded is not None else self.founded(kind),
            fitness=max(1, round(base * rng.uniform(0.5, 1.5))),
            hub=hub,
            parent=parent,
        )
        org.areas = self.org_areas(town)
        org.fields = self.org_fields(kind)
        langs = ["de"]
        if kind is _K.MIGRANT_ORGANISATION:
            stem_lang = next((lg for st, lg in _NATIONS if st in name), None)
            if stem_lang and stem_lang != "de":
                langs.append(stem_lang)
        for _ in range(rng.choice((0, 0, 1, 2))):
            lg = rng.choice(LANGUAGES[1:])
            if lg not in langs:
                langs.append(lg)
        org.languages = langs
        self.names.add(name)
        return org

    def build_orgs(self) -> None:
        rng = self.rng
        self.names: set[str] = set()
        office = self.add_org(
            _K.MUNICIPALITY,
            "Regionalverband Beispielregion – Migrations- und Integrationsbüro",
            None,
            short_name="MIB",
            fitness=14,
            hub=True,
        )
        office.description = (
            "Koordinierungsstelle des Regionalverbands für Migration und Integration: "
            "Transparenz über Akteure und Angebote, Kooperationsstrukturen, Projektrat."
        )
        fixed: list[_Org] = []
        kvs = []
        for name, short, year in _KVS:
            kv = self.add_org(
                _K.WELFARE_ASSOCIATION,
                name,
                None,
                short_name=short,
                fitness=12,
                founded=self.day(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                hub=True,
            )
            kvs.append(kv)
        fixed += kvs
        authorities = [
            self.add_org(_K.AUTHORITY, name, None, short_name=short, fitness=10, hub=True)
            for name, short in _AUTHORITIES
        ]
        fixed += authorities
        for t in self.town_ids:
            town = self.area_name[t]
            big = self.town_pop[t] >= 20_000
            name = (
                f"Stadt {town} – Integrationsbeauftragte" if big else f"Gemeinde {town} – Rathaus"
            )
            short = f"Stadt {town}" if big else f"Gemeinde {town}"
            fit = 6 if t == self.largest_id else 4 if big else 3
            fixed.append(
                self.add_org(_K.MUNICIPALITY, name, t, short_name=short, fitness=fit, hub=big)
            )
        # broker and its cluster (kept out of the random cooperation process)
        ct = self.cluster_town
        ct_name = self.area_name[ct]
        broker = self.add_org(
            _K.WELFARE_ASSOCIATION,
            f"Diakonie {ct_name} – Fachdienst Migration",
            ct,
            parent=_DIAKONIE,
        )
        cluster = [
            self.add_org(_K.MIGRANT_ORGANISATION, self.unique(self.mso_name, ct_name), ct)
            for _ in range(4)
        ]
        for kind in (_K.INITIATIVE, _K.RELIGIOUS_COMMUNITY):
            cluster.append(
                self.add_org(
                    kind, self.unique(lambda lb, k=kind: self.template_name(k, lb), ct_name), ct
                )
            )
        fixed += [broker, *cluster]
        # the rest by quota (largest remainder)
        rest = self.size - 1 - len(fixed)
        quotas = {k: int(rest * s) for k, s in _REMAINDER_SHARES.items()}
        by_frac = sorted(_REMAINDER_SHARES, key=lambda k: -(rest * _REMAINDER_SHARES[k] % 1))
        for k in by_frac[: rest - sum(quotas.values())]:
            quotas[k] += 1
        kinds = [k for k, q in quotas.items() for _ in range(q)]
        homes = rng.choices(self.town_ids, cum_weights=self.town_cum, k=len(kinds))
        kv_weights = (3, 3, 2, 3, 1)
        for kind, home in zip(kinds, homes, strict=True):
            town = self.area_name[home]
            if kind is _K.WELFARE_ASSOCIATION:
                a = rng.choices(range(5), weights=kv_weights)[0]
                name = self.unique(lambda lb, a=a: rng.choice(_LOCAL_UNITS[a]).format(t=lb), town)
                fixed.append(self.add_org(kind, name, home, parent=a))
            else:
                name = self.unique(lambda lb, k=kind: self.template_name(k, lb), town)
                fixed.append(self.add_org(kind, name, home))
        rng.shuffle(fixed)
        self.orgs = [office, *fixed]
        width = max(5, len(str(len(self.orgs))))
        for i, org in enumerate(self.orgs, start=1):
            org.id = f"org-{i:0{width}d}"
        index = {id(o): i for i, o in enumerate(self.orgs)}
        self.office = 0
        self.kvs = [index[id(o)] for o in kvs]
        self.authorities = [index[id(o)] for o in authorities]
        self.broker = index[id(broker)]
        self.cluster = [index[id(o)] for o in cluster]
        self.town_org = {
            o.town: i for i, o in enumerate(self.orgs) if o.kind is _K.MUNICIPALITY and o.town
        }
        in_cluster = set(self.cluster)
        msos = [
            i
            for i, o in enumerate(self.orgs)
            if o.kind is _K.MIGRANT_ORGANISATION and i not in in_cluster
        ]
        self.peripheral = rng.sample(msos, _N_ISOLATED_MSOS + _N_SINGLE_TIE_MSOS)
        # the missing field: one that organisations outside the gap areas work on
        outside: dict[str, list[int]] = {}
        for i, org in enumerate(self.orgs):
            if any(a not in self.forbidden for a in org.areas):
                for f in org.fields:
                    outside.setdefault(f, []).append(i)
        candidates = [f for f in _FIELD_CODES if len(outside.get(f, ())) >= 3] or [
            f for f in _FIELD_CODES if f in outside
        ]
        self.missing_field = missing = rng.choice(candidates)
        self.missing_providers = outside[missing]
        for org in self.orgs:
            if org.fields == [missing]:  # every organisation can offer something elsewhere
                org.fields.append(
                    next(f for f in (*_FIELD_PREFS[org.kind], *_FIELD_CODES) if f != missing)
                )
        # organisation ties: ACTIVE_IN, WORKS_ON, BELONGS_TO
        for org in self.orgs:
            for area in org.areas:
                self.tie(RelType.ACTIVE_IN, org.id, area, org.founded)
            for f in org.fields:
                self.tie(RelType.WORKS_ON, org.id, f, org.founded)
            if org.parent is not None:
                self.tie(
                    RelType.BELONGS_TO, org.id, self.orgs[self.kvs[org.parent]].id, org.founded
                )

    # ------------------------------------------------------------------ cooperation

    def coop_since(self, a: int, b: int) -> dt.date:
        lo = max(d for d in (self.start, self.orgs[a].founded, self.orgs[b].founded) if d)
        return self.day(lo, self.end)

    def add_coop(
        self,
        a: int,
        b: int,
        kind: CooperationKind | None = None,
        intensity: int | None = None,
        ended: bool = False,
    ) -> None:
        rng = self.rng
        oa, ob = self.orgs[a], self.orgs[b]
        if kind is None:
            funder = oa.kind in _FUNDERS or ob.kind in _FUNDERS
            kind = self.pick(_COOP_KINDS, _KIND_CUM_FUNDER if funder else _KIND_CUM)
        if kind is CooperationKind.FUNDING and ob.kind in _FUNDERS and oa.kind not in _FUNDERS:
            a, b = b, a  # funder -> recipient
        if intensity is None:
            intensity = self.pick(_ONE_TO_FOUR, _INTENSITY_CUM[kind])
        since = self.coop_since(a, b)
        until = None
        if ended:
            until = self.day(
                min(since + dt.timedelta(days=90), self.today - dt.timedelta(1)),
                self.today - dt.timedelta(days=1),
            )
        source = (
            "Kooperationsvertrag"
            if kind is CooperationKind.FORMAL_AGREEMENT
            else f"{_SOURCES[0]} {self.end.year - 1}"
            if rng.random() < 0.5
            else rng.choice(_SOURCES[1:])
        )
        note = _NOTES[kind] if rng.random() < 0.2 else None
        extra = {"kind": kind, "intensity": intensity, "source": source, "note": note}
        self.coops.append((a, b, since, until, extra))
        key = (a, b) if a < b else (b, a)
        self.pairs.add(key)
        if until is None:
            self.today_pairs.add(key)

    def build_cooperation(self) -> None:
        rng = self.rng
        n = len(self.orgs)
        self.coops: list[tuple[int, int, dt.date, dt.date | None, dict[str, Any]]] = []
        self.pairs: set[tuple[int, int]] = set()
        self.today_pairs: set[tuple[int, int]] = set()
        excluded = {self.broker, *self.cluster, *self.peripheral}
        eligible = [i for i in range(n) if i not in excluded]
        home = [o.town or REGION_ID for o in self.orgs]
        urn: list[int] = []
        local: dict[str, list[int]] = {}
        mso_urn: list[int] = []
        for i in eligible:
            o = self.orgs[i]
            urn.extend([i] * o.fitness)
            local.setdefault(home[i], []).extend([i] * o.fitness)
            if o.kind is _K.MIGRANT_ORGANISATION:
                mso_urn.extend([i] * o.fitness)
        n_planted = _N_BROKER_TIES + _N_SINGLE_TIE_MSOS
        target = round(_COOPERATIONS_PER_ORG * self.size) - n_planted
        edges: list[tuple[int, int]] = []
        attempts = 0
        pairs = self.pairs
        while len(edges) < target and attempts < 50 * target:
            attempts += 1
            a = urn[rng.randrange(len(urn))]
            r = rng.random()
            if r < 0.45:
                pool = local[home[a]]
            elif r < 0.65 and mso_urn and self.orgs[a].kind is _K.MIGRANT_ORGANISATION:
                pool = mso_urn
            else:
                pool = urn
            b = pool[rng.randrange(len(pool))]
            if a == b:
                continue
            key = (a, b) if a < b else (b, a)
            if key in pairs:
                continue
            pairs.add(key)
            edges.append((a, b))
            for x in (a, b):
                urn.append(x)
                local[home[x]].append(x)
                if self.orgs[x].kind is _K.MIGRANT_ORGANISATION:
                    mso_urn.append(x)
        for a, b in edges:
            self.add_coop(a, b, ended=rng.random() < _ENDED_SHARE)
        # the largest component of the network valid today (union-find)
        parent = list(range(n))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b, _, until, _ in self.coops:
            ra, rb = find(a), find(b)
            if until is None and ra != rb:
                parent[ra] = rb
        sizes: dict[int, int] = {}
        for i in eligible:
            sizes[find(i)] = sizes.get(find(i), 0) + 1
        giant_root = max(sorted(sizes), key=lambda r: sizes[r])
        giant = [i for i in eligible if find(i) == giant_root]
        giant_set = set(giant)
        # broker: three ties into the giant component, cluster internally connected
        kinds = list(CooperationKind)
        planted_ties: list[tuple[int, int]] = []
        c = self.cluster
        planted_ties += [(c[i], c[i + 1]) for i in range(len(c) - 1)]
        planted_ties += [(c[0], c[2]), (c[3], c[5])]
        planted_ties += [(self.broker, c[0]), (self.broker, c[3])]
        preferred = [self.kvs[_DIAKONIE], self.town_org[self.cluster_town], self.authorities[_ABH]]
        partners = [p for p in preferred if p in giant_set]
        for p in rng.sample(giant, min(len(giant), 6)):
            if len(partners) < 3 and p not in partners:
                partners.append(p)
        planted_ties += [(self.broker, p) for p in partners[:3]]
        assert len(planted_ties) == _N_BROKER_TIES
        for j, (a, b) in enumerate(planted_ties):
            self.add_coop(a, b, kind=kinds[j % len(kinds)], intensity=j % 3 + 1)
        # peripheral MSOs with exactly one partner in the main network
        for mso in self.peripheral[_N_ISOLATED_MSOS:]:
            self.add_coop(mso, rng.choice(giant))
        rng.shuffle(self.coops)
        for a, b, since, until, extra in self.coops:
            self.tie(RelType.COOPERATES_WITH, self.orgs[a].id, self.orgs[b].id, since, until, extra)

    # ------------------------------------------------------------------ offers

    def offer_record(
        self, provider: int, fields: list[str], areas: list[str], *, current: bool = False
    ) -> dict[str, Any]:
        rng = self.rng
        org = self.orgs[provider]
        key = (fields[0], org.kind)
        templates = self.templates.get(key)
        if templates is None:
            templates = [t for t in _OFFER_TEMPLATES[key[0]] if t[4] is None or org.kind in t[4]]
            self.templates[key] = templates
        title, programme, cost, description, _ = rng.choice(templates)
        place = self.area_name[areas[0]]
        langs = ["de"] if rng.random() > 0.08 else []
        for _ in range(rng.choice((0, 1, 1, 2))):
            lg = rng.choice(LANGUAGES[1:])
            if lg not in langs:
                langs.append(lg)
        if not langs:
            langs = [rng.choice(LANGUAGES[1:])]
        lo = max(self.start, org.founded) if org.founded else self.start
        starts = self.day(lo, self.end)
        ends = None
        r = rng.random()
        if not current and r < 0.15:
            ends = self.day(
                min(starts + dt.timedelta(days=180), self.today - dt.timedelta(1)),
                self.today - dt.timedelta(days=1),
            )
        elif not current and r < 0.35:
            ends = self.day(self.today + dt.timedelta(days=30), self.today + dt.timedelta(1000))
        k = self.pick(_ONE_TO_FOUR, _N_GROUPS_CUM)
        affinity = _TG_AFFINITY[fields[0]]
        groups: list[str] = []
        while len(groups) < k:
            g = rng.choice(affinity) if rng.random() < 0.7 else rng.choice(_TG_CODES)
            if g not in groups:
                groups.append(g)
        return {
            "provider": provider,
            "fields": fields,
            "areas": areas,
            "groups": groups,
            "title": f"{title} {place}",
            "description": f"{description} Träger: {org.short_name or org.name}.",
            "languages": langs,
            "starts_on": starts,
            "ends_on": ends,
            "programme": programme,
            "cost": cost,
            "id": "",
        }

    def build_offers(self) -> None:
        rng = self.rng
        missing = self.missing_field
        offers: list[dict[str, Any]] = []
        # the gap is a gap of one field: both areas have other offers (by their town hall),
        # and the missing field is offered elsewhere
        for a in self.missing_areas:
            p = self.town_org[a]
            f = rng.choice([f for f in self.orgs[p].fields if f != missing])
            offers.append(self.offer_record(p, [f], [a], current=True))
        p = rng.choice(self.missing_providers)
        a = rng.choice([a for a in self.orgs[p].areas if a not in self.forbidden])
        offers.append(self.offer_record(p, [missing], [a], current=True))
        n_planted = 2 * (_N_UNCOORDINATED + _N_COORDINATED)
        n_random = _OFFERS_PER_ORG * self.size - n_planted - len(offers)
        weights = list(accumulate(_OFFER_WEIGHT[o.kind] for o in self.orgs))
        providers = rng.choices(range(len(self.orgs)), cum_weights=weights, k=n_random)
        for p in providers:
            org = self.orgs[p]
            fields = [rng.choice(org.fields)]
            if len(org.fields) > 1 and rng.random() < 0.35:
                second = rng.choice(org.fields)
                if second != fields[0]:
                    fields.append(second)
            if org.town is None and rng.random() < 0.6:
                areas = list(dict.fromkeys(self.random_town() for _ in range(rng.randint(1, 3))))
            else:
                areas = rng.sample(org.areas, rng.randint(1, len(org.areas)))
            if missing in fields:
                allowed = [a for a in areas if a not in self.forbidden]
                if allowed:
                    areas = allowed
                else:
                    fields.remove(missing)
                    if not fields:
                        fields = [next(f for f in org.fields if f != missing)]
            offers.append(self.offer_record(p, fields, areas))
        self.plant_duplicates(offers)
        rng.shuffle(offers)
        width = max(5, len(str(len(offers))))
        for i, rec in enumerate(offers, start=1):
            rec["id"] = f"off-{i:0{width}d}"
        self.offers = offers
        for rec in offers:
            oid, since, until = rec["id"], rec["starts_on"], rec["ends_on"]
            self.tie(RelType.PROVIDES, self.orgs[rec["provider"]].id, oid, since, until)
            for f in rec["fields"]:
                self.tie(RelType.ADDRESSES, oid, f, since, until)
            for g in rec["groups"]:
                self.tie(RelType.SERVES, oid, g, since, until)
            for a in rec["areas"]:
                self.tie(RelType.AVAILABLE_IN, oid, a, since, until)

    def plant_duplicates(self, offers: list[dict[str, Any]]) -> None:
        """Append the planted duplicate pairs to ``offers`` (see the module docstring)."""
        rng = self.rng
        missing = self.missing_field
        by_area: dict[str, list[int]] = {}
        for i, org in enumerate(self.orgs):
            for a in org.areas:
                by_area.setdefault(a, []).append(i)
        used_cells: set[tuple[str, str]] = set()
        used_orgs: set[int] = set()

        def cell_field(p: int, q: int, strict: bool) -> str | None:
            common = [f for f in self.orgs[p].fields if f in self.orgs[q].fields and f != missing]
            if common:
                return rng.choice(common)
            if strict:
                return None
            return next(f for f in (*self.orgs[p].fields, *_FIELD_CODES) if f != missing)

        self.uncoordinated: list[tuple[dict[str, Any], dict[str, Any]]] = []
        places = [*self.town_ids, *self.district_ids]
        for strict in (True, False):
            for a in rng.sample(places, len(places)):
                if len(self.uncoordinated) == _N_UNCOORDINATED:
                    break
                members = [i for i in by_area.get(a, []) if i not in used_orgs]
                if len(members) < 2:
                    continue
                for _ in range(40):
                    p, q = rng.sample(members, 2)
                    if (min(p, q), max(p, q)) in self.pairs:
                        continue
                    f = cell_field(p, q, strict)
                    if f is None or (f, a) in used_cells:
                        continue
                    used_cells.add((f, a))
                    used_orgs.update((p, q))
                    pair = (
                        self.offer_record(p, [f], [a], current=True),
                        self.offer_record(q, [f], [a], current=True),
                    )
                    offers.extend(pair)
                    self.uncoordinated.append(pair)
                    break
        self.coordinated: list[tuple[dict[str, Any], dict[str, Any]]] = []
        today_ties = sorted(self.today_pairs)
        rng.shuffle(today_ties)
        for strict in (True, False):
            for p, q in today_ties:
                if len(self.coordinated) == _N_COORDINATED:
                    break
                if p in used_orgs or q in used_orgs:
                    continue
                common = [a for a in self.orgs[p].areas if a in self.orgs[q].areas]
                if not common and not strict:
                    common = self.orgs[p].areas
                f = cell_field(p, q, strict)
                cells = [a for a in common if f is not None and (f, a) not in used_cells]
                if f is None or not cells:
                    continue
                a = rng.choice(cells)
                used_cells.add((f, a))
                used_orgs.update((p, q))
                pair = (
                    self.offer_record(p, [f], [a], current=True),
                    self.offer_record(q, [f], [a], current=True),
                )
                offers.extend(pair)
                self.coordinated.append(pair)
        if len(self.uncoordinated) < _N_UNCOORDINATED or len(self.coordinated) < _N_COORDINATED:
            raise RuntimeError("could not plant the duplicate offers")  # pragma: no cover

    # ------------------------------------------------------------------ people

    def build_people(self) -> None:
        rng = self.rng
        people: list[dict[str, Any]] = []
        self.people_of: dict[int, list[int]] = {}
        rep_since: list[dt.date] = []
        for i, org in enumerate(self.orgs):
            if org.hub:
                n = 2
            elif org.kind in (_K.MIGRANT_ORGANISATION, _K.INITIATIVE) and rng.random() < 0.25:
                n = 0
            else:
                n = 1
            org.slug = _slug(org.short_name or org.name)
            domain = f"{org.slug}.example.org"
            for _ in range(n):
                female = rng.random() < 0.55
                first = rng.choice(_FIRST_F if female else _FIRST_M)
                last = rng.choice(_LAST)
                function = rng.choice(_FUNCTIONS[org.kind])
                if isinstance(function, tuple):
                    function = function[0] if female else function[1]
                lo = max(self.start, org.founded) if org.founded else self.start
                since = self.day(lo, self.end)
                consent = self.day(min(max(since, _GDPR), self.today), self.today)
                local = f"{_ascii(first)[0]}.{_ascii(last)}".lower().replace(" ", "")
                self.people_of.setdefault(i, []).append(len(people))
                rep_since.append(since)
                people.append(
                    {
                        "id": f"per-{len(people) + 1:0{max(5, len(str(self.size * 2)))}d}",
                        "name": f"{first} {last}",
                        "function": function,
                        "email": f"{local}@{domain}",
                        "phone": self.phone(),
                        "consent_given_on": consent,
                    }
                )
                self.tie(
                    RelType.REPRESENTS,
                    people[-1]["id"],
                    org.id,
                    since,
                    None,
                    {"function": function},
                )
        self.people = people
        self.rep_since = rep_since

    # ------------------------------------------------------------------ bodies and events

    def build_bodies(self) -> None:
        rng = self.rng
        y = self.today.year
        bodies: list[dict[str, Any]] = []
        founded = dt.date(y - 3, 3, 1)
        council = {
            "id": "bod-00001",
            "name": "Projektrat Integration Beispielregion",
            "kind": BodyKind.PROJECT_COUNCIL,
            "description": "Gremium aus Wohlfahrtsverbänden, Migrantenorganisationen und "
            "Behörden; begleitet die Arbeit des Migrations- und Integrationsbüros.",
        }
        bodies.append(council)
        used: set[int] = set()

        def by_kind(kind: OrganisationKind, person: bool) -> int:
            cands = [
                i
                for i, o in enumerate(self.orgs)
                if o.kind is kind and i not in used and (not person or i in self.people_of)
            ]
            if not cands:
                cands = [
                    i
                    for i in range(len(self.orgs))
                    if i not in used and (not person or i in self.people_of)
                ]
            return rng.choice(cands)

        # (org index or kind, as person?, role, seat)
        W, M_, A = "Wohlfahrtsverbände", "Migrantenorganisationen", "Behörden"
        K, Z = "Kommunen", "Zivilgesellschaft"
        seats: list[tuple[int | OrganisationKind, bool, Role, str]] = [
            (self.kvs[0], True, Role.CHAIR, W),
            (_K.MIGRANT_ORGANISATION, True, Role.DEPUTY, M_),
            (self.kvs[1], True, Role.DEPUTY, W),
            (self.kvs[2], True, Role.MEMBER, W),
            (self.kvs[3], True, Role.MEMBER, W),
            (self.kvs[4], True, Role.MEMBER, W),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, False, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, False, Role.MEMBER, M_),
            (self.town_org[self.largest_id], True, Role.MEMBER, K),
            (_K.MUNICIPALITY, True, Role.MEMBER, K),
            (_K.INITIATIVE, False, Role.MEMBER, Z),
            (_K.INITIATIVE, False, Role.MEMBER, Z),
            (_K.EDUCATION_PROVIDER, True, Role.MEMBER, Z),
            (_K.RELIGIOUS_COMMUNITY, False, Role.MEMBER, Z),
            (self.authorities[_ABH], False, Role.ADVISORY, A),
            (self.authorities[_JOBCENTER], False, Role.ADVISORY, A),
            (self.authorities[_BAMF], False, Role.ADVISORY, A),
            (self.office, True, Role.ADVISORY, "Geschäftsstelle"),
            (_K.EMPLOYER, False, Role.GUEST, "Wirtschaft"),
            (_K.OTHER, True, Role.GUEST, Z),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),  # former members
            (_K.INITIATIVE, False, Role.MEMBER, Z),
        ]
        used.update(who for who, *_ in seats if isinstance(who, int))
        n_former = 2
        for j, (who, person, role, seat) in enumerate(seats):
            i = who if isinstance(who, int) else by_kind(who, person)
            used.add(i)
            org = self.orgs[i]
            if person and i in self.people_of:
                pi = rng.choice(self.people_of[i])
                src = self.people[pi]["id"]
                lo = max(founded, self.rep_since[pi])
            else:
                src = org.id
                lo = max(founded, org.founded) if org.founded else founded
            since = lo if rng.random() < 0.7 else self.day(lo, self.end)
            until = None
            if j >= len(seats) - n_former:
                until = self.day(
                    min(since + dt.timedelta(days=90), self.today - dt.timedelta(1)),
                    self.today - dt.timedelta(days=1),
                )
            self.tie(
                RelType.MEMBER_OF, src, council["id"], since, until, {"role": role, "seat": seat}
            )
        # working groups and networks
        groups: list[tuple[str, BodyKind, str, list[int]]] = []
        works_on: dict[str, list[int]] = {}
        for i, o in enumerate(self.orgs):
            for f in o.fields:
                works_on.setdefault(f, []).append(i)
        groups.append(
            (
                "Arbeitskreis Sprache und Bildung",
                BodyKind.WORKING_GROUP,
                "Austausch der Sprach- und Bildungsanbieter.",
                works_on.get("language", []) + works_on.get("school", []),
            )
        )
        groups.append(
            (
                "Netzwerk Arbeitsmarktintegration Beispielregion",
                BodyKind.NETWORK,
                "Jobcenter, Arbeitsagentur, Bildungsträger und Arbeitgeber.",
                works_on.get("work", []),
            )
        )
        by_town: dict[str, list[int]] = {}
        for i, o in enumerate(self.orgs):
            for a in o.areas:
                by_town.setdefault(a, []).append(i)
        towns = sorted(self.town_ids, key=lambda t: -self.town_pop[t])
        for t in towns[: max(1, len(towns) // 10)]:
            groups.append(
                (
                    f"Runder Tisch Asyl {self.area_name[t]}",
                    BodyKind.NETWORK,
                    "Lokales Netzwerk der Flüchtlingsarbeit.",
                    by_town.get(t, []),
                )
            )
        for g, (name, kind, description, cands) in enumerate(groups, start=2):
            bid = f"bod-{g:05d}"
            bodies.append({"id": bid, "name": name, "kind": kind, "description": description})
            cands = list(dict.fromkeys(cands)) or list(range(len(self.orgs)))
            k = min(len(cands), rng.randint(8, 16))
            gsince = self.day(self.start, self.end)
            for j, i in enumerate(rng.sample(cands, k)):
                role = Role.CHAIR if j == 0 else Role.GUEST if j == k - 1 else Role.MEMBER
                src = self.orgs[i].id
                lo = max(gsince, self.orgs[i].founded or gsince)
                if i in self.people_of and rng.random() < 0.5:
                    pi = rng.choice(self.people_of[i])
                    src = self.people[pi]["id"]
                    lo = max(lo, self.rep_since[pi])
                self.tie(RelType.MEMBER_OF, src, bid, self.day(lo, self.end), None, {"role": role})
        self.bodies = bodies

    def build_events(self) -> None:
        rng = self.rng
        y = self.today.year
        n = max(6, self.size // 25)
        events: list[dict[str, Any]] = []
        lo, hi = dt.date(y - 2, 1, 1), self.today - dt.timedelta(days=7)
        width = max(5, len(str(n)))
        for e in range(n):
            held = self.day(lo, hi)
            base = _EVENT_TITLES[e % len(_EVENT_TITLES)]
            if e < len(_EVENT_TITLES):
                title = f"{base} {held.year}"
            else:
                title = f"{base} {self.area_name[self.random_town()]} {held.year}"
            eid = f"evt-{e + 1:0{width}d}"
            events.append({"id": eid, "title": title, "held_on": held})
            for i in rng.sample(range(len(self.orgs)), min(len(self.orgs), rng.randint(8, 25))):
                self.tie(RelType.ATTENDED, self.orgs[i].id, eid, held, held)
            for pi in rng.sample(
                range(len(self.people)), min(len(self.people), rng.randint(3, 12))
            ):
                self.tie(RelType.ATTENDED, self.people[pi]["id"], eid, held, held)
        self.events = events

    # ------------------------------------------------------------------ assembly

    def build(self) -> DemoRegion:
        self.build_areas()
        self.build_orgs()
        self.build_cooperation()
        self.build_offers()
        self.build_people()
        self.build_bodies()
        self.build_events()
        fields, groups = vocabulary_nodes()
        orgs = []
        for o in self.orgs:
            slug = o.slug
            town = self.area_name[o.town] if o.town else REGION_NAME
            addr = o.town or self.largest_id
            r = self.rng.random()
            orgs.append(
                Organisation(
                    id=o.id,
                    name=o.name,
                    short_name=o.short_name,
                    kind=o.kind,
                    description=o.description or f"{ORGANISATION_KINDS[o.kind].de} in {town}.",
                    website=f"https://www.{slug}.example.org" if r < 0.7 else None,
                    email=f"info@{slug}.example.org" if r < 0.85 else None,
                    phone=self.phone(),
                    address=f"{self.rng.choice(_STREETS)} {self.rng.randint(1, 120)}, "
                    f"00{self.town_index[addr] % 999 + 1:03d} {self.area_name[addr]}",
                    languages=o.languages,
                    tags=self.rng.sample(_TAGS, self.rng.choice((0, 1, 1, 2, 3))),
                    founded=o.founded,
                )
            )
        offers = [
            Offer(
                **{
                    k: v
                    for k, v in rec.items()
                    if k not in ("provider", "fields", "areas", "groups")
                }
            )
            for rec in self.offers
        ]
        nodes: dict[NodeLabel, list[Node]] = {
            NodeLabel.ORGANISATION: list(orgs),
            NodeLabel.PERSON: [Person(**p) for p in self.people],
            NodeLabel.BODY: [Body(**b) for b in self.bodies],
            NodeLabel.OFFER: list(offers),
            NodeLabel.AREA: [Area(**a) for a in self.areas],
            NodeLabel.FIELD: list(fields),
            NodeLabel.TARGET_GROUP: list(groups),
            NodeLabel.EVENT: [Event(**e) for e in self.events],
        }
        total = sum(len(v) for v in self.raw.values())
        width = max(6, len(str(total)))
        ties: dict[RelType, list[Tie]] = {}
        n = 0
        for rel in RelType:
            # (a cast: mypy reads ``type[Tie]`` in RelSpec as its field named ``type``)
            model = cast("Callable[..., Tie]", REL_SPECS[rel].model)
            out: list[Tie] = []
            for a, b, since, until, extra in self.raw[rel]:
                n += 1
                kw = extra or {}
                out.append(
                    model(
                        id=f"tie-{n:0{width}d}", from_id=a, to_id=b, since=since, until=until, **kw
                    )
                )
            ties[rel] = out
        org_id = [o.id for o in self.orgs]
        planted = PlantedGaps(
            missing_field=self.missing_field,
            missing_field_areas=self.missing_areas,
            uncoordinated_duplicates=[(a["id"], b["id"]) for a, b in self.uncoordinated],
            coordinated_duplicates=[(a["id"], b["id"]) for a, b in self.coordinated],
            peripheral_msos=[org_id[i] for i in self.peripheral],
            broker=org_id[self.broker],
            broker_separates=[org_id[i] for i in self.cluster],
        )
        return DemoRegion(nodes=nodes, ties=ties, planted=planted)
