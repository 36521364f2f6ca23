"""Titration as a therapist policy: the pressure a therapist following touchdose would use next.

A policy is any callable ``policy(history, client_id) -> pressure`` (1-5), where
``history`` is the client file as it stands just before the session (the simulator
in :mod:`touchdose.painmodel.simulate` calls it that way; nothing here imports it).
:class:`TitrationPolicy` reads what a real therapist would have — the sessions, the
diary, the profile — and returns the plan's pressure: the titrated pressure
(:func:`touchdose.analysis.titration.titrate`), lowered by the verdict's safety rules
(very light touch only when massage mainly brought more pain).

The diary comparison is not run before each session (it changes slowly and is the
costly part); the verdict's aggravation rules need only the session responses.

Examples
--------
>>> from touchdose.records import ClientFile, ClientProfile
>>> policy = titration_policy()
>>> policy(ClientFile(ClientProfile(id="c-1", sensitivity="high")), "c-1")
2
>>> policy.name
'titration'
"""

from __future__ import annotations

from dataclasses import dataclass

from touchdose.analysis.plan import assess
from touchdose.analysis.titration import TARGET_AGGRAVATION_RISK
from touchdose.instruments.sensitivity import derive_sensitivity
from touchdose.records import PRESSURE_MIN, ClientFile

__all__ = ["TitrationPolicy", "titration_policy"]


@dataclass(frozen=True)
class TitrationPolicy:
    """Callable policy: the next pressure from the client's history (see module docstring)."""

    target: float = TARGET_AGGRAVATION_RISK

    @property
    def name(self) -> str:
        return "titration"

    def __call__(self, history: ClientFile, client_id: str, /) -> int:
        if history.client.id != client_id:
            raise ValueError(
                f"policy: client_id = {client_id!r} does not match the history's client "
                f"(allowed: {history.client.id!r})"
            )
        sensitivity = derive_sensitivity(history.client).level
        pressure = assess(history, sensitivity=sensitivity, target=self.target).plan.pressure
        # A paused plan has no pressure, but the simulator gives every scheduled session one:
        # the gentlest a therapist could offer stands in for the pause.
        return PRESSURE_MIN if pressure is None else pressure


def titration_policy(target: float = TARGET_AGGRAVATION_RISK) -> TitrationPolicy:
    """The titration policy with aggravation-risk ``target`` (default 15 %).

    Parameters
    ----------
    target : float
        Target aggravation risk per session.

    Returns
    -------
    TitrationPolicy
        ``policy(history, client_id) -> pressure``.

    Examples
    --------
    >>> titration_policy(0.10).target
    0.1
    """
    return TitrationPolicy(target)
