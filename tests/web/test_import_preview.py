"""The import preview made readable (issue 15, item 8) and the answers form (items 1, 2, 4,
6): problems grouped, rows capped, the full report as a file, unknown values mapped, the
valid rows imported without the others, a saved mapping offered again."""

from __future__ import annotations

import csv
import io
import re

import pytest

from api.i18n import N_, Text, translations
from api.services.transfer import preview
from api.transfer.importer.choices import Target, ValueQuestion
from api.transfer.importer.report import ImportReport, Problem, RowOutcome
from api.transfer.synonyms import LEAVE_OUT
from tests.web.conftest import Web, csrf_of

DE = translations("de").gettext
EN = translations("en").gettext


def _unknown(value: str) -> Text:
    return Text(N_("unbekannter Wert „%(value)s“%(hint)s"), {"value": value, "hint": ""})


def _report(rows: list[RowOutcome]) -> ImportReport:
    return ImportReport("liste.csv", dry_run=True, rows=rows)


def _row(n: int, *problems: Problem, sheet: str = "Orgs", status: str = "") -> RowOutcome:
    r = RowOutcome(sheet, n, "Organisation", status or ("rejected" if problems else "created"))
    r.problems = list(problems)
    return r


# --------------------------------------------------------------------------- pure functions


def test_problems_group_by_sheet_column_and_value() -> None:
    rows = [_row(n, Problem("Handlungsfeld", f"D{n}", _unknown("Teilhabe"))) for n in range(2, 34)]
    rows += [_row(40, Problem("Handlungsfeld", "D40", _unknown("Bildung")))]
    rows += [_row(41, Problem("Handlungsfeld", "D41", _unknown("Teilhabe")), sheet="Andere")]
    groups = preview.problem_groups(_report(rows))
    assert [(g.sheet, g.text.params["value"], g.count) for g in groups] == [
        ("Orgs", "Teilhabe", 32),
        ("Orgs", "Bildung", 1),
        ("Andere", "Teilhabe", 1),
    ]
    first = groups[0]
    assert first.example_rows() == [2, 3, 4, 5, 6] and first.more_rows
    assert first.cells == ["D2", "D3", "D4", "D5", "D6"]
    line = preview.group_line(first).render(DE)
    assert line == (
        "Blatt „Orgs“, Spalte „Handlungsfeld“: unbekannter Wert „Teilhabe“ – "
        "32 Zeilen (2, 3, 4, 5, 6, …)"
    )
    assert preview.group_line(groups[1]).render(DE).endswith("– 1 Zeile (40)")
    assert "32 rows (2, 3, 4, 5, 6, …)" in preview.group_line(first).render(EN)
    question = ValueQuestion("Orgs", "Handlungsfeld", "Teilhabe", "Field", list(range(2, 34)))
    assert preview.question_line(first, question).render(DE) == (
        "Blatt „Orgs“: Handlungsfeld „Teilhabe“ unbekannt: 32 Zeilen (2, 3, 4, 5, 6, …)"
    )


def test_messages_that_differ_only_by_the_row_group_by_their_msgid() -> None:
    same = N_("derselbe Eintrag (%(kind)s) wie Zeile %(row)s im Blatt „%(sheet)s“")
    rows = [
        _row(n, Problem("Name", None, Text(same, {"kind": "Org", "row": n - 1, "sheet": "Orgs"})))
        for n in range(5, 15)
    ]
    (group,) = preview.problem_groups(_report(rows))
    assert group.count == 10 and group.variants == 1


def test_many_different_texts_of_one_kind_are_one_group() -> None:
    bad = N_("„%(text)s“ ist kein Datum")
    rows = [
        _row(n, Problem("Gründung", f"C{n}", Text(bad, {"text": f"3{n}.02.2000"})))
        for n in range(2, 40)
    ]
    few = [_row(n, Problem("Art", f"B{n}", _unknown(f"Wert {n}"))) for n in range(50, 55)]
    groups = preview.problem_groups(_report(rows + few))
    dates = [g for g in groups if g.column == "Gründung"]
    assert len(dates) == 1 and dates[0].count == 38 and dates[0].variants == 38
    assert "38 verschiedene Meldungen dieser Art, z. B." in preview.group_line(dates[0]).render(DE)
    assert len([g for g in groups if g.column == "Art"]) == 5  # up to the limit: per value


