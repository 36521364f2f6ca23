"""Is massage helping this client? The verdict, with its reasons as numbers in plain words.

The verdict reads two kinds of evidence a real client has: how each session went
(:mod:`touchdose.analysis.response`: relief, aggravation, missing follow-ups) and the
n-of-1 comparison of the diary on massage days against days without massage
(:mod:`touchdose.analysis.comparison`). The states are those of docs/formats.md:

* ``gathering_data`` — not enough to judge; says exactly what is missing;
* ``more_pain`` — mainly more pain: most judged sessions aggravated, or the diary shows
  pain credibly higher on massage days;
* ``mixed`` — repeated aggravations among the sessions, but not mainly;
* ``helping`` — pain credibly lower on massage days by at least the MID;
* ``soothing`` — pain unchanged, mood or sleep credibly better on massage days;
* ``no_effect`` — nothing measurable.

Safety comes first: the aggravation rules are checked before any benefit.

Examples
--------
>>> v = reach_verdict((), None)
>>> v.state, v.missing[0]
('gathering_data', 'a first massage session, rated before and after')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import beta as beta_dist

from touchdose.analysis.comparison import DIARY_OUTCOMES, Comparison, Refusal
from touchdose.analysis.response import (
    AGGRAVATION_POINTS,
    FOLLOWUP_48H_HOURS,
    FOLLOWUP_WINDOWS,
    RELIEF_PERCENT,
    RELIEF_POINTS,
    SessionResponse,
)
from touchdose.analysis.safety import Safety
from touchdose.records import ClientFile
from touchdose.text import count, percent
from touchdose.types import FloatArray

__all__ = [
    "CAUTION",
    "HARM_P",
    "HELPING_P",
    "MAINLY_SHARE",
    "MIN_AGGRAVATIONS",
    "MIN_JUDGED_SESSIONS",
    "MIXED_SHARE",
    "SOOTHING_P",
    "VERDICT_LABELS",
    "VERDICT_STATES",
    "Background",
    "SessionTally",
    "Verdict",
    "background_aggravation",
    "reach_verdict",
    "tally_sessions",
]

VERDICT_STATES: tuple[str, ...] = ("gathering_data", "helping", "soothing", "no_effect", "mixed", "more_pain")
#: Each state in plain words: the one label the CLI, the web pages and the report show for it
#: (the client's own sentence is ``Verdict.headline``).
VERDICT_LABELS: dict[str, str] = {
    "gathering_data": "Still gathering data",
    "helping": "Massage seems to be helping",
    "soothing": "Soothing, but pain is unchanged",
    "no_effect": "No measurable effect so far",
    "mixed": "Mixed: relief, then more pain",
    "more_pain": "Mainly more pain",
}

#: Every verdict carries this caution (docs/design.md "Verdict and plan"; docs/formats.md example).
CAUTION = "Self-reported n-of-1 data, not medical advice."
CAUTION_MORE_PAIN = (
    " If massage mainly brings more pain, stop, and talk to your physician before trying again."
)

#: Sessions with a known outcome needed before any verdict: three, the same number of
#: separate massage episodes the n-of-1 comparison needs (comparison.MIN_EXPOSURE_EPISODES).
MIN_JUDGED_SESSIONS = 3
#: "Mainly more pain" (docs/design.md): at least half of the judged sessions aggravated.
MAINLY_SHARE = 0.5
#: "Mixed": at least this share of judged sessions aggravated, twice the 10 % of ordinary
#: massage clients who report discomfort afterwards (Cambron 2007; docs/evidence.md 12),
#: so an occasional bad day is not read as a pattern ...
MIXED_SHARE = 0.2
#: ... and never on a single aggravation.
MIN_AGGRAVATIONS = 2
#: When the diary has too few massage-free stretches to measure the client's own rate of
#: spontaneous pain rises, this rate stands in for it: 10 % of ordinary massage clients report
#: discomfort afterwards (Cambron 2007), weighted as this many pseudo-observations.
DEFAULT_BACKGROUND_RATE = 0.10
DEFAULT_BACKGROUND_WEIGHT = 10
#: Aggravations count as a pattern only when the rate after sessions is above the client's own
#: background rate with at least this posterior probability, 19 to 1 (Beta(1+a, 1+n-a) vs Beta(1+x, 1+m-x)).
EXCESS_P = 0.95
#: Posterior probability of a meaningful benefit (>= MID) needed to say "helping": 0.8,
#: odds of 4 to 1. Checked on simulated clients (docs/validation.md, benchmarks/verdicts.py).
HELPING_P = 0.8
#: Posterior probability of a meaningful harm (>= MID more pain on massage days) that makes
#: the diary alone say "more pain".
HARM_P = 0.8
#: "Soothing" needs mood or sleep better on massage days by at least its MID (mood 1 point,
#: sleep 0.5 h; comparison.DIARY_OUTCOMES) with this posterior probability, the same 4 to 1 odds
#: as "helping": an interval that merely excludes zero is not a change anyone would feel
#: (docs/design.md, "Thresholds").
SOOTHING_P = 0.8
#: "Helping" also needs P(benefit >= MID) of at least this against the days at least 6 days after
#: any massage (the late look's clean days): more likely than not, so a benefit that exists
#: only because late harm made the other massage-free days worse is not called helping. Our
#: choice, checked on simulated clients (docs/validation.md).
HELPING_CHECK_P = 0.5


@dataclass(frozen=True)
class SessionTally:
    """How the sessions went, counted.

    ``judged`` sessions have a known outcome (both follow-ups, or an aggravation seen);
    ``aggravated`` counts ``harmed`` and ``mixed`` sessions. ``complete`` sessions have both
    follow-ups whatever happened, ``complete_aggravated`` of them aggravated: the unbiased
    sample for a rate (among ``judged`` ones, a session missing a follow-up counts only when
    it aggravated, which inflates the share).
    """

    sessions: int
    judged: int
    helped: int
    no_effect: int
    mixed: int
    harmed: int
    unknown: int
    aggravating_pressures: tuple[int, ...]
    last_aggravated: bool
    complete: int = 0
    complete_aggravated: int = 0

    @property
    def aggravated(self) -> int:
        return self.mixed + self.harmed

    @property
    def rate_sample(self) -> tuple[int, int]:
        """(aggravated, sessions) for the rate: the complete sessions when there are at least
        :data:`MIN_JUDGED_SESSIONS` of them, else every judged session."""
        if self.complete >= MIN_JUDGED_SESSIONS:
            return self.complete_aggravated, self.complete
        return self.aggravated, self.judged

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions, "judged": self.judged, "helped": self.helped,
            "no_effect": self.no_effect, "mixed": self.mixed, "harmed": self.harmed,
            "unknown": self.unknown, "aggravating_pressures": list(self.aggravating_pressures),
        }  # fmt: skip


def tally_sessions(responses: Sequence[SessionResponse]) -> SessionTally:
    """Count the session outcomes.

    Examples
    --------
    >>> tally_sessions(()).judged
    0
    """
    outcomes = [r.outcome for r in responses]
    judged = [r for r in responses if r.outcome != "unknown"]
    complete = [r for r in responses if r.change_24h is not None and r.change_48h is not None]
    return SessionTally(
        sessions=len(responses),
        judged=len(judged),
        helped=outcomes.count("helped"),
        no_effect=outcomes.count("no_effect"),
        mixed=outcomes.count("mixed"),
        harmed=outcomes.count("harmed"),
        unknown=outcomes.count("unknown"),
        aggravating_pressures=tuple(sorted({r.pressure for r in responses if r.aggravated})),
        last_aggravated=bool(judged) and judged[-1].aggravated,
        complete=len(complete),
        complete_aggravated=sum(r.aggravated for r in complete),
    )


@dataclass(frozen=True)
class Background:
    """The client's own rate of spontaneous aggravation on days without massage.

    ``windows`` diary entries far from any massage had both follow-up entries; in ``events``
    of them pain rose by at least :data:`AGGRAVATION_POINTS` (or a flare was reported), the
    same rule a session's aggravation follows.
    """

    events: int
    windows: int

    @property
    def rate(self) -> float | None:
        return self.events / self.windows if self.windows else None

    def to_dict(self) -> dict[str, Any]:
        return {"events": self.events, "windows": self.windows}


def _nearest(times: FloatArray, t0: float, window: tuple[float, float]) -> int | None:
    """Index of the entry inside ``[t0 + lo, t0 + hi)`` hours closest to the window's middle."""
    lo, hi = t0 + window[0] * 3600.0, t0 + window[1] * 3600.0
    i, j = int(np.searchsorted(times, lo, "left")), int(np.searchsorted(times, hi, "left"))
    if i >= j:
        return None
    middle = (lo + hi) / 2
    return min(range(i, j), key=lambda k: abs(times[k] - middle))


