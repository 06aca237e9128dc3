"""Import (preview, confirm), export downloads and backup/restore through the UI."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.i18n import translations
from api.transfer import importer
from tests.web.conftest import Web, csrf_of

CLEAN = Path(__file__).resolve().parents[1] / "data" / "clean.xlsx"
MESSY = Path(__file__).resolve().parents[1] / "data" / "messy.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _uploads(web: Web) -> Path:
    """Where uploads wait for confirmation: ``uploads`` in the site's data folder."""
    return Path(web.app.state.settings.data_dir) / "uploads"  # type: ignore[attr-defined]


def _upload(web: Web, role: str, path: Path, **extra: str):  # type: ignore[no-untyped-def]
    client = web[role]
    token = csrf_of(client.get("/import").text)
    return client.post(
        "/import",
        data={"csrf_token": token, "action": "preview", **extra},
        files={"file": (path.name, path.read_bytes(), XLSX)},
    )


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no confirmation form"
    return match.group(1)


def test_preview_then_confirm_imports_the_clean_sample(web: Web) -> None:
    before = web.store.list("Organisation").total
    r = _upload(web, "editor", CLEAN)
    assert r.status_code == 200, r.text
    assert "Vorschau (Probelauf)" in r.text and "Erkannte Zuordnung der Spalten" in r.text
    assert "angelegt" in r.text
    assert web.store.list("Organisation").total == before  # a dry run writes nothing
    token = _token(r.text)
    assert (_uploads(web) / f"{token}.bin").exists()
    client = web["editor"]
    r = client.post(
        "/import", data={"csrf_token": csrf_of(r.text), "action": "confirm", "token": token}
    )
    assert r.status_code == 200, r.text
    assert "Der Import wurde ausgeführt." in r.text
    assert web.store.list("Organisation").total > before
    assert not (_uploads(web) / f"{token}.bin").exists()  # deleted after use
    # the token is spent: a second confirmation asks for the file again
    again = client.post(
        "/import", data={"csrf_token": csrf_of(r.text), "action": "confirm", "token": token}
    )
    assert again.status_code == 422 and "noch einmal hoch" in again.text
    # the same file again changes nothing
    r = _upload(web, "editor", CLEAN)
    assert "0 angelegt, 0 geändert" in r.text


def test_the_upload_token_is_bound_to_the_session(web: Web) -> None:
    r = _upload(web, "editor", CLEAN)
    token = _token(r.text)
    admin = web["admin"]
    other = admin.post(
        "/import",
        data={
            "csrf_token": csrf_of(admin.get("/import").text),
            "action": "confirm",
            "token": token,
        },
    )
    assert other.status_code == 422
    assert "Der Import wurde ausgeführt." not in other.text


def test_uploads_wait_in_the_data_folder_and_are_deleted_when_discarded(web: Web) -> None:
    first = _upload(web, "editor", CLEAN)
    second = _upload(web, "editor", CLEAN)
    tokens = [_token(first.text), _token(second.text)]
    assert tokens[0] != tokens[1]  # a name of its own per upload
    folder = _uploads(web)
    assert folder.parent == Path(web.app.state.settings.data_dir)  # type: ignore[attr-defined]
    kept = sorted(f"{t}.{ext}" for t in tokens for ext in ("bin", "json"))
    assert sorted(p.name for p in folder.iterdir()) == kept
    r = web["editor"].post(
        "/import",
        data={"csrf_token": csrf_of(second.text), "action": "cancel", "token": tokens[1]},
    )
    assert r.status_code == 200 and "Der Import wurde verworfen." in r.text
    assert sorted(p.name for p in folder.iterdir()) == [f"{tokens[0]}.bin", f"{tokens[0]}.json"]


def test_rejected_rows_offer_no_confirmation(web: Web) -> None:
    before = web.store.list("Organisation").total
    r = _upload(web, "admin", MESSY)
    assert r.status_code == 200
    assert "abgelehnt" in r.text and 'value="confirm"' not in r.text
    assert "Es wurde nichts geschrieben." in r.text
    assert web.store.list("Organisation").total == before


