"""What a reader sees of a drawn network view, measured in the browser.

Reads vis-network's own drawing state after the first draw (``window.netzwerkatlasNetwork``):
for each organisation whether its name is drawn and at which size on screen, and where the
name's box lies on the page. From that: how many are named at a readable size, which drawn
names overlap, and which are cut off by the canvas edge.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEASURE_JS", "measure"]

#: minimum on-screen font size of a readable name (px)
READABLE_PX = 10

MEASURE_JS = """
() => {
  const net = window.netzwerkatlasNetwork;
  const scale = net.getScale();
  const frame = net.canvas.frame.getBoundingClientRect();
  const out = { scale: scale, frame: [frame.width, frame.height], nodes: [] };
  for (const id of net.body.nodeIndices) {
    const node = net.body.nodes[id];
    const label = node.options.label;
    const module = node.labelModule;
    const limits = (node.options.scaling && node.options.scaling.label) || {};
    const px = module ? Math.min(module.fontOptions.size * scale, limits.maxVisible || 30) : 0;
    const row = { id: String(id), label: label || "", px: px, drawn: false, box: null };
    // vis-network draws a label unless it would be smaller than drawThreshold - 1 px
    if (label && module && module.visible()) {
      const s = module.size;
      const a = net.canvasToDOM({ x: s.left, y: s.top });
      const b = net.canvasToDOM({ x: s.left + s.width, y: s.top + s.height });
      row.drawn = true;
      row.box = [a.x, a.y, b.x, b.y];
    }
    out.nodes.push(row);
  }
  return out;
}
"""


def _overlap(a: list[float], b: list[float], slack: float = 1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def measure(page: Any, ids: set[str] | None = None) -> dict[str, Any]:
    """Named, overlapping and cut-off names of the view drawn on ``page``.

    Args:
        page: a Playwright page showing a network view that has been drawn.
        ids: the nodes that count (default: every node of the view).

    Returns:
        ``{"nodes", "named", "share", "overlaps" (pairs of ids), "cut" (ids), "scale",
        "frame"}``; named = name drawn at :data:`READABLE_PX` or more.
    """
    raw = page.evaluate(MEASURE_JS)
    rows = [r for r in raw["nodes"] if ids is None or r["id"] in ids]
    drawn = [r for r in rows if r["drawn"]]
    named = [r for r in drawn if r["px"] >= READABLE_PX - 0.01]
    overlaps = [
        (a["id"], b["id"])
        for i, a in enumerate(drawn)
        for b in drawn[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    width, height = raw["frame"]
    cut = [
        r["id"]
        for r in drawn
        if r["box"][0] < -0.5
        or r["box"][1] < -0.5
        or r["box"][2] > width + 0.5
        or r["box"][3] > height + 0.5
    ]
    return {
        "nodes": len(rows),
        "named": len(named),
        "share": len(named) / len(rows) if rows else 1.0,
        "overlaps": overlaps,
        "cut": cut,
        "scale": raw["scale"],
        "frame": raw["frame"],
    }
