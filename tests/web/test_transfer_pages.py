"""Import (preview, confirm), export downloads and backup/restore through the UI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.web import transfer
from tests.web.conftest import Web, csrf_of

CLEAN = Path(__file__).resolve().parents[1] / "data" / "clean.xlsx"
MESSY = Path(__file__).resolve().parents[1] / "data" / "messy.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads waiting for confirmation go to the test's own folder."""
    monkeypatch.setattr(transfer, "UPLOAD_DIR", tmp_path / "uploads")


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
    assert (transfer.UPLOAD_DIR / f"{token}.bin").exists()
    client = web["editor"]
    r = client.post(
        "/import", data={"csrf_token": csrf_of(r.text), "action": "confirm", "token": token}
    )
    assert r.status_code == 200, r.text
    assert "Der Import wurde ausgeführt." in r.text
    assert web.store.list("Organisation").total > before
    assert not (transfer.UPLOAD_DIR / f"{token}.bin").exists()  # deleted after use
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


def test_rejected_rows_offer_no_confirmation(web: Web) -> None:
    before = web.store.list("Organisation").total
    r = _upload(web, "admin", MESSY)
    assert r.status_code == 200
    assert "abgelehnt" in r.text and 'name="token"' not in r.text
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