def _near_any(
    times: FloatArray, sessions: FloatArray, reach: float, ahead: float | None = None
) -> NDArray[np.bool_]:
    """For each time, whether a session (sorted times) lies within ``reach`` seconds before it
    or within ``ahead`` seconds after it (default ``reach``)."""
    if sessions.size == 0:
        return np.zeros(times.shape, dtype=bool)
    ahead = reach if ahead is None else ahead
    i = np.searchsorted(sessions, times)
    last = sessions.size - 1
    before = np.where(i > 0, times - sessions[np.clip(i - 1, 0, last)], np.inf)
    after = np.where(i <= last, sessions[np.clip(i, 0, last)] - times, np.inf)
    return (before <= reach) | (after <= ahead)


def background_aggravation(cf: ClientFile) -> Background:
    """Count spontaneous aggravations in the diary, away from massage.

    A diary entry with no session within 60 h before it or 84 h after it is treated like a
    session's before-pain: its "follow-ups" are the entries 18-36 h, 36-60 h and (the 72 h
    look) 60-84 h later, the windows of :mod:`touchdose.analysis.response`, and like a
    session it counts when the first two are there. It is an aggravation when any follow-up
    is at least 2 points higher or a flare is reported before the last window closes: the
    same looks a session gets, so the two rates are comparable. Windows do not overlap (the
    next starts after the previous one's 84 h), so they are separate observations, as the
    sessions are, and the Beta posterior is not overconfident.

    Examples
    --------
    >>> from touchdose.records import ClientProfile
    >>> background_aggravation(ClientFile(ClientProfile(id="c-1"))).rate is None
    True
    """
    checkins = cf.checkins
    times = np.array([c.time.timestamp() for c in checkins])
    pains = [c.pain for c in checkins]
    flares = np.array([c.flare for c in checkins], dtype=bool)
    reach = FOLLOWUP_WINDOWS[-1][1] * 3600.0
    sessions = np.array([s.start.timestamp() for s in cf.sessions])
    near_session = _near_any(times, sessions, FOLLOWUP_48H_HOURS[1] * 3600.0, ahead=reach)
    events = windows = 0
    free_from = -np.inf
    for k in np.flatnonzero(~near_session):
        t0 = times[k]
        if t0 < free_from:
            continue
        follow = [_nearest(times, t0, w) for w in FOLLOWUP_WINDOWS]
        if follow[0] is None or follow[1] is None:
            continue
        windows += 1
        free_from = t0 + reach
        end = int(np.searchsorted(times, t0 + reach, "left"))  # entries before the last window closes
        flare = bool(flares[k + 1 : end].any())
        rise = max(pains[f] for f in follow if f is not None) - pains[k]
        events += int(flare or rise >= AGGRAVATION_POINTS)
    return Background(events, windows)


