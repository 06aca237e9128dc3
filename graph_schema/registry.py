"""What each node label and tie type needs beyond its properties, stated once.

The model (:mod:`graph_schema.model`) says what is stored: properties, the id prefix, the
dates that say whether a node existed on a day, the personal properties. This registry,
beside it, says how people meet each label and tie type: its German names, its place in
the JSON API and among the web pages, the filters and columns of its list, the forms that
add ties on its page, and the sheet titles and column headers an office list uses for it.
The API routes, the web pages, the import and the export are generated from these entries,
so a new entity type touches four files: the model, this registry, a frozen migration of
the store (:mod:`graph_schema.store.migrations`), and the English catalogue for its names.

Names are German (the source language), marked with :func:`N_` for the message catalogue
(``api/locale/babel.cfg`` extracts this file too) and translated where they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from graph_schema.model import NODE_MODELS, REL_SPECS, NodeLabel, RelType

__all__ = [
    "LABELS",
    "TIES",
    "LabelEntry",
    "LinkColumn",
    "TieEntry",
    "TieForm",
    "N_",
    "entry",
    "entry_by_page",
    "entry_by_path",
    "tie_entry",
]


def N_(text: str) -> str:  # noqa: N802 - the catalogue's usual marker
    """Marks ``text`` for the message catalogue; it stays German until it is shown."""
    return text


_L = NodeLabel
_R = RelType
_DATES = ("since", "until")


@dataclass(frozen=True)
class TieForm:
    """An "add a tie" form on an entry's page: the tie type, which end the page's entry
    is (``from`` or ``to``), the labels of the other end and the tie's own fields."""

    rel: RelType
    title: str
    node_end: str
    other_labels: tuple[NodeLabel, ...]
    fields: tuple[str, ...] = _DATES


@dataclass(frozen=True)
class LinkColumn:
    """A column of an imported list that makes ties instead of filling a property (e.g.
    the areas an organisation is active in): ``rel`` to (or from) nodes of ``other``."""

    prop: str
    header: str
    aliases: tuple[str, ...]
    rel: RelType
    other: tuple[NodeLabel, ...]
    #: True when the list's entry is the tie's start
    outgoing: bool


@dataclass(frozen=True)
class LabelEntry:
    """Everything about a node label that is not a property."""

    label: NodeLabel
    singular: str
    plural: str
    #: the JSON API's collection (``/api/<path>``) and its English title in the API document
    path: str
    api_title: str
    #: the web page's address (``/<page>``); None: no list page of its own
    page: str | None
    #: the list's filters (``kind``, ``area``, ``field``, ``target_group``, ``programme``)
    filters: tuple[str, ...] = ()
    #: the web list's columns
    columns: tuple[str, ...] = ()
    #: "add a tie" forms on the entry's page
    tie_forms: tuple[TieForm, ...] = ()
    #: a partner's new entry of this label is tied to the partner's organisation so:
    #: (tie type, whether the new entry is the tie's start); None: partners don't add any
    partner_link: tuple[RelType, bool] | None = None
    #: other names of the label's sheet in an imported workbook
    sheet_aliases: tuple[str, ...] = ()
    #: headers an office list uses for a property of this label only
    header_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: list columns that make ties
    links: tuple[LinkColumn, ...] = ()

    @property
    def model(self) -> type:
        return NODE_MODELS[self.label]


@dataclass(frozen=True)
class TieEntry:
    """Everything about a tie type that is not a property."""

    type: RelType
    #: the type read from its start and from its end ("vertritt", "wird vertreten durch")
    out_phrase: str
    in_phrase: str
    #: the type as a noun ("Vertretung")
    noun: str
    #: its sheet in an export and import: title, other names, the words for its two ends,
    #: and other headers for each end
    sheet: str
    sheet_aliases: tuple[str, ...]
    ends: tuple[str, str]
    from_aliases: tuple[str, ...] = ()
    to_aliases: tuple[str, ...] = ()


_AREAS_HEADERS = ("Gebiet", "Ort", "Orte", "Gemeinde", "Gemeinden")

