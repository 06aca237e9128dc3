"""The sheets and columns the import reads and the export writes, with their German names.

One sheet per node label and one per relationship type. The export writes each sheet under
its German title with German headers; the import recognises those, the English ones, the
model's own names (``name``, ``COOPERATES_WITH``) and the usual words of office lists
("Träger", "Ansprechpartner", "seit"). Headers are compared in a normal form (lower case,
umlauts spelled out, no spaces or punctuation), so "E-Mail", "e mail" and "EMAIL" are one.

Besides properties, node sheets may carry *link columns* (e.g. the areas an organisation is
active in, an offer's provider) that the import turns into ties; the export writes those
ties on their own sheets instead, so an exported workbook imports without them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from graph_schema.model import (
    NODE_MODELS,
    REL_SPECS,
    NodeLabel,
    PropKind,
    RelType,
    property_kinds,
)
from graph_schema.registry import LABELS, TIES
from graph_schema.vocab import (
    AREA_KINDS,
    BODY_KINDS,
    COOPERATION_KINDS,
    ORGANISATION_KINDS,
    ROLES,
    Label,
)

__all__ = [
    "SHEETS",
    "Column",
    "ColumnKind",
    "Link",
    "SheetSpec",
    "VOCABULARIES",
    "norm",
    "sheet_by_key",
]


def norm(text: object) -> str:
    """A header or term in normal form: lower case, umlauts spelled out, letters and digits.

    Examples:
        >>> norm(" Gegründet am ")
        'gegruendetam'
        >>> norm("E-Mail")
        'email'
    """
    s = str(text).casefold().replace("ß", "ss")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[^a-z0-9]", "", s)


class ColumnKind(StrEnum):
    STRING = "string"
    INT = "int"
    DATE = "date"
    LIST = "list"
    VOCAB = "vocab"
    #: a tie's end: an id, or a name when the id column is missing or empty
    END_ID = "end_id"
    END_NAME = "end_name"
    #: a link column: names or ids of other nodes, separated by ``,`` or ``;``
    LINK = "link"


@dataclass(frozen=True)
class Link:
    """A node sheet's column that makes ties: ``rel`` to (or from) nodes of ``other``."""

    rel: RelType
    other: tuple[NodeLabel, ...]
    #: True when the sheet's node is the tie's start
    outgoing: bool