def p_excess(aggravated: int, judged: int, background: Background | None) -> float:
    """P(aggravation rate after sessions > background rate), uniform Beta priors.

    ``P = ∫ f_bg(y) P(theta_sessions > y) dy`` with ``theta_sessions ~ Beta(1 + a, 1 + n - a)``
    and ``theta_bg ~ Beta(1 + x, 1 + m - x)``; the integrand is a polynomial, integrated exactly
    by Gauss-Legendre quadrature.

    Without a measured background, :data:`DEFAULT_BACKGROUND_RATE` counts as
    :data:`DEFAULT_BACKGROUND_WEIGHT` pseudo-observations.

    Examples
    --------
    >>> round(p_excess(8, 10, Background(2, 40)), 3)
    1.0
    >>> p_excess(0, 10, Background(4, 40)) < 0.5
    True
    """
    if background is None or background.windows < DEFAULT_BACKGROUND_WEIGHT:
        x, m = DEFAULT_BACKGROUND_RATE * DEFAULT_BACKGROUND_WEIGHT, DEFAULT_BACKGROUND_WEIGHT
    else:
        x, m = background.events, background.windows
    a_bg, b_bg = 1 + x, 1 + m - x
    a_s, b_s = 1 + aggravated, 1 + judged - aggravated
    # Both densities are polynomials (whole-number parameters), so Gauss-Legendre with enough
    # nodes integrates the product exactly: degree <= m + n, exact up to 2 * nodes - 1.
    nodes, weights = np.polynomial.legendre.leggauss((m + judged) // 2 + 8)
    y = 0.5 * (nodes + 1.0)
    value = 0.5 * float(np.sum(weights * beta_dist.pdf(y, a_bg, b_bg) * beta_dist.sf(y, a_s, b_s)))
    return float(min(1.0, max(0.0, value)))


@dataclass(frozen=True)
class Verdict:
    """The verdict: a state, its reasons in plain words with numbers, a caution, what is missing.

    ``safety`` is the screening (:func:`touchdose.analysis.safety.screen`), shown before all else.
    """

    state: str
    reasons: tuple[str, ...]
    caution: str
    missing: tuple[str, ...] = ()
    safety: Safety | None = None

    def __post_init__(self) -> None:
        if self.state not in VERDICT_STATES:
            raise ValueError(f"verdict: state = {self.state!r} is not one of {', '.join(VERDICT_STATES)}")

    def to_dict(self) -> dict[str, Any]:
        """docs/formats.md ``verdict`` (``state``, ``reasons``, ``caution``) plus ``missing``."""
        return {
            "state": self.state,
            "reasons": list(self.reasons),
            "caution": self.caution,
            "missing": list(self.missing),
            "safety": None if self.safety is None else self.safety.to_dict(),
        }


def _num(x: float) -> str:
    return f"{abs(x):.1f}"


def _session_reasons(t: SessionTally) -> list[str]:
    if t.sessions == 0:
        return ["No massage sessions recorded yet."]
    out = [
        f"{t.aggravated} of {t.judged} sessions with a known outcome were followed by more pain "
        f"(at least {AGGRAVATION_POINTS} points more at a follow-up, a flare, or right after)."
    ]
    if t.helped:
        out.append(
            f"{t.helped} of {t.judged} brought relief of at least {RELIEF_POINTS:g} points or "
            f"{RELIEF_PERCENT:g} % without more pain afterwards."
        )
    if t.unknown:
        out.append(
            f"{t.unknown} of {t.sessions} sessions could not be judged: a 24 h or 48 h follow-up is missing."
        )
    return out


def _comparison_reason(c: Comparison) -> str:
    o = DIARY_OUTCOMES[c.outcome]
    unit = "hours" if c.outcome == "sleep_hours" else "points"
    higher = c.effect > 0
    word = "higher" if higher else "lower"
    if c.outcome == "sleep_hours":
        word = "longer" if higher else "shorter"
    lo, hi = c.ci95
    text = (
        f"{o.label.capitalize()} was {_num(c.effect)} {unit} {word} on massage days than on days without "
        f"massage (95 % interval {lo:+.1f} to {hi:+.1f}); chance of a meaningful benefit (at least "
        f"{c.mid:g} {unit}): {percent(c.p_benefit)}, of a meaningful harm: {percent(c.p_harm)}."
    )
    m = c.meaningful
    if m is not None and m.share > 0:
        text += (
            f" That is {percent(m.share)} of the change studies in fibromyalgia call clearly meaningful "
            f"({m.points:.1f} points for you: 2 points or 30 %); chance of at least that much: "
            f"{percent(m.p_benefit)}."
        )
    return text


def _late_reason(c: Comparison) -> str | None:
    """Days 3-5 after massage, said when they look worse than days without massage."""
    late = c.late
    if late is None or not (late.ci95[0] > 0.0 or late.p_harm >= HARM_P):
        return None
    lo, hi = late.ci95
    return (
        f"Pain was {_num(late.effect)} points higher 3 to 5 days after massage than on days without "
        f"massage (95 % interval {lo:+.1f} to {hi:+.1f}); chance of a meaningful harm showing late: "
        f"{percent(late.p_harm)}."
    )


def _refusal_reasons(comps: Mapping[str, Comparison | Refusal]) -> list[str]:
    """One line per distinct refusal reason, naming every outcome it stopped."""
    grouped: dict[str, list[str]] = {}
    for k, v in comps.items():
        if isinstance(v, Refusal):
            label = DIARY_OUTCOMES[k].label if k in DIARY_OUTCOMES else k
            grouped.setdefault(" ".join(v.reasons), []).append(label)
    out = []
    for text, labels in grouped.items():
        names = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        out.append(f"No {names} comparison: {text}")
    return out


def _worth_saying(c: Comparison) -> bool:
    """Pain always; a secondary outcome when its interval excludes no change."""
    lo, hi = c.ci95
    return c.outcome == "pain" or lo > 0.0 or hi < 0.0


def _not_from_late_harm(c: Comparison) -> bool:
    """The benefit holds against the days free of any late effect too (when the late look was
    made): P(benefit >= MID in the first 60 h against days 6+ after massage) >= 1/2."""
    return c.late is None or c.late.p_benefit_early >= HELPING_CHECK_P


def _meaningfully_better(c: Comparison) -> bool:
    """A benefit of at least the outcome's MID with probability :data:`SOOTHING_P`."""
    return c.p_benefit >= SOOTHING_P


def _missing(t: SessionTally, pain: Comparison | Refusal | None) -> list[str]:
    need: list[str] = []
    if t.sessions == 0:
        need.append("a first massage session, rated before and after")
    if t.judged < MIN_JUDGED_SESSIONS:
        more = MIN_JUDGED_SESSIONS - t.judged
        need.append(
            f"{count(more, 'more session')} with pain rated before, and a diary entry "
            "24 h and 48 h after"
        )
    if pain is None:
        need.append("daily pain entries in the diary")
    elif isinstance(pain, Refusal):
        need.extend(pain.needs)
    return need


def reach_verdict(
    responses: Sequence[SessionResponse],
    comparisons: Mapping[str, Comparison | Refusal] | None,
    background: Background | None = None,
    *,
    tally: SessionTally | None = None,
) -> Verdict:
    """Decide the verdict from the session responses and the n-of-1 comparisons.

    Parameters
    ----------
    responses : sequence of SessionResponse
        Every session's response (:func:`touchdose.analysis.response.session_responses`).
    comparisons : mapping or None
        Outcome name -> :class:`Comparison` or :class:`Refusal`
        (``compare_all(cf).results``); ``None`` when no comparison was attempted.
    background : Background, optional
        The client's own spontaneous aggravation rate (:func:`background_aggravation`);
        ``None`` uses the published 10 % (Cambron 2007) as 10 pseudo-observations.
    tally : SessionTally, optional
        ``tally_sessions(responses)`` when the caller already has it (not counted twice).

    Returns
    -------
    Verdict
        ``state`` (one of :data:`VERDICT_STATES`), ``reasons``, ``caution``, ``missing``.

    Notes
    -----
    In order, with ``a`` aggravated of ``n`` sessions with both follow-ups (all judged
    sessions when fewer than 3 are complete), and "a pattern" meaning
    ``a >= 2`` and P(rate after sessions > background rate) >= 0.95 (:func:`p_excess`):
    ``more_pain`` if 3 or more sessions are judged and (a pattern with ``a / n >= 0.5``, or pain
    P(harm >= MID) >= 0.8, or the late look's P(harm >= MID on days 3-5) >= 0.8 without
    P(benefit >= MID) >= 0.8 on days 0-2); ``mixed`` if 3 or more are judged and (a pattern with
    ``a / n >= 0.2``, or that late harm after relief); ``gathering_data`` if fewer than 3 are
    judged or the pain comparison was refused; ``helping`` if pain P(benefit >= MID) >= 0.8;
    ``soothing`` if mood or sleep hours P(benefit >= MID) >= 0.8 (:data:`SOOTHING_P`);
    otherwise ``no_effect``.

    References
    ----------
    Dworkin RH et al. J Pain 2008;9:105-21 (IMMPACT: the MID).
    Cambron JA et al. J Altern Complement Med 2007;13:793-6 (10 % discomfort after massage).

    Examples
    --------
    >>> reach_verdict((), {}).state
    'gathering_data'
    """
    t = tally_sessions(responses) if tally is None else tally
    comps = dict(comparisons or {})
    pain = comps.get("pain")
    made = {k: v for k, v in comps.items() if isinstance(v, Comparison)}
    reasons = _session_reasons(t)
    reasons += [_comparison_reason(made[k]) for k in DIARY_OUTCOMES if k in made and _worth_saying(made[k])]
    late = _late_reason(made["pain"]) if "pain" in made else None
    reasons += [late] if late else []
    reasons += _refusal_reasons(comps)
    caution = CAUTION
    enough = t.judged >= MIN_JUDGED_SESSIONS
    pain_made = pain if isinstance(pain, Comparison) else None
    pattern = False
    a, n = t.rate_sample
    share = a / n if n else 0.0
    if a >= MIN_AGGRAVATIONS:
        excess = p_excess(a, n, background)
        pattern = excess >= EXCESS_P
        reasons.append(_background_reason(a, n, background, excess))

    late_harm = pain_made is not None and pain_made.late is not None and pain_made.late.p_harm >= HARM_P
    relief_first = pain_made is not None and pain_made.p_benefit >= HELPING_P
    state: str
    if enough and (
        (pattern and share >= MAINLY_SHARE)
        or (pain_made is not None and pain_made.p_harm >= HARM_P)
        or (late_harm and not relief_first)
    ):
        state, caution = "more_pain", CAUTION + CAUTION_MORE_PAIN
    elif enough and ((pattern and share >= MIXED_SHARE) or late_harm):
        state = "mixed"
    elif not enough or pain_made is None:
        missing = _missing(t, pain)
        headline = "Not enough data for a verdict yet. Still needed: " + "; ".join(missing) + "."
        return Verdict("gathering_data", (headline, *reasons), caution, tuple(missing))
    elif pain_made.p_benefit >= HELPING_P and _not_from_late_harm(pain_made):
        state = "helping"
    elif any(_meaningfully_better(made[k]) for k in ("mood", "sleep_hours") if k in made):
        state = "soothing"
    else:
        state = "no_effect"
    return Verdict(state, tuple(_headline(state, t) + reasons), caution)


def _background_reason(a: int, n: int, background: Background | None, excess: float) -> str:
    if background is not None and background.windows >= DEFAULT_BACKGROUND_WEIGHT:
        base = (
            f"on days far from any massage pain rose that much in {background.events} of "
            f"{background.windows} two-day stretches"
        )
    else:
        usual = percent(DEFAULT_BACKGROUND_RATE)
        base = f"too few massage-free stretches to measure, so the usual {usual} was assumed"
    return (
        f"More pain followed {a} of {n} sessions with both follow-ups; {base}. Chance that sessions "
        f"bring more pain than your usual ups and downs: {percent(excess)}."
    )


def _headline(state: str, t: SessionTally) -> list[str]:
    """The first reason: what the state means for this client, in one sentence."""
    text = {
        "more_pain": f"Massage mainly brought more pain: {t.aggravated} of {t.judged} judged sessions.",
        "mixed": (
            f"Some relief, but {t.aggravated} of {t.judged} judged sessions were followed by more pain: "
            "gentler, shorter or less often."
        ),
        "helping": "Pain was meaningfully lower after massage; continue.",
        "soothing": (
            "Pain did not change in a way you would feel, but mood or sleep was better after massage: "
            "worth continuing if you value that."
        ),
        "no_effect": (
            "Nothing measurable changed with massage; it may not be worth the time and cost."
        ),
    }[state]
    return [text]
