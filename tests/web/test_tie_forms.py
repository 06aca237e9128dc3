"""Adding, ending and deleting ties on the detail pages; the API's permission rules."""

from __future__ import annotations

import datetime as dt

from graph_schema.model import RelType
from tests.web.conftest import Web, csrf_of


def _post(web: Web, role: str, page: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    client = web[role]
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def _coops(web: Web, org: str) -> list:  # type: ignore[type-arg]
    return web.store.list_ties(RelType.COOPERATES_WITH, from_id=org)


def test_add_a_cooperation_and_see_it(web: Web) -> None:
    page = web["editor"].get("/organisationen/org-other").text
    assert "Kooperation hinzufügen" in page and 'id="t-COOPERATES_WITH-other_id"' in page
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {
            "type": "COOPERATES_WITH",
            "other_id": "org-xss",
            "kind": "joint_project",
            "intensity": "3",
            "since": "01.03.2023",
            "note": "Sommerfest",
        },
    )
    assert r.status_code == 303, r.text
    ties = [t for t in _coops(web, "org-other") if t.to_id == "org-xss"]
    assert len(ties) == 1
    tie = ties[0]
    assert tie.kind == "joint_project" and tie.intensity == 3
    assert tie.since == dt.date(2023, 3, 1) and tie.note == "Sommerfest"
    assert "Sommerfest" in web["viewer"].get("/organisationen/org-xss").text


def test_until_before_since_is_shown_beside_the_form_with_what_was_typed(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {
            "type": "COOPERATES_WITH",
            "other_id": "org-xss",
            "since": "2024-05-01",
            "until": "2023-01-01",
            "note": "getippt",
        },
    )
    assert r.status_code == 422
    assert 'id="et-COOPERATES_WITH-until"' in r.text
    assert "Das Ende darf nicht vor dem Beginn liegen." in r.text
    assert 'value="2024-05-01"' in r.text and ">getippt</textarea>" in r.text
    assert '<option value="org-xss" selected>' in r.text
    assert not [t for t in _coops(web, "org-other") if t.to_id == "org-xss"]


def test_wrong_endpoints_are_refused(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "09999001"},
    )
    assert r.status_code == 422
    assert "passt nicht" in r.text or "gibt es nicht" in r.text
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {"type": "SERVES", "other_id": "housing"},
    )
    assert r.status_code == 422 and "kann hier nicht angelegt werden" in r.text


def test_area_field_and_offer_links_and_a_member(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {"type": "ACTIVE_IN", "other_id": "09999001"},
    )
    assert r.status_code == 303
    r = _post(
        web,
        "editor",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {"type": "WORKS_ON", "other_id": "housing"},
    )
    assert r.status_code == 303
    assert web.store.list_ties(RelType.ACTIVE_IN, from_id="org-other")
    assert web.store.list_ties(RelType.WORKS_ON, from_id="org-other")
    page = web["editor"].get("/angebote/off-other").text
    assert "Zielgruppe hinzufügen" in page and "Gebiet hinzufügen" in page
    for rel, other in (("AVAILABLE_IN", "09999001"), ("ADDRESSES", "housing")):
        r = _post(
            web,
            "editor",
            "/angebote/off-other",
            "/angebote/off-other/beziehungen",
            {"type": rel, "other_id": other},
        )
        assert r.status_code == 303, r.text
        assert web.store.list_ties(RelType(rel), from_id="off-other")
    r = _post(
        web,
        "editor",
        "/gremien/bod-rat",
        "/gremien/bod-rat/beziehungen",
        {"type": "MEMBER_OF", "other_id": "org-own", "role": "deputy", "since": "2024-01-01"},
    )
    assert r.status_code == 303, r.text
    members = web.store.list_ties(RelType.MEMBER_OF, from_id="org-own")
    assert members and members[0].role == "deputy"


def test_end_and_delete_a_tie(web: Web) -> None:
    page = "/organisationen/org-own"
    r = _post(web, "editor", page, page + "/beziehungen/coop-1", {"action": "end", "until": "x"})
    assert r.status_code == 422 and "Datum" in r.text
    r = _post(
        web, "editor", page, page + "/beziehungen/coop-1", {"action": "end", "until": "2024-06-30"}
    )
    assert r.status_code == 303
    assert web.store.get_tie("coop-1").until == dt.date(2024, 6, 30)
    r = _post(web, "editor", page, page + "/beziehungen/coop-1", {"action": "delete"})
    assert r.status_code == 303
    assert all(t.id != "coop-1" for t in _coops(web, "org-own"))
    # a tie of another entry is not found through this page
    r = _post(web, "editor", page, page + "/beziehungen/mem-1", {"action": "delete"})
    assert r.status_code == 404


def test_permissions_follow_the_api(web: Web) -> None:
    # a viewer sees no tie controls and may not post
    viewer = web["viewer"].get("/organisationen/org-own").text
    assert "Beziehungen hinzufügen" not in viewer and 'value="delete"' not in viewer
    r = _post(
        web,
        "viewer",
        "/organisationen/org-own",
        "/organisationen/org-own/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "org-other"},
    )
    assert r.status_code == 403
    # a partner adds ties from its own organisation, not from another one
    assert "Kooperation hinzufügen" in web["partner"].get("/organisationen/org-own").text
    assert "Kooperation hinzufügen" not in web["partner"].get("/organisationen/org-other").text
    r = _post(
        web,
        "partner",
        "/organisationen/org-own",
        "/organisationen/org-own/beziehungen",
        {"type": "WORKS_ON", "other_id": "housing", "since": "2020-01-01"},
    )
    assert r.status_code == 303
    r = _post(
        web,
        "partner",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "org-xss"},
    )
    assert r.status_code == 403
    r = _post(
        web,
        "partner",
        "/organisationen/org-other",
        "/organisationen/org-other/beziehungen/rep-1",
        {"action": "delete"},
    )
    assert r.status_code == 403
    # no CSRF token, no change
    r = web["editor"].post("/organisationen/org-own/beziehungen/coop-1", data={"action": "delete"})
    assert r.status_code == 403
    assert web.store.get_tie("coop-1").id == "coop-1"
