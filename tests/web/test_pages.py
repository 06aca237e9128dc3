"""Every page for every role: what is shown, what is hidden, what is escaped."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from graph_schema.model import NodeLabel, RelType
from tests.web.conftest import XSS, Web, csrf_of
from viz.labels import map_label

PAGES = [
    "/",
    "/organisationen",
    "/organisationen?q=Cari&art=welfare_association&gebiet=09999001&feld=housing",
    "/organisationen/org-own",
    "/organisationen/org-own/verlauf",
    "/organisationen/org-xss",
    "/angebote",
    "/angebote/off-own",
    "/personen",
    "/personen/per-1",
    "/gremien",
    "/gremien/bod-rat",
    "/gebiete",
    "/gebiete/09999001",
    "/handlungsfelder",
    "/handlungsfelder/housing",
    "/zielgruppen",
    "/netzwerk",
    "/netzwerk?ansicht=projektrat",
    "/netzwerk?ansicht=luecken&farbe=gemeinschaft&groesse=zwischen",
    "/netzwerk?ansicht=ego&fokus=org-own&schritte=2",
    "/netzwerk?art=welfare_association&kooperation=referral&stichtag=2020-12-31",
    "/netzwerk/tabelle",
    "/analyse/luecken",
    "/analyse/abdeckung",
    "/analyse/mischung",
    "/analyse/mischung?merkmal=fields",
    "/analyse/zentralitaet?mass=pagerank",
    "/analyse/veraenderung?von=2020-01-01",
    "/konto",
]
ROLES = ("admin", "editor", "partner", "viewer")


class _Parser(HTMLParser):
    """Collects what a page would run or load: script sources, inline scripts, attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None and data.strip():
            if self._in_script.get("type") != "application/json":
                self.inline_scripts.append(data)


def parse(html: str) -> _Parser:
    p = _Parser()
    p.feed(html)
    return p


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_every_role(site: Web, role: str, url: str) -> None:
    r = site[role].get(url)
    assert r.status_code == 200, (role, url, r.text[:500])
    page = parse(r.text)
    assert not page.inline_scripts, "scripts only from /static"
    for tag, attrs in page.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not re.match(r"^(https?:)?//", value) or tag == "a", (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            assert attrs.get("id"), (url, tag, attrs)
            assert f'for="{attrs["id"]}"' in r.text, (url, "no label for", attrs)
    assert "<img src=x" not in r.text


def test_the_attack_name_is_text_everywhere(site: Web) -> None:
    for url in (
        "/organisationen",
        "/organisationen/org-xss",
        "/netzwerk/tabelle",
        "/organisationen/org-own",
        "/netzwerk",
    ):
        text = site["admin"].get(url).text
        assert "<img src=x onerror" not in text, url
    detail = site["admin"].get("/organisationen/org-xss").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail
    network = site["admin"].get("/netzwerk").text
    data = re.search(r'id="network-data">(.*?)</script>', network, re.S)
    assert data
    nodes = {n["id"]: n for n in json.loads(data.group(1))["nodes"]}
    # plain text (wrapped for the map); the viewer makes a text node of it
    assert nodes["org-xss"]["name"] == XSS and nodes["org-xss"]["label"] == map_label(XSS)
    assert "\\u003cimg" in data.group(1)


def test_the_download_is_offline_and_escaped(site: Web) -> None:
    r = site["editor"].get("/netzwerk/download.html?ansicht=luecken")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    html = r.text
    assert "<img src=x onerror" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "default-src 'none'" in html  # the file's own CSP: nothing from any host
    assert "vis.Network" in html and "network-data" in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)  # no stylesheet fetches either


