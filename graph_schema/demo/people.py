"""Step 5: contact people of the organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_schema.demo.parameters import _GDPR, _K
from graph_schema.demo.state import _State
from graph_schema.demo.words import _FIRST_F, _FIRST_M, _FUNCTIONS, _LAST, _ascii, _slug
from graph_schema.model import RelType


class _People(_State):
    """People: one or two contacts per organisation, with consent dates."""

    def build_people(self) -> None:
        rng = self.rng
        people: list[dict[str, Any]] = []
        self.people_of = {}
        rep_since: list[dt.date] = []
        for i, org in enumerate(self.orgs):
            if org.hub:
                n = 2
            elif org.kind in (_K.MIGRANT_ORGANISATION, _K.INITIATIVE) and rng.random() < 0.25:
                n = 0
            else:
                n = 1
            org.slug = _slug(org.short_name or org.name)
            domain = f"{org.slug}.example.org"
            for _ in range(n):
                female = rng.random() < 0.55
                first = rng.choice(_FIRST_F if female else _FIRST_M)
                last = rng.choice(_LAST)
                function = rng.choice(_FUNCTIONS[org.kind])
                if isinstance(function, tuple):
                    function = function[0] if female else function[1]
                lo = max(self.start, org.founded) if org.founded else self.start
                since = self.day(lo, self.end)
                consent = self.day(min(max(since, _GDPR), self.today), self.today)
                local = f"{_ascii(first)[0]}.{_ascii(last)}".lower().replace(" ", "")
                self.people_of.setdefault(i, []).append(len(people))
                rep_since.append(since)
                people.append(
                    {
                        "id": f"per-{len(people) + 1:0{max(5, len(str(self.size * 2)))}d}",
                        "name": f"{first} {last}",
                        "function": function,
                        "email": f"{local}@{domain}",
                        "phone": self.phone(),
                        "consent_given_on": consent,
                    }
                )
                self.tie(
                    RelType.REPRESENTS,
                    people[-1]["id"],
                    org.id,
                    since,
                    None,
                    {"function": function},
                )
        self.people = people
        self.rep_since = rep_since
