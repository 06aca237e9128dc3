"""The words office lists use for the shipped vocabularies, fields and target groups.

Suggestions only: an import never applies them without the user's word (the preview's
value mapping, or ``--accept-suggestions``). Keys are compared in the normal form of
:func:`api.transfer.columns.norm`; a target is a code (of a vocabulary, field or target
group), :data:`UMBRELLA` for the umbrella tie, :data:`STATE` for the state's area,
:data:`LEAVE_OUT` for a value that is better left out.

Maintained by hand: add the words a new list brings.
"""

from __future__ import annotations

from api.transfer.columns import norm

__all__ = ["LEAVE_OUT", "STATE", "SYNONYMS", "UMBRELLA", "synonym"]

#: a cooperation kind that is an umbrella tie (BELONGS_TO), not a cooperation
UMBRELLA = "BELONGS_TO"
#: the area of kind "state" (the Land), whichever id it has
STATE = "@state"
#: better left out (not something the target can hold)
LEAVE_OUT = "@leave_out"

_FIELD = {
    "Teilhabe": "participation",
    "Partizipation": "participation",
    "Ehrenamt": "participation",
    "Bürgerschaftliches Engagement": "participation",
    "Engagement": "participation",
    "Beratung": "counselling",
    "Soziale Beratung": "counselling",
    "Sozialberatung": "counselling",
    "Migrationsberatung": "counselling",
    "Begleitung": "counselling",
    "Sprache": "language",
    "Sprachförderung": "language",
    "Deutsch": "language",
    "Spracherwerb": "language",
    "Frühkindliche Bildung": "language",
    "Bildung": "school",
    "Schule": "school",
    "Arbeit": "work",
    "Ausbildung": "work",
    "Arbeitsmarkt": "work",
    "Beruf": "work",
    "Aufenthalt": "legal",
    "Aufenthaltsrecht": "legal",
    "Recht": "legal",
    "Asyl": "legal",
    "Rechtsstatus": "legal",
    "Kultur/Religion/Sport": "culture",
    "Kultur": "culture",
    "Religion": "culture",
    "Sport": "culture",
    "Freizeit": "culture",
    "Antidiskriminierung": "antidiscrimination",
    "Diskriminierung": "antidiscrimination",
    "Interkulturelle Öffnung": "antidiscrimination",
    "Rassismus": "antidiscrimination",
    "Wohnen": "housing",
    "Wohnraum": "housing",
    "Gesundheit": "health",
    "Pflege": "health",
}

_TARGET_GROUP = {
    "Geflüchtete": "refugees",
    "Flüchtlinge": "refugees",
    "Asylsuchende": "refugees",
    "Schutzsuchende": "refugees",
    "Asylbewerber": "refugees",
    "Neuzugewanderte": "newly_arrived",
    "Neuzuwanderer": "newly_arrived",
    "Zugewanderte": "newly_arrived",
    "Migranten": "newly_arrived",
    "Migrantinnen und Migranten": "newly_arrived",
    "Menschen mit Migrationshintergrund": "newly_arrived",
    "EU-Bürger": "eu_migrants",
    "EU-Bürgerinnen und -Bürger": "eu_migrants",
    "Unionsbürger": "eu_migrants",
    "Frauen": "women",
    "Mädchen und Frauen": "women",
    "Kinder": "children",
    "Jugendliche": "children",
    "Familien": "children",
    "Junge Menschen": "young_adults",
    "Junge Erwachsene": "young_adults",
    "Senioren": "seniors",
    "Ältere": "seniors",
    "Ältere Menschen": "seniors",
    "Fachkräfte": "skilled_workers",
    "Arbeitssuchende": "skilled_workers",
    "Menschen mit Behinderung": "disabilities",
    "Behinderte": "disabilities",
}

_COOPERATION_KIND = {
    "Mitgliedschaft/Dachverband": UMBRELLA,
    "Mitgliedschaft": UMBRELLA,
    "Dachverband": UMBRELLA,
    "Mitglied": UMBRELLA,
    "Mitglied im Dachverband": UMBRELLA,
    "Spitzenverband": UMBRELLA,
    "Trägerschaft": UMBRELLA,
    "Kooperation": "exchange",
    "Zusammenarbeit": "exchange",
    "Netzwerkpartner": "exchange",
    "Netzwerkpartnerschaft": "exchange",
    "Austausch": "exchange",
    "Partnerschaft": "exchange",
    "Gremium": "exchange",
    "Gemeinsames Projekt": "joint_project",
    "Projektpartner": "joint_project",
    "Projektpartnerschaft": "joint_project",
    "Projektkooperation": "joint_project",
    "Förderung": "funding",
    "Zuwendung": "funding",
    "Finanzierung": "funding",
    "Förderer": "funding",
    "Verweisberatung": "referral",
    "Verweis": "referral",
    "Überleitung": "referral",
    "Kooperationsvereinbarung": "formal_agreement",
    "Kooperationsvertrag": "formal_agreement",
    "Vertrag": "formal_agreement",
    "Rahmenvereinbarung": "formal_agreement",
}

_AREA = {
    "landesweit": STATE,
    "Land": STATE,
    "Bundesland": STATE,
    "ganzes Land": STATE,
    "saarlandweit": STATE,
    "bundesweit": LEAVE_OUT,
    "deutschlandweit": LEAVE_OUT,
    "überregional": LEAVE_OUT,
    "international": LEAVE_OUT,
    "online": LEAVE_OUT,
}

#: what a value should match (a node label or a vocabulary name) -> word -> target
SYNONYMS: dict[str, dict[str, str]] = {
    kind: {norm(word): target for word, target in words.items()}
    for kind, words in {
        "Field": _FIELD,
        "TargetGroup": _TARGET_GROUP,
        "cooperation_kind": _COOPERATION_KIND,
        "Area": _AREA,
    }.items()
}


def synonym(kind: str, value: str) -> str | None:
    """The target the synonym list gives ``value`` of ``kind``, if any.

    Examples:
        >>> synonym("Field", "Teilhabe"), synonym("cooperation_kind", "Mitgliedschaft/Dachverband")
        ('participation', 'BELONGS_TO')
        >>> synonym("Area", "Landesweit"), synonym("Field", "Astronomie")
        ('@state', None)
    """
    return SYNONYMS.get(kind, {}).get(norm(value))