def test_warnings_come_after_problems_and_unchanged_rows_are_not_listed() -> None:
    warned = _row(3, status="created")
    warned.warnings = [Problem(None, None, Text(N_("leere Zeile")))]
    rows = [warned, *[_row(n, Problem("Art", None, _unknown("x"))) for n in range(4, 504)]]
    rows += [_row(n, status="unchanged") for n in range(504, 604)]
    groups = preview.problem_groups(_report(rows))
    assert [g.severity for g in groups] == ["problem", "warning"]
    (sheet,) = preview.listed_rows(_report(rows))
    assert len(sheet.rows) == preview.ROW_LIMIT and sheet.total == 501
    assert sheet.more == 301 and sheet.unchanged == 100
    assert all(r.status != "unchanged" for r in sheet.rows)


def test_the_full_report_is_a_csv_with_a_line_per_message() -> None:
    rows = [
        _row(2, Problem("Art", "B2", _unknown("=HYPERLINK(1)"))),
        _row(3, Problem("Art", "B3", _unknown("Kita")), Problem("Name", None, _unknown("y"))),
        _row(4, status="unchanged"),
    ]
    rows[1].name = "Kita Sonnenschein"
    text = preview.report_csv(_report(rows), DE).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == [
        "Blatt",
        "Zeile",
        "Eintrag",
        "Ergebnis",
        "Art",
        "Spalte",
        "Zelle",
        "Meldung",
    ]
    assert [line[1] for line in lines[1:]] == ["2", "3", "3"]  # the unchanged row is left out
    assert lines[2][2:5] == ["Kita Sonnenschein", "abgelehnt", "Fehler"]
    assert lines[1][7] == "unbekannter Wert „=HYPERLINK(1)“"  # not a formula start
    english = preview.report_csv(_report(rows), EN).decode("utf-8-sig")
    assert english.startswith("Sheet;Row;") and "rejected" in english


def test_question_keys_keep_what_the_form_asks_by_position() -> None:
    report = _report([])
    report.value_questions = [
        ValueQuestion(
            "Orgs",
            "Art",
            "Sportverein",
            "organisation_kind",
            [7],
            Target("association", "Verein", "similar"),
        ),
        ValueQuestion(
            "Orgs", "Angebote", "gegr. 1998", "offer_item", [8], Target(LEAVE_OUT, "", "fact")
        ),
        ValueQuestion("Orgs", "Handlungsfeld", "Teilhabe", "Field", [9], None, can_create=True),
    ]
    keys = preview.question_keys(report)
    assert [(k["value"], k["has_suggestion"], k["suggestion"]) for k in keys["values"]] == [
        ("Sportverein", True, "association"),
        ("gegr. 1998", True, None),
        ("Teilhabe", False, None),
    ]
    assert keys["values"][2]["can_create"] and keys["defaults"] == [] and keys["dates"] == []


# --------------------------------------------------------------------------- the page


def _post_file(web: Web, name: str, data: bytes, role: str = "editor"):  # type: ignore[no-untyped-def]
    client = web[role]
    return client.post(
        "/import",
        data={"csrf_token": csrf_of(client.get("/import").text), "action": "preview"},
        files={"file": (name, data, "text/csv")},
    )


def _post(web: Web, html: str, **data: str):  # type: ignore[no-untyped-def]
    return web["editor"].post("/import", data={"csrf_token": csrf_of(html), **data})


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no form with the upload's token"
    return match.group(1)


def _select_of(html: str, value: str) -> str:
    match = re.search(rf'<label for="(v-\d+)">{re.escape(value)}</label>', html)
    assert match, f"no question about {value!r}"
    return match.group(1)


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    match = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return [
        (v, label, bool(sel))
        for v, sel, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', match.group(1)
        )
    ]


