"""Draw docs/figures/painmodel.png: typical vs sensitized response to massage pressure.

Usage: ``.venv/bin/python benchmarks/make_painmodel_figure.py [OUT.png]``. The numbers
come from ``touchdose.painmodel.explainer`` only, so the figure is the model.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from touchdose.painmodel.explainer import BACKGROUND_PAIN, days_after, pressure_curve
from touchdose.records import PRESSURE_NAMES

# Okabe-Ito colours (safe for colour-blind readers).
BLUE, ORANGE, GREY = "#0072B2", "#D55E00", "#666666"
TYPICAL_S, SENSITIZED_S = 0.0, 0.8
OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "painmodel.png"


def _pressure_panel(ax: Axes) -> None:
    for s, colour, label in (
        (TYPICAL_S, BLUE, "typical system"),
        (SENSITIZED_S, ORANGE, "sensitized system"),
    ):
        c = pressure_curve(s)
        ax.plot(c.pressures, c.during, color=colour, lw=2.5, label=f"{label}: during")
        ax.plot(c.pressures, c.next_day, color=colour, lw=2, ls="--", label=f"{label}: next evening")
    ax.axhline(BACKGROUND_PAIN, color=GREY, lw=1, ls=":")
    ax.text(1.05, BACKGROUND_PAIN + 0.15, "pain before the massage", color=GREY, fontsize=10)
    ax.set_xticks(range(1, 6), [f"{p}\n{PRESSURE_NAMES[p]}" for p in range(1, 6)])
    ax.set(xlabel="massage pressure", ylabel="pain (0-10)", ylim=(0, 10), title="Pain against pressure")
    ax.legend(fontsize=9, loc="lower left", frameon=False)


def _days_panel(ax: Axes) -> None:
    cases = (
        (TYPICAL_S, 3, BLUE, "-", "typical, moderate (3)"),
        (SENSITIZED_S, 3, ORANGE, "-", "sensitized, moderate (3)"),
        (SENSITIZED_S, 1, ORANGE, ":", "sensitized, very light (1)"),
    )
    for s, p, colour, style, label in cases:
        d = days_after(s, p, days=4, step_hours=1)
        ax.plot([h / 24 for h in d.hours], d.pain, color=colour, ls=style, lw=2.5, label=label)
    ax.axhline(BACKGROUND_PAIN, color=GREY, lw=1, ls=":")
    ax.set(xlabel="days after the massage", ylabel="pain (0-10)", ylim=(0, 10), title="The days after")
    ax.legend(fontsize=9, loc="lower right", frameon=False)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    plt.rcParams.update({"font.size": 12, "svg.hashsalt": "touchdose"})
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    _pressure_panel(axes[0])
    _days_panel(axes[1])
    fig.suptitle("The spinal-gate model: a model person with pain 6/10, 45 minutes, 6 areas", fontsize=13)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, metadata={"Software": None})
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
