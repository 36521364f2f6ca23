"""The plan for the next sessions: pressure, minutes, sessions per week, regions to avoid, and why.

The plan puts together the verdict (:mod:`touchdose.analysis.verdict`), the pressure
titration (:mod:`touchdose.analysis.titration`) and the starting dose of the trials for
the client's condition (:func:`touchdose.evidence.doses.starting_dose`, the only source
of minutes and frequency). After an aggravation the dose is reduced; when massage
mainly brought more pain the plan says stop, or very light touch only.

Examples
--------
>>> from touchdose.analysis.titration import titrate
>>> from touchdose.analysis.verdict import reach_verdict
>>> from touchdose.records import ClientProfile
>>> fibro = ClientProfile(id="c-1", conditions=("fibromyalgia",))
>>> p = make_plan(fibro, reach_verdict((), None), titrate([]), ())
>>> p.pressure, p.minutes, p.sessions_per_week
(3, 30, 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from touchdose.analysis.comparison import Comparison, Refusal
from touchdose.analysis.response import SessionResponse, session_responses
from touchdose.analysis.safety import Safety, screen
from touchdose.analysis.titration import TARGET_AGGRAVATION_RISK, Titration, exposures_from_responses, titrate
from touchdose.analysis.verdict import (
    MIN_AGGRAVATIONS,
    SessionTally,
    Verdict,
    background_aggravation,
    reach_verdict,
    tally_sessions,
)
from touchdose.evidence.doses import Dose, starting_dose
from touchdose.records import AREA_LABELS, PRESSURE_MIN, PRESSURE_NAMES, ClientFile, ClientProfile, Session
from touchdose.text import count

__all__ = [
    "MIN_MINUTES",
    "NO_DIAL_UP",
    "REDUCED_MINUTES_FACTOR",
    "STOP_MINUTES_FACTOR",
    "Assessment",
    "Plan",
    "apply_safety",
    "assess",
    "make_plan",
]

#: After an aggravation: a third shorter and one session a week fewer (docs/design.md "mixed:
#: gentler, shorter, or less often"; the size of the step is our convention, not a trial figure).
REDUCED_MINUTES_FACTOR = 2 / 3
#: "Mainly more pain": if touch is tried at all, half the minutes, very light, once a week.
STOP_MINUTES_FACTOR = 1 / 2
#: Verdicts under which the plan does not go firmer than the latest session (docs/design.md: only
#: "helping" may dial up; gathering data lets the titration explore within its safety rules).
NO_DIAL_UP: tuple[str, ...] = ("soothing", "no_effect")
#: Never plan a session shorter than this (a very light session still needs time to settle).
MIN_MINUTES = 15
_MINUTE_STEP = 5


@dataclass(frozen=True)
class Plan:
    """The next sessions: what to do and why (docs/formats.md ``plan``).

    ``stop`` is true when the advice is to stop (very light touch is the only alternative) or to
    pause massage; ``pressure`` is ``None`` when no pressure is recommended now (a safety pause).
    """

    pressure: int | None
    minutes: int
    sessions_per_week: int
    avoid_regions: tuple[str, ...]
    why: tuple[str, ...]
    stop: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "pressure": self.pressure,
            "minutes": self.minutes,
            "sessions_per_week": self.sessions_per_week,
            "avoid_regions": list(self.avoid_regions),
            "why": list(self.why),
            "stop": self.stop,
        }


def _dose(profile: ClientProfile) -> Dose:
    """The gentlest trial dose among the client's conditions ("other" when none is given)."""
    doses = [starting_dose(c) for c in profile.conditions] or [starting_dose("other")]
    return min(doses, key=lambda d: (d.minutes * d.sessions_per_week, d.minutes))


def _round_minutes(x: float) -> int:
    return max(MIN_MINUTES, int(_MINUTE_STEP * round(x / _MINUTE_STEP)))


def _avoid(
    profile: ClientProfile, sessions: Sequence[Session], responses: Sequence[SessionResponse]
) -> tuple[tuple[str, ...], list[str]]:
    """Regions the client asked to avoid, and regions treated only in sessions that aggravated
    (at least :data:`~touchdose.analysis.verdict.MIN_AGGRAVATIONS` of them)."""
    avoid = list(profile.avoid_regions)
    why = [f"Avoid {AREA_LABELS[a].lower()}: you asked for it." for a in profile.avoid_regions]
    judged = [(s, r) for s, r in zip(sessions, responses, strict=True) if r.outcome != "unknown"]
    bad = [s for s, r in judged if r.aggravated]
    fine = {a for s, r in judged if not r.aggravated for a in s.regions}
    for area in sorted({a for s in bad for a in s.regions} - fine - set(avoid)):
        n = sum(area in s.regions for s in bad)
        if n < MIN_AGGRAVATIONS:
            continue  # one bad session is not a pattern (the verdict's rule)
        avoid.append(area)
        why.append(
            f"Avoid {AREA_LABELS[area].lower()} for now: all {n} judged sessions "
            "that included it were followed by more pain."
        )
    return tuple(avoid), why


