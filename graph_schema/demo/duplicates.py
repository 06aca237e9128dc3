"""Step 4b: the planted duplicate offers, uncoordinated and coordinated pairs."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_schema.demo.offers import _Offers
from graph_schema.demo.parameters import _FIELD_CODES, _N_COORDINATED, _N_UNCOORDINATED
from graph_schema.demo.state import _OfferRecord

_Pair = tuple[_OfferRecord, _OfferRecord]


@dataclass
class _Used:
    """The cells (field, area) and organisations a planted pair already took."""

    offers: list[_OfferRecord]
    cells: set[tuple[str, str]] = field(default_factory=set)
    orgs: set[int] = field(default_factory=set)


class _Duplicates(_Offers):
    """The planted duplicates: pairs of offers in one field × area cell."""

    def plant_duplicates(self, offers: list[_OfferRecord]) -> None:
        """Append the planted duplicate pairs to ``offers`` (see the package docstring)."""
        used = _Used(offers)
        self.uncoordinated = self.plant_uncoordinated(used)
        self.coordinated = self.plant_coordinated(used)
        if len(self.uncoordinated) < _N_UNCOORDINATED or len(self.coordinated) < _N_COORDINATED:
            raise RuntimeError("could not plant the duplicate offers")  # pragma: no cover

    def cell_field(self, p: int, q: int, strict: bool) -> str | None:
        """A field both organisations work on (not strict: any field of ``p``), or None."""
        missing = self.missing_field
        common = [f for f in self.orgs[p].fields if f in self.orgs[q].fields and f != missing]
        if common:
            return self.rng.choice(common)
        if strict:
            return None
        return next(f for f in (*self.orgs[p].fields, *_FIELD_CODES) if f != missing)

    def plant_pair(self, p: int, q: int, f: str, a: str, used: _Used) -> _Pair:
        """Two current offers of ``p`` and ``q`` in the cell (``f``, ``a``)."""
        used.cells.add((f, a))
        used.orgs.update((p, q))
        pair = (
            self.offer_record(p, [f], [a], current=True),
            self.offer_record(q, [f], [a], current=True),
        )
        used.offers.extend(pair)
        return pair

    def plant_uncoordinated(self, used: _Used) -> list[_Pair]:
        """Pairs in one place by organisations never tied: strictly a shared field first."""
        rng = self.rng
        by_area: dict[str, list[int]] = {}
        for i, org in enumerate(self.orgs):
            for a in org.areas:
                by_area.setdefault(a, []).append(i)
        pairs: list[_Pair] = []
        places = [*self.town_ids, *self.district_ids]
        for strict in (True, False):
            for a in rng.sample(places, len(places)):
                if len(pairs) == _N_UNCOORDINATED:
                    break
                members = [i for i in by_area.get(a, []) if i not in used.orgs]
                if len(members) >= 2:
                    pair = self.uncoordinated_in(a, members, strict, used)
                    if pair is not None:
                        pairs.append(pair)
        return pairs

    def uncoordinated_in(
        self, a: str, members: list[int], strict: bool, used: _Used
    ) -> _Pair | None:
        """A pair in area ``a`` by two of ``members`` without a tie (40 tries)."""
        for _ in range(40):
            p, q = self.rng.sample(members, 2)
            if (min(p, q), max(p, q)) in self.pairs:
                continue
            f = self.cell_field(p, q, strict)
            if f is None or (f, a) in used.cells:
                continue
            return self.plant_pair(p, q, f, a, used)
        return None

    def plant_coordinated(self, used: _Used) -> list[_Pair]:
        """Pairs by organisations tied today, in an area both are active in (if strict)."""
        rng = self.rng
        pairs: list[_Pair] = []
        today_ties = sorted(self.today_pairs)
        rng.shuffle(today_ties)
        for strict in (True, False):
            for p, q in today_ties:
                if len(pairs) == _N_COORDINATED:
                    break
                if p in used.orgs or q in used.orgs:
                    continue
                common = [a for a in self.orgs[p].areas if a in self.orgs[q].areas]
                if not common and not strict:
                    common = self.orgs[p].areas
                f = self.cell_field(p, q, strict)
                cells = [a for a in common if f is not None and (f, a) not in used.cells]
                if f is None or not cells:
                    continue
                pairs.append(self.plant_pair(p, q, f, rng.choice(cells), used))
        return pairs
