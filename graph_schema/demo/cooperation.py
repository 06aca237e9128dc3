"""Step 3: cooperation ties by preferential attachment, and the planted broker."""

from __future__ import annotations

import datetime as dt

from graph_schema.demo.parameters import (
    _COOP_KINDS,
    _COOPERATIONS_PER_ORG,
    _ENDED_SHARE,
    _FUNDERS,
    _INTENSITY_CUM,
    _K,
    _KIND_CUM,
    _KIND_CUM_FUNDER,
    _N_BROKER_TIES,
    _N_ISOLATED_MSOS,
    _N_SINGLE_TIE_MSOS,
    _ONE_TO_FOUR,
    REGION_ID,
)
from graph_schema.demo.state import _State
from graph_schema.demo.words import _ABH, _DIAKONIE, _NOTES, _SOURCES
from graph_schema.model import RelType
from graph_schema.vocab import CooperationKind


class _Cooperation(_State):
    """Cooperation: the urn process, the giant component, the broker's ties."""

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
        self.coops = []
        self.pairs = set()
        self.today_pairs = set()
        excluded = {self.broker, *self.cluster, *self.peripheral}
        eligible = [i for i in range(len(self.orgs)) if i not in excluded]
        for a, b in self.attach(eligible):
            self.add_coop(a, b, ended=rng.random() < _ENDED_SHARE)
        giant = self.giant_component(eligible)
        self.plant_broker(giant)
        # peripheral MSOs with exactly one partner in the main network
        for mso in self.peripheral[_N_ISOLATED_MSOS:]:
            self.add_coop(mso, rng.choice(giant))
        rng.shuffle(self.coops)
        for a, b, since, until, extra in self.coops:
            self.tie(RelType.COOPERATES_WITH, self.orgs[a].id, self.orgs[b].id, since, until, extra)

    def attach(self, eligible: list[int]) -> list[tuple[int, int]]:
        """New pairs by preferential attachment: an urn of organisations by fitness.

        Almost half of the partners are drawn from the same town, migrant organisations
        prefer each other; every tie puts both ends into the urns once more.
        """
        rng = self.rng
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
            key = (a, b) if a < b else (b, a)
            if a == b or key in pairs:
                continue
            pairs.add(key)
            edges.append((a, b))
            for x in (a, b):
                urn.append(x)
                local[home[x]].append(x)
                if self.orgs[x].kind is _K.MIGRANT_ORGANISATION:
                    mso_urn.append(x)
        return edges

    def giant_component(self, eligible: list[int]) -> list[int]:
        """The largest component of the network valid today (union-find), in index order."""
        parent = list(range(len(self.orgs)))

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
        return [i for i in eligible if find(i) == giant_root]

    def plant_broker(self, giant: list[int]) -> None:
        """The broker: three ties into the giant component, its cluster internally connected."""
        giant_set = set(giant)
        kinds = list(CooperationKind)
        planted_ties: list[tuple[int, int]] = []
        c = self.cluster
        planted_ties += [(c[i], c[i + 1]) for i in range(len(c) - 1)]
        planted_ties += [(c[0], c[2]), (c[3], c[5])]
        planted_ties += [(self.broker, c[0]), (self.broker, c[3])]
        preferred = [self.kvs[_DIAKONIE], self.town_org[self.cluster_town], self.authorities[_ABH]]
        partners = [p for p in preferred if p in giant_set]
        for p in self.rng.sample(giant, min(len(giant), 6)):
            if len(partners) < 3 and p not in partners:
                partners.append(p)
        planted_ties += [(self.broker, p) for p in partners[:3]]
        assert len(planted_ties) == _N_BROKER_TIES
        for j, (a, b) in enumerate(planted_ties):
            self.add_coop(a, b, kind=kinds[j % len(kinds)], intensity=j % 3 + 1)
