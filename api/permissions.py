"""Who may change what, and who may see personal data.

- admin: everything, accounts; editor: all data;
- partner: bound to one organisation: may change it, its offers (PROVIDES) and its contact
  persons (REPRESENTS), and ties starting at those; nothing else;
- viewer: reads everything but personal data (people's email, phone, consent date).
"""

from __future__ import annotations

from api.security import Forbidden, Role, User
from graph_schema.model import NodeLabel, Person, RelType, Tie
from graph_schema.store import GraphStore

__all__ = [
    "check_node_change",
    "check_tie_change",
    "hidden_person_fields",
    "owned_ids",
    "PERSONAL",
]

PERSONAL: tuple[str, ...] = Person.personal_properties
DATA_EDITORS = (Role.ADMIN, Role.EDITOR)


def owned_ids(store: GraphStore, user: User) -> set[str]:
    """The partner's organisation, its offers and its contact persons."""
    org = user.organisation_id
    if user.role != Role.PARTNER or not org:
        return set()
    ids = {org}
    ids |= {t.to_id for t in store.list_ties(RelType.PROVIDES, from_id=org)}
    ids |= {t.from_id for t in store.list_ties(RelType.REPRESENTS, to_id=org)}
    return ids


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


def hidden_person_fields(store: GraphStore, user: User, person_id: str) -> tuple[str, ...]:
    """The person's properties this user must not see."""
    if user.sees_personal_data:
        return ()
    if user.role == Role.PARTNER and person_id in owned_ids(store, user):
        return ()
    return PERSONAL
