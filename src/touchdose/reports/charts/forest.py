"""Forest plot: each study's effect with its 95 % interval, the pooled diamond and the prediction interval.

Takes plain data (labels, effects, variances, and the ``touchdose meta --json`` object of the
pooled result), so the CLI, the web evidence page and the PDF report draw the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from touchdose.evidence.effects import Z_975

from ._base import INK, MUTED, PAIN, RELIEF, WIDTH_IN, WORSE, Chart, message_chart, render

# Z_975 (the 95 % normal quantile for the per-study intervals) is defined once, in
# touchdose.evidence.effects, and re-exported here for the chart callers.
__all__ = ["Z_975", "forest_plot"]

#: Ratios marked on a log axis.
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
#: Height per study row and for the axes, title and pooled rows, in inches.
ROW_IN, FRAME_IN = 0.34, 1.9


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def forest_plot(
    labels: Sequence[str],
    yi: Sequence[float],
    vi: Sequence[float],
    pooled: Mapping[str, Any] | None = None,
    *,
    log_scale: bool = False,
    xlabel: str = "Effect (negative = less pain with massage)",
    title: str = "Forest plot",
    mid: float | None = None,
) -> Chart:
    """Draw a forest plot.

    Parameters
    ----------
    labels, yi, vi : sequences
        Study names, effects and sampling variances (log scale for ratio measures).
    pooled : mapping or None
        ``MetaResult.to_dict()``: ``estimate``, ``ci95``, ``pred95``, ``weights``, ``method``, ``k``.
    log_scale : bool
        Effects are log ratios: the axis shows ratios (no effect at 1).
    xlabel, title : str
        Axis label and chart title.
    mid : float or None
        Draw dotted lines at ``±mid`` (the minimally important difference, on the effect's scale).

    Returns
    -------
    Chart
        SVG, PNG on demand, and an ``alt`` text stating the pooled numbers.
    """
    k = len(labels)
    if not k or len(yi) != k or len(vi) != k:
        return message_chart(title, "No studies to draw.")
    back: Callable[[float], float] = math.exp if log_scale else float
    lows = [y - Z_975 * math.sqrt(v) for y, v in zip(yi, vi, strict=True)]
    highs = [y + Z_975 * math.sqrt(v) for y, v in zip(yi, vi, strict=True)]
    weights = list(pooled.get("weights", [])) if pooled else []

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        rows = list(range(k, 0, -1))
        for r, y, lo, hi, i in zip(rows, yi, lows, highs, range(k), strict=True):
            size = 4 + 10 * math.sqrt(weights[i] / 100) if weights else 6
            ax.plot([lo, hi], [r, r], color=INK, linewidth=1.2)
            ax.plot([y], [r], marker="s", markersize=size, color=PAIN, linestyle="none")
        ticks: list[float] = [float(r) for r in rows]
        names = list(labels)
        if pooled:
            est, (clo, chi) = pooled["estimate"], pooled["ci95"]
            ax.add_patch(
                Polygon([(clo, -0.5), (est, -0.2), (chi, -0.5), (est, -0.8)], closed=True, color=RELIEF)
            )
            plo, phi = pooled["pred95"]
            ax.plot([plo, phi], [-1.4, -1.4], color=MUTED, linewidth=2.5, solid_capstyle="butt")
            ticks += [-0.5, -1.4]
            names += [f"Pooled ({pooled.get('method', '')}, k = {pooled.get('k', k)})", "Prediction interval"]
        ax.axvline(0.0, color=INK, linewidth=0.9)
        if mid:
            for x in (-mid, mid):
                ax.axvline(x, color=WORSE, linewidth=0.9, linestyle=":")
        ax.set_yticks(ticks, names)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_ylim(-2.0 if pooled else 0.3, k + 0.7)
        if log_scale:
            left, right = ax.get_xlim()
            nice = [math.log(t) for t in RATIO_TICKS if left <= math.log(t) <= right]
            ax.set_xticks(nice, [f"{math.exp(t):g}" for t in nice])
        ax.set_xlabel(xlabel + (" (log axis)" if log_scale else ""))
        ax.set_title(title)

    alt = f"{title}: {k} studies."
    if pooled:
        est, (clo, chi), (plo, phi) = pooled["estimate"], pooled["ci95"], pooled["pred95"]
        alt += (
            f" Pooled effect {_fmt(back(est))} (95 % CI {_fmt(back(clo))} to {_fmt(back(chi))}); "
            f"a new study could show {_fmt(back(plo))} to {_fmt(back(phi))}."
        )
    height = FRAME_IN + ROW_IN * (k + (3 if pooled else 0))
    return render(title, alt, draw, size=(WIDTH_IN * 1.35, height))