@dataclass(frozen=True)
class Column:
    """One column: the property (or end, or link) it fills and the headers that mean it."""

    prop: str
    header: str
    kind: ColumnKind
    aliases: tuple[str, ...] = ()
    vocab: str | None = None
    link: Link | None = None
    required: bool = False
    #: written by the export (link columns are import only)
    exported: bool = True

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(norm(a) for a in (self.prop, self.header, *self.aliases))


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: a node label or a relationship type, its title and its columns."""

    key: str
    title: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    label: NodeLabel | None = None
    rel: RelType | None = None
    #: (start, end) words of a tie sheet, e.g. ("Organisation", "Partner")
    ends: tuple[str, str] = ("Von", "An")
    names: frozenset[str] = field(default_factory=frozenset)

    def column(self, prop: str) -> Column:
        return next(c for c in self.columns if c.prop == prop)

    @property
    def is_tie(self) -> bool:
        return self.rel is not None


def _vocab(table: dict[object, Label], *synonyms: tuple[str, str]) -> dict[str, str]:
    terms: dict[str, str] = {}
    for code, label in table.items():
        for word in (str(code), label.de, label.en):
            terms[norm(word)] = str(code)
    for word, code in synonyms:
        terms[norm(word)] = code
    return terms


#: vocabulary name -> {normal form of a code, German or English term, synonym: code}
VOCABULARIES: dict[str, dict[str, str]] = {
    "organisation_kind": _vocab(
        ORGANISATION_KINDS,  # type: ignore[arg-type]
        ("MSO", "migrant_organisation"),
        ("Migrantenorganisation", "migrant_organisation"),
        ("Migrantenselbstorganisation", "migrant_organisation"),
        ("Migrantinnenorganisation", "migrant_organisation"),
        ("Verband der freien Wohlfahrtspflege", "welfare_association"),
        ("Wohlfahrtspflege", "welfare_association"),
        ("Amt", "authority"),
        ("Behoerde", "authority"),
        ("Jobcenter", "authority"),
        ("Ausländerbehörde", "authority"),
        ("Stadt", "municipality"),
        ("Gemeinde", "municipality"),
        ("Landkreis", "municipality"),
        ("Stadtverwaltung", "municipality"),
        ("Schule", "education_provider"),
        ("Volkshochschule", "education_provider"),
        ("VHS", "education_provider"),
        ("Bildungseinrichtung", "education_provider"),
        ("Kirchengemeinde", "religious_community"),
        ("Moscheegemeinde", "religious_community"),
        ("Glaubensgemeinschaft", "religious_community"),
        ("Unternehmen", "employer"),
        ("Firma", "employer"),
        ("Betrieb", "employer"),
        ("Sonstiges", "other"),
        ("Andere", "other"),
        ("e.V.", "association"),
    ),
    "body_kind": _vocab(
        BODY_KINDS,  # type: ignore[arg-type]
        ("AK", "working_group"),
        ("Arbeitsgruppe", "working_group"),
        ("Arbeitskreis", "working_group"),
        ("Gremium", "committee"),
    ),
    "area_kind": _vocab(
        AREA_KINDS,  # type: ignore[arg-type]
        ("Kommune", "municipality"),
        ("Stadt", "municipality"),
        ("Landkreis", "region"),
        ("Kreis", "region"),
        ("Regionalverband", "region"),
        ("Bundesland", "state"),
        ("Ortsteil", "district"),
        ("Quartier", "district"),
    ),
    "cooperation_kind": _vocab(
        COOPERATION_KINDS,  # type: ignore[arg-type]
        ("Vereinbarung", "formal_agreement"),
        ("Kooperationsvertrag", "formal_agreement"),
        ("Vertrag", "formal_agreement"),
        ("Projekt", "joint_project"),
        ("Verweis", "referral"),
        ("Weitervermittlung", "referral"),
        ("Vermittlung", "referral"),
        ("Netzwerk", "exchange"),
        ("Finanzierung", "funding"),
    ),
    "role": _vocab(
        ROLES,  # type: ignore[arg-type]
        ("Vorsitzende", "chair"),
        ("Vorsitzender", "chair"),
        ("stellv. Vorsitz", "deputy"),
        ("Stellvertreterin", "deputy"),
        ("Stellvertreter", "deputy"),
        ("beratend", "advisory"),
    ),
}

#: property -> (German header, other accepted headers), for every label
_HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("ID", ("Kennung", "Schlüssel", "Nr", "Identifier")),
    "name": ("Name", ("Bezeichnung",)),
    "short_name": ("Kurzname", ("Kürzel", "Abkürzung", "Short name", "Kurzbezeichnung")),
    "kind": ("Art", ("Typ", "Kategorie", "Type", "Kind")),
    "description": ("Beschreibung", ("Description", "Bemerkung", "Bemerkungen", "Info")),
    "website": ("Website", ("Webseite", "Homepage", "Internet", "Internetseite", "URL")),
    "email": ("E-Mail", ("Mail", "E-Mail-Adresse", "Email address")),
    "phone": ("Telefon", ("Tel", "Tel.", "Telefonnummer", "Phone", "Telephone")),
    "address": ("Adresse", ("Anschrift", "Address", "Straße und Ort")),
    "languages": ("Sprachen", ("Sprache", "Languages", "Language", "Angebotssprachen")),
    "tags": ("Schlagworte", ("Stichworte", "Tags", "Schlagwörter")),
    "founded": ("Gegründet", ("Gründung", "Gründungsdatum", "Gegründet am", "Founded")),
    "function": ("Funktion", ("Function", "Position", "Rolle in der Organisation")),
    "consent_given_on": (
        "Einwilligung am",
        ("Einwilligung", "Einverständnis", "Consent", "Consent given on", "DSGVO-Einwilligung"),
    ),
    "title": ("Titel", ("Title", "Bezeichnung")),
    "starts_on": ("Beginn", ("Start", "Starts on", "Laufzeit von", "Von", "ab")),
    "ends_on": ("Ende", ("Ends on", "Laufzeit bis", "Bis", "End")),
    "programme": ("Programm", ("Förderprogramm", "Programme", "Program")),
    "cost": ("Kosten", ("Cost", "Gebühr", "Preis")),
    "population": ("Einwohner", ("Einwohnerzahl", "Bevölkerung", "Population")),
    "population_as_of": (
        "Stand",
        (
            "Stichtag",
            "Stand Einwohner",
            "Stand der Einwohnerzahl",
            "Bevölkerungsstand",
            "As of",
            "Population as of",
        ),
    ),
    "name_de": ("Name (deutsch)", ("Name deutsch", "Name DE", "Deutsch")),
    "name_en": ("Name (englisch)", ("Name englisch", "Name EN", "Englisch", "English")),
    "held_on": ("Datum", ("Date", "Held on", "Termin", "am")),
    "since": ("Seit", ("Since", "Beginn", "ab", "Von Datum", "Start")),
    "until": ("Bis", ("Until", "Ende", "End", "Bis Datum")),
    "intensity": ("Intensität", ("Intensity", "Stärke", "Gewicht")),
    "note": ("Notiz", ("Note", "Bemerkung", "Bemerkungen", "Kommentar")),
    "source": ("Quelle", ("Source", "Herkunft")),
    "role": ("Rolle", ("Role", "Funktion im Gremium")),
    "seat": ("Sitz", ("Seat", "Platz", "Mandat")),
}

_VOCAB_OF: dict[tuple[str, str], str] = {
    (NodeLabel.ORGANISATION, "kind"): "organisation_kind",
    (NodeLabel.BODY, "kind"): "body_kind",
    (NodeLabel.AREA, "kind"): "area_kind",
    (RelType.COOPERATES_WITH, "kind"): "cooperation_kind",
    (RelType.MEMBER_OF, "role"): "role",
}

_KIND_OF: dict[PropKind, ColumnKind] = {
    PropKind.STRING: ColumnKind.STRING,
    PropKind.INT: ColumnKind.INT,
    PropKind.DATE: ColumnKind.DATE,
    PropKind.STRING_LIST: ColumnKind.LIST,
}


def _node_sheet(label: NodeLabel) -> SheetSpec:
    model = NODE_MODELS[label]
    entry = LABELS[label]
    extra = entry.header_aliases
    columns = []
    for prop, kind in property_kinds(model).items():
        header, aliases = _HEADERS[prop]
        vocab = _VOCAB_OF.get((label, prop))
        field_info = model.model_fields[prop]
        columns.append(
            Column(
                prop,
                header,
                ColumnKind.VOCAB if vocab else _KIND_OF[kind],
                (*aliases, *extra.get(prop, ())),
                vocab=vocab,
                required=field_info.is_required() and prop != "id",
            )
        )
    for c in entry.links:
        link = Link(c.rel, c.other, c.outgoing)
        columns.append(
            Column(c.prop, c.header, ColumnKind.LINK, c.aliases, link=link, exported=False)
        )
    return SheetSpec(str(label), entry.plural, entry.sheet_aliases, tuple(columns), label=label)


def _tie_sheet(rel: RelType) -> SheetSpec:
    model = REL_SPECS[rel].model
    tie = TIES[rel]
    title, aliases, (start, end) = tie.sheet, tie.sheet_aliases, tie.ends
    start_aliases, end_aliases = tie.from_aliases, tie.to_aliases
    columns = [
        Column("id", "ID", ColumnKind.STRING, _HEADERS["id"][1]),
        Column(
            "from_id",
            f"{start} (ID)",
            ColumnKind.END_ID,
            ("from", "from_id", "Von (ID)", "Von-ID", f"{start} ID", f"{start}-ID"),
        ),
        Column("from_name", start, ColumnKind.END_NAME, ("Von", "from_name", *start_aliases)),
        Column(
            "to_id",
            f"{end} (ID)",
            ColumnKind.END_ID,
            ("to", "to_id", "An (ID)", "An-ID", f"{end} ID", f"{end}-ID"),
        ),
        Column("to_name", end, ColumnKind.END_NAME, ("An", "Nach", "to_name", *end_aliases)),
    ]
    for prop, kind in property_kinds(model).items():
        if prop == "id":
            continue
        header, other = _HEADERS[prop]
        if prop in ("since", "until"):
            other = tuple(a for a in other if norm(a) not in {norm(start), norm(end)})
        vocab = _VOCAB_OF.get((rel, prop))
        columns.append(
            Column(prop, header, ColumnKind.VOCAB if vocab else _KIND_OF[kind], other, vocab=vocab)
        )
    if rel == RelType.COOPERATES_WITH:  # "Art der Kooperation" is the usual header
        i = next(i for i, c in enumerate(columns) if c.prop == "kind")
        c = columns[i]
        columns[i] = Column(
            c.prop,
            c.header,
            c.kind,
            (*c.aliases, "Art der Kooperation", "Kooperationsart"),
            vocab=c.vocab,
        )
    return SheetSpec(str(rel), title, aliases, tuple(columns), rel=rel, ends=(start, end))


def _with_names(spec: SheetSpec) -> SheetSpec:
    names = frozenset(norm(x) for x in (spec.key, spec.title, *spec.aliases))
    return SheetSpec(
        spec.key, spec.title, spec.aliases, spec.columns, spec.label, spec.rel, spec.ends, names
    )


#: every sheet in export order: node labels, then relationship types (model order)
SHEETS: tuple[SheetSpec, ...] = tuple(
    _with_names(s)
    for s in (
        *(_node_sheet(label) for label in NodeLabel),
        *(_tie_sheet(rel) for rel in RelType),
    )
)

_BY_KEY = {s.key: s for s in SHEETS}


def sheet_by_key(key: str) -> SheetSpec:
    """The sheet of a node label or relationship type (its key, title or an alias)."""
    if key in _BY_KEY:
        return _BY_KEY[key]
    n = norm(key)
    for spec in SHEETS:
        if n in spec.names:
            return spec
    raise KeyError(key)