def test_an_unreadable_file_is_a_german_message_with_the_form(web: Web) -> None:
    client = web["editor"]
    token = csrf_of(client.get("/import").text)
    r = client.post(
        "/import",
        data={"csrf_token": token},
        files={"file": ("kaputt.xlsx", b"not a workbook", XLSX)},
    )
    assert r.status_code == 422
    assert "Die Datei konnte nicht gelesen werden." in r.text
    assert 'type="file"' in r.text
    r = client.post("/import", data={"csrf_token": token})
    assert r.status_code == 422 and "Bitte wählen Sie eine Datei" in r.text


def test_a_file_over_the_limit_is_the_form_again_in_german(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.transfer import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    r = _upload(web, "editor", CLEAN)
    assert r.status_code == 422
    assert "Die Datei ist größer als 0 MB: bitte in Teilen importieren." in r.text
    assert 'type="file"' in r.text


def test_import_needs_an_editor_and_a_csrf_token(web: Web) -> None:
    for role in ("viewer", "partner"):
        assert web[role].get("/import").status_code == 403
        assert "/import" not in web[role].get("/").text.split("<main")[0]
    r = web["editor"].post("/import", files={"file": ("clean.xlsx", CLEAN.read_bytes(), XLSX)})
    assert r.status_code == 403 and "Formular abgelaufen" in r.text
    assert web["anonymous"].get("/import", follow_redirects=False).status_code == 303


def test_every_role_downloads_exports_and_the_report(web: Web) -> None:
    for role in ("viewer", "partner", "editor"):
        page = web[role].get("/export")
        assert page.status_code == 200 and "/export/datei?format=graphml" in page.text
    for fmt in ("xlsx", "csv", "graphml", "gexf", "json"):
        r = web["viewer"].get(f"/export/datei?format={fmt}")
        assert r.status_code == 200, (fmt, r.text[:300])
        assert "attachment" in r.headers["content-disposition"]
    # a viewer's export holds no personal contact data; an editor's does
    assert "a@example.org" not in web["viewer"].get("/export/datei?format=json").text
    assert "a@example.org" in web["editor"].get("/export/datei?format=json").text
    r = web["viewer"].get("/export/bericht?format=html")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert web["viewer"].get("/export/datei?format=exe").status_code == 400


def test_backup_and_restore_for_admins_only(web: Web, tmp_path: Path) -> None:
    for role in ("viewer", "partner", "editor"):
        assert web[role].get("/sicherung").status_code == 403
        assert web[role].get("/sicherung/datei").status_code == 403
    admin = web["admin"]
    file = admin.get("/sicherung/datei")
    assert file.status_code == 200 and "attachment" in file.headers["content-disposition"]
    r = web["editor"].post(
        "/sicherung", files={"file": ("backup.jsonl", file.content, "application/x-ndjson")}
    )
    assert r.status_code == 403
    token = csrf_of(admin.get("/sicherung").text)
    # a non-empty store is refused without "ersetzen"
    r = admin.post(
        "/sicherung",
        data={"csrf_token": token},
        files={"file": ("backup.jsonl", file.content, "application/x-ndjson")},
    )
    assert r.status_code == 409 and "ersetzen" in r.text
    r = admin.post(
        "/sicherung",
        data={"csrf_token": token},
        files={"file": ("backup.jsonl", b"nonsense\n", "application/x-ndjson")},
    )
    assert r.status_code in (409, 422)
    r = admin.post(
        "/sicherung",
        data={"csrf_token": token, "replace": "1"},
        files={"file": ("backup.jsonl", file.content, "application/x-ndjson")},
    )
    assert r.status_code == 200, r.text
    assert "Die Sicherung wurde eingespielt" in r.text
    assert web.store.get("Organisation", "org-own").id == "org-own"
    # access tokens are not part of a backup: the admin signs in again
    assert admin.get("/sicherung", follow_redirects=False).status_code == 303


LISTE = (
    "Träger-Bezeichnung;Sorte;Bemerkung\n"
    "Deutsch-Syrischer Kulturverein;Migrantenorganisation;trifft sich dienstags\n"
    "Nachbarschaftshilfe Lindenau;Initiative;\n"
).encode()


def _post(web: Web, html: str, **data: str):  # type: ignore[no-untyped-def]
    return web["editor"].post("/import", data={"csrf_token": csrf_of(html), **data})


def _value_select(html: str, value: str) -> str:
    """The name of the select that answers the unknown ``value`` (``v-<i>``)."""
    match = re.search(rf'<label for="(v-\d+)">{re.escape(value)}</label>', html)
    assert match, f"no question about {value!r}"
    return match.group(1)


def _selected(html: str, name: str) -> str:
    match = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)" selected>', match.group(1))
    return chosen.group(1) if chosen else ""


