"""The one data-protection policy: which properties of which label a user may see, and so
sort, filter and search by.

Personal data are the properties a model lists in ``personal_properties`` (today a
person's e-mail, phone and consent date). Administrators and editors see them; a partner
sees those of its own entries (its organisation's contact persons); viewers see none.

Every read path asks one :class:`Access` (made by :func:`access_for`):

- lists, details and edit forms: :meth:`Access.values`, :meth:`Access.hidden`;
- history entries, with the records nested in them (a merge keeps both people's records in
  one entry): :meth:`Access.history_entry`; the reader sees *that* a value changed, not the
  value;
- the network JSON, exports and anything built from a snapshot: :meth:`Access.redact`,
  :meth:`Access.snapshot`;
- sorting, filtering and searching: :meth:`Access.check_query`. What a user cannot see on
  *every* entry of a label they cannot sort, filter or search by: an order or a match
  would give the value away one request at a time.

What every role gets alike (the network report, the map and its HTML download, the
analysis pages) is what :data:`PUBLIC` may see: they show organisations and names only,
from the analysis service's snapshots shared by all roles (:meth:`Access.snapshot` with
:data:`PUBLIC` is the way to make such a snapshot). A backup is complete by design (a
restore needs everything), so only administrators may download it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any, TypeVar

from api.security import Forbidden, Role, User
from graph_schema.model import NODE_MODELS, Node, NodeLabel, PropKind, RelType, property_kinds
from graph_schema.snapshot import Snapshot
from graph_schema.store import GraphStore

__all__ = [
    "EVERYTHING",
    "PROTECTED",
    "PUBLIC",
    "Access",
    "HiddenProperty",
    "access_for",
    "owned_ids",
]

N = TypeVar("N", bound=Node)

#: per label, the properties not every user may see
PROTECTED: dict[str, tuple[str, ...]] = {
    str(label): model.personal_properties
    for label, model in NODE_MODELS.items()
    if model.personal_properties
}

_USES = {"sort": "sorted", "filter": "filtered", "search": "searched"}


class HiddenProperty(Forbidden):
    """A sort, filter or search by a property the user does not see on every entry."""

    def __init__(self, access: Access, label: str, prop: str, use: str) -> None:
        self.label, self.prop, self.use = str(label), prop, use
        hidden = set(access.hidden(label))
        kinds = property_kinds(NODE_MODELS[NodeLabel(label)])
        self.allowed = [
            p for p, k in kinds.items() if p not in hidden and k != PropKind.STRING_LIST
        ]
        what = "Sort" if use == "sort" else "Filter" if use == "filter" else "Search"
        super().__init__(
            f"{label} cannot be {_USES[use]} by {prop!r}: it is personal data that your role "
            f"({access.role}) does not see on every entry. "
            + (
                f"{what} by one of: {', '.join(self.allowed)}."
                if use == "sort"
                else f"Remove the {use} by {prop}."
            )
        )


def owned_ids(store: GraphStore, user: User) -> set[str]:
    """The partner's organisation, its offers and its contact persons (empty for others)."""
    org = user.organisation_id
    if user.role != Role.PARTNER or not org:
        return set()
    ids = {org}
    ids |= {t.to_id for t in store.list_ties(RelType.PROVIDES, from_id=org)}
    ids |= {t.from_id for t in store.list_ties(RelType.REPRESENTS, to_id=org)}
    return ids


