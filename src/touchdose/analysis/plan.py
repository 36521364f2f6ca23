"""The plan for the next sessions: the gentlest pressure that helps, minutes, frequency, and why.

The plan puts together the verdict (:mod:`touchdose.analysis.verdict`), the pressure
titration (:mod:`touchdose.analysis.titration`: each pressure's estimated risk and the
firmest pressure the safety rules allow), a planned break when the diary needs one
(:mod:`touchdose.analysis.pause`) and the starting dose of the trials for the client's
condition (:func:`touchdose.evidence.doses.starting_dose`, the only source of minutes and
frequency). The rules are those of docs/design.md "How gentle?":

* *helping*: keep the pressure that helps; a firmer one is only an option, with its risk;
* *no effect* or *soothing*: one level firmer after two tolerated sessions at the current
  level, if its risk is under the target; never two levels, never while gathering data;
* *mixed*: one level gentler than the pressure followed by more pain, shorter, less often;
* *mainly more pain*: stop, or very light touch only if its risk is under the target;
* no pressure under the target: pause massage (``stop``, no pressure, the reason first).

The plan never recommends a pressure above its own risk target, nor one from which the
client's sessions show more pain (:attr:`touchdose.analysis.verdict.Verdict.harmful_from`).

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

from touchdose.analysis.background import background_aggravation
from touchdose.analysis.comparison import DEFAULT_OPTIONS, CompareOptions, Comparison, Refusal
from touchdose.analysis.harm import MIN_AGGRAVATIONS, SessionTally, tally_sessions
from touchdose.analysis.noise import diary_noise
from touchdose.analysis.pause import Pause, plan_pause
from touchdose.analysis.response import SessionResponse, session_responses
from touchdose.analysis.safety import Safety, screen
from touchdose.analysis.titration import (
    START_PRESSURE,
    Titration,
    exposures_from_responses,
    titrate,
)
from touchdose.analysis.verdict import Verdict, reach_verdict
from touchdose.analysis.wording import action_for_need, action_for_plan, action_for_safety
from touchdose.evidence.doses import Dose, starting_dose
from touchdose.records import (
    AREA_LABELS,
    PRESSURE_MAX,
    PRESSURE_MIN,
    PRESSURE_NAMES,
    ClientFile,
    ClientProfile,
    Session,
)
from touchdose.text import count, percent

__all__ = [
    "MIN_MINUTES",
    "MIN_TOLERATED",
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
#: Tolerated sessions at the current pressure before one level firmer may be tried
#: (docs/design.md "How gentle?": "after at least two tolerated sessions").
MIN_TOLERATED = 2
#: Never plan a session shorter than this (a very light session still needs time to settle).
MIN_MINUTES = 15
_MINUTE_STEP = 5
_LEVELS = tuple(range(PRESSURE_MIN, PRESSURE_MAX + 1))


@dataclass(frozen=True)
class Plan:
    """The next sessions: what to do and why (docs/formats.md ``plan``).

    ``pressure`` is ``None`` and ``stop`` true when no massage is advised now (stop, pause massage
    because no pressure is safe enough, or a safety pause); the reason is then the first of
    ``why``, and ``minutes`` and ``sessions_per_week`` are 0. ``pause`` is a planned break that
    lets the diary reach a verdict (:class:`touchdose.analysis.pause.Pause`), ``None`` when none
    is needed.
    """

    pressure: int | None
    minutes: int
    sessions_per_week: int
    avoid_regions: tuple[str, ...]
    why: tuple[str, ...]
    stop: bool = False
    pause: Pause | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pressure": self.pressure,
            "minutes": self.minutes,
            "sessions_per_week": self.sessions_per_week,
            "avoid_regions": list(self.avoid_regions),
            "why": list(self.why),
            "stop": self.stop,
            "pause": None if self.pause is None else self.pause.to_dict(),
        }


def _dose(profile: ClientProfile) -> Dose:
    """The gentlest trial dose among the client's conditions ("other" when none is given)."""
    doses = [starting_dose(c) for c in profile.conditions] or [starting_dose("other")]
    return min(doses, key=lambda d: (d.minutes * d.sessions_per_week, d.minutes))


def _round_minutes(x: float) -> int:
    return max(MIN_MINUTES, int(_MINUTE_STEP * round(x / _MINUTE_STEP)))


def _name(p: int) -> str:
    return f"pressure {p} ({PRESSURE_NAMES[p]})"


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


_Rule = tuple[int | None, list[str], bool]  # (pressure or None, why, stop)


