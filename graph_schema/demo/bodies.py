"""Step 6: the Projektrat, working groups and networks, and events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_schema.demo.parameters import _K
from graph_schema.demo.state import _State
from graph_schema.demo.words import _ABH, _BAMF, _EVENT_TITLES, _JOBCENTER
from graph_schema.model import RelType
from graph_schema.vocab import BodyKind, OrganisationKind, Role


class _Bodies(_State):
    """Bodies and events: memberships and attendances."""

    def build_bodies(self) -> None:
        rng = self.rng
        y = self.today.year
        bodies: list[dict[str, Any]] = []
        founded = dt.date(y - 3, 3, 1)
        council = {
            "id": "bod-00001",
            "name": "Projektrat Integration Beispielregion",
            "kind": BodyKind.PROJECT_COUNCIL,
            "description": "Gremium aus Wohlfahrtsverbänden, Migrantenorganisationen und "
            "Behörden; begleitet die Arbeit des Migrations- und Integrationsbüros.",
        }
        bodies.append(council)
        used: set[int] = set()

        def by_kind(kind: OrganisationKind, person: bool) -> int:
            cands = [
                i
                for i, o in enumerate(self.orgs)
                if o.kind is kind and i not in used and (not person or i in self.people_of)
            ]
            if not cands:
                cands = [
                    i
                    for i in range(len(self.orgs))
                    if i not in used and (not person or i in self.people_of)
                ]
            return rng.choice(cands)

        # (org index or kind, as person?, role, seat)
        W, M_, A = "Wohlfahrtsverbände", "Migrantenorganisationen", "Behörden"
        K, Z = "Kommunen", "Zivilgesellschaft"
        seats: list[tuple[int | OrganisationKind, bool, Role, str]] = [
            (self.kvs[0], True, Role.CHAIR, W),
            (_K.MIGRANT_ORGANISATION, True, Role.DEPUTY, M_),
            (self.kvs[1], True, Role.DEPUTY, W),
            (self.kvs[2], True, Role.MEMBER, W),
            (self.kvs[3], True, Role.MEMBER, W),
            (self.kvs[4], True, Role.MEMBER, W),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, False, Role.MEMBER, M_),
            (_K.MIGRANT_ORGANISATION, False, Role.MEMBER, M_),
            (self.town_org[self.largest_id], True, Role.MEMBER, K),
            (_K.MUNICIPALITY, True, Role.MEMBER, K),
            (_K.INITIATIVE, False, Role.MEMBER, Z),
            (_K.INITIATIVE, False, Role.MEMBER, Z),
            (_K.EDUCATION_PROVIDER, True, Role.MEMBER, Z),
            (_K.RELIGIOUS_COMMUNITY, False, Role.MEMBER, Z),
            (self.authorities[_ABH], False, Role.ADVISORY, A),
            (self.authorities[_JOBCENTER], False, Role.ADVISORY, A),
            (self.authorities[_BAMF], False, Role.ADVISORY, A),
            (self.office, True, Role.ADVISORY, "Geschäftsstelle"),
            (_K.EMPLOYER, False, Role.GUEST, "Wirtschaft"),
            (_K.OTHER, True, Role.GUEST, Z),
            (_K.MIGRANT_ORGANISATION, True, Role.MEMBER, M_),  # former members
            (_K.INITIATIVE, False, Role.MEMBER, Z),
        ]
        used.update(who for who, *_ in seats if isinstance(who, int))
        n_former = 2
        for j, (who, person, role, seat) in enumerate(seats):
            i = who if isinstance(who, int) else by_kind(who, person)
            used.add(i)
            org = self.orgs[i]
            if person and i in self.people_of:
                pi = rng.choice(self.people_of[i])
                src = self.people[pi]["id"]
                lo = max(founded, self.rep_since[pi])
            else:
                src = org.id
                lo = max(founded, org.founded) if org.founded else founded
            since = lo if rng.random() < 0.7 else self.day(lo, self.end)
            until = None
            if j >= len(seats) - n_former:
                until = self.day(
                    min(since + dt.timedelta(days=90), self.today - dt.timedelta(1)),
                    self.today - dt.timedelta(days=1),
                )
            self.tie(
                RelType.MEMBER_OF, src, council["id"], since, until, {"role": role, "seat": seat}
            )
        bodies += self.groups()
        self.bodies = bodies

    def groups(self) -> list[dict[str, Any]]:
        """Working groups and networks with their members (organisations or people)."""
        rng = self.rng
        bodies: list[dict[str, Any]] = []
        groups: list[tuple[str, BodyKind, str, list[int]]] = []
        works_on: dict[str, list[int]] = {}
        for i, o in enumerate(self.orgs):
            for f in o.fields:
                works_on.setdefault(f, []).append(i)
        groups.append(
            (
                "Arbeitskreis Sprache und Bildung",
                BodyKind.WORKING_GROUP,
                "Austausch der Sprach- und Bildungsanbieter.",
                works_on.get("language", []) + works_on.get("school", []),
            )
        )
        groups.append(
            (
                "Netzwerk Arbeitsmarktintegration Beispielregion",
                BodyKind.NETWORK,
                "Jobcenter, Arbeitsagentur, Bildungsträger und Arbeitgeber.",
                works_on.get("work", []),
            )
        )
        by_town: dict[str, list[int]] = {}
        for i, o in enumerate(self.orgs):
            for a in o.areas:
                by_town.setdefault(a, []).append(i)
        towns = sorted(self.town_ids, key=lambda t: -self.town_pop[t])
        for t in towns[: max(1, len(towns) // 10)]:
            groups.append(
                (
                    f"Runder Tisch Asyl {self.area_name[t]}",
                    BodyKind.NETWORK,
                    "Lokales Netzwerk der Flüchtlingsarbeit.",
                    by_town.get(t, []),
                )
            )
        for g, (name, kind, description, cands) in enumerate(groups, start=2):
            bid = f"bod-{g:05d}"
            bodies.append({"id": bid, "name": name, "kind": kind, "description": description})
            cands = list(dict.fromkeys(cands)) or list(range(len(self.orgs)))
            k = min(len(cands), rng.randint(8, 16))
            gsince = self.day(self.start, self.end)
            for j, i in enumerate(rng.sample(cands, k)):
                role = Role.CHAIR if j == 0 else Role.GUEST if j == k - 1 else Role.MEMBER
                src = self.orgs[i].id
                lo = max(gsince, self.orgs[i].founded or gsince)
                if i in self.people_of and rng.random() < 0.5:
                    pi = rng.choice(self.people_of[i])
                    src = self.people[pi]["id"]
                    lo = max(lo, self.rep_since[pi])
                self.tie(RelType.MEMBER_OF, src, bid, self.day(lo, self.end), None, {"role": role})
        return bodies

    def build_events(self) -> None:
        rng = self.rng
        y = self.today.year
        n = max(6, self.size // 25)
        events: list[dict[str, Any]] = []
        lo, hi = dt.date(y - 2, 1, 1), self.today - dt.timedelta(days=7)
        width = max(5, len(str(n)))
        for e in range(n):
            held = self.day(lo, hi)
            base = _EVENT_TITLES[e % len(_EVENT_TITLES)]
            if e < len(_EVENT_TITLES):
                title = f"{base} {held.year}"
            else:
                title = f"{base} {self.area_name[self.random_town()]} {held.year}"
            eid = f"evt-{e + 1:0{width}d}"
            events.append({"id": eid, "title": title, "held_on": held})
            for i in rng.sample(range(len(self.orgs)), min(len(self.orgs), rng.randint(8, 25))):
                self.tie(RelType.ATTENDED, self.orgs[i].id, eid, held, held)
            for pi in rng.sample(
                range(len(self.people)), min(len(self.people), rng.randint(3, 12))
            ):
                self.tie(RelType.ATTENDED, self.people[pi]["id"], eid, held, held)
        self.events = events
