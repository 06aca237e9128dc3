"""Issue 14, item 1: a partner ties only its own entries; a tie to someone else's entry is
refused, or (for the types the office allows) kept as a proposal for an editor to confirm.

Each takeover below answered 201 before the fix, and the partner then read the person's
contact data, deleted the person, or changed the offer.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from api.security import Role, User
from api.services.proposals import Proposals
from api.transfer import backup
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.store.proposals import Proposal
from tests.api.conftest import Api


def _tie(api: Api, who: str, rel: str, from_id: str, to_id: str, **props: Any):  # type: ignore[no-untyped-def]
    body = {"type": rel, "from_id": from_id, "to_id": to_id, **props}
    return api.as_(who, "POST", "/api/ties", json=body)


def _council(api: Api) -> None:
    api.store.create(
        NodeLabel.BODY, {"id": "bod-rat", "name": "Projektrat", "kind": "project_council"}
    )


# ---------------------------------------------------------------------- takeovers refused


def test_a_partner_cannot_take_over_another_organisations_contact_person(api: Api) -> None:
    r = _tie(api, "partner", "REPRESENTS", "per-1", "org-own")
    assert r.status_code == 403, r.text
    assert "Ask the office" in r.json()["detail"]
    assert api.store.list_ties(RelType.REPRESENTS, to_id="org-own") == []
    person = api.as_("partner", "GET", "/api/people/per-1").json()
    assert not {"email", "phone", "consent_given_on"} & set(person)
    listed = api.as_("partner", "GET", "/api/people").json()["items"]
    assert all("email" not in p for p in listed if p["id"] == "per-1")
    assert api.as_("partner", "DELETE", "/api/people/per-1").status_code == 403
    assert api.store.get(NodeLabel.PERSON, "per-1").email == "a@example.org"  # type: ignore[attr-defined]


def test_a_partner_cannot_take_over_another_organisations_offer(api: Api) -> None:
    r = _tie(api, "partner", "PROVIDES", "org-own", "off-other")
    assert r.status_code == 403, r.text
    assert "Ask the office" in r.json()["detail"]
    assert [t.to_id for t in api.store.list_ties(RelType.PROVIDES, from_id="org-own")] == [
        "off-own"
    ]
    r = api.as_("partner", "PATCH", "/api/offers/off-other", json={"cost": "50 €"})
    assert r.status_code == 403
    assert api.store.get(NodeLabel.OFFER, "off-other").cost is None  # type: ignore[attr-defined]


def test_a_partner_takes_no_seat_on_the_council(api: Api) -> None:
    _council(api)
    r = _tie(api, "partner", "MEMBER_OF", "org-own", "bod-rat", role="chair")
    assert r.status_code == 403, r.text
    assert "assigned by the office" in r.json()["detail"]
    # nor through a contact person of its own
    own = api.as_("partner", "POST", "/api/people", json={"name": "Eigene Person"}).json()
    assert _tie(api, "partner", "MEMBER_OF", own["id"], "bod-rat", role="chair").status_code == 403
    assert api.store.list_ties(RelType.MEMBER_OF, to_id="bod-rat") == []
    # and the office cannot make council seats proposable
    r = api.as_("admin", "PUT", "/api/proposals/types", json={"types": ["MEMBER_OF"]})
    assert r.status_code == 422 and "assigned by the office" in r.json()["detail"]
    assert api.as_("partner", "GET", "/api/proposals/types").json()["types"] == ["COOPERATES_WITH"]


def test_a_partner_cannot_end_or_change_ties_of_others(api: Api) -> None:
    assert (
        api.as_("partner", "PATCH", "/api/ties/rep-1", json={"until": "2030-01-01"}).status_code
        == 403
    )
    assert api.as_("partner", "DELETE", "/api/ties/prov-other").status_code == 403
    api.store.link(RelType.COOPERATES_WITH, "org-own", "org-other", id="coop-x")
    # a cooperation with another organisation is the office's to end (or change)
    r = api.as_("partner", "PATCH", "/api/ties/coop-x", json={"until": "2030-01-01"})
    assert r.status_code == 403 and "Ask the office" in r.json()["detail"]


def test_a_partner_still_keeps_its_own_entries_tied(api: Api) -> None:
    """What stays the partner's: ties between its own entries and to shared ones."""
    r = _tie(api, "partner", "AVAILABLE_IN", "off-own", "09999001")
    assert r.status_code == 201, r.text
    tie_id = r.json()["id"]
    assert (
        api.as_("partner", "PATCH", f"/api/ties/{tie_id}", json={"until": "2030-01-01"}).status_code
        == 200
    )
    assert _tie(api, "partner", "WORKS_ON", "org-own", "housing").status_code == 201
    assert (
        api.as_("partner", "PATCH", "/api/ties/prov-own", json={"until": "2031-01-01"}).status_code
        == 200
    )
    # two shared entries are nobody's to tie
    api.store.create(NodeLabel.AREA, {"id": "09999002", "name": "Birkfeld", "kind": "municipality"})
    assert _tie(api, "partner", "PART_OF", "09999002", "09999001").status_code == 403


# ---------------------------------------------------------------------- proposals