def make_plan(
    profile: ClientProfile,
    verdict: Verdict,
    titration: Titration,
    responses: Sequence[SessionResponse],
    sessions: Sequence[Session] = (),
    *,
    tally: SessionTally | None = None,
) -> Plan:
    """Plan the next sessions.

    Parameters
    ----------
    profile : ClientProfile
        Conditions (for the trial dose), stated maximum pressure, regions to avoid.
    verdict : Verdict
        The verdict (:func:`touchdose.analysis.verdict.reach_verdict`).
    titration : Titration
        The pressure recommendation (:func:`touchdose.analysis.titration.titrate`).
    responses : sequence of SessionResponse
        Every session's response, in time order.
    sessions : sequence of Session, optional
        The sessions themselves (same order), for the regions treated.
    tally : SessionTally, optional
        ``tally_sessions(responses)`` when the caller already has it (not counted twice).

    Returns
    -------
    Plan
        Pressure, minutes, sessions per week, regions to avoid, each with why.

    Notes
    -----
    Pressure: the titration's recommendation, but no firmer than the latest session when the
    verdict is ``soothing`` or ``no_effect``; when the verdict is ``mixed`` or
    ``more_pain`` also below the gentlest pressure that was followed by more pain
    (``more_pain``: 1, very light, or stop). Minutes and frequency: the trial dose
    (:func:`touchdose.evidence.doses.starting_dose`), times 2/3 and one session a week
    fewer after an aggravation (the latest judged session, or a ``mixed`` verdict),
    times 1/2 and once a week for ``more_pain``; never below 15 minutes or once a week.

    Examples
    --------
    >>> from touchdose.analysis.titration import titrate
    >>> from touchdose.analysis.verdict import Verdict
    >>> v = Verdict("more_pain", ("...",), "...")
    >>> make_plan(ClientProfile(id="c-1"), v, titrate([]), ()).pressure
    1
    """
    tally = tally_sessions(responses) if tally is None else tally
    dose = _dose(profile)
    why: list[str] = []
    pressure = titration.recommended_pressure
    minutes, per_week = dose.minutes, dose.sessions_per_week
    stop = verdict.state == "more_pain"
    if stop:
        pressure = PRESSURE_MIN
        minutes, per_week = _round_minutes(dose.minutes * STOP_MINUTES_FACTOR), 1
        why.append(
            "Massage mainly brought more pain: stop, or try very light touch only "
            f"(pressure {PRESSURE_MIN}, {PRESSURE_NAMES[PRESSURE_MIN]}), {minutes} minutes, once a week, "
            "and stop for good if that also brings more pain."
        )
    else:
        if verdict.state == "mixed" and tally.aggravating_pressures:
            below = max(PRESSURE_MIN, min(tally.aggravating_pressures) - 1)
            if below < pressure:
                pressure = below
                why.append(
                    f"Pressure {pressure} ({PRESSURE_NAMES[pressure]}): gentler than pressure "
                    f"{min(tally.aggravating_pressures)}, which was followed by more pain."
                )
        current = titration.current_pressure
        if verdict.state in NO_DIAL_UP and current is not None and pressure > current:
            pressure = current
            why.append(
                f"Staying at pressure {current} ({PRESSURE_NAMES[current]}): firmer pressure is tried only "
                "while massage is helping; it adds risk without a measured gain."
            )
        if not why:
            why.extend(titration.why)
        if verdict.state == "mixed" or tally.last_aggravated:
            minutes = _round_minutes(dose.minutes * REDUCED_MINUTES_FACTOR)
            per_week = max(1, dose.sessions_per_week - 1)
            why.append(
                f"{minutes} minutes, {count(per_week, 'time')} a week: shorter and less "
                f"often than the trial dose ({dose.minutes} minutes, {dose.sessions_per_week} a week) "
                "because of the aggravation."
            )
        else:
            why.append(f"{minutes} minutes, {count(per_week, 'time')} a week: {dose.why}")
        if verdict.state == "no_effect":
            why.append(
                "Nothing measurable changed so far: continuing is your choice; it may not be worth the cost."
            )
    if profile.max_pressure is not None and pressure > profile.max_pressure:
        pressure = profile.max_pressure  # titration already respects it; kept as a last guard
    avoid, avoid_why = _avoid(profile, sessions, responses) if sessions else _avoid(profile, (), ())
    why.extend(avoid_why)
    return Plan(pressure, minutes, per_week, avoid, tuple(why), stop)


