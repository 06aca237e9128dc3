"""A value the database cannot store is a 422 that says what to change, on every backend,
never a 503 "database unavailable" and never with the server's file paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import Api

TOO_LARGE_BODIES = [
    '{"name": "Riesenstadt", "kind": "municipality", "population": 1e20}',
    '{"name": "Riesenstadt", "kind": "municipality", "population": 100000000000000000000}',
    '{"name": "Riesenstadt", "kind": "municipality", "population": 9223372036854775808}',
]


def _no_path(text: str, data_dir: Path) -> None:
    assert str(data_dir) not in text, text
    assert "netzwerkatlas.lbdb" not in text, text


@pytest.mark.parametrize("body", TOO_LARGE_BODIES)
def test_a_population_too_large_is_answered_422_without_a_path(
    api_on: Api, tmp_path: Path, body: str
) -> None:
    headers = {**api_on.headers("editor"), "Content-Type": "application/json"}
    created = api_on.client.post("/api/areas", content=body, headers=headers)
    assert created.status_code == 422, created.text
    detail = created.json()["detail"]
    assert "population" in detail
    _no_path(created.text, tmp_path)
    changed = api_on.client.patch(
        "/api/areas/09999001", content='{"population": 100000000000000000000}', headers=headers
    )
    assert changed.status_code == 422, changed.text
    assert "population" in changed.json()["detail"]
    _no_path(changed.text, tmp_path)
    largest = body.split('"population": ')[0] + '"population": 9223372036854775807}'
    assert api_on.client.post("/api/areas", content=largest, headers=headers).status_code == 201
