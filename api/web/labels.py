"""What people read for the model's names: property names, node labels, tie types, roles.

Every string is German (the source language) and marked for the catalogue with ``N_``; it
is translated where it is shown. Vocabulary codes (kinds, fields, ...) have their German and
English names in :mod:`graph_schema.vocab`.
"""

from __future__ import annotations

from api.web.i18n import N_
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import AREA_KINDS, BODY_KINDS, COOPERATION_KINDS, ORGANISATION_KINDS, ROLES
from graph_schema.vocab import Label as VocabLabel

__all__ = [
    "ACCOUNT_ROLES",
    "ACTIONS",
    "NODE_LABELS",
    "PROPERTIES",
    "REL_NOUNS",
    "REL_TYPES",
    "choices_for",
]

PROPERTIES: dict[str, str] = {
    "id": N_("Kennung"),
    "name": N_("Name"),
    "short_name": N_("Kurzname"),
    "kind": N_("Art"),
    "description": N_("Beschreibung"),
    "website": N_("Website"),
    "email": N_("E-Mail"),
    "phone": N_("Telefon"),
    "address": N_("Adresse"),
    "languages": N_("Sprachen"),
    "tags": N_("Schlagwörter"),
    "founded": N_("Gegründet am"),
    "function": N_("Funktion"),
    "consent_given_on": N_("Einwilligung vom"),
    "title": N_("Titel"),
    "starts_on": N_("Beginn"),
    "ends_on": N_("Ende"),
    "programme": N_("Programm"),
    "cost": N_("Kosten"),
    "population": N_("Einwohnerzahl"),
    "name_de": N_("Name (deutsch)"),
    "name_en": N_("Name (englisch)"),
    "held_on": N_("Datum"),
    "intensity": N_("Intensität"),
    "note": N_("Notiz"),
    "source": N_("Quelle"),
    "role": N_("Rolle"),
    "seat": N_("Sitz"),
    "since": N_("seit"),
    "until": N_("bis"),
}

NODE_LABELS: dict[str, tuple[str, str]] = {
    NodeLabel.ORGANISATION: (N_("Organisation"), N_("Organisationen")),
    NodeLabel.PERSON: (N_("Person"), N_("Personen")),
    NodeLabel.BODY: (N_("Gremium"), N_("Gremien")),
    NodeLabel.OFFER: (N_("Angebot"), N_("Angebote")),
    NodeLabel.AREA: (N_("Gebiet"), N_("Gebiete")),
    NodeLabel.FIELD: (N_("Handlungsfeld"), N_("Handlungsfelder")),
    NodeLabel.TARGET_GROUP: (N_("Zielgruppe"), N_("Zielgruppen")),
    NodeLabel.EVENT: (N_("Veranstaltung"), N_("Veranstaltungen")),
}

#: a tie type as read from its start (out) and from its end (in)
REL_TYPES: dict[str, tuple[str, str]] = {
    RelType.COOPERATES_WITH: (N_("kooperiert mit"), N_("kooperiert mit")),
    RelType.BELONGS_TO: (N_("gehört zu"), N_("hat als Mitglied")),
    RelType.MEMBER_OF: (N_("ist Mitglied in"), N_("hat als Mitglied")),
    RelType.REPRESENTS: (N_("vertritt"), N_("wird vertreten durch")),
    RelType.PROVIDES: (N_("bietet an"), N_("wird angeboten von")),
    RelType.ADDRESSES: (N_("im Handlungsfeld"), N_("Angebote in diesem Handlungsfeld")),
    RelType.SERVES: (N_("für Zielgruppe"), N_("Angebote für diese Zielgruppe")),
    RelType.AVAILABLE_IN: (N_("verfügbar in"), N_("Angebote in diesem Gebiet")),
    RelType.ACTIVE_IN: (N_("aktiv in"), N_("Organisationen in diesem Gebiet")),
    RelType.WORKS_ON: (
        N_("arbeitet im Handlungsfeld"),
        N_("Organisationen in diesem Handlungsfeld"),
    ),
    RelType.PART_OF: (N_("liegt in"), N_("umfasst")),
    RelType.ATTENDED: (N_("nahm teil an"), N_("Teilnehmende")),
}

#: a tie type as a noun, for a line such as "Haus Afrika e.V. → NeMO (Dachverband)"
REL_NOUNS: dict[str, str] = {
    RelType.COOPERATES_WITH: N_("Kooperation"),
    RelType.BELONGS_TO: N_("Dachverband"),
    RelType.MEMBER_OF: N_("Mitgliedschaft"),
    RelType.REPRESENTS: N_("Vertretung"),
    RelType.PROVIDES: N_("Trägerschaft"),
    RelType.ADDRESSES: N_("Handlungsfeld des Angebots"),
    RelType.SERVES: N_("Zielgruppe des Angebots"),
    RelType.AVAILABLE_IN: N_("Gebiet des Angebots"),
    RelType.ACTIVE_IN: N_("Tätigkeitsgebiet"),
    RelType.WORKS_ON: N_("Handlungsfeld"),
    RelType.PART_OF: N_("Gebietsgliederung"),
    RelType.ATTENDED: N_("Teilnahme an Veranstaltung"),
}

ACCOUNT_ROLES: dict[str, str] = {
    "admin": N_("Administration"),
    "editor": N_("Redaktion"),
    "partner": N_("Partnerorganisation"),
    "viewer": N_("Lesezugriff"),
}

ACTIONS: dict[str, str] = {
    "create": N_("angelegt"),
    "update": N_("geändert"),
    "delete": N_("gelöscht"),
    "link": N_("verknüpft"),
    "update_tie": N_("Beziehung geändert"),
    "end_tie": N_("Beziehung beendet"),
    "unlink": N_("Verknüpfung entfernt"),
    "bulk_upsert": N_("Daten eingespielt"),
    "clear": N_("alle Daten gelöscht"),
    "erase": N_("gelöscht (Auskunft/Löschung)"),
}

_VOCAB: dict[tuple[str, str], dict] = {  # type: ignore[type-arg]
    (NodeLabel.ORGANISATION, "kind"): ORGANISATION_KINDS,
    (NodeLabel.BODY, "kind"): BODY_KINDS,
    (NodeLabel.AREA, "kind"): AREA_KINDS,
    (RelType.COOPERATES_WITH, "kind"): COOPERATION_KINDS,
    (RelType.MEMBER_OF, "role"): ROLES,
}


def choices_for(owner: str, prop: str, lang: str) -> list[tuple[str, str]] | None:
    """(code, name) of a vocabulary property of a label or tie type, or None if free text."""
    table: dict[str, VocabLabel] | None = _VOCAB.get((str(owner), prop))
    if table is None:
        return None
    return [(str(code), label.en if lang == "en" else label.de) for code, label in table.items()]