#: in the order of the main navigation
LABELS: Mapping[NodeLabel, LabelEntry] = MappingProxyType(
    {
        e.label: e
        for e in (
            LabelEntry(
                _L.ORGANISATION,
                N_("Organisation"),
                N_("Organisationen"),
                "organisations",
                "Organisations",
                "organisationen",
                filters=("kind", "area", "field"),
                columns=("name", "kind", "short_name", "website"),
                tie_forms=(
                    TieForm(
                        _R.COOPERATES_WITH,
                        N_("Kooperation hinzufügen"),
                        "from",
                        (_L.ORGANISATION,),
                        ("kind", "intensity", *_DATES, "note"),
                    ),
                    TieForm(
                        _R.ACTIVE_IN, N_("Gebiet hinzufügen"), "from", (_L.AREA,), (*_DATES, "note")
                    ),
                    TieForm(_R.WORKS_ON, N_("Handlungsfeld hinzufügen"), "from", (_L.FIELD,)),
                ),
                sheet_aliases=(
                    "Organisation",
                    "Organisations",
                    "Organizations",
                    "Akteure",
                    "Träger",
                    "Partner",
                ),
                header_aliases={
                    "name": (
                        "Organisation",
                        "Organisationsname",
                        "Name der Organisation",
                        "Einrichtung",
                        "Akteur",
                        "Träger",
                        "Trägername",
                        "Organization",
                    ),
                    "kind": (
                        "Organisationsart",
                        "Trägerart",
                        "Art der Organisation",
                        "Organisationstyp",
                    ),
                },
                links=(
                    LinkColumn(
                        "areas",
                        "Gebiete",
                        (*_AREAS_HEADERS, "Einzugsgebiet", "Areas"),
                        _R.ACTIVE_IN,
                        (_L.AREA,),
                        True,
                    ),
                    LinkColumn(
                        "fields",
                        "Handlungsfelder",
                        ("Handlungsfeld", "Themen", "Arbeitsfelder", "Fields"),
                        _R.WORKS_ON,
                        (_L.FIELD,),
                        True,
                    ),
                    LinkColumn(
                        "umbrella",
                        "Dachverband",
                        ("Dachorganisation", "Spitzenverband", "Umbrella", "Belongs to"),
                        _R.BELONGS_TO,
                        (_L.ORGANISATION,),
                        True,
                    ),
                    # One flat sheet is enough: each item of the offers column becomes an
                    # offer of the row's organisation, available in the row's areas, on its
                    # fields, for its target groups (api/transfer/importer/offers.py).
                    LinkColumn(
                        "offers",
                        "Angebote",
                        ("Angebot", "Leistungen", "Angebote und Leistungen", "Offers"),
                        _R.PROVIDES,
                        (_L.OFFER,),
                        True,
                    ),
                    LinkColumn(
                        "target_groups",
                        "Zielgruppen",
                        ("Zielgruppe", "Target groups"),
                        _R.SERVES,
                        (_L.TARGET_GROUP,),
                        True,
                    ),
                ),
            ),
            LabelEntry(
                _L.OFFER,
                N_("Angebot"),
                N_("Angebote"),
                "offers",
                "Offers (Angebote)",
                "angebote",
                filters=("area", "field", "target_group", "programme"),
                columns=("title", "programme", "languages", "starts_on", "ends_on"),
                tie_forms=(
                    TieForm(_R.ADDRESSES, N_("Handlungsfeld hinzufügen"), "from", (_L.FIELD,)),
                    TieForm(_R.SERVES, N_("Zielgruppe hinzufügen"), "from", (_L.TARGET_GROUP,)),
                    TieForm(
                        _R.AVAILABLE_IN,
                        N_("Gebiet hinzufügen"),
                        "from",
                        (_L.AREA,),
                        (*_DATES, "note"),
                    ),
                ),
                partner_link=(_R.PROVIDES, False),
                sheet_aliases=("Angebot", "Offer", "Offers", "Services"),
                header_aliases={"title": ("Angebot", "Angebotsname", "Name", "Offer", "Maßnahme")},
                links=(
                    LinkColumn(
                        "provider",
                        "Träger",
                        ("Anbieter", "Organisation", "Provider", "Angebotsträger"),
                        _R.PROVIDES,
                        (_L.ORGANISATION,),
                        False,
                    ),
                    LinkColumn(
                        "fields",
                        "Handlungsfelder",
                        ("Handlungsfeld", "Themen", "Fields"),
                        _R.ADDRESSES,
                        (_L.FIELD,),
                        True,
                    ),
                    LinkColumn(
                        "target_groups",
                        "Zielgruppen",
                        ("Zielgruppe", "Target groups"),
                        _R.SERVES,
                        (_L.TARGET_GROUP,),
                        True,
                    ),
                    LinkColumn(
                        "areas",
                        "Gebiete",
                        (*_AREAS_HEADERS, "Areas"),
                        _R.AVAILABLE_IN,
                        (_L.AREA,),
                        True,
                    ),
                ),
            ),
            LabelEntry(
                _L.PERSON,
                N_("Person"),
                N_("Personen"),
                "people",
                "Contact persons",
                "personen",
                columns=("name", "function", "email", "phone"),
                partner_link=(_R.REPRESENTS, True),
                sheet_aliases=(
                    "Person",
                    "People",
                    "Ansprechpersonen",
                    "Ansprechpartner",
                    "Kontakte",
                    "Contacts",
                ),
                header_aliases={
                    "name": (
                        "Person",
                        "Ansprechperson",
                        "Ansprechpartner",
                        "Ansprechpartnerin",
                        "Kontakt",
                    )
                },
                links=(
                    LinkColumn(
                        "organisation",
                        "Organisation",
                        ("Einrichtung", "Träger", "Arbeitgeber", "Organization", "Represents"),
                        _R.REPRESENTS,
                        (_L.ORGANISATION,),
                        True,
                    ),
                ),
            ),
            LabelEntry(
                _L.BODY,
                N_("Gremium"),
                N_("Gremien"),
                "bodies",
                "Bodies (Gremien)",
                "gremien",
                filters=("kind",),
                columns=("name", "kind"),
                tie_forms=(
                    TieForm(
                        _R.MEMBER_OF,
                        N_("Mitglied hinzufügen"),
                        "to",
                        (_L.ORGANISATION, _L.PERSON),
                        ("role", "since"),
                    ),
                ),
                sheet_aliases=("Gremium", "Body", "Bodies", "Committees"),
                header_aliases={"name": ("Gremium", "Body"), "kind": ("Gremienart",)},
            ),
            LabelEntry(
                _L.AREA,
                N_("Gebiet"),
                N_("Gebiete"),
                "areas",
                "Areas",
                "gebiete",
                filters=("kind",),
                columns=("name", "kind", "population", "id"),
                sheet_aliases=("Gebiet", "Area", "Areas", "Orte", "Gemeinden"),
                header_aliases={
                    "name": ("Gebiet", "Ort", "Gemeinde", "Kommune", "Area"),
                    "id": (
                        "AGS",
                        "Amtlicher Gemeindeschlüssel",
                        "Gemeindeschlüssel",
                        "Kreisschlüssel",
                        "Regionalschlüssel",
                        "ARS",
                        "Amtlicher Regionalschlüssel",
                    ),
                },
            ),
            LabelEntry(
                _L.FIELD,
                N_("Handlungsfeld"),
                N_("Handlungsfelder"),
                "fields",
                "Fields of action",
                "handlungsfelder",
                columns=("name_de", "name_en"),
                sheet_aliases=("Handlungsfeld", "Field", "Fields"),
                header_aliases={"name_de": ("Handlungsfeld", "Name")},
            ),
            LabelEntry(
                _L.TARGET_GROUP,
                N_("Zielgruppe"),
                N_("Zielgruppen"),
                "target-groups",
                "Target groups",
                "zielgruppen",
                columns=("name_de", "name_en"),
                sheet_aliases=("Zielgruppe", "TargetGroup", "Target groups"),
                header_aliases={"name_de": ("Zielgruppe", "Name")},
            ),
            LabelEntry(
                _L.EVENT,
                N_("Veranstaltung"),
                N_("Veranstaltungen"),
                "events",
                "Events",
                None,
                sheet_aliases=("Veranstaltung", "Event", "Events"),
                header_aliases={"title": ("Veranstaltung", "Name", "Event")},
            ),
        )
    }
)

