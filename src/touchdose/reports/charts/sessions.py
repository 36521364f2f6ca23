"""Each session's pain before, just after, 24 h and 48 h later, and pressure against aggravation.

Both charts take the per-session responses as plain data: the ``sessions`` list of the
``touchdose analyze --json`` object (docs/formats.md), or the
:class:`touchdose.analysis.response.SessionResponse` objects themselves (their ``to_dict()``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from touchdose.analysis.response import AGGRAVATED_OUTCOMES as _AGGRAVATED
from touchdose.analysis.response import OUTCOME_WORDS
from touchdose.records import NRS_MAX, NRS_MIN, PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES
from touchdose.text import count, percent

from ._base import (
    INK,
    MUTED,
    PAIN,
    PURPLE,
    RELIEF,
    SESSION,
    WIDTH_IN,
    WORSE,
    Chart,
    Draw,
    message_chart,
    render,
)

SESSIONS_TITLE = "Pain before and after each session"

#: Sessions drawn in the before/after chart (the most recent ones); more would not fit a phone.
LAST_SESSIONS = 6

#: Outcomes that mean the session aggravated pain, defined once in analysis.response; the
#: charts read each response's ``aggravated`` and fall back on these only for older files.
AGGRAVATED_OUTCOMES = _AGGRAVATED

_OUTCOME_COLOUR = {
    "helped": RELIEF,
    "mixed": PURPLE,
    "harmed": WORSE,
    "no_effect": MUTED,
    "unknown": "#b0b0b0",
}
_OUTCOME_WORDS = OUTCOME_WORDS  # one wording for everyone (analysis.response)
#: The same words above each session in the chart, wrapped to stay narrow enough for six
#: sessions on a phone.
_OUTCOME_SHORT = {k: textwrap.fill(w, 9) for k, w in OUTCOME_WORDS.items()}
#: (label, key in the response, marker) for the four moments of a session.
_MOMENTS = (
    ("before", None, "o"),
    ("just after", "immediate_change", "s"),
    ("24 h later", "change_24h", "^"),
    ("48 h later", "change_48h", "D"),
)
_MOMENT_COLOUR = (MUTED, PAIN, SESSION, PURPLE)


@dataclass(frozen=True)
class _Row:
    start: datetime
    pressure: int
    before: int | None
    changes: tuple[int | None, int | None, int | None]
    outcome: str
    aggravated: bool


def _as_mapping(r: Any) -> Mapping[str, Any]:
    if isinstance(r, Mapping):
        return r
    to_dict = getattr(r, "to_dict", None)
    if callable(to_dict):
        d = to_dict()
        if isinstance(d, Mapping):
            return d
    raise ValueError(
        f"session response = {r!r} is not allowed (allowed: a mapping or an object with to_dict())"
    )


def _rows(responses: Sequence[Any], timezone: str | None) -> list[_Row]:
    zone = ZoneInfo(timezone) if timezone else None
    rows = []
    for i, r in enumerate(responses):
        d = _as_mapping(r)
        try:
            start = d["start"] if isinstance(d["start"], datetime) else datetime.fromisoformat(d["start"])
            pressure = int(d["pressure"])
            outcome = str(d.get("outcome", "unknown"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"sessions[{i}]: needs start (ISO time), pressure (1-5) and outcome; got {dict(d)!r}"
            ) from exc
        if outcome not in _OUTCOME_COLOUR:
            raise ValueError(
                f"sessions[{i}]: outcome = {outcome!r} is not allowed (allowed: one of "
                + ", ".join(_OUTCOME_COLOUR)
                + ")"
            )
        if zone is not None:
            start = start.astimezone(zone)
        changes = (d.get("immediate_change"), d.get("change_24h"), d.get("change_48h"))
        aggravated = bool(d["aggravated"]) if "aggravated" in d else outcome in AGGRAVATED_OUTCOMES
        rows.append(_Row(start, pressure, d.get("pain_before"), changes, outcome, aggravated))
    return rows


def _short_day(t: datetime) -> str:
    return f"{t.day} {t.strftime('%b')}"


def _values(row: _Row) -> list[int | None]:
    if row.before is None:
        return [None, None, None, None]
    return [row.before, *(None if c is None else row.before + c for c in row.changes)]


def _session_sentence(row: _Row) -> str:
    head = (
        f"{_short_day(row.start)} {row.start.year}, pressure {row.pressure} ({PRESSURE_NAMES[row.pressure]})"
    )
    vals = _values(row)
    if vals[0] is None:
        return f"{head}: no pain rating before the session; outcome {_OUTCOME_WORDS[row.outcome]}."
    said = [f"{label} {v}" for (label, _, _), v in zip(_MOMENTS, vals, strict=True) if v is not None]
    missing = [label for (label, _, _), v in zip(_MOMENTS, vals, strict=True) if v is None]
    tail = f" ({', '.join(missing)}: not rated)" if missing else ""
    return f"{head}: pain {', '.join(said)}{tail}; outcome {_OUTCOME_WORDS[row.outcome]}."


def _sessions_alt(rows: list[_Row], total: int) -> str:
    counts = {k: sum(r.outcome == k for r in rows) for k in _OUTCOME_WORDS}
    summary = ", ".join(f"{n} {_OUTCOME_WORDS[k]}" for k, n in counts.items() if n)
    shown = f"the last {len(rows)} of {total} sessions" if total > len(rows) else f"{total} sessions"
    if total == 1:
        shown = "1 session"
    return f"{SESSIONS_TITLE}, {shown} ({summary}). " + " ".join(_session_sentence(r) for r in rows)


def _sessions_draw(rows: list[_Row]) -> Draw:
    offsets = (-0.27, -0.09, 0.09, 0.27)

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        for x, row in enumerate(rows):
            vals = _values(row)
            xs = [x + o for o, v in zip(offsets, vals, strict=True) if v is not None]
            ys = [v for v in vals if v is not None]
            ax.plot(xs, ys, color=_OUTCOME_COLOUR[row.outcome], linewidth=1.6, zorder=2)
            for o, v, (_, _, marker), colour in zip(offsets, vals, _MOMENTS, _MOMENT_COLOUR, strict=True):
                if v is not None:
                    ax.plot(
                        [x + o],
                        [v],
                        marker=marker,
                        color=colour,
                        markeredgecolor=INK,
                        markeredgewidth=0.5,
                        linestyle="none",
                        zorder=3,
                    )
            ax.text(
                x,
                NRS_MAX + 0.6,
                _OUTCOME_SHORT[row.outcome],
                ha="center",
                va="bottom",
                fontsize=11,
                color=_OUTCOME_COLOUR[row.outcome] if row.outcome != "unknown" else MUTED,
            )
        ax.set_xticks(range(len(rows)), [f"{_short_day(r.start)}\nP{r.pressure}" for r in rows], fontsize=11)
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_ylim(NRS_MIN - 0.3, NRS_MAX + 2.0)
        ax.set_yticks(range(NRS_MIN, NRS_MAX + 1, 2))
        ax.set_ylabel("Pain 0-10")
        handles = [
            Line2D(
                [],
                [],
                marker=m,
                color=c,
                markeredgecolor=INK,
                markeredgewidth=0.5,
                linestyle="none",
                label=label,
            )
            for (label, _, m), c in zip(_MOMENTS, _MOMENT_COLOUR, strict=True)
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=2,
            fontsize=11,
            handletextpad=0.2,
            columnspacing=0.8,
        )
        fig.suptitle(SESSIONS_TITLE, x=0.02, ha="left", fontsize=14, color=INK)

    return draw


def session_changes(
    responses: Sequence[Any], *, timezone: str | None = None, last: int = LAST_SESSIONS
) -> Chart:
    """Pain before, just after, 24 h and 48 h after each of the most recent sessions.

    Parameters
    ----------
    responses : sequence of mapping or SessionResponse
        The ``sessions`` list of the analysis object (docs/formats.md): ``start``, ``pressure``,
        ``pain_before``, ``immediate_change``, ``change_24h``, ``change_48h``, ``outcome``.
    timezone : str, optional
        IANA zone for the dates under each session (the client's); default: as given.
    last : int
        How many of the most recent sessions to draw (default :data:`LAST_SESSIONS`).

    Returns
    -------
    Chart
        One group of four markers per session, joined by a line coloured by the outcome, with
        the outcome in words above and the date and pressure (``P2``) below.

    Notes
    -----
    The pain at each moment is the before-pain plus the change the engine measured:
    :math:`y_{t} = y_{before} + \\Delta_t`. A moment without a rating is left out, never guessed.

    Examples
    --------
    >>> r = {"start": "2026-01-05T10:00:00+00:00", "pressure": 2, "pain_before": 6,
    ...      "immediate_change": -2, "change_24h": -1, "change_48h": 0, "outcome": "helped"}
    >>> print(session_changes([r]).alt)
    Pain before and after each session, 1 session (1 helped). 5 Jan 2026, pressure 2 (light):
    pain before 6, just after 4, 24 h later 5, 48 h later 6; outcome helped.
    """
    if isinstance(last, bool) or not isinstance(last, int) or last < 1:
        raise ValueError(f"session_changes: last = {last!r} is not allowed (allowed: a whole number >= 1)")
    rows = _rows(responses, timezone)
    if not rows:
        return message_chart(SESSIONS_TITLE, "No sessions yet: each session appears here once it is logged.")
    shown = rows[-last:]
    return render(
        SESSIONS_TITLE, _sessions_alt(shown, len(rows)), _sessions_draw(shown), size=(WIDTH_IN, 3.6)
    )


# --- pressure against aggravation ----------------------------------------------------

PRESSURE_TITLE = "Pressure and aggravation"


@dataclass(frozen=True)
class _Level:
    pressure: int
    known: int  # sessions with a known outcome
    aggravated: int
    unknown: int


def _levels(rows: list[_Row]) -> list[_Level]:
    out = []
    for p in range(PRESSURE_MIN, PRESSURE_MAX + 1):
        at = [r for r in rows if r.pressure == p]
        known = [r for r in at if r.outcome != "unknown"]
        out.append(
            _Level(p, len(known), sum(r.aggravated for r in known), len(at) - len(known))
        )
    return out


def _risks(risk_by_pressure: Mapping[Any, Any] | None) -> dict[int, float] | None:
    if risk_by_pressure is None:
        return None
    risks: dict[int, float] = {}
    for k, v in risk_by_pressure.items():
        try:
            p, r = int(k), float(v)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"risk_by_pressure: {k!r}: {v!r} is not allowed (allowed: level 1-5 -> 0-1)"
            ) from exc
        if not PRESSURE_MIN <= p <= PRESSURE_MAX or not 0.0 <= r <= 1.0:
            raise ValueError(f"risk_by_pressure: {k!r}: {v!r} is not allowed (allowed: level 1-5 -> 0-1)")
        risks[p] = r
    return risks


def _pressure_alt(levels: list[_Level], risks: dict[int, float] | None, target: float | None) -> str:
    parts = []
    for lv in levels:
        if lv.known:
            parts.append(
                f"pressure {lv.pressure} ({PRESSURE_NAMES[lv.pressure]}): {lv.aggravated} of "
                f"{count(lv.known, 'session')} aggravated pain"
            )
    said = "; ".join(parts) + "." if parts else "No session has a known outcome yet."
    text = f"{PRESSURE_TITLE}. {said[0].upper()}{said[1:]}"
    unknown = sum(lv.unknown for lv in levels)
    if unknown:  # the chart does not know the time: a follow-up may be missed or still to come
        has = count(unknown, "session has", "sessions have")
        text += f" {has} no known outcome (a follow-up missing or not yet due)."
    if risks:
        est = ", ".join(f"{p}: {percent(r)}" for p, r in sorted(risks.items()))
        text += f" Estimated risk of aggravation by pressure ({est})"
        text += f", against a target of {percent(target)}." if target is not None else "."
    return text


def _pressure_draw(levels: list[_Level], risks: dict[int, float] | None, target: float | None) -> Draw:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        xs = [lv.pressure for lv in levels]
        shares = [lv.aggravated / lv.known if lv.known else 0.0 for lv in levels]
        ax.bar(xs, shares, width=0.6, color=WORSE, alpha=0.8, label="Share that aggravated")
        for lv in levels:  # counts in one row along the top, clear of bars and the risk line
            label = f"{lv.aggravated} of {lv.known}" if lv.known else "none"
            ax.text(
                lv.pressure,
                1.04,
                label,
                ha="center",
                va="bottom",
                fontsize=11,
                color=INK if lv.known else MUTED,
            )
        if risks:
            ps = sorted(risks)
            ax.plot(
                ps,
                [risks[p] for p in ps],
                color=PAIN,
                marker="o",
                linewidth=2,
                label="Estimated risk",
            )
        if target is not None:
            ax.axhline(
                target, color=MUTED, linestyle="--", linewidth=1.2, label=f"Target {percent(target)}"
            )
        ax.set_xticks(xs, [f"{p}\n{PRESSURE_NAMES[p]}" for p in xs], fontsize=11)
        ax.set_xlim(PRESSURE_MIN - 0.6, PRESSURE_MAX + 0.6)
        ax.set_ylim(0, 1.16)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25 %", "50 %", "75 %", "100 %"])
        ax.set_ylabel("Aggravated")
        fig.legend(loc="outside lower center", ncols=2 if risks or target is not None else 1, fontsize=11)
        fig.suptitle(PRESSURE_TITLE, x=0.02, ha="left", fontsize=14, color=INK)

    return draw


def pressure_aggravation(
    responses: Sequence[Any],
    *,
    risk_by_pressure: Mapping[Any, Any] | None = None,
    target: float | None = None,
) -> Chart:
    """Sessions per pressure level and the share that aggravated pain, with the titration's risks.

    Parameters
    ----------
    responses : sequence of mapping or SessionResponse
        As for :func:`session_changes`; only ``pressure`` and ``outcome`` are used.
    risk_by_pressure : mapping, optional
        The titration's estimated aggravation risk per level (docs/formats.md
        ``titration.risk_by_pressure``: ``{"1": 0.03, ...}``), drawn as a line.
    target : float, optional
        The titration's target risk (0-1), drawn as a dashed line.

    Returns
    -------
    Chart
        Bars: the share of sessions with a known outcome that aggravated (outcome ``harmed``
        or ``mixed``), labelled "k of n". Sessions with no known outcome yet are counted in
        the text, not in the bars.

    Notes
    -----
    Share at level :math:`d`: :math:`\\hat p_d = k_d / n_d` (no smoothing; the titration's
    model-based estimate is the line).

    Examples
    --------
    >>> rs = [{"start": "2026-01-05T10:00:00+00:00", "pressure": 2, "outcome": "helped"},
    ...       {"start": "2026-01-12T10:00:00+00:00", "pressure": 3, "outcome": "harmed"}]
    >>> print(pressure_aggravation(rs).alt)
    Pressure and aggravation. Pressure 2 (light): 0 of 1 session aggravated pain;
    pressure 3 (moderate): 1 of 1 session aggravated pain.
    """
    if target is not None and (isinstance(target, bool) or not 0.0 < float(target) < 1.0):
        raise ValueError(f"pressure_aggravation: target = {target!r} is not allowed (allowed: a number 0-1)")
    rows = _rows(responses, None)
    risks = _risks(risk_by_pressure)
    if not rows and not risks:
        return message_chart(PRESSURE_TITLE, "No sessions yet: this fills in as sessions are logged.")
    levels = _levels(rows)
    return render(
        PRESSURE_TITLE,
        _pressure_alt(levels, risks, target),
        _pressure_draw(levels, risks, target),
        size=(WIDTH_IN, 3.6),
    )


__all__ = ["AGGRAVATED_OUTCOMES", "LAST_SESSIONS", "pressure_aggravation", "session_changes"]