def _big_csv(n: int) -> bytes:
    lines = ["Name;Art;Gründung"]
    for i in range(n):
        lines.append(f"Verein Nummer {i};{'Sportverein' if i % 2 else 'Kulturbüro'};31.02.2001")
    return ("\n".join(lines) + "\n").encode()


def test_a_large_file_s_preview_is_a_summary_with_folded_capped_rows(web: Web) -> None:
    r = _post_file(web, "gross.csv", _big_csv(450))
    assert r.status_code == 200, r.text[-2000:]
    # the summary: one line per kind of problem, with the count and the first rows
    groups = re.findall(r'<li class="problem-group problem">(.*?)</li>', r.text, re.S)
    text = " ".join(re.sub(r"<[^>]+>", "", g) for g in groups)
    assert "Blatt „gross“: Art „Sportverein“ unbekannt: 225 Zeilen (3, 5, 7, 9, 11, …)" in text
    assert "„31.02.2001“ ist kein Datum" in text and "450 Zeilen (2, 3, 4, 5, 6, …)" in text
    assert len(groups) <= 12
    # the unknown value's line leads to its question in the form
    anchor = re.search(r'„Sportverein“ unbekannt[^<]*<a href="#vq-(\d+)">zuordnen</a>', r.text)
    assert anchor, "no link to the question"
    i = anchor.group(1)
    assert re.search(rf'<tr id="vq-{i}">\s*<td><label for="v-{i}">Sportverein</label>', r.text)
    # the rows: folded, at most 200 listed, the rest in the full report
    assert '<details class="import-sheet-rows">' in r.text  # not open: too many
    assert len(re.findall(r'<tr class="status-', r.text)) == preview.ROW_LIMIT
    assert "… und 250 weitere Zeilen:" in r.text
    link = re.search(r'<a href="(/import/bericht/[^"]+)" download>', r.text)
    assert link
    full = web["editor"].get(link.group(1))
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/csv")
    assert 'filename="importbericht-gross.csv"' in full.headers["content-disposition"]
    lines = full.content.decode("utf-8-sig").splitlines()
    assert len({line.split(";")[1] for line in lines[1:]}) == 450  # every row
    # another session gets nothing
    other = web["admin"].get(link.group(1))
    assert other.status_code == 422 and "nicht mehr da" in other.text


def test_an_unknown_value_is_mapped_in_the_form_and_imported_so(web: Web) -> None:
    data = "Name;Art\nSportfreunde Lindenau;Sportverein\nKulturbüro Ost;Initiative\n".encode()
    r = _post_file(web, "sport.csv", data)
    assert r.status_code == 200
    name = _select_of(r.text, "Sportverein")
    options = _options(r.text, name)
    assert ("s", "Vorschlag: Verein", True) in options  # the suggestion, preselected
    assert any(v == "o" and label == "Auslassen" for v, label, _s in options)
    assert any(v.startswith("t:") for v, _l, _s in options)
    assert 'value="confirm"' not in r.text  # a row is rejected until it is answered
    token = _token(r.text)
    # a choice the form did not offer is the form again with a message
    bad = _post(web, r.text, token=token, action="remap", **{name: "evil"})
    assert bad.status_code == 422 and "Unbekannte Auswahl für den Wert „Sportverein“" in bad.text
    # confirming with the suggestion (not yet previewed) shows the dry run with it first
    r = _post(web, r.text, token=token, action="confirm", **{name: "s"})
    assert r.status_code == 200 and "Sie haben die Zuordnung geändert" in r.text
    assert "2 angelegt" in r.text and "0 abgelehnt" in r.text
    name = _select_of(r.text, "Sportverein")
    assert _options(r.text, name)[0][0] == "" and ("t:association", "Verein", True) in [
        o for o in _options(r.text, name) if o[2]
    ]
    before = web.store.list("Organisation").total
    r = _post(web, r.text, token=token, action="confirm", **{name: "t:association"})
    assert r.status_code == 200 and "Der Import wurde ausgeführt." in r.text, r.text[-3000:]
    assert web.store.list("Organisation").total == before + 2
    (sport,) = web.store.list("Organisation", q="Sportfreunde Lindenau").items
    assert sport.model_dump()["kind"] == "association"


