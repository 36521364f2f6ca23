"""A very small SVG writer for the web charts: shapes and text in the house palette, nothing else.

The web charts are drawn straight from the data (a few kilobytes, a millisecond or two) instead of
through matplotlib (about 80 ms a chart), so a results page never waits for a drawing
(docs/performance.md). Output is deterministic (same input, same bytes), has no ``style``
attributes or ``<style>`` elements (the pages' Content-Security-Policy allows only the app's own
style sheets; presentation attributes such as ``fill`` are not styles) and no external references.

Sizes are in the ``viewBox``'s user units. The charts are :data:`WIDTH` units wide and fill their
column, so on a 375 px phone (a column of about 305 px inside the page's and the card's padding)
one unit is about 0.95 px: :data:`SMALL` text reads at 11.9 px, never under the 11 px the pages
require.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from ._base import INK

#: Chart width in user units (about the phone column in CSS pixels).
WIDTH = 320
#: Type sizes in user units: the smallest text (axis labels, legends), and the usual one.
SMALL = 12.5
TEXT = 13.5
#: The text's font stack: the platform's interface font, as the pages use.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
#: Line height for text of several lines, in ems.
LINE = 1.15


def fmt(x: float) -> str:
    """A coordinate with at most one decimal, without a trailing ``.0`` (small, deterministic)."""
    r = round(float(x), 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


@dataclass(frozen=True)
class Scale:
    """A linear map from data values (``lo``-``hi``) to user units (``start``-``end``)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo
        share = 0.5 if span == 0 else (value - self.lo) / span
        return self.start + share * (self.end - self.start)


@dataclass
class Svg:
    """Shapes and text in order; :meth:`render` wraps them in a labelled ``<svg>``."""

    height: float
    width: float = WIDTH
    parts: list[str] = field(default_factory=list)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0,
             dash: str | None = None, opacity: float | None = None) -> None:  # fmt: skip
        extra = (f' stroke-dasharray="{dash}"' if dash else "") + _opacity(opacity, "stroke")
        self.parts.append(
            f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" stroke="{stroke}" '
            f'stroke-width="{fmt(width)}"{extra}/>'
        )

    def polyline(self, points: Sequence[tuple[float, float]], stroke: str, width: float = 2.0) -> None:
        if len(points) < 2:
            return
        coords = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="{fmt(width)}" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )

    def vlines(self, xs: Sequence[float], y1: float, y2: float, stroke: str, width: float = 1.0,
               opacity: float | None = None) -> None:  # fmt: skip
        """Vertical lines at ``xs`` from ``y1`` to ``y2``, as one path (a year's sessions stay small)."""
        if not xs:
            return
        d = "".join(f"M{fmt(x)} {fmt(y1)}V{fmt(y2)}" for x in xs)
        seen = _opacity(opacity, "stroke")
        self.parts.append(f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{fmt(width)}"{seen}/>')

    def dots(self, points: Sequence[tuple[float, float]], size: float, fill: str, stroke: str = INK) -> None:
        """Round markers at ``points``, as one path of circles."""
        if not points:
            return
        r = fmt(size / 2)
        d = "".join(f"M{fmt(x - size / 2)} {fmt(y)}a{r} {r} 0 1 0 {fmt(size)} 0a{r} {r} 0 1 0 -{fmt(size)} 0"
                    for x, y in points)  # fmt: skip
        self.parts.append(f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="0.8"/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, opacity: float | None = None) -> None:
        self.parts.append(
            f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}" fill="{fill}"'
            f"{_opacity(opacity, 'fill')}/>"
        )

    def marker(self, shape: str, x: float, y: float, size: float, fill: str, stroke: str = INK) -> None:
        """A data point: ``o`` circle, ``s`` square, ``^`` triangle up, ``v`` down, ``D`` diamond."""
        r = size / 2
        edge = f' stroke="{stroke}" stroke-width="0.8"'
        if shape == "o":
            self.parts.append(f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r)}" fill="{fill}"{edge}/>')
            return
        corners = {
            "s": ((-r, -r), (r, -r), (r, r), (-r, r)),
            "^": ((0, -r * 1.15), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)),
            "v": ((0, r * 1.15), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)),
            "D": ((0, -r * 1.2), (r * 1.2, 0), (0, r * 1.2), (-r * 1.2, 0)),
        }[shape]
        points = " ".join(f"{fmt(x + dx)},{fmt(y + dy)}" for dx, dy in corners)
        self.parts.append(f'<polygon points="{points}" fill="{fill}"{edge}/>')

    def text(self, x: float, y: float, words: str, *, size: float = SMALL, anchor: str = "start",
             fill: str = INK, bold: bool = False) -> None:  # fmt: skip
        """Text with its baseline at ``y``; a newline starts a line below (``tspan``)."""
        lines = words.split("\n")
        weight = ' font-weight="bold"' if bold else ""
        head = f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{fmt(size)}" text-anchor="{anchor}" fill="{fill}"'
        if len(lines) == 1:
            self.parts.append(f"{head}{weight}>{html.escape(words)}</text>")
            return
        spans = "".join(
            f'<tspan x="{fmt(x)}" dy="{0 if i == 0 else LINE}em">{html.escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        self.parts.append(f"{head}{weight}>{spans}</text>")

    def render(self, title: str, alt: str) -> str:
        """The ``<svg>`` element: sized by its viewBox (it fills its column), labelled for screen
        readers by ``alt``, titled ``title``."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fmt(self.width)} {fmt(self.height)}" '
            f'width="100%" role="img" aria-label="{html.escape(alt, quote=True)}" class="td-chart" '
            f'font-family="{FONT}">\n<title>{html.escape(title)}</title>\n'
        )
        return head + "\n".join(self.parts) + "\n</svg>"


def _opacity(value: float | None, what: str) -> str:
    return "" if value is None else f' {what}-opacity="{round(value, 2)}"'
