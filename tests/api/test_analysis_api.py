"""``/api/analysis/*`` and ``netzwerkatlas analyse`` on the demo region."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.bootstrap import load_demo
from graph_schema import clock
from graph_schema.demo import generate_region
from graph_schema.store import open_ladybug
from tests.api.conftest import Api, make_api

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "data"
    store = open_ladybug(data)
    store.init()
    load_demo(store, size=150)
    store.close()
    return data


@pytest.fixture
def demo_api(demo_dir: Path, tmp_path: Path) -> Iterator[Api]:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    store = open_ladybug(data)
    yield from make_api(store, data)
    store.close()


def test_every_analysis_answers_and_finds_the_planted_gaps(demo_api: Api) -> None:
    planted = generate_region(size=150, today=clock.today()).planted
    get = lambda path, **p: demo_api.as_("viewer", "GET", f"/api/analysis/{path}", params=p)  # noqa: E731
    metrics = get("metrics").json()["items"]
    assert len(metrics) == 150
    assert set(metrics[0]) >= {
        "id",
        "name",
        "kind",
        "degree",
        "weighted_degree",
        "betweenness",
        "closeness",
        "pagerank",
        "eigenvector",
        "core_number",
        "clustering",
        "constraint",
        "effective_size",
        "articulation_point",
    }
    broker = next(m for m in metrics if m["id"] == planted.broker)
    assert broker["articulation_point"] is True
    summary = get("summary").json()
    assert summary["nodes"] == 150 and 0 < summary["density"] < 1
    assert get("communities").json()["modularity"] > 0
    assert len(get("brokerage").json()["items"]) == 150
    assert "kind" in get("mixing").json()["ei"]
    found = get("gaps").json()
    gap_cells = {(g["field"], g["area"]) for g in found["offer_gaps"]}
    for area in planted.missing_field_areas:
        assert (planted.missing_field, area) in gap_cells
    peripheral = {p["id"] for p in found["peripheral_actors"]}
    assert set(planted.peripheral_msos) <= peripheral
    change = get("change", **{"from": "2018-01-01"}).json()
    assert change
    assert get("change", **{"from": "2030-01-01", "to": "2020-01-01"}).status_code == 422
    assert demo_api.client.get("/api/analysis/summary").status_code == 401


def test_results_are_cached_until_a_write(demo_api: Api) -> None:
    service = demo_api.client.app.state.analysis  # type: ignore[attr-defined]
    f = (clock.today(), None, None, None)
    first = service.summary(f)
    assert service.summary(f) is first
    demo_api.as_("editor", "POST", "/api/organisations", json={"name": "Neu", "kind": "other"})
    again = service.summary(f)
    assert again is not first and again["nodes"] == first["nodes"] + 1


def test_cli_analyse_prints_the_summary(demo_dir: Path) -> None:
    env = {"NETZWERKATLAS_DATA_DIR": str(demo_dir), "COLUMNS": "160", "PATH": "/usr/bin:/bin"}
    table = subprocess.run(
        [sys.executable, "-m", "api.cli", "analyse"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert table.returncode == 0, table.stderr
    assert "Cooperation network as of" in table.stdout and "density" in table.stdout
    assert "Suggested cooperations" in table.stdout
    js = subprocess.run(
        [sys.executable, "-m", "api.cli", "analyse", "--format", "json", "--as-of", "2020-01-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert js.returncode == 0, js.stderr
    assert json.loads(js.stdout)["summary"]["as_of"] == "2020-01-01"
    german = subprocess.run(
        [sys.executable, "-m", "api.cli", "analyse", "--as-of", "01.01.2020", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert german.returncode == 0, german.stderr
    assert json.loads(german.stdout)["summary"]["as_of"] == "2020-01-01"
    bad = subprocess.run(
        [sys.executable, "-m", "api.cli", "analyse", "--as-of", "10/12/2018"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "10.12.2018 or 12.10.2018" in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_large_graphs_serve_estimates_while_the_exact_figures_run(
    demo_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the (lowered) limit: estimates first, exact figures from the background job."""
    import api.services.analysis as analysis_module
    from network import actors, figures

    monkeypatch.setattr(analysis_module, "BACKGROUND_LIMIT", 100)
    monkeypatch.setattr(analysis_module, "SAMPLES", 32)
    monkeypatch.setattr(analysis_module, "CHUNK", 16)
    service = demo_api.client.app.state.analysis  # type: ignore[attr-defined]
    get = lambda path, **p: demo_api.as_("viewer", "GET", f"/api/analysis/{path}", params=p)  # noqa: E731
    today = clock.today()
    f = (today, None, None, None)

    idle = get("status").json()
    assert idle["state"] == "idle" and idle["exact"] is False and idle["progress"] == 0.0
    first = get("metrics").json()
    assert first["estimated"] is True and all(r["estimated"] for r in first["items"])
    # the job may already be done on so small a graph; until then the summary is estimated
    assert get("summary").json()["estimated"] is True or get("status").json()["exact"]
    assert get("status").json()["state"] in ("running", "done")

    done = service.wait(f, timeout=60)
    assert done["state"] == "done" and done["exact"] is True and done["progress"] == 1.0
    status = get("status").json()
    assert status == {**done, "store_version": service.store.version}

    g = service.graph(f)
    reference = {r["id"]: r for r in actors.actor_metrics(g)}  # exact: 150 < EXACT_LIMIT
    exact = get("metrics").json()
    assert exact["estimated"] is False and len(exact["items"]) == 150
    for row in exact["items"]:
        ref = reference[row["id"]]
        for key in ("betweenness", "betweenness_weighted", "closeness"):
            assert row[key] == pytest.approx(ref[key], abs=1e-9), (row["id"], key)
        assert row["pagerank"] == pytest.approx(ref["pagerank"])
    summary = get("summary").json()
    ref_summary = figures.summary(g)
    assert summary["estimated"] is False and summary["betweenness_estimated"] is False
    for key in ("betweenness_centralisation", "diameter", "average_path_length"):
        assert summary[key] == pytest.approx(ref_summary[key]), key
    assert service.metrics(f) is service.metrics(f)  # cached

    # a write makes the figures stale: estimates again, and a new job
    demo_api.as_("editor", "POST", "/api/organisations", json={"name": "Neu", "kind": "other"})
    after = get("status").json()
    assert after["store_version"] > status["store_version"] and after["exact"] is False
    again = get("metrics").json()
    assert again["estimated"] is True and len(again["items"]) == 151
    assert service.wait(f, timeout=60)["exact"] is True
    assert get("metrics").json()["estimated"] is False


