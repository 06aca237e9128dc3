"""The state shared by the steps of one generation, and their small helpers."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph_schema.model import RelType
from graph_schema.vocab import OrganisationKind

_T = TypeVar("_T")


@dataclass(slots=True)
class _Org:
    kind: OrganisationKind
    name: str
    short_name: str | None
    town: str | None  # home municipality; None = region-wide
    founded: dt.date | None
    fitness: int
    areas: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    parent: int | None = None  # index of the Kreisverband for BELONGS_TO
    hub: bool = False
    id: str = ""
    slug: str = ""
    description: str | None = None


_Raw = tuple[str, str, "dt.date | None", "dt.date | None", "dict[str, Any] | None"]

#: a cooperation before it becomes a tie: the organisations' indexes, dates and properties
_Coop = tuple[int, int, dt.date, "dt.date | None", dict[str, Any]]
#: an offer before it becomes a node: the provider's index, fields, areas, groups, properties
_OfferRecord = dict[str, Any]


class _State:
    """The random generator and the intermediate records of one generation.

    Each step (areas, organisations, cooperation, offers, people, bodies and events) is a
    mixin of its own module over this state; :class:`graph_schema.demo.generate._Builder`
    runs them in order. Every step draws from the one generator, so their order is part of
    the output.
    """

    # areas
    areas: list[dict[str, Any]]
    area_name: dict[str, str]
    town_ids: list[str]
    town_pop: dict[str, int]
    town_index: dict[str, int]
    town_cum: list[int]
    largest_id: str
    district_ids: list[str]
    cluster_town: str
    missing_areas: tuple[str, str]
    forbidden: frozenset[str]
    # organisations
    names: set[str]
    orgs: list[_Org]
    office: int
    kvs: list[int]
    authorities: list[int]
    broker: int
    cluster: list[int]
    town_org: dict[str, int]
    peripheral: list[int]
    missing_field: str
    missing_providers: list[int]
    # cooperation
    coops: list[_Coop]
    pairs: set[tuple[int, int]]
    today_pairs: set[tuple[int, int]]
    # offers
    offers: list[_OfferRecord]
    uncoordinated: list[tuple[_OfferRecord, _OfferRecord]]
    coordinated: list[tuple[_OfferRecord, _OfferRecord]]
    # people, bodies, events
    people: list[dict[str, Any]]
    people_of: dict[int, list[int]]
    rep_since: list[dt.date]
    bodies: list[dict[str, Any]]
    events: list[dict[str, Any]]

    def __init__(self, size: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today
        y = today.year
        self.start = dt.date(y - 10, 1, 1)
        self.end = dt.date(y - 1, 12, 31)
        self.founded_max = dt.date(y - 3, 12, 31)
        self.raw: dict[RelType, list[_Raw]] = {t: [] for t in RelType}
        self.templates: dict[tuple[str, OrganisationKind], list[Any]] = {}

    # ------------------------------------------------------------------ helpers

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi < lo:
            hi = lo
        return dt.date.fromordinal(self.rng.randint(lo.toordinal(), hi.toordinal()))

    def tie(
        self,
        rel: RelType,
        a: str,
        b: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.raw[rel].append((a, b, since, until, extra))

    def pick(self, items: Sequence[_T], cum: Sequence[float]) -> _T:
        """One of ``items`` drawn with cumulative weights ``cum``."""
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def random_town(self) -> str:
        return self.pick(self.town_ids, self.town_cum)

    def phone(self) -> str:
        return f"0000 {self.rng.randint(100000, 999999)}"
