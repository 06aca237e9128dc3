"""The HTTP side: roles, the import report, exports without personal data, backup/restore."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from tests.api.conftest import Api
from tests.transfer.conftest import DATA

FORMATS = ("xlsx", "csv", "graphml", "gexf", "json")


def _upload(api: Api, role: str, name: str, **form: str):  # type: ignore[no-untyped-def]
    files = {"file": (name, (DATA / name).read_bytes())}
    return api.as_(role, "POST", "/api/import", files=files, data=form)


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("editor", 200), ("partner", 403), ("viewer", 403), (None, 401)],
)
def test_import_is_for_admins_and_editors(api: Api, role: str | None, status: int) -> None:
    assert _upload(api, role, "clean.xlsx").status_code == status  # type: ignore[arg-type]


def test_dry_run_by_default_then_import(api_on: Api) -> None:
    before = api_on.store.counts()
    r = _upload(api_on, "editor", "clean.xlsx")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] and not report["applied"] and report["counts"]["rejected"] == 0
    # the seeded area Lindenau (09999001) and person Aylin Beispiel are found and updated
    assert report["counts"]["created"] == 21 and report["counts"]["updated"] == 2
    assert report["mapping"]["sheets"]["Organisationen"]["entity"] == "Organisation"
    assert api_on.store.counts() == before
    r = _upload(api_on, "editor", "clean.xlsx", dry_run="false")
    assert r.status_code == 200 and r.json()["applied"]
    assert api_on.store.counts()["Organisation"] == before["Organisation"] + 5
    assert api_on.store.get("Person", "per-1").function == "Migrationsberatung"
    entries = api_on.store.audit.list(entity_id="09999001")[0]
    assert entries[0].username == "editor"


def test_a_rejected_real_import_answers_422_with_the_report(api_on: Api) -> None:
    before = api_on.store.counts()
    r = _upload(api_on, "admin", "messy.xlsx", dry_run="false")
    assert r.status_code == 422
    body = r.json()
    assert "nothing was written" in body["detail"]
    assert body["report"]["counts"]["rejected"] == 10
    assert api_on.store.counts() == before


def test_a_file_over_the_limit_is_refused_with_what_to_do(
    api_on: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.transfer import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    before = api_on.store.counts()
    r = _upload(api_on, "admin", "clean.xlsx", dry_run="false")  # about 10 KB
    # 413, as the API document states (issue 14: it was 422 before)
    assert r.status_code == 413
    assert r.json()["detail"] == "The file is larger than 0 MB: please import it in parts."
    assert api_on.store.counts() == before


def test_import_with_a_bad_mapping_says_what_to_change(api: Api) -> None:
    r = _upload(api, "admin", "clean.xlsx", mapping="{not json")
    assert r.status_code == 422 and "not valid JSON" in r.json()["detail"]
    mapping = json.dumps({"sheets": {"Gebiete": {"columns": {"AGS": "colour"}}}})
    r = _upload(api, "admin", "clean.xlsx", mapping=mapping)
    assert r.status_code == 422 and "colour" in r.json()["detail"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_role_exports_and_viewers_get_no_personal_data(api_on: Api, fmt: str) -> None:
    for role in ("admin", "editor", "partner", "viewer"):
        r = api_on.as_(role, "GET", f"/api/export?format={fmt}")
        assert r.status_code == 200, (role, r.text)
        assert "attachment" in r.headers["content-disposition"]
        text = _text(r.content, fmt)
        personal = "a@example.org" in text
        assert personal == (role in ("admin", "editor")), (role, fmt)


def _text(raw: bytes, fmt: str) -> str:
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "".join(z.read(n).decode("utf-8-sig") for n in z.namelist())
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(raw))
        return " ".join(
            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
        )
    return raw.decode()


def test_export_takes_the_network_filters(api: Api) -> None:
    r = api.as_(
        "viewer", "GET", "/api/export?format=json&as_of=2025-01-01&kind=welfare_association"
    )
    doc = r.json()
    assert doc["as_of"] == "2025-01-01" and doc["filters"] == {"kind": "welfare_association"}
    assert {n["label"] for n in doc["nodes"]} >= {"Organisation"}
    assert api.as_("viewer", "GET", "/api/export?format=pdf").status_code == 422


def test_duplicates_and_merge(api: Api) -> None:
    api.store.create("Organisation", {"id": "dup", "name": "caritas e.V.", "kind": "other"})
    r = api.as_("editor", "GET", "/api/duplicates?label=Organisation")
    assert r.status_code == 200
    pair = r.json()[0]
    assert {pair["a"]["id"], pair["b"]["id"]} == {"dup", "org-own"}
    assert api.as_("viewer", "GET", "/api/duplicates").status_code == 403
    assert (
        api.as_(
            "partner", "POST", "/api/merge", json={"keep": "org-own", "drop": "dup"}
        ).status_code
        == 403
    )
    r = api.as_("editor", "POST", "/api/merge", json={"keep": "org-own", "drop": "dup"})
    assert r.status_code == 200 and r.json()["merged"] == "dup"
    assert api.as_("editor", "GET", "/api/organisations/dup").status_code == 404


def test_backup_and_restore_are_for_admins(api_on: Api) -> None:
    for role in ("editor", "partner", "viewer"):
        assert api_on.as_(role, "GET", "/api/backup").status_code == 403
    r = api_on.as_("admin", "GET", "/api/backup")
    assert r.status_code == 200
    data = r.content
    files = {"file": ("b.jsonl", data)}
    assert api_on.as_("editor", "POST", "/api/restore", files=files).status_code == 403
    r = api_on.as_("admin", "POST", "/api/restore", files=files)
    assert r.status_code == 409 and "--replace" in r.json()["detail"]
    api_on.store.create("Area", {"id": "after", "name": "Nach dem Backup", "kind": "district"})
    r = api_on.as_("admin", "POST", "/api/restore", files=files, data={"replace": "true"})
    assert r.status_code == 200, r.text
    assert api_on.as_("admin", "GET", "/api/backup").status_code == 401  # tokens are gone
    assert api_on.store.counts()["Area"] == 1
    broken = {"file": ("b.jsonl", data[: data.rstrip(b"\n").rfind(b"\n") + 1])}
    r = api_on.client.post(
        "/api/auth/token", data={"username": "admin", "password": "correct horse battery"}
    )
    token = r.json()["access_token"]
    r = api_on.client.post(
        "/api/restore", files=broken, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 422 and "cut short" in r.json()["detail"]


def test_a_mapping_naming_an_unknown_column_or_sheet_is_a_422_naming_it(api: Api) -> None:
    cases = [
        ({"Organisationen": {"columns": {"Webseite": "website"}}}, "'Webseite'"),
        ({"Tabelle1": {"entity": "Organisation"}}, "'Tabelle1'"),
        ({"Organisationen": {"columns": {"Name": "name", "Kurzname": "name"}}}, "both columns"),
        ({"Organisationen": {"entity": "Verein"}}, "'Verein'"),
        ({"Organisationen": {"header_row": "zwei"}}, "header_row"),
        ({"Organisationen": {"colums": {}}}, "'colums'"),
    ]
    for sheets, named in cases:
        r = _upload(api, "admin", "clean.xlsx", mapping=json.dumps({"sheets": sheets}))
        assert r.status_code == 422, (sheets, r.text)
        assert named in r.json()["detail"], r.json()["detail"]


def test_a_corrected_mapping_is_what_the_real_run_uses(api_on: Api) -> None:
    before = api_on.store.counts()["Organisation"]
    report = _upload(api_on, "editor", "clean.xlsx").json()
    mapping = report["mapping"]
    assert mapping["sheets"]["Organisationen"]["columns"]["Kurzname"] == "short_name"
    mapping["sheets"]["Organisationen"]["columns"]["Kurzname"] = None
    mapping["sheets"]["Kooperationen"] = {"entity": None}  # leave the sheet out
    r = _upload(api_on, "editor", "clean.xlsx", mapping=json.dumps(mapping), dry_run="false")
    assert r.status_code == 200 and r.json()["applied"], r.text
    body = r.json()
    assert body["mapping"]["sheets"]["Organisationen"]["columns"]["Kurzname"] is None
    assert not [row for row in body["rows"] if row["sheet"] == "Kooperationen"]
    assert api_on.store.counts()["Organisation"] == before + 5
    awo = api_on.store.list("Organisation", q="AWO Kreisverband").items
    assert awo and awo[0].short_name is None
    # the same file with the same mapping again changes nothing
    again = _upload(api_on, "editor", "clean.xlsx", mapping=json.dumps(mapping), dry_run="false")
    assert again.json()["counts"]["created"] == 0 and again.json()["counts"]["updated"] == 0
