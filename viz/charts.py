"""Charts drawn on the server as SVG (bars) and as data for HTML tables (heat maps).

Every text is escaped here; the returned ``Markup`` is safe to put into a page as is. No
chart loads anything: no fonts, no scripts, no external host.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

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


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bar_chart(
    bars: Sequence[Bar], *, title: str, width: int = 760, label_width: int = 320
) -> Markup:
    """Horizontal bars, largest first as given, with the value at each bar's end.

    Examples:
        >>> svg = bar_chart([Bar("<AWO>", 2.0), Bar("DRK", 1.0)], title="Grad")
        >>> "&lt;AWO&gt;" in svg and "<AWO>" not in svg
        True
    """
    row = 24
    height = row * len(bars) + 8
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
    for i, bar in enumerate(bars):
        y = 4 + i * row
        w = max(1.0, bar.value / top * plot) if bar.value > 0 else 0.0
        label = escape(_clip(bar.label, 44))
        text = escape(bar.text or f"{bar.value:g}")
        name = f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{label}</text>'
        if bar.href:
            name = f'<a href="{escape(bar.href)}">{name}</a>'
        parts.append(
            f"<g>{name}"
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
            f'class="bar"><title>{escape(bar.label)}: {text}</title></rect>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + 16}" class="value">{text}</text></g>'
        )
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
    row = 26
    height = row * len(bars) + 8
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
    for i, bar in enumerate(bars):
        y = 4 + i * row
        w = abs(bar.value) / top * (half - 60)
        x = middle if bar.value >= 0 else middle - w
        cls = "bar positive" if bar.value >= 0 else "bar negative"
        text = escape(bar.text or f"{bar.value:g}")
        tx = middle + w + 6 if bar.value >= 0 else middle - w - 6
        anchor = "start" if bar.value >= 0 else "end"
        parts.append(
            f'<g><text x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_clip(bar.label, 40))}</text>"
            f'<rect x="{x:.1f}" y="{y + 4}" width="{max(w, 0.5):.1f}" height="{row - 10}" '
            f'class="{cls}"/>'
            f'<text x="{tx:.1f}" y="{y + 17}" text-anchor="{anchor}" class="value">{text}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
