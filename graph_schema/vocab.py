"""Controlled vocabularies in German and English.

Codes (the keys) are what the graph stores and the API speaks; the labels are what people
read. Fields of action follow the themes of municipal integration monitoring.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "AREA_KINDS",
    "BODY_KINDS",
    "COOPERATION_KINDS",
    "FIELDS",
    "ORGANISATION_KINDS",
    "ROLES",
    "TARGET_GROUPS",
    "STATES",
    "AreaKind",
    "BodyKind",
    "CooperationKind",
    "Label",
    "MembershipRole",
    "OrganisationKind",
    "Role",
    "area_kind_of_ags",
    "label_for",
    "state_of",
]


class Label(NamedTuple):
    """A term's name in German and English."""

    de: str
    en: str


class OrganisationKind(StrEnum):
    WELFARE_ASSOCIATION = "welfare_association"
    MIGRANT_ORGANISATION = "migrant_organisation"
    AUTHORITY = "authority"
    MUNICIPALITY = "municipality"
    EDUCATION_PROVIDER = "education_provider"
    INITIATIVE = "initiative"
    ASSOCIATION = "association"
    RELIGIOUS_COMMUNITY = "religious_community"
    EMPLOYER = "employer"
    OTHER = "other"


class CooperationKind(StrEnum):
    FORMAL_AGREEMENT = "formal_agreement"
    JOINT_PROJECT = "joint_project"
    REFERRAL = "referral"
    EXCHANGE = "exchange"
    FUNDING = "funding"


class BodyKind(StrEnum):
    PROJECT_COUNCIL = "project_council"
    WORKING_GROUP = "working_group"
    NETWORK = "network"
    COMMITTEE = "committee"


class MembershipRole(StrEnum):
    """A member's role in a body (council, working group, ...)."""

    CHAIR = "chair"
    DEPUTY = "deputy"
    MEMBER = "member"
    ADVISORY = "advisory"
    GUEST = "guest"


#: the older name; the OpenAPI document knows it as ``MembershipRole`` (``AccountRole`` is
#: an account's role)
Role = MembershipRole


class AreaKind(StrEnum):
    """An area's level: a state (Land), a region (Kreis, Regionalverband or the network's
    own region), a municipality (Gemeinde) or a district of one (Stadtteil)."""

    STATE = "state"
    REGION = "region"
    MUNICIPALITY = "municipality"
    DISTRICT = "district"


ORGANISATION_KINDS: dict[OrganisationKind, Label] = {
    OrganisationKind.WELFARE_ASSOCIATION: Label("Wohlfahrtsverband", "Welfare association"),
    OrganisationKind.MIGRANT_ORGANISATION: Label(
        "Migrantenorganisation (MSO)", "Migrant organisation"
    ),
    OrganisationKind.AUTHORITY: Label("Behörde", "Authority"),
    OrganisationKind.MUNICIPALITY: Label("Kommune", "Municipality"),
    OrganisationKind.EDUCATION_PROVIDER: Label("Bildungsträger", "Education provider"),
    OrganisationKind.INITIATIVE: Label("Initiative", "Initiative"),
    OrganisationKind.ASSOCIATION: Label("Verein", "Association"),
    OrganisationKind.RELIGIOUS_COMMUNITY: Label("Religionsgemeinschaft", "Religious community"),
    OrganisationKind.EMPLOYER: Label("Arbeitgeber", "Employer"),
    OrganisationKind.OTHER: Label("Sonstige", "Other"),
}

COOPERATION_KINDS: dict[CooperationKind, Label] = {
    CooperationKind.FORMAL_AGREEMENT: Label("Kooperationsvereinbarung", "Formal agreement"),
    CooperationKind.JOINT_PROJECT: Label("Gemeinsames Projekt", "Joint project"),
    CooperationKind.REFERRAL: Label("Verweisberatung", "Referral"),
    CooperationKind.EXCHANGE: Label("Austausch", "Exchange"),
    CooperationKind.FUNDING: Label("Förderung", "Funding"),
}

BODY_KINDS: dict[BodyKind, Label] = {
    BodyKind.PROJECT_COUNCIL: Label("Projektrat", "Project council"),
    BodyKind.WORKING_GROUP: Label("Arbeitskreis", "Working group"),
    BodyKind.NETWORK: Label("Netzwerk", "Network"),
    BodyKind.COMMITTEE: Label("Ausschuss", "Committee"),
}

ROLES: dict[MembershipRole, Label] = {
    MembershipRole.CHAIR: Label("Vorsitz", "Chair"),
    MembershipRole.DEPUTY: Label("Stellvertretung", "Deputy"),
    MembershipRole.MEMBER: Label("Mitglied", "Member"),
    MembershipRole.ADVISORY: Label("Beratendes Mitglied", "Advisory member"),
    MembershipRole.GUEST: Label("Gast", "Guest"),
}