def _when_more_pain(titration: Titration, allowed: list[int]) -> _Rule:
    """Mainly more pain: very light touch only if its risk is under the target, else stop."""
    risk, limit = percent(titration.risk_by_pressure[str(PRESSURE_MIN)], ends=True), percent(titration.target)
    if PRESSURE_MIN in allowed:
        return PRESSURE_MIN, [
            f"Massage mainly brought more pain: stop, or try very light touch only "
            f"({_name(PRESSURE_MIN)}, estimated risk {risk}, under the limit of {limit}), and stop "
            "for good if that also brings more pain."
        ], False
    return None, [
        "Massage mainly brought more pain: stop massage for now, and talk with your physician before "
        f"trying again (even very light touch has an estimated risk of {risk}, above the limit of {limit})."
    ], True


def _when_nothing_is_safe(titration: Titration) -> _Rule:
    risk, limit = percent(titration.risk_by_pressure[str(PRESSURE_MIN)], ends=True), percent(titration.target)
    return None, [
        f"Pause massage: no pressure has an estimated chance of more pain under {limit} (very light "
        f"touch: {risk}). Talk it over with your therapist or physician: what else was going on, and "
        "whether to try very light touch again later."
    ], True


def _step_down(titration: Titration, cur: int, top: int, harmful_from: int | None) -> _Rule:
    if harmful_from is not None and cur >= harmful_from:
        because = f"{_name(cur).capitalize()} was followed by more pain in your sessions"
    else:
        risk = percent(titration.risk_by_pressure[str(cur)], ends=True)
        because = (
            f"{_name(cur).capitalize()} now has an estimated chance of more pain of {risk}, above the "
            f"limit of {percent(titration.target)}"
        )
    return top, [f"{because}: going to {_name(top)}."], False


def _hold_or_one_up(verdict: Verdict, titration: Titration, tally: SessionTally, cur: int,
                    allowed: list[int]) -> _Rule:  # fmt: skip
    """Helping holds; no effect and soothing may go one level up after two tolerated sessions."""
    limit = percent(titration.target)
    firmer = cur + 1
    risks = titration.risk_by_pressure
    firmer_risk = percent(risks[str(firmer)], ends=True) if firmer <= PRESSURE_MAX else ""
    tolerated = titration.tolerated_at(cur)
    if (
        verdict.state in ("no_effect", "soothing")
        and firmer in allowed
        and tolerated >= MIN_TOLERATED
        and not tally.last_aggravated
    ):
        return firmer, [
            f"One level firmer may be tried: {tolerated} sessions at {_name(cur)} went without more "
            f"pain, and {_name(firmer)} has an estimated risk of {firmer_risk} (the limit is {limit}). "
            "Never two levels at once."
        ], False
    if verdict.state == "helping":
        why = [f"Keep {_name(cur)}: it helps, and the gentlest pressure that helps is the one to keep."]
        if firmer in allowed:
            why.append(
                f"{_name(firmer).capitalize()} is an option you and your therapist may choose together "
                f"(estimated risk {firmer_risk}); it is not needed while this pressure helps."
            )
        return cur, why, False
    if verdict.state == "gathering_data":
        return cur, [
            f"Stay at {_name(cur)} while the diary gathers data: the pressure changes only once there is "
            "a verdict."
        ], False
    return cur, [
        f"Stay at {_name(cur)}: one level firmer only after {MIN_TOLERATED} sessions at this pressure "
        f"without more pain, and only if its risk is under {limit}."
    ], False


def _pressure(verdict: Verdict, titration: Titration, tally: SessionTally) -> _Rule:
    """The pressure rule of docs/design.md "How gentle?"."""
    h = verdict.harmful_from
    allowed = [p for p in _LEVELS if titration.allows(p) and (h is None or p < h)]
    cur = titration.current_pressure
    if verdict.state == "more_pain":
        return _when_more_pain(titration, allowed)
    if not allowed:
        return _when_nothing_is_safe(titration)
    top = max(allowed)
    if verdict.state == "mixed":
        gentler = (h - 1) if h is not None else (cur - 1 if cur is not None else top)
        p = max(PRESSURE_MIN, min(top, gentler))
        hurt = f"than {_name(h)}, which was followed by more pain" if h is not None else "than before"
        return p, [f"{_name(p).capitalize()}: gentler {hurt}."], False
    if cur is None:
        p = min(top, START_PRESSURE[titration.sensitivity])
        risk = percent(titration.risk_by_pressure[str(p)], ends=True)
        return p, [
            f"Start at {_name(p)}: a gentle start whose estimated chance of more pain ({risk}) is under "
            f"the limit of {percent(titration.target)}. Starting gently is our choice; no trial has compared "
            "starting pressures."
        ], False
    if cur > top:
        return _step_down(titration, cur, top, h)
    return _hold_or_one_up(verdict, titration, tally, cur, allowed)


