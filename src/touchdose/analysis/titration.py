"""How gentle does the massage have to be? Pressure titration on top of the CRM.

The probability that a session at pressure ``d`` (1-5) leads to aggravation is
modelled with the continual reassessment method (:mod:`touchdose.analysis.crm`):
a skeleton of prior risks per pressure, steeper for a sensitized client, the
power model, the posterior by quadrature. On top of it the clinical rules of
docs/design.md ("How gentle?"):

* the ceiling is the highest pressure whose estimated aggravation risk (dfcrm's plug-in
  estimate) is at most the target (10 % for a sensitized client, 15 % otherwise), and,
* when that is a step up, whose overdose probability P(risk > target + 10 points) is
  below 25 %; when even very light touch is above the target there is no ceiling (``None``);
* never more than one level above the highest pressure already tolerated
  (no skipping); before anything is tolerated, start at 2 (light) for a
  sensitized client and 3 (moderate) otherwise;
* never up right after an aggravation (coherence);
* never above the client's own stated maximum.

The ceiling is the firmest pressure these rules allow, not the advice: the plan
(:mod:`touchdose.analysis.plan`) looks for the gentlest pressure that helps under it.
A pressure two or more levels above any pressure tried is estimated only from the prior and
the gentler sessions; :attr:`Titration.untested` lists them and the reasons say so.
Examples
--------
>>> t = titrate([Exposure(2, False), Exposure(2, False), Exposure(3, False)], sensitivity="typical")
>>> t.highest_tolerated, t.recommended_pressure
(3, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from touchdose.analysis.crm import DEFAULT_PRIOR_VAR, Model, posterior
from touchdose.analysis.crm import crm as crm  # the stable path of docs/formats.md "Stable Python API"
from touchdose.analysis.response import SessionResponse
from touchdose.records import PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES, SENSITIVITIES
from touchdose.text import percent
from touchdose.types import FloatArray

__all__ = [
    "OVERDOSE_MARGIN",
    "OVERDOSE_MAX_PROB",
    "SKELETONS",
    "START_PRESSURE",
    "TARGET_AGGRAVATION_RISK",
    "TARGET_AGGRAVATION_RISK_SENSITIZED",
    "Exposure",
    "Titration",
    "crm",
    "exposures_from_responses",
    "target_for",
    "titrate",
]

#: Target aggravation risk per session (docs/design.md "How gentle?": default 15 %). Furlan 2015
#: (Cochrane, massage for low-back pain) reports increased pain in 1.5-25 % of participants;
#: 15 % sits inside that range of what trial participants accepted.
TARGET_AGGRAVATION_RISK = 0.15
#: The target for a sensitized pain system (fibromyalgia, docs/design.md "How gentle?"): 10 %,
#: the lower end of the same range, because a flare costs such a client more (our choice).
TARGET_AGGRAVATION_RISK_SENSITIZED = 0.10
#: Overdose control (escalation with overdose control, Babb 1998; the 25 % bound as in
#: Neuenschwander 2008): a pressure is allowed only if P(risk > target + 10 points) < 25 %.
OVERDOSE_MARGIN = 0.10
OVERDOSE_MAX_PROB = 0.25

#: Prior aggravation risk per pressure 1-5 (the CRM skeleton) by sensitivity. Anchors: about
#: 10 % of ordinary massage clients report discomfort afterwards (Cambron 2007, 91-100 clients;
#: their pressure was not reported, moderate is assumed) -> "typical" at pressure 3 is 0.10;
#: Furlan 2015 reports increased pain in up to 25 % of trial participants -> "high" (a
#: sensitized pain system, docs/design.md) reaches 0.25 already at pressure 3, the steeper curve of
#: Cheung's (2011) worked example. The other values are our spacing (roughly doubling per level
#: up to moderate), labelled as judgement.
SKELETONS: dict[str, tuple[float, float, float, float, float]] = {
    "low": (0.01, 0.03, 0.06, 0.10, 0.16),
    "typical": (0.02, 0.05, 0.10, 0.18, 0.28),
    "high": (0.05, 0.12, 0.25, 0.40, 0.55),
}
#: First pressure before anything is tolerated. 2 (light) for a sensitized client: docs/design.md
#: "Clinical safety" (light or very light for high sensitivity), following the clinicians' advice to
#: start gentle; no trial compared starting pressures, so the level is our choice. 3 (moderate)
#: otherwise: our choice, the middle of the scale and the pressure that ordinary massage trials
#: describe (Field 2002's "moderate pressure" is known only from a secondary summary, docs/evidence.md 2).
START_PRESSURE: dict[str, int] = {"low": 3, "typical": 3, "high": 2}

_LEVELS = tuple(range(PRESSURE_MIN, PRESSURE_MAX + 1))


@dataclass(frozen=True)
class Exposure:
    """One session's pressure and whether aggravation followed.

    ``weight`` is the TITE weight: 1 when the follow-up window is complete, the fraction
    observed so far when it is still open (only meaningful without aggravation).
    """

    pressure: int
    aggravated: bool
    weight: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.pressure, bool) or self.pressure not in _LEVELS:
            raise ValueError(f"exposure: pressure = {self.pressure!r} is not allowed (allowed: 1-5)")
        if not isinstance(self.aggravated, bool):
            raise ValueError(
                f"exposure: aggravated = {self.aggravated!r} is not allowed (allowed: true or false)"
            )
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"exposure: weight = {self.weight!r} is not allowed (allowed: a number 0-1)")


@dataclass(frozen=True)
class Titration:
    """The recommended pressure for the next session, with the risks and the rule that decided it.

    Attributes
    ----------
    current_pressure : int or None
        Pressure of the latest session.
    recommended_pressure : int or None
        The ceiling: the firmest pressure the safety rules allow for the next session (1-5),
        ``None`` when no pressure has an estimated risk under the target.
    risk_by_pressure : dict
        Estimated aggravation risk per pressure ("1".."5"), dfcrm's plug-in F(d, E[beta]).
    overdose_by_pressure : dict
        Posterior P(risk > target + margin) per pressure.
    highest_tolerated : int or None
        Highest pressure with a fully observed session without aggravation.
    aggravations : dict
        Number of aggravations per pressure ("1".."5").
    sessions_used : int
        Sessions that entered the model (weight > 0).
    sensitivity, target : the inputs.
    limited_by : str
        The rule that set the recommendation: ``risk``, ``overdose``, ``no_skipping``, ``start``,
        ``after_aggravation`` or ``client_max``.
    by_pressure : dict
        For each pressure given so far ("1".."5"): ``{"sessions": n, "more_pain": k}``.
    untested : tuple of int
        Pressures two or more levels above every pressure tried: their risk is the prior's,
        carried up from gentler sessions, not something the client's sessions showed.
    background : float
        The client's own chance of a rise in pain without massage that the risks are over.
    why : tuple of str
        Plain-language reasons, each with its numbers.
    """

    current_pressure: int | None
    recommended_pressure: int | None
    risk_by_pressure: dict[str, float]
    overdose_by_pressure: dict[str, float]
    highest_tolerated: int | None
    aggravations: dict[str, int]
    sessions_used: int
    sensitivity: str
    target: float
    limited_by: str
    why: tuple[str, ...] = field(default=())
    by_pressure: dict[str, dict[str, int]] = field(default_factory=dict)
    untested: tuple[int, ...] = ()
    background: float = 0.0

    def allows(self, pressure: int) -> bool:
        """Whether ``pressure`` is at or under the ceiling (so its risk is under the target)."""
        return self.recommended_pressure is not None and pressure <= self.recommended_pressure

    def tolerated_at(self, pressure: int) -> int:
        """Sessions at ``pressure`` not followed by more pain (fully observed or not)."""
        row = self.by_pressure.get(str(pressure), {"sessions": 0, "more_pain": 0})
        return row["sessions"] - row["more_pain"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the docs/formats.md ``titration`` keys first, then the extras)."""
        return {
            "current_pressure": self.current_pressure,
            "recommended_pressure": self.recommended_pressure,
            "risk_by_pressure": {k: round(v, 4) for k, v in self.risk_by_pressure.items()},
            "overdose_by_pressure": {k: round(v, 4) for k, v in self.overdose_by_pressure.items()},
            "highest_tolerated": self.highest_tolerated,
            "aggravations": dict(self.aggravations),
            "sessions_used": self.sessions_used,
            "sensitivity": self.sensitivity,
            "target": self.target,
            "limited_by": self.limited_by,
            "why": list(self.why),
            "by_pressure": {k: dict(v) for k, v in self.by_pressure.items()},
            "untested": list(self.untested),
            "background": round(self.background, 4),
        }


