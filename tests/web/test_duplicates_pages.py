"""Near-duplicates in the UI: the list with reasons, a confirmation, the merge (editors only)."""

from __future__ import annotations

import re

from graph_schema.errors import NotFound
from graph_schema.model import NodeLabel, RelType
from tests.web.conftest import XSS, Web, csrf_of


def _pair(web: Web) -> None:
    web.store.create(
        NodeLabel.ORGANISATION,
        {"id": "org-dup-a", "name": "Kulturbrücke Lindenau e.V.", "kind": "association"},
    )
    web.store.create(
        NodeLabel.ORGANISATION,
        {
            "id": "org-dup-b",
            "name": "kulturbrücke  Lindenau",
            "kind": "association",
            "website": "https://kb.example.org",
        },
    )
    web.store.update(NodeLabel.ORGANISATION, "org-dup-b", {"phone": "0000 9"}, actor="editor")
    web.store.link(RelType.COOPERATES_WITH, "org-dup-b", "org-own", id="coop-dup", intensity=2)
    web.store.link(RelType.COOPERATES_WITH, "org-other", "org-dup-b", id="coop-dup2")
    web.store.create(
        NodeLabel.ORGANISATION,
        {"id": "org-xss2", "name": XSS + " e.V.", "kind": "association"},
    )


def test_the_list_shows_pairs_with_the_reason_and_escapes_names(web: Web) -> None:
    _pair(web)
    r = web["editor"].get("/dubletten")
    assert r.status_code == 200
    assert "Kulturbrücke Lindenau e.V." in r.text and "kulturbrücke  Lindenau" in r.text
    assert "gleicher Name bis auf Schreibweise, Leerzeichen oder Rechtsform" in r.text
    assert "keep=org-dup-a&amp;drop=org-dup-b" in r.text
    assert "keep=org-dup-b&amp;drop=org-dup-a" in r.text
    assert XSS not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    # linked from the organisations list for editors
    assert 'href="/dubletten"' in web["editor"].get("/organisationen").text


def test_viewers_and_partners_get_no_merge_control(web: Web) -> None:
    _pair(web)
    for role in ("viewer", "partner"):
        assert web[role].get("/dubletten").status_code == 403
        confirm = web[role].get("/dubletten/zusammenfuehren?keep=org-dup-a&drop=org-dup-b")
        assert confirm.status_code == 403
        assert 'href="/dubletten"' not in web[role].get("/organisationen").text
    r = web["viewer"].post(
        "/dubletten/zusammenfuehren",
        data={"keep": "org-dup-a", "drop": "org-dup-b", "csrf_token": "x"},
    )
    assert r.status_code == 403
    assert web.store.get(NodeLabel.ORGANISATION, "org-dup-b").id == "org-dup-b"
    assert web["anonymous"].get("/dubletten", follow_redirects=False).status_code == 303


def test_merge_after_confirmation_keeps_ties_and_history(web: Web) -> None:
    _pair(web)
    client = web["editor"]
    page = client.get("/dubletten/zusammenfuehren?keep=org-dup-a&drop=org-dup-b")
    assert page.status_code == 200
    assert "Jetzt zusammenführen" in page.text and "2 Verbindungen" in page.text
    assert "keep=org-dup-b&amp;drop=org-dup-a" in page.text  # the other way round
    # without the form's CSRF token nothing happens
    r = client.post("/dubletten/zusammenfuehren", data={"keep": "org-dup-a", "drop": "org-dup-b"})
    assert r.status_code == 403
    assert web.store.get(NodeLabel.ORGANISATION, "org-dup-b").id == "org-dup-b"
    r = client.post(
        "/dubletten/zusammenfuehren",
        data={"keep": "org-dup-a", "drop": "org-dup-b", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/dubletten?zusammengefuehrt=org-dup-a"
    done = client.get(r.headers["location"])
    assert "Zusammengeführt." in done.text and "2 Verbindungen" in done.text
    assert "keep=org-dup-a" not in done.text  # the pair is gone from the list
    try:
        web.store.get(NodeLabel.ORGANISATION, "org-dup-b")
        raise AssertionError("the merged entry is still there")
    except NotFound:
        pass
    kept = web.store.get(NodeLabel.ORGANISATION, "org-dup-a")
    assert kept.website == "https://kb.example.org" and kept.phone == "0000 9"
    t1, t2 = web.store.get_tie("coop-dup"), web.store.get_tie("coop-dup2")
    assert (t1.from_id, t1.to_id, t1.intensity) == ("org-dup-a", "org-own", 2)
    assert (t2.from_id, t2.to_id) == ("org-other", "org-dup-a")
    # the history of both: the dropped entry's own entries stay, both record the merge
    dropped = [e.action for e in web.store.audit.list(entity_id="org-dup-b")[0]]
    assert "merge" in dropped and "update" in dropped and "create" in dropped
    kept_history = web.store.audit.list(entity_id="org-dup-a")[0]
    assert kept_history[0].action == "merge" and kept_history[0].username == "editor"
    # a second confirmation of the same merge: the entry is gone, a message, no stack trace
    again = client.get("/dubletten/zusammenfuehren?keep=org-dup-a&drop=org-dup-b")
    assert again.status_code == 404 and "existiert nicht mehr" in again.text


def test_merging_different_kinds_is_refused_with_a_message(web: Web) -> None:
    client = web["editor"]
    page = client.get("/dubletten/zusammenfuehren?keep=org-own&drop=09999001")
    assert page.status_code == 200
    r = client.post(
        "/dubletten/zusammenfuehren",
        data={"keep": "org-own", "drop": "09999001", "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 422 and "nicht zusammengeführt" in r.text
    assert re.search(r"one kind", r.text)
    assert web.store.get(NodeLabel.AREA, "09999001").id == "09999001"