def test_viewer_sees_no_edit_controls_and_no_personal_data(site: Web) -> None:
    viewer = site["viewer"]
    for url in (
        "/organisationen",
        "/organisationen/org-own",
        "/personen",
        "/personen/per-1",
        "/angebote/off-own",
    ):
        text = viewer.get(url).text
        assert "Bearbeiten" not in text and "Neu anlegen" not in text, url
        assert "/bearbeiten" not in text and "/loeschen" not in text, url
        assert "a@example.org" not in text and "0000 1" not in text, url
    assert viewer.get("/personen/per-1/bearbeiten").status_code == 403
    assert viewer.get("/organisationen/neu").status_code == 403
    editor = site["editor"].get("/personen/per-1").text
    assert "a@example.org" in editor and "Bearbeiten" in editor


def test_partner_edits_only_its_own_organisation(site: Web) -> None:
    partner = site["partner"]
    own = partner.get("/organisationen/org-own").text
    other = partner.get("/organisationen/org-other").text
    assert "/organisationen/org-own/bearbeiten" in own
    assert "/bearbeiten" not in other
    assert partner.get("/organisationen/org-other/bearbeiten").status_code == 403
    assert "Neu anlegen" not in partner.get("/organisationen").text
    assert "Neu anlegen" in partner.get("/angebote").text  # its own offers


def test_accounts_page_is_for_admins(site: Web) -> None:
    assert site["admin"].get("/konten").status_code == 200
    for role in ("editor", "partner", "viewer"):
        r = site[role].get("/konten")
        assert r.status_code == 403 and "Keine Berechtigung" in r.text


def test_errors_are_german_pages_without_a_trace(site: Web) -> None:
    r = site["viewer"].get("/organisationen/no-such-org")
    assert r.status_code == 404 and "Nicht gefunden" in r.text and "Traceback" not in r.text
    r = site["viewer"].get("/gibt-es-nicht")
    assert r.status_code == 404 and "Nicht gefunden" in r.text
    r = site["viewer"].get("/netzwerk?stichtag=kein-datum")
    assert r.status_code == 400 and "Ungültige Anfrage" in r.text
    api = site["viewer"].get("/api/nope")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_security_headers_everywhere(site: Web) -> None:
    for url in ("/login", "/", "/netzwerk", "/api/health", "/static/css/app.css"):
        r = site["admin"].get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "http" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_vis_network_is_served_by_the_app(site: Web) -> None:
    r = site["anonymous"].get("/static/vendor/vis-network/vis-network.min.js")
    assert r.status_code == 200 and len(r.content) > 100_000


def test_english_for_an_english_account(web: Web) -> None:
    account = web.store.accounts.get("viewer")
    account.language = "en"
    web.store.accounts.save(account)
    text = web["viewer"].get("/organisationen").text
    assert 'lang="en"' in text and "Organisations" in text and "Sign out" in text
    assert "Abmelden" not in text


def test_lists_search_filter_and_page(site: Web) -> None:
    admin = site["admin"]
    text = admin.get("/organisationen?q=carit").text
    assert "Caritas" in text and ">AWO<" not in text
    text = admin.get("/organisationen?feld=housing").text
    assert "Caritas" in text and ">AWO<" not in text
    text = admin.get("/organisationen?seite=99").text
    assert "Keine Einträge gefunden." in text
    text = admin.get("/organisationen?sortierung=-name").text
    assert text.index(">Caritas<") < text.index(">AWO<")


def test_the_council_shows_members_and_whom_they_represent(site: Web) -> None:
    text = site["viewer"].get("/gremien/bod-rat").text
    assert "Aylin Beispiel" in text and "Vorsitz" in text
    assert 'href="/organisationen/org-other"' in text