@dataclass(frozen=True)
class Assessment:
    """Titration, verdict and plan of one client, computed together."""

    titration: Titration
    verdict: Verdict
    plan: Plan

    def to_dict(self) -> dict[str, Any]:
        return {
            "titration": self.titration.to_dict(),
            "verdict": self.verdict.to_dict(),
            "plan": self.plan.to_dict(),
        }


def assess(
    cf: ClientFile,
    *,
    responses: Sequence[SessionResponse] | None = None,
    comparisons: Mapping[str, Comparison | Refusal] | None = None,
    sensitivity: str = "typical",
    target: float = TARGET_AGGRAVATION_RISK,
    as_of: datetime | None = None,
) -> Assessment:
    """Titrate, judge and plan for one client.

    Parameters
    ----------
    cf : ClientFile
        The client's records.
    responses : sequence of SessionResponse, optional
        Precomputed :func:`~touchdose.analysis.response.session_responses` (computed if ``None``).
    comparisons : mapping, optional
        ``compare_all(cf).results``; ``None`` judges from the sessions alone (the verdict
        then waits for the diary comparison before saying anything about benefit).
    sensitivity : {"low", "typical", "high"}
        The client's touch sensitivity (``touchdose.instruments.score_profile(...).sensitivity.level``).
    target : float
        Target aggravation risk per session (default 15 %).
    as_of : datetime, optional
        The time the safety screening is for (default: the latest record).

    Returns
    -------
    Assessment
        ``titration``, ``verdict`` (with ``safety``) and ``plan`` (the safety step applied last).

    Examples
    --------
    >>> a = assess(ClientFile(ClientProfile(id="c-1", max_pressure=2)), sensitivity="typical")
    >>> a.verdict.state, a.titration.recommended_pressure, a.plan.pressure
    ('gathering_data', 2, 2)
    """
    rs = tuple(session_responses(cf) if responses is None else responses)
    exposures = exposures_from_responses(rs)
    titration = titrate(
        exposures, sensitivity=sensitivity, max_pressure=cf.client.max_pressure, target=target
    )
    tally = tally_sessions(rs)
    verdict = reach_verdict(rs, comparisons, background_aggravation(cf), tally=tally)
    plan = make_plan(cf.client, verdict, titration, rs, cf.sessions, tally=tally)
    safety = screen(cf, as_of=as_of)
    return Assessment(titration, replace(verdict, safety=safety), apply_safety(plan, safety))


# --- The safety step: applied last, after every plan rule (docs/safety.md) -----------------------


def apply_safety(plan: Plan, safety: Safety) -> Plan:
    """Apply the screening (:func:`touchdose.analysis.safety.screen`) to a plan, last of all.

    A pause (a recent red flag, a contraindication that stops, an ongoing severe flare) stops the
    plan: ``pressure`` ``None``, ``stop`` true, its reasons first in ``why``. Otherwise the pressure
    is capped at ``safety.max_pressure``, the contraindications' regions are avoided, and after a
    severe flare that has settled the session is shorter (:data:`REDUCED_MINUTES_FACTOR`).

    Examples
    --------
    >>> from touchdose.analysis.safety import Safety
    >>> p = Plan(3, 30, 2, (), ("Start at 3.",))
    >>> apply_safety(p, Safety(level="caution", max_pressure=1, cap_why=("Osteoporosis: ...",))).pressure
    1
    >>> q = apply_safety(p, Safety(level="emergency", stop=True, stop_why=("Chest pain: ...",)))
    >>> q.pressure, q.stop, q.why[0]
    (None, True, 'Chest pain: ...')
    """
    avoid = (*plan.avoid_regions, *(a for a in safety.avoid_regions if a not in plan.avoid_regions))
    why = [*safety.avoid_why, *plan.why] if safety.avoid_regions else list(plan.why)
    if safety.stop:
        return replace(plan, pressure=None, stop=True, avoid_regions=avoid, why=(*safety.stop_why, *why))
    pressure, minutes = plan.pressure, plan.minutes
    cap = safety.max_pressure
    if cap is not None and (pressure is None or pressure > cap):
        pressure = cap
        why = [*safety.cap_why, *why]
    if safety.shorter:
        minutes = _round_minutes(plan.minutes * REDUCED_MINUTES_FACTOR)
    return replace(plan, pressure=pressure, minutes=minutes, avoid_regions=avoid, why=tuple(why))
