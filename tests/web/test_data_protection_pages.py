"""The pages ask the same data-protection policy as the API: no sorting by a field the
role cannot see (the list again, with a German message), history after a merge without
the values, downloads without another organisation's contact data."""

from __future__ import annotations

import pytest

from graph_schema.model import NodeLabel
from tests.web.conftest import Web

SECRETS = ("a@example.org", "0000 1", "b@example.org")


def _merge(web: Web) -> None:
    web.store.create(
        NodeLabel.PERSON,
        {"id": "per-2", "name": "Aylin B.", "email": "b@example.org"},
        actor="editor",
    )
    from api.transfer.duplicates import merge

    merge(web.store, "per-1", "per-2", actor="editor")


@pytest.mark.parametrize("role", ["viewer", "partner"])
@pytest.mark.parametrize("sort", ["email", "-email", "-phone"])
def test_a_list_is_not_sorted_by_a_hidden_field(web: Web, role: str, sort: str) -> None:
    r = web[role].get(f"/personen?sortierung={sort}")
    assert r.status_code == 403
    assert "kann nicht sortiert werden" in r.text and "Traceback" not in r.text
    assert "Aylin Beispiel" in r.text  # the list, in its usual order
    assert not any(s in r.text for s in SECRETS)
    assert "sortierung=email" not in r.text  # no column offers it


def test_editors_sort_people_by_email(web: Web) -> None:
    r = web["editor"].get("/personen?sortierung=email")
    assert r.status_code == 200 and "a@example.org" in r.text
    assert "kann nicht sortiert werden" not in r.text


def test_an_english_account_reads_the_message_in_english(web: Web) -> None:
    account = web.store.accounts.get("viewer")
    account.language = "en"
    web.store.accounts.save(account)
    r = web["viewer"].get("/personen?sortierung=email")
    assert r.status_code == 403 and "cannot be sorted" in r.text


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_history_page_after_a_merge_names_hidden_changes(web: Web, role: str) -> None:
    _merge(web)
    text = web[role].get("/personen/per-1/verlauf").text
    assert not any(s in text for s in SECRETS), text
    assert "geändert (für Ihre Rolle verborgen)" in text
    assert "verborgen" not in web["editor"].get("/personen/per-1/verlauf").text


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_downloads_hold_no_contact_data(web: Web, role: str) -> None:
    for url in (
        "/netzwerk/download.html",
        "/netzwerk/download.html?ansicht=projektrat",
        "/export/datei?format=json",
        "/export/bericht",
    ):
        r = web[role].get(url)
        assert r.status_code == 200, url
        assert not any(s in r.text for s in SECRETS), url
    assert web[role].get("/sicherung/datei").status_code == 403