def test_latest_changes_name_entries_and_hide_ids(web: Web) -> None:
    store = web.store
    store.create(
        NodeLabel.ORGANISATION,
        {"id": "org-dach", "name": "NeMO", "kind": "migrant_organisation"},
        actor="editor",
    )
    store.create(
        NodeLabel.ORGANISATION,
        {"id": "org-haus", "name": "Haus Afrika e.V.", "kind": "migrant_organisation"},
        actor="editor",
    )
    store.link(RelType.BELONGS_TO, "org-haus", "org-dach", id="tie-f7406ea66cbf", actor="editor")
    store.end_tie("coop-1", "2024-06-30", actor="admin")
    store.update(NodeLabel.PERSON, "per-1", {"email": "geheim@example.org"}, actor="admin")
    store.create(
        NodeLabel.ORGANISATION, {"id": "org-gone", "name": "Alter Verein", "kind": "other"}
    )
    store.link(RelType.COOPERATES_WITH, "org-gone", "org-own", id="tie-gone")
    store.delete(NodeLabel.ORGANISATION, "org-gone", actor="admin")
    for role in ("viewer", "admin"):
        html = web[role].get("/").text
        section = html[html.index('id="h-changes"') :]
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
        for raw in ("tie-f7406ea66cbf", "coop-1", "tie-gone", "org-gone", "(BELONGS_TO)", "bulk-"):
            assert raw not in text, (role, raw)
        # who made a change: only for those who see personal data (staff accounts)
        editor, admin = (" editor", " admin") if role == "admin" else ("", "")
        assert f"Haus Afrika e.V. → NeMO (Dachverband) angelegt{editor} " in text + " "
        assert 'href="/organisationen/org-haus"' in section
        assert f"Caritas ↔ AWO (Kooperation) beendet{admin} " in text + " "
        assert f"Aylin Beispiel (Person) geändert{admin} " in text  # a person's name is fine
        assert f"Alter Verein (Organisation) gelöscht{admin} " in text  # the stored values
        if role == "viewer":
            assert "angelegt editor" not in text and "beendet admin" not in text
        assert "Alter Verein ↔ Caritas (Kooperation) gelöscht" in text
        assert 'href="/organisationen/org-gone"' not in section
    viewer = web["viewer"].get("/").text
    assert "geheim@example.org" not in viewer  # no contact data, whatever the history holds
    assert "<img src=x" not in viewer


def test_an_erased_person_reads_deleted_entry(web: Web) -> None:
    store = web.store
    store.create(NodeLabel.PERSON, {"id": "per-y", "name": "Max Muster"}, actor="admin")
    store.delete(NodeLabel.PERSON, "per-y", actor="admin")
    store.create(NodeLabel.PERSON, {"id": "per-x", "name": "Erika Muster", "email": "e@x.org"})
    store.link(RelType.REPRESENTS, "per-x", "org-own", id="rep-x")
    store.erase_person("per-x", actor="admin")
    text = web["viewer"].get("/").text
    assert "Erika Muster" not in text and "e@x.org" not in text and "rep-x" not in text
    assert "gelöschter Eintrag → Caritas" in re.sub(r"<[^>]+>", "", text)
    assert "Max Muster" in text  # a deleted entry keeps the name its history recorded
    english = web.store.accounts.get("viewer")
    english.language = "en"
    web.store.accounts.save(english)
    text = web["viewer"].get("/").text
    assert "deleted entry" in text and "gelöschter Eintrag" not in text


def test_target_groups_have_pages_like_fields(web: Web) -> None:
    admin, viewer = web["admin"], web["viewer"]
    assert 'href="/zielgruppen"' in viewer.get("/").text
    page = admin.get("/zielgruppen/neu")
    assert page.status_code == 200 and "Gemeindeschlüssel" not in page.text
    r = admin.post(
        "/zielgruppen/neu",
        data={"id": "elders", "name_de": "Ältere", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert web.store.get(NodeLabel.TARGET_GROUP, "elders").name_en is None  # optional
    assert "Ältere" in viewer.get("/zielgruppen").text
    assert "Ältere" in viewer.get("/zielgruppen/elders").text
    assert viewer.get("/zielgruppen/neu").status_code == 403
    assert web["partner"].get("/zielgruppen/neu").status_code == 403
    assert "Gemeindeschlüssel" in admin.get("/gebiete/neu").text
    assert "Gemeindeschlüssel" not in admin.get("/organisationen/neu").text
