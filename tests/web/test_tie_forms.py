"""Adding, ending and deleting ties on the detail pages; the API's permission rules."""

from __future__ import annotations

import datetime as dt

import pytest

from api.web import tie_forms
from graph_schema.model import RelType
from tests.web.conftest import XSS, Web, csrf_of


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
    # a deletion asks first: the detail page links to a confirmation page
    detail = web["editor"].get(page).text
    assert f'href="{page}/beziehungen/coop-1/loeschen"' in detail
    assert 'value="delete"' not in detail
    r = _post(web, "editor", page, page + "/beziehungen/coop-1", {"action": "delete"})
    assert r.status_code == 303
    assert r.headers["location"] == page + "/beziehungen/coop-1/loeschen"
    assert web.store.get_tie("coop-1").id == "coop-1"  # nothing deleted yet
    confirm = web["editor"].get(page + "/beziehungen/coop-1/loeschen")
    assert confirm.status_code == 200
    assert "Beziehung löschen?" in confirm.text and "AWO" in confirm.text
    assert 'name="bestaetigt" value="1"' in confirm.text
    r = _post(
        web,
        "editor",
        page + "/beziehungen/coop-1/loeschen",
        page + "/beziehungen/coop-1",
        {"action": "delete", "bestaetigt": "1"},
    )
    assert r.status_code == 303
    assert all(t.id != "coop-1" for t in _coops(web, "org-own"))
    # a tie of another entry is not found through this page
    r = _post(web, "editor", page, page + "/beziehungen/mem-1", {"action": "delete"})
    assert r.status_code == 404
    assert web["editor"].get(page + "/beziehungen/mem-1/loeschen").status_code == 404


def test_the_delete_confirmation_shows_names_as_text_and_needs_the_right(web: Web) -> None:
    page = "/organisationen/org-own"
    confirm = web["editor"].get(page + "/beziehungen/coop-2/loeschen").text
    assert "<img src=x onerror" not in confirm
    assert "&lt;img src=x onerror=alert(1)&gt;" in confirm
    assert web["viewer"].get(page + "/beziehungen/coop-2/loeschen").status_code == 403
    r = web["anonymous"].get(page + "/beziehungen/coop-2/loeschen", follow_redirects=False)
    assert r.status_code in (303, 401)


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
        {"action": "delete", "bestaetigt": "1"},
    )
    assert r.status_code == 403
    # no CSRF token, no change
    r = web["editor"].post("/organisationen/org-own/beziehungen/coop-1", data={"action": "delete"})
    assert r.status_code == 403
    assert web.store.get_tie("coop-1").id == "coop-1"


def test_a_long_partner_list_is_typed_with_suggestions(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tie_forms, "DATALIST_ABOVE", 0)
    page = "/organisationen/org-other"
    html = web["editor"].get(page).text
    assert 'list="t-COOPERATES_WITH-choices"' in html
    assert '<option value="&lt;img src=x onerror=alert(1)&gt; (org-xss)">' in html
    assert "<img src=x onerror" not in html
    # a name nobody has: the message beside the field, what was typed kept
    r = _post(
        web,
        "editor",
        page,
        page + "/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "Gibt es nicht e.V.", "note": "getippt"},
    )
    assert r.status_code == 422
    assert 'id="et-COOPERATES_WITH-other_id"' in r.text and "passt zu keinem Eintrag" in r.text
    assert 'value="Gibt es nicht e.V."' in r.text and ">getippt</textarea>" in r.text
    # the suggestion as the browser fills it in
    r = _post(
        web,
        "editor",
        page,
        page + "/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "Caritas (org-own)", "kind": "referral"},
    )
    assert r.status_code == 303, r.text
    # a name typed in full that belongs to exactly one organisation
    r = _post(
        web,
        "editor",
        page,
        page + "/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": XSS, "kind": "exchange"},
    )
    assert r.status_code == 303, r.text
    partners = {t.to_id: t.kind for t in _coops(web, "org-other")}
    assert partners.get("org-own") == "referral" and partners.get("org-xss") == "exchange"
