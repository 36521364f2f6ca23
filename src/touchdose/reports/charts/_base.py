"""The `Chart` result and the shared look: palette, type sizes, deterministic SVG and PNG.

Every chart is drawn on a bare :class:`matplotlib.figure.Figure` (no pyplot, so no global
state and no GUI backend) inside one :func:`matplotlib.rc_context`, so drawing a chart never
changes another caller's matplotlib settings.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before any canvas is made: the web server and PDFs have no display

from matplotlib.figure import Figure

from touchdose.io import write_atomically

# Okabe & Ito (2008) "Color Universal Design": the eight-colour palette that stays distinct
# for the common colour-vision deficiencies. Named by role so every chart uses them the same way.
INK = "#222222"  # text and axes: near-black, high contrast on white
MUTED = "#6b6b6b"  # secondary text; 5.3:1 on white (WCAG AA for text)
GRID = "#e4e4e4"
PAIN = "#0072B2"  # Okabe-Ito blue: the client's pain
SESSION = "#E69F00"  # Okabe-Ito orange: a massage session
RELIEF = "#009E73"  # Okabe-Ito bluish green: less pain
WORSE = "#D55E00"  # Okabe-Ito vermillion: more pain / aggravation
SKY = "#56B4E9"  # Okabe-Ito sky blue: a second series
PURPLE = "#CC79A7"  # Okabe-Ito reddish purple: a third series

#: Chart width in inches: 4.8 in = 346 pt, so on a 375 px phone (a column of about 343 px) a chart
#: is shown at about 1:1 and text of N points reads as N CSS pixels.
WIDTH_IN = 4.8

#: Base type size in points (ticks and legends one or two points smaller, never under 11).
FONT_SIZE = 13

#: Same input -> same bytes: fixed hash salt for the SVG ids, no date or creator metadata.
_SVG_SALT = "touchdose"

_RC: dict[str, Any] = {
    "svg.hashsalt": _SVG_SALT,
    "svg.fonttype": "none",  # text stays text: smaller, selectable, readable by screen readers
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE + 1,
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.labelsize": FONT_SIZE,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "xtick.labelsize": FONT_SIZE - 1,
    "ytick.labelsize": FONT_SIZE - 1,
    "legend.fontsize": FONT_SIZE - 1,
    "legend.frameon": False,
    "text.color": INK,
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "figure.dpi": 100,
    "savefig.bbox": None,  # keep the figure size fixed so the viewBox is predictable
    "path.simplify": False,
}


@contextmanager
def chart_style() -> Iterator[None]:
    """The touchdose look, applied only inside the ``with`` block."""
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        yield


Draw = Callable[[Figure], None]


@dataclass(frozen=True)
class Chart:
    """A finished chart: inline SVG for pages, PNG bytes for PDFs, and words for everyone.

    Attributes
    ----------
    title : str
        One line naming the chart (also the SVG ``<title>``).
    alt : str
        A text alternative that states the numbers in words (screen readers, the PDF report,
        anyone who cannot see the picture).
    svg : str
        An ``<svg>`` element without XML prolog, sized only by its ``viewBox`` (it fills the
        width of its container), no external references. Deterministic for the same input.
    """

    title: str
    alt: str
    svg: str
    _draw: Draw | None = field(repr=False, compare=False, default=None)
    _size: tuple[float, float] = field(repr=False, compare=False, default=(WIDTH_IN, 3.4))

    def png(self, dpi: int = 150) -> bytes:
        """Render the same chart as PNG bytes (for the PDF report).

        Raises ``ValueError`` for a dpi outside 50-600, or for a chart drawn only as SVG (the web
        charts of :mod:`touchdose.reports.charts.web`: the PDF draws its own with matplotlib).
        """
        if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 600:
            raise ValueError(f"png: dpi = {dpi!r} is not allowed (allowed: a whole number 50-600)")
        if self._draw is None:
            raise ValueError(
                f"png: the chart {self.title!r} is drawn only as SVG (allowed: a matplotlib chart)"
            )
        with chart_style():
            fig = Figure(figsize=self._size, layout="constrained")
            self._draw(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def save(self, path: str | Path) -> None:
        """Write the chart to ``path``: SVG for a ``.svg`` name, PNG otherwise, whole or not at all."""
        path = Path(path)
        write_atomically(path, self.svg if path.suffix.lower() == ".svg" else self.png())

    def to_dict(self) -> dict[str, str]:
        """JSON-ready: title, alt and the SVG text."""
        return {"title": self.title, "alt": self.alt, "svg": self.svg}

    def __html__(self) -> str:
        """Django templates insert the SVG as markup (it is generated here, never user text)."""
        return self.svg


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_ROOT_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


#: On a wide screen a chart grows to at most this many times its drawn size (CSS px per pt), so
#: its text stays a calm reading size instead of filling a 1000 px column.
MAX_SCALE = 1.6
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def _clean_svg(raw: str, title: str, alt: str) -> str:
    """Make matplotlib's SVG inline-able: no prolog, no metadata, scalable, labelled."""
    svg = _METADATA.sub("", _PROLOG.sub("", raw, count=1), count=1)
    label = html.escape(alt, quote=True)
    box = _VIEWBOX.search(svg)
    cap = f"max-width:{round(float(box.group(1)) * MAX_SCALE)}px;" if box else ""
    svg = _ROOT_SIZE.sub(
        rf'<svg\1 width="100%" style="{cap}height:auto" role="img" aria-label="{label}" class="td-chart"',
        svg,
        count=1,
    )
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"\n <title>{html.escape(title)}</title>" + svg[head_end:]


def render(title: str, alt: str, draw: Draw, size: tuple[float, float] = (WIDTH_IN, 3.4)) -> Chart:
    """Draw with the house style and package the result as a :class:`Chart`."""
    with chart_style():
        fig = Figure(figsize=size, layout="constrained")
        draw(fig)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return Chart(title=title, alt=alt, svg=_clean_svg(buf.getvalue(), title, alt), _draw=draw, _size=size)


def message_chart(title: str, message: str, size: tuple[float, float] = (WIDTH_IN, 1.6)) -> Chart:
    """A chart-sized box that says there is nothing to draw yet (and why)."""

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, wrap=True, transform=ax.transAxes)

    return render(title, f"{title}: {message}", draw, size)


def number(x: float) -> str:
    """A number as a person reads it: whole numbers without ``.0``, others to one decimal."""
    r = round(float(x), 1)
    return f"{r:.0f}" if r == int(r) else f"{r:.1f}"

