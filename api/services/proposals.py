"""Ties partners propose and editors confirm or reject (issue 14).

A partner's tie to someone else's entry is never written directly
(:func:`api.permissions.check_tie_create`); for the types the office allows it is kept as a
:class:`~graph_schema.store.proposals.Proposal`, outside the graph, until an editor or
administrator confirms it: then the tie is made through the store's normal path (checked,
with its history entry, by the confirming editor) and the proposal records who decided.
Administrators choose the types partners may propose (a store setting; never
``MEMBER_OF``).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from api.permissions import (
    DATA_EDITORS,
    NEVER_PROPOSABLE,
    PROPOSABLE_SETTING,
    proposable_types,
)
from api.security import Forbidden, Role, User
from graph_schema.errors import AlreadyExists, InvalidRelationship, InvalidValue
from graph_schema.model import REL_SPECS, RelType, Tie
from graph_schema.store import GraphStore
from graph_schema.store.proposals import CONFIRMED, OPEN, REJECTED, Proposal

__all__ = ["Proposals", "count_open", "proposal_out"]


def proposal_out(p: Proposal, names: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A proposal as the API and the pages show it (``names``: id -> (label, name))."""
    out = {
        "id": p.id,
        "status": p.status,
        "action": p.action,
        "type": p.type,
        "from_id": p.from_id,
        "to_id": p.to_id,
        "properties": dict(p.data),
        "organisation_id": p.organisation_id,
        "proposed_by": p.proposed_by,
        "proposed_at": p.proposed_at,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
        "reason": p.reason,
        "tie_id": p.tie_id,
    }
    if names is not None:
        for end, node_id in (("from", p.from_id), ("to", p.to_id)):
            label, name = names.get(node_id, (None, node_id))
            out[f"{end}_label"] = None if label is None else str(label)
            out[f"{end}_name"] = name
    return out


def count_open(store: GraphStore) -> int:
    """How many proposals wait for a decision (the navigation's count)."""
    return store.proposals.count_open()


