"""Names on the map: what is written under a node, how much room it takes, positions
that leave every name its room, and which names to draw.

Real organisation names are long ("Haus Afrika e.V. – Verband interkulturell aktiver
Organisationen"), so the map writes the short name where one is set and otherwise wraps
the name into at most :data:`MAX_LINES` short lines, shortened with "…" (the full name
stays in the tooltip, the panel and the table). Room is estimated from Arial/Helvetica
advance widths (the browsers' ``sans-serif`` on Windows, macOS and Debian's Chromium).

:func:`place` is the label-adjust step of the layout (the job of Gephi's "Noverlap" and
"Label Adjust"): most important first, each node takes the free spot nearest to where the
force-directed layout wanted it, its dot and its name together, inside the canvas; so no
two names overlap and none is cut off, and the picture's shape and neighbourhoods stay.
:func:`cull` decides at drawing time which names fit (views of part of the map, editors'
own positions, other node sizes): the others appear when zooming in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "FONT",
    "LABEL_GAP",
    "LINE_CHARS",
    "MAX_LINES",
    "Footprint",
    "cull",
    "footprint",
    "label_box",
    "lines_for",
    "map_label",
    "place",
    "text_width",
]

#: font size of a name on the map (vis-network units: pixels at zoom 1)
FONT = 11
#: characters per line of a wrapped name, and lines at most
LINE_CHARS, MAX_LINES = 16, 2
#: up to this many nodes a name may take three lines, above :data:`ONE_LINE_ABOVE` one
THREE_LINES_UP_TO, ONE_LINE_ABOVE = 100, 150
#: line height as a share of the font size (vis-network's multi-line labels)
LINE_HEIGHT = 1.0
#: space between a dot and its name (vis-network's label margin)
LABEL_GAP = 5.0

# Arial/Helvetica advance widths in 1/1000 em for the printable ASCII characters
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_WIDTHS = {chr(32 + i): int(w) / 1000 for i, w in enumerate(_ASCII.split())}
_WIDTHS.update({"–": 0.556, "—": 1.0, "„": 0.333, "“": 0.333, "”": 0.333, "…": 1.0, "ß": 0.611})

_LEGAL_FORM = re.compile(r"\s*\b(e\.\s?V\.|gGmbH|GmbH|gUG|e\.\s?G\.|KdöR)(?=\s|$|,)")
_DASH = re.compile(r"\s+[–—-]\s+")
#: a note in brackets longer than an abbreviation: "(Sitz Saarbrücken)", not "(MBE)"
_NOTE = re.compile(r"\s*\([^()]{7,}\)")


def text_width(text: str, font: float = FONT) -> float:
    """Width of one line of ``text`` in pixels at ``font`` size (Arial metrics).

    Examples:
        >>> round(text_width("AWO", 10), 1)
        23.9
    """
    total = 0.0
    for ch in text:
        w = _WIDTHS.get(ch)
        if w is None:
            w = 0.722 if ch.isupper() else 0.556
        total += w
    return total * font


def _wrap(words: list[str], width: int, lines: int) -> list[str]:
    """Greedy lines of at most ``width`` characters; if the words need more than
    ``lines``, the last line keeps the name's end ("… Völklingen"): the place or the
    distinguishing word usually comes last."""
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    out = [line if len(line) <= width + 3 else line[: width - 1] + "…" for line in out]
    if len(out) <= lines:
        return out
    kept = out[: lines - 1]
    used = len(" ".join(kept).split())
    tail: list[str] = []
    for word in reversed(words[used:]):
        if len(" ".join(["…", word, *tail])) > width:
            break
        tail.insert(0, word)
    if tail:
        return [*kept, " ".join(["…", *tail])]
    rest = " ".join(words[used:])
    return [*kept, rest[: width - 1].rstrip(" -–,;") + "…"]


def map_label(
    name: str, short_name: str | None = None, width: int = LINE_CHARS, lines: int = MAX_LINES
) -> str:
    """The text drawn under a node: the short name if set, else the name, wrapped.

    A long name loses its legal form (e.V., gGmbH, ...) and its longer notes in brackets
    ("(Sitz Saarbrücken)"; short ones such as "(MBE)" stay) first; what follows a dash
    (an explanation, "– Verband interkulturell aktiver Organisationen") comes after the
    main name. Where lines run out, the first line keeps the start and the last the end
    of the name. Lines are joined with a line break (vis-network's multi-line labels).

    Examples:
        >>> map_label("AWO Kreisverband")
        'AWO Kreisverband'
        >>> print(map_label("Haus Afrika e.V. – Verband interkulturell aktiver Organisationen"))
        Haus Afrika
        … Organisationen
        >>> print(map_label("Amt für Soziale Angelegenheiten der Stadt Völklingen"))
        Amt für Soziale
        … Völklingen
        >>> print(map_label("Flüchtlingshilfe Heusweiler (Ehrenamtsinitiative)"))
        Flüchtlingshilfe
        Heusweiler
        >>> map_label("Der Paritätische Wohlfahrtsverband", width=14, lines=1)
        'Der Paritätis…'
        >>> map_label("Netzwerk Migrantenorganisationen Saar", short_name="NeMO")
        'NeMO'
    """
    text = (short_name or "").strip() or name.strip()
    if len(text) <= width:
        return text
    text = _NOTE.sub("", _LEGAL_FORM.sub("", text)).strip(" ,")
    if len(text) <= width:
        return text
    parts = _DASH.split(text, maxsplit=1)
    if len(parts) == 2 and lines > 1 and len(parts[0]) <= width * (lines - 1):
        head = _wrap(parts[0].split(), width, lines - 1)
        return "\n".join(head + _wrap(parts[1].split(), width, lines - len(head)))
    if len(parts) == 2 and len(parts[0]) <= width * lines:
        return "\n".join(_wrap(parts[0].split(), width, lines))
    return "\n".join(_wrap(text.split(), width, lines))


def lines_for(nodes: int) -> tuple[int, int]:
    """Characters per line and lines of the names on a map of ``nodes`` nodes.

    Examples:
        >>> lines_for(68), lines_for(150), lines_for(300), lines_for(500)
        ((16, 3), (16, 2), (14, 1), (13, 1))
    """
    if nodes <= THREE_LINES_UP_TO:
        return LINE_CHARS, MAX_LINES + 1
    if nodes <= ONE_LINE_ABOVE:
        return LINE_CHARS, MAX_LINES
    return (LINE_CHARS - 2 if nodes <= 2 * ONE_LINE_ABOVE else LINE_CHARS - 3), 1


def label_box(label: str, font: float = FONT) -> tuple[float, float]:
    """Width and height (pixels at zoom 1) of a drawn label, lines split at ``\\n``.

    Examples:
        >>> [round(x) for x in label_box("AWO\\nKreisverband", 10)]
        [59, 20]
    """
    if not label:
        return 0.0, 0.0
    rows = label.split("\n")
    return max(text_width(r, font) for r in rows), len(rows) * font * LINE_HEIGHT


@dataclass(frozen=True)
class Footprint:
    """The room of a node on the map at zoom 1: its dot (radius ``r``) and, if named, its
    name's box (``w`` x ``h``) centred below the dot."""

    r: float
    w: float = 0.0
    h: float = 0.0
    above: bool = False
    #: the name inside a box (vis-network's shape "box"): the box is all the room
    inside: bool = False

    def rects(self, x: float, y: float, named: bool = True) -> list[tuple[float, ...]]:
        """``(left, top, right, bottom)`` of the dot and (if named) of the name."""
        if self.inside:
            return [(x - self.w / 2, y - self.h / 2, x + self.w / 2, y + self.h / 2)]
        out: list[tuple[float, ...]] = [(x - self.r, y - self.r, x + self.r, y + self.r)]
        if named and self.w:
            top = y - self.r - LABEL_GAP - self.h if self.above else y + self.r + LABEL_GAP
            out.append((x - self.w / 2, top, x + self.w / 2, top + self.h))
        return out

    @property
    def vadjust(self) -> float:
        """vis-network's ``font.vadjust`` that draws the name above the dot instead."""
        return -(2 * self.r + 2 * LABEL_GAP + self.h) if self.above else 0.0


def footprint(label: str, radius: float, font: float = FONT, above: bool = False) -> Footprint:
    w, h = label_box(label, font)
    return Footprint(radius, w, h, above)


class _Grid:
    """An occupancy grid of ``cell``-sized squares over a ``width`` x ``height`` canvas
    centred on the origin."""

    def __init__(self, width: float, height: float, cell: float) -> None:
        self.cell = cell
        self.nx = max(1, int(math.ceil(width / cell)))
        self.ny = max(1, int(math.ceil(height / cell)))
        self.x0, self.y0 = -self.nx * cell / 2, -self.ny * cell / 2
        self.occupied = np.zeros((self.ny, self.nx), dtype=np.int32)

    def integral(self) -> np.ndarray:
        """The summed-area table of the occupied cells (one per node placed)."""
        s = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        s[1:, 1:] = self.occupied.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
        return s

    def free(self, s: np.ndarray, dy0: int, dx0: int, h: int, w: int) -> np.ndarray:
        """``out[y, x]``: no occupied cell in rows y+dy0 .. y+dy0+h-1 and columns
        x+dx0 .. x+dx0+w-1 (False where that window leaves the grid); ``s`` is
        :meth:`integral`."""
        out = np.zeros((self.ny, self.nx), dtype=bool)
        y_lo, y_hi = max(0, -dy0), min(self.ny, self.ny - dy0 - h + 1)
        x_lo, x_hi = max(0, -dx0), min(self.nx, self.nx - dx0 - w + 1)
        if y_lo >= y_hi or x_lo >= x_hi:
            return out
        a, b = y_lo + dy0, y_hi + dy0
        c, d = x_lo + dx0, x_hi + dx0
        total = s[a + h : b + h, c + w : d + w] - s[a:b, c + w : d + w]
        total -= s[a + h : b + h, c:d] - s[a:b, c:d]
        out[y_lo:y_hi, x_lo:x_hi] = total == 0
        return out

    def cells(self, rect: tuple[float, ...]) -> tuple[int, int, int, int]:
        """Rows and columns ``(top, left, height, width)`` covered by a rectangle."""
        left = int(math.floor((rect[0] - self.x0) / self.cell))
        top = int(math.floor((rect[1] - self.y0) / self.cell))
        right = int(math.ceil((rect[2] - self.x0) / self.cell))
        bottom = int(math.ceil((rect[3] - self.y0) / self.cell))
        return top, left, max(1, bottom - top), max(1, right - left)

    def take(self, rect: tuple[float, ...]) -> None:
        top, left, h, w = self.cells(rect)
        self.occupied[max(0, top) : max(0, top + h), max(0, left) : max(0, left + w)] = 1


def place(
    targets: Sequence[tuple[float, float]],
    prints: Sequence[Footprint],
    order: Sequence[int],
    size: tuple[float, float],
    *,
    named: Sequence[bool] | None = None,
    fixed: Sequence[tuple[float, float, Footprint]] = (),
    cell: float = 2.0,
    gap: float = 2.0,
) -> tuple[list[tuple[float, float]], list[bool]]:
    """Put every node as close to its target as its dot and name allow (greedy, in
    ``order``): no two footprints overlap and all stay inside the canvas of ``size``.

    A node whose name finds no room anywhere is placed with its dot only (unnamed at
    first sight; its name appears when zooming in); one whose dot finds none stays at
    its target.

    Args:
        targets: wished positions (e.g. a force-directed layout fitted to the canvas).
        prints: each node's footprint.
        order: the order in which nodes choose (most important first).
        size: width and height of the canvas, centred on the origin.
        named: which nodes should be named (default all).
        fixed: nodes already placed (position and footprint, named): room taken.
        cell: the grid's resolution.
        gap: free space around every footprint.

    Returns:
        The positions and which nodes are named.

    Examples:
        >>> fp = footprint("Caritas", 6.0)
        >>> pos, named = place([(0, 0), (0, 0)], [fp, fp], [0, 1], (300, 200))
        >>> named, math.dist(pos[0], (0, 0)) < 4, math.dist(pos[0], pos[1]) > 20
        ([True, True], True, True)
    """
    grid = _Grid(size[0], size[1], cell)
    for x, y, fp in fixed:
        for rect in fp.rects(x, y):
            grid.take((rect[0] - gap, rect[1] - gap, rect[2] + gap, rect[3] + gap))
    out = [(float(x), float(y)) for x, y in targets]
    flags = [bool(v) for v in (named if named is not None else [True] * len(prints))]
    for i in order:
        fp = prints[i]
        tx, ty = targets[i]
        table = grid.integral()
        for want_name in [True, False] if flags[i] else [False]:
            rects = fp.rects(0.0, 0.0, want_name)
            ok = np.ones((grid.ny, grid.nx), dtype=bool)
            for rect in rects:
                padded = (rect[0] - gap, rect[1] - gap, rect[2] + gap, rect[3] + gap)
                # offsets of the rectangle's cells from the node's own cell
                top, left, h, w = grid.cells(padded)
                own_row = int(math.floor((0 - grid.y0) / cell))
                own_col = int(math.floor((0 - grid.x0) / cell))
                ok &= grid.free(table, top - own_row, left - own_col, h, w)
            if not ok.any():
                continue
            gx = (tx - grid.x0) / cell
            gy = (ty - grid.y0) / cell
            rows, cols = np.nonzero(ok)
            k = int(np.argmin((cols - gx) ** 2 + (rows - gy) ** 2))
            row, col = int(rows[k]), int(cols[k])
            x = grid.x0 + (col + 0.5) * cell
            y = grid.y0 + (row + 0.5) * cell
            # the node's own cell is where its centre falls: keep the exact target if free
            out[i] = (x, y)
            for rect in fp.rects(x, y, want_name):
                grid.take((rect[0] - gap, rect[1] - gap, rect[2] + gap, rect[3] + gap))
            flags[i] = want_name
            break
        else:
            flags[i] = False
    return out, flags


def cull(
    positions: Sequence[tuple[float, float]],
    prints: Sequence[Footprint],
    order: Sequence[int],
    gap: float = 1.5,
    bucket: float = 64.0,
    solid: Sequence[bool] | None = None,
) -> list[bool]:
    """Which names to draw so that no drawn name overlaps another name or a dot: in
    ``order`` (most important first) a name is drawn if its box is free. With ``solid``
    only those nodes' dots block names (e.g. the emphasised ones of a view that fades
    the rest into the background).

    Examples:
        >>> fp = footprint("Caritas", 6.0)
        >>> cull([(0, 0), (30, 0), (200, 0)], [fp, fp, fp], [0, 1, 2])
        [True, False, True]
    """
    # rectangles by the buckets they touch, so that each test looks only nearby
    buckets: dict[tuple[int, int], list[tuple[int, tuple[float, ...]]]] = {}

    def keys(r: tuple[float, ...]) -> list[tuple[int, int]]:
        x0, y0 = int(math.floor(r[0] / bucket)), int(math.floor(r[1] / bucket))
        x1, y1 = int(math.floor(r[2] / bucket)), int(math.floor(r[3] / bucket))
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def add(owner: int, r: tuple[float, ...]) -> None:
        for k in keys(r):
            buckets.setdefault(k, []).append((owner, r))

    def free(owner: int, r: tuple[float, ...]) -> bool:
        for k in keys(r):
            for other, b in buckets.get(k, ()):
                if other != owner and (
                    r[0] < b[2] + gap
                    and b[0] < r[2] + gap
                    and r[1] < b[3] + gap
                    and b[1] < r[3] + gap
                ):
                    return False
        return True

    for i, ((x, y), fp) in enumerate(zip(positions, prints, strict=True)):
        if solid is None or solid[i]:
            add(i, fp.rects(x, y, False)[0])
    out = [False] * len(prints)
    for i in order:
        rects = prints[i].rects(*positions[i])
        if len(rects) > 1 and free(i, rects[1]):
            add(i, rects[1])
            out[i] = True
    return out
