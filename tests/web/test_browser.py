"""The UI in a real browser: Debian's Chromium, driven by Playwright, against the app
running as a real server process on 127.0.0.1.

Every page is watched: a JavaScript dialog (an injected script running), a page error, a
Content-Security-Policy report, or any request to a host other than 127.0.0.1 fails the
test. Screenshots go to ``test-artifacts/screenshots/``, timings to
``test-artifacts/browser-timings.json``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")

from tests.web.map_metrics import measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("NETZWERKATLAS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
XSS = "<img src=x onerror=alert(1)>"
TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def admin_password(self) -> str:
        return (self.data_dir / "initial-admin-password").read_text().strip()


def _start(
    data_dir: Path, *, demo_size: int = 150, log_name: str = "server", demo: bool = True
) -> Server:
    port = _free_port()
    env = {
        **os.environ,
        "NETZWERKATLAS_DATA_DIR": str(data_dir),
        "NETZWERKATLAS_DEMO_SIZE": str(demo_size),
        "NETZWERKATLAS_LOAD_DEMO": "true" if demo else "false",
        "NETZWERKATLAS_LOG_LEVEL": "warning",
    }
    log = data_dir.parent / f"{log_name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, data_dir, process, log)
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the server did not start in time")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("browser") / "data"
    s = _start(data)
    yield s
    _stop(s)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Watch:
    """What a page did that it must not: leave the host, open a dialog, throw."""

    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.dialogs, f"a script opened a dialog: {self.dialogs}"
        assert not self.errors, f"errors in the page: {self.errors}"


def _context(browser: object, watch: Watch, **kw: object):  # type: ignore[no-untyped-def]
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1400, "height": 900}, locale="de-DE", accept_downloads=True, **kw
    )

    def route(r):  # type: ignore[no-untyped-def]
        host = urlsplit(r.request.url).hostname
        scheme = urlsplit(r.request.url).scheme
        if scheme in ("data", "blob", "about", "file") or host == "127.0.0.1":
            r.continue_()
        else:
            watch.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)

    def on_page(page):  # type: ignore[no-untyped-def]
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        page.on(
            "console",
            # a form shown again with its errors answers 422: expected, not a page error
            lambda m: (
                watch.errors.append(m.text)
                if m.type == "error" and "status of 4" not in m.text
                else None
            ),
        )

    context.on("page", on_page)
    return context


def _sign_in(page, server: Server, username: str = "admin", password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    assert "/login" in page.url
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password or server.admin_password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(server.url + "/")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _wait_network(page) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_selector("body[data-network-ready]", timeout=90_000)
    return int(page.get_attribute("body", "data-network-ready"))


def _axe(page) -> list[str]:  # type: ignore[no-untyped-def]
    # evaluated through the DevTools protocol: the page's CSP (rightly) refuses inline tags
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => v.id + ' (' + v.impact + '): ' +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(result)


MAIN_PAGES = {
    "start": "/",
    "organisationen": "/organisationen",
    "organisation": "/organisationen/org-00001",
    "angebote": "/angebote",
    "personen": "/personen",
    "gremien": "/gremien",
    "projektrat": "/gremien/bod-00001",
    "gebiete": "/gebiete",
    "handlungsfelder": "/handlungsfelder",
    "neue-organisation": "/organisationen/neu",
    "netzwerk": "/netzwerk",
    "netzwerk-projektrat": "/netzwerk?ansicht=projektrat",
    "netzwerk-luecken": "/netzwerk?ansicht=luecken",
    "netzwerk-ego": "/netzwerk?ansicht=ego&fokus=org-00001&schritte=2",
    "netzwerk-tabelle": "/netzwerk/tabelle",
    "analyse-luecken": "/analyse/luecken",
    "analyse-abdeckung": "/analyse/abdeckung",
    "analyse-mischung": "/analyse/mischung",
    "analyse-zentralitaet": "/analyse/zentralitaet",
    "analyse-veraenderung": "/analyse/veraenderung",
    "konten": "/konten",
    "konto": "/konto",
    "import": "/import",
    "export": "/export",
    "sicherung": "/sicherung",
}


def test_sign_in_walk_every_page_and_check_accessibility(browser: object, server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    page.goto(server.url + "/login")
    _shot(page, "00-anmelden")
    assert _axe(page) == []
    _sign_in(page, server)
    problems: dict[str, list[str]] = {}
    for i, (name, path) in enumerate(MAIN_PAGES.items(), start=1):
        page.goto(server.url + path)
        if path.startswith("/netzwerk") and "tabelle" not in path:
            _wait_network(page)
        _shot(page, f"{i:02d}-{name}")
        found = _axe(page)
        if found:
            problems[path] = found
    context.close()
    watch.check()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_keyboard_reaches_the_content_and_the_navigation(browser: object, server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Start"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/organisationen")
    context.close()
    watch.check()


def test_create_an_organisation_and_find_it_in_list_and_network(
    browser: object, server: Server
) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.goto(server.url + "/organisationen")
    page.get_by_role("link", name="Neu anlegen").click()
    page.get_by_role("button", name="Speichern").click()  # empty: errors beside the field
    assert page.locator("#e-name").inner_text() == "Bitte ausfüllen."
    page.get_by_label("Name", exact=True).fill("Begegnungscafé Lindenhof")
    page.get_by_label("Art").select_option("initiative")
    page.get_by_label("Sprachen").fill("de, ar")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/organisationen/org-*")
    node_id = page.url.split("?")[0].rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == "Begegnungscafé Lindenhof"
    page.goto(server.url + "/organisationen")
    page.get_by_label("Suche", exact=True).fill("Lindenhof")
    page.get_by_role("button", name="Suchen").click()
    assert page.get_by_role("link", name="Begegnungscafé Lindenhof").count() == 1
    page.goto(server.url + "/netzwerk")
    _wait_network(page)
    assert page.evaluate(f"!!window.netzwerkatlasNetwork.body.data.nodes.get('{node_id}')")
    page.get_by_label("Organisation im Bild suchen").fill("Lindenhof")
    page.locator("#network-search button").click()
    assert page.evaluate("window.netzwerkatlasNetwork.getSelectedNodes()") == [node_id]
    panel = page.locator("#node-panel")
    assert panel.is_visible() and "Begegnungscafé Lindenhof" in panel.inner_text()
    # the page carries no link per organisation: the viewer makes it from the id
    details = panel.get_by_role("link", name="Details öffnen")
    assert details.get_attribute("href") == f"/organisationen/{node_id}"
    # the map's scripts under versioned addresses, cached for a year; others revalidated
    sources = page.eval_on_selector_all("script[src]", "s => s.map(e => e.getAttribute('src'))")
    assert len(sources) == 3 and all("?v=" in src for src in sources), sources
    cached = page.request.get(server.url + sources[0]).headers["cache-control"]
    assert "max-age=31536000" in cached and "immutable" in cached
    css = page.request.get(server.url + "/static/css/app.css")
    assert css.headers["cache-control"] == "public, max-age=300" and css.headers.get("etag")
    with page.expect_download() as download:
        page.get_by_role("button", name="Als PNG").click()
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    _shot(page, "90-netzwerk-suche")
    context.close()
    watch.check()


def test_walk_from_the_start_page_to_a_gap_its_organisations_and_the_network_png(
    browser: object, server: Server
) -> None:
    """The issue's walk: start page, a gap, the organisations involved, the network view
    focused on them, the view downloaded as PNG."""
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    _shot(page, "80-start")
    page.get_by_role("link", name="Alle Lücken ansehen").click()
    page.wait_for_url("**/analyse/luecken")
    _shot(page, "81-analyse-luecken")
    row = page.locator("table tr:has(a[href^='/netzwerk?ansicht=luecken&fokus='])").first
    first, second = row.locator("a[href^='/organisationen/']").all()[:2]
    ids = [str(a.get_attribute("href")).rsplit("/", 1)[1] for a in (first, second)]
    name = first.inner_text().strip()
    first.click()
    page.wait_for_url(f"**/organisationen/{ids[0]}")
    assert page.get_by_role("heading", level=1).inner_text() == name
    _shot(page, "82-organisation-der-luecke")
    page.go_back()
    page.wait_for_url("**/analyse/luecken")
    row.locator("a[href^='/netzwerk?ansicht=luecken&fokus=']").click()
    page.wait_for_url("**/netzwerk?ansicht=luecken**")
    _wait_network(page)
    assert sorted(page.evaluate("window.netzwerkatlasNetwork.getSelectedNodes()")) == sorted(ids)
    # the suggested tie between the two is drawn (dashed) in the gap view
    gap_edges = page.evaluate(
        "window.netzwerkatlasNetwork.body.data.edges.getIds().filter(id => id.startsWith('gap|'))"
    )
    assert f"gap|{ids[0]}|{ids[1]}" in gap_edges or f"gap|{ids[1]}|{ids[0]}" in gap_edges
    _shot(page, "83-netzwerk-luecke-fokus")
    with page.expect_download() as download:
        page.get_by_role("button", name="Als PNG").click()
    assert download.value.suggested_filename.endswith(".png")
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    context.close()
    watch.check()


def test_delete_a_tie_after_confirming_it(browser: object, server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.goto(server.url + "/organisationen/org-00002")
    ties = page.locator("ul.ties li:has(a.button.danger)")
    before = ties.count()
    assert before > 0
    ties.first.get_by_role("link", name="Löschen").click()
    page.wait_for_url("**/beziehungen/*/loeschen")
    assert page.get_by_role("heading", level=1).inner_text() == "Beziehung löschen?"
    _shot(page, "84-beziehung-loeschen-bestaetigen")
    page.get_by_role("link", name="Abbrechen").click()
    page.wait_for_url("**/organisationen/org-00002**")
    assert page.locator("ul.ties li:has(a.button.danger)").count() == before
    page.locator("ul.ties li:has(a.button.danger)").first.get_by_role(
        "link", name="Löschen"
    ).click()
    page.get_by_role("button", name="Beziehung endgültig löschen").click()
    page.wait_for_url("**gespeichert=1**")
    assert page.locator("ul.ties li:has(a.button.danger)").count() == before - 1
    context.close()
    watch.check()


def test_import_the_clean_sample_with_a_preview(browser: object, server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url("**/import")
    page.get_by_label("Datei", exact=True).set_input_files(
        str(ROOT / "tests" / "data" / "clean.xlsx")
    )
    page.get_by_role("button", name="Vorschau anzeigen").click()
    report = page.locator("#import-report")
    report.wait_for()
    assert "Vorschau (Probelauf)" in report.inner_text()
    assert page.locator("table.mapping").count() >= 1
    assert page.locator("table.import-rows tbody tr").count() > 0
    _shot(page, "70-import-vorschau")
    page.get_by_role("button", name="Import ausführen").click()
    page.wait_for_selector("text=Der Import wurde ausgeführt.")
    assert "Importiert" in page.locator("#import-report h2").inner_text()
    _shot(page, "71-import-ausgefuehrt")
    context.close()
    watch.check()


def _problem_csv(n: int) -> bytes:
    """``n`` organisations, all but every 50th with an unknown kind, an unknown field and a
    bad date (few valid rows: the shared server stays under 200 organisations)."""
    lines = ["Name;Art;Gründung;Handlungsfeld"]
    for i in range(n):
        bad = i % 50 != 0
        lines.append(
            f"Zz Importprobe {i};{'Sportverein' if bad else 'Verein'};"
            f"{'31.02.2001' if bad else '01.03.2001'};{'Teilhabe' if bad else ''}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_import_preview_of_a_large_file_fits_a_few_screens_and_maps_values(
    browser: object, server: Server, tmp_path: Path
) -> None:
    """Issue 15, items 8, 1 and 2: problems grouped, rows folded; an unknown value mapped in
    the form; the valid rows imported, the others downloaded as a file."""
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    big = tmp_path / "gross.csv"
    big.write_bytes(_problem_csv(1000))
    page.goto(server.url + "/import")
    page.get_by_label("Datei", exact=True).set_input_files(str(big))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    page.locator("#import-report").wait_for(timeout=120_000)
    height = page.evaluate("document.body.scrollHeight")
    assert height < 3000, f"the preview is {height} px high"
    groups = page.locator("ul.problem-groups li.problem")
    assert 3 <= groups.count() <= 12
    assert "980 Zeilen" in page.locator("ul.problem-groups").inner_text()
    assert page.locator("details.import-sheet-rows[open]").count() == 0
    _shot(page, "74-import-vorschau-gross")
    assert _axe(page) == []
    # "zuordnen" leads to the value's select; the suggestion is preselected
    page.locator("ul.problem-groups li", has_text="Sportverein").get_by_role(
        "link", name="zuordnen"
    ).click()
    select = page.get_by_label("Sportverein", exact=True)
    assert select.input_value() == "s"
    select.select_option("t:association")
    page.get_by_label("Teilhabe", exact=True).select_option("o")  # leave the field out
    page.get_by_role("button", name="Vorschau neu berechnen").click()
    page.wait_for_selector("text=Die Vorschau wurde mit Ihrer Zuordnung neu berechnet.")
    assert page.get_by_label("Sportverein", exact=True).input_value() == "t:association"
    # the dates are still wrong: import the valid rows, download the others
    valid = page.get_by_role("button", name="Die 20 gültigen Zeilen importieren, 980 auslassen")
    valid.click()
    page.wait_for_selector("text=Der Import wurde ausgeführt.", timeout=120_000)
    with page.expect_download() as info:
        page.get_by_role(
            "link", name="Die 980 ausgelassenen Zeilen als Datei herunterladen"
        ).click()
    left = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert left[0] == "Name;Art;Gründung;Handlungsfeld;Problem" and len(left) == 981
    _shot(page, "75-import-gueltige-zeilen")
    assert _axe(page) == []
    context.close()
    watch.check()


def _open_first_organisation(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/organisationen")
    page.locator("table a[href^='/organisationen/org-']").first.click()
    page.wait_for_url("**/organisationen/org-*")


def test_add_a_cooperation_through_the_form(browser: object, server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    _open_first_organisation(page, server)
    page.get_by_text("Kooperation hinzufügen").click()
    partner = page.get_by_label("Partnerorganisation")
    option = partner.locator("option").nth(3)
    partner_id = option.get_attribute("value")
    partner_name = option.inner_text().strip()
    partner.select_option(partner_id)
    page.get_by_label("Art der Kooperation").select_option("joint_project")
    page.locator("#t-COOPERATES_WITH-since").fill("2024-02-01")
    page.locator("#t-COOPERATES_WITH-until").fill("2023-01-01")  # before since: an error
    page.locator("#form-COOPERATES_WITH").get_by_role("button", name="Hinzufügen").click()
    error = page.locator("#et-COOPERATES_WITH-until")
    error.wait_for()
    assert "nicht vor dem Beginn" in error.inner_text()
    assert page.get_by_label("Partnerorganisation").input_value() == partner_id
    page.locator("#t-COOPERATES_WITH-until").fill("")
    page.locator("#form-COOPERATES_WITH").get_by_role("button", name="Hinzufügen").click()
    page.wait_for_url("**gespeichert=1**")
    ties = page.locator("ul.ties")
    assert ties.get_by_role("link", name=partner_name, exact=True).count() >= 1
    _shot(page, "72-kooperation-hinzugefuegt")
    context.close()
    watch.check()


def _demo_people_and_organisations() -> tuple[list[str], dict[str, str]]:
    """The demo region the test server loaded (same size, seed and pinned today): every
    person's e-mail and phone, and each organisation's general e-mail."""
    from api.settings import Settings
    from graph_schema import clock
    from graph_schema.demo import generate_region
    from graph_schema.model import NodeLabel

    region = generate_region(150, seed=Settings().demo_seed, today=clock.today())
    personal = [
        value
        for p in region.nodes[NodeLabel.PERSON]
        for value in (p.email, p.phone)
        if value is not None
    ]
    org_mail = {o.id: o.email for o in region.nodes[NodeLabel.ORGANISATION] if o.email}
    return personal, org_mail


def test_viewer_sees_no_edit_control_and_no_personal_data(browser: object, server: Server) -> None:
    """A council member reads everything but people's contact data: no person's e-mail,
    phone or consent date anywhere; an organisation's general address stays visible."""
    personal, org_mail = _demo_people_and_organisations()
    assert len(personal) > 100 and org_mail
    with_mail = sorted(org_mail)[0]
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.goto(server.url + "/konten")
    page.get_by_label("Benutzername").fill("ratsmitglied")
    page.get_by_label("Passwort (mindestens 10 Zeichen)").fill("ein langes passwort")
    page.locator("#new-role").select_option("viewer")
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_url("**/konten?angelegt=1")
    context.close()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server, "ratsmitglied", "ein langes passwort")
    for path in (
        "/personen",
        "/personen/per-00001",
        "/organisationen",
        "/organisationen/org-00001",
        f"/organisationen/{with_mail}",
        "/angebote",
        "/gremien/bod-00001",
        "/netzwerk",
    ):
        page.goto(server.url + path)
        body = page.locator("main").inner_text()
        shown = [value for value in personal if value in body]
        assert not shown, (path, shown[:3])
        if path.startswith("/personen"):
            assert "@" not in body and "Einwilligung" not in body, path
        for name in ("Bearbeiten", "Löschen", "Neu anlegen", "Positionen speichern"):
            assert page.get_by_role("link", name=name).count() == 0, (path, name)
            assert page.get_by_role("button", name=name).filter(visible=True).count() == 0, (
                path,
                name,
            )
        if path == f"/organisationen/{with_mail}":
            assert org_mail[with_mail] in body, "the organisation's own address is not personal"
    _shot(page, "91-leser-person")
    context.close()
    watch.check()


