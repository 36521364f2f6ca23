"""The results page's three charts as small SVG drawn straight from the data.

Pictures a person looks at: pain over time with the sessions marked, each session's pain before,
just after, 24 h and 48 h later, and pressure against aggravation. They show what the matplotlib
charts of :mod:`~touchdose.reports.charts.diary` and :mod:`~touchdose.reports.charts.sessions`
show (the PDF report keeps those), from the same data and with the same words (the text
alternatives are theirs), but cost a millisecond or two instead of a quarter of a second
(docs/performance.md). Text is at least 11 px on a 375 px phone (:mod:`._svg`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from touchdose.analysis.engine import ClientAnalysis
from touchdose.analysis.response import OUTCOME_WORDS
from touchdose.records import NRS_MAX, NRS_MIN, PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES, ClientFile

from ._base import GRID, INK, MUTED, PAIN, SESSION, WORSE, Chart
from ._svg import SMALL, WIDTH, Scale, Svg
from .diary import TITLE as PAIN_TITLE
from .diary import _alt as _diary_alt
from .diary import _collect, _Diary
from .sessions import (
    _MOMENT_COLOUR,
    _MOMENTS,
    _OUTCOME_COLOUR,
    LAST_SESSIONS,
    PRESSURE_TITLE,
    SESSIONS_TITLE,
    _Level,
    _levels,
    _pressure_alt,
    _risks,
    _Row,
    _rows,
    _sessions_alt,
    _short_day,
    _values,
)

#: Estimated width of a character, in ems (for laying out legends and labels without a renderer;
#: generous, so labels never collide in a wider font).
CHAR_EM = 0.6
#: Up to this many diary days, each day's pain is also drawn as a dot (beyond, the line alone).
DOTS_UP_TO_DAYS = 45


def web_charts(cf: ClientFile, analysis: ClientAnalysis) -> tuple[Chart, ...]:
    """The results page's charts; none before the first check-in or session.

    Parameters
    ----------
    cf : ClientFile
        The client's records (days and dates in ``cf.client.timezone``).
    analysis : ClientAnalysis
        The engine's result for the same records (its session responses and titration).

    Returns
    -------
    tuple of Chart
        Pain over time, then (once there is a session) each session's changes and pressure
        against aggravation. SVG only (``png()`` refuses: the PDF draws with matplotlib), so they
        pickle and the web caches them beside the analysis.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.analysis.engine import analyze_client
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t = lambda d: datetime(2026, 1, d, 20, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c1"), sessions=(Session(start=t(2), pressure=2, minutes=45),),
    ...                 checkins=(CheckIn(time=t(1), pain=6), CheckIn(time=t(3), pain=4)))
    >>> [c.title for c in web_charts(cf, analyze_client(cf))]
    ['Pain over time', 'Pain before and after each session', 'Pressure and aggravation']
    """
    if not cf.checkins and not cf.sessions:
        return ()
    found = [pain_over_time_svg(cf)]
    if analysis.sessions:
        titration = analysis.titration
        found.append(session_changes_svg(analysis.sessions, timezone=cf.client.timezone))
        found.append(
            pressure_aggravation_svg(
                analysis.sessions,
                risk_by_pressure=titration.risk_by_pressure if titration else None,
                target=titration.target if titration else None,
            )
        )
    return tuple(found)


# --- shared pieces ------------------------------------------------------------------------


def _width(text: str, size: float = SMALL) -> float:
    return max((len(line) for line in text.split("\n")), default=0) * size * CHAR_EM


def _legend(svg: Svg, items: Sequence[tuple[str, str, str]], top: float, left: float = 8) -> float:
    """Legend entries ``(kind, colour, label)`` left to right, wrapping to new rows; returns the
    y below the last row. Kinds: ``line``, ``dash``, ``vline``, ``bar`` or a marker shape."""
    x, y, row = left, top + SMALL, SMALL * 1.6
    for kind, colour, label in items:
        need = 22 + _width(label)
        if x > left and x + need > svg.width - 4:
            x, y = left, y + row
        mid = y - SMALL * 0.35
        if kind in ("line", "dash"):
            svg.line(x, mid, x + 16, mid, colour, 2.0, dash="4 3" if kind == "dash" else None)
        elif kind == "vline":
            svg.line(x + 8, mid - 7, x + 8, mid + 7, colour, 1.6)
        elif kind == "bar":
            svg.rect(x + 2, mid - 6, 12, 12, colour, opacity=0.8)
        else:
            svg.marker(kind, x + 8, mid, 8, colour)
        svg.text(x + 21, y, label)
        x += need + 12
    return y + SMALL * 0.6


def _y_ticks(svg: Svg, scale: Scale, ticks: Sequence[tuple[float, str]], left: float, right: float) -> None:
    for value, label in ticks:
        y = scale(value)
        svg.line(left, y, right, y, GRID, 0.8)
        svg.text(left - 5, y + SMALL * 0.35, label, anchor="end")


def _chart(title: str, alt: str, svg: Svg) -> Chart:
    return Chart(title=title, alt=alt, svg=svg.render(title, alt))


def _message(title: str, message: str) -> Chart:
    svg = Svg(height=60)
    svg.text(WIDTH / 2, 34, message, size=SMALL, anchor="middle", fill=MUTED)
    return _chart(title, f"{title}: {message}", svg)


# --- pain over time ----------------------------------------------------------------------


def pain_over_time_svg(cf: ClientFile) -> Chart:
    """Daily pain (the mean of each local day's check-ins) with every session and its pressure.

    The same picture and text alternative as :func:`touchdose.reports.charts.pain_over_time`:
    daily pain 0-10 as a line (broken where days are missing), sessions as orange vertical lines,
    reported flares as triangles, and each session's pressure 1-5 in a strip below.
    """
    dy = _collect(cf)
    if not dy.days and not dy.session_days:
        return _message(PAIN_TITLE, "Nothing to show yet: the chart starts with the first check-in.")
    return _chart(PAIN_TITLE, _diary_alt(dy), _pain_svg(dy))


def _pain_svg(dy: _Diary) -> Svg:
    left, right = 30.0, WIDTH - 8.0
    top, bottom = 8.0, 158.0  # the pain panel
    p_top, p_bottom = 186.0, 226.0  # the pressure strip
    everything = [*dy.days, *dy.session_days]
    first, last = min(everything) - timedelta(days=1), max(everything) + timedelta(days=1)
    xs = Scale(0, (last - first).days, left + 4, right - 4)

    def x(d: date) -> float:
        return xs((d - first).days)

    ys = Scale(NRS_MIN - 0.3, NRS_MAX + 0.3, bottom, top)
    svg = Svg(height=0)
    _y_ticks(svg, ys, [(v, str(v)) for v in range(NRS_MIN, NRS_MAX + 1, 2)], left, right)
    svg.vlines([x(d) for d in dy.session_days], top, bottom, SESSION, 1.4, opacity=0.6)
    dots = []
    for run in _runs(dy.days, dy.pain):
        svg.polyline([(x(d), ys(v)) for d, v in run], PAIN, 1.8)
        if len(dy.days) <= DOTS_UP_TO_DAYS or len(run) == 1:
            dots += [(x(d), ys(v)) for d, v in run]
    svg.dots(dots, 4.5, PAIN, stroke=PAIN)
    for d in dy.flare_days:
        svg.marker("v", x(d), ys(NRS_MAX - 0.4), 8, WORSE)
    svg.text(left, p_top - 8, "Pressure of each session (1-5)", fill=MUTED)
    ps = Scale(PRESSURE_MIN - 0.6, PRESSURE_MAX + 0.6, p_bottom, p_top)
    _y_ticks(svg, ps, [(p, str(p)) for p in (PRESSURE_MIN, 3, PRESSURE_MAX)], left, right)
    svg.dots([(x(d), ps(p)) for d, p in zip(dy.session_days, dy.session_pressure, strict=True)], 7, SESSION)
    for d in _date_ticks(first, last):
        label = f"{d.day} {d.strftime('%b')}"
        half = _width(label) / 2
        svg.line(x(d), p_bottom, x(d), p_bottom + 4, MUTED, 0.8)
        svg.text(min(max(x(d), left + half), right - half), p_bottom + 18, label, anchor="middle")
    items = [("line", PAIN, "Pain (daily average, 0-10)")]
    if dy.session_days:
        items.append(("vline", SESSION, "Massage session"))
    if dy.flare_days:
        items.append(("v", WORSE, "Flare reported"))
    svg.height = _legend(svg, items, p_bottom + 28)
    return svg


def _runs(days: Sequence[date], pain: Sequence[float]) -> list[list[tuple[date, float]]]:
    """Consecutive days as runs, so a gap in the diary is shown as a gap."""
    runs: list[list[tuple[date, float]]] = []
    for i, (d, v) in enumerate(zip(days, pain, strict=True)):
        if i == 0 or (d - days[i - 1]).days > 1:
            runs.append([])
        runs[-1].append((d, v))
    return runs


#: Tick spacing candidates in days, then in months, smallest first.
_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6, 12)
MAX_DATE_TICKS = 5


def _date_ticks(first: date, last: date) -> list[date]:
    """At most :data:`MAX_DATE_TICKS` dates between ``first`` and ``last``: days or weeks for a
    short diary, the first of the month for a long one."""
    for step in _DAY_STEPS:
        start = first + timedelta(days=1)
        ticks = [start + timedelta(days=k * step) for k in range(math.ceil((last - start).days / step))]
        if len(ticks) <= MAX_DATE_TICKS:
            return ticks
    for months in _MONTH_STEPS:
        ticks = []
        year, month = first.year, first.month + 1
        while True:
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            d = date(year, month, 1)
            if d >= last:
                break
            ticks.append(d)
            month += months
        if len(ticks) <= MAX_DATE_TICKS:
            return ticks
    return [first + (last - first) / 2]  # pragma: no cover (12-month steps fit any diary up to 5 years)


# --- each session: before, just after, 24 h and 48 h --------------------------------------


def session_changes_svg(
    responses: Sequence[Any], *, timezone: str | None = None, last: int = LAST_SESSIONS
) -> Chart:
    """Pain before, just after, 24 h and 48 h after each of the most recent sessions.

    The same picture and text alternative as :func:`touchdose.reports.charts.session_changes`:
    four markers per session joined by a line coloured by the outcome, the outcome in words
    above, the date and pressure (``P2``) below. A moment without a rating is left out.
    """
    if isinstance(last, bool) or not isinstance(last, int) or last < 1:
        raise ValueError(f"session_changes: last = {last!r} is not allowed (allowed: a whole number >= 1)")
    rows = _rows(responses, timezone)
    if not rows:
        return _message(SESSIONS_TITLE, "No sessions yet: each session appears here once it is logged.")
    shown = rows[-last:]
    return _chart(SESSIONS_TITLE, _sessions_alt(shown, len(rows)), _sessions_svg(shown))


def _sessions_svg(rows: list[_Row]) -> Svg:
    left, right = 30.0, WIDTH - 4.0
    top, bottom = 54.0, 194.0
    slot = (right - left) / LAST_SESSIONS
    offsets = (-0.3, -0.1, 0.1, 0.3)
    ys = Scale(NRS_MIN - 0.3, NRS_MAX + 0.3, bottom, top)
    svg = Svg(height=0)
    _y_ticks(svg, ys, [(v, str(v)) for v in range(NRS_MIN, NRS_MAX + 1, 2)], left, right)
    for i, row in enumerate(rows):
        centre = left + slot * (i + 0.5)
        values = _values(row)
        points = [(centre + o * slot, ys(v)) for o, v in zip(offsets, values, strict=True) if v is not None]
        svg.polyline(points, _OUTCOME_COLOUR[row.outcome], 2.0)
        for o, v, (_, _, shape), colour in zip(offsets, values, _MOMENTS, _MOMENT_COLOUR, strict=True):
            if v is not None:
                svg.marker(shape, centre + o * slot, ys(v), 7.5, colour)
        words = textwrap.fill(OUTCOME_WORDS[row.outcome], 7)
        lines = words.count("\n") + 1
        svg.text(centre, top - 8 - (lines - 1) * SMALL * 1.15, words, anchor="middle")
        svg.text(centre, bottom + 17, f"{_short_day(row.start)}\nP{row.pressure}", anchor="middle")
    moments = [(shape, c, label) for (label, _, shape), c in zip(_MOMENTS, _MOMENT_COLOUR, strict=True)]
    svg.height = _legend(svg, moments, bottom + 40)
    return svg


# --- pressure against aggravation -------------------------------------------------------------


def pressure_aggravation_svg(
    responses: Sequence[Any],
    *,
    risk_by_pressure: Mapping[Any, Any] | None = None,
    target: float | None = None,
) -> Chart:
    """Per pressure level, how many sessions with a known outcome aggravated pain ("k of n"),
    with the titration's estimated risk and its target: the same picture and text alternative as
    :func:`touchdose.reports.charts.pressure_aggravation`. Whether a session aggravated is the
    engine's own ``aggravated``, read from each response, never worked out again here."""
    if target is not None and (isinstance(target, bool) or not 0.0 < float(target) < 1.0):
        raise ValueError(f"pressure_aggravation: target = {target!r} is not allowed (allowed: a number 0-1)")
    rows = _rows(responses, None)
    risks = _risks(risk_by_pressure)
    if not rows and not risks:
        return _message(PRESSURE_TITLE, "No sessions yet: this fills in as sessions are logged.")
    levels = _levels(rows)
    return _chart(PRESSURE_TITLE, _pressure_alt(levels, risks, target), _pressure_svg(levels, risks, target))


def _pressure_svg(levels: list[_Level], risks: dict[int, float] | None, target: float | None) -> Svg:
    left, right = 44.0, WIDTH - 4.0
    top, bottom = 30.0, 170.0
    slot = (right - left) / len(levels)
    ys = Scale(0.0, 1.0, bottom, top)
    svg = Svg(height=0)
    _y_ticks(svg, ys, [(0, "0"), (0.25, "25 %"), (0.5, "50 %"), (0.75, "75 %"), (1.0, "100 %")], left, right)

    def x(pressure: int) -> float:
        return left + slot * (pressure - PRESSURE_MIN + 0.5)

    for lv in levels:
        share = lv.aggravated / lv.known if lv.known else 0.0
        if share > 0:
            bar = ys(share)
            svg.rect(x(lv.pressure) - slot * 0.3, bar, slot * 0.6, bottom - bar, WORSE, opacity=0.8)
        label = f"{lv.aggravated} of {lv.known}" if lv.known else "none"
        svg.text(x(lv.pressure), top - 10, label, anchor="middle", fill=INK if lv.known else MUTED)
        name = PRESSURE_NAMES[lv.pressure].replace(" ", "\n")
        svg.text(x(lv.pressure), bottom + 17, f"{lv.pressure}\n{name}", anchor="middle")
    svg.line(left, bottom, right, bottom, MUTED, 0.8)
    items = [("bar", WORSE, "Share that aggravated")]
    if risks:
        ps = sorted(risks)
        svg.polyline([(x(p), ys(risks[p])) for p in ps], PAIN, 2.0)
        for p in ps:
            svg.marker("o", x(p), ys(risks[p]), 6, PAIN, stroke=PAIN)
        items.append(("line", PAIN, "Estimated risk"))
    if target is not None:
        svg.line(left, ys(target), right, ys(target), MUTED, 1.2, dash="5 4")
        items.append(("dash", MUTED, f"Target {round(100 * target)} %"))
    svg.height = _legend(svg, items, bottom + 50)
    return svg


__all__ = [
    "pain_over_time_svg",
    "pressure_aggravation_svg",
    "session_changes_svg",
    "web_charts",
]
