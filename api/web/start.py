"""The start page: key figures, the largest gaps and the latest changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.security import ACCOUNT_ENTITY, User
from api.services.analysis import MISSING_LIMIT, analysis_of, whole
from api.web.entities import entity_url
from api.web.i18n import N_
from api.web.labels import ACTIONS, NODE_LABELS, REL_NOUNS
from api.web.render import WebRoute, page_user, render
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore
from graph_schema.store.records import AuditEntry

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]

#: shown for an entry whose name is no longer known (deleted, or erased on request)
DELETED = N_("gelöschter Eintrag")
#: what happened to a tie, by the audit entry's action
_TIE_ACTIONS = {
    "link": N_("angelegt"),
    "update_tie": N_("geändert"),
    "end_tie": N_("beendet"),
    "unlink": N_("gelöscht"),
}
_NAME_KEYS = ("name", "title", "name_de")


def _stored_name(values: Mapping[str, Any] | None) -> str | None:
    """The name an audit entry recorded for its node, if it recorded one."""
    for key in _NAME_KEYS:
        if values and values.get(key):
            return str(values[key])
    return None


def _node_ids(entry: AuditEntry) -> list[str]:
    if entry.entity_type in tuple(NodeLabel):
        return [entry.entity_id]
    if entry.entity_type in tuple(RelType):
        side = entry.after or entry.before or {}
        return [str(side[k]) for k in ("from_id", "to_id") if side.get(k)]
    return []


def _tie_action(entry: AuditEntry) -> str:
    if entry.action == "update_tie":
        before, after = entry.before or {}, entry.after or {}
        if after.get("until") and after.get("until") != before.get("until"):
            return _TIE_ACTIONS["end_tie"]
    return _TIE_ACTIONS.get(entry.action, ACTIONS.get(entry.action, entry.action))


def recent_changes(store: GraphStore, entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """The history entries as a person reads them: names instead of ids, what happened.

    Current names come from the store in one batch; a deleted entry keeps the name its own
    history entry (or another entry on the list) recorded, else it reads "deleted entry".
    Only names are shown: no other recorded value (a person's contact data) reaches the page.
    """
    current = store.names_of(i for e in entries for i in _node_ids(e))
    recorded: dict[str, str] = {}
    for e in entries:
        if e.entity_type in tuple(NodeLabel) and e.action != "erase":
            name = _stored_name(e.after) or _stored_name(e.before)
            if name:
                recorded.setdefault(e.entity_id, name)

    def end(node_id: str) -> dict[str, Any]:
        if node_id in current:
            label, name = current[node_id]
            return {"name": name, "url": entity_url(label, node_id), "deleted": False}
        known = recorded.get(node_id)
        return {"name": known or DELETED, "url": None, "deleted": known is None}

    changes: list[dict[str, Any]] = []
    for e in entries:
        change: dict[str, Any] = {"at": e.at, "username": e.username}
        if e.entity_type in tuple(NodeLabel):
            label = NodeLabel(e.entity_type)
            change.update(
                kind="node",
                node=end(e.entity_id),
                what=NODE_LABELS[label][0],
                action=ACTIONS.get("delete" if e.action == "erase" else e.action, e.action),
            )
        elif e.entity_type in tuple(RelType):
            ends = [end(i) for i in _node_ids(e)]
            # a cooperation has no direction: ↔ as elsewhere in the UI (a dash would blur
            # into names such as "Der Paritätische – Kreisgruppe")
            change.update(
                kind="tie",
                ends=ends,
                arrow="↔" if e.entity_type == RelType.COOPERATES_WITH else "→",
                what=REL_NOUNS[e.entity_type],
                action=_tie_action(e),
            )
        elif e.action == "bulk_upsert":
            written = (e.after or {}).get("written") or {}
            change.update(
                kind="bulk",
                count=sum(int(v) for v in written.values()),
                action=ACTIONS["bulk_upsert"],
            )
        else:  # "clear", or an entry of a kind this page does not know
            change.update(kind="other", action=ACTIONS.get(e.action, e.action))
        changes.append(change)
    return changes


def _for_reader(changes: list[dict[str, Any]], user: User) -> list[dict[str, Any]]:
    """Who made a change is shown to those who see personal data only (as before)."""
    if user.sees_personal_data:
        return changes
    return [{**c, "username": ""} for c in changes]


@router.get("/")
def start_page(request: Request, user: PageUser) -> Response:
    store = request.app.state.store
    analysis = analysis_of(request.app)
    today = whole(clock.today())
    counts = analysis.remember(("counts",), store.counts)
    figures = analysis.figures(today)
    gaps = analysis.gaps(today, MISSING_LIMIT)
    return render(
        request,
        "start.html",
        {
            "counts": counts,
            "figures": figures,
            "offer_gaps": gaps["offer_gaps"][:5],
            "offer_gaps_total": len(gaps["offer_gaps"]),
            "missing": gaps["missing_cooperations"][:5],
            "duplicates_total": len(gaps["duplicate_offers"]),
            "peripheral_total": len(gaps["peripheral_actors"]),
            "changes": _for_reader(
                analysis.remember(
                    ("recent_changes",),
                    lambda: recent_changes(
                        # changes to the data only: no failed sign-ins
                        store,
                        store.audit.list(limit=10, exclude_type=ACCOUNT_ENTITY)[0],
                    ),
                ),
                user,
            ),
        },
    )
