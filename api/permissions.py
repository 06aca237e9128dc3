"""Who may change what (who may *see* what: :mod:`api.services.policy`).

- admin: everything, accounts; editor: all data;
- partner: bound to one organisation: may change it, its offers (PROVIDES) and its contact
  persons (REPRESENTS); may create, change or end a tie only between two entries it owns,
  or between one it owns and a shared entry (an area, a field of action, a target group).
  A tie to someone else's entry is never the partner's to make: for the types the office
  allows (:func:`proposable_types`, by default a cooperation) the partner may *propose* it,
  and an editor confirms or rejects the proposal (:mod:`api.services.proposals`). Seats on a
  body (``MEMBER_OF``: the Projektrat, working groups) are never taken nor proposed;
- viewer: reads (what the data-protection policy lets them see), changes nothing.

What a partner owns (:func:`~api.services.policy.owned_ids`) follows from the ties that
tie entries to its organisation; since a partner's own tie needs both ends owned already,
no tie it makes turns someone else's entry into its own: only a tie an editor made (or
confirmed) does.
"""

from __future__ import annotations

import enum

from api.security import Forbidden, Role, User
from api.services.policy import owned_ids
from graph_schema.model import REL_SPECS, NodeLabel, RelType, Tie
from graph_schema.store import GraphStore

__all__ = [
    "DATA_EDITORS",
    "DEFAULT_PROPOSABLE",
    "NEVER_PROPOSABLE",
    "PROPOSABLE_SETTING",
    "SHARED_LABELS",
    "TieWrite",
    "check_node_change",
    "check_tie_change",
    "check_tie_create",
    "owned_ids",
    "proposable_types",
]

DATA_EDITORS = (Role.ADMIN, Role.EDITOR)

#: entries nobody owns: a partner may tie its own entries to them (where it is active, what
#: it works on, whom an offer serves)
SHARED_LABELS = frozenset({NodeLabel.AREA, NodeLabel.FIELD, NodeLabel.TARGET_GROUP})

#: the store setting that lists the tie types partners may propose (comma-separated)
PROPOSABLE_SETTING = "proposable_tie_types"
#: what partners may propose while the office has not chosen
DEFAULT_PROPOSABLE = frozenset({RelType.COOPERATES_WITH})
#: council and committee seats are assigned by the office only
NEVER_PROPOSABLE = frozenset({RelType.MEMBER_OF})


class TieWrite(enum.Enum):
    """How a tie the user asked for is written."""

    DIRECT = "direct"
    #: stored as a proposal for an editor to confirm
    PROPOSAL = "proposal"


def _deny(user: User, what: str) -> Forbidden:
    return Forbidden(
        f"Your role ({user.role}) may not change {what}"
        + (
            ": partners change only their own organisation, its offers and contact persons."
            if user.role == Role.PARTNER
            else "."
        )
    )


def proposable_types(store: GraphStore) -> frozenset[RelType]:
    """The tie types partners may propose (the office's setting, else the default)."""
    raw = store.get_setting(PROPOSABLE_SETTING)
    if raw is None:
        return DEFAULT_PROPOSABLE
    known = {t.value for t in RelType}
    chosen = {RelType(x) for x in raw.split(",") if x.strip() in known}
    return frozenset(chosen - NEVER_PROPOSABLE)


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


def _ends(owned: set[str], tie: Tie) -> tuple[bool, bool]:
    """(whether one end is the partner's own, whether the other is its own or shared).

    An end given as "" (a form not filled in yet) counts as shared when every label that
    end may have is shared.
    """
    spec = REL_SPECS[RelType(tie.type)]
    own = [tie.from_id in owned, tie.to_id in owned]
    shared = [
        all(label in SHARED_LABELS for label in spec.from_labels),
        all(label in SHARED_LABELS for label in spec.to_labels),
    ]
    for mine in (0, 1):
        other = 1 - mine
        if own[mine] and (own[other] or shared[other]):
            return True, True
    return any(own), False


def _refuse_tie(user: User, tie: Tie, *, proposable: frozenset[RelType]) -> Forbidden:
    if user.role != Role.PARTNER:
        return _deny(user, f"this {tie.type} tie")
    if tie.type == RelType.MEMBER_OF:
        return Forbidden(
            "Seats on a body (the Projektrat, working groups) are assigned by the office: "
            "ask an editor to add your organisation or contact person."
        )
    types = ", ".join(sorted(proposable)) or "none at present"
    return Forbidden(
        f"Partners may make a {tie.type} tie only between their own entries (their "
        "organisation, its offers and contact persons; also to areas, fields of action and "
        "target groups), and this tie joins an entry of someone else. Ask the office (an "
        "editor) to make or change it; tie types a partner may propose for the office to "
        f"confirm: {types}."
    )


def check_tie_create(store: GraphStore, user: User, tie: Tie) -> TieWrite:
    """How ``user`` may create this tie: directly or as a proposal; else Forbidden."""
    if user.role in DATA_EDITORS:
        return TieWrite.DIRECT
    proposable: frozenset[RelType] = frozenset()
    if user.role == Role.PARTNER and user.organisation_id:
        one_own, both = _ends(owned_ids(store, user), tie)
        if both:
            return TieWrite.DIRECT
        proposable = proposable_types(store)
        if one_own and tie.type in proposable and tie.type not in NEVER_PROPOSABLE:
            return TieWrite.PROPOSAL
    raise _refuse_tie(user, tie, proposable=proposable)


def check_tie_change(store: GraphStore, user: User, tie: Tie) -> None:
    """Raise Forbidden unless ``user`` may change or end this (existing) tie directly."""
    if user.role in DATA_EDITORS:
        return
    if user.role == Role.PARTNER and user.organisation_id:
        if _ends(owned_ids(store, user), tie)[1]:
            return
        raise _refuse_tie(user, tie, proposable=proposable_types(store))
    raise _deny(user, f"this {tie.type} tie")