def test_a_script_in_a_name_never_runs(browser: object, server: Server, tmp_path: Path) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.goto(server.url + "/organisationen/neu")
    page.get_by_label("Name", exact=True).fill(XSS)
    page.get_by_label("Kurzname").fill(XSS)
    page.get_by_label("Art").select_option("migrant_organisation")
    page.get_by_label("Beschreibung").fill(XSS)
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/organisationen/org-*")
    node_id = page.url.split("?")[0].rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == XSS
    for path in (
        "/",
        "/organisationen",
        f"/organisationen/{node_id}",
        f"/organisationen/{node_id}/verlauf",
        "/netzwerk/tabelle",
        "/analyse/zentralitaet?mass=degree&anzahl=200&art=migrant_organisation",
    ):
        page.goto(server.url + path)
        assert page.locator('img[src="x"]').count() == 0, path
    page.goto(server.url + f"/netzwerk?fokus={node_id}")
    _wait_network(page)
    panel = page.locator("#node-panel")
    assert panel.is_visible() and XSS in panel.inner_text()
    # hover the node: vis-network shows its tooltip (our text-node element)
    position = page.evaluate(
        f"(() => {{ const n = window.netzwerkatlasNetwork;"
        f" const p = n.canvasToDOM(n.getPositions(['{node_id}'])['{node_id}']);"
        f" const r = document.getElementById('network').getBoundingClientRect();"
        f" return [p.x + r.left, p.y + r.top]; }})()"
    )
    page.mouse.move(position[0], position[1])
    page.wait_for_timeout(600)
    assert page.locator('img[src="x"]').count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Als HTML (offline)").click()
    saved = tmp_path / "netz.html"
    shutil.copy(download.value.path(), saved)
    html = saved.read_text()
    assert "<img src=x" not in html
    offline = context.new_page()
    offline.goto(saved.as_uri())
    offline.wait_for_selector("body[data-network-ready]", timeout=60_000)
    assert offline.locator('img[src="x"]').count() == 0
    offline.evaluate(f"window.netzwerkatlasNetwork.selectNodes(['{node_id}'])")
    _shot(offline, "92-download-offline")
    context.close()
    watch.check()


