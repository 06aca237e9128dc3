"""The gaps page answers the office's question on a real-shaped list: the migrant
organisations on the edge come first, every list says how long it is and pages through
all of it; nothing is cut off silently."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import hash_password
from api.settings import Settings
from graph_schema.store import open_ladybug
from graph_schema.store.records import Account
from tests.api.conftest import PASSWORD
from tests.web.conftest import login
from tests.web.real_shaped import load, real_shaped


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("gaps") / "data"
    store = open_ladybug(data)
    store.init()
    load(store, real_shaped(68, 54, seed=1))
    store.accounts.create(Account("viewer", hash_password(PASSWORD), "viewer"))
    app = create_app(Settings(data_dir=data, load_demo=False), store=store)
    with TestClient(app, raise_server_exceptions=False) as c:
        login(c, "viewer")
        yield c
    store.close()


def _periphery(html: str) -> list[str]:
    section = html[html.index('id="periphery"') :]
    section = section[: section.index("</section>")]
    return re.findall(r"<tr>\s*<td><a href=\"/organisationen/([^\"]+)\"", section)


def test_the_migrant_organisations_on_the_edge_come_first_and_all_pages_are_reachable(
    client: TestClient,
) -> None:
    region = real_shaped(68, 54, seed=1)
    kind = {o["id"]: o["kind"] for o in region.organisations}
    first = client.get("/analyse/luecken")
    assert first.status_code == 200
    rows = _periphery(first.text)
    total = int(re.search(r'id="h-periphery">[^<]*<span class="muted">\((\d+)\)', first.text)[1])
    assert total > 40 and len(rows) == 40  # a page, and the page says how many there are
    msos = [r for r in rows if kind[r] == "migrant_organisation"]
    assert msos and rows[: len(msos)] == msos  # migrant organisations first
    assert "Einträge 1–40 von" in first.text
    # the next page holds the rest: together every flagged organisation, none twice
    link = re.search(r'href="([^"]*seite_rand=2[^"]*)"', first.text)
    assert link
    second = client.get(link[1].replace("&amp;", "&"))
    rest = _periphery(second.text)
    assert len(set(rows) | set(rest)) == total == len(rows) + len(rest)
    assert "vorige Seite" in second.text


def test_a_page_beyond_the_end_shows_the_last_one(client: TestClient) -> None:
    r = client.get("/analyse/luecken?seite_rand=99")
    assert r.status_code == 200 and _periphery(r.text)
    assert client.get("/analyse/luecken?seite_rand=abc").status_code == 200
