"""Step 2: the organisations, their areas and fields, the missing field's candidates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_schema.demo.parameters import (
    _FIELD_CODES,
    _FIELD_PREFS,
    _FITNESS,
    _K,
    _N_FIELDS_CUM,
    _N_ISOLATED_MSOS,
    _N_SINGLE_TIE_MSOS,
    _ONE_TO_FOUR,
    _REMAINDER_SHARES,
    LANGUAGES,
    REGION_ID,
)
from graph_schema.demo.state import _Org, _State
from graph_schema.demo.words import (
    _AUTHORITIES,
    _DIAKONIE,
    _GERMAN_SURNAMES,
    _KVS,
    _LOCAL_UNITS,
    _MSO_NOUNS,
    _NAME_TEMPLATES,
    _NATIONS,
    _ORTSTEILE,
    _PLACES,
    _SAINTS,
)
from graph_schema.model import RelType
from graph_schema.vocab import OrganisationKind


class _Organisations(_State):
    """Organisations: fixed anchors, the broker's cluster, the rest by quota."""

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
        self.names = set()
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
        kvs = self.county_associations()
        authorities = [
            self.add_org(_K.AUTHORITY, name, None, short_name=short, fitness=10, hub=True)
            for name, short in _AUTHORITIES
        ]
        fixed = [*kvs, *authorities, *self.town_halls()]
        # broker and its cluster (kept out of the random cooperation process)
        broker, cluster = self.broker_and_cluster()
        fixed += [broker, *cluster]
        fixed += self.orgs_by_quota(self.size - 1 - len(fixed))
        self.rng.shuffle(fixed)
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
        self.peripheral = self.rng.sample(msos, _N_ISOLATED_MSOS + _N_SINGLE_TIE_MSOS)
        self.choose_missing_field()
        self.org_ties()

    def county_associations(self) -> list[_Org]:
        """The Kreisverbände of the welfare associations, region-wide hubs."""
        return [
            self.add_org(
                _K.WELFARE_ASSOCIATION,
                name,
                None,
                short_name=short,
                fitness=12,
                founded=self.day(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                hub=True,
            )
            for name, short, year in _KVS
        ]

    def town_halls(self) -> list[_Org]:
        """One municipality organisation per town; the towns of 20,000 or more are hubs."""
        out = []
        for t in self.town_ids:
            town = self.area_name[t]
            big = self.town_pop[t] >= 20_000
            name = (
                f"Stadt {town} – Integrationsbeauftragte" if big else f"Gemeinde {town} – Rathaus"
            )
            short = f"Stadt {town}" if big else f"Gemeinde {town}"
            fit = 6 if t == self.largest_id else 4 if big else 3
            out.append(
                self.add_org(_K.MUNICIPALITY, name, t, short_name=short, fitness=fit, hub=big)
            )
        return out

    def broker_and_cluster(self) -> tuple[_Org, list[_Org]]:
        """The planted broker and the six organisations only it links to the network."""
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
        return broker, cluster

    def orgs_by_quota(self, rest: int) -> list[_Org]:
        """``rest`` organisations of every kind by quota (largest remainder)."""
        rng = self.rng
        quotas = {k: int(rest * s) for k, s in _REMAINDER_SHARES.items()}
        by_frac = sorted(_REMAINDER_SHARES, key=lambda k: -(rest * _REMAINDER_SHARES[k] % 1))
        for k in by_frac[: rest - sum(quotas.values())]:
            quotas[k] += 1
        kinds = [k for k, q in quotas.items() for _ in range(q)]
        homes = rng.choices(self.town_ids, cum_weights=self.town_cum, k=len(kinds))
        kv_weights = (3, 3, 2, 3, 1)
        out = []
        for kind, home in zip(kinds, homes, strict=True):
            town = self.area_name[home]
            if kind is _K.WELFARE_ASSOCIATION:
                a = rng.choices(range(5), weights=kv_weights)[0]
                name = self.unique(lambda lb, a=a: rng.choice(_LOCAL_UNITS[a]).format(t=lb), town)
                out.append(self.add_org(kind, name, home, parent=a))
            else:
                name = self.unique(lambda lb, k=kind: self.template_name(k, lb), town)
                out.append(self.add_org(kind, name, home))
        return out

    def choose_missing_field(self) -> None:
        """The missing field: one that organisations outside the gap areas work on."""
        outside: dict[str, list[int]] = {}
        for i, org in enumerate(self.orgs):
            if any(a not in self.forbidden for a in org.areas):
                for f in org.fields:
                    outside.setdefault(f, []).append(i)
        candidates = [f for f in _FIELD_CODES if len(outside.get(f, ())) >= 3] or [
            f for f in _FIELD_CODES if f in outside
        ]
        self.missing_field = missing = self.rng.choice(candidates)
        self.missing_providers = outside[missing]
        for org in self.orgs:
            if org.fields == [missing]:  # every organisation can offer something elsewhere
                org.fields.append(
                    next(f for f in (*_FIELD_PREFS[org.kind], *_FIELD_CODES) if f != missing)
                )

    def org_ties(self) -> None:
        """The organisations' ties: ACTIVE_IN, WORKS_ON, BELONGS_TO."""
        for org in self.orgs:
            for area in org.areas:
                self.tie(RelType.ACTIVE_IN, org.id, area, org.founded)
            for f in org.fields:
                self.tie(RelType.WORKS_ON, org.id, f, org.founded)
            if org.parent is not None:
                self.tie(
                    RelType.BELONGS_TO, org.id, self.orgs[self.kvs[org.parent]].id, org.founded
                )
