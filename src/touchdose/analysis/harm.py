"""Were the sessions followed by more pain than the client's usual ups and downs? Judged per pressure.

Safety comes first (docs/design.md item 4): before the engine says anything about benefit it
asks whether the client's own sessions were followed by more pain, and at which pressures.
The evidence is the session responses (:mod:`touchdose.analysis.response`: a session
*aggravated* when a follow-up was at least IMMPACT's moderate change above the pain before,
a flare was reported, or pain right after was that much worse) against the client's own rate
of such rises on days far from any massage
(:func:`touchdose.analysis.background.background_aggravation`).

"A pattern" is at least :data:`MIN_AGGRAVATIONS` aggravations whose rate is above the
background rate with posterior probability :data:`EXCESS_P`
(:func:`touchdose.analysis.background.p_excess`), spent over the looks (:func:`excess_needed`). The pattern is
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
from scipy.stats import wilcoxon

from touchdose.analysis.background import Background, p_excess
from touchdose.analysis.response import SessionResponse
from touchdose.instruments.change import MID_POINTS
from touchdose.text import percent

__all__ = [
    "EXCESS_P",
    "FIRMER_EXCESS_P",
    "FIRST_LOOK_AGGRAVATIONS",
    "LATE_LOOKS",
    "LOOK_SHIFT_POINTS",
    "MAINLY_SHARE",
    "MIN_AGGRAVATIONS",
    "MIN_FIRMER_SESSIONS",
    "MIN_JUDGED_SESSIONS",
    "MIN_LOOK_SESSIONS",
    "MIXED_SHARE",
    "Harm",
    "SessionTally",
    "excess_needed",
    "judge_harm",
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
#: Aggravations count as a pattern only when the rate after sessions is above the client's own
#: background rate with at least this posterior probability (Beta(1+a, 1+n-a) vs Beta(1+x, 1+m-x)):
#: just under the evidence of two of two sessions followed by more pain against the assumed 10 %
#: background (1 - E[y^3] for y ~ Beta(2, 10) = 90/91 = 0.98901). Issue 11 asks that 2 of 2 be
#: said at once; anything weaker is not a pattern. The plan reacts to every new session, so the
#: question is asked again and again (among all sessions, at each firmer pressure, at each late
#: look) and a stop is not undone: 19 to 1 called one noisy client in six "mixed" or "more pain"
#: in simulation, 39 to 1 still one in eight of those with heavy-tailed noise (docs/validation.md).
EXCESS_P = 0.989
#: The all-sessions pattern is asked again after every session and a stop is not undone, so
#: :data:`EXCESS_P` is the evidence needed at the first look that can show it (the one after the
#: :data:`MIN_AGGRAVATIONS`-th aggravation); each later aggravation opens one more such look, the
#: k-th allowed 1/k of the first one's error (:func:`excess_needed`, harmonic error spending).
FIRST_LOOK_AGGRAVATIONS = MIN_AGGRAVATIONS
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


def excess_needed(aggravated: int) -> float:
    """The posterior probability the all-sessions pattern needs with ``aggravated`` sessions.

    The question "were the sessions followed by more pain?" is asked again after every session
    and a stop is not undone, so a fixed level adds up over the looks: a client with ordinary ups
    and downs meets a run of bad days sooner or later. A pattern can newly appear only at a look
    just after an aggravated session (one more uneventful session lowers the evidence), so those
    are the looks that spend the error. The first of them, at :data:`FIRST_LOOK_AGGRAVATIONS`
    aggravations, is allowed ``1 - EXCESS_P`` (two of two against the assumed 10 % still counts
    at once); the k-th is allowed ``(1 - EXCESS_P) / k``. Over the looks the errors then add up
    to at most ``(1 - EXCESS_P) * (1 + 1/2 + ... + 1/k)`` (Bonferroni), about 3 % after ten
    aggravations, instead of 11 %, while a quiet client's 3 of 7 still counts.

    Examples
    --------
    >>> excess_needed(2) == EXCESS_P
    True
    >>> excess_needed(2) < excess_needed(3) < excess_needed(10) < 1.0
    True
    """
    looks = max(1, aggravated - FIRST_LOOK_AGGRAVATIONS + 1)
    return 1.0 - (1.0 - EXCESS_P) / looks


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
        if excess >= (FIRMER_EXCESS_P if firmer else excess_needed(a)):
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