def test_the_user_corrects_the_mapping_and_imports_with_it(web: Web) -> None:
    before = web.store.list("Organisation").total
    client = web["editor"]
    r = client.post(
        "/import",
        data={"csrf_token": csrf_of(client.get("/import").text), "action": "preview"},
        files={"file": ("liste.csv", LISTE, "text/csv")},
    )
    # nothing recognised: the form asks what the sheet holds, no import is offered
    assert r.status_code == 200 and "Keines der Blätter wurde erkannt" in r.text
    assert 'value="confirm"' not in r.text and _selected(r.text, "entity-0") == ""
    token = _token(r.text)
    r = _post(web, r.text, token=token, action="remap", **{"entity-0": "Organisation"})
    assert r.status_code == 200 and _selected(r.text, "entity-0") == "Organisation"
    # the columns are offered with "nicht übernommen" where no field was recognised
    assert "Träger-Bezeichnung" in r.text and _selected(r.text, "col-0-0") == ""
    assert "nicht übernommen" in r.text
    columns = {"col-0-0": "name", "col-0-1": "kind", "col-0-2": ""}
    r = _post(web, r.text, token=token, action="remap", **{"entity-0": "Organisation"}, **columns)
    assert r.status_code == 200, r.text
    assert "Die Vorschau wurde mit Ihrer Zuordnung neu berechnet." in r.text
    assert "2 angelegt" in r.text and [_selected(r.text, k) for k in columns] == [
        "name",
        "kind",
        "",
    ]
    assert web.store.list("Organisation").total == before  # still a dry run
    # confirmed with the mapping shown: the comment column is left out as chosen
    r = _post(web, r.text, token=token, action="confirm", **{"entity-0": "Organisation"}, **columns)
    assert r.status_code == 200 and "Der Import wurde ausgeführt." in r.text
    assert web.store.list("Organisation").total == before + 2
    found = web.store.list("Organisation", q="Deutsch-Syrischer").items
    assert len(found) == 1 and found[0].kind == "migrant_organisation"
    assert found[0].description is None
    assert not (_uploads(web) / f"{token}.bin").exists()


def test_a_changed_mapping_is_shown_before_it_is_imported(web: Web) -> None:
    before = web.store.list("Organisation").total
    r = _upload(web, "editor", CLEAN)
    token = _token(r.text)
    sheets = re.findall(r"<legend>Blatt „([^“]+)“", r.text)
    k = sheets.index("Organisationen")
    headers = re.findall(rf'<label for="col-{k}-(\d+)">([^<]+)</label>', r.text)
    c = next(c for c, h in headers if _selected(r.text, f"col-{k}-{c}") == "short_name")
    # confirming with a changed select does not import: it shows the new dry run first
    r = _post(web, r.text, token=token, action="confirm", **{f"col-{k}-{c}": ""})
    assert r.status_code == 200 and "Sie haben die Zuordnung geändert" in r.text
    assert "Der Import wurde ausgeführt." not in r.text
    assert web.store.list("Organisation").total == before
    assert _selected(r.text, f"col-{k}-{c}") == ""
    r = _post(web, r.text, token=token, action="confirm", **{f"col-{k}-{c}": ""})
    assert "Der Import wurde ausgeführt." in r.text
    assert web.store.list("Organisation").total == before + 5
    awo = web.store.list("Organisation", q="AWO Kreisverband Lindenau").items
    assert len(awo) == 1 and awo[0].short_name is None  # "Kurzname" was left out


