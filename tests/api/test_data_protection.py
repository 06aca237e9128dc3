"""One data-protection policy on every read path: a viewer and a partner never read another
organisation's contact e-mail, phone or consent date, whichever way they ask; an editor
still sees everything."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from api.services.policy import EVERYTHING, PUBLIC, Access, HiddenProperty
from graph_schema.model import NodeLabel
from graph_schema.store.records import AuditEntry
from tests.api.conftest import Api

#: per-1's values (seed), and those of a second record of the same person
SECRETS = ("a@example.org", "0000 1", "2024-01-01")
SECOND = ("b@example.org", "0000 7")
READERS = ("viewer", "partner")


def _add_second_record(api: Api) -> None:
    api.store.create(
        NodeLabel.PERSON,
        {"id": "per-2", "name": "Aylin Beispiel", "email": SECOND[0], "phone": SECOND[1]},
        actor="editor",
    )


def _merge(api: Api) -> None:
    _add_second_record(api)
    r = api.as_("editor", "POST", "/api/merge", json={"keep": "per-1", "drop": "per-2"})
    assert r.status_code == 200, r.text


def _leaks(text: str) -> list[str]:
    return [s for s in (*SECRETS, *SECOND) if s in text]


# --------------------------------------------------------------------------- sorting


@pytest.mark.parametrize("sort", ["email", "-email", "phone", "consent_given_on"])
@pytest.mark.parametrize("role", READERS)
def test_hidden_fields_cannot_be_sorted_by(api: Api, role: str, sort: str) -> None:
    r = api.as_(role, "GET", "/api/people", params={"sort": sort})
    assert r.status_code == 403, r.text
    detail = r.json()["detail"]
    assert sort.lstrip("-") in detail and "personal data" in detail
    assert "name" in detail.split("Sort by one of:")[1]  # what to use instead
    assert not _leaks(r.text)


def test_a_partner_cannot_sort_by_email_even_with_contact_persons_of_its_own(api: Api) -> None:
    own = api.as_("partner", "POST", "/api/people", json={"name": "K", "email": "k@own.example"})
    assert own.status_code == 201
    assert api.as_("partner", "GET", "/api/people?sort=email").status_code == 403
    listed = api.as_("partner", "GET", "/api/people").json()["items"]
    emails = {p["id"]: p.get("email") for p in listed}
    assert emails == {own.json()["id"]: "k@own.example", "per-1": None}


def test_editors_sort_by_email_and_everyone_by_visible_fields(api: Api) -> None:
    r = api.as_("editor", "GET", "/api/people?sort=-email")
    assert r.status_code == 200 and r.json()["items"][0]["email"] == SECRETS[0]
    for role in READERS:
        assert api.as_(role, "GET", "/api/people?sort=-name").status_code == 200
        assert api.as_(role, "GET", "/api/people?q=Aylin").json()["total"] == 1
        # an organisation's own address is not personal data
        assert api.as_(role, "GET", "/api/organisations?sort=email").status_code == 200


# --------------------------------------------------------------------------- history


@pytest.mark.parametrize("role", READERS)
def test_history_after_a_merge_shows_that_values_changed_not_the_values(
    api: Api, role: str
) -> None:
    _merge(api)
    r = api.as_(role, "GET", "/api/people/per-1/history")
    assert r.status_code == 200
    assert not _leaks(r.text), r.text
    merge = next(e for e in r.json()["items"] if e["action"] == "merge")
    assert {"kept.email", "merged.email", "merged.phone"} <= set(merge["withheld"])
    assert merge["before"]["merged"]["name"] == "Aylin Beispiel"  # the rest stays readable
    dropped = api.as_(role, "GET", "/api/people/per-2/history")
    assert dropped.status_code == 200 and not _leaks(dropped.text)
    full = api.as_("editor", "GET", "/api/people/per-1/history").text
    assert SECRETS[0] in full and SECOND[0] in full


def test_a_changed_phone_is_named_not_shown(api: Api) -> None:
    api.as_("editor", "PATCH", "/api/people/per-1", json={"phone": "0000 2"})
    items = api.as_("viewer", "GET", "/api/people/per-1/history").json()["items"]
    update = next(e for e in items if e["action"] == "update")
    assert update["withheld"] == ["phone"] and "phone" not in update["after"]
    assert "0000 2" not in json.dumps(items)


def test_erasing_a_person_erases_the_records_merged_into_them(api: Api) -> None:
    _merge(api)
    r = api.as_("admin", "DELETE", "/api/people/per-1", params={"erase": "true"})
    assert r.status_code == 204
    for entity in ("per-1", "per-2"):
        text = api.as_("admin", "GET", "/api/history", params={"entity": entity}).text
        assert not _leaks(text), (entity, text)
    # and a backup made afterwards holds neither record's values (Art. 17)
    backup = api.as_("admin", "GET", "/api/backup")
    assert backup.status_code == 200 and "per-1" in backup.text and not _leaks(backup.text)


# --------------------------------------------------------------------------- whole network


@pytest.mark.parametrize("role", READERS)
def test_network_exports_and_downloads_hold_no_other_contact_data(api: Api, role: str) -> None:
    _add_second_record(api)
    network = api.as_(role, "GET", "/api/network")
    assert network.status_code == 200 and not _leaks(network.text)
    for fmt in ("json", "csv", "graphml", "gexf"):
        r = api.as_(role, "GET", f"/api/export?format={fmt}")
        assert r.status_code == 200
        text = (
            "".join(
                zipfile.ZipFile(io.BytesIO(r.content)).read(n).decode("utf-8-sig")
                for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
            )
            if fmt == "csv"
            else r.text
        )
        assert not _leaks(text), fmt
    report = api.as_(role, "GET", "/api/report?format=html")
    assert report.status_code == 200 and not _leaks(report.text)
    assert api.as_(role, "GET", "/api/backup").status_code == 403
    assert SECRETS[0] in api.as_("editor", "GET", "/api/network").text


def test_backups_are_for_administrators_only(api: Api) -> None:
    assert api.as_("editor", "GET", "/api/backup").status_code == 403
    r = api.as_("admin", "GET", "/api/backup")
    assert r.status_code == 200 and SECRETS[0] in r.text  # complete: a restore needs it


# --------------------------------------------------------------------------- the policy


def _entry(before: object, after: object, entity_id: str = "per-1") -> AuditEntry:
    return AuditEntry("e", 1, "2026-01-01", "editor", "merge", "Person", entity_id, before, after)  # type: ignore[arg-type]


def test_the_policy_judges_nested_records_by_their_own_id() -> None:
    partner = Access("partner", own={"per-own"})
    entry = _entry(
        {"kept": {"id": "per-own", "email": "own@x"}, "merged": {"id": "per-x", "email": "x@x"}},
        {"kept": "per-own", "merged": "per-x"},
        entity_id="per-own",
    )
    seen = partner.history_entry(entry)
    assert seen["before"]["kept"]["email"] == "own@x"
    assert "email" not in seen["before"]["merged"] and seen["withheld"] == ["merged.email"]
    assert EVERYTHING.history_entry(entry)["before"] == entry.before
    unchanged = _entry({"id": "per-1", "phone": "1"}, {"id": "per-1", "phone": "1"})
    assert PUBLIC.history_entry(unchanged)["withheld"] == []


def test_a_snapshot_for_everyone_holds_no_contact_data(api: Api) -> None:
    snap = api.store.snapshot()
    assert any(getattr(n, "email", None) == SECRETS[0] for n in snap.nodes)
    public = PUBLIC.snapshot(snap)
    assert not _leaks(json.dumps([n.model_dump(mode="json") for n in public.nodes]))
    assert len(public.nodes) == len(snap.nodes) and public.ties == snap.ties
    assert EVERYTHING.snapshot(snap) is snap


def test_the_policy_says_what_to_sort_by_instead() -> None:
    with pytest.raises(HiddenProperty) as e:
        PUBLIC.check_query("Person", sort="-consent_given_on")
    assert e.value.status == 403 and e.value.prop == "consent_given_on"
    assert "name" in e.value.allowed and "email" not in e.value.allowed
    with pytest.raises(HiddenProperty):
        PUBLIC.check_query("Person", filters=["phone"])
    PUBLIC.check_query("Person", sort="name", search=True)
    PUBLIC.check_query("Organisation", sort="email")
    EVERYTHING.check_query("Person", sort="email", filters=["email"])