def exposures_from_responses(responses: Sequence[SessionResponse]) -> tuple[Exposure, ...]:
    """The titration's data from the session responses, never guessing a missing outcome.

    ``harmed`` and ``mixed`` sessions are aggravations; ``helped`` and ``no_effect`` are
    fully observed sessions without aggravation; an ``unknown`` session (a follow-up is
    missing, no aggravation seen) counts with the TITE weight of the follow-ups present:
    1/2 per follow-up (24 h, 48 h), 0 when neither was given.

    Examples
    --------
    >>> exposures_from_responses(())
    ()
    """
    out = []
    for r in responses:
        if r.outcome == "unknown":
            seen = (r.change_24h is not None) + (r.change_48h is not None)
            out.append(Exposure(r.pressure, False, seen / 2))
        else:
            out.append(Exposure(r.pressure, bool(r.aggravated)))
    return tuple(out)


def _model_ceiling(risk: FloatArray, overdose: FloatArray, target: float, base: int) -> tuple[int, str]:
    """Highest pressure, counting up from 1, whose estimated risk is at most ``target`` and,
    when it is above ``base`` (an escalation), whose overdose probability is below the bound
    (0 when even pressure 1 is above the target)."""
    best = PRESSURE_MIN - 1
    for level in _LEVELS:
        if risk[level - 1] > target:
            return best, "risk"
        if level > base and overdose[level - 1] >= OVERDOSE_MAX_PROB:
            return best, "overdose"
        best = level
    return best, "risk"


