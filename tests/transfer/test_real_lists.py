"""Real-shaped office lists go in as they are: value mapping, one flat sheet, areas by AGS,
undirected cooperations, only the valid rows, saved mappings (issue 15)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from api.services.transfer import SavedMappings, problem_file
from api.services.transfer.answers import parse_value_map, with_answers
from api.transfer.importer import ImportReport, detect_mapping, import_file
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore, dump
from tests.transfer import real_lists as real


def _run(store: GraphStore, data: bytes, name: str, **kw: Any) -> ImportReport:
    return import_file(store, data, name, dry_run=kw.pop("dry_run", False), **kw)


def _questions(report: ImportReport) -> dict[tuple[str, str], Any]:
    return {(q.column, q.value): q for q in report.value_questions}


def _ties(store: GraphStore, rel: RelType) -> list[Any]:
    return [t for t in dump.all_ties(store) if t.type == rel]


def _load_areas(store: GraphStore) -> None:
    report = _run(store, real.municipalities_csv(), "gemeinden.csv")
    assert report.applied and report.counts["created"] == 5, report.summary()


#: the answers a user gives where the suggestions do not fit
ANSWERS = {
    "sheets": {
        "organisationen": {
            "values": {
                "Art": {"Beirat": "Sonstige"},
                "Zielgruppe": {
                    "Akteure der Integrationsarbeit": {"new": "Fachkräfte der Integrationsarbeit"}
                },
            }
        }
    }
}


def _load_organisations(store: GraphStore) -> ImportReport:
    _load_areas(store)
    report = _run(
        store,
        real.organisations_csv(),
        "organisationen.csv",
        accept_suggestions=True,
        mapping=ANSWERS,
    )
    assert report.applied, [r.problems for r in report.rejected]
    return report


def test_municipalities_without_kind_column_take_the_kind_from_the_key(store: GraphStore) -> None:
    report = _run(store, real.municipalities_csv(), "gemeinden.csv")
    assert report.sheets[0].columns["Amtlicher Gemeindeschlüssel"] == "id"
    assert report.counts == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "skipped": 0,
    }
    areas = {n.id: n for n in dump.all_nodes(store) if n.label == NodeLabel.AREA}
    assert areas["10041100"].kind == "municipality"  # type: ignore[attr-defined]
    assert areas["10041"].kind == "region"  # type: ignore[attr-defined]
    sb = areas["10041100"]
    assert sb.population == 180374  # type: ignore[attr-defined]
    assert str(sb.population_as_of) == "2023-12-31"  # type: ignore[attr-defined]
    assert "stala" in sb.source  # type: ignore[attr-defined]
    again = _run(store, real.municipalities_csv(), "gemeinden.csv")
    assert again.counts["unchanged"] == 5 and not again.applied


def test_a_key_typed_as_a_number_gets_its_leading_zero_back(store: GraphStore) -> None:
    rows = [
        ["Gemeinde", "Gemeindeschlüssel", "Einwohner"],
        ["Flensburg, Stadt", "01001000", "92.550"],
        ["Schleswig-Holstein", "01", ""],
    ]
    data = real.xlsx_of({"Gemeinden": rows}, numeric_ags=True)
    report = _run(store, data, "gemeinden.xlsx")
    assert not report.rejected, report.summary()
    areas = {n.id: n for n in dump.all_nodes(store) if n.label == NodeLabel.AREA}
    assert set(areas) == {"01001000", "01"}
    assert areas["01"].kind == "state"  # type: ignore[attr-defined]


def test_a_kind_for_every_row_is_asked_once_and_given_as_a_default(store: GraphStore) -> None:
    rows = [["Ort", "Einwohner"], ["Köllerbach", "12.000"], ["Burbach", "9.500"]]
    data = real.xlsx_of({"Orte": rows})
    asked = _run(store, data, "orte.xlsx", dry_run=True)
    assert [(d["field"], d["rows"]) for d in asked.default_questions] == [("kind", 2)]
    mapping = {"sheets": {"Orte": {"entity": "Area", "defaults": {"kind": "Stadtteil"}}}}
    report = _run(store, data, "orte.xlsx", mapping=mapping)
    assert report.applied and report.counts["created"] == 2
    kinds = {n.kind for n in dump.all_nodes(store) if n.label == NodeLabel.AREA}  # type: ignore[attr-defined]
    assert kinds == {"district"}
    assert report.mapping["sheets"]["Orte"]["defaults"] == {"kind": "Stadtteil"}


def test_each_unknown_value_is_asked_once_with_its_rows_and_a_suggestion(store: GraphStore) -> None:
    _load_areas(store)
    report = _run(store, real.organisations_csv(), "organisationen.csv", dry_run=True)
    q = _questions(report)
    assert len(q[("Handlungsfeld", "Teilhabe")].rows) == 3
    assert q[("Handlungsfeld", "Teilhabe")].suggestion.target == "participation"
    assert q[("Handlungsfeld", "Kultur/Religion/Sport")].suggestion.target == "culture"
    state = q[("Gemeinde", "landesweit")].suggestion
    assert (state.new, state.name) == (True, "Saarland")  # from the areas' AGS
    assert q[("Gemeinde", "bundesweit")].suggestion.target == "@leave_out"
    assert q[("Angebote", "gegr. 1946")].suggestion.why == "fact"
    assert q[("Art", "Beirat")].suggestion is None
    assert not q[("Art", "Beirat")].can_create and q[("Zielgruppe", "Kinder")].can_create
    # known values are no question: "Saarbrücken" is "Saarbrücken, Landeshauptstadt"
    assert ("Gemeinde", "Saarbrücken") not in q and ("Gemeinde", "Püttlingen") not in q
    assert report.counts["rejected"] == 6 and not report.applied
    assert sum(store.counts().values()) == 5  # the areas only


def test_accepted_suggestions_import_one_flat_sheet(store: GraphStore) -> None:
    report = _load_organisations(store)
    assert report.counts["created"] == 6
    nodes = list(dump.all_nodes(store))
    offers = {n.title: n for n in nodes if n.label == NodeLabel.OFFER}  # type: ignore[attr-defined]
    assert set(offers) == {
        "Migrationsberatung für erwachsene Zuwanderer",
        "Jugendmigrationsdienst",
        "Sprachcafé",
        "Flüchtlingsberatung",
        "Kulturabende",
        "Kinder- und Jugendgruppe",
        "Sozialberatung",
    }  # "gegr. 1946" is a fact, left out
    assert offers["Sprachcafé"].description == "dienstags"  # type: ignore[attr-defined]
    assert offers["Migrationsberatung für erwachsene Zuwanderer"].description == "MBE"  # type: ignore[attr-defined]
    names = {n.id: n.display_name for n in nodes}
    active = {(names[t.from_id], names[t.to_id]): t for t in _ties(store, RelType.ACTIVE_IN)}
    assert active[(real.CARITAS, "Püttlingen")].note == "Einsatzort Köllerbach"
    assert active[(real.CARITAS, "Saarbrücken, Landeshauptstadt")].note.startswith("Sitz; ")
    assert (real.AWO, "Saarland") in active and (real.PARITAET, "Saarland") in active
    assert not any(k[1].startswith("bundesweit") for k in active)
    serves = {(names[t.from_id], names[t.to_id]) for t in _ties(store, RelType.SERVES)}
    assert ("Sprachcafé", "Geflüchtete") in serves
    assert ("Jugendmigrationsdienst", "Fachkräfte der Integrationsarbeit") in serves
    available = {(names[t.from_id], names[t.to_id]) for t in _ties(store, RelType.AVAILABLE_IN)}
    assert ("Sprachcafé", "Püttlingen") in available
    fields = {(names[t.from_id], names[t.to_id]) for t in _ties(store, RelType.WORKS_ON)}
    assert (real.AWO, "Teilhabe und bürgerschaftliches Engagement") in fields
    # the answers used come back in the mapping: the same file again changes nothing
    again = _run(store, real.organisations_csv(), "organisationen.csv", mapping=report.mapping)
    assert not again.rejected and not again.applied
    assert again.counts["unchanged"] == 6


def test_a_cooperation_has_no_direction_and_keeps_its_kinds(store: GraphStore) -> None:
    _load_organisations(store)
    report = _run(store, real.cooperations_csv(), "kooperationen.csv", accept_suggestions=True)
    assert report.applied, [r.problems for r in report.rejected]
    rows = {r.row: r for r in report.rows}
    assert rows[3].status == "skipped"
    assert any("no direction" in w.message for w in rows[3].warnings)
    names = {n.id: n.display_name for n in dump.all_nodes(store)}
    coop = _ties(store, RelType.COOPERATES_WITH)
    pairs = sorted((frozenset((names[t.from_id], names[t.to_id])), t.kind) for t in coop)
    assert len(coop) == 4
    awo_caritas = [
        t for t in coop if {names[t.from_id], names[t.to_id]} == {real.AWO, real.CARITAS}
    ]
    assert len(awo_caritas) == 1 and awo_caritas[0].source == real.LONG_SOURCE
    assert len(real.LONG_SOURCE) > 300
    kinds = {k for p, k in pairs if p == frozenset((real.HAUS_AFRIKA, real.CARITAS))}
    assert kinds == {"joint_project", "referral"}
    umbrella = {(names[t.from_id], names[t.to_id]) for t in _ties(store, RelType.BELONGS_TO)}
    assert umbrella == {(real.DIAKONIE, real.PARITAET), (real.HAUS_AFRIKA, real.PARITAET)}
    again = _run(store, real.cooperations_csv(), "kooperationen.csv", accept_suggestions=True)
    assert not again.applied and not again.rejected


def test_only_the_valid_rows_go_in_and_the_others_come_back_as_a_file(
    store: GraphStore, tmp_path: Path
) -> None:
    _load_areas(store)
    data = real.organisations_csv()
    report = _run(store, data, "organisationen.csv", accept_suggestions=True, skip_invalid=True)
    assert report.applied
    left = {r.name for r in report.left_out}
    assert left == {real.AWO, real.BEIRAT}  # a new target group, an unknown kind
    orgs = {n.display_name for n in dump.all_nodes(store) if n.label == NodeLabel.ORGANISATION}
    assert orgs == {real.CARITAS, real.HAUS_AFRIKA, real.DIAKONIE, real.PARITAET}
    file = problem_file(data, "organisationen.csv", report)
    assert file.filename == "organisationen-ausgelassen.csv"
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [*real.ORGANISATIONS[0], "Problem"]
    assert [r[0] for r in rows[1:]] == [real.AWO, real.BEIRAT]
    assert "Akteure der Integrationsarbeit" in rows[1][-1] and "Beirat" in rows[2][-1]
    # idempotent: the same again writes nothing new
    again = _run(store, data, "organisationen.csv", accept_suggestions=True, skip_invalid=True)
    assert again.counts["created"] == 0 and len(again.left_out) == 2
    # the file corrected and imported again
    rows[1][5] = "Geflüchtete"
    rows[2][1] = "Sonstiges"
    fixed = io.StringIO()
    csv.writer(fixed, delimiter=";").writerows([r[:-1] for r in rows])
    last = _run(
        store, fixed.getvalue().encode(), "organisationen-ausgelassen.csv", accept_suggestions=True
    )
    assert last.applied and last.counts["created"] == 2, [r.problems for r in last.rejected]


def test_valid_rows_only_leaves_out_what_needs_a_row_left_out(store: GraphStore) -> None:
    rows = [
        ["Organisation A", "Organisation B", "Art der Kooperation"],
        ["Verein A", "Verein B", "Austausch"],
        ["Verein A", "Gibt es nicht e.V.", "Austausch"],
    ]
    orgs = [["Name", "Art"], ["Verein A", "Verein"], ["Verein B", "Verein"], ["Verein C", "Zirkus"]]
    data = real.xlsx_of({"Organisationen": orgs, "Kooperationen": rows})
    report = _run(store, data, "liste.xlsx", skip_invalid=True)
    assert report.applied
    assert sorted((r.sheet, r.row) for r in report.left_out) == [
        ("Kooperationen", 3),
        ("Organisationen", 4),
    ]
    assert store.counts()["Organisation"] == 2 and store.counts()["COOPERATES_WITH"] == 1
    file = problem_file(data, "liste.xlsx", report)
    assert file.filename == "liste-ausgelassen.xlsx"


def test_map_value_options_answer_questions(store: GraphStore) -> None:
    _load_areas(store)
    data = real.organisations_csv()
    detected = detect_mapping(data, "organisationen.csv")
    mapping = with_answers(
        None,
        detected,
        [
            "Handlungsfeld:Teilhabe=participation",
            "Gemeinde:landesweit=+Saarland",
            "Gemeinde:bundesweit=-",
            "Angebote:gegr. 1946=-",
            "Art:Beirat=Sonstige",
            "Zielgruppe:Akteure der Integrationsarbeit=+",
        ],
    )
    assert mapping is not None
    given = mapping["sheets"]["organisationen"]["values"]
    assert given["Gemeinde"] == {"landesweit": {"new": "Saarland"}, "bundesweit": None}
    report = _run(store, data, "organisationen.csv", mapping=mapping, dry_run=True)
    q = _questions(report)
    assert q[("Handlungsfeld", "Teilhabe")].decided == "given"
    assert q[("Zielgruppe", "Akteure der Integrationsarbeit")].choice.new
    open_ = {k for k, v in q.items() if v.choice is None}
    assert ("Handlungsfeld", "Beratung") in open_
    assert parse_value_map("Orte:Gemeinde:x=-")[0] == "Orte"


def test_a_bad_answer_says_what_to_write(store: GraphStore) -> None:
    from api.transfer.reader import InvalidFile

    mapping = {"sheets": {"organisationen": {"values": {"Art": {"Beirat": 7}}}}}
    with pytest.raises(InvalidFile, match="null to leave it out"):
        _run(store, real.organisations_csv(), "organisationen.csv", mapping=mapping, dry_run=True)


def test_a_mapping_is_saved_and_offered_for_the_next_file_of_its_shape(
    store: GraphStore, tmp_path: Path
) -> None:
    _load_areas(store)
    saved = SavedMappings(tmp_path / "mappings")
    data = real.organisations_csv()
    detected = detect_mapping(data, "organisationen.csv")
    assert saved.find(detected) is None
    report = _run(store, data, "organisationen.csv", accept_suggestions=True, skip_invalid=True)
    saved.save(detected, report, __import__("datetime").date(2026, 12, 7))
    other = data.replace(b"Haus Afrika", b"Haus Asien")
    found = saved.find(detect_mapping(other, "organisationen-2027.csv"))
    assert found is not None
    mapping, source = found
    assert source == {"file": "organisationen.csv", "saved_on": "2026-12-07"}
    assert "organisationen-2027" in mapping["sheets"]
    values = mapping["sheets"]["organisationen-2027"]["values"]
    assert values["Handlungsfeld"]["Teilhabe"] == "participation"
    assert json.dumps(mapping)  # plain JSON
    assert saved.find(detect_mapping(real.cooperations_csv(), "k.csv")) is None


def _post(api: Any, path: str, name: str, data: bytes, **form: str) -> Any:
    return api.as_("editor", "POST", path, files={"file": (name, data)}, data=form)


def test_the_api_answers_questions_imports_valid_rows_and_gives_the_rest(api: Any) -> None:
    assert (
        _post(
            api, "/api/import", "gemeinden.csv", real.municipalities_csv(), dry_run="false"
        ).status_code
        == 200
    )
    data = real.organisations_csv()
    dry = _post(api, "/api/import", "organisationen.csv", data).json()
    values = {(v["column"], v["value"]): v for v in dry["values"]}
    teilhabe = values[("Handlungsfeld", "Teilhabe")]
    assert teilhabe["rows"] == 3 and teilhabe["suggestion"]["target"] == "participation"
    assert teilhabe["choice"] is None
    # all or nothing: 422, nothing written
    refused = _post(
        api, "/api/import", "organisationen.csv", data, dry_run="false", accept_suggestions="true"
    )
    assert refused.status_code == 422
    assert refused.json()["report"]["applied"] is False
    # the valid rows only: written, the others listed and given as a file
    done = _post(
        api,
        "/api/import",
        "organisationen.csv",
        data,
        dry_run="false",
        accept_suggestions="true",
        skip_invalid="true",
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["applied"], body
    assert sorted(r["row"] for r in body["left_out_rows"]) == [2, 7]
    assert (
        body["mapping"]["sheets"]["organisationen"]["values"]["Handlungsfeld"]["Teilhabe"]
        == "participation"
    )
    problems = _post(
        api, "/api/import/problems", "organisationen.csv", data, accept_suggestions="true"
    )
    assert problems.status_code == 200
    assert problems.headers["content-disposition"].endswith('organisationen-ausgelassen.csv"')
    lines = problems.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(";Problem") and len(lines) == 3
    # the mapping was saved under the data folder for the next file of this shape
    saved = SavedMappings.in_data_dir(api.client.app.state.settings.data_dir)
    assert saved.find(detect_mapping(data, "organisationen-2027.csv")) is not None
    viewer = api.as_("viewer", "POST", "/api/import/problems", files={"file": ("o.csv", data)})
    assert viewer.status_code == 403


def test_the_command_line_asks_answers_skips_and_remembers(tmp_path: Path) -> None:
    from tests.transfer.test_cli import _run as cli

    data = tmp_path / "data"
    for name, content in (
        ("gemeinden.csv", real.municipalities_csv()),
        ("organisationen.csv", real.organisations_csv()),
        ("kooperationen.csv", real.cooperations_csv()),
    ):
        (tmp_path / name).write_bytes(content)
    assert cli(data, "import", str(tmp_path / "gemeinden.csv")).returncode == 0
    orgs = str(tmp_path / "organisationen.csv")
    asked = cli(data, "import", orgs)
    assert asked.returncode == 1 and "nothing was written" in asked.stderr
    assert "Handlungsfeld 'Teilhabe' (3 rows): unknown – suggestion: Teilhabe und" in asked.stdout
    assert '--map-value "Handlungsfeld:Teilhabe=TARGET"' in asked.stdout
    done = cli(
        data,
        "import",
        orgs,
        "--accept-suggestions",
        "--skip-invalid",
        "--map-value",
        "Zielgruppe:Akteure der Integrationsarbeit=+",
        "--report",
        str(tmp_path / "report.json"),
    )
    assert done.returncode == 0, done.stderr
    assert "Imported: 5 created" in done.stdout and "1 left-out rows written" in done.stdout
    left = tmp_path / "organisationen-ausgelassen.csv"
    assert left.read_text(encoding="utf-8-sig").splitlines()[0].endswith(";Problem")
    mapping = json.loads((tmp_path / "report.json").read_text())["mapping"]
    answers = mapping["sheets"]["organisationen"]["values"]
    assert answers["Zielgruppe"]["Akteure der Integrationsarbeit"] == {
        "new": "Akteure der Integrationsarbeit"
    }
    # the file of left-out rows has the shape of the list: its saved mapping answers it
    again = cli(data, "import", str(left), "--map-value", "Art:Beirat=Sonstige")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Using the mapping saved on" in again.stdout and "1 created" in again.stdout
    fresh = cli(data, "import", str(left), "--dry-run", "--no-saved-mapping")
    assert "Using the mapping saved" not in fresh.stdout
    coop = cli(data, "import", str(tmp_path / "kooperationen.csv"), "--accept-suggestions")
    assert coop.returncode == 0, coop.stdout + coop.stderr
    assert "6 created" in coop.stdout and "1 skipped" in coop.stdout
    bad = cli(data, "import", orgs, "--dry-run", "--map-value", "Teilhabe")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "COLUMN:VALUE=TARGET" in bad.stderr


def test_landesweit_means_the_land_of_the_places_the_file_names(store: GraphStore) -> None:
    """A store that still holds another Land's areas (the demo's, say): "landesweit" in a
    list of Saarland places is suggested as the Saarland, not as the Land most areas are in."""
    for i in range(8):
        store.create(
            NodeLabel.AREA, {"id": f"0999900{i}", "name": f"Lindenau {i}", "kind": "municipality"}
        )
    _load_areas(store)
    report = _run(store, real.organisations_csv(), "organisationen.csv", dry_run=True)
    state = _questions(report)[("Gemeinde", "landesweit")].suggestion
    assert (state.name, state.new) == ("Saarland", True)
    bavarian = [["Name", "Art", "Gemeinde"], ["Verein X", "Verein", "Lindenau 3; landesweit"]]
    other = _run(store, real.xlsx_of({"Organisationen": bavarian}), "x.xlsx", dry_run=True)
    assert _questions(other)[("Gemeinde", "landesweit")].suggestion.name == "Bayern"