class Access:
    """What one user may see: everything, or everything but the protected properties of
    entries that are not their own.

    Args:
        role: named in messages.
        sees_all: sees every property of every entry.
        own: the ids whose protected properties the user sees anyway; given as a function,
            it is asked once, when a protected property is first in question.
    """

    def __init__(
        self,
        role: str,
        *,
        sees_all: bool = False,
        own: Iterable[str] | Callable[[], Iterable[str]] = (),
    ) -> None:
        self.role = str(role)
        self.sees_all = sees_all
        self._own = own

    def __repr__(self) -> str:
        return f"Access({self.role!r}, sees_all={self.sees_all})"

    @cached_property
    def own(self) -> frozenset[str]:
        return frozenset(self._own() if callable(self._own) else self._own)

    # ---------------------------------------------------------------- seeing

    def hidden(self, label: str, node_id: str | None = None) -> tuple[str, ...]:
        """The properties of this entry withheld from the user; without an id, those
        withheld on some entry of the label (never to sort, filter or search by).

        Examples:
            >>> PUBLIC.hidden("Person"), EVERYTHING.hidden("Person"), PUBLIC.hidden("Area")
            (('email', 'phone', 'consent_given_on'), (), ())
        """
        props = PROTECTED.get(str(label), ())
        if not props or self.sees_all:
            return ()
        if node_id is not None and node_id in self.own:
            return ()
        return props

    def columns_withheld(self, label: str) -> tuple[str, ...]:
        """Properties withheld on every entry of the label: columns left out altogether."""
        hidden = self.hidden(label)
        return () if not hidden or self.own else hidden

    def values(self, node: Node) -> dict[str, Any]:
        """The node's properties as JSON values, without those withheld."""
        data = node.model_dump(mode="json")
        for prop in self.hidden(node.label, node.id):
            data.pop(prop, None)
        return data

    def redact(self, node: N) -> N:
        """The node with the properties withheld emptied (exports, snapshots)."""
        hide = self.hidden(node.label, node.id)
        if not hide or all(getattr(node, p, None) is None for p in hide):
            return node
        return node.model_copy(update=dict.fromkeys(hide))

    def snapshot(self, snap: Snapshot) -> Snapshot:
        """The snapshot with every node as :meth:`redact` leaves it."""
        if self.sees_all:
            return snap
        return dataclasses.replace(snap, nodes=[self.redact(n) for n in snap.nodes])

    def history_entry(self, entry: Any) -> dict[str, Any]:
        """A history entry as the user may read it.

        Values withheld are left out wherever they are in ``before`` and ``after``, nested
        records included (each judged by its own ``id``); ``withheld`` names those that
        changed (``"phone"``, ``"merged.email"``), so the reader sees that a value changed,
        not the value.
        """
        data = dict(entry.__dict__) if not isinstance(entry, dict) else dict(entry)
        label, owner = str(data["entity_type"]), data["entity_id"]
        data["withheld"] = []
        if label not in PROTECTED or self.sees_all:
            return data
        data["before"], gone_before = self._strip(label, owner, data["before"], "")
        data["after"], gone_after = self._strip(label, owner, data["after"], "")
        paths = set(gone_before) | set(gone_after)
        data["withheld"] = sorted(p for p in paths if gone_before.get(p) != gone_after.get(p))
        return data

    def _strip(self, label: str, owner: str, value: Any, path: str) -> tuple[Any, dict[str, Any]]:
        """``value`` without the withheld properties, and those removed by path."""
        removed: dict[str, Any] = {}
        if isinstance(value, dict):
            own_id = value.get("id")
            owner = own_id if isinstance(own_id, str) else owner
            hide = self.hidden(label, owner)
            out = {}
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if key in hide:
                    removed[where] = item
                    continue
                out[key], inner = self._strip(label, owner, item, where)
                removed.update(inner)
            return out, removed
        if isinstance(value, list):
            items = []
            for i, item in enumerate(value):
                clean, inner = self._strip(label, owner, item, f"{path}.{i}" if path else str(i))
                items.append(clean)
                removed.update(inner)
            return items, removed
        return value, removed

    # ---------------------------------------------------------------- querying

    def check_query(
        self,
        label: str,
        *,
        sort: str | None = None,
        filters: Iterable[str] = (),
        search: bool = False,
    ) -> None:
        """Raise :class:`HiddenProperty` for a sort, filter or search by a property this
        user does not see on every entry of ``label``."""
        hidden = self.hidden(label)
        if not hidden:
            return
        prop = (sort or "").strip().lstrip("-")
        if prop in hidden:
            raise HiddenProperty(self, label, prop, "sort")
        for name in filters:
            if name in hidden:
                raise HiddenProperty(self, label, name, "filter")
        if search:
            model = NODE_MODELS[NodeLabel(label)]
            for name in model.text_properties:
                if name in hidden:
                    raise HiddenProperty(self, label, name, "search")


#: what everyone may see: the data of outputs shared by every role
PUBLIC = Access("public")
#: everything (administrators' tools: the command line, backups)
EVERYTHING = Access("system", sees_all=True)


def access_for(store: GraphStore, user: User) -> Access:
    """What ``user`` may see."""
    if user.sees_personal_data:
        return Access(user.role, sees_all=True)
    return Access(user.role, own=lambda: owned_ids(store, user))