def target_for(sensitivity: str) -> float:
    """The aggravation-risk target for a client: 10 % when sensitized (``"high"``), else 15 %.

    Examples
    --------
    >>> target_for("high"), target_for("typical")
    (0.1, 0.15)
    """
    return TARGET_AGGRAVATION_RISK_SENSITIZED if sensitivity == "high" else TARGET_AGGRAVATION_RISK


def _check_options(sensitivity: str, max_pressure: int | None, target: float | None) -> None:
    if sensitivity not in SENSITIVITIES:
        raise ValueError(
            f"sensitivity = {sensitivity!r} is not allowed (allowed: {', '.join(SENSITIVITIES)})"
        )
    if max_pressure is not None and (isinstance(max_pressure, bool) or max_pressure not in _LEVELS):
        raise ValueError(f"max_pressure = {max_pressure!r} is not allowed (allowed: a whole number 1-5)")
    if target is not None and not 0.0 < target < 1.0 - OVERDOSE_MARGIN:
        raise ValueError(f"target = {target!r} is not allowed (allowed: a probability in (0, 0.9))")


def titrate(
    exposures: Sequence[Exposure],
    *,
    sensitivity: str = "typical",
    max_pressure: int | None = None,
    target: float | None = None,
    model: Model = "empiric",
    prior_var: float = DEFAULT_PRIOR_VAR,
    background: float = 0.0,
) -> Titration:
    """Recommend the pressure for the next session from the sessions so far.

    Parameters
    ----------
    exposures : sequence of Exposure
        The client's sessions in time order: pressure, aggravation, TITE weight.
    sensitivity : {"low", "typical", "high"}
        Chooses the skeleton (:data:`SKELETONS`) and the start (:data:`START_PRESSURE`).
    max_pressure : int, optional
        The client's own stated maximum (1-5).
    target : float, optional
        Target aggravation risk per session; default by sensitivity (:func:`target_for`).
    model : {"empiric", "logistic"}
        CRM dose-response model.
    prior_var : float
        Prior variance of the CRM parameter.
    background : float
        The client's own chance of such a rise in pain without massage
        (:attr:`touchdose.analysis.background.Background.estimate`): an aggravation after a session is
        then ``background + (1 - background) * risk``, and each pressure's ``risk`` is what the
        massage adds to the client's usual ups and downs. 0 treats every aggravation as caused
        by the massage (the plain CRM).

    Returns
    -------
    Titration
        Recommended pressure, risk and overdose probability per pressure, and why.

    Notes
    -----
    With the posterior ``pi(beta | data)`` of :func:`touchdose.analysis.crm.posterior`,
    ``risk_d = F(d, E[beta])`` (dfcrm's plug-in) and ``overdose_d = P(F(d, beta) > target + 0.10)``.
    ``recommended = min(model ceiling, no-skipping ceiling, coherence ceiling, client max)``
    where the model ceiling is the highest ``d`` (from 1 upwards, stopping at the first
    failure) with ``risk_d <= target`` and, for an escalation (``d`` above the highest tolerated
    pressure, or above the start pressure when nothing is tolerated yet), ``overdose_d < 0.25``;
    the no-skipping ceiling is
    ``highest tolerated + 1`` (or the start pressure when nothing is tolerated yet); the
    coherence ceiling is the pressure of the latest session when it aggravated.

    References
    ----------
    O'Quigley J, Pepe M, Fisher L. Biometrics 1990;46:33-48.
    Babb J, Rogatko A, Zacks S. Stat Med 1998;17:1103-20 (overdose control).
    Cheung YK, Chappell R. Biometrics 2000;56:1177-82 (TITE weights).

    Examples
    --------
    A sensitized client starts at light pressure, very light under the 10 % target:

    >>> titrate([], sensitivity="high", target=0.15).recommended_pressure
    2
    >>> titrate([], sensitivity="high").recommended_pressure
    1

    An aggravation at 3 right now: the risk at 3 rises above the target, and with it, in this
    one-parameter model, the risk at every pressure: even very light touch is above 10 %.

    >>> t = titrate([Exposure(2, False), Exposure(3, True)], sensitivity="high")
    >>> t.recommended_pressure is None, t.risk_by_pressure["3"] > 0.15
    (True, True)
    """
    _check_options(sensitivity, max_pressure, target)
    target = target_for(sensitivity) if target is None else target
    used = [e for e in exposures if e.aggravated or e.weight > 0.0]
    post = posterior(
        SKELETONS[sensitivity],
        [e.pressure for e in used],
        [int(e.aggravated) for e in used],
        model,
        prior_var,
        weights=[e.weight for e in used],
        background=background,
    )
    risk = post.curve(post.mean())[:, 0]  # dfcrm's plug-in estimate F(d, beta_hat)
    overdose = post.prob_risk_above(target + OVERDOSE_MARGIN)
    tolerated = [e.pressure for e in used if not e.aggravated and e.weight >= 1.0]
    highest = max(tolerated) if tolerated else None
    current = exposures[-1].pressure if exposures else None

    base = highest if highest is not None else START_PRESSURE[sensitivity]
    # Candidate ceilings in the order that best explains a tie (min() keeps the first).
    ceilings: list[tuple[int, str]] = []
    if highest is None:
        ceilings.append((START_PRESSURE[sensitivity], "start"))
    last_known = next((e for e in reversed(used) if e.weight >= 1.0 or e.aggravated), None)
    if last_known is not None and last_known.aggravated:
        ceilings.append((last_known.pressure, "after_aggravation"))
    if max_pressure is not None:
        ceilings.append((max_pressure, "client_max"))
    ceilings.append(_model_ceiling(risk, overdose, target, base))
    if highest is not None:
        ceilings.append((highest + 1, "no_skipping"))
    rec, rule = min(ceilings, key=lambda c: c[0])
    recommended = None if rec < PRESSURE_MIN else min(PRESSURE_MAX, rec)

    counts = {str(lv): sum(1 for e in used if e.aggravated and e.pressure == lv) for lv in _LEVELS}
    given = sorted({e.pressure for e in exposures})
    by_pressure = {
        str(p): {"sessions": sum(e.pressure == p for e in exposures),
                 "more_pain": sum(e.pressure == p and e.aggravated for e in exposures)}
        for p in given
    }  # fmt: skip
    tried = max((e.pressure for e in used), default=None)
    untested = tuple(lv for lv in _LEVELS if tried is not None and lv >= tried + 2)
    result = Titration(
        current_pressure=current,
        recommended_pressure=recommended,
        risk_by_pressure={str(lv): float(risk[lv - 1]) for lv in _LEVELS},
        overdose_by_pressure={str(lv): float(overdose[lv - 1]) for lv in _LEVELS},
        highest_tolerated=highest,
        aggravations=counts,
        sessions_used=len(used),
        sensitivity=sensitivity,
        target=target,
        limited_by=rule,
        why=(),
        by_pressure=by_pressure,
        untested=untested,
        background=background,
    )
    return _with_reasons(result, used)


