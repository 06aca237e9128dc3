"""Two people edit one entry: a form shown before the other's change is refused (409) with
both values beside each field changed meanwhile, and nothing is written."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from api.web.forms import ORIGINAL_FIELD, VERSION_FIELD
from tests.web.conftest import Web, csrf_of

URL = "/organisationen/org-own/bearbeiten"


class _Form(HTMLParser):
    """An edit form as a browser would send it, and the message beside each field."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.messages: dict[str, str] = {}
        self._into: tuple[dict[str, str], str] | None = None
        self._selecting: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.values[a["name"]] = ""
            self._into = (self.values, a["name"])
        elif tag == "select":
            self._selecting = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._selecting and "selected" in a:
            self.values[self._selecting] = a.get("value", "")
        elif tag == "p" and a.get("id", "").startswith("e-"):
            self.messages[a["id"][2:]] = ""
            self._into = (self.messages, a["id"][2:])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "p"):
            self._into = None
        if tag == "select":
            self._selecting = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            target, key = self._into
            target[key] += data


def _open(client: TestClient) -> _Form:
    page = client.get(URL)
    assert page.status_code == 200
    return _Form(page.text)


def _save(client: TestClient, form: _Form, **typed: str):  # type: ignore[no-untyped-def]
    return client.post(URL, data={**form.values, **typed}, follow_redirects=False)


def test_the_edit_form_carries_the_entry_version(web: Web) -> None:
    form = _open(web["editor"])
    node = web.store.get("Organisation", "org-own")
    assert form.values[VERSION_FIELD] == web.store.entry_version(node)
    assert '"name": "Caritas"' in form.values[ORIGINAL_FIELD]
    assert form.values["csrf_token"] == csrf_of(web["editor"].get(URL).text)


def test_a_stale_form_does_not_undo_a_newer_change(web: Web) -> None:
    """The reported case: an editor's form, open while an administrator wrote a new
    description, would have put the old (empty) description back."""
    stale = _open(web["editor"])
    fresh = _open(web["admin"])
    assert _save(web["admin"], fresh, description="Neu vom Büro").status_code == 303
    history = web.store.audit.list(entity_id="org-own")[1]

    r = _save(web["editor"], stale, short_name="CV")
    assert r.status_code == 409
    again = _Form(r.text)
    assert "nichts wurde gespeichert" in r.text
    # the field changed meanwhile: the value stored now and the one the form had
    assert "Neu vom Büro" in again.messages["description"]
    assert "(leer)" in again.messages["description"]
    assert again.values["description"] == "Neu vom Büro"  # left as shown: taken over
    assert again.values["short_name"] == "CV"  # what the editor typed stays
    assert set(again.messages) == {"description"}
    node = web.store.get("Organisation", "org-own")
    assert node.description == "Neu vom Büro" and node.short_name is None  # type: ignore[attr-defined]
    assert web.store.audit.list(entity_id="org-own")[1] == history

    # saved again from the form shown with the conflict: both changes are kept
    assert _save(web["editor"], again).status_code == 303
    node = web.store.get("Organisation", "org-own")
    assert node.description == "Neu vom Büro" and node.short_name == "CV"  # type: ignore[attr-defined]


def test_both_changed_one_field_shows_both_values(web: Web) -> None:
    stale = _open(web["editor"])
    assert _save(web["admin"], _open(web["admin"]), name="Caritas Lindenau").status_code == 303

    r = _save(web["editor"], stale, name="Caritasverband")
    assert r.status_code == 409
    again = _Form(r.text)
    message = again.messages["name"]
    assert "Caritas Lindenau" in message and "Caritasverband" in message
    assert again.values["name"] == "Caritasverband"
    assert web.store.get("Organisation", "org-own").name == "Caritas Lindenau"  # type: ignore[attr-defined]
    # a second stale save of the first form is refused again
    assert _save(web["editor"], stale, name="Caritasverband").status_code == 409
    # the form shown with the conflict names the new version: its save goes through
    assert _save(web["editor"], again).status_code == 303
    assert web.store.get("Organisation", "org-own").name == "Caritasverband"  # type: ignore[attr-defined]


def test_a_form_without_a_version_saves_as_before(web: Web) -> None:
    form = _open(web["editor"])
    assert _save(web["admin"], _open(web["admin"]), description="Neu").status_code == 303
    del form.values[VERSION_FIELD], form.values[ORIGINAL_FIELD]
    assert _save(web["editor"], form, short_name="CV").status_code == 303
    assert web.store.get("Organisation", "org-own").short_name == "CV"  # type: ignore[attr-defined]


def test_a_wrong_value_keeps_the_form_version(web: Web) -> None:
    """A form shown again for a wrong value still names the version it was based on."""
    form = _open(web["editor"])
    r = _save(web["editor"], form, name="")
    assert r.status_code == 422
    retry = _Form(r.text)
    assert retry.values[VERSION_FIELD] == form.values[VERSION_FIELD]
    assert _save(web["editor"], retry, name="Caritas e.V.").status_code == 303
