"""Ties proposed by partners: stored beside the graph, not part of it until confirmed.

A proposal keeps the tie as it was asked for (type, ends, dates and properties as JSON) and
its state: ``open``, then ``confirmed`` (with the id of the tie made) or ``rejected``. Its
table comes with migration 4 (:mod:`graph_schema.store.ddl`).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from graph_schema.errors import NotFound
from graph_schema.store import queries as Q
from graph_schema.store.backend import Backend, Runner
from graph_schema.store.ddl import PROPOSAL_TABLE

__all__ = ["OPEN", "Proposal", "ProposalStore"]

OPEN, CONFIRMED, REJECTED = "open", "confirmed", "rejected"


@dataclass
class Proposal:
    """A tie a partner asked for (``action`` ``create``; other actions are for later)."""

    id: str
    type: str
    from_id: str
    to_id: str
    organisation_id: str | None
    proposed_by: str
    data: dict[str, Any] = field(default_factory=dict)
    action: str = "create"
    tie_id: str | None = None
    seq: int = 0
    proposed_at: str = ""
    status: str = OPEN
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None


#: the table's columns, in order (``data`` stored as JSON text)
COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Proposal))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class ProposalStore:
    """Proposals: add, read, list by state and organisation, decide."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        self._last_seq = 0

    def _next_seq(self) -> int:
        with self._lock:
            self._last_seq = max(self._last_seq + 1, time.time_ns() // 1000)
            return self._last_seq

    def add(self, proposal: Proposal) -> Proposal:
        proposal.id = proposal.id or f"prop-{uuid.uuid4().hex[:12]}"
        proposal.seq = proposal.seq or self._next_seq()
        proposal.proposed_at = proposal.proposed_at or _now()
        self.save(self.backend, proposal)
        return proposal

    def save(self, tx: Runner, proposal: Proposal) -> None:
        """Write the proposal (inside ``tx``, e.g. the transaction that makes its tie)."""
        params = {c: getattr(proposal, c) for c in COLUMNS}
        params["data"] = json.dumps(proposal.data, default=str)
        tx.run(Q.record_upsert(PROPOSAL_TABLE, "id", COLUMNS), params)

    def get(self, proposal_id: str) -> Proposal:
        rows = self.backend.run(Q.record_get(PROPOSAL_TABLE, "id"), {"key": proposal_id})
        if not rows:
            raise NotFound(f"There is no proposal {proposal_id!r}: check the id.")
        return self._proposal(rows[0]["n"])

    def list(
        self, *, status: str | None = None, organisation_id: str | None = None
    ) -> list[Proposal]:
        """Proposals matching every filter given, newest first."""
        where: list[str] = []
        params: dict[str, Any] = {}
        if status:
            where.append("n.status = $status")
            params["status"] = status
        if organisation_id:
            where.append("n.organisation_id = $org")
            params["org"] = organisation_id
        rows = self.backend.run(Q.record_list(PROPOSAL_TABLE, where, "n.seq DESC"), params)
        return [self._proposal(r["n"]) for r in rows]

    def count_open(self) -> int:
        rows = self.backend.run(
            Q.record_count(PROPOSAL_TABLE, ["n.status = $status"]), {"status": OPEN}
        )
        return int(rows[0]["total"])

    @staticmethod
    def _proposal(n: Mapping[str, Any]) -> Proposal:
        values: dict[str, Any] = {c: n.get(c) for c in COLUMNS}
        values["data"] = json.loads(values["data"]) if values.get("data") else {}
        values["seq"] = int(values["seq"] or 0)
        return Proposal(**values)
