"""The plan as a therapist policy: what a therapist following touchdose would do at the next session.

A policy is any callable ``policy(history, client_id) -> pressure or None``, where ``history``
is the client file as it stands just before a booked session (the simulators in
:mod:`touchdose.painmodel` call it that way; nothing here imports them) and ``None`` means
no massage this time. :class:`PlanPolicy` reads what a real therapist would have — the
sessions, the diary, the profile — runs the whole engine
(:func:`touchdose.analysis.engine.analyze_client`) and follows its plan: the plan's pressure,
no massage when the plan stops or pauses massage, and no massage while a planned break
(``plan.pause``) is due.

:class:`FirmestPolicy` is the old rule, kept to compare against: always the firmest pressure
the titration tolerates (:attr:`touchdose.analysis.titration.Titration.recommended_pressure`
with the 15 % target), very light touch only when massage mainly brought more pain.

Examples
--------
>>> from touchdose.records import ClientFile, ClientProfile
>>> policy = titration_policy()
>>> policy(ClientFile(ClientProfile(id="c-1", sensitivity="high")), "c-1")
1
>>> policy.name, firmest_policy().name
('plan', 'firmest')
"""

from __future__ import annotations

from dataclasses import dataclass

from touchdose.analysis.background import background_aggravation
from touchdose.analysis.engine import analyze_client
from touchdose.analysis.harm import judge_harm
from touchdose.analysis.response import session_responses
from touchdose.analysis.titration import TARGET_AGGRAVATION_RISK, exposures_from_responses, titrate
from touchdose.instruments.sensitivity import derive_sensitivity
from touchdose.records import PRESSURE_MIN, ClientFile

__all__ = ["FirmestPolicy", "PlanPolicy", "firmest_policy", "titration_policy"]


def _check(history: ClientFile, client_id: str) -> None:
    if history.client.id != client_id:
        raise ValueError(
            f"policy: client_id = {client_id!r} does not match the history's client "
            f"(allowed: {history.client.id!r})"
        )


@dataclass(frozen=True)
class PlanPolicy:
    """Callable policy that follows the engine's plan, pauses included (see the module docstring).

    ``target`` overrides the aggravation-risk target (default: 10 % sensitized, 15 % otherwise).
    """

    target: float | None = None

    @property
    def name(self) -> str:
        return "plan"

    def __call__(self, history: ClientFile, client_id: str, /) -> int | None:
        _check(history, client_id)
        plan = analyze_client(history, target=self.target).plan
        if plan is None or plan.pressure is None:
            return None
        if plan.pause is not None and plan.pause.after_sessions == 0:
            return None  # the planned break is due: no massage this time
        return plan.pressure


@dataclass(frozen=True)
class FirmestPolicy:
    """The old rule: the firmest pressure the titration tolerates (see the module docstring)."""

    target: float = TARGET_AGGRAVATION_RISK

    @property
    def name(self) -> str:
        return "firmest"

    def __call__(self, history: ClientFile, client_id: str, /) -> int:
        _check(history, client_id)
        rs = session_responses(history)
        sensitivity = derive_sensitivity(history.client).level
        t = titrate(exposures_from_responses(rs), sensitivity=sensitivity,
                    max_pressure=history.client.max_pressure, target=self.target)  # fmt: skip
        harm = judge_harm(rs, background_aggravation(history))
        if t.recommended_pressure is None or harm.state == "more_pain":
            return PRESSURE_MIN
        return t.recommended_pressure


def titration_policy(target: float | None = None) -> PlanPolicy:
    """The policy that follows the plan (the name is kept from issue 4's titration policy).

    Parameters
    ----------
    target : float, optional
        Aggravation-risk target per session (default by sensitivity).

    Returns
    -------
    PlanPolicy
        ``policy(history, client_id) -> pressure or None``.

    Examples
    --------
    >>> titration_policy(0.10).target
    0.1
    """
    return PlanPolicy(target)


def firmest_policy(target: float = TARGET_AGGRAVATION_RISK) -> FirmestPolicy:
    """The old rule, always the firmest tolerated pressure (for comparison in the benchmarks)."""
    return FirmestPolicy(target)
