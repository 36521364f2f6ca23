"""Were the sessions followed by more pain than the client's usual ups and downs? Judged per pressure.

Safety comes first (docs/design.md item 4): before the engine says anything about benefit it
asks whether the client's own sessions were followed by more pain, and at which pressures.
The evidence is the session responses (:mod:`touchdose.analysis.response`: a session
*aggravated* when a follow-up was at least IMMPACT's moderate change above the pain before,
a flare was reported, or pain right after was that much worse) against the client's own rate
of such rises on days far from any massage (:func:`background_aggravation`).

"A pattern" is at least :data:`MIN_AGGRAVATIONS` aggravations whose rate is above the
background rate with posterior probability :data:`EXCESS_P` (:func:`p_excess`). The pattern is
looked for among all sessions, and among the sessions at each pressure *and firmer*: harm that
appears only when the therapist goes firmer ("pressure 3 and 4 were followed by more pain,
pressure 2 was not") is found, not averaged away by the gentler sessions.

Two refinements make the comparison fair (docs/design.md "Safety first"): every follow-up change,
after sessions and in the background alike, is taken net of the client's weekly rhythm
(:mod:`touchdose.analysis.rhythm`), so a Saturday session is not blamed for Monday; and at the
48 h and 72 h looks (:data:`LATE_LOOKS`) the follow-up pains are compared with the client's usual
pain for that day by rank (:func:`_pattern`), so harm that shows late, spread thin over an entry's
24 h and rarely a 2-point rise, is still found.

Examples
--------
>>> judge_harm((), None).state is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import beta as beta_dist
from scipy.stats import wilcoxon

from touchdose.analysis.noise import DiaryNoise, diary_noise, rise_rate
from touchdose.analysis.response import (
    AGGRAVATION_POINTS,
    FOLLOWUP_48H_HOURS,
    FOLLOWUP_WINDOWS,
    Diary,
    SessionResponse,
    client_rhythm,
)
from touchdose.analysis.rhythm import WeekdayRhythm
from touchdose.instruments.change import MID_POINTS
from touchdose.records import ClientFile
from touchdose.text import percent

__all__ = [
    "DEFAULT_BACKGROUND_RATE",
    "DEFAULT_BACKGROUND_WEIGHT",
    "EXCESS_P",
    "FIRMER_EXCESS_P",
    "LATE_LOOKS",
    "LOOK_SHIFT_POINTS",
    "MAINLY_SHARE",
    "MIN_AGGRAVATIONS",
    "MIN_FIRMER_SESSIONS",
    "MIN_JUDGED_SESSIONS",
    "MIN_LOOK_SESSIONS",
    "MIXED_SHARE",
    "Background",
    "Harm",
    "SessionTally",
    "background_aggravation",
    "judge_harm",
    "p_excess",
    "tally_sessions",
]

#: Sessions with a known outcome needed before a verdict on benefit: three, the same number of
#: separate massage episodes the n-of-1 comparison needs (comparison.MIN_EXPOSURE_EPISODES).
MIN_JUDGED_SESSIONS = 3
#: "Mainly more pain" (docs/design.md item 6): at least half of the sessions aggravated.
MAINLY_SHARE = 0.5
#: "Mixed": at least this share of sessions aggravated, so an occasional bad day is not read as
#: a pattern (our choice; twice the 10 % rate we assume when a client's own cannot be measured) ...
MIXED_SHARE = 0.2
#: More pain only at the firmer pressures counts when it followed at least this many sessions
#: there, at least :data:`MAINLY_SHARE` of them: each pressure tried is one more look for a
#: pattern, and a plan that goes firmer after good sessions and stops after a bad one ends each
#: climb on a bad session by design (our choice; checked in docs/validation.md).
MIN_FIRMER_SESSIONS = 3
#: ... and never on a single aggravation.
MIN_AGGRAVATIONS = 2
#: When the diary has too few massage-free stretches to measure the client's own rate of
#: spontaneous pain rises, this rate is *assumed* in its place, weighted as this many
#: pseudo-observations. It is our assumption, said as such in the reasons: no published rate of
#: 2-point rises within two days *without* massage was found (Cambron 2007's 10 % is discomfort
#: *after* massage, a different thing; docs/evidence.md 12).
DEFAULT_BACKGROUND_RATE = 0.10
DEFAULT_BACKGROUND_WEIGHT = 10
#: Aggravations count as a pattern only when the rate after sessions is above the client's own
#: background rate with at least this posterior probability (Beta(1+a, 1+n-a) vs Beta(1+x, 1+m-x)):
#: just under the evidence of two of two sessions followed by more pain against the assumed 10 %
#: background (1 - E[y^3] for y ~ Beta(2, 10) = 90/91 = 0.98901). Issue 11 asks that 2 of 2 be
#: said at once; anything weaker is not a pattern. The plan reacts to every new session, so the
#: question is asked again and again (among all sessions, at each firmer pressure, at each late
#: look) and a stop is not undone: 19 to 1 called one noisy client in six "mixed" or "more pain"
#: in simulation, 39 to 1 still one in eight of those with heavy-tailed noise (docs/validation.md).
EXCESS_P = 0.989
#: More pain only at the firmer pressures counts with at least this posterior probability, 99 to
#: 1: each pressure tried is one more look for a pattern (our choice; docs/validation.md).
FIRMER_EXCESS_P = 0.99
#: The looks at which a late harm is looked for on its own: 48 h and the 72 h look (indices of
#: FOLLOWUP_WINDOWS). Not the 24 h look: after a session booked on a bad day, the next day is
#: still high by the day-to-day autocorrelation alone (regression to the mean takes days).
LATE_LOOKS: tuple[int, ...] = (1, 2)
#: A shift at one look is looked for only with at least this many sessions and background
#: stretches with that look (our choice: a rank test on fewer says little).
MIN_LOOK_SESSIONS = 5
#: ... and counts only when the typical change after sessions is at least this much above the
#: usual one (Hodges-Lehmann): the 1-point MID of the diary comparison (IMMPACT), imported.
LOOK_SHIFT_POINTS = MID_POINTS


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
    of them pain rose by at least :data:`~touchdose.analysis.response.AGGRAVATION_POINTS` (or a
    flare was reported), the same rule a session's aggravation follows. ``own_rate`` is the
    same chance computed from the client's whole diary (its day-to-day SD and autocorrelation,
    :func:`touchdose.analysis.noise.rise_rate`), ``None`` when the diary is too short; it stands
    in for the counted windows while they are few.
    """

    events: int
    windows: int
    own_rate: float | None = None
    #: Massage-free entries' pain above the client's usual
    #: (:attr:`touchdose.analysis.rhythm.WeekdayRhythm.free_residuals`).
    usual_residuals: tuple[float, ...] = ()

    @property
    def prior_rate(self) -> float:
        """The rate the windows are added to: the client's own from the diary, else assumed."""
        return DEFAULT_BACKGROUND_RATE if self.own_rate is None else self.own_rate

    @property
    def rate(self) -> float | None:
        return self.events / self.windows if self.windows else None

    @property
    def estimate(self) -> float:
        """The rate to use: the counted windows with :attr:`prior_rate` as
        :data:`DEFAULT_BACKGROUND_WEIGHT` pseudo-observations (the Beta posterior mean, so a
        short diary leans on the diary's noise or the assumption, a long one on its own days)."""
        prior = self.prior_rate * DEFAULT_BACKGROUND_WEIGHT
        return (self.events + prior) / (self.windows + DEFAULT_BACKGROUND_WEIGHT)

    @property
    def measured(self) -> bool:
        """Enough windows to use the client's own rate instead of the assumed one."""
        return self.windows >= DEFAULT_BACKGROUND_WEIGHT

    def to_dict(self) -> dict[str, Any]:
        own = None if self.own_rate is None else round(self.own_rate, 4)
        return {"events": self.events, "windows": self.windows, "own_rate": own}


