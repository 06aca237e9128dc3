"""Every operation of the OpenAPI document against every role: 401, 403 or let through.

The expected matrix is written out here, independently of the routes; an operation missing
from it fails the test, so a new route cannot ship without deciding who may call it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.settings import Settings
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import open_ladybug
from graph_schema.store.proposals import Proposal
from tests.api.conftest import Api, make_api, seed

ALL = {"admin", "editor", "partner", "viewer"}
DATA = {"admin", "editor"}
PUBLIC = "public"

RESOURCE_IDS = {
    "organisations": "org-other",
    "people": "per-1",
    "bodies": "bod-1",
    "offers": "off-other",
    "areas": "09999001",
    "fields": "housing",
    "target-groups": "women",
    "events": "evt-1",
}
CREATE = {
    "organisations": {"name": "Neu e.V.", "kind": "association"},
    "people": {"name": "Neue Person"},
    "bodies": {"name": "AK Wohnen", "kind": "working_group"},
    "offers": {"title": "Neues Angebot"},
    "areas": {"name": "Neudorf", "kind": "municipality"},
    "fields": {"name_de": "Sport", "name_en": "Sport"},
    "target-groups": {"name_de": "Familien", "name_en": "Families"},
    "events": {"title": "Fachtag"},
}
CHANGE = {
    "organisations": {"description": "geändert"},
    "people": {"function": "Leitung"},
    "bodies": {"description": "geändert"},
    "offers": {"cost": "kostenlos"},
    "areas": {"population": 1000},
    "fields": {"name_en": "Changed"},
    "target-groups": {"name_en": "Changed"},
    "events": {"title": "Fachtag 2"},
}


def _expected() -> dict[tuple[str, str], set[str] | str]:
    m: dict[tuple[str, str], set[str] | str] = {
        ("GET", "/api/health"): PUBLIC,
        ("POST", "/api/auth/token"): PUBLIC,
        ("POST", "/api/auth/logout"): ALL,
        ("GET", "/api/me"): ALL,
        ("PATCH", "/api/me"): ALL,
        ("POST", "/api/me/password"): ALL,
        ("GET", "/api/users"): {"admin"},
        ("GET", "/api/users/throttles"): {"admin"},
        ("DELETE", "/api/users/throttles"): {"admin"},
        ("POST", "/api/users"): {"admin"},
        ("GET", "/api/users/{username}"): {"admin"},
        ("PATCH", "/api/users/{username}"): {"admin"},
        ("DELETE", "/api/users/{username}"): {"admin"},
        ("GET", "/api/ties"): ALL,
        # the partner's attempt below joins two other organisations: neither a tie of its
        # own nor a proposal (a partner proposes ties of its own organisation only)
        ("POST", "/api/ties"): DATA,
        ("GET", "/api/ties/{tie_id}"): ALL,
        ("PATCH", "/api/ties/{tie_id}"): DATA,
        ("DELETE", "/api/ties/{tie_id}"): DATA,
        ("GET", "/api/proposals"): DATA | {"partner"},  # a partner sees its own
        ("GET", "/api/proposals/types"): DATA | {"partner"},
        ("PUT", "/api/proposals/types"): {"admin"},
        ("POST", "/api/proposals/{proposal_id}/confirm"): DATA,
        ("POST", "/api/proposals/{proposal_id}/reject"): DATA,
        ("GET", "/api/network"): ALL,
        ("GET", "/api/history"): DATA,
        ("GET", "/api/people/{node_id}/export"): {"admin"},
        ("GET", "/api/organisations/{node_id}/ties"): ALL,
        ("POST", "/api/import"): DATA,
        ("GET", "/api/import/template"): DATA,
        ("POST", "/api/import/problems"): DATA,
        ("GET", "/api/export"): ALL,
        ("GET", "/api/report"): ALL,
        ("GET", "/api/duplicates"): DATA,
        ("POST", "/api/merge"): DATA,
        ("GET", "/api/backup"): {"admin"},
        ("POST", "/api/restore"): {"admin"},
    }
    for figure in ("metrics", "summary", "communities", "brokerage", "mixing", "gaps", "change"):
        m[("GET", f"/api/analysis/{figure}")] = ALL
    m[("GET", "/api/analysis/status")] = ALL
    for res in RESOURCE_IDS:
        base = f"/api/{res}"
        m[("GET", base)] = ALL
        m[("GET", base + "/{node_id}")] = ALL
        m[("GET", base + "/{node_id}/history")] = ALL
        # partners may create offers and people (tied to their organisation) only
        m[("POST", base)] = DATA | ({"partner"} if res in ("offers", "people") else set())
        # the entries used here belong to someone else, so partners are refused
        m[("PATCH", base + "/{node_id}")] = DATA
        m[("DELETE", base + "/{node_id}")] = DATA
    return m


EXPECTED = _expected()


def _request(method: str, path: str, role: str | None) -> tuple[str, dict[str, Any]]:
    url = path.replace("{tie_id}", "rep-1").replace("{username}", "viewer")
    url = url.replace("{proposal_id}", "prop-1")
    url, kw = _resource_request(method, url)
    body = _BODIES.get((method, path), _BODIES.get((None, path)))
    if body is not None:
        kw.update(body)
    return url, kw


def _resource_request(method: str, url: str) -> tuple[str, dict[str, Any]]:
    """A node resource's address with the seeded id, and the body to create or change one."""
    kw: dict[str, Any] = {}
    for res, node_id in RESOURCE_IDS.items():
        if url.startswith(f"/api/{res}/") or url == f"/api/{res}":
            url = url.replace("{node_id}", node_id)
            if method == "POST":
                kw["json"] = CREATE[res]
            elif method == "PATCH":
                kw["json"] = CHANGE[res]
    return url, kw


