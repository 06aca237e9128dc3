"""A network shaped like an office's real list: long German names, few ties, many isolates.

Not the demo region: names of 30 to 90 characters with legal forms, dashes and notes in
brackets, a short name for only some, one main component, a few pairs and many
organisations without any cooperation (a new office's list: 68 organisations and 54
cooperations). Generated from a seed, so tests can vary the shape instead of tuning to
one file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore

__all__ = ["PLACES", "RealShaped", "load", "real_shaped"]

PLACES = [
    "Saarbrücken",
    "Völklingen",
    "Püttlingen",
    "Sulzbach/Saar",
    "Friedrichsthal",
    "Quierschied",
    "Heusweiler",
    "Riegelsberg",
    "Kleinblittersdorf",
    "Großrosseln",
]
_PEOPLES = [
    ("Syrisch", "syrischen"),
    ("Afghanisch", "afghanischen"),
    ("Eritreisch", "eritreischen"),
    ("Ukrainisch", "ukrainischen"),
    ("Türkisch", "türkischen"),
    ("Kurdisch", "kurdischen"),
    ("Irakisch", "irakischen"),
    ("Kamerunisch", "kamerunischen"),
    ("Russlanddeutsch", "russlanddeutschen"),
    ("Griechisch", "griechischen"),
]
_TEMPLATES: dict[str, list[str]] = {
    "welfare_association": [
        "Arbeiterwohlfahrt Kreisverband {ort} e.V.",
        "Caritasverband für die Region {ort} e.V. – Fachdienst Migration und Integration",
        "Diakonisches Werk an der Saar gGmbH – Migrationsberatung für erwachsene "
        "Zuwanderer (MBE) {ort}",
        "Deutsches Rotes Kreuz Ortsverein {ort} e.V.",
        "Der Paritätische Wohlfahrtsverband Landesverband Rheinland-Pfalz/Saarland e.V. "
        "(Sitz {ort})",
    ],
    "migrant_organisation": [
        "Haus Afrika e.V. – Verband interkulturell aktiver Organisationen {ort}",
        "{Volk}-Deutscher Kulturverein {ort} e.V.",
        "Verein der {volk} Frauen im Saarland e.V. (Einsatzort {ort})",
        "Elternnetzwerk der {volk} Familien in {ort}",
        "{Volk}e Gemeinde {ort} und Umgebung e.V.",
    ],
    "authority": [
        "Ausländerbehörde des Regionalverbands {ort}",
        "Jobcenter im Regionalverband {ort} – Team Migration",
        "Bundesamt für Migration und Flüchtlinge (BAMF) – Außenstelle {ort}",
        "Amt für Soziale Angelegenheiten der Stadt {ort}",
    ],
    "education_provider": [
        "Volkshochschule {ort} – Integrations- und Berufssprachkurse",
        "Internationaler Bund (IB) Südwest gGmbH – Jugendmigrationsdienst {ort}",
        "Berufsbildungszentrum {ort}",
    ],
    "initiative": [
        "Flüchtlingshilfe {ort} (Ehrenamtsinitiative)",
        "Willkommensnetzwerk {ort} – Begegnung und Patenschaften",
        "Begegnungscafé der evangelischen Kirchengemeinde {ort}",
    ],
    "religious_community": [
        "Katholische Pfarreiengemeinschaft {ort}",
        "Islamische Gemeinde {ort} e.V.",
    ],
}
_KIND_WEIGHTS = {
    "welfare_association": 5,
    "migrant_organisation": 5,
    "authority": 3,
    "education_provider": 2,
    "initiative": 3,
    "religious_community": 1,
}


@dataclass
class RealShaped:
    organisations: list[dict[str, str]]
    cooperations: list[tuple[str, str]]
    areas: list[dict[str, str]]


def real_shaped(
    organisations: int = 68, cooperations: int = 54, seed: int = 1, short_share: float = 0.15
) -> RealShaped:
    """Organisations with long real-shaped names and ``cooperations`` ties among about
    two thirds of them (one main component and some pairs); the rest are isolates."""
    rng = random.Random(seed)
    kinds = list(_KIND_WEIGHTS)
    weights = [_KIND_WEIGHTS[k] for k in kinds]
    orgs: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(orgs) < organisations:
        kind = rng.choices(kinds, weights)[0]
        ort = rng.choice(PLACES)
        volk, volk_adj = rng.choice(_PEOPLES)
        name = rng.choice(_TEMPLATES[kind]).format(ort=ort, Volk=volk, volk=volk_adj)
        if name in seen:
            continue
        seen.add(name)
        org = {"id": f"org-{len(orgs) + 1:03d}", "name": name, "kind": kind}
        if rng.random() < short_share:
            org["short_name"] = "".join(w[0] for w in name.split()[:4] if w[0].isupper())
        orgs.append(org)
    ids = [o["id"] for o in orgs]
    tied = ids[: max(3, organisations * 2 // 3)]
    main = tied[: max(3, len(tied) * 3 // 4)]
    ties: set[tuple[str, str]] = set()
    for i, v in enumerate(main[1:], 1):  # a tree first: one main component
        u = main[rng.randrange(max(1, i // 3))] if rng.random() < 0.6 else main[rng.randrange(i)]
        ties.add((min(u, v), max(u, v)))
    rest = tied[len(main) :]
    for a, b in zip(rest[::2], rest[1::2], strict=False):  # pairs outside it
        ties.add((a, b))
    while len(ties) < cooperations:
        a, b = rng.sample(main, 2)
        ties.add((min(a, b), max(a, b)))
    areas = [
        {"id": f"1004{i + 1:04d}", "name": place, "kind": "municipality"}
        for i, place in enumerate(PLACES)
    ]
    return RealShaped(orgs, sorted(ties)[: max(cooperations, len(ties))], areas)


def load(store: GraphStore, region: RealShaped) -> None:
    """Write the region into ``store`` (organisations, municipalities, cooperations)."""
    for area in region.areas:
        store.create(NodeLabel.AREA, area)
    for org in region.organisations:
        store.create(NodeLabel.ORGANISATION, org)
    for i, (a, b) in enumerate(region.cooperations):
        store.link(RelType.COOPERATES_WITH, a, b, id=f"coop-{i:03d}", kind="exchange")