TIES: Mapping[RelType, TieEntry] = MappingProxyType(
    {
        e.type: e
        for e in (
            TieEntry(
                _R.COOPERATES_WITH,
                N_("kooperiert mit"),
                N_("kooperiert mit"),
                N_("Kooperation"),
                "Kooperationen",
                ("Kooperation", "Cooperations", "Kooperationsbeziehungen"),
                ("Organisation", "Partner"),
                ("Organisation A", "Organisation 1", "Partner A", "Partner 1", "Träger"),
                (
                    "Partner B",
                    "Partner 2",
                    "Organisation B",
                    "Organisation 2",
                    "Kooperationspartner",
                    "Partnerorganisation",
                ),
            ),
            TieEntry(
                _R.BELONGS_TO,
                N_("gehört zu"),
                N_("hat als Mitglied"),
                N_("Dachverband"),
                "Dachverbände",
                ("Dachverbaende", "Zugehörigkeiten", "Belongs to", "Mitgliedsverbände"),
                ("Organisation", "Dachverband"),
                ("Mitgliedsorganisation", "Untergliederung"),
                ("Spitzenverband", "Dachorganisation"),
            ),
            TieEntry(
                _R.MEMBER_OF,
                N_("ist Mitglied in"),
                N_("hat als Mitglied"),
                N_("Mitgliedschaft"),
                "Mitgliedschaften",
                ("Mitgliedschaft", "Memberships", "Gremienmitglieder", "Projektrat"),
                ("Mitglied", "Gremium"),
                ("Organisation", "Person", "Name", "Member"),
                ("Body", "Ausschuss", "Arbeitskreis"),
            ),
            TieEntry(
                _R.REPRESENTS,
                N_("vertritt"),
                N_("wird vertreten durch"),
                N_("Vertretung"),
                "Vertretungen",
                ("Vertretung", "Represents"),
                ("Person", "Organisation"),
                ("Ansprechperson", "Name"),
                ("Einrichtung", "Träger"),
            ),
            TieEntry(
                _R.PROVIDES,
                N_("bietet an"),
                N_("wird angeboten von"),
                N_("Trägerschaft"),
                "Trägerschaften",
                ("Traegerschaften", "Provides", "Angebotsträger"),
                ("Träger", "Angebot"),
                ("Organisation", "Anbieter", "Provider"),
                ("Offer", "Titel"),
            ),
            TieEntry(
                _R.ADDRESSES,
                N_("im Handlungsfeld"),
                N_("Angebote in diesem Handlungsfeld"),
                N_("Handlungsfeld des Angebots"),
                "Angebote-Handlungsfelder",
                ("Addresses",),
                ("Angebot", "Handlungsfeld"),
                ("Offer",),
                ("Field",),
            ),
            TieEntry(
                _R.SERVES,
                N_("für Zielgruppe"),
                N_("Angebote für diese Zielgruppe"),
                N_("Zielgruppe des Angebots"),
                "Angebote-Zielgruppen",
                ("Serves",),
                ("Angebot", "Zielgruppe"),
                ("Offer",),
                ("Target group",),
            ),
            TieEntry(
                _R.AVAILABLE_IN,
                N_("verfügbar in"),
                N_("Angebote in diesem Gebiet"),
                N_("Gebiet des Angebots"),
                "Angebote-Gebiete",
                ("Available in",),
                ("Angebot", "Gebiet"),
                ("Offer",),
                ("Area", "Ort"),
            ),
            TieEntry(
                _R.ACTIVE_IN,
                N_("aktiv in"),
                N_("Organisationen in diesem Gebiet"),
                N_("Tätigkeitsgebiet"),
                "Organisationen-Gebiete",
                ("Active in",),
                ("Organisation", "Gebiet"),
                (),
                ("Area", "Ort"),
            ),
            TieEntry(
                _R.WORKS_ON,
                N_("arbeitet im Handlungsfeld"),
                N_("Organisationen in diesem Handlungsfeld"),
                N_("Handlungsfeld"),
                "Organisationen-Handlungsfelder",
                ("Works on",),
                ("Organisation", "Handlungsfeld"),
                (),
                ("Field",),
            ),
            TieEntry(
                _R.PART_OF,
                N_("liegt in"),
                N_("umfasst"),
                N_("Gebietsgliederung"),
                "Gebietsgliederung",
                ("Part of",),
                ("Gebiet", "Übergeordnetes Gebiet"),
                ("Teilgebiet",),
                ("Obergebiet",),
            ),
            TieEntry(
                _R.ATTENDED,
                N_("nahm teil an"),
                N_("Teilnehmende"),
                N_("Teilnahme an Veranstaltung"),
                "Teilnahmen",
                ("Teilnahme", "Attended", "Teilnehmende"),
                ("Teilnehmende", "Veranstaltung"),
                ("Teilnehmer", "Organisation", "Person"),
                ("Event",),
            ),
        )
    }
)


