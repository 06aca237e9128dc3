"""Charts drawn on the server as SVG (bars) and as data for HTML tables (heat maps).

Every text is escaped here; the returned ``Markup`` is safe to put into a page as is. No
chart loads anything: no fonts, no scripts, no external host.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from viz.labels import text_width

__all__ = ["Bar", "bar_chart", "diverging_bars", "heat_level", "HEAT_LEVELS"]

#: number of colour steps of a heat map (CSS classes ``heat-0`` ... ``heat-6``)
HEAT_LEVELS = 7


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # the value as shown; default: the value
    href: str | None = None


def heat_level(value: float | None, top: float) -> int:
    """The colour step of ``value`` on a scale up to ``top`` (0: none, 6: highest).

    Examples:
        >>> [heat_level(v, 10) for v in (None, 0, 1, 5, 10)]
        [0, 0, 1, 3, 6]
    """
    if value is None or value <= 0 or top <= 0:
        return 0
    return max(1, min(HEAT_LEVELS - 1, math.ceil(value / top * (HEAT_LEVELS - 1))))


#: font size of the charts' text (px; app.css and the report)
CHART_FONT = 13
#: labels are measured with Arial's widths; DejaVu Sans (Debian's default) is this much
#: wider, so the room is reckoned for it
_WIDER = 1.12


def _width(text: str) -> float:
    return text_width(text, CHART_FONT) * _WIDER


def _lines(text: str, room: float, lines: int = 2) -> list[str]:
    """A label in at most ``lines`` lines of at most ``room`` pixels: wrapped at spaces,
    the last line shortened with "…" only when even that is not enough.

    Examples:
        >>> _lines("Der Paritätische Wohlfahrtsverband Landesverband Saar", 200)
        ['Der Paritätische', 'Wohlfahrtsverband Landesv…']
        >>> _lines("AWO", 200)
        ['AWO']
    """
    out: list[str] = []
    words = text.split()
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if _width(candidate) <= room or not current:
            current = candidate
            continue
        out.append(current)
        if len(out) == lines - 1:
            current = " ".join(words[i:])
            break
        current = word
    out.append(current)
    clipped = []
    for line in out:
        while _width(line) > room and len(line) > 2:
            line = line[:-2].rstrip() + "…"
        clipped.append(line)
    return clipped


def _label_width(labels: Sequence[str], width: int, wanted: int) -> int:
    """Room for the labels left of the bars: what the longest needs in two lines, at
    least ``wanted`` and at most half the chart."""
    need = max((_width(t) / 2 + 40 for t in labels), default=0.0)
    return int(min(width * 0.5, max(wanted, need)))


def _text(lines: list[str], x: float, y: float, anchor: str = "end") -> str:
    """An SVG text of one or two lines, the first baseline at ``y``."""
    if len(lines) == 1:
        return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else CHART_FONT + 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{spans}</text>'


def bar_chart(
    bars: Sequence[Bar], *, title: str, width: int = 760, label_width: int = 320
) -> Markup:
    """Horizontal bars, largest first as given, with the value at each bar's end.

    Examples:
        >>> svg = bar_chart([Bar("<AWO>", 2.0), Bar("DRK", 1.0)], title="Grad")
        >>> "&lt;AWO&gt;" in svg and "<AWO>" not in svg
        True
    """
    label_width = _label_width([b.label for b in bars], width, label_width)
    room = label_width - 12
    names = [_lines(b.label, room) for b in bars]
    heights = [24 + (CHART_FONT + 2) * (len(n) - 1) for n in names]
    height = sum(heights) + 8
    top = max((b.value for b in bars), default=0.0) or 1.0
    plot = width - label_width - 90
    # with links inside, the chart is a group of links, not a single image
    role = "group" if any(b.href for b in bars) else "img"
    parts = [
        f'<svg class="chart bars" role="{role}" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    y = 4
    for bar, lines, row in zip(bars, names, heights, strict=True):
        w = max(1.0, bar.value / top * plot) if bar.value > 0 else 0.0
        text = escape(bar.text or f"{bar.value:g}")
        name = _text(lines, label_width - 8, y + 16)
        if bar.href:
            name = f'<a href="{escape(bar.href)}">{name}</a>'
        mid = y + row / 2 - 12
        parts.append(
            f"<g><title>{escape(bar.label)}: {text}</title>{name}"
            f'<rect x="{label_width}" y="{mid + 3:.1f}" width="{w:.1f}" height="16" '
            f'class="bar"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{mid + 16:.1f}" class="value">{text}</text>'
            "</g>"
        )
        y += row
    parts.append("</svg>")
    return Markup("".join(parts))


def diverging_bars(
    bars: Sequence[Bar], *, title: str, width: int = 760, label_width: int = 300
) -> Markup:
    """Bars left (negative) and right (positive) of a middle line, e.g. relative change.

    Examples:
        >>> "bar negative" in diverging_bars([Bar("Dichte", -0.1, "−10 %")], title="x")
        True
    """
    label_width = _label_width([b.label for b in bars], width, label_width)
    names = [_lines(b.label, label_width - 12) for b in bars]
    heights = [26 + (CHART_FONT + 2) * (len(n) - 1) for n in names]
    height = sum(heights) + 8
    top = max((abs(b.value) for b in bars), default=0.0) or 1.0
    half = (width - label_width - 20) / 2
    middle = label_width + 10 + half
    parts = [
        f'<svg class="chart diverging" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{middle}" y1="0" x2="{middle}" y2="{height}" class="axis"/>',
    ]
    y = 4
    for bar, lines, row in zip(bars, names, heights, strict=True):
        w = abs(bar.value) / top * (half - 60)
        x = middle if bar.value >= 0 else middle - w
        cls = "bar positive" if bar.value >= 0 else "bar negative"
        text = escape(bar.text or f"{bar.value:g}")
        tx = middle + w + 6 if bar.value >= 0 else middle - w - 6
        anchor = "start" if bar.value >= 0 else "end"
        mid = y + row / 2 - 13
        parts.append(
            f"<g>{_text(lines, label_width - 8, y + 17)}"
            f'<rect x="{x:.1f}" y="{mid + 4:.1f}" width="{max(w, 0.5):.1f}" height="16" '
            f'class="{cls}"/>'
            f'<text x="{tx:.1f}" y="{mid + 17:.1f}" text-anchor="{anchor}" class="value">'
            f"{text}</text></g>"
        )
        y += row
    parts.append("</svg>")
    return Markup("".join(parts))
