"""Pain-model curves: predicted pain against pressure, and the days after one session.

For the Learn page and the docs. The numbers come from the pain-system model's explainer
(:func:`touchdose.painmodel.explainer.pressure_curve` and ``days_after``); they illustrate the
model and describe no real person.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from touchdose.painmodel.explainer import DaysAfter, PressureCurve, days_after, pressure_curve
from touchdose.records import NRS_MAX, PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES

from ._base import INK, MUTED, PAIN, PURPLE, SESSION, WIDTH_IN, WORSE, Chart, Draw, number, render

CURVE_TITLE = "Predicted pain by massage pressure"
DAYS_TITLE = "Predicted pain in the days after"


def _check(sensitization: float, pressure: int | None) -> None:
    if (
        isinstance(sensitization, bool)
        or not isinstance(sensitization, (int, float))
        or not (0.0 <= float(sensitization) <= 1.0)
    ):
        raise ValueError(f"sensitization = {sensitization!r} is not allowed (allowed: a number 0-1)")
    if pressure is not None and (
        isinstance(pressure, bool)
        or not isinstance(pressure, int)
        or not PRESSURE_MIN <= pressure <= PRESSURE_MAX
    ):
        raise ValueError(
            f"pressure = {pressure!r} is not allowed (allowed: a whole number {PRESSURE_MIN}-{PRESSURE_MAX})"
        )


def _at(xs: tuple[float, ...], ys: tuple[float, ...], x: float) -> float:
    return float(np.interp(x, xs, ys))


def _level(p: int) -> str:
    return f"pressure {p} ({PRESSURE_NAMES[p]})"


def _curve_alt(c: PressureCurve, t: PressureCurve, pressure: int | None) -> str:
    p = pressure if pressure is not None else 3
    light = PRESSURE_MIN

    def at(x: PressureCurve, ys: tuple[float, ...], level: int) -> str:
        return number(_at(x.pressures, ys, level))

    return (
        f"{CURVE_TITLE}, sensitization {c.sensitization:g} (0 typical, 1 strongly sensitized), pain "
        f"{number(c.background_pain)} before a {c.minutes:g}-minute massage. At {_level(p)}: "
        f"{at(c, c.during, p)} during and {at(c, c.after, p)} just after, {at(c, c.next_day, p)} the next "
        f"evening. At {_level(light)}: {at(c, c.during, light)} during and {at(c, c.after, light)} just "
        f"after. A typical pain system at {_level(p)}: {at(t, t.during, p)} during, {at(t, t.after, p)} "
        "just after."
    )


def _before_line(ax: Axes, pain: float) -> None:
    """The pain before the session: a dotted level the curves are read against."""
    ax.axhline(pain, color=MUTED, linestyle=":", linewidth=1.4, label=f"Before ({number(pain)})")


def _curve_draw(c: PressureCurve, t: PressureCurve, pressure: int | None) -> Draw:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _before_line(ax, c.background_pain)
        ax.plot(t.pressures, t.during, color=MUTED, linestyle="--", linewidth=1.6, label="Typical, during")
        ax.plot(c.pressures, c.during, color=WORSE, linewidth=2.4, label="During")
        ax.plot(c.pressures, c.after, color=PAIN, linewidth=2.4, label="Just after")
        ax.plot(c.pressures, c.next_day, color=PURPLE, linewidth=2.0, linestyle="-.", label="Next evening")
        if pressure is not None:
            ax.axvline(pressure, color=SESSION, linewidth=1.4, alpha=0.8)
            for ys, colour in ((c.during, WORSE), (c.after, PAIN)):
                ax.plot([pressure], [_at(c.pressures, ys, pressure)], marker="o", color=colour,
                        markeredgecolor=INK, markeredgewidth=0.6, zorder=4)  # fmt: skip
        ax.set_xticks(range(PRESSURE_MIN, PRESSURE_MAX + 1),
                      [f"{p}\n{PRESSURE_NAMES[p]}" for p in range(PRESSURE_MIN, PRESSURE_MAX + 1)],
                      fontsize=11)  # fmt: skip
        ax.set_xlim(PRESSURE_MIN - 0.1, PRESSURE_MAX + 0.1)
        ax.set_ylim(0, NRS_MAX)
        ax.set_yticks(range(0, NRS_MAX + 1, 2))
        ax.set_ylabel("Pain 0-10")
        fig.legend(loc="outside lower center", ncols=2, fontsize=11)
        fig.suptitle(f"Pain by pressure, sensitization {c.sensitization:g}", x=0.02, ha="left",
                     fontsize=14, color=INK)  # fmt: skip

    return draw


def pressure_curve_chart(sensitization: float, *, pressure: int | None = None) -> Chart:
    """Predicted pain during and just after a massage, across the pressure scale.

    Parameters
    ----------
    sensitization : float
        The model's long-standing sensitization, 0 (typical) to 1 (strongly sensitized).
    pressure : int, optional
        A pressure level (1-5) to mark on the curves.

    Returns
    -------
    Chart
        Lines: pain during, just after and the next evening (the 24 h follow-up) for the chosen
        system, pain during for a typical
        system (dashed), and the pain before (dotted).

    Examples
    --------
    >>> chart = pressure_curve_chart(0.8, pressure=3)
    >>> chart.alt.startswith("Predicted pain by massage pressure, sensitization 0.8")
    True
    """
    _check(sensitization, pressure)
    c, t = pressure_curve(float(sensitization)), pressure_curve(0.0)
    return render(CURVE_TITLE, _curve_alt(c, t, pressure), _curve_draw(c, t, pressure), size=(WIDTH_IN, 3.9))


def _days_alt(d: DaysAfter, t: DaysAfter) -> str:
    def at(x: DaysAfter, h: float) -> str:
        return number(_at(x.hours, x.pain, h))

    return (
        f"{DAYS_TITLE} a {_level(d.pressure)} massage, sensitization {d.sensitization:g}, pain "
        f"{number(d.background_pain)} before. Just after: {at(d, 0)}; 24 hours later: {at(d, 24)}; "
        f"48 hours later: {at(d, 48)}; 72 hours later: {at(d, 72)}. "
        f"A typical pain system: {at(t, 24)} at 24 hours and {at(t, 48)} at 48 hours."
    )


def _days_draw(d: DaysAfter, t: DaysAfter) -> Draw:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        days, tdays = [h / 24.0 for h in d.hours], [h / 24.0 for h in t.hours]
        _before_line(ax, d.background_pain)
        ax.plot(tdays, t.pain, color=MUTED, linestyle="--", linewidth=1.6, label="Typical system")
        ax.plot(days, d.pain, color=PAIN, linewidth=2.4, label=f"Sensitization {d.sensitization:g}")
        for h in (24, 48):
            ax.plot([h / 24], [_at(d.hours, d.pain, h)], marker="o", color=PAIN, markeredgecolor=INK,
                    markeredgewidth=0.6, zorder=4)  # fmt: skip
        ax.set_xlim(0, float(days[-1]))
        ax.set_xticks(range(int(days[-1]) + 1))
        ax.set_xlabel("Days after the massage")
        ax.set_ylim(0, NRS_MAX)
        ax.set_yticks(range(0, NRS_MAX + 1, 2))
        ax.set_ylabel("Pain 0-10")
        fig.legend(loc="outside lower center", ncols=2, fontsize=11)
        fig.suptitle(f"The days after a pressure {d.pressure} massage", x=0.02, ha="left", fontsize=14,
                     color=INK)  # fmt: skip

    return draw


def days_after_chart(sensitization: float, pressure: int) -> Chart:
    """Predicted pain over the four days after one massage at ``pressure``.

    Parameters
    ----------
    sensitization : float
        0 (typical) to 1 (strongly sensitized).
    pressure : int
        Pressure level 1-5 of the massage.

    Returns
    -------
    Chart
        The chosen system's pain from the end of the session to 4 days later, a typical
        system's for comparison (dashed), and the pain before (dotted); dots at 24 and 48 h,
        the times of touchdose's follow-up questions.

    Examples
    --------
    >>> "24 hours later" in days_after_chart(0.8, 3).alt
    True
    """
    _check(sensitization, pressure)
    d, t = days_after(float(sensitization), pressure), days_after(0.0, pressure)
    return render(DAYS_TITLE, _days_alt(d, t), _days_draw(d, t), size=(WIDTH_IN, 3.6))


__all__ = ["CURVE_TITLE", "DAYS_TITLE", "days_after_chart", "pressure_curve_chart"]
