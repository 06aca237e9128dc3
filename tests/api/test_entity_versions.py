"""Versions of entries in the API: ``GET`` answers an ``ETag``, ``PATCH`` honours
``If-Match`` (a version other than the entry's: 412, nothing written)."""

from __future__ import annotations

from tests.api.conftest import Api

URL = "/api/organisations/org-own"


def _etag(api: Api, role: str = "editor") -> str:
    r = api.as_(role, "GET", URL)
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 66  # strong
    return etag


def _patch(api: Api, role: str, body: dict[str, object], if_match: str | None = None):  # type: ignore[no-untyped-def]
    headers = api.headers(role)
    if if_match is not None:
        headers["If-Match"] = if_match
    return api.client.patch(URL, json=body, headers=headers)


def test_get_answers_an_etag_that_changes_with_the_entry(api: Api) -> None:
    first = _etag(api)
    assert _etag(api) == first == _etag(api, "viewer")
    assert api.as_("editor", "PATCH", URL, json={"short_name": "CV"}).status_code == 200
    assert _etag(api) != first


def test_if_match_mismatch_is_412_and_nothing_changes(api: Api) -> None:
    stale = _etag(api)
    assert api.as_("admin", "PATCH", URL, json={"description": "Neu vom Büro"}).status_code == 200
    now = _etag(api)
    history = api.as_("admin", "GET", URL + "/history").json()["total"]

    r = _patch(api, "editor", {"description": "alt"}, stale)
    assert r.status_code == 412
    assert "changed after you read it" in r.json()["detail"]
    assert api.as_("editor", "GET", URL).json()["description"] == "Neu vom Büro"
    assert _etag(api) == now
    assert api.as_("admin", "GET", URL + "/history").json()["total"] == history


def test_matching_if_match_is_200_with_the_new_etag(api: Api) -> None:
    current = _etag(api)
    r = _patch(api, "editor", {"short_name": "CV"}, current)
    assert r.status_code == 200 and r.json()["short_name"] == "CV"
    assert r.headers["etag"] != current and r.headers["etag"] == _etag(api)
    # the old version is stale now
    assert _patch(api, "editor", {"short_name": "X"}, current).status_code == 412


def test_if_match_lists_star_and_weak_tags(api: Api) -> None:
    current = _etag(api)
    assert _patch(api, "editor", {"tags": ["a"]}, f'"nope", {current}').status_code == 200
    assert _patch(api, "editor", {"tags": ["b"]}, "*").status_code == 200
    # RFC 9110: If-Match compares strongly, a weak tag never matches
    assert _patch(api, "editor", {"tags": ["c"]}, "W/" + _etag(api)).status_code == 412
    assert api.as_("editor", "GET", URL).json()["tags"] == ["b"]


def test_without_if_match_changes_work_as_before(api: Api) -> None:
    r = _patch(api, "partner", {"short_name": "CV"})
    assert r.status_code == 200 and "etag" in r.headers


def test_the_api_document_names_412_and_the_etag(api: Api) -> None:
    doc = api.as_("viewer", "GET", "/openapi.json").json()
    change = doc["paths"]["/api/organisations/{node_id}"]["patch"]
    assert "412" in change["responses"] and "Precondition Failed" in str(change["responses"])
    assert any(p["name"].lower() == "if-match" for p in change["parameters"])
    read = doc["paths"]["/api/organisations/{node_id}"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]


def test_a_forbidden_change_is_403_whatever_the_version(api: Api) -> None:
    assert _patch(api, "viewer", {"short_name": "X"}, _etag(api)).status_code == 403


def test_stale_if_match_on_every_backend(api_on: Api) -> None:
    api = api_on
    stale = _etag(api)
    assert _patch(api, "admin", {"description": "Neu"}).status_code == 200
    assert _patch(api, "editor", {"description": "alt"}, stale).status_code == 412
    assert api.as_("viewer", "GET", URL).json()["description"] == "Neu"
    fresh = _patch(api, "editor", {"description": "neuer"}, _etag(api))
    assert fresh.status_code == 200 and fresh.headers["etag"] == _etag(api)
