"""Dates written a/b/yyyy: day or month first, decided per column from its values, or asked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from api.i18n import translations
from api.services.transfer import mapping_from_options
from api.transfer.importer import ImportReport, dates_of, import_file
from api.transfer.reader import InvalidFile
from api.transfer.values import CellError, parse_date
from graph_schema.errors import InvalidValue
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

ORGS = "organisationen.csv"


def _orgs(*founded: str) -> bytes:
    rows = [f"Träger {k};Verein;{day}" for k, day in enumerate(founded)]
    return ("Name;Art;Gegründet\n" + "\n".join(rows) + "\n").encode()


def _founded(store: GraphStore) -> dict[str, dt.date | None]:
    items = store.list(NodeLabel.ORGANISATION, limit=100).items
    return {n.display_name: getattr(n, "founded", None) for n in items}


def _problems(report: ImportReport) -> list[str]:
    return [p.message for r in report.rows for p in r.problems]


def test_parse_date_reads_a_slashed_date_only_the_way_it_can_be_read() -> None:
    assert parse_date("31/12/2018") == (dt.date(2018, 12, 31), None)
    assert parse_date("12/31/2018") == (dt.date(2018, 12, 31), None)
    assert parse_date("05/05/2018") == (dt.date(2018, 5, 5), None)  # the same both ways
    assert parse_date("10-12-2018", "MDY") == (dt.date(2018, 10, 12), None)
    assert parse_date("10/12/2018", "DMY") == (dt.date(2018, 12, 10), None)
    with pytest.raises(CellError) as asked:
        parse_date("10/12/2018")
    assert "10.12.2018" in str(asked.value) and "12.10.2018" in str(asked.value)
    with pytest.raises(CellError, match="month/day/year"):
        parse_date("31/12/2018", "MDY")
    # German, ISO, two-digit years and a year alone are not affected
    assert parse_date("31.12.2024")[0] == parse_date("2024-12-31")[0] == dt.date(2024, 12, 31)
    assert parse_date("31.12.24")[0] == dt.date(2024, 12, 31)
    day, warning = parse_date("1998")
    assert day == dt.date(1998, 1, 1) and warning is not None


def test_a_column_of_ambiguous_dates_is_asked_then_read_as_given(store: GraphStore) -> None:
    data = _orgs("10/12/2018", "01/02/2020", "03/04/2021")
    report = import_file(store, data, ORGS, dry_run=False)
    assert not report.applied and report.counts["rejected"] == 3
    [first, *_] = _problems(report)
    assert "'10/12/2018' in 'Gegründet'" in first, first
    assert '--date-order "Gegründet=DMY"' in first, first
    german = report.rows[0].problems[0].text.render(translations("de").gettext)
    assert "kann der 10.12.2018 oder der 12.10.2018 sein" in german
    assert '--date-order "Gegründet=TMJ"' in german
    [question] = report.date_questions
    assert (question.sheet, question.column, question.rows) == ("organisationen", "Gegründet", 3)
    assert question.examples == ["10/12/2018", "01/02/2020", "03/04/2021"]
    assert question.choice is None and question.decided is None
    assert report.to_dict()["date_questions"][0]["rows"] == 3

    mapping = {"sheets": {"organisationen": {"dates": {"Gegründet": "MTJ"}}}}
    done = import_file(store, data, ORGS, dry_run=False, mapping=mapping)
    assert done.applied, _problems(done)
    assert _founded(store)["Träger 0"] == dt.date(2018, 10, 12)
    assert _founded(store)["Träger 2"] == dt.date(2021, 3, 4)
    assert dates_of(done, "organisationen") == {"Gegründet": "MDY"}
    assert done.date_questions[0].choice == "MDY"
    assert "Month/day (given in the mapping)" in str(done.date_questions[0].text)


def test_a_column_with_a_day_over_12_decides_by_itself(store: GraphStore) -> None:
    report = import_file(store, _orgs("12/31/2018", "10/12/2018"), ORGS, dry_run=False)
    assert report.applied, _problems(report)
    assert _founded(store) == {"Träger 0": dt.date(2018, 12, 31), "Träger 1": dt.date(2018, 10, 12)}
    [question] = report.date_questions
    assert (question.decided, question.reason, question.choice) == ("MDY", "12/31/2018", None)
    german = question.text.render(translations("de").gettext)
    assert german == "Spalte „Gegründet“: Monat/Tag (aus 12/31/2018 erkannt)"
    assert dates_of(report, "organisationen") == {}  # nothing given: the values decide again

    other = _orgs("31/12/2018", "10/12/2018").replace(b"Tr\xc3\xa4ger", b"Verein")
    assert import_file(store, other, ORGS, dry_run=False).applied
    assert _founded(store)["Verein 1"] == dt.date(2018, 12, 10)


def test_a_mixed_column_rejects_the_cells_against_its_majority(store: GraphStore) -> None:
    report = import_file(store, _orgs("31/12/2018", "13/01/2019", "12/31/2018"), ORGS)
    assert [r.status for r in report.rows] == ["created", "created", "rejected"]
    [problem] = _problems(report)
    assert "'12/31/2018' in 'Gegründet' does not fit" in problem
    assert "day/month/year" in problem and "31/12/2018" in problem
    # a mapping that says otherwise rejects the others
    mapping = {"organisationen": {"dates": {"Gegründet": "MDY"}}}
    given = import_file(store, _orgs("31/12/2018", "12/31/2018"), ORGS, mapping=mapping)
    assert [r.status for r in given.rows] == ["rejected", "created"]
    assert "the mapping gives" in _problems(given)[0]
    # as often the one way as the other: asked
    torn = import_file(store, _orgs("31/12/2018", "12/31/2018", "05/05/2018"), ORGS)
    assert [r.status for r in torn.rows] == ["rejected", "rejected", "created"]
    assert torn.date_questions[0].rows == 2


def test_german_iso_and_year_columns_ask_nothing(store: GraphStore) -> None:
    report = import_file(store, _orgs("31.12.2024", "2020-02-01", "1998", "01.02.03"), ORGS)
    assert report.counts["created"] == 4 and not report.date_questions
    warnings = [p.message for r in report.rows for p in r.warnings]
    assert any("only a year" in w for w in warnings)


def test_a_wrong_dates_mapping_says_what_to_write(store: GraphStore) -> None:
    data = _orgs("10/12/2018")
    with pytest.raises(InvalidFile, match="'Name'.*not a date column.*'Gegründet'"):
        import_file(store, data, ORGS, mapping={"organisationen": {"dates": {"Name": "TMJ"}}})
    with pytest.raises(InvalidFile, match="TMJ.*MTJ"):
        import_file(store, data, ORGS, mapping={"organisationen": {"dates": {"Gegründet": "Y"}}})
    with pytest.raises(InvalidFile, match="must be an object"):
        import_file(store, data, ORGS, mapping={"organisationen": {"dates": ["TMJ"]}})


def test_date_order_options_join_the_mapping() -> None:
    data = _orgs("10/12/2018")
    only = mapping_from_options(data, ORGS, date_orders=["Gegründet=tmj"])
    assert only == {"sheets": {"organisationen": {"dates": {"Gegründet": "DMY"}}}}
    with_file = mapping_from_options(
        data,
        ORGS,
        mapping_json=json.dumps({"sheets": {"liste": {"entity": "Organisation"}}}),
        date_orders=["organisationen:Gegründet=MTJ"],
    )
    # a CSV file renamed since the mapping was saved: its one sheet keeps the mapping's name
    assert with_file == {
        "sheets": {"liste": {"entity": "Organisation", "dates": {"Gegründet": "MDY"}}}
    }
    mapped = mapping_from_options(data, ORGS, maps=["Art=-"], date_orders=["Gegründet=MDY"])
    assert mapped is not None
    sheet = mapped["sheets"]["organisationen"]
    assert sheet["columns"]["Art"] is None and sheet["dates"] == {"Gegründet": "MDY"}
    with pytest.raises(InvalidValue, match="no column 'Seit'.*'Gegründet'"):
        mapping_from_options(data, ORGS, date_orders=["Seit=TMJ"])
    with pytest.raises(InvalidValue, match="COLUMN=TMJ"):
        mapping_from_options(data, ORGS, date_orders=["Gegründet=YMD"])
