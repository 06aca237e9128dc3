"""Web views at scale: the real server and headless Chromium (Playwright).

For each tier (300, 3,000, 5,000 and 30,000 demo organisations by default) the real server
(``netzwerkatlas serve``) starts on a free port of 127.0.0.1 in a throw-away data directory
and loads the demo region of that size on its first start (as ``benchmarks/bench_api.py``
does). When the network is large enough to be grouped, the server warms the default view
up in the background; the benchmark waits for that (and reports how long it took). Then:

- **server**: ``GET /netzwerk`` as a signed-in admin, five times; the page reports the time
  the server spent building the view ("Bild berechnet in ... ms"), the client the whole
  request. The first request after the warm-up is reported apart from the median of the
  others.
- **interactive**: headless Chromium (``/usr/bin/chromium``) navigates to ``/netzwerk``
  and waits until the view has drawn once (``body[data-network-ready]``, set by the viewer
  after vis-network's first ``afterDrawing``) and answers a zoom (``moveTo``), as
  ``tests/web/test_browser.py`` defines "interactive"; three runs, the median.
- **list**: ``GET /organisationen`` (first page), five times over HTTP (median), and the
  time until the browser's ``load`` event (median of three).
- **reference** (issue 16): a minimal vis-network page with the same nodes, edges and
  options as the drawn map (read back from the map's vis-network data sets: id, position,
  size, label, colour, shape; ends and width of each edge; the map's options), generated
  here, served from loopback by a plain HTTP server with the same vis-network file and
  measured in the same Chromium the same way (both after a first visit, five runs
  alternating between the map and the minimal page, medians); no names, tooltips, links,
  search, legend or controls. **bytes**: what a first visit loads, the document and every script and
  stylesheet it references; the ratios (ours / minimal) go to ``results.json`` and the
  section "Against the references".

Writes the section "## Web views (...)" of ``benchmarks/RESULTS.md``. Run with
``.venv/bin/python -m benchmarks.bench_web`` (``--sizes 300 3000`` for fewer tiers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.bench_api import HOST, _free_port
from benchmarks.results import RESULTS, record_reference, write_json, write_section

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("NETZWERKATLAS_CHROMIUM", "/usr/bin/chromium")
TITLE = "## Web views (network view and organisations list, headless Chromium)"
SERVER_MS = re.compile(r"Bild berechnet in (\d+) ms")
ASSETS = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)"')
VIS = ROOT / "api" / "static" / "vendor" / "vis-network" / "vis-network.min.js"
#: the map's vis-network data as drawn (its data sets after the viewer expanded the page's
#: data), reduced to what a minimal page needs to draw the same; and the canvas' size
DRAWN_JS = """() => {
  const net = window.netzwerkatlasNetwork;
  const data = JSON.parse(document.getElementById("network-data").textContent);
  const box = document.getElementById("network").getBoundingClientRect();
  const nodes = net.body.data.nodes.get().map((n) => {
    const o = { id: n.id, x: n.x, y: n.y };
    if (n.size !== undefined) o.size = n.size;
    if (n.label) o.label = n.label;
    if (n.shape) o.shape = n.shape;
    if (n.borderWidth) o.borderWidth = n.borderWidth;
    if (n.color) o.color = n.color.background || n.color;
    if (n.font && n.font.size !== undefined) o.font = { size: n.font.size };
    return o;
  });
  const edges = net.body.data.edges.get().map((e) => {
    const o = { from: e.from, to: e.to };
    if (e.width !== undefined) o.width = e.width;
    if (e.dashes) o.dashes = e.dashes;
    if (e.color) o.color = e.color.color || e.color;
    return o;
  });
  return { nodes: nodes, edges: edges, options: data.options,
           width: Math.round(box.width), height: Math.round(box.height) };
}"""
MINIMAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>minimal</title>
<style>body {{ margin: 0 }} #n {{ width: {width}px; height: {height}px }}</style></head>
<body><div id="n"></div>
<script type="application/json" id="d">{data}</script>
<script src="vis-network.min.js"></script>
<script>
const d = JSON.parse(document.getElementById("d").textContent);
const net = new vis.Network(document.getElementById("n"),
  {{ nodes: new vis.DataSet(d.nodes), edges: new vis.DataSet(d.edges) }}, d.options);
net.fit({{ animation: false }});
net.once("afterDrawing", () => document.body.setAttribute("data-network-ready", "1"));
window.netzwerkatlasNetwork = net;
</script></body></html>
"""