def test_small_graphs_stay_synchronous_and_exact(demo_api: Api) -> None:
    get = lambda path, **p: demo_api.as_("viewer", "GET", f"/api/analysis/{path}", params=p)  # noqa: E731
    assert get("status").json()["state"] == "idle"
    assert get("metrics").json()["estimated"] is False
    assert get("summary").json()["estimated"] is False
    status = get("status").json()
    assert status["state"] == "done" and status["exact"] is True


def test_api_cli_and_report_give_the_same_answers(demo_api: Api, demo_dir: Path) -> None:
    """One analysis service behind every consumer: the gaps, figures and brokers of the API,
    of ``netzwerkatlas analyse`` and of the report are the same."""
    from api.transfer import report

    get = lambda path, **p: demo_api.as_("viewer", "GET", f"/api/analysis/{path}", params=p)  # noqa: E731
    api_gaps = get("gaps", limit=10).json()
    api_summary = get("summary").json()
    env = {"NETZWERKATLAS_DATA_DIR": str(demo_dir), "PATH": "/usr/bin:/bin"}
    env["NETZWERKATLAS_TODAY"] = clock.today().isoformat()
    js = subprocess.run(
        [sys.executable, "-m", "api.cli", "analyse", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert js.returncode == 0, js.stderr
    cli = json.loads(js.stdout)
    assert cli["gaps"] == api_gaps
    assert {k: v for k, v in cli["summary"].items() if k != "estimated"} == {
        k: v for k, v in api_summary.items() if k != "estimated"
    }
    data = report.build_report(demo_api.client.app.state.analysis)  # type: ignore[attr-defined]
    assert data.offer_gap_total == len(api_gaps["offer_gaps"])
    assert data.peripheral_total == len(api_gaps["peripheral_actors"])
    uncoordinated = [d for d in api_gaps["duplicate_offers"] if not d["coordinated"]]
    assert data.duplicate_total == len(uncoordinated)
    top = get("gaps", limit=report.TOP).json()["missing_cooperations"]
    assert [m["reason"]["de"] for m in data.missing] == [m["reason"]["de"] for m in top]
    assert [n["de"] for n in data.notes] == [n["de"] for n in api_gaps["notes"]]
