"""Sign-in, the session cookie, CSRF tokens and sign-out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Web, csrf_of, login


def test_pages_need_a_session(web: Web) -> None:
    r = web["anonymous"].get("/organisationen?q=x", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Forganisationen%3Fq%3Dx"


def test_login_sets_an_httponly_lax_cookie_of_kind_session(web: Web) -> None:
    client = TestClient(web.app)
    page = client.get("/login")
    assert page.status_code == 200 and 'name="username"' in page.text
    assert 'name="password"' in page.text
    r = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.text),
            "next": "/angebote",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/angebote"
    cookie = r.headers["set-cookie"]
    assert "netzwerkatlas_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Secure" not in cookie.split("netzwerkatlas_login")[0]
    tokens = web.store.backend.run("MATCH (n:AccessToken) RETURN n.kind AS kind")
    assert "session" in {t["kind"] for t in tokens}


def test_the_session_cookie_is_secure_with_the_setting(web: Web) -> None:
    web.app.state.settings.cookie_secure = True  # type: ignore[attr-defined]
    try:
        client = TestClient(web.app, base_url="https://testserver")
        page = client.get("/login")
        r = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": "correct horse battery",
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        assert "Secure" in r.headers["set-cookie"]
    finally:
        web.app.state.settings.cookie_secure = None  # type: ignore[attr-defined]


def test_login_without_csrf_token_is_refused(web: Web) -> None:
    client = TestClient(web.app)
    client.get("/login")
    r = client.post("/login", data={"username": "viewer", "password": "correct horse battery"})
    assert r.status_code == 403
    assert "Formular abgelaufen" in r.text


def test_wrong_password_keeps_the_name_and_says_so_in_german(web: Web) -> None:
    client = TestClient(web.app)
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": "wrong password!",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert r.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in r.text
    assert 'value="viewer"' in r.text


def test_next_never_leads_to_another_host(web: Web) -> None:
    client = TestClient(web.app)
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_logout_revokes_the_session(web: Web) -> None:
    client = TestClient(web.app)
    login(client, "editor")
    page = client.get("/")
    assert page.status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    client.cookies.set("netzwerkatlas_session", "gone")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_bearer_token_is_no_session(web: Web) -> None:
    token = (
        web["anonymous"]
        .post("/api/auth/token", data={"username": "admin", "password": "correct horse battery"})
        .json()["access_token"]
    )
    client = TestClient(web.app)
    client.cookies.set("netzwerkatlas_session", token)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_no_bearer_token(web: Web) -> None:
    r = web["admin"].get("/api/me")
    assert r.status_code == 401  # the JSON API stays bearer-only (no CSRF exposure)


def test_forms_without_the_session_csrf_token_are_refused(web: Web) -> None:
    r = web["editor"].post(
        "/organisationen/neu", data={"name": "Neu", "kind": "initiative", "csrf_token": "x"}
    )
    assert r.status_code == 403
    assert web.store.list("Organisation", q="Neu").total == 0