def _json_ready(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


class Proposals:
    """What ``user`` may propose, see and decide."""

    def __init__(self, store: GraphStore, user: User) -> None:
        self.store = store
        self.user = user

    @property
    def decides(self) -> bool:
        """Editors and administrators confirm and reject."""
        return self.user.role in DATA_EDITORS

    def _require_editor(self) -> None:
        if not self.decides:
            raise Forbidden(
                f"Your role ({self.user.role}) may not decide on proposals: editors and "
                "administrators confirm or reject them."
            )

    # ------------------------------------------------------------------ reading

    def list(self, *, status: str | None = OPEN) -> list[dict[str, Any]]:
        """Proposals newest first: editors see all, a partner those of its organisation."""
        if status not in (None, OPEN, CONFIRMED, REJECTED):
            raise InvalidValue(f"Unknown status {status!r}: use open, confirmed or rejected.")
        if self.decides:
            found = self.store.proposals.list(status=status)
        elif self.user.role == Role.PARTNER and self.user.organisation_id:
            found = self.store.proposals.list(
                status=status, organisation_id=self.user.organisation_id
            )
        else:
            raise Forbidden(f"Your role ({self.user.role}) has no proposals to see.")
        names = self.store.names_of({i for p in found for i in (p.from_id, p.to_id)})
        return [proposal_out(p, names) for p in found]

    def count_open(self) -> int:
        return count_open(self.store) if self.decides else 0

    # ------------------------------------------------------------------ proposing

    def propose(self, rel: RelType, data: Mapping[str, Any]) -> Proposal:
        """Keep the tie ``data`` describes for an editor to confirm (the caller has checked
        that the user may propose it: :func:`~api.permissions.check_tie_create`).

        The tie is checked as the store checks it (values, dates, that both ends exist with
        labels the type joins), so a confirmation does not fail on what was known now; the
        same open proposal twice is refused.
        """
        tie = self._valid_tie(RelType(rel), data)
        mine = self.store.proposals.list(status=OPEN, organisation_id=self.user.organisation_id)
        for other in mine:
            same = (other.type, other.from_id, other.to_id) == (tie.type, tie.from_id, tie.to_id)
            if same:
                raise AlreadyExists(
                    f"This {tie.type} tie is already proposed ({other.id}): it waits for the "
                    "office's confirmation."
                )
        data = tie.model_dump(mode="json", exclude={"id", "from_id", "to_id"}, exclude_none=True)
        return self.store.proposals.add(
            Proposal(
                id="",
                type=str(tie.type),
                from_id=tie.from_id,
                to_id=tie.to_id,
                organisation_id=self.user.organisation_id,
                proposed_by=self.user.username,
                data=_json_ready(data),
            )
        )

    def _valid_tie(self, rel: RelType, data: Mapping[str, Any]) -> Tie:
        spec = REL_SPECS[rel]
        try:
            tie = spec.model.model_validate({k: v for k, v in data.items() if k != "id"})
        except ValidationError as e:
            raise InvalidValue(f"Invalid {rel} tie: {e.errors()[0]['msg']}.") from e
        pair = (self.store.label_of(tie.from_id), self.store.label_of(tie.to_id))
        if pair not in spec.endpoints:
            raise InvalidRelationship(f"{rel} cannot join {pair[0]} to {pair[1]}.")
        return tie

    # ------------------------------------------------------------------ deciding

    def _open(self, proposal_id: str) -> Proposal:
        self._require_editor()
        proposal = self.store.proposals.get(proposal_id)
        if proposal.status != OPEN:
            raise AlreadyExists(
                f"Proposal {proposal_id} is already {proposal.status} "
                f"(by {proposal.decided_by}): nothing to decide."
            )
        return proposal

    def _decide(self, proposal: Proposal, status: str, reason: str | None) -> None:
        proposal.status = status
        proposal.decided_by = self.user.username
        proposal.decided_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        proposal.reason = (reason or "").strip()[:2000] or None

    def confirm(self, proposal_id: str, *, reason: str | None = None) -> dict[str, Any]:
        """Make the proposed tie (in the graph, with its history) and close the proposal."""
        proposal = self._open(proposal_id)
        with self.store.transaction() as tx:
            tie = self.store.link(
                RelType(proposal.type),
                proposal.from_id,
                proposal.to_id,
                actor=self.user.username,
                **proposal.data,
            )
            proposal.tie_id = tie.id
            self._decide(proposal, CONFIRMED, reason)
            self.store.proposals.save(tx, proposal)
        return proposal_out(proposal)

    def reject(self, proposal_id: str, *, reason: str | None = None) -> dict[str, Any]:
        """Close the proposal without a tie."""
        proposal = self._open(proposal_id)
        self._decide(proposal, REJECTED, reason)
        self.store.proposals.save(self.store.backend, proposal)
        return proposal_out(proposal)

    # ------------------------------------------------------------------ the office's choice

    def types(self) -> builtins.list[str]:
        """The tie types partners may propose now."""
        return sorted(proposable_types(self.store))

    def set_types(self, types: Iterable[str]) -> builtins.list[str]:
        """Choose the tie types partners may propose (administrators)."""
        if self.user.role != Role.ADMIN:
            raise Forbidden("Only administrators choose which ties partners may propose.")
        chosen: set[RelType] = set()
        for name in types:
            try:
                rel = RelType(name)
            except ValueError:
                raise InvalidValue(
                    f"There is no tie type {name!r}: use one of "
                    f"{', '.join(t.value for t in RelType)}."
                ) from None
            if rel in NEVER_PROPOSABLE:
                raise InvalidValue(
                    f"{rel} ties (seats on a body) are assigned by the office: partners "
                    "cannot propose them. Remove it from the list."
                )
            chosen.add(rel)
        self.store.set_setting(PROPOSABLE_SETTING, ",".join(sorted(chosen)))
        return self.types()