class Server:
    """``python -m api.cli serve`` in a fresh data directory with the demo region."""

    def __init__(self, size: int, work: Path) -> None:
        self.size = size
        self.data_dir = work / "data"
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = work / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float) -> float:
        env = {
            **os.environ,
            "NETZWERKATLAS_DATA_DIR": str(self.data_dir),
            "NETZWERKATLAS_STORE": "ladybug",
            "NETZWERKATLAS_DEMO_SIZE": str(self.size),
            "NETZWERKATLAS_LOAD_DEMO": "true",
            # info: the warm-up reports its end; no access log is written at this level
            "NETZWERKATLAS_LOG_LEVEL": "info",
        }
        began = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        while time.perf_counter() - began < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return time.perf_counter() - began
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not start in time")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_warm_up(self, timeout_s: float) -> float | None:
        """Seconds the warm-up took (from the server's log), None if there was none."""
        from api.web.network import WARM_ABOVE

        if self.size <= WARM_ABOVE:
            return None
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            found = re.search(r"network view warmed up in ([\d.]+) s", self.log())
            if found:
                return float(found.group(1))
            time.sleep(1)
        return None

    @property
    def password(self) -> str:
        return (self.data_dir / "initial-admin-password").read_text().strip()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _sign_in(client: httpx.Client, password: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    r = client.post(
        "/login", data={"username": "admin", "password": password, "csrf_token": token.group(1)}
    )
    r.raise_for_status()


def _http(server: Server) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(base_url=server.url, timeout=600, follow_redirects=True) as client:
        _sign_in(client, server.password)
        walls, builds = [], []
        for _ in range(5):
            began = time.perf_counter()
            r = client.get("/netzwerk")
            walls.append(time.perf_counter() - began)
            r.raise_for_status()
            found = SERVER_MS.search(r.text)
            builds.append(int(found.group(1)) if found else None)
            out["grouped"] = "Zusammengefasste Übersicht." in r.text
            out["page_kb"] = round(len(r.content) / 1024)
            out["page_bytes"] = len(r.content) + sum(
                len(client.get(src).content) for src in ASSETS.findall(r.text)
            )
            data = re.search(r'id="network-data">(.*?)</script>', r.text, re.S)
            if data:
                parsed = json.loads(data.group(1))
                out["drawn_nodes"] = len(parsed["nodes"])
                out["drawn_edges"] = len(parsed["edges"])
        out["first_build_ms"], out["first_request_s"] = builds[0], round(walls[0], 3)
        out["build_ms"] = statistics.median(b for b in builds[1:] if b is not None)
        out["request_s"] = round(statistics.median(walls[1:]), 3)
        lists = []
        for _ in range(5):
            began = time.perf_counter()
            client.get("/organisationen").raise_for_status()
            lists.append(time.perf_counter() - began)
        out["list_request_s"] = round(statistics.median(lists), 3)
    return out


def _browser(server: Server) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(server.url + "/login")
        page.get_by_label("Benutzername").fill("admin")
        page.get_by_label("Passwort").fill(server.password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(server.url + "/", timeout=600_000)
        runs, draws = [], []
        for _ in range(3):
            began = time.perf_counter()
            page.goto(server.url + "/netzwerk", timeout=600_000)
            page.wait_for_selector("body[data-network-ready]", timeout=600_000)
            page.evaluate("window.netzwerkatlasNetwork.moveTo({scale: 0.5})")
            runs.append(time.perf_counter() - began)
            draws.append(int(page.get_attribute("body", "data-network-ready") or 0))
        out["interactive_s"] = round(statistics.median(runs), 2)
        out["draw_ms"] = statistics.median(draws)
        out.update(_minimal(page, page.evaluate(DRAWN_JS), server.url + "/netzwerk"))
        lists = []
        for _ in range(3):
            began = time.perf_counter()
            page.goto(server.url + "/organisationen", wait_until="load")
            lists.append(time.perf_counter() - began)
        out["list_browser_s"] = round(statistics.median(lists), 2)
        browser.close()
    return out


def minimal_page(drawn: dict[str, Any]) -> str:
    """The minimal vis-network page of the drawn map: its nodes, edges and options, the
    most common font size once in the options."""
    from viz.network_view import script_json

    options = json.loads(json.dumps(drawn["options"]))
    options.setdefault("interaction", {})["dragNodes"] = True
    sizes = [n["font"]["size"] for n in drawn["nodes"] if "font" in n]
    if sizes:
        common = statistics.mode(sizes)
        options.setdefault("nodes", {}).setdefault("font", {})["size"] = common
        for n in drawn["nodes"]:
            if n.get("font", {}).get("size") == common:
                del n["font"]
    data = script_json({"nodes": drawn["nodes"], "edges": drawn["edges"], "options": options})
    return MINIMAL.format(width=drawn["width"], height=drawn["height"], data=data)


def _interactive(page: Any, url: str) -> float:
    """Seconds from navigating to ``url`` until the view has drawn and answered a zoom."""
    began = time.perf_counter()
    page.goto(url, timeout=600_000)
    page.wait_for_selector("body[data-network-ready]", timeout=600_000)
    page.evaluate("window.netzwerkatlasNetwork.moveTo({scale: 0.5})")
    return time.perf_counter() - began


def _minimal(page: Any, drawn: dict[str, Any], map_url: str, rounds: int = 5) -> dict[str, Any]:
    """The minimal page of the drawn map, served from loopback beside the same vis-network
    file and measured in the same browser page as the map: bytes, and interactive in
    ``rounds`` runs that alternate between the map and the minimal page (each after a
    first visit, so both have their scripts cached; a passing load on the machine slows
    both alike), medians."""
    import functools
    import http.server
    import threading

    folder = Path(tempfile.mkdtemp(prefix="netzwerkatlas-bench-minimal-"))
    html = minimal_page(drawn).encode()
    (folder / "minimal.html").write_bytes(html)
    shutil.copy(VIS, folder / VIS.name)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer((HOST, _free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://{HOST}:{httpd.server_address[1]}/minimal.html"
    try:
        _interactive(page, url)  # the first visit: vis-network into the cache
        ours, minimal = [], []
        for _ in range(rounds):
            ours.append(_interactive(page, map_url))
            minimal.append(_interactive(page, url))
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "map_warm_s": round(statistics.median(ours), 2),
        "minimal_interactive_s": round(statistics.median(minimal), 2),
        "minimal_bytes": len(html) + VIS.stat().st_size,
    }


def run_tier(size: int, keep: bool) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"netzwerkatlas-bench-web-{size}-"))
    server = Server(size, work)
    try:
        print(f"{size:,} organisations: starting and loading ...", flush=True)
        row: dict[str, Any] = {"size": size, "start_s": round(server.start(1800), 1)}
        row["warm_up_s"] = server.wait_for_warm_up(900)
        row.update(_http(server))
        row.update(_browser(server))
        print(f"  {row}", flush=True)
        return row
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _text(rows: list[dict[str, Any]]) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    from api.web.network import GROUP_ABOVE, WARM_ABOVE

    lines = [
        TITLE,
        "",
        f"Run {now} on {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, embedded LadybugDB, Debian Chromium headless. "
        "`python -m benchmarks.bench_web` writes this section.",
        "",
        "The real server (`netzwerkatlas serve`) with the demo region of each size, signed in "
        "as admin. **build**: the server's own time for the default `/netzwerk` view's data "
        "(reported on the page; first request after start-up and warm-up, then the median of "
        "four more; a view built before, e.g. by the warm-up, is served as written then, "
        "until the data or a stored layout changes); **request**: the whole HTTP request "
        "(median). **interactive**: from "
        "navigation in headless Chromium until the view has drawn and answered a zoom "
        "(median of three; the definition of `tests/web/test_browser.py`). **list**: "
        "`/organisationen` over HTTP (median of five) and until the browser's load event "
        f"(median of three). Above {GROUP_ABOVE:,} organisations the map opens grouped by "
        "area (one circle per area, the largest 40 by name). Above "
        f"{WARM_ABOVE:,} organisations the server computes the default view, the stored "
        "layout, the communities and the start page's figures in a background warm-up "
        "right after start and a few seconds after each change (**warm-up**; the bench "
        "waits for it).",
        "",
        "| organisations | grouped | drawn nodes | drawn edges | page (KB) | warm-up (s) "
        "| first build (ms) | build (ms) | request (s) | interactive (s) | first draw (ms) "
        "| list request (s) | list in browser (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        warm = "–" if r.get("warm_up_s") is None else f"{r['warm_up_s']:.1f}"
        lines.append(
            f"| {r['size']:,} | {'yes' if r.get('grouped') else 'no'} "
            f"| {r.get('drawn_nodes', 0):,} | {r.get('drawn_edges', 0):,} | {r['page_kb']:,} "
            f"| {warm} | {r['first_build_ms']} | {r['build_ms']:.0f} | {r['request_s']:.3f} "
            f"| {r['interactive_s']:.2f} | {r['draw_ms']:.0f} | {r['list_request_s']:.3f} "
            f"| {r['list_browser_s']:.2f} |"
        )
    lines += [
        "",
        "### Against a minimal vis-network page (issue 16)",
        "",
        "The same drawn nodes, edges and options in a page generated by the benchmark "
        "(nothing but vis-network: no names, tooltips, links, search, legend or controls), "
        "measured in the same run and browser. **first visit**: the document and every "
        "script and stylesheet it references (the map's static files are then cached for "
        "a year under versioned addresses). **interactive, warm**: as above, both pages "
        "after a first visit (scripts cached), five runs alternating between the map and "
        "the minimal page, medians. Aim: at most 1.2 times the minimal page.",
        "",
        "| organisations | page (KB) | minimal (KB) | ratio | interactive, warm (s) "
        "| minimal (s) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['page_bytes'] / 1024:,.0f} | {r['minimal_bytes'] / 1024:,.0f} "
            f"| {r['page_bytes'] / r['minimal_bytes']:.2f} | {r['map_warm_s']:.2f} "
            f"| {r['minimal_interactive_s']:.2f} "
            f"| {r['map_warm_s'] / r['minimal_interactive_s']:.2f} |"
        )
    lines += [
        "",
        "Aims (issue 6): view built in under 0.5 s and interactive in under 2 s at 5,000 "
        "nodes; at 30,000 a readable first picture in under 3 s.",
    ]
    return "\n".join(lines) + "\n"


def _record(rows: list[dict[str, Any]]) -> None:
    """The map page's row of issue 16's table: the tier closest to 5,000 organisations
    that is drawn organisation by organisation."""
    drawn = [r for r in rows if not r.get("grouped")]
    if not drawn:
        return
    r = min(drawn, key=lambda r: abs(r["size"] - 5000))
    record_reference(
        "map_page",
        [
            {
                "what": f"first visit at {r['size']:,}",
                "unit": "KB",
                "ours": r["page_bytes"] / 1024,
                "reference": r["minimal_bytes"] / 1024,
            },
            {
                "what": f"interactive at {r['size']:,}, scripts cached",
                "unit": "s",
                "ours": r["map_warm_s"],
                "reference": r["minimal_interactive_s"],
            },
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 5000, 30000])
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    args = parser.parse_args(argv)
    rows = [run_tier(size, args.keep) for size in args.sizes]
    text = _text(rows)
    print(text)
    if not args.no_write:
        write_section(TITLE, text, RESULTS)
        write_json("web", rows)
        _record(rows)
        print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