def test_a_partners_cooperation_is_a_proposal_until_an_editor_confirms_it(api_on: Api) -> None:
    api = api_on
    r = _tie(api, "partner", "COOPERATES_WITH", "org-own", "org-other", kind="joint_project")
    assert r.status_code == 202, r.text
    proposal = r.json()
    assert proposal["status"] == "open" and proposal["properties"] == {
        "kind": "joint_project",
        "intensity": 1,
    }
    assert proposal["organisation_id"] == "org-own" and proposal["proposed_by"] == "partner"
    # not part of the graph yet
    assert api.store.list_ties(RelType.COOPERATES_WITH) == []
    # the same again is refused while it waits
    assert _tie(api, "partner", "COOPERATES_WITH", "org-own", "org-other").status_code == 409

    mine = api.as_("partner", "GET", "/api/proposals").json()
    assert [p["id"] for p in mine["items"]] == [proposal["id"]]
    assert mine["items"][0]["to_name"] == "AWO"
    assert api.as_("viewer", "GET", "/api/proposals").status_code == 403
    # a partner cannot confirm (its own or any)
    url = f"/api/proposals/{proposal['id']}"
    assert api.as_("partner", "POST", url + "/confirm").status_code == 403
    assert api.store.list_ties(RelType.COOPERATES_WITH) == []

    r = api.as_("editor", "POST", url + "/confirm", json={"reason": "passt"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "confirmed" and done["decided_by"] == "editor"
    ties = api.store.list_ties(RelType.COOPERATES_WITH)
    assert [(t.id, t.from_id, t.to_id, t.kind) for t in ties] == [  # type: ignore[attr-defined]
        (done["tie_id"], "org-own", "org-other", "joint_project")
    ]
    history = api.as_("editor", "GET", f"/api/history?entity={done['tie_id']}").json()["items"]
    assert [(e["action"], e["username"]) for e in history] == [("link", "editor")]
    assert api.as_("admin", "POST", url + "/confirm").status_code == 409
    assert api.as_("editor", "GET", "/api/proposals").json()["total"] == 0
    decided = api.as_("partner", "GET", "/api/proposals?status=all").json()["items"]
    assert [p["status"] for p in decided] == ["confirmed"]


def test_a_rejected_proposal_makes_no_tie(api: Api) -> None:
    r = _tie(api, "partner", "COOPERATES_WITH", "org-other", "org-own")
    assert r.status_code == 202, r.text
    url = f"/api/proposals/{r.json()['id']}"
    assert api.as_("partner", "POST", url + "/reject").status_code == 403
    r = api.as_("editor", "POST", url + "/reject", json={"reason": "unbekannt"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["reason"] == "unbekannt"
    assert api.store.list_ties(RelType.COOPERATES_WITH) == []
    assert api.as_("editor", "POST", url + "/confirm").status_code == 409


def test_a_partner_proposes_only_for_its_own_organisation_and_sees_only_its_own(api: Api) -> None:
    api.store.create(NodeLabel.ORGANISATION, {"id": "org-third", "name": "DRK", "kind": "other"})
    assert _tie(api, "partner", "COOPERATES_WITH", "org-other", "org-third").status_code == 403
    assert _tie(api, "partner", "COOPERATES_WITH", "org-own", "nope-1").status_code == 404
    assert _tie(api, "editor", "COOPERATES_WITH", "org-other", "org-third").status_code == 201
    assert _tie(api, "partner", "COOPERATES_WITH", "org-own", "org-third").status_code == 202
    assert len(api.as_("editor", "GET", "/api/proposals").json()["items"]) == 1
    # the other organisation's partner does not see it
    other = User("p2", Role.PARTNER, "org-other")
    assert Proposals(api.store, other).list() == []
    assert len(Proposals(api.store, User("p1", Role.PARTNER, "org-own")).list()) == 1


def test_the_office_chooses_what_partners_may_propose(api: Api) -> None:
    assert api.as_("editor", "PUT", "/api/proposals/types", json={"types": []}).status_code == 403
    r = api.as_("admin", "PUT", "/api/proposals/types", json={"types": []})
    assert r.status_code == 200 and r.json()["types"] == []
    r = _tie(api, "partner", "COOPERATES_WITH", "org-own", "org-other")
    assert r.status_code == 403 and "none at present" in r.json()["detail"]
    # a contact person of another organisation becomes the partner's only by the office
    r = api.as_("admin", "PUT", "/api/proposals/types", json={"types": ["REPRESENTS"]})
    assert r.json()["types"] == ["REPRESENTS"]
    r = _tie(api, "partner", "REPRESENTS", "per-1", "org-own")
    assert r.status_code == 202, r.text
    assert "email" not in api.as_("partner", "GET", "/api/people/per-1").json()
    confirm = api.as_("editor", "POST", f"/api/proposals/{r.json()['id']}/confirm")
    assert confirm.status_code == 200, confirm.text
    assert api.as_("partner", "GET", "/api/people/per-1").json()["email"] == "a@example.org"
    assert (
        api.as_("admin", "PUT", "/api/proposals/types", json={"types": ["NOPE"]}).status_code == 422
    )


def test_proposals_are_in_a_backup_and_come_back(store: GraphStore, tmp_path: Path) -> None:
    store.create(NodeLabel.ORGANISATION, {"id": "org-a", "name": "A", "kind": "other"})
    store.create(NodeLabel.ORGANISATION, {"id": "org-b", "name": "B", "kind": "other"})
    made = store.proposals.add(
        Proposal(
            id="",
            type="COOPERATES_WITH",
            from_id="org-a",
            to_id="org-b",
            organisation_id="org-a",
            proposed_by="partner",
            data={"kind": "exchange", "since": "2024-01-01"},
        )
    )
    buf = io.BytesIO()
    backup.write_backup(store, buf)
    target = open_ladybug(tmp_path / "restored")
    try:
        backup.restore(target, backup.read_backup(io.BytesIO(buf.getvalue())))
        assert target.proposals.list() == [made]
        assert target.proposals.count_open() == 1
    finally:
        target.close()
