"""The shape of the demo region: sizes, shares and weights of the random choices.

Names with a leading underscore are private to :mod:`graph_schema.demo`.
"""

from __future__ import annotations

import datetime as dt
from itertools import accumulate

from graph_schema.vocab import FIELDS, TARGET_GROUPS, CooperationKind, OrganisationKind

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
#: the day the demo's (invented) populations were counted, and where they come from
POPULATION_AS_OF = dt.date(2024, 12, 31)
POPULATION_SOURCE = "Beispieldaten: erfundene Einwohnerzahlen"

_K = OrganisationKind
_FIELD_CODES = tuple(FIELDS)
_TG_CODES = tuple(TARGET_GROUPS)

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
_COOP_KINDS = tuple(_KIND_WEIGHTS)
_KIND_CUM = tuple(accumulate(_KIND_WEIGHTS.values()))
_KIND_CUM_FUNDER = tuple(
    accumulate(w + 3 * (k is CooperationKind.FUNDING) for k, w in _KIND_WEIGHTS.items())
)
_INTENSITY_CUM = {k: tuple(accumulate(w)) for k, w in _INTENSITY_WEIGHTS.items()}
_ONE_TO_FOUR = (1, 2, 3, 4)
_N_FIELDS_CUM = (25, 60, 85, 100)
_N_GROUPS_CUM = (45, 85, 100)