def test_the_valid_rows_are_imported_and_the_others_come_back_as_a_file(web: Web) -> None:
    data = b"Name;Art\nGut eins;Verein\nSchlecht;Sportverein\nGut zwei;Initiative\n"
    r = _post_file(web, "gemischt.csv", data)
    token = _token(r.text)
    name = _select_of(r.text, "Sportverein")
    r = _post(web, r.text, token=token, action="remap", **{name: ""})  # left open
    assert "1 abgelehnt" in r.text and "Es wurde nichts geschrieben." in r.text
    assert "Die 2 gültigen Zeilen importieren, 1 auslassen" in r.text
    before = web.store.list("Organisation").total
    r = _post(web, r.text, token=token, action="confirm-valid", **{name: ""})
    assert r.status_code == 200 and "Der Import wurde ausgeführt." in r.text, r.text[-3000:]
    assert web.store.list("Organisation").total == before + 2
    link = re.search(r'<a href="(/import/datei/[^"]+)" download>Die 1 ausgelassenen Zeilen', r.text)
    assert link, "no file of the rows left out"
    left = web["editor"].get(link.group(1))
    assert left.status_code == 200
    rows = list(csv.reader(io.StringIO(left.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Art", "Problem"] and rows[1][:2] == ["Schlecht", "Sportverein"]
    assert "Sportverein" in rows[1][2]
    assert web["admin"].get(link.group(1)).status_code == 422  # bound to the session


def test_a_saved_mapping_is_offered_again_and_can_be_dropped(web: Web) -> None:
    data = "Träger;Sorte\nVerein A;Verein\n".encode()
    r = _post_file(web, "liste.csv", data)
    token = _token(r.text)
    r = _post(web, r.text, token=token, action="remap", **{"entity-0": "Organisation"})
    r = _post(
        web,
        r.text,
        token=token,
        action="remap",
        **{"entity-0": "Organisation", "col-0-0": "name", "col-0-1": "kind"},
    )
    r = _post(
        web,
        r.text,
        token=token,
        action="confirm",
        **{"entity-0": "Organisation", "col-0-0": "name", "col-0-1": "kind"},
    )
    assert "Der Import wurde ausgeführt." in r.text
    again = _post_file(web, "liste2.csv", "Träger;Sorte\nVerein B;Initiative\n".encode())
    assert re.search(r"Zuordnung vom \d\d\.\d\d\.\d{4} \(liste\.csv\) übernommen\.", again.text)
    assert "1 angelegt" in again.text
    fresh = _post(web, again.text, token=_token(again.text), action="detected")
    assert fresh.status_code == 200 and "übernommen." not in fresh.text
    assert "Keines der Blätter wurde erkannt" in fresh.text or "1 angelegt" not in fresh.text


def test_an_ambiguous_date_is_asked_not_guessed(web: Web) -> None:
    data = "Name;Art;Gründung\nVerein A;Verein;10/12/2018\nVerein B;Verein;03/04/2019\n".encode()
    r = _post_file(web, "daten.csv", data)
    assert r.status_code == 200
    assert 'name="dt-0" value="DMY"' in r.text and 'name="dt-0" value="MDY"' in r.text
    assert "checked" not in r.text.split('id="dtq-0"')[1].split("</fieldset>")[0]
    token = _token(r.text)
    r = _post(web, r.text, token=token, action="remap", **{"dt-0": "MDY"})
    assert r.status_code == 200 and "2 angelegt" in r.text
    assert 'name="dt-0" value="MDY" checked' in r.text
    r = _post(web, r.text, token=token, action="confirm", **{"dt-0": "MDY"})
    assert "Der Import wurde ausgeführt." in r.text
    (a,) = web.store.list("Organisation", q="Verein A").items
    assert str(a.model_dump()["founded"]) == "2018-10-12"
    bad = _post_file(web, "daten.csv", data)
    wrong = _post(web, bad.text, token=_token(bad.text), action="remap", **{"dt-0": "YMD"})
    assert wrong.status_code == 422 and "bitte Tag/Monat oder Monat/Tag wählen" in wrong.text


def test_values_from_the_file_are_escaped_and_never_field_names(web: Web) -> None:
    xss = "<img src=x onerror=alert(1)>"
    r = _post_file(web, "xss.csv", f"Name;Art\nVerein X;{xss}\n".encode())
    assert r.status_code == 200
    assert xss not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert not re.search(r'name="[^"]*<', r.text)
    # a field the form never had is ignored, not taken as a value
    r2 = _post(web, r.text, token=_token(r.text), action="remap", **{"v-99": "t:association"})
    assert r2.status_code == 200 and "1 abgelehnt" in r2.text


def test_a_field_without_a_column_is_asked_once_for_all_rows(web: Web) -> None:
    """Issue 15, item 4: an area sheet without a kind column gets one kind for every row."""
    r = _post_file(web, "gebiete.csv", b"Name;Einwohner\nNeudorf;1200\nAltdorf;800\n")
    token = _token(r.text)
    if "Keines der Blätter wurde erkannt" in r.text:
        r = _post(web, r.text, token=token, action="remap", **{"entity-0": "Area"})
    assert r.status_code == 200
    assert '<select id="d-0" name="d-0">' in r.text and "2 abgelehnt" in r.text
    options = _options(r.text, "d-0")
    assert options[0][:2] == ("", "– bitte wählen –")
    code = next(v for v, label, _s in options if v)
    bad = _post(web, r.text, token=token, action="remap", **{"d-0": "keine-art"})
    assert bad.status_code == 422 and "Unbekannte Auswahl für" in bad.text
    r = _post(web, r.text, token=token, action="remap", **{"d-0": code})
    assert r.status_code == 200 and "2 angelegt" in r.text, r.text[-3000:]
    # answered, the question stays on the form with the answer, to change it
    assert _options(r.text, "d-0") and [v for v, _l, s in _options(r.text, "d-0") if s] == [code]
    r = _post(web, r.text, token=token, action="confirm", **{"d-0": code})
    assert "Der Import wurde ausgeführt." in r.text
    (area,) = web.store.list("Area", q="Neudorf").items
    assert area.model_dump()["kind"] == code


def test_a_kind_with_many_targets_offers_the_closest_and_a_field_to_type(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.web import import_answers

    monkeypatch.setattr(import_answers, "MAX_OPTIONS", 3)
    monkeypatch.setattr(import_answers, "CLOSEST", 2)
    r = _post_file(web, "sport.csv", b"Name;Art\nSportfreunde Nord;Sportverein\n")
    name = _select_of(r.text, "Sportverein")
    targets = [v for v, _l, _s in _options(r.text, name) if v.startswith("t:")]
    assert len(targets) == 2 and "t:association" in targets  # the closest names
    assert f'<input type="text" id="{name}-x" name="{name}-x"' in r.text
    r = _post(
        web, r.text, token=_token(r.text), action="remap", **{name: "x", f"{name}-x": "initiative"}
    )
    assert r.status_code == 200 and "1 angelegt" in r.text and "0 abgelehnt" in r.text
    # the answer given is shown selected even though it is not among the closest
    assert [v for v, _l, s in _options(r.text, _select_of(r.text, "Sportverein")) if s] == [
        "t:initiative"
    ]


def test_the_answers_shown_are_the_answers_sent_back_unchanged() -> None:
    """Shown and sent back as they are, the answers equal the mapping's: confirming does not
    count as a change (which would show the dry run again instead of importing)."""
    from api.transfer.importer.choices import LEFT_OUT, Choice
    from api.transfer.importer.report import SheetMapping
    from api.web import import_answers

    given: list[tuple[str, str, str, Choice]] = [
        ("Art", "Sportverein", "organisation_kind", Target("association", "association", "given")),
        ("Gebiet", "landesweit", "Area", Target.created("Saarland", "given")),
        ("Gebiet", "Neustadt", "Area", Target.created("Neustadt", "given")),
        ("Handlungsfeld", "Teilhabe", "Field", LEFT_OUT),
        ("Handlungsfeld", "Kultur", "Field", Target("Kulturarbeit", "Kulturarbeit", "given")),
    ]
    report = _report([])
    report.sheets = [SheetMapping("Orgs", "Organisation", 1, {"Name": "name"})]
    for column, value, kind, choice in given:
        q = ValueQuestion("Orgs", column, value, kind, [2], can_create=kind != "organisation_kind")
        q.choice, q.decided = choice, "given"
        report.value_questions.append(q)
        values = report.answers.setdefault("Orgs", {}).setdefault("values", {})
        values.setdefault(column, {})[value] = choice.as_mapping()
    keys = preview.question_keys(report)
    targets = {"organisation_kind": [("association", "Verein"), ("initiative", "Initiative")]}
    form = import_answers.answer_form(report, keys, lambda k: targets.get(k, []), DE)
    sent = {f"v-{row.index}": row.selected for t in form.values for row in t.rows}
    assert sent == {
        "v-0": "t:association",
        "v-1": "n:Saarland",
        "v-2": "n",
        "v-3": "o",
        "v-4": "t:Kulturarbeit",
    }
    answers = import_answers.read_answers(sent, keys, DE)
    assert answers == import_answers.answers_of(report.mapping)
    assert answers["Orgs"]["values"]["Gebiet"] == {
        "landesweit": {"new": "Saarland"},
        "Neustadt": {"new": "Neustadt"},
    }


def test_the_form_speaks_english_to_an_english_account_and_files_need_an_editor(
    web: Web,
) -> None:
    account = web.store.accounts.get("editor")
    account.language = "en"
    web.store.accounts.save(account)
    r = _post_file(web, "sport.csv", b"Name;Art\nSportfreunde Nord;Sportverein\n")
    assert r.status_code == 200
    assert "Map values" in r.text and "Leave out" in r.text
    assert "Messages, grouped by kind" in r.text
    for german in ("Werte zuordnen", "Auslassen", "Vorschlag:", "Meldungen, nach Art"):
        assert german not in r.text
    token = _token(r.text)
    for role in ("viewer", "partner"):
        assert web[role].get(f"/import/bericht/{token}").status_code == 403
        assert web[role].get(f"/import/datei/{token}").status_code == 403
    # an upload is not a file to download, and a made-up token is nothing
    assert web["editor"].get(f"/import/datei/{token}").status_code == 422
    assert web["editor"].get("/import/bericht/nonsense").status_code == 422


def test_a_column_with_many_unknown_values_has_its_questions_folded(web: Web) -> None:
    lines = ["Name;Art"] + [f"Verein {i};Sorte {i:02d}" for i in range(30)]
    r = _post_file(web, "sorten.csv", ("\n".join(lines) + "\n").encode())
    assert r.status_code == 200
    fold = r.text.split('<details class="answers-fold">')
    assert len(fold) == 2, "the 30 questions are not folded"
    assert "Spalte „Art“: 30 unbekannte Werte</summary>" in fold[1]
    assert len(re.findall(r'<tr id="vq-\d+">', fold[1].split("</details>")[0])) == 30
    # the summary folds the 30 values into one line, which leads to the first question
    line = re.search(r"30 verschiedene Meldungen dieser Art[^<]*<a href=\"#(vq-\d+)\">", r.text)
    assert line and f'<tr id="{line.group(1)}">' in fold[1]
    # folded, they are still part of the form: an answer is taken
    name = _select_of(r.text, "Sorte 07")
    r = _post(web, r.text, token=_token(r.text), action="remap", **{name: "t:association"})
    assert r.status_code == 200 and "1 angelegt" in r.text and "29 abgelehnt" in r.text
