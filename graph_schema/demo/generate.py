"""The generation as a whole: the steps in order, then validated model instances."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from typing import cast

from graph_schema import clock
from graph_schema.demo.areas import _Areas
from graph_schema.demo.bodies import _Bodies
from graph_schema.demo.cooperation import _Cooperation
from graph_schema.demo.duplicates import _Duplicates
from graph_schema.demo.organisations import _Organisations
from graph_schema.demo.parameters import MIN_SIZE, REGION_NAME
from graph_schema.demo.people import _People
from graph_schema.demo.region import DemoRegion, PlantedGaps, vocabulary_nodes
from graph_schema.demo.words import _STREETS, _TAGS
from graph_schema.model import (
    REL_SPECS,
    Area,
    Body,
    Event,
    Node,
    NodeLabel,
    Offer,
    Organisation,
    Person,
    RelType,
    Tie,
)
from graph_schema.vocab import ORGANISATION_KINDS

__all__ = ["generate_region"]


def generate_region(
    size: int = 150, seed: int = 20240901, today: dt.date | None = None
) -> DemoRegion:
    """Generate the demo region with ``size`` organisations.

    Args:
        size: number of organisations (at least :data:`MIN_SIZE`); offers, cooperations,
            people and municipalities scale with it, the Projektrat stays at about 25 seats.
        seed: seed of the random generator; the same seed gives identical output.
        today: the reference day (default: :func:`graph_schema.clock.today`); dates are
            laid out relative to its year and "valid today" refers to it.

    Returns:
        The region with validated pydantic model instances and its planted gaps.

    Raises:
        ValueError: if ``size`` is smaller than :data:`MIN_SIZE`.

    Examples:
        >>> a = generate_region(60, seed=1, today=dt.date(2026, 6, 1))
        >>> b = generate_region(60, seed=1, today=dt.date(2026, 6, 1))
        >>> a.nodes[NodeLabel.ORGANISATION][0] == b.nodes[NodeLabel.ORGANISATION][0]
        True
        >>> a.nodes[NodeLabel.ORGANISATION][0].id
        'org-00001'
    """
    if size < MIN_SIZE:
        raise ValueError(f"size must be at least {MIN_SIZE}, got {size}")
    # hundreds of thousands of long-lived objects: the cyclic collector would rescan them
    # again and again (about 40 % of the run time at 30,000) and cannot free any of them
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Builder(size, seed, today or clock.today()).build()
    finally:
        if was_enabled:
            gc.enable()


class _Builder(_Areas, _Organisations, _Cooperation, _Duplicates, _People, _Bodies):
    """Runs the steps in order and turns their records into model instances."""

    def build(self) -> DemoRegion:
        self.build_areas()
        self.build_orgs()
        self.build_cooperation()
        records = self.draw_offers()
        self.plant_duplicates(records)
        self.number_offers(records)
        self.build_people()
        self.build_bodies()
        self.build_events()
        fields, groups = vocabulary_nodes()
        orgs = []
        for o in self.orgs:
            slug = o.slug
            town = self.area_name[o.town] if o.town else REGION_NAME
            addr = o.town or self.largest_id
            r = self.rng.random()
            orgs.append(
                Organisation(
                    id=o.id,
                    name=o.name,
                    short_name=o.short_name,
                    kind=o.kind,
                    description=o.description or f"{ORGANISATION_KINDS[o.kind].de} in {town}.",
                    website=f"https://www.{slug}.example.org" if r < 0.7 else None,
                    email=f"info@{slug}.example.org" if r < 0.85 else None,
                    phone=self.phone(),
                    address=f"{self.rng.choice(_STREETS)} {self.rng.randint(1, 120)}, "
                    f"00{self.town_index[addr] % 999 + 1:03d} {self.area_name[addr]}",
                    languages=o.languages,
                    tags=self.rng.sample(_TAGS, self.rng.choice((0, 1, 1, 2, 3))),
                    founded=o.founded,
                )
            )
        offers = [
            Offer(
                **{
                    k: v
                    for k, v in rec.items()
                    if k not in ("provider", "fields", "areas", "groups")
                }
            )
            for rec in self.offers
        ]
        nodes: dict[NodeLabel, list[Node]] = {
            NodeLabel.ORGANISATION: list(orgs),
            NodeLabel.PERSON: [Person(**p) for p in self.people],
            NodeLabel.BODY: [Body(**b) for b in self.bodies],
            NodeLabel.OFFER: list(offers),
            NodeLabel.AREA: [Area(**a) for a in self.areas],
            NodeLabel.FIELD: list(fields),
            NodeLabel.TARGET_GROUP: list(groups),
            NodeLabel.EVENT: [Event(**e) for e in self.events],
        }
        total = sum(len(v) for v in self.raw.values())
        width = max(6, len(str(total)))
        ties: dict[RelType, list[Tie]] = {}
        n = 0
        for rel in RelType:
            # (a cast: mypy reads ``type[Tie]`` in RelSpec as its field named ``type``)
            model = cast("Callable[..., Tie]", REL_SPECS[rel].model)
            out: list[Tie] = []
            for a, b, since, until, extra in self.raw[rel]:
                n += 1
                kw = extra or {}
                out.append(
                    model(
                        id=f"tie-{n:0{width}d}", from_id=a, to_id=b, since=since, until=until, **kw
                    )
                )
            ties[rel] = out
        org_id = [o.id for o in self.orgs]
        planted = PlantedGaps(
            missing_field=self.missing_field,
            missing_field_areas=self.missing_areas,
            uncoordinated_duplicates=[(a["id"], b["id"]) for a, b in self.uncoordinated],
            coordinated_duplicates=[(a["id"], b["id"]) for a, b in self.coordinated],
            peripheral_msos=[org_id[i] for i in self.peripheral],
            broker=org_id[self.broker],
            broker_separates=[org_id[i] for i in self.cluster],
        )
        return DemoRegion(nodes=nodes, ties=ties, planted=planted)
