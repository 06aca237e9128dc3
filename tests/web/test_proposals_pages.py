"""A partner's cooperation on its organisation's page becomes a proposal; editors confirm
or reject it on ``/vorschlaege``; administrators choose what partners may propose."""

from __future__ import annotations

from html.parser import HTMLParser

from graph_schema.model import NodeLabel, RelType
from tests.web.conftest import Web, csrf_of


def _post(web: Web, role: str, page: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    client = web[role]
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def _nav_text(html: str) -> str:
    class Nav(HTMLParser):
        inside = 0
        text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "nav" or self.inside:
                self.inside += 1

        def handle_endtag(self, tag: str) -> None:
            if self.inside:
                self.inside -= 1

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    parser = Nav()
    parser.feed(html)
    return " ".join(parser.text.split())


def _propose(web: Web) -> str:
    web.store.create(NodeLabel.ORGANISATION, {"id": "org-neu", "name": "Neu e.V.", "kind": "other"})
    page = "/organisationen/org-own"
    html = web["partner"].get(page).text
    assert "Kooperation hinzufügen" in html and "als Vorschlag an die Redaktion" in html
    r = _post(
        web,
        "partner",
        page,
        page + "/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "org-neu", "kind": "exchange"},
    )
    assert r.status_code == 303, r.text
    assert "vorgeschlagen=1" in r.headers["location"]
    shown = web["partner"].get(r.headers["location"]).text
    assert "Vorschlag gesendet: wartet auf Bestätigung durch die Redaktion" in shown
    assert [t.to_id for t in web.store.list_ties(RelType.COOPERATES_WITH, from_id="org-own")] == [
        "org-other"
    ]
    (proposal,) = web.store.proposals.list(status="open")
    return proposal.id


def test_a_partners_cooperation_waits_for_the_editor(web: Web) -> None:
    proposal_id = _propose(web)
    # the same again: said beside the field
    page = "/organisationen/org-own"
    r = _post(
        web,
        "partner",
        page,
        page + "/beziehungen",
        {"type": "COOPERATES_WITH", "other_id": "org-neu"},
    )
    assert r.status_code == 422 and "schon vorgeschlagen" in r.text

    assert "Vorschläge (1 offen)" in _nav_text(web["editor"].get("/").text)
    assert "Vorschläge" not in _nav_text(web["partner"].get("/").text)
    listing = web["editor"].get("/vorschlaege").text
    assert "Neu e.V." in listing and "Bestätigen" in listing
    # the partner sees its proposal, without the buttons, and cannot decide
    own = web["partner"].get("/vorschlaege").text
    assert "Neu e.V." in own and "Bestätigen" not in own
    r = _post(web, "partner", "/vorschlaege", f"/vorschlaege/{proposal_id}/bestaetigen", {})
    assert r.status_code == 403
    assert web["viewer"].get("/vorschlaege").status_code == 403
    # no CSRF token, no decision
    r = web["editor"].post(f"/vorschlaege/{proposal_id}/bestaetigen", follow_redirects=False)
    assert r.status_code == 403
    assert web.store.proposals.get(proposal_id).status == "open"

    r = _post(web, "editor", "/vorschlaege", f"/vorschlaege/{proposal_id}/bestaetigen", {})
    assert r.status_code == 303, r.text
    assert "Bestätigt" in web["editor"].get(r.headers["location"]).text
    made = web.store.list_ties(RelType.COOPERATES_WITH, from_id="org-own", to_id="org-neu")
    assert [t.kind for t in made] == ["exchange"]  # type: ignore[attr-defined]
    assert "Vorschläge (1" not in _nav_text(web["editor"].get("/").text)
    # deciding twice says why on the page
    r = _post(web, "editor", "/vorschlaege", f"/vorschlaege/{proposal_id}/ablehnen", {})
    assert r.status_code == 409 and "already confirmed" in r.text


def test_an_editor_rejects_with_a_reason(web: Web) -> None:
    proposal_id = _propose(web)
    r = _post(
        web, "editor", "/vorschlaege", f"/vorschlaege/{proposal_id}/ablehnen", {"reason": "doppelt"}
    )
    assert r.status_code == 303
    assert web.store.list_ties(RelType.COOPERATES_WITH, to_id="org-neu") == []
    assert "doppelt" in web["partner"].get("/vorschlaege").text


def test_the_admin_chooses_what_partners_may_propose(web: Web) -> None:
    assert "Was Partner vorschlagen dürfen" not in web["editor"].get("/vorschlaege").text
    page = web["admin"].get("/vorschlaege").text
    assert 'name="types" value="COOPERATES_WITH" checked' in page
    assert 'value="MEMBER_OF"' not in page
    r = _post(web, "editor", "/vorschlaege", "/vorschlaege/arten", {})
    assert r.status_code == 403
    r = _post(web, "admin", "/vorschlaege", "/vorschlaege/arten", {})
    assert r.status_code == 303
    # nothing proposable: the partner's page offers no cooperation form any more
    assert "Kooperation hinzufügen" not in web["partner"].get("/organisationen/org-own").text
    assert "Gebiet hinzufügen" in web["partner"].get("/organisationen/org-own").text
    r = _post(web, "admin", "/vorschlaege", "/vorschlaege/arten", {"types": "MEMBER_OF"})
    assert r.status_code == 422