def make_plan(
    profile: ClientProfile,
    verdict: Verdict,
    titration: Titration,
    responses: Sequence[SessionResponse],
    sessions: Sequence[Session] = (),
    *,
    tally: SessionTally | None = None,
    pause: Pause | None = None,
) -> Plan:
    """Plan the next sessions.

    Parameters
    ----------
    profile : ClientProfile
        Conditions (for the trial dose), stated maximum pressure, regions to avoid.
    verdict : Verdict
        The verdict (:func:`touchdose.analysis.verdict.reach_verdict`).
    titration : Titration
        Each pressure's risk and the ceiling (:func:`touchdose.analysis.titration.titrate`).
    responses : sequence of SessionResponse
        Every session's response, in time order.
    sessions : sequence of Session, optional
        The sessions themselves (same order), for the regions treated.
    tally : SessionTally, optional
        ``tally_sessions(responses)`` when the caller already has it (not counted twice).
    pause : Pause, optional
        A planned break (:func:`touchdose.analysis.pause.plan_pause`), kept only while the
        verdict is still gathering data and massage goes on.

    Returns
    -------
    Plan
        Pressure (or ``None`` with ``stop``), minutes, sessions per week, regions to avoid, the
        planned break, each with why.

    Notes
    -----
    Pressure: the rules of the module docstring, always at or under the titration's ceiling
    and below ``verdict.harmful_from``. Minutes and frequency: the trial dose
    (:func:`touchdose.evidence.doses.starting_dose`), times 2/3 and one session a week fewer
    after an aggravation (the latest judged session, or a ``mixed`` verdict), times 1/2 and
    once a week for very light touch after ``more_pain``; never below 15 minutes or once a
    week; 0 and 0 when the plan stops.

    Examples
    --------
    >>> from touchdose.analysis.titration import Exposure, titrate
    >>> from touchdose.analysis.verdict import Verdict
    >>> v = Verdict("more_pain", ("...",), "...", harmful_from=3)
    >>> p = make_plan(ClientProfile(id="c-1"), v, titrate([Exposure(3, True)] * 2), ())
    >>> p.pressure, p.stop, p.why[0][:48]
    (None, True, 'Massage mainly brought more pain: stop massage f')
    """
    tally = tally_sessions(responses) if tally is None else tally
    dose = _dose(profile)
    pressure, why, stop = _pressure(verdict, titration, tally)
    minutes, per_week = dose.minutes, dose.sessions_per_week
    if stop or pressure is None:
        minutes, per_week, pause = 0, 0, None
    elif verdict.state == "more_pain":
        minutes, per_week = _round_minutes(dose.minutes * STOP_MINUTES_FACTOR), 1
        why.append(f"{minutes} minutes, once a week: half the trial dose, because of the aggravations.")
    elif verdict.state == "mixed" or tally.last_aggravated:
        minutes = _round_minutes(dose.minutes * REDUCED_MINUTES_FACTOR)
        per_week = max(1, dose.sessions_per_week - 1)
        why.append(
            f"{minutes} minutes, {count(per_week, 'time')} a week: shorter and less "
            f"often than the trial dose ({dose.minutes} minutes, {dose.sessions_per_week} a week) "
            "because of the aggravation."
        )
    else:
        why.append(f"{minutes} minutes, {count(per_week, 'time')} a week: {dose.why}")
    if verdict.state == "no_effect" and not stop:
        why.append(
            "Nothing measurable changed so far: continuing is your choice; it may not be worth the cost."
        )
    if verdict.state != "gathering_data":
        pause = None
    avoid, avoid_why = _avoid(profile, sessions, responses) if sessions else _avoid(profile, (), ())
    why.extend(avoid_why)
    if pause is not None:
        when = "now" if pause.after_sessions == 0 else f"after {pause.after_sessions} more sessions"
        if pause.after_sessions == 1:
            when = "after the next session"
        why.append(
            f"A planned break of {pause.days} days without massage, {when}, so the diary can show "
            f"whether massage helps; a verdict is expected around {pause.verdict_expected.isoformat()}."
        )
    return Plan(pressure, minutes, per_week, avoid, tuple(why), stop, pause)


