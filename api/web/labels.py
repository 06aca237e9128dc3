"""What people read for the model's names: property names, node labels, tie types, roles.

The names of labels and tie types are stated in :mod:`graph_schema.registry`; this module
names properties, account roles and history actions.

Every string is German (the source language) and marked for the catalogue with ``N_``; it
is translated where it is shown. Vocabulary codes (kinds, fields, ...) have their German and
English names in :mod:`graph_schema.vocab`.
"""

from __future__ import annotations

from api.web.i18n import N_
from graph_schema import registry
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import AREA_KINDS, BODY_KINDS, COOPERATION_KINDS, ORGANISATION_KINDS, ROLES
from graph_schema.vocab import Label as VocabLabel

__all__ = [
    "ACCOUNT_ROLES",
    "ACTIONS",
    "LIST_PAGES",
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
    "population_as_of": N_("Stand der Einwohnerzahl"),
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

#: a label's German names: (singular, plural), from the registry
NODE_LABELS: dict[str, tuple[str, str]] = {
    label: (e.singular, e.plural) for label, e in registry.LABELS.items()
}

#: a tie type as read from its start (out) and from its end (in), from the registry
REL_TYPES: dict[str, tuple[str, str]] = {
    rel: (e.out_phrase, e.in_phrase) for rel, e in registry.TIES.items()
}

#: the main navigation's list pages: (address, German title), in the registry's order
LIST_PAGES: tuple[tuple[str, str], ...] = tuple(
    (f"/{e.page}", e.plural) for e in registry.LABELS.values() if e.page
)

#: a tie type as a noun, for a line such as "Haus Afrika e.V. → NeMO (Dachverband)"
REL_NOUNS: dict[str, str] = {rel: e.noun for rel, e in registry.TIES.items()}

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
    "sign_in_failed": N_("Anmeldung fehlgeschlagen"),
    "throttle_lifted": N_("Wartezeit für Anmeldungen aufgehoben"),
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