def _near_any(
    times: NDArray[np.float64], sessions: NDArray[np.float64], reach: float, ahead: float | None = None
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


def background_aggravation(
    cf: ClientFile,
    diary: Diary | None = None,
    noise: DiaryNoise | None = None,
    rhythm: WeekdayRhythm | None = None,
) -> Background:
    """Count spontaneous aggravations in the diary, away from massage.

    A diary entry with no session within 60 h before it or 84 h after it is treated like a
    session's before-pain: its "follow-ups" are the entries 18-36 h, 36-60 h and (the 72 h
    look) 60-84 h later, the windows of :mod:`touchdose.analysis.response` found by the same
    search, and like a session it counts when the first two are there. It is an aggravation
    when any follow-up is at least 2 points higher or a flare is reported before the last
    window closes: the same looks a session gets, so the two rates are comparable. Windows do
    not overlap (the next starts after the previous one's 84 h), so they are separate
    observations, as the sessions are, and the Beta posterior is not overconfident.

    Each rise is net of the client's weekly rhythm (:func:`touchdose.analysis.response.client_rhythm`),
    as a session's follow-up changes are.

    ``diary`` is ``Diary(cf.checkins)``, ``noise`` is :func:`touchdose.analysis.noise.diary_noise`
    and ``rhythm`` is ``client_rhythm(cf)`` when the caller already has them.

    Examples
    --------
    >>> from touchdose.records import ClientProfile
    >>> background_aggravation(ClientFile(ClientProfile(id="c-1"))).rate is None
    True
    """
    d = Diary(cf.checkins) if diary is None else diary
    rhythm = client_rhythm(cf, d) if rhythm is None else rhythm
    times = np.asarray(d.seconds, dtype=np.float64)
    pains = [c.pain for c in d.checkins]
    flares = np.array([c.flare for c in d.checkins], dtype=bool)
    reach = FOLLOWUP_WINDOWS[-1][1] * 3600.0
    sessions = np.array([s.start.timestamp() for s in cf.sessions])
    near_session = _near_any(times, sessions, FOLLOWUP_48H_HOURS[1] * 3600.0, ahead=reach)
    events = windows = 0

    free_from = -np.inf
    for k in np.flatnonzero(~near_session):
        t0 = times[k]
        if t0 < free_from:
            continue
        follow = [d.nearest(t0, w) for w in FOLLOWUP_WINDOWS]
        if follow[0] is None or follow[1] is None:
            continue
        windows += 1
        free_from = t0 + reach
        end = int(np.searchsorted(times, t0 + reach, "left"))  # entries before the last window closes
        flare = bool(flares[k + 1 : end].any())
        rises = [
            None if f is None
            else pains[f] - pains[k] - rhythm.between(d.times[k], d.times[f], before_is_entry=True)
            for f in follow
        ]
        events += int(flare or max(r for r in rises if r is not None) >= AGGRAVATION_POINTS)

    noise = diary_noise(cf) if noise is None else noise
    own = rise_rate(noise) if noise.measured else None
    return Background(events, windows, own, rhythm.free_residuals)


def p_excess(aggravated: int, judged: int, background: Background | None) -> float:
    """P(aggravation rate after sessions > background rate), uniform Beta priors.

    ``P = ∫ f_bg(y) P(theta_sessions > y) dy`` with ``theta_sessions ~ Beta(1 + a, 1 + n - a)``
    and ``theta_bg ~ Beta(1 + x, 1 + m - x)``; the integrand is a polynomial, integrated exactly
    by Gauss-Legendre quadrature.

    The background's Beta posterior starts from :attr:`Background.prior_rate` (the client's own
    rate from the diary's noise, or for a diary too short for that the assumed
    :data:`DEFAULT_BACKGROUND_RATE`) as :data:`DEFAULT_BACKGROUND_WEIGHT` pseudo-observations and
    adds the counted windows, so a run of quiet stretches by chance (0 of 19) does not make an
    ordinary share of bad days after sessions look like harm.

    Examples
    --------
    >>> round(p_excess(8, 10, Background(2, 40)), 3)
    1.0
    >>> p_excess(0, 10, Background(4, 40)) < 0.5
    True
    """
    rate = DEFAULT_BACKGROUND_RATE if background is None else background.prior_rate
    x, m = rate * DEFAULT_BACKGROUND_WEIGHT, float(DEFAULT_BACKGROUND_WEIGHT)
    if background is not None:
        x, m = x + background.events, m + background.windows
    a_bg, b_bg = 1 + x, 1 + m - x
    a_s, b_s = 1 + aggravated, 1 + judged - aggravated
    # With whole-number parameters both densities are polynomials, so Gauss-Legendre with enough
    # nodes integrates the product exactly (degree <= m + n, exact up to 2 * nodes - 1); a
    # fractional prior count (the diary's own rate) leaves a smooth integrand, as accurate.
    nodes, weights = np.polynomial.legendre.leggauss(int(m + judged) // 2 + 16)
    y = 0.5 * (nodes + 1.0)
    value = 0.5 * float(np.sum(weights * beta_dist.pdf(y, a_bg, b_bg) * beta_dist.sf(y, a_s, b_s)))
    return float(min(1.0, max(0.0, value)))


@dataclass(frozen=True)
class Harm:
    """The harm judgement: whether the sessions were followed by more pain, and from which pressure.

    Attributes
    ----------
    state : str or None
        ``"more_pain"`` (a pattern among all sessions, at least half of them), ``"mixed"``
        (a pattern in at least a fifth of them, or only at firmer pressures) or ``None``.
    harmful_from : int or None
        The gentlest pressure from which sessions (at that pressure and firmer) show the pattern.
    aggravated, sessions : int
        The counts behind the pattern (all sessions when ``harmful_from`` is the gentlest
        pressure given, else the sessions at ``harmful_from`` and firmer).
    excess : float or None
        P(more pain after those sessions than the client's usual ups and downs).
    only_firmer : bool
        The pattern is only at the firmer pressures: gentler ones given were fine.
    look, shift : int or None, float or None
        The pattern was seen at this late follow-up look (1: 48 h, 2: the 72 h look), the
        follow-up pain typically ``shift`` points above the client's usual (``aggravated`` then
        counts the sessions at least 1 point above it), or ``None`` for a pattern of aggravations.
    background : Background or None
        The background the pattern was judged against.
    """

    state: str | None
    harmful_from: int | None
    aggravated: int = 0
    sessions: int = 0
    excess: float | None = None
    background: Background | None = None
    only_firmer: bool = False
    look: int | None = None
    shift: float | None = None

    @property
    def look_hours(self) -> int | None:
        """The follow-up look the pattern was seen at alone, in hours (24, 48, 72), or None."""
        return None if self.look is None else 24 * (self.look + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state, "harmful_from": self.harmful_from, "aggravated": self.aggravated,
            "sessions": self.sessions, "excess": self.excess, "only_firmer": self.only_firmer,
            "look_hours": self.look_hours, "shift": None if self.shift is None else round(self.shift, 2),
        }  # fmt: skip

    def look_reason(self) -> str | None:
        """Why a late look shows more pain, in words with its numbers (None for other patterns)."""
        if self.look_hours is None or self.shift is None or self.excess is None:
            return None
        return (
            f"{self.look_hours} h after sessions pain was typically {self.shift:.1f} points above your "
            f"usual for that day (at least 1 point above it after {self.aggravated} of {self.sessions} "
            f"sessions). Chance that this is more than your usual ups and downs: {percent(self.excess)}."
        )


def _share_ok(a: int, n: int, firmer: bool) -> bool:
    """Enough aggravations, a large enough share of the sessions, enough sessions when firmer."""
    if a < MIN_AGGRAVATIONS or n == 0 or a / n < (MAINLY_SHARE if firmer else MIXED_SHARE):
        return False
    return not (firmer and n < MIN_FIRMER_SESSIONS)


def _above_usual(
    group: Sequence[SessionResponse], k: int, background: Background | None
) -> NDArray[np.float64]:
    """The group's follow-up pains at look ``k`` above the usual, centred on the massage-free
    entries' median; empty when either side has fewer than :data:`MIN_LOOK_SESSIONS`."""
    seen = [c for r in group if (c := r.above_usual[k]) is not None]
    usual = () if background is None else background.usual_residuals
    if len(seen) < MIN_LOOK_SESSIONS or len(usual) < MIN_LOOK_SESSIONS:
        return np.zeros(0)
    return np.asarray(seen, dtype=np.float64) - float(np.median(usual))


def _hodges_lehmann(d: NDArray[np.float64]) -> float:
    """The median of the Walsh averages: the typical value, robust to a few wild ones."""
    walsh = (d[:, None] + d[None, :])[np.triu_indices(len(d))] / 2.0
    return float(np.median(walsh)) if len(d) else float("-inf")


def _late_shift(group: Sequence[SessionResponse], background: Background | None) -> float:
    """The largest typical rise above the usual at a late look (-inf when it cannot be measured)."""
    return max(_hodges_lehmann(_above_usual(group, k, background)) for k in LATE_LOOKS)


_Found = tuple[int, int, float, int | None, float | None]


def _pattern(
    group: Sequence[SessionResponse], background: Background | None, *, firmer: bool = False
) -> _Found | None:
    """(aggravated, sessions, P(excess), look, shift) when the group shows more pain, else None:
    first the aggravations among all looks together (``look`` and ``shift`` None), then at each
    late look (:data:`LATE_LOOKS`) the follow-up pains against the client's usual pain
    (:func:`_rank_shift`; ``aggravated`` then counts the sessions at least
    :data:`LOOK_SHIFT_POINTS` above the usual)."""
    a, n = tally_sessions(group).rate_sample
    if _share_ok(a, n, firmer):
        excess = p_excess(a, n, background)
        if excess >= (FIRMER_EXCESS_P if firmer else EXCESS_P):
            return a, n, excess, None, None
    for k in LATE_LOOKS:
        d = _above_usual(group, k, background)
        shift = _hodges_lehmann(d)
        if shift < LOOK_SHIFT_POINTS:
            continue
        # One-sided Wilcoxon signed-rank: the sessions, a week or half a week apart, are close to
        # independent; the massage-free entries only centre them.
        excess = 1.0 - float(wilcoxon(d, alternative="greater").pvalue)
        if excess >= EXCESS_P:
            return int(np.sum(d >= LOOK_SHIFT_POINTS)), len(d), excess, k, shift
    return None


def judge_harm(responses: Sequence[SessionResponse], background: Background | None) -> Harm:
    """Judge harm before benefit, per pressure.

    Parameters
    ----------
    responses : sequence of SessionResponse
        Every session's response.
    background : Background or None
        The client's own spontaneous aggravation rate (:func:`background_aggravation`).

    Returns
    -------
    Harm
        For each pressure ``p`` followed by more pain in at least :data:`MIXED_SHARE` of its own
        sessions, from the gentlest up, the sessions at ``p`` and firmer are tested for a
        pattern; the first ``p`` that shows one is ``harmful_from``. When it is
        the gentlest pressure given, every session is in the group: ``more_pain`` if at least
        :data:`MAINLY_SHARE` of them aggravated, else ``mixed``. When it is firmer, gentler
        pressures were fine: ``mixed`` (a gentler plan, not an average that reads "no effect").

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> def r(p, bad):
    ...     return SessionResponse(datetime(2026, 1, 5, tzinfo=timezone.utc), p, 30, 5, "session",
    ...                            0, 3 if bad else 0, 0, False, bad, False, "harmed" if bad else "no_effect")
    >>> h = judge_harm([r(2, False)] * 6 + [r(3, True), r(4, True), r(4, True)], Background(2, 40))
    >>> h.state, h.harmful_from, (h.aggravated, h.sessions)
    ('mixed', 3, (3, 3))
    """
    given = sorted({r.pressure for r in responses})
    for p in given:
        at_p = [r for r in responses if r.pressure == p]
        a_p, n_p = tally_sessions(at_p).rate_sample
        late = _late_shift(at_p, background) >= LOOK_SHIFT_POINTS
        if (n_p == 0 or a_p / n_p < MIXED_SHARE) and not late:
            continue  # this pressure itself was (mostly) not followed by more pain
        group = [r for r in responses if r.pressure >= p]
        found = _pattern(group, background, firmer=p != given[0])
        if found is None:
            continue
        a, n, excess, look, shift = found
        only_firmer = p != given[0]
        state = "more_pain" if not only_firmer and a / n >= MAINLY_SHARE else "mixed"
        return Harm(state, p, a, n, excess, background, only_firmer, look, shift)
    return Harm(None, None, background=background)
