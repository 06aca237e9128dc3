"""Sign-in throttles on the pages (issue 14, item 5): the login form, ``/konten``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.security import LoginLimiter
from tests.api.conftest import PASSWORD
from tests.web.conftest import Web, csrf_of


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _sign_in(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    return r.status_code


def test_the_login_form_throttles_and_the_admin_lifts_it(web: Web) -> None:
    clock = Clock()
    web.app.state.limiter = LoginLimiter(clock=clock)  # type: ignore[attr-defined]
    browser = web["anonymous"]
    assert _sign_in(browser, "editor", "wrong password!") == 401
    page = browser.get("/login")
    r = browser.post(
        "/login",
        data={"username": "editor", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert "bitte in 1 Sekunden erneut versuchen" in r.text
    # the failed sign-in is in the history, with name and address, not the password
    failed = web.store.audit.list(entity_type="account")[0]
    assert [(e.action, e.after) for e in failed] == [
        ("sign_in_failed", {"username": "editor", "address": "testclient"})
    ]
    assert "wrong password!" not in str(failed)
    admin = web["admin"]
    accounts = admin.get("/konten")
    assert "Konto: editor" in accounts.text and "Anmeldung fehlgeschlagen" in accounts.text
    r = admin.post(
        "/konten/wartezeiten/aufheben",
        data={"csrf_token": csrf_of(accounts.text), "kind": "account", "key": "editor"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Konto: editor" not in admin.get("/konten").text
    assert _sign_in(browser, "editor", PASSWORD) == 303
    # failed sign-ins do not crowd the start page's recent changes
    assert "Anmeldung fehlgeschlagen" not in admin.get("/").text
