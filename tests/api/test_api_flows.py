"""The JSON API as a client uses it: sign in, keep the map current, read the history."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api


def test_office_workflow_is_recorded_step_by_step(api_on: Api) -> None:
    api = api_on
    org = api.as_(
        "editor",
        "POST",
        "/api/organisations",
        json={"name": "Deutsch-Syrischer Kulturverein", "kind": "migrant_organisation"},
    )
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    offer = api.as_("editor", "POST", "/api/offers", json={"title": "Hausaufgabenhilfe"})
    offer_id = offer.json()["id"]
    for body in (
        {"type": "PROVIDES", "from_id": org_id, "to_id": offer_id},
        {"type": "AVAILABLE_IN", "from_id": offer_id, "to_id": "09999001"},
    ):
        assert api.as_("editor", "POST", "/api/ties", json=body).status_code == 201
    coop = api.as_(
        "editor",
        "POST",
        "/api/ties",
        json={
            "type": "COOPERATES_WITH",
            "from_id": org_id,
            "to_id": "org-other",
            "since": "2023-01-01",
            "kind": "joint_project",
            "intensity": 2,
        },
    )
    assert coop.status_code == 201, coop.text
    tie_id = coop.json()["id"]
    ended = api.as_("editor", "PATCH", f"/api/ties/{tie_id}", json={"until": "2025-06-30"})
    assert ended.json()["until"] == "2025-06-30"

    listed = api.as_("viewer", "GET", "/api/organisations", params={"q": "syrisch"}).json()
    assert [o["id"] for o in listed["items"]] == [org_id] and listed["total"] == 1
    assert (
        api.as_(
            "viewer",
            "GET",
            "/api/ties",
            params={"from_id": org_id, "as_of": "2024-01-01", "type": "COOPERATES_WITH"},
        ).json()["total"]
        == 1
    )
    assert (
        api.as_(
            "viewer",
            "GET",
            "/api/ties",
            params={"from_id": org_id, "as_of": "2026-01-01", "type": "COOPERATES_WITH"},
        ).json()["total"]
        == 0
    )
    ties = api.as_("viewer", "GET", f"/api/organisations/{org_id}/ties").json()
    assert {(t["type"], t["other_name"]) for t in ties} == {
        ("PROVIDES", "Hausaufgabenhilfe"),
        ("COOPERATES_WITH", "AWO"),
    }

    history = api.as_("admin", "GET", "/api/history", params={"user": "editor"}).json()
    steps = [(e["action"], e["entity_type"]) for e in reversed(history["items"])]
    assert steps == [
        ("create", "Organisation"),
        ("create", "Offer"),
        ("link", "PROVIDES"),
        ("link", "AVAILABLE_IN"),
        ("link", "COOPERATES_WITH"),
        ("update_tie", "COOPERATES_WITH"),
    ]
    assert all(e["username"] == "editor" for e in history["items"])
    own = api.as_("viewer", "GET", f"/api/organisations/{org_id}/history").json()
    assert [e["action"] for e in own["items"]] == ["create"]


def test_network_snapshot(api_on: Api) -> None:
    api = api_on
    api.as_(
        "editor",
        "POST",
        "/api/ties",
        json={
            "type": "COOPERATES_WITH",
            "id": "c-1",
            "from_id": "org-own",
            "to_id": "org-other",
            "since": "2020-01-01",
            "until": "2021-12-31",
        },
    )
    now = api.as_(
        "viewer",
        "GET",
        "/api/network",
        params={"types": "COOPERATES_WITH", "labels": "Organisation"},
    ).json()
    assert {n["id"] for n in now["nodes"]} == {"org-own", "org-other"}
    assert now["edges"] == []
    then = api.as_(
        "viewer", "GET", "/api/network", params={"as_of": "2021-01-01", "types": "COOPERATES_WITH"}
    ).json()
    assert [(e["id"], e["source"], e["target"]) for e in then["edges"]] == [
        ("c-1", "org-own", "org-other")
    ]
    people = [n for n in then["nodes"] if n["label"] == "Person"]
    assert people and "email" not in people[0] and people[0]["name"] == "Aylin Beispiel"
    full = api.as_("editor", "GET", "/api/network").json()
    assert [n["email"] for n in full["nodes"] if n["label"] == "Person"] == ["a@example.org"]


def test_viewer_reads_without_personal_data_and_cannot_write(api: Api) -> None:
    person = api.as_("viewer", "GET", "/api/people/per-1").json()
    assert person["name"] == "Aylin Beispiel" and person["function"] == "Beratung"
    assert not {"email", "phone", "consent_given_on"} & set(person)
    listed = api.as_("viewer", "GET", "/api/people").json()["items"]
    assert listed and all("email" not in p and "phone" not in p for p in listed)
    assert api.as_("editor", "GET", "/api/people/per-1").json()["email"] == "a@example.org"
    for method, url, body in (
        ("POST", "/api/organisations", {"name": "X", "kind": "other"}),
        ("PATCH", "/api/organisations/org-own", {"name": "Y"}),
        ("DELETE", "/api/organisations/org-own", None),
        (
            "POST",
            "/api/ties",
            {"type": "COOPERATES_WITH", "from_id": "org-own", "to_id": "org-other"},
        ),
        ("PATCH", "/api/people/per-1", {"phone": "1"}),
    ):
        r = api.as_("viewer", method, url, json=body)
        assert r.status_code == 403, (method, url, r.text)
        assert "viewer" in r.json()["detail"]
    api.as_("editor", "PATCH", "/api/people/per-1", json={"phone": "0000 2"})
    history = api.as_("viewer", "GET", "/api/people/per-1/history").json()["items"]
    assert history and all("phone" not in (e["after"] or {}) for e in history)
    assert api.as_("viewer", "GET", "/api/history").status_code == 403


def test_partner_changes_only_its_own(api: Api) -> None:
    assert (
        api.as_(
            "partner",
            "PATCH",
            "/api/organisations/org-own",
            json={"website": "https://caritas.example.org"},
        ).status_code
        == 200
    )
    r = api.as_("partner", "PATCH", "/api/organisations/org-other", json={"name": "Mine now"})
    assert r.status_code == 403 and "own organisation" in r.json()["detail"]
    assert (
        api.as_("partner", "PATCH", "/api/offers/off-own", json={"cost": "5 €"}).status_code == 200
    )
    assert (
        api.as_("partner", "PATCH", "/api/offers/off-other", json={"cost": "0"}).status_code == 403
    )
    new_offer = api.as_("partner", "POST", "/api/offers", json={"title": "Frauencafé"})
    assert new_offer.status_code == 201
    offer_id = new_offer.json()["id"]
    provided = api.store.list_ties("PROVIDES", to_id=offer_id)
    assert [t.from_id for t in provided] == ["org-own"]
    assert (
        api.as_(
            "partner",
            "POST",
            "/api/ties",
            json={"type": "AVAILABLE_IN", "from_id": offer_id, "to_id": "09999001"},
        ).status_code
        == 201
    )
    assert (
        api.as_(
            "partner",
            "POST",
            "/api/ties",
            json={"type": "AVAILABLE_IN", "from_id": "off-other", "to_id": "09999001"},
        ).status_code
        == 403
    )
    assert (
        api.as_(
            "partner", "POST", "/api/organisations", json={"name": "Neu", "kind": "other"}
        ).status_code
        == 403
    )
    assert api.as_("partner", "GET", "/api/people/per-1").json().get("email") is None
    contact = api.as_(
        "partner",
        "POST",
        "/api/people",
        json={"name": "Eigene Kontaktperson", "email": "k@caritas.example.org"},
    )
    assert contact.status_code == 201
    assert api.as_("partner", "GET", f"/api/people/{contact.json()['id']}").json()["email"] == (
        "k@caritas.example.org"
    )
    assert api.as_("partner", "GET", "/api/users").status_code == 403


def test_errors_have_one_shape(api_on: Api) -> None:
    api = api_on
    cases = [
        ("GET", "/api/organisations/nope", None, 404, "check the id"),
        (
            "POST",
            "/api/organisations",
            {"id": "org-own", "name": "X", "kind": "other"},
            409,
            "already used",
        ),
        ("POST", "/api/organisations", {"name": "X", "kind": "club"}, 422, "kind"),
        ("POST", "/api/organisations", {"name": "X"}, 422, "kind"),
        (
            "POST",
            "/api/ties",
            {"type": "COOPERATES_WITH", "from_id": "org-own", "to_id": "09999001"},
            422,
            "Organisation → Organisation",
        ),
        (
            "POST",
            "/api/ties",
            {
                "type": "COOPERATES_WITH",
                "from_id": "org-own",
                "to_id": "org-other",
                "since": "2024-02-01",
                "until": "2024-01-01",
            },
            422,
            "until",
        ),
        (
            "POST",
            "/api/ties",
            {"type": "KNOWS", "from_id": "org-own", "to_id": "org-other"},
            422,
            "type",
        ),
        (
            "POST",
            "/api/ties",
            {"type": "PART_OF", "from_id": "09999001", "to_id": "09999001", "intensity": 2},
            422,
            "intensity",
        ),
        ("GET", "/api/organisations?limit=501", None, 422, "limit"),
        ("GET", "/api/organisations?sort=nonsense", None, 422, "sort"),
        ("GET", "/api/organisations?programme=MBE", None, 422, "programme"),
        ("GET", "/api/organisations?as_of=31.12.2024", None, 422, "as_of"),
        ("PATCH", "/api/ties/nope", {"until": "2024-01-01"}, 404, "tie"),
        ("PATCH", "/api/organisations/org-own", {"colour": "red"}, 422, "colour"),
    ]
    for method, url, body, status, words in cases:
        r = api.as_("admin", method, url, json=body)
        assert r.status_code == status, (method, url, r.text)
        detail = r.json()["detail"]
        assert isinstance(detail, str) and words in detail, (url, detail)
        assert "Traceback" not in r.text


def test_sign_in_tokens_and_limits(api: Api) -> None:
    assert api.client.get("/api/me").status_code == 401
    assert (
        api.client.get("/api/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    )
    me = api.as_("partner", "GET", "/api/me").json()
    assert me == {
        "username": "partner",
        "role": "partner",
        "organisation_id": "org-own",
        "language": "de",
    }
    assert api.as_("viewer", "POST", "/api/auth/logout").status_code == 204
    assert api.as_("viewer", "GET", "/api/me").status_code == 401
    token = api.store.accounts.get_token
    assert all(token(t) is None for t in api.tokens.values()), "tokens are stored only as hashes"
    # issue 14: a throttle, no lockout: after a failure the account waits 1 s (doubling
    # with further failures, at most 30 s; tests/api/test_sign_in_throttle.py), and an
    # attempt within the wait is answered 429 unchecked, whatever the password
    r = api.client.post("/api/auth/token", data={"username": "editor", "password": "wrong-one-x"})
    assert r.status_code == 401
    r = api.client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"


def test_accounts_and_data_protection(api: Api) -> None:
    created = api.as_(
        "admin",
        "POST",
        "/api/users",
        json={
            "username": "caritas2",
            "password": "a long password",
            "role": "partner",
            "organisation_id": "org-own",
        },
    )
    assert created.status_code == 201, created.text
    assert (
        api.as_(
            "admin",
            "POST",
            "/api/users",
            json={"username": "p2", "password": "a long password", "role": "partner"},
        ).status_code
        == 422
    )
    assert (
        api.as_(
            "admin",
            "POST",
            "/api/users",
            json={"username": "p3", "password": "short", "role": "viewer"},
        ).status_code
        == 422
    )
    assert (
        api.as_("admin", "PATCH", "/api/users/caritas2", json={"role": "viewer"}).json()[
            "organisation_id"
        ]
        is None
    )
    assert api.as_("editor", "GET", "/api/people/per-1/export").status_code == 403
    export = api.as_("admin", "GET", "/api/people/per-1/export").json()
    assert export["person"]["email"] == "a@example.org"
    assert api.as_("editor", "DELETE", "/api/people/per-1?erase=true").status_code == 403
    assert api.as_("admin", "DELETE", "/api/people/per-1?erase=true").status_code == 204
    assert api.as_("admin", "GET", "/api/people/per-1").status_code == 404
    history = api.as_("admin", "GET", "/api/history", params={"entity": "per-1"}).json()["items"]
    assert history and "a@example.org" not in str(history)
