"""Step 4: offers, their fields, target groups and areas; the missing field's gap."""

from __future__ import annotations

import datetime as dt
from itertools import accumulate
from typing import Any

from graph_schema.demo.parameters import (
    _N_COORDINATED,
    _N_GROUPS_CUM,
    _N_UNCOORDINATED,
    _OFFER_WEIGHT,
    _OFFERS_PER_ORG,
    _ONE_TO_FOUR,
    _TG_AFFINITY,
    _TG_CODES,
    LANGUAGES,
)
from graph_schema.demo.state import _OfferRecord, _State
from graph_schema.demo.words import _OFFER_TEMPLATES
from graph_schema.model import RelType


class _Offers(_State):
    """Offers: one record per offer, drawn per provider."""

    def offer_record(
        self, provider: int, fields: list[str], areas: list[str], *, current: bool = False
    ) -> dict[str, Any]:
        rng = self.rng
        org = self.orgs[provider]
        key = (fields[0], org.kind)
        templates = self.templates.get(key)
        if templates is None:
            templates = [t for t in _OFFER_TEMPLATES[key[0]] if t[4] is None or org.kind in t[4]]
            self.templates[key] = templates
        title, programme, cost, description, _ = rng.choice(templates)
        place = self.area_name[areas[0]]
        langs = ["de"] if rng.random() > 0.08 else []
        for _ in range(rng.choice((0, 1, 1, 2))):
            lg = rng.choice(LANGUAGES[1:])
            if lg not in langs:
                langs.append(lg)
        if not langs:
            langs = [rng.choice(LANGUAGES[1:])]
        lo = max(self.start, org.founded) if org.founded else self.start
        starts = self.day(lo, self.end)
        ends = None
        r = rng.random()
        if not current and r < 0.15:
            ends = self.day(
                min(starts + dt.timedelta(days=180), self.today - dt.timedelta(1)),
                self.today - dt.timedelta(days=1),
            )
        elif not current and r < 0.35:
            ends = self.day(self.today + dt.timedelta(days=30), self.today + dt.timedelta(1000))
        k = self.pick(_ONE_TO_FOUR, _N_GROUPS_CUM)
        affinity = _TG_AFFINITY[fields[0]]
        groups: list[str] = []
        while len(groups) < k:
            g = rng.choice(affinity) if rng.random() < 0.7 else rng.choice(_TG_CODES)
            if g not in groups:
                groups.append(g)
        return {
            "provider": provider,
            "fields": fields,
            "areas": areas,
            "groups": groups,
            "title": f"{title} {place}",
            "description": f"{description} Träger: {org.short_name or org.name}.",
            "languages": langs,
            "starts_on": starts,
            "ends_on": ends,
            "programme": programme,
            "cost": cost,
            "id": "",
        }

    def draw_offers(self) -> list[_OfferRecord]:
        """The offers of the missing field's gap, then the random ones (no ids yet)."""
        rng = self.rng
        missing = self.missing_field
        offers: list[_OfferRecord] = []
        # the gap is a gap of one field: both areas have other offers (by their town hall),
        # and the missing field is offered elsewhere
        for a in self.missing_areas:
            p = self.town_org[a]
            f = rng.choice([f for f in self.orgs[p].fields if f != missing])
            offers.append(self.offer_record(p, [f], [a], current=True))
        p = rng.choice(self.missing_providers)
        a = rng.choice([a for a in self.orgs[p].areas if a not in self.forbidden])
        offers.append(self.offer_record(p, [missing], [a], current=True))
        n_planted = 2 * (_N_UNCOORDINATED + _N_COORDINATED)
        n_random = _OFFERS_PER_ORG * self.size - n_planted - len(offers)
        weights = list(accumulate(_OFFER_WEIGHT[o.kind] for o in self.orgs))
        providers = rng.choices(range(len(self.orgs)), cum_weights=weights, k=n_random)
        for p in providers:
            fields, areas = self.offer_cell(p)
            offers.append(self.offer_record(p, fields, areas))
        return offers

    def offer_cell(self, provider: int) -> tuple[list[str], list[str]]:
        """The fields and areas of a random offer of ``provider``, outside the gap."""
        rng = self.rng
        missing = self.missing_field
        org = self.orgs[provider]
        fields = [rng.choice(org.fields)]
        if len(org.fields) > 1 and rng.random() < 0.35:
            second = rng.choice(org.fields)
            if second != fields[0]:
                fields.append(second)
        if org.town is None and rng.random() < 0.6:
            areas = list(dict.fromkeys(self.random_town() for _ in range(rng.randint(1, 3))))
        else:
            areas = rng.sample(org.areas, rng.randint(1, len(org.areas)))
        if missing in fields:
            allowed = [a for a in areas if a not in self.forbidden]
            if allowed:
                areas = allowed
            else:
                fields.remove(missing)
                if not fields:
                    fields = [next(f for f in org.fields if f != missing)]
        return fields, areas

    def number_offers(self, offers: list[_OfferRecord]) -> None:
        """Shuffle the offers, give them their ids and their ties; keep them."""
        self.rng.shuffle(offers)
        width = max(5, len(str(len(offers))))
        for i, rec in enumerate(offers, start=1):
            rec["id"] = f"off-{i:0{width}d}"
        self.offers = offers
        for rec in offers:
            oid, since, until = rec["id"], rec["starts_on"], rec["ends_on"]
            self.tie(RelType.PROVIDES, self.orgs[rec["provider"]].id, oid, since, until)
            for f in rec["fields"]:
                self.tie(RelType.ADDRESSES, oid, f, since, until)
            for g in rec["groups"]:
                self.tie(RelType.SERVES, oid, g, since, until)
            for a in rec["areas"]:
                self.tie(RelType.AVAILABLE_IN, oid, a, since, until)
