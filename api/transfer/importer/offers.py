"""One flat sheet is enough: the offers and target groups of an organisation's row.

An organisation list often has a column ``Angebote`` (a list of offers in one cell, with
notes in brackets and facts such as "gegr. 1998" among them) and a column ``Zielgruppe``.
Each item of the offers column becomes an offer of the row's organisation (found again by
its title and provider), with the note in brackets as its description, available in the
row's areas, on the row's fields of action, for the row's target groups. An item that looks
like a fact is asked in the value mapping (suggested: leave it out).
"""

from __future__ import annotations

from typing import Any

from api.i18n import N_, Text
from api.transfer.importer.choices import LEFT_OUT, Target, looks_like_fact, strip_note
from api.transfer.importer.reading import Row
from api.transfer.importer.report import Problem
from api.transfer.importer.validation import Changes, derived_id
from api.transfer.reader import cell_name
from api.transfer.values import name_key
from graph_schema.model import NODE_MODELS, NodeLabel, RelType
from graph_schema.store import dump

__all__ = ["OFFER_LINKS", "OfferRows"]

#: the organisation sheet's link columns that describe its offers, not the organisation
OFFER_LINKS = frozenset({"offers", "target_groups"})


class OfferRows(Changes):
    """The offers of organisation rows."""

    def link(
        self,
        row: Row,
        rel: RelType,
        a: str,
        b: str,
        note: str | None,
        column: str,
        of: str | None = None,
    ) -> None:
        """A tie ``rel`` from ``a`` to ``b`` (with ``note`` where the tie has one), unless
        there is one already; the row's outcome says so (``of``: the offer it is of)."""
        if self.index.between.get((rel, a, b)):
            return
        model = dump.tie_model(rel)
        data: dict[str, Any] = {"id": derived_id("tie", rel, a, b, ""), "from_id": a, "to_id": b}
        if note and "note" in model.model_fields:
            data["note"] = note
        self._new_tie(model.model_validate(data))
        other = b if row.node is not None and row.node.id == a or of else a
        shown = self.index.nodes[other].display_name
        row.outcome.changes.append(
            {
                "column": column,
                "property": str(rel),
                "old": None,
                "new": f"{self.index.nodes[of].display_name} → {shown}" if of else shown,
            }
        )
        if row.outcome.status == "unchanged":
            row.outcome.status = "updated"

    def offer_row(self, row: Row) -> None:
        """The offers of an organisation's row, with their areas, fields and target groups."""
        assert row.node is not None
        org = row.node.id
        groups = self._linked(row, "target_groups") if "target_groups" in row.links else []
        titles = self._offer_titles(row) if "offers" in row.links else []
        if groups and not titles:
            row.outcome.warnings.append(
                Problem(
                    row.plan.header_of("target_groups"),
                    None,
                    Text(
                        N_(
                            "Zielgruppen ohne Angebot: eine Organisation hat keine Zielgruppen, "
                            "nur ihre Angebote; bitte die Angebote in der Spalte „Angebote“ nennen"
                        )
                    ),
                )
            )
        if row.outcome.status == "rejected":
            return
        areas = self._linked(row, "areas") if "areas" in row.links else []
        fields = self._linked(row, "fields") if "fields" in row.links else []
        column = row.plan.header_of("offers") if titles else ""
        for title, note in titles:
            offer = self._offer(row, org, title, note, column)
            for rel, ends in (
                (RelType.AVAILABLE_IN, areas),
                (RelType.ADDRESSES, fields),
                (RelType.SERVES, groups),
            ):
                for other, its_note in ends:
                    self.link(row, rel, offer, other, its_note, column, of=offer)

    def _offer_titles(self, row: Row) -> list[tuple[str, str | None]]:
        """The offers the row's offers column names (title, note); facts asked first."""
        plan = row.plan
        j = next(j for j, c in plan.columns.items() if c.prop == "offers")
        header = plan.headers[j]
        out: list[tuple[str, str | None]] = []
        for text in row.links["offers"]:
            title, note = strip_note(text)
            given = self.book.given(plan, header, title)
            if given is None and not looks_like_fact(title):
                out.append((title, note))
                continue
            choice = self.book.decide(plan, header, title, "offer_item", row.index + 1)
            if choice is LEFT_OUT:
                continue
            if choice is None:
                row.outcome.reject(
                    header,
                    cell_name(row.index, j),
                    Text(
                        N_(
                            "„%(item)s“ sieht nicht wie ein Angebot aus: bitte in der Vorschau "
                            "auslassen oder als Angebot übernehmen (Befehlszeile: --map-value "
                            "oder --accept-suggestions)"
                        ),
                        {"item": title},
                    ),
                )
                continue
            assert isinstance(choice, Target)
            out.append((choice.name if choice.new else choice.target or title, note))
        return out

    def _offer(self, row: Row, org: str, title: str, note: str | None, column: str) -> str:
        """The offer ``title`` of ``org``: found by title and provider, or new."""
        hits = {
            h
            for h in self.index.named(NodeLabel.OFFER, title)
            if self.index.between.get((RelType.PROVIDES, org, h))
        }
        if hits:
            return sorted(hits)[0]
        offer_id = derived_id("off", NodeLabel.OFFER, name_key(title), org)
        if offer_id not in self.index.nodes:
            offer = NODE_MODELS[NodeLabel.OFFER].model_validate(
                {"id": offer_id, "title": title, "description": note}
            )
            self.nodes[offer.id] = offer
            self.index.add(offer)
            self.history.append((NodeLabel.OFFER, offer.id, None, offer.model_dump(mode="json")))
        self.link(row, RelType.PROVIDES, org, offer_id, None, column)
        return offer_id