def _empty_backup() -> bytes:
    import hashlib
    import json

    header = (
        json.dumps(
            {
                "counts": {},
                "format": "netzwerkatlas-backup",
                "format_version": 1,
                "schema_version": 0,
            },
            separators=(",", ":"),
        ).encode()
        + b"\n"
    )
    end = {"kind": "end", "lines": 1, "sha256": hashlib.sha256(header).hexdigest()}
    return header + json.dumps(end).encode() + b"\n"


_EMPTY_BACKUP = _empty_backup()

#: what the other operations send, by (method, path); None: with any method
_BODIES: dict[tuple[str | None, str], dict[str, Any]] = {
    (None, "/api/auth/token"): {
        "data": {"username": "editor", "password": "correct horse battery"}
    },
    (None, "/api/me"): {"json": {"language": "en"}},
    (None, "/api/me/password"): {
        "json": {"current_password": "correct horse battery", "new_password": "another long one"}
    },
    ("POST", "/api/users"): {
        "json": {"username": "neu", "password": "a long password", "role": "viewer"}
    },
    ("PATCH", "/api/users/{username}"): {"json": {"language": "en"}},
    ("POST", "/api/ties"): {
        "json": {"type": "COOPERATES_WITH", "from_id": "org-other", "to_id": "org-third"}
    },
    (None, "/api/analysis/change"): {"params": {"from": "2020-01-01"}},
    ("PUT", "/api/proposals/types"): {"json": {"types": ["COOPERATES_WITH"]}},
    ("PATCH", "/api/ties/{tie_id}"): {"json": {"until": "2030-01-01"}},
    (None, "/api/import"): {
        "files": {"file": ("organisationen.csv", b"Name;Art\nNeu e.V.;Verein\n")}
    },
    (None, "/api/import/problems"): {
        "files": {"file": ("organisationen.csv", b"Name;Art\nNeu e.V.;Zirkus\n")}
    },
    (None, "/api/merge"): {"json": {"keep": "org-other", "drop": "org-third"}},
    # a valid backup; the store is not empty, so 409
    (None, "/api/restore"): {"files": {"file": ("backup.jsonl", _EMPTY_BACKUP)}},
}


def _operations() -> list[tuple[str, str]]:
    app = create_app(Settings(data_dir=Path("/nonexistent-not-opened"), secret_key="x"))
    return [
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    ]


OPERATIONS = _operations()


def test_every_operation_has_an_expected_row() -> None:
    assert set(OPERATIONS) == set(EXPECTED), set(OPERATIONS) ^ set(EXPECTED)


@pytest.fixture
def matrix_api(tmp_path: Path) -> Iterator[Api]:
    store = open_ladybug(tmp_path / "data")
    store.init()
    seed(store)
    store.create(NodeLabel.ORGANISATION, {"id": "org-third", "name": "DRK", "kind": "other"})
    store.create(NodeLabel.BODY, {"id": "bod-1", "name": "Projektrat", "kind": "project_council"})
    store.create(NodeLabel.TARGET_GROUP, {"id": "women", "name_de": "Frauen", "name_en": "Women"})
    store.create(NodeLabel.EVENT, {"id": "evt-1", "title": "Fachtag"})
    store.link(RelType.MEMBER_OF, "org-other", "bod-1", id="mem-1")
    store.proposals.add(
        Proposal(
            id="prop-1",
            type="COOPERATES_WITH",
            from_id="org-own",
            to_id="org-third",
            organisation_id="org-own",
            proposed_by="partner",
        )
    )
    yield from make_api(store, tmp_path / "data")
    store.close()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_role_matrix(matrix_api: Api, method: str, path: str) -> None:
    allowed = EXPECTED[(method, path)]
    # Anonymous first, admins last: a write let through must not hide a later refusal.
    for role in (None, "viewer", "partner", "editor", "admin"):
        url, kw = _request(method, path, role)
        r = matrix_api.as_(role, method, url, **kw)
        if allowed == PUBLIC:
            assert r.status_code not in (401, 403), (role, r.status_code, r.text)
        elif role is None:
            assert r.status_code == 401, (role, r.status_code, r.text)
            assert r.headers.get("WWW-Authenticate") == "Bearer"
        elif role in allowed:
            assert r.status_code < 400 or r.status_code in (404, 409), (role, r.status_code, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
        assert r.status_code < 500
        if r.status_code >= 400:
            assert isinstance(r.json()["detail"], str)
