"""Pain over time: the daily diary with each massage session marked and its pressure shown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.dates import AutoDateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from touchdose.analysis.diary import daily_series, session_dates
from touchdose.records import NRS_MAX, NRS_MIN, PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES, ClientFile
from touchdose.text import count, noun

from ._base import INK, MUTED, PAIN, SESSION, WIDTH_IN, WORSE, Chart, Draw, message_chart, number, render

TITLE = "Pain over time"

#: Days averaged at each end of the diary for the "first week / last week" sentence of the alt text.
ENDS_DAYS = 7


@dataclass(frozen=True)
class _Diary:
    days: tuple[date, ...]
    pain: tuple[float, ...]  # mean of the day's check-ins
    flare_days: tuple[date, ...]
    session_days: tuple[date, ...]
    session_pressure: tuple[int, ...]


def _collect(cf: ClientFile) -> _Diary:
    pain = daily_series(cf, "pain")
    flare = daily_series(cf, "flare")
    seen = [i for i, v in enumerate(pain.values) if not math.isnan(v)]
    return _Diary(
        days=tuple(pain.dates[i] for i in seen),
        pain=tuple(float(pain.values[i]) for i in seen),
        flare_days=tuple(d for d, v in zip(flare.dates, flare.values, strict=True) if v > 0),
        session_days=session_dates(cf),
        session_pressure=tuple(s.pressure for s in cf.sessions),
    )


def _day(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _alt(dy: _Diary) -> str:
    if not dy.days:
        return f"{TITLE}: no diary entries yet."
    pain = dy.pain
    parts = [
        f"{TITLE}, {_day(dy.days[0])} to {_day(dy.days[-1])}: daily pain on {len(pain)} "
        f"{noun(len(pain), 'day')}, average {number(sum(pain) / len(pain))} out of {NRS_MAX}, "
        f"lowest {number(min(pain))}, highest {number(max(pain))}."
    ]
    if len(pain) >= 2 * ENDS_DAYS:
        first, last = pain[:ENDS_DAYS], pain[-ENDS_DAYS:]
        parts.append(
            f"The first {ENDS_DAYS} diary days averaged {number(sum(first) / ENDS_DAYS)}, "
            f"the last {ENDS_DAYS} averaged {number(sum(last) / ENDS_DAYS)}."
        )
    n = len(dy.session_days)
    if n:
        lo, hi = min(dy.session_pressure), max(dy.session_pressure)
        span = (
            f"all at pressure {lo} ({PRESSURE_NAMES[lo]})"
            if lo == hi
            else f"at pressure {lo} ({PRESSURE_NAMES[lo]}) to {hi} ({PRESSURE_NAMES[hi]})"
        )
        parts.append(f"{count(n, 'massage session')}, {span}.")
    else:
        parts.append("No massage sessions in this period.")
    if dy.flare_days:
        k = len(dy.flare_days)
        parts.append(f"A flare was reported on {count(k, 'day')}.")
    return " ".join(parts)


def _day_label(x: float, _pos: int | None = None) -> str:
    """A tick as a person writes a day: ``19 Nov``."""
    d = num2date(x)  # type: ignore[no-untyped-call]
    return f"{d.day} {d.strftime('%b')}"


def _with_gaps(days: tuple[date, ...], pain: tuple[float, ...]) -> tuple[list[date], list[float]]:
    """Break the line where days are missing, so a gap in the diary is shown as a gap."""
    xs: list[date] = []
    ys: list[float] = []
    for i, (d, v) in enumerate(zip(days, pain, strict=True)):
        if i and (d - days[i - 1]).days > 1:
            xs.append(days[i - 1] + timedelta(days=1))
            ys.append(math.nan)
        xs.append(d)
        ys.append(v)
    return xs, ys


def _draw(dy: _Diary) -> Draw:
    def draw(fig: Figure) -> None:
        ax, axp = fig.subplots(2, 1, sharex=True, height_ratios=[3.2, 1])
        for d in dy.session_days:
            ax.axvline(d, color=SESSION, alpha=0.55, linewidth=1.4, zorder=1)
        ax.plot(
            *_with_gaps(dy.days, dy.pain),
            color=PAIN,
            marker="o",
            markersize=3.5,
            linewidth=1.8,
            zorder=3,
            label="Pain (daily average)",
        )
        if dy.flare_days:
            fy = [NRS_MAX - 0.4] * len(dy.flare_days)
            ax.plot(
                dy.flare_days,
                fy,
                linestyle="none",
                marker="v",
                color=WORSE,
                markersize=8,
                zorder=4,
                label="Flare reported",
            )
        ax.set_ylim(NRS_MIN - 0.3, NRS_MAX + 0.3)
        ax.set_yticks(range(NRS_MIN, NRS_MAX + 1, 2))
        ax.set_ylabel("Pain 0-10")
        if dy.session_days:
            ax.plot([], [], color=SESSION, linewidth=1.4, label="Massage session")
        fig.suptitle(TITLE, x=0.02, ha="left", fontsize=14, color=INK)
        fig.legend(loc="outside lower center", ncols=2, fontsize=11, handlelength=1.2, columnspacing=1.0)
        axp.plot(
            dy.session_days,
            dy.session_pressure,
            linestyle="none",
            marker="o",
            color=SESSION,
            markeredgecolor=INK,
            markeredgewidth=0.6,
            markersize=7,
        )
        axp.set_ylim(PRESSURE_MIN - 0.6, PRESSURE_MAX + 0.6)
        axp.set_yticks([PRESSURE_MIN, 3, PRESSURE_MAX])
        axp.set_ylabel("Pressure", color=MUTED, fontsize=11)
        axp.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=6))  # type: ignore[no-untyped-call]
        axp.xaxis.set_major_formatter(FuncFormatter(_day_label))
        first = dy.days[0] if dy.days else min(dy.session_days)
        last = dy.days[-1] if dy.days else max(dy.session_days)
        pad = timedelta(days=1)
        axp.set_xlim(min([first, *dy.session_days]) - pad, max([last, *dy.session_days]) + pad)

    return draw


def pain_over_time(cf: ClientFile) -> Chart:
    """Daily pain (the mean of each day's check-ins) with every massage session and its pressure.

    Parameters
    ----------
    cf : touchdose.records.ClientFile
        The client's records; days are the client's local days (``cf.client.timezone``).

    Returns
    -------
    Chart
        Upper panel: daily pain 0-10, sessions as orange vertical lines, reported flares as
        triangles. Lower panel: each session's pressure (1-5). Without any diary entry or session
        the chart says there is nothing to show yet.

    Notes
    -----
    A day's pain is the arithmetic mean of its check-ins, :math:`\\bar y_d = \\frac{1}{n_d}
    \\sum_i y_{d,i}`; the text alternative gives the period, the number of diary days, the mean,
    lowest and highest daily pain, the first and last week's means (when there are at least two
    weeks), the number of sessions and their pressure range, and the number of flare days.

    References
    ----------
    Okabe M, Ito K. Color Universal Design (CUD): how to make figures and presentations that are
    friendly to colorblind people. 2008 (the palette).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t = lambda d: datetime(2026, 1, d, 20, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c1"), sessions=(Session(start=t(2), pressure=2, minutes=45),),
    ...                 checkins=(CheckIn(time=t(1), pain=6), CheckIn(time=t(3), pain=4)))
    >>> chart = pain_over_time(cf)
    >>> print(chart.alt)
    Pain over time, 1 January 2026 to 3 January 2026: daily pain on 2 days, average 5 out of 10,
    lowest 4, highest 6. 1 massage session, all at pressure 2 (light).
    >>> chart.svg.startswith("<svg")
    True
    """
    dy = _collect(cf)
    if not dy.days and not dy.session_days:
        return message_chart(TITLE, "Nothing to show yet: the chart starts with the first check-in.")
    return render(TITLE, _alt(dy), _draw(dy), size=(WIDTH_IN, 3.8))