def _action(verdict: Verdict, plan: Plan, titration: Titration) -> str:
    """The verdict's one action sentence, from the plan (or, while gathering data, what is missing)."""
    no_safe = plan.stop and verdict.state != "more_pain"
    waiting = verdict.state == "gathering_data" and plan.pause is None and not plan.stop
    if waiting and verdict.need is not None:
        return action_for_need(verdict.need, verdict.need_count)
    return action_for_plan(
        verdict.state, pressure=plan.pressure, minutes=plan.minutes, per_week=plan.sessions_per_week,
        stop=plan.stop, no_safe_pressure=no_safe, current=titration.current_pressure,
        pause_after=None if plan.pause is None else plan.pause.after_sessions,
        pause_days=None if plan.pause is None else plan.pause.days,
    )  # fmt: skip
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
    target: float | None = None,
    options: CompareOptions = DEFAULT_OPTIONS,
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
    target : float, optional
        Target aggravation risk per session (default 10 % when sensitized, else 15 %).
    options : CompareOptions
        The comparison's options, for planning a break (:func:`touchdose.analysis.pause.plan_pause`).
    as_of : datetime, optional
        The time the safety screening is for (default: the latest record).

    Returns
    -------
    Assessment
        ``titration``, ``verdict`` (with its action and ``safety``) and ``plan`` (the safety step
        applied last).

    Examples
    --------
    >>> a = assess(ClientFile(ClientProfile(id="c-1", max_pressure=2)), sensitivity="typical")
    >>> a.verdict.state, a.titration.recommended_pressure, a.plan.pressure
    ('gathering_data', 2, 2)
    >>> a.verdict.action
    'Rate your pain before and after your first massage.'
    """
    rs = tuple(session_responses(cf) if responses is None else responses)
    exposures = exposures_from_responses(rs)
    max_pressure = cf.client.max_pressure
    noise = diary_noise(cf)  # once: the background rate and a planned break both read it
    background = background_aggravation(cf, noise=noise)
    titration = titrate(exposures, sensitivity=sensitivity, max_pressure=max_pressure, target=target,
                        background=background.estimate)  # fmt: skip
    tally = tally_sessions(rs)
    verdict = reach_verdict(rs, comparisons, background, tally=tally, goals=cf.client.goals)
    pain = (comparisons or {}).get("pain")
    pause = None
    if (
        verdict.state == "gathering_data"
        and isinstance(pain, Refusal)
        and (pain.pause_needed or pain.need == "phase")
        and cf.sessions
    ):
        per_week = _dose(cf.client).sessions_per_week
        pause = plan_pause(cf, sessions_per_week=per_week, options=options, noise=noise)
    plan = make_plan(cf.client, verdict, titration, rs, cf.sessions, tally=tally, pause=pause)
    safety = screen(cf, as_of=as_of)
    plan = apply_safety(plan, safety)
    action = action_for_safety(safety.level) if safety.stop else _action(verdict, plan, titration)
    return Assessment(titration, replace(verdict, safety=safety, action=action), plan)


# --- The safety step: applied last, after every plan rule (docs/safety.md) -----------------------


def apply_safety(plan: Plan, safety: Safety) -> Plan:
    """Apply the screening (:func:`touchdose.analysis.safety.screen`) to a plan, last of all.

    A pause (a recent red flag, a contraindication that stops, an ongoing severe flare) stops the
    plan: ``pressure`` ``None``, ``stop`` true, its reasons first in ``why``, no planned break.
    Otherwise the pressure is capped at ``safety.max_pressure`` (a plan that already stops stays
    stopped), the contraindications' regions are avoided, and after a severe flare that has
    settled the session is shorter (:data:`REDUCED_MINUTES_FACTOR`).

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
        return replace(plan, pressure=None, stop=True, minutes=0, sessions_per_week=0, pause=None,
                       avoid_regions=avoid, why=(*safety.stop_why, *why))  # fmt: skip
    pressure, minutes = plan.pressure, plan.minutes
    cap = safety.max_pressure
    if cap is not None and pressure is not None and pressure > cap:
        pressure = cap
        why = [*safety.cap_why, *why]
    if safety.shorter and pressure is not None:
        minutes = _round_minutes(plan.minutes * REDUCED_MINUTES_FACTOR)
    return replace(plan, pressure=pressure, minutes=minutes, avoid_regions=avoid, why=tuple(why))
