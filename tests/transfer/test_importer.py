"""Spreadsheet import: the samples' row outcomes, atomicity, idempotence, round trips."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.i18n import Text, translations
from api.transfer import exporter
from api.transfer.importer import (
    ImportReport,
    detect_mapping,
    import_file,
    override_mapping,
    parse_override,
)
from api.transfer.reader import InvalidFile
from graph_schema.errors import InvalidValue
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore
from tests.data.make_samples import CLEAN_EXPECTED, MESSY_EXPECTED
from tests.transfer.conftest import DATA, fill


def _import(store: GraphStore, name: str, **kw: object) -> ImportReport:
    return import_file(store, (DATA / name).read_bytes(), name, **kw)  # type: ignore[arg-type]


def _history(store: GraphStore) -> int:
    return store.audit.list(limit=0)[1]


def _outcomes(report: ImportReport) -> dict[tuple[str, int], str]:
    return {(r.sheet, r.row): r.status for r in report.rows}


def test_clean_sample_imports_every_row_and_twice_changes_nothing(store: GraphStore) -> None:
    report = _import(store, "clean.xlsx", dry_run=False, actor="tester")
    assert report.applied, report.summary()
    assert _outcomes(report) == CLEAN_EXPECTED
    counts = store.counts()
    assert counts["Organisation"] == 5 and counts["Offer"] == 3 and counts["Person"] == 3
    assert counts["COOPERATES_WITH"] == 4 and counts["MEMBER_OF"] == 4
    assert counts["Field"] == 6  # shipped fields of action named in the sheet are created
    caritas = store.list(NodeLabel.ORGANISATION, q="Caritasverband").items[0]
    assert caritas.kind == "welfare_association" and str(caritas.founded) == "1990-03-01"
    history = store.audit.list(entity_id=caritas.id)[0]
    assert [e.action for e in history] == ["import"] and history[0].username == "tester"
    coop = store.list_ties(RelType.COOPERATES_WITH, from_id=caritas.id)
    assert {t.kind for t in coop} == {"formal_agreement", "joint_project"}

    entries = _history(store)
    again = _import(store, "clean.xlsx", dry_run=False)
    assert set(_outcomes(again).values()) == {"unchanged"}
    assert not again.applied and store.counts() == counts and _history(store) == entries


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("clean-organisationen-utf8bom.csv", "utf-8-sig", ";"),
        ("clean-organisationen-cp1252.csv", "cp1252", ";"),
        ("clean-organisationen-utf8.csv", "utf-8", ","),
    ],
)
def test_csv_in_any_encoding_finds_the_same_entries(
    store: GraphStore, name: str, encoding: str, delimiter: str
) -> None:
    _import(store, "clean.xlsx", dry_run=False)
    report = _import(store, name, dry_run=False)
    assert (report.encoding, report.delimiter) == (encoding, delimiter)
    assert report.sheets[0].entity == "Organisation"
    assert [r.status for r in report.rows] == ["unchanged"] * 5


def test_messy_sample_gives_a_per_row_report_and_leaves_the_store_untouched(
    store: GraphStore,
) -> None:
    for dry_run in (True, False):
        report = _import(store, "messy.xlsx", dry_run=dry_run)
        got = {}
        for r in report.rows:
            first = (r.problems or r.warnings or [None])[0]
            column = first.column if first is not None else None
            got[(r.sheet, r.row)] = (r.status, column if r.status != "skipped" else None)
        assert got == MESSY_EXPECTED
        assert not report.applied
    assert sum(store.counts().values()) == 0
    assert _history(store) == 0
    sheets = {s.sheet: s for s in report.sheets}
    assert sheets["Organisationen"].header_row == 3
    assert sheets["Notizen"].entity is None and "not imported" in (sheets["Notizen"].note or "")
    rows = {(r.sheet, r.row): r for r in report.rows}
    assert "did you mean 'Verein'" in rows[("Organisationen", 7)].problems[0].message
    assert rows[("Organisationen", 13)].problems[0].cell == "F13"
    assert rows[("Organisationen", 6)].name == "AWO Kreisverband Lindenau"
    assert report.duplicates and report.duplicates[0]["score"] == 100


def test_messages_are_german_for_the_ui_and_english_for_the_api(store: GraphStore) -> None:
    german, english = translations("de").gettext, translations("en").gettext
    report = _import(store, "messy.xlsx", dry_run=True)
    rows = {(r.sheet, r.row): r for r in report.rows}
    problem = rows[("Organisationen", 8)].problems[0]
    assert problem.text.render(german).startswith(
        "derselbe Eintrag (Organisation) wie Zeile 4 im Blatt „Organisationen“"
    )
    assert problem.message == problem.text.render(english)
    assert problem.message.startswith("the same organisation as row 4 of sheet 'Organisationen'")
    as_sent = report.to_dict()["rows"][report.rows.index(rows[("Organisationen", 8)])]
    assert as_sent["problems"][0]["message"] == problem.message
    # pydantic's own English stays in the API; the UI gets the message by error type
    until = rows[("Kooperationen", 5)].problems[0]
    assert until.message.startswith("until (2021-05-31) is before since (2022-06-01)")
    assert until.text.render(german) == "Das Ende darf nicht vor dem Beginn liegen."
    assert report.summary_text.render(german).startswith("Probelauf: 10 angelegt")
    notes = {s.sheet: s for s in report.sheets}
    assert (notes["Notizen"].note_text or Text("")).render(german).startswith("nicht importiert")
    with pytest.raises(InvalidFile) as refused:
        detect_mapping((DATA / "messy.xlsx").read_bytes(), "messy.xlsx", {"sheets": {"X": {}}})
    assert refused.value.message.startswith("The mapping names the sheet 'X'")
    assert refused.value.text.render(german).startswith("Die Zuordnung nennt das Blatt „X“")


def _cell(ws, header: str, row: int):  # type: ignore[no-untyped-def]
    headers = [c.value for c in ws[1]]
    return ws.cell(row=row, column=headers.index(header) + 1)


def test_export_edit_import_applies_exactly_the_edits(store: GraphStore) -> None:
    fill(store)
    data = exporter.export(exporter.collect(store), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    orgs = book["Organisationen"]
    org_id = _cell(orgs, "ID", 2).value
    _cell(orgs, "Art", 2).value = "Initiative"
    _cell(orgs, "Kurzname", 3).value = "Neu"
    orgs.append({2: "Neue Initiative Sonnenblume", 4: "Initiative"})
    coops = book["Kooperationen"]
    tie_id = _cell(coops, "ID", 2).value
    _cell(coops, "Intensität", 2).value = 3 if _cell(coops, "Intensität", 2).value != 3 else 1
    buf = io.BytesIO()
    book.save(buf)
    edited = buf.getvalue()

    dry = import_file(store, edited, "edited.xlsx", dry_run=True)
    changed = {(r.sheet, r.row): r for r in dry.rows if r.status != "unchanged"}
    assert {k: r.status for k, r in changed.items()} == {
        ("Organisationen", 2): "updated",
        ("Organisationen", 3): "updated",
        ("Organisationen", orgs.max_row): "created",
        ("Kooperationen", 2): "updated",
    }
    assert [c["property"] for c in changed[("Organisationen", 2)].changes] == ["kind"]
    assert changed[("Organisationen", 2)].changes[0]["new"] == "initiative"
    assert [c["property"] for c in changed[("Kooperationen", 2)].changes] == ["intensity"]
    before = store.counts()

    real = import_file(store, edited, "edited.xlsx", dry_run=False, actor="office")
    assert real.applied and real.counts == dry.counts
    assert store.get(NodeLabel.ORGANISATION, org_id).kind == "initiative"
    assert store.get_tie(tie_id).intensity == _cell(coops, "Intensität", 2).value
    assert store.counts()["Organisation"] == before["Organisation"] + 1
    again = import_file(store, edited, "edited.xlsx", dry_run=True)
    assert set(_outcomes(again).values()) == {"unchanged"}


def test_csv_zip_export_imports_unchanged(store: GraphStore) -> None:
    fill(store)
    data = exporter.export(exporter.collect(store), "csv")
    report = import_file(store, data, "export.zip", dry_run=True)
    assert set(_outcomes(report).values()) == {"unchanged"}
    assert len(report.sheets) == 20


def test_the_mapping_is_reported_and_can_be_given(store: GraphStore) -> None:
    csv = "Träger-Bezeichnung;Sorte;Bemerkung\nCaritas Lindenau;Wohlfahrtsverband;x\n".encode()
    with pytest.raises(InvalidValue, match="match no known sheet"):
        import_file(store, csv, "liste.csv")
    mapping = {
        "sheets": {
            "liste": {
                "entity": "Organisation",
                "columns": {"Träger-Bezeichnung": "name", "Sorte": "kind", "Bemerkung": None},
            }
        }
    }
    report = import_file(store, csv, "liste.csv", mapping=mapping, dry_run=False)
    assert report.applied and [r.status for r in report.rows] == ["created"]
    assert report.mapping["sheets"]["liste"]["columns"] == mapping["sheets"]["liste"]["columns"]
    # the reported mapping, sent back as JSON text through the API's path, is accepted
    again = import_file(store, csv, "liste.csv", mapping=json.loads(json.dumps(report.mapping)))
    assert [r.status for r in again.rows] == ["unchanged"]
    with pytest.raises(InvalidValue, match="does not have"):
        import_file(store, csv, "liste.csv", mapping={"liste": {"columns": {"Sorte": "colour"}}})


def test_a_tie_to_an_unknown_entry_rejects_the_whole_file(store: GraphStore) -> None:
    rows = "Organisation;Partner\nCaritas;AWO\n"
    orgs = "Name;Art\nCaritas;Wohlfahrtsverband\nAWO;Wohlfahrtsverband\n"
    assert import_file(store, orgs.encode(), "organisationen.csv", dry_run=False).applied
    report = import_file(store, rows.encode(), "kooperationen.csv", dry_run=False)
    assert report.applied and store.counts()["COOPERATES_WITH"] == 1
    bad = "Organisation;Partner\nCaritas;AWO\nCaritas;DRK\n"
    report = import_file(store, bad.encode(), "kooperationen.csv", dry_run=False)
    assert [r.status for r in report.rows] == ["unchanged", "rejected"]
    assert store.counts()["COOPERATES_WITH"] == 1


def test_values_only_through_parameters(store: GraphStore) -> None:
    sneaky = 'Name;Art\n"x\' }) DETACH DELETE n //";Verein\n'
    report = import_file(store, sneaky.encode(), "organisationen.csv", dry_run=False)
    assert report.applied
    assert store.list(NodeLabel.ORGANISATION).items[0].name == "x' }) DETACH DELETE n //"


_NAMES = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_characters=';"\r\n'),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() and not s.strip().startswith(("=", "+", "-", "@")))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        _NAMES, min_size=1, max_size=8, unique_by=lambda s: " ".join(s.casefold().split())
    )
)
def test_any_list_imported_twice_changes_nothing_the_second_time(
    store: GraphStore, names: list[str]
) -> None:
    text = "Name;Art\n" + "".join(f"{n};Verein\n" for n in names)
    first = import_file(store, text.encode("utf-8"), "organisationen.csv", dry_run=False)
    assert not first.rejected, first.summary()
    entries = _history(store)
    second = import_file(store, text.encode("utf-8"), "organisationen.csv", dry_run=False)
    assert [r.status for r in second.rows] == ["unchanged"] * len(names)
    assert _history(store) == entries


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_like_names_stay_text_and_round_trip(store: GraphStore, fmt: str) -> None:
    name = '=HYPERLINK("http://example.org","x")'
    store.create(NodeLabel.ORGANISATION, {"id": "o1", "name": name, "kind": "other"})
    store.create(NodeLabel.PERSON, {"id": "p1", "name": "-Strich", "phone": "+49 0000 1"})
    data = exporter.export(exporter.collect(store), fmt)
    if fmt == "xlsx":
        ws = openpyxl.load_workbook(io.BytesIO(data))["Organisationen"]
        assert ws["B2"].data_type == "s" and ws["B2"].value == name
    report = import_file(store, data, f"export.{'zip' if fmt == 'csv' else fmt}")
    assert set(_outcomes(report).values()) == {"unchanged"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_values_beginning_with_an_apostrophe_keep_it_through_export_and_import(
    store: GraphStore, fmt: str
) -> None:
    """Issue 14, item 7: an exported workbook imported again changed such values."""
    names = {"o1": "'+49 Verein", "o2": "'=Gleich", "o3": "'-Strich", "o4": "'s Hertogenbosch"}
    for key, name in names.items():
        store.create(NodeLabel.ORGANISATION, {"id": key, "name": name, "kind": "other"})
    store.create(NodeLabel.PERSON, {"id": "p1", "name": "Ada", "phone": "'+49 0000 1"})
    store.link(RelType.COOPERATES_WITH, "o1", "o2", id="t1", since="2020-01-01")
    data = exporter.export(exporter.collect(store), fmt)
    report = import_file(store, data, f"export.{'zip' if fmt == 'csv' else fmt}")
    assert set(_outcomes(report).values()) == {"unchanged"}, report.summary()
    report = import_file(store, data, f"export.{'zip' if fmt == 'csv' else fmt}", dry_run=False)
    assert {k: store.get(NodeLabel.ORGANISATION, k).name for k in names} == names
    assert store.get(NodeLabel.PERSON, "p1").phone == "'+49 0000 1"


def test_overrides_change_only_the_named_columns() -> None:
    csv = "Träger-Bezeichnung;Sorte;Bemerkung\nCaritas Lindenau;Wohlfahrtsverband;x\n".encode()
    sheets = detect_mapping(csv, "liste.csv")
    assert sheets[0].entity is None and list(sheets[0].columns) == [
        "Träger-Bezeichnung",
        "Sorte",
        "Bemerkung",
    ]
    with pytest.raises(InvalidValue, match="--sheet"):
        override_mapping(sheets, [parse_override("Träger-Bezeichnung=name")])
    mapping = override_mapping(
        sheets,
        [parse_override("Träger-Bezeichnung=name"), parse_override("Bemerkung=-")],
        {"liste": "Organisation"},
    )
    assert mapping == {
        "sheets": {
            "liste": {
                "entity": "Organisation",
                "columns": {"Träger-Bezeichnung": "name", "Bemerkung": None},
            }
        }
    }
    [sheet] = detect_mapping(csv, "liste.csv", mapping)
    # a field may be named by its German header too ("Art" is kind)
    assert sheet.columns == {"Träger-Bezeichnung": "name", "Sorte": None, "Bemerkung": None}
    again = override_mapping([sheet], [parse_override("liste:Sorte=Art")])
    assert again["sheets"]["liste"]["columns"]["Sorte"] == "Art"
    assert detect_mapping(csv, "liste.csv", again)[0].columns["Sorte"] == "kind"
    with pytest.raises(InvalidValue, match="no column 'Farbe'"):
        override_mapping([sheet], [parse_override("Farbe=name")])
    with pytest.raises(InvalidValue, match="COLUMN=FIELD"):
        parse_override("name")