def entry(label: NodeLabel | str) -> LabelEntry:
    """The registry entry of ``label``."""
    return LABELS[NodeLabel(label)]


def tie_entry(rel: RelType | str) -> TieEntry:
    """The registry entry of the tie type ``rel``."""
    return TIES[RelType(rel)]


def entry_by_path(path: str) -> LabelEntry | None:
    """The entry whose JSON API collection is ``/api/<path>``."""
    return next((e for e in LABELS.values() if e.path == path), None)


def entry_by_page(page: str) -> LabelEntry | None:
    """The entry whose web list is ``/<page>``."""
    return next((e for e in LABELS.values() if e.page == page), None)


def _check() -> None:
    """Every label and tie type of the model has its entry, and every tie form and link
    column joins labels its tie type allows (an import-time check: a new label without
    its entry fails at once, with its name)."""
    missing = [str(x) for x in NodeLabel if x not in LABELS]
    missing += [str(x) for x in RelType if x not in TIES]
    if missing:
        raise RuntimeError(f"graph_schema/registry.py has no entry for {', '.join(missing)}")
    for e in LABELS.values():
        for form in e.tie_forms:
            spec = REL_SPECS[form.rel]
            ends = spec.from_labels if form.node_end == "from" else spec.to_labels
            if e.label not in ends:
                raise RuntimeError(f"{e.label}: a {form.rel} tie cannot end at {e.label}")


_check()