def test_a_field_chosen_twice_or_unknown_is_the_form_again_with_a_message(web: Web) -> None:
    r = _upload(web, "editor", CLEAN)
    token = _token(r.text)
    k = re.findall(r"<legend>Blatt „([^“]+)“", r.text).index("Organisationen")
    r2 = _post(
        web, r.text, token=token, action="remap", **{f"col-{k}-0": "name", f"col-{k}-1": "name"}
    )
    assert r2.status_code == 422 and "sind beide dem Feld" in r2.text
    assert _selected(r2.text, f"col-{k}-1") == "name"  # the form as the user left it
    r3 = _post(web, r2.text, token=token, action="remap", **{f"col-{k}-0": "colour"})
    assert r3.status_code == 422 and "Unbekanntes Feld" in r3.text
    r4 = _post(web, r3.text, token=token, action="remap", **{f"entity-{k}": "Nonsense"})
    assert r4.status_code == 422 and "Unbekannte Auswahl" in r4.text
    # the file is still there: the import can go on
    r5 = _post(web, r4.text, token=token, action="confirm")
    assert "Der Import wurde ausgeführt." in r5.text


def test_another_session_cannot_remap_an_upload(web: Web) -> None:
    r = _upload(web, "editor", CLEAN)
    token = _token(r.text)
    admin = web["admin"]
    other = admin.post(
        "/import",
        data={"csrf_token": csrf_of(admin.get("/import").text), "action": "remap", "token": token},
    )
    assert other.status_code == 422 and "noch einmal hoch" in other.text


class _Paragraphs(HTMLParser):
    """The text of every ``<p>`` of a page, by its class (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._open, self._class = [], dict(attrs).get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._open is not None:
            self.found.append((self._class, "".join(self._open).strip()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _paragraphs(html: str, kind: str | None = None) -> list[str]:
    """The text of the page's paragraphs of class ``kind`` (all without one)."""
    parser = _Paragraphs()
    parser.feed(html)
    return [text for cls, text in parser.found if kind is None or kind in cls.split()]


def _page_text(html: str) -> str:
    return "\n".join(_paragraphs(html))


def _speak_english(web: Web, username: str) -> None:
    account = web.store.accounts.get(username)
    account.language = "en"
    web.store.accounts.save(account)


def _messages(web: Web, lang: str | None = None) -> list[str]:
    """The messages of a dry run of the messy sample on this store: in ``lang`` as the page
    shows them, or as the API gives them (a dry run writes nothing)."""
    report = importer.import_file(web.store, MESSY.read_bytes(), MESSY.name, dry_run=True)
    texts = [report.summary_text, *(s.note_text for s in report.sheets if s.note_text)]
    texts += [p.text for r in report.rows for p in (*r.problems, *r.warnings)]
    if lang is None:
        return [str(t) for t in texts]
    return [t.render(translations(lang).gettext) for t in texts]