AREA_KINDS: dict[AreaKind, Label] = {
    AreaKind.STATE: Label("Land", "State"),
    AreaKind.REGION: Label("Region", "Region"),
    AreaKind.MUNICIPALITY: Label("Gemeinde", "Municipality"),
    AreaKind.DISTRICT: Label("Stadtteil", "District"),
}

# Fields of action (Handlungsfelder): stored as Field nodes with these ids.
FIELDS: dict[str, Label] = {
    "language": Label("Sprache und frühkindliche Bildung", "Language and early education"),
    "school": Label("Schule und Bildung", "School and education"),
    "work": Label("Arbeit und Ausbildung", "Work and vocational training"),
    "housing": Label("Wohnen", "Housing"),
    "health": Label("Gesundheit", "Health"),
    "counselling": Label("Soziale Beratung und Begleitung", "Social counselling and support"),
    "legal": Label("Rechtsstatus und Aufenthalt", "Legal status and residence"),
    "participation": Label(
        "Teilhabe und bürgerschaftliches Engagement", "Participation and civic engagement"
    ),
    "culture": Label("Kultur, Religion und Sport", "Culture, religion and sport"),
    "antidiscrimination": Label(
        "Antidiskriminierung und interkulturelle Öffnung",
        "Anti-discrimination and intercultural opening",
    ),
}

# Target groups (Zielgruppen): stored as TargetGroup nodes with these ids.
TARGET_GROUPS: dict[str, Label] = {
    "refugees": Label("Geflüchtete", "Refugees"),
    "newly_arrived": Label("Neuzugewanderte", "Newly arrived"),
    "eu_migrants": Label("EU-Zugewanderte", "EU migrants"),
    "women": Label("Frauen", "Women"),
    "children": Label("Kinder und Jugendliche", "Children and adolescents"),
    "young_adults": Label("Junge Erwachsene", "Young adults"),
    "seniors": Label("Seniorinnen und Senioren", "Seniors"),
    "skilled_workers": Label("Fachkräfte", "Skilled workers"),
    "disabilities": Label("Menschen mit Behinderung", "People with disabilities"),
}


def label_for(code: str, lang: str = "de") -> str:
    """The German (or English) name of any vocabulary code; the code itself if unknown.

    Examples:
        >>> label_for("migrant_organisation")
        'Migrantenorganisation (MSO)'
        >>> label_for("housing", "en")
        'Housing'
    """
    for table in (
        ORGANISATION_KINDS,
        COOPERATION_KINDS,
        BODY_KINDS,
        ROLES,
        AREA_KINDS,
        FIELDS,
        TARGET_GROUPS,
    ):
        label = table.get(code)  # type: ignore[call-overload]
        if label is not None:
            return label.en if lang == "en" else label.de
    return code


#: the 16 Länder by the first two digits of the Amtlicher Gemeindeschlüssel (AGS)
STATES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

#: an AGS's number of digits -> the level it names (12: the Regionalschlüssel of a Gemeinde)
_KIND_BY_AGS_LENGTH: dict[int, AreaKind] = {
    2: AreaKind.STATE,
    5: AreaKind.REGION,
    8: AreaKind.MUNICIPALITY,
    12: AreaKind.MUNICIPALITY,
}


def _ags_digits(ags: str) -> str | None:
    """``ags`` without spaces, if it is all digits (lists write "10 0 41 100" too)."""
    digits = "".join(str(ags).split())
    return digits if digits.isdigit() and digits.isascii() else None


def state_of(ags: str) -> tuple[str, str] | None:
    """The Land of an AGS (of a Land, Kreis or Gemeinde): its two-digit code and its name;
    None if ``ags`` is no key of the 16 Länder.

    Examples:
        >>> state_of("10041100")
        ('10', 'Saarland')
        >>> state_of("16")
        ('16', 'Thüringen')
        >>> state_of("17000000") is None, state_of("Saarbrücken") is None
        (True, True)
    """
    digits = _ags_digits(ags)
    if digits is None or len(digits) not in _KIND_BY_AGS_LENGTH:
        return None
    code = digits[:2]
    name = STATES.get(code)
    return (code, name) if name else None


def area_kind_of_ags(ags: str) -> AreaKind | None:
    """The level an AGS names by its length: 2 digits a Land, 5 a Kreis (region), 8 or 12
    a Gemeinde; None for anything else.

    Examples:
        >>> [str(area_kind_of_ags(x)) for x in ("10", "10041", "10041100", "1004")]
        ['state', 'region', 'municipality', 'None']
    """
    digits = _ags_digits(ags)
    if digits is None or state_of(digits) is None:
        return None
    return _KIND_BY_AGS_LENGTH.get(len(digits))