def _with_reasons(t: Titration, used: Sequence[Exposure]) -> Titration:
    rec = t.recommended_pressure
    why: list[str] = []
    if rec is None:
        why.append(
            f"Even very light touch (pressure {PRESSURE_MIN}) has an estimated chance of more pain of "
            f"{percent(t.risk_by_pressure[str(PRESSURE_MIN)])}, above the limit of {percent(t.target)}."
        )
        return replace(t, why=tuple(why + _untested_reasons(t)))
    name = PRESSURE_NAMES[rec]
    risk = t.risk_by_pressure[str(rec)]
    at_rec = [e for e in used if e.pressure == rec and e.weight >= 1.0]
    bad = sum(1 for e in at_rec if e.aggravated)
    if at_rec:
        why.append(f"{bad} of {len(at_rec)} sessions at pressure {rec} ({name}) were followed by more pain.")
    beyond = (
        f" beyond your usual ups and downs (which bring such a rise {percent(t.background)} of the time)"
        if t.background > 0 else ""
    )
    why.append(
        f"Estimated chance of more pain after a session at pressure {rec}{beyond}: {percent(risk)} "
        f"(the limit is {percent(t.target)})."
    )
    rule_text = {
        "risk": "A firmer pressure would have an estimated risk above the limit.",
        "overdose": (
            f"A firmer pressure is not yet safe enough: the chance that its risk is above "
            f"{percent(t.target + OVERDOSE_MARGIN)} is {percent(OVERDOSE_MAX_PROB)} or more."
        ),
        "no_skipping": (
            f"Never more than one level above the firmest pressure tolerated so far ({t.highest_tolerated})."
        ),
        "start": (
            f"Nothing tolerated yet, so we start at {rec} ({name})"
            + (
                ": gentle, because the pain system is likely sensitized. Starting gently is our choice; "
                "no trial has compared starting pressures."
                if t.sensitivity == "high"
                else ": the middle of the scale, our choice."
            )
        ),
        "after_aggravation": "The latest session was followed by more pain, so the pressure does not go up.",
        "client_max": f"You asked for at most pressure {rec} ({name}).",
    }[t.limited_by]
    why.append(rule_text)
    return replace(t, why=tuple(why + _untested_reasons(t)))


def _untested_reasons(t: Titration) -> list[str]:
    """Say so when a pressure's risk is carried up from levels two or more below it."""
    if not t.untested:
        return []
    levels = ", ".join(str(p) for p in t.untested)
    plural = "s" if len(t.untested) > 1 else ""
    return [
        f"Pressure{plural} {levels} {'have' if plural else 'has'} not been tried, nor the level just "
        "below: the estimate is the starting guess carried up from gentler sessions, not something "
        "your sessions showed."
    ]
