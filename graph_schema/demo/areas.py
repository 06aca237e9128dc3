"""Step 1: the region, its municipalities and the districts of the largest town."""

from __future__ import annotations

from itertools import accumulate

from graph_schema.demo.parameters import (
    LARGEST_TOWN,
    POPULATION_AS_OF,
    POPULATION_SOURCE,
    REGION_ID,
    REGION_NAME,
)
from graph_schema.demo.state import _State
from graph_schema.demo.words import (
    _DISTRICTS,
    _TOWN_PREFIXES,
    _TOWN_QUALIFIERS,
    _TOWN_SUFFIXES,
    _ascii,
)
from graph_schema.model import RelType
from graph_schema.vocab import AreaKind


class _Areas(_State):
    """Areas: names, populations, ids and the places of the planted gaps."""

    def town_names(self, n: int) -> list[str]:
        rng = self.rng
        plain = [p + s for p in _TOWN_PREFIXES for s in _TOWN_SUFFIXES if s[:3] not in p.lower()]
        rng.shuffle(plain)
        qualified = [f"{p} {q}" for p in plain for q in _TOWN_QUALIFIERS]
        rng.shuffle(qualified)
        names = [LARGEST_TOWN]
        while len(names) < n:
            if qualified and (rng.random() < 0.2 or not plain):
                names.append(qualified.pop())
            elif plain:
                names.append(plain.pop())
            else:
                names.append(f"{names[len(names) % 500 + 1]} {len(names)}")
        return names

    def build_areas(self) -> None:
        rng = self.rng
        m = max(10, self.size // 15)
        names = self.town_names(m)
        largest = rng.randint(90_000, 120_000)
        pops = [largest]
        for k in range(1, m):
            pop = int(largest * 0.4 / k**0.8 * rng.uniform(0.8, 1.2))
            pops.append(pop if pop >= 3000 else rng.randint(3000, 6000))
        order = sorted(range(m), key=lambda i: _ascii(names[i]))
        counted = {"population_as_of": POPULATION_AS_OF, "source": POPULATION_SOURCE}
        self.areas = [
            {
                "id": REGION_ID,
                "name": REGION_NAME,
                "kind": AreaKind.REGION,
                "population": sum(pops),
                **counted,
            }
        ]
        self.area_name = {REGION_ID: REGION_NAME}
        self.town_ids = []
        town_pop: dict[str, int] = {}
        for rank, i in enumerate(order):
            aid = f"09{999 - rank // 999:03d}{rank % 999 + 1:03d}"
            self.town_ids.append(aid)
            town_pop[aid] = pops[i]
            self.area_name[aid] = names[i]
            if i == 0:
                self.largest_id = aid
            self.areas.append(
                {
                    "id": aid,
                    "name": names[i],
                    "kind": AreaKind.MUNICIPALITY,
                    "population": pops[i],
                    **counted,
                }
            )
            self.tie(RelType.PART_OF, aid, REGION_ID)
        self.town_pop = town_pop
        self.town_index = {t: i for i, t in enumerate(self.town_ids)}
        self.town_cum = list(accumulate(town_pop[t] for t in self.town_ids))
        weights = [rng.uniform(0.6, 1.4) for _ in _DISTRICTS]
        shares = [int(largest * w / sum(weights)) for w in weights[:-1]]
        shares.append(largest - sum(shares))
        self.district_ids = []
        for j, (suffix, pop) in enumerate(zip(_DISTRICTS, shares, strict=True), start=1):
            did = f"{self.largest_id}-{j:02d}"
            name = f"{LARGEST_TOWN}-{suffix}"
            self.district_ids.append(did)
            self.area_name[did] = name
            self.areas.append(
                {
                    "id": did,
                    "name": name,
                    "kind": AreaKind.DISTRICT,
                    "population": pop,
                    "population_as_of": POPULATION_AS_OF,
                }
            )
            self.tie(RelType.PART_OF, did, self.largest_id)
        # the special places of the planted gaps: three distinct non-largest towns
        others = [t for t in self.town_ids if t != self.largest_id]
        self.cluster_town, miss_a, miss_b = rng.sample(others, 3)
        self.missing_areas = (miss_a, miss_b)
        self.forbidden = frozenset({miss_a, miss_b, REGION_ID})
