"""Entries of every label and the ties between them: list, read, create, change, delete,
history, with the role checks of :mod:`api.permissions` and the redaction of
:mod:`api.services.policy`.

The JSON routes (``/api/<resource>``, ``/api/ties``, ``/api/history``) and the web pages
(lists, details, forms, tie forms) call :class:`Entities`; neither holds a rule of its own.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from api.permissions import TieWrite, check_node_change, check_tie_change, check_tie_create
from api.security import ACCOUNT_ENTITY, Forbidden, Role, User
from api.services.policy import Access, access_for
from api.services.proposals import Proposals
from graph_schema.errors import InvalidValue, NotFound
from graph_schema.model import REL_SPECS, Node, NodeLabel, RelType, Tie
from graph_schema.registry import LABELS
from graph_schema.store import GraphStore
from graph_schema.store.proposals import Proposal

__all__ = ["Entities", "Rows"]

#: what a partner's new entry is tied to: (relationship, new node is the tie's start)
PARTNER_LINK: dict[NodeLabel, tuple[RelType, bool]] = {
    label: e.partner_link for label, e in LABELS.items() if e.partner_link
}


@dataclass
class Rows:
    """One page of entries or history entries as the user may see them, with the total."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Entities:
    """What ``user`` may read and change of the graph in ``store``."""

    def __init__(self, store: GraphStore, user: User) -> None:
        self.store = store
        self.user = user

    @cached_property
    def access(self) -> Access:
        return access_for(self.store, self.user)

    # ------------------------------------------------------------------ reading

    def list(
        self,
        label: NodeLabel,
        *,
        q: str | None = None,
        sort: str | None = None,
        kind: str | None = None,
        area: str | None = None,
        field: str | None = None,
        target_group: str | None = None,
        programme: str | None = None,
        as_of: dt.date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Rows:
        """One page of entries; sorting, filtering or searching by a property the user
        does not see on every entry raises :class:`~api.services.policy.HiddenProperty`."""
        given = {"kind": kind, "programme": programme}
        self.access.check_query(
            label, sort=sort, filters=[k for k, v in given.items() if v], search=bool(q)
        )
        page = self.store.list(
            label,
            q=q,
            kind=kind,
            area=area,
            field=field,
            target_group=target_group,
            filters={"programme": programme} if programme else None,
            as_of=as_of,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        items = [self.access.values(n) for n in page.items]
        return Rows(items, page.total, page.limit, page.offset)

    def get(self, label: NodeLabel, node_id: str) -> Node:
        """The stored entry (for pages that show its name); shape it with :meth:`values`."""
        return self.store.get(label, node_id)

    def values(self, node: Node) -> dict[str, Any]:
        """The entry's properties the user may see."""
        return self.access.values(node)

    def hidden(self, node: Node) -> tuple[str, ...]:
        """The entry's properties withheld from the user."""
        return self.access.hidden(node.label, node.id)

    def read(self, label: NodeLabel, node_id: str) -> dict[str, Any]:
        return self.values(self.get(label, node_id))

    def history(
        self,
        *,
        entity_id: str | None = None,
        label: NodeLabel | None = None,
        username: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Rows:
        """Changes newest first, as the user may read them; with ``label``, an id that
        never existed is NotFound."""
        entries, total = self.store.audit.list(
            entity_id=entity_id,
            username=username,
            since=since,
            limit=limit,
            offset=offset,
            # failed sign-ins (user name, address) are for administrators only
            exclude_type=None if self.user.role == Role.ADMIN else ACCOUNT_ENTITY,
        )
        if label is not None and entity_id and total == 0:
            self.store.get(label, entity_id)
        items = [self.access.history_entry(e) for e in entries]
        return Rows(items, total, limit, offset)

    def neighbours(
        self, node_id: str, *, as_of: dt.date | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The entry's ties with the other end's id, label and name."""
        out: builtins.list[dict[str, Any]] = []
        for tie, direction, other_label, other_name in self.store.ties_with_names(node_id):  # type: ignore[attr-defined]
            if as_of is not None and not tie.valid_on(as_of):
                continue
            props = tie.model_dump(
                mode="json", exclude={"id", "from_id", "to_id", "since", "until"}
            )
            out.append(
                {
                    "id": tie.id,
                    "type": tie.type,
                    "direction": direction,
                    "other_id": tie.to_id if direction == "out" else tie.from_id,
                    "other_label": other_label,
                    "other_name": other_name,
                    "since": tie.since,
                    "until": tie.until,
                    "properties": props,
                    "tie": tie,
                }
            )
        return out

    def export_person(self, person_id: str) -> dict[str, Any]:
        """Everything stored about a person (an information request): administrators."""
        self._require_admin("Only administrators may export everything about a person.")
        return self.store.export_person(person_id)

    # ------------------------------------------------------------------ changing

    def check_change(self, label: NodeLabel, node_id: str | None) -> None:
        """Raise Forbidden unless the user may create (``node_id`` None) or change this."""
        check_node_change(self.store, self.user, label, node_id)

    def may_change(self, label: NodeLabel, node_id: str | None) -> bool:
        """Whether the user may create (``node_id`` None) or change this entry."""
        if self.user.role == Role.VIEWER:
            return False
        try:
            self.check_change(label, node_id)
        except Forbidden:
            return False
        return True

    def create(self, label: NodeLabel, data: Mapping[str, Any]) -> Node:
        """A new entry; a partner's is tied to its organisation in the same step."""
        check_node_change(self.store, self.user, label, None)
        actor, org = self.user.username, self.user.organisation_id
        if self.user.role == Role.PARTNER and org:
            rel, outgoing = PARTNER_LINK[label]
            return self.store.create_linked(label, data, rel, org, outgoing=outgoing, actor=actor)
        return self.store.create(label, data, actor=actor)

    def version(self, node: Node) -> str:
        """The entry's version as read (its ETag): changes with every stored value."""
        return self.store.entry_version(node)

    def update(
        self,
        label: NodeLabel,
        node_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: str | Iterable[str] | None = None,
    ) -> Node:
        """Change an entry; with ``expected_version`` only if it is still at that version
        (else :class:`~graph_schema.errors.Conflict`, nothing written)."""
        self.store.get(label, node_id)
        check_node_change(self.store, self.user, label, node_id)
        return self.store.update(
            label, node_id, changes, actor=self.user.username, expected_version=expected_version
        )

    def delete(self, label: NodeLabel, node_id: str, *, erase: bool = False) -> None:
        """Delete an entry with its ties; ``erase`` (administrators, people only) also
        removes the person's values from the history, of entries merged into them too."""
        self.store.get(label, node_id)
        if erase:
            self._require_admin("Only administrators may erase a person's history.")
            self._erase(node_id)
            return
        check_node_change(self.store, self.user, label, node_id)
        self.store.delete(label, node_id, actor=self.user.username)

    def _require_admin(self, message: str) -> None:
        if self.user.role != Role.ADMIN:
            raise Forbidden(message)

    def _erase(self, person_id: str) -> None:
        merged = self._merged_into(person_id)
        with self.store.transaction() as tx:
            self.store.erase_person(person_id, actor=self.user.username)
            for other in merged:
                self.store.audit.redact(tx, other, {"id": other, "erased": True})

    def _merged_into(self, person_id: str) -> builtins.list[str]:
        """The ids merged into this entry, and into those, from the merge history."""
        found: builtins.list[str] = []
        todo = [person_id]
        while todo:
            current = todo.pop()
            offset = 0
            while True:
                entries, total = self.store.audit.list(entity_id=current, limit=500, offset=offset)
                for e in entries:
                    after = e.after or {}
                    dropped = after.get("merged")
                    if e.action == "merge" and after.get("kept") == current and dropped:
                        if dropped not in found and dropped != person_id:
                            found.append(dropped)
                            todo.append(dropped)
                offset += len(entries)
                if not entries or offset >= total:
                    break
        return found

    # ------------------------------------------------------------------ ties

    def list_ties(
        self,
        rel: RelType | None = None,
        *,
        from_id: str | None = None,
        to_id: str | None = None,
        as_of: dt.date | None = None,
    ) -> builtins.list[Tie]:
        return list(self.store.list_ties(rel, from_id=from_id, to_id=to_id, as_of=as_of))

    def get_tie(self, tie_id: str) -> Tie:
        return self.store.get_tie(tie_id)

    def may_change_tie(self, tie: Tie) -> bool:
        """Whether the user may create, end or delete this tie."""
        if self.user.role == Role.VIEWER:
            return False
        try:
            check_tie_change(self.store, self.user, tie)
        except Forbidden:
            return False
        return True

    def tie_write(self, tie: Tie) -> TieWrite | None:
        """How the user may create this tie: directly, as a proposal, or not (None)."""
        if self.user.role == Role.VIEWER:
            return None
        try:
            return check_tie_create(self.store, self.user, tie)
        except Forbidden:
            return None

    def create_tie(self, rel: RelType, data: Mapping[str, Any]) -> Tie | Proposal:
        """A new tie: ``data`` holds ``from_id``, ``to_id``, dates and the type's properties.

        A partner's tie to someone else's entry, of a type the office lets partners propose,
        is not made but kept as a :class:`Proposal` for an editor to confirm
        (:mod:`api.services.proposals`).
        """
        rel = RelType(rel)
        model = REL_SPECS[rel].model
        extra = sorted(k for k in data if k not in model.model_fields)
        if extra:
            raise InvalidValue(f"{rel} ties have no {', '.join(extra)}: remove them.")
        how = check_tie_create(self.store, self.user, model.model_construct(**data))
        if how is TieWrite.PROPOSAL:
            return Proposals(self.store, self.user).propose(rel, data)
        return self.store.link(rel, actor=self.user.username, **data)

    def update_tie(self, tie_id: str, changes: Mapping[str, Any]) -> Tie:
        """Change a tie's dates or properties (``until`` ends it)."""
        check_tie_change(self.store, self.user, self.store.get_tie(tie_id))
        return self.store.update_tie(tie_id, dict(changes), actor=self.user.username)

    def delete_tie(self, tie_id: str) -> None:
        check_tie_change(self.store, self.user, self.store.get_tie(tie_id))
        self.store.unlink(tie_id, actor=self.user.username)

    def tie_of(self, node_id: str, tie_id: str) -> Tie:
        """A tie of this entry (NotFound when it joins other entries)."""
        tie = self.store.get_tie(tie_id)
        if node_id not in (tie.from_id, tie.to_id):
            raise NotFound(f"tie {tie_id} of {node_id}")
        return tie