def test_the_messy_sample_is_explained_in_german(web: Web) -> None:
    api_messages = _messages(web)
    r = _upload(web, "editor", MESSY)
    assert r.status_code == 200
    errors = "\n".join(_paragraphs(r.text, "error"))
    hints = "\n".join(_paragraphs(r.text, "hint"))
    # the cell, the column and what to change, in German
    assert "C7 (Art): unbekannter Wert „Sportverein“ (meinten Sie „Verein“?)" in errors
    # the unknown value is asked once in the form, with the suggestion preselected
    assert _selected(r.text, _value_select(r.text, "Sportverein")) == "s"
    assert "Vorschlag: Verein" in r.text
    assert "derselbe Eintrag (Organisation) wie Zeile 4 im Blatt „Organisationen“" in errors
    assert "„Name der Organisation“ ist leer und eine ID fehlt" in errors
    assert "F15 (Gründung): „31.02.2020“ ist kein Datum" in errors
    assert "„Lindenow“ (Gebiet) gibt es weder in der Datei noch im Bestand" in errors
    assert "„Kulturverein Al-Nour“ (Organisation) gibt es weder" in errors
    assert "E5 (bis): Das Ende darf nicht vor dem Beginn liegen." in errors
    assert "leere Zeile" in hints and "verbundene Zellen C11:C12" in hints
    assert "nur ein Jahr angegeben: der 01.01.2001 wurde verwendet" in hints
    assert "nicht importiert: Name und Spaltenköpfe des Blatts passen" in hints
    (summary,) = _paragraphs(r.text, "import-counts")
    assert summary.startswith("Probelauf: ") and "10 abgelehnt" in summary
    page = _page_text(r.text)
    assert not [m for m in _messages(web, "de") if m not in page]
    assert not [m for m in api_messages if m in page], "English in the German page"
    for phrase in ("did you mean", "not imported", "empty row", "is not a date", "Dry run"):
        assert phrase not in page


def test_the_messy_sample_is_explained_in_english_to_an_english_account(web: Web) -> None:
    _speak_english(web, "editor")
    r = _upload(web, "editor", MESSY)
    assert r.status_code == 200
    page = _page_text(r.text)
    assert not [m for m in _messages(web, "en") if m not in page]
    assert "C7 (Art): unknown value 'Sportverein' (did you mean 'Verein'?)" in page
    assert "the same organisation as row 4 of sheet 'Organisationen'" in page
    assert "Dry run: " in page
    for phrase in ("meinten Sie", "derselbe Eintrag", "leere Zeile", "Probelauf", "kein Datum"):
        assert phrase not in page


def test_an_unreadable_file_says_why_in_the_reader_s_language(web: Web) -> None:
    def detail(role: str) -> str:
        client = web[role]
        r = client.post(
            "/import",
            data={"csrf_token": csrf_of(client.get("/import").text)},
            files={"file": ("kaputt.xlsx", b"not a workbook", XLSX)},
        )
        assert r.status_code == 422
        (text,) = _paragraphs(r.text, "detail")
        return text

    assert "ist aber keine Excel-Arbeitsmappe" in detail("editor")
    _speak_english(web, "editor")
    assert "is no Excel workbook" in detail("editor")


def test_hostile_files_are_the_form_again_with_a_german_message(web: Web) -> None:
    """Issue 14, item 4: a zip bomb, XML entities or a too long field never reach a crash."""
    from tests.transfer import hostile

    client = web["editor"]
    token = csrf_of(client.get("/import").text)
    for name, data, words in [
        ("bombe.xlsx", hostile.zip_bomb_xlsx(100 * 2**20), "mehr als 100-fach gepackt"),
        ("xxe.xlsx", hostile.xxe_xlsx(), "XML-Entitäten"),
        ("lol.xlsx", hostile.billion_laughs_xlsx(), "XML-Entitäten"),
        ("crc.xlsx", hostile.bad_crc_xlsx(), "Prüfsumme"),
        ("lang.csv", hostile.long_field_csv(), "länger als 32767 Zeichen"),
    ]:
        r = client.post("/import", data={"csrf_token": token}, files={"file": (name, data, XLSX)})
        assert r.status_code == 422, name
        assert words in r.text and 'type="file"' in r.text, name
        assert "Traceback" not in r.text and "root:" not in r.text
    assert not list(_uploads(web).glob("*.bin"))