@pytest.fixture(scope="module")
def large_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The 3,000-organisation tier of the demo generator, loaded before the server starts."""
    data = tmp_path_factory.mktemp("tier3000") / "data"
    env = {**os.environ, "NETZWERKATLAS_DATA_DIR": str(data)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", "demo", "--size", "3000"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    TIMINGS["tier3000_load_s"] = round(time.perf_counter() - started, 2)
    s = _start(data, demo_size=3000, log_name="server3000")
    yield s
    _stop(s)


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A new office's list: 68 organisations with long real-shaped names, 54 cooperations,
    many without any (tests/web/real_shaped.py)."""
    from graph_schema.store import open_ladybug
    from tests.web.real_shaped import load, real_shaped

    data = tmp_path_factory.mktemp("real") / "data"
    store = open_ladybug(data)
    store.init()
    load(store, real_shaped(68, 54, seed=1))
    store.close()
    s = _start(data, demo=False, log_name="real-server")
    yield s
    _stop(s)


def _readable(page, what: str, minimum: float) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The drawn map at first sight: the share of organisations named at 10 px or more,
    no two drawn names overlapping, none cut off by the canvas edge."""
    found = measure(page)
    TIMINGS[f"named share {what}"] = round(found["share"], 3)
    assert found["share"] >= minimum, (what, found["named"], found["nodes"])
    assert not found["overlaps"], (what, found["overlaps"][:5])
    assert not found["cut"], (what, found["cut"][:5])
    return found


@pytest.mark.parametrize("which", ["demo", "long names"])
def test_the_map_names_the_organisations_readably(
    browser: object, server: Server, real_server: Server, which: str
) -> None:
    """In a 1400x900 window, without zooming: up to 100 organisations every one is named
    at 10 px or more, up to 300 at least 80 %; drawn names never overlap and are never
    cut off; the same in the offline HTML; the ego network of a migrant organisation puts
    its partners around it, each named."""
    site = server if which == "demo" else real_server
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, site)
    page.goto(site.url + "/netzwerk")
    _wait_network(page)
    nodes = page.evaluate("() => window.netzwerkatlasNetwork.body.nodeIndices.length")
    found = _readable(page, which, 1.0 if nodes <= 100 else 0.8)
    _shot(page, f"95-karte-{which.replace(' ', '-')}")
    # the offline download shows the same placement, as readable
    html = page.request.get(site.url + "/netzwerk/download.html").text()
    offline = context.new_page()
    offline.set_content(html)
    _wait_network(offline)
    _readable(offline, f"{which} offline", 1.0 if nodes <= 100 else 0.8)
    offline.close()
    # the ego network of the best connected migrant organisation: partners around it
    focus = page.evaluate(
        """() => { const net = window.netzwerkatlasNetwork; let best = null, deg = -1;
          for (const id of net.body.nodeIndices) { const n = net.body.nodes[id];
            if (n.options.color && n.options.color.background === '#D55E00') {
              const d = net.getConnectedNodes(id).length; if (d > deg) { best = id; deg = d; } } }
          return best; }"""
    )
    assert focus, "no migrant organisation with a tie"
    page.goto(site.url + f"/netzwerk?ansicht=ego&schritte=1&fokus={focus}")
    _wait_network(page)
    ego = _readable(page, f"{which} ego", 1.0)
    positions = page.evaluate("() => window.netzwerkatlasNetwork.getPositions()")
    centre = positions.pop(focus)
    angles = sorted(
        round(math.degrees(math.atan2(p["y"] - centre["y"], p["x"] - centre["x"]))) % 180
        for p in positions.values()
    )
    if len(angles) >= 3:  # not all on one line through the focus
        assert len(set(angles)) >= 2, angles
    _shot(page, f"96-ego-{which.replace(' ', '-')}")
    context.close()
    watch.check()
    assert found["nodes"] == nodes and ego["nodes"] == len(positions) + 1


@pytest.mark.slow
def test_the_3000_tier_network_becomes_interactive(browser: object, large_server: Server) -> None:
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, large_server)
    for run in ("first", "again"):  # first: layout computed and stored; again: reused
        started = time.perf_counter()
        page.goto(large_server.url + "/netzwerk")
        drawn_ms = _wait_network(page)
        page.evaluate("window.netzwerkatlasNetwork.moveTo({scale: 0.5})")
        TIMINGS[f"tier3000_{run}_interactive_s"] = round(time.perf_counter() - started, 2)
        TIMINGS[f"tier3000_{run}_draw_ms"] = drawn_ms
    nodes = page.evaluate("window.netzwerkatlasNetwork.body.data.nodes.length")
    assert nodes == 3000
    page.get_by_label("Organisation im Bild suchen").fill("Migrationsberatung")
    page.locator("#network-search button").click()
    assert len(page.evaluate("window.netzwerkatlasNetwork.getSelectedNodes()")) == 1
    _shot(page, "93-netzwerk-3000")
    started = time.perf_counter()
    page.goto(large_server.url + "/organisationen")
    TIMINGS["tier3000_list_s"] = round(time.perf_counter() - started, 2)
    context.close()
    watch.check()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    assert TIMINGS["tier3000_again_interactive_s"] < 15


@pytest.mark.slow
def test_a_partner_among_thousands_is_typed_with_suggestions(
    browser: object, large_server: Server
) -> None:
    """Above 200 organisations the partner of a cooperation is typed, with the names as
    suggestions (a datalist): a name that fits none is the form again with the message
    beside the field and the text kept; a suggestion is taken."""
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, large_server)
    _open_first_organisation(page, large_server)
    partners = set(page.locator("ul.ties a").all_inner_texts())
    page.get_by_text("Kooperation hinzufügen").click()
    partner = page.get_by_label("Partnerorganisation")
    assert partner.evaluate("el => el.tagName") == "INPUT"
    suggestions = page.locator(f"datalist[id='{partner.get_attribute('list')}'] option")
    values = suggestions.evaluate_all("options => options.map(o => o.value)")
    assert len(values) == 2999  # every other organisation
    choice = next(v for v in values if v.rsplit(" (", 1)[0] not in partners)
    name = choice.rsplit(" (", 1)[0]

    partner.fill("Gibt es nicht e.V.")
    page.get_by_label("Art der Kooperation").select_option("joint_project")
    page.locator("#form-COOPERATES_WITH").get_by_role("button", name="Hinzufügen").click()
    error = page.locator("#et-COOPERATES_WITH-other_id")
    error.wait_for()
    assert "passt zu keinem Eintrag" in error.inner_text()
    assert page.get_by_label("Partnerorganisation").input_value() == "Gibt es nicht e.V."

    page.get_by_label("Partnerorganisation").fill(choice)
    page.locator("#form-COOPERATES_WITH").get_by_role("button", name="Hinzufügen").click()
    page.wait_for_url("**gespeichert=1**")
    assert page.locator("ul.ties").get_by_role("link", name=name, exact=True).count() >= 1
    context.close()
    watch.check()


def test_the_api_documentation_runs_from_the_apps_own_files(
    browser: object, server: Server
) -> None:
    """``/docs``: Swagger UI without a CDN or validator, its document in the page, under the
    page's CSP; "Authorize" signs in with the password flow, "Try it out" reaches the API."""
    watch = Watch()
    context = _context(browser, watch)
    page = context.new_page()
    _sign_in(page, server)
    page.goto(server.url + "/docs")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    dialog.locator("#oauth_username").fill("admin")
    dialog.locator("#oauth_password").fill(server.admin_password)
    dialog.locator("button.authorize").last.click()
    dialog.get_by_text("Logout").wait_for()
    dialog.locator("button.btn-done").first.click()
    listing = page.locator("#operations-Organisations-list_organisations")
    listing.locator(".opblock-summary").first.click()
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()
    status = listing.locator(".live-responses-table .response .response-col_status")
    status.wait_for()
    assert status.inner_text().strip() == "200"
    _shot(page, "95-api-dokumentation")
    context.close()
    watch.check()
