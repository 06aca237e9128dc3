"""Who may change what (who may *see* what: :mod:`api.services.policy`).

- admin: everything, accounts; editor: all data;
- partner: bound to one organisation: may change it, its offers (PROVIDES) and its contact
  persons (REPRESENTS), and ties starting at those; nothing else;
- viewer: reads (what the data-protection policy lets them see), changes nothing.
"""

from __future__ import annotations

from api.security import Forbidden, Role, User
from api.services.policy import owned_ids
from graph_schema.model import NodeLabel, RelType, Tie
from graph_schema.store import GraphStore

__all__ = ["check_node_change", "check_tie_change", "owned_ids"]

DATA_EDITORS = (Role.ADMIN, Role.EDITOR)


def _deny(user: User, what: str) -> Forbidden:
    return Forbidden(
        f"Your role ({user.role}) may not change {what}"
        + (
            ": partners change only their own organisation, its offers and contact persons."
            if user.role == Role.PARTNER
            else "."
        )
    )


def check_node_change(store: GraphStore, user: User, label: NodeLabel, node_id: str | None) -> None:
    """Raise Forbidden unless ``user`` may create (``node_id`` None) or change this node."""
    if user.role in DATA_EDITORS:
        return
    if user.role == Role.PARTNER and user.organisation_id:
        if node_id is None:
            if label in (NodeLabel.OFFER, NodeLabel.PERSON):
                return  # created and tied to the partner's organisation in one step
        elif label in (NodeLabel.ORGANISATION, NodeLabel.OFFER, NodeLabel.PERSON):
            if node_id in owned_ids(store, user):
                return
    raise _deny(user, f"this {label}")


def check_tie_change(store: GraphStore, user: User, tie: Tie) -> None:
    """Raise Forbidden unless ``user`` may create, change or delete this tie."""
    if user.role in DATA_EDITORS:
        return
    if user.role == Role.PARTNER and user.organisation_id:
        owned = owned_ids(store, user)
        if tie.from_id in owned:
            return
        if tie.type == RelType.COOPERATES_WITH and tie.to_id == user.organisation_id:
            return
        if tie.type == RelType.REPRESENTS and tie.to_id == user.organisation_id:
            return
    raise _deny(user, f"this {tie.type} tie")
