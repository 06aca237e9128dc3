"""Create, edit and delete through the forms; errors beside the field; accounts; positions."""

from __future__ import annotations

import re

from tests.web.conftest import XSS, Web, csrf_of


def _post(web: Web, role: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    client = web[role]
    token = csrf_of(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_create_an_organisation_and_find_it(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/neu",
        {"name": "Neue Initiative Lindenau", "kind": "initiative", "languages": "de, ar"},
    )
    assert r.status_code == 303
    url = r.headers["location"].split("?")[0]
    detail = web["editor"].get(url).text
    assert "Neue Initiative Lindenau" in detail and "de, ar" in detail
    assert "Neue Initiative Lindenau" in web["viewer"].get("/organisationen?q=Lindenau").text
    node_id = url.rsplit("/", 1)[1]
    network = web["viewer"].get("/netzwerk").text
    assert f'"id":"{node_id}"' in network
    history = web["viewer"].get(url + "/verlauf").text
    assert "angelegt" in history and "editor" in history


def test_errors_beside_the_field_keep_what_was_typed(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/neu",
        {"name": "", "kind": "initiative", "founded": "31.02.2020", "website": "www.x.de"},
    )
    assert r.status_code == 422
    text = r.text
    assert 'id="e-name"' in text and "Bitte ausfüllen." in text
    assert 'id="e-founded"' in text and "Datum" in text
    assert 'value="www.x.de"' in text and 'value="31.02.2020"' in text
    assert 'aria-invalid="true"' in text
    assert web.store.list("Organisation", q="www").total == 0


def test_a_taken_id_is_an_error_at_the_id(web: Web) -> None:
    r = _post(
        web, "editor", "/gebiete/neu", {"id": "09999001", "name": "Doppelt", "kind": "municipality"}
    )
    assert r.status_code == 422
    assert 'id="e-id"' in r.text and "schon vergeben" in r.text
    assert 'value="Doppelt"' in r.text


def test_offer_dates_in_the_wrong_order(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/angebote/neu",
        {"title": "Kurs", "starts_on": "2024-05-01", "ends_on": "2024-01-01"},
    )
    assert r.status_code == 422
    assert 'id="e-ends_on"' in r.text and "nicht vor dem Beginn" in r.text


def test_edit_clears_and_changes(web: Web) -> None:
    r = _post(
        web,
        "editor",
        "/organisationen/org-own/bearbeiten",
        {"name": "Caritas Lindenau", "kind": "welfare_association", "short_name": ""},
    )
    assert r.status_code == 303
    node = web.store.get("Organisation", "org-own")
    assert node.name == "Caritas Lindenau"  # type: ignore[attr-defined]


def test_an_attack_name_is_stored_as_text_and_shown_escaped(web: Web) -> None:
    r = _post(web, "editor", "/organisationen/neu", {"name": XSS, "kind": "other", "id": "org-x2"})
    assert r.status_code == 303
    text = web["viewer"].get("/organisationen/org-x2").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img src=x" not in text


def test_partner_creates_its_own_offer(web: Web) -> None:
    r = _post(web, "partner", "/angebote/neu", {"title": "Elterncafé"})
    assert r.status_code == 303
    offer_id = r.headers["location"].split("?")[0].rsplit("/", 1)[1]
    providers = [t.from_id for t in web.store.list_ties("PROVIDES", to_id=offer_id)]
    assert providers == ["org-own"]
    assert "/bearbeiten" in web["partner"].get(f"/angebote/{offer_id}").text


def test_partner_cannot_post_to_another_organisation(web: Web) -> None:
    client = web["partner"]
    token = csrf_of(client.get("/organisationen/org-own/bearbeiten").text)
    r = client.post(
        "/organisationen/org-other/bearbeiten",
        data={"name": "Gekapert", "kind": "other", "csrf_token": token},
    )
    assert r.status_code == 403
    assert web.store.get("Organisation", "org-other").name == "AWO"  # type: ignore[attr-defined]


def test_delete_asks_first(web: Web) -> None:
    confirm = web["editor"].get("/angebote/off-other/loeschen")
    assert confirm.status_code == 200 and "Endgültig löschen" in confirm.text
    r = web["editor"].post(
        "/angebote/off-other/loeschen",
        data={"csrf_token": csrf_of(confirm.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert web["editor"].get("/angebote/off-other").status_code == 404


def test_admin_creates_an_account_with_errors_first(web: Web) -> None:
    r = _post(web, "admin", "/konten", {"username": "x", "password": "kurz", "role": "viewer"})
    assert r.status_code == 422
    assert 'id="e-username"' in r.text and 'id="e-password"' in r.text
    r = _post(
        web,
        "admin",
        "/konten",
        {"username": "rat1", "password": "long enough pw", "role": "partner"},
    )
    assert r.status_code == 422 and "Partner-Konten" in r.text
    r = _post(
        web,
        "admin",
        "/konten",
        {"username": "rat1", "password": "long enough pw", "role": "viewer", "language": "en"},
    )
    assert r.status_code == 303
    assert web.store.accounts.get("rat1").language == "en"


def test_own_language_switch(web: Web) -> None:
    r = _post(web, "viewer", "/konto", {"action": "language", "language": "en"})
    assert r.status_code == 303
    assert "Sign out" in web["viewer"].get("/").text


def test_editors_save_positions_with_the_csrf_header(web: Web) -> None:
    page = web["editor"].get("/netzwerk").text
    data = re.search(r'id="network-data">(.*?)</script>', page, re.S)
    assert data
    import json

    meta = json.loads(data.group(1))["meta"]
    assert meta["can_save"] and meta["csrf"]
    body = {"key": meta["layout_key"], "positions": {"org-own": [1234.5, -99.0]}}
    r = web["editor"].post("/netzwerk/positionen", json=body)
    assert r.status_code == 403  # no CSRF header
    r = web["editor"].post(
        "/netzwerk/positionen", json=body, headers={"X-CSRF-Token": meta["csrf"]}
    )
    assert r.status_code == 200 and r.json() == {"saved": 1}
    page = web["viewer"].get("/netzwerk").text
    nodes = json.loads(re.search(r'id="network-data">(.*?)</script>', page, re.S).group(1))["nodes"]  # type: ignore[union-attr]
    own = next(n for n in nodes if n["id"] == "org-own")
    assert (own["x"], own["y"]) == (1234.5, -99.0)
    viewer_meta = json.loads(re.search(r'id="network-data">(.*?)</script>', page, re.S).group(1))[
        "meta"
    ]  # type: ignore[union-attr]
    assert not viewer_meta["can_save"] and not viewer_meta["csrf"]
    bad = web["editor"].post(
        "/netzwerk/positionen",
        json={"key": meta["layout_key"], "positions": {"org-own": ["x", 1]}},
        headers={"X-CSRF-Token": meta["csrf"]},
    )
    assert bad.status_code == 422
